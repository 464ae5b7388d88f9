/**
 * `ocr:upgrade`: what a feed owner does to move a feed to a new aggregator. Deploys a new
 * aggregator with its own committee (optionally another size), proposes and confirms it on the
 * proxy (a new phase), and moves the record to it, keeping the old aggregator under "previous".
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { readRecordOrExplain, recordUpgrade } from "../plugin/deployments/index.js";
import { recordLostDuringUpgrade } from "../plugin/messages.js";
import { deploymentSite, feedConfigFor, openFeed, openTaskContext, withUserErrors } from "./context.js";
import { type DeployTaskArguments, deployOverrides, readConfigCount } from "./deploy.js";
import { ocrError, withJsonErrors } from "./errors.js";
import { toJson } from "./format.js";

export type UpgradeTaskArguments = Omit<DeployTaskArguments, "force">;

/** What `--json` prints. */
export interface UpgradeOutput {
  network: string;
  chainId: string;
  feed: string;
  proxy: string;
  previousAggregator: string;
  aggregator: string;
  phaseId: number;
  n: number;
  f: number;
  configDigest: string;
  configCount: number;
  recordFile: string;
}

export default async function upgradeAction(args: UpgradeTaskArguments, hre: HardhatRuntimeEnvironment): Promise<UpgradeOutput> {
  return withJsonErrors(args.json, () => upgrade(args, hre));
}

async function upgrade(args: UpgradeTaskArguments, hre: HardhatRuntimeEnvironment): Promise<UpgradeOutput> {
  const feedConfig = feedConfigFor(hre, args.feed);
  const overrides = deployOverrides({ ...args, json: args.json }, feedConfig);
  const ctx = await openTaskContext(hre);
  if (ctx.inProcess) {
    throw ocrError(
      `ocr:upgrade changes a recorded feed, and the in-process network "${ctx.networkName}" lasts only as long as one command. ` +
        `Start a node (\`npx hardhat node\`), deploy with \`npx hardhat ocr:deploy --network localhost\`, then upgrade with --network localhost (in tests: feed.upgradeAggregator())`,
    );
  }
  const feed = await openFeed(ctx, feedConfig, { deployIfMissing: false });
  const previousAggregator = feed.addresses.aggregator;
  await withUserErrors("Upgrading the aggregator", () => feed.upgradeAggregator(overrides));
  feed.stop?.();
  // openFeed may itself have moved the record to the proxy's aggregator; start from what it wrote.
  const site = deploymentSite(ctx);
  const record = await readRecordOrExplain(site, feed.name);
  if (record === undefined) throw ocrError(recordLostDuringUpgrade(feed.name, feed.addresses.aggregator));
  const recordFile = await recordUpgrade(site, record, feed);
  const output: UpgradeOutput = {
    network: ctx.networkName,
    chainId: ctx.chainId.toString(),
    feed: feed.name,
    proxy: feed.addresses.proxy,
    previousAggregator,
    aggregator: feed.addresses.aggregator,
    phaseId: feed.phaseId,
    n: feed.n,
    f: feed.f,
    configDigest: feed.configDigest,
    configCount: await readConfigCount(feed),
    recordFile,
  };
  console.log(
    args.json
      ? toJson(output)
      : [
          `Upgraded feed ${JSON.stringify(feed.name)} on network "${ctx.networkName}": the proxy ${output.proxy} now reads phase ${output.phaseId}`,
          `  aggregator  ${output.aggregator}  (n=${output.n}, f=${output.f}, digest ${output.configDigest})`,
          `  previous    ${previousAggregator}  (its rounds stay readable through the proxy under phase ${output.phaseId - 1})`,
          `Recorded in ${recordFile} (the previous aggregator is kept under "previous").`,
        ].join("\n"),
  );
  return output;
}
