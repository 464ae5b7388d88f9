/**
 * What every `ocr:*` task does first: pick the feed, connect to the network, and find (or, on
 * the in-process network, deploy) the feed's contracts and committee.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";

import type { DeployFeedOptions, FeedAddresses, OcrFeed } from "../plugin/api-types.js";
import {
  type DeploymentSite,
  type KeySource,
  attachRecordedFeed,
  deployAndRecordFeed,
  networkDeploymentsDir,
  resolveDeploymentsDir,
} from "../plugin/deployments/index.js";
import { withUserErrors } from "../plugin/deployments/user-errors.js";
import { notDeployedInProcess } from "../plugin/messages.js";
import type { OcrFeedConfig } from "../plugin/types.js";
import { buildProjectFirst } from "./build-first.js";
import { ocrError } from "./errors.js";
import { givenText } from "./parse.js";

export { withUserErrors };

export interface OcrTaskContext {
  readonly hre: HardhatRuntimeEnvironment;
  readonly connection: NetworkConnection;
  readonly networkName: string;
  readonly chainId: bigint;
  /** The simulated chain inside this process: it ends with the command, so nothing is recorded. */
  readonly inProcess: boolean;
  /** `<deploymentsDir>/<network>-<chainId>` (only used on JSON-RPC networks). */
  readonly networkDir: string;
  readonly deploymentsDir: string;
}

/** The feed config for `--feed` (the default feed when omitted); unknown names are user errors. */
export function feedConfigFor(hre: HardhatRuntimeEnvironment, feedName: string | undefined): OcrFeedConfig {
  const name = givenText(feedName) ?? hre.config.ocr.defaultFeed;
  const feed = hre.config.ocr.feeds[name];
  if (feed === undefined) {
    const known = Object.keys(hre.config.ocr.feeds).map((n) => JSON.stringify(n)).join(", ");
    throw ocrError(`Unknown feed ${JSON.stringify(name)}; the configured feeds are ${known}. Pass one of them with --feed, or add ocr.feeds[${JSON.stringify(name)}] to your Hardhat config`);
  }
  return feed;
}

/**
 * Connect to the selected network (`--network`) and learn its chain id. `build: false` is for a
 * task that uses no artifact (an oracle process), so that n of them starting at once do not
 * race on the build cache.
 */
export async function openTaskContext(hre: HardhatRuntimeEnvironment, options: { readonly build?: boolean } = {}): Promise<OcrTaskContext> {
  if (options.build !== false) await buildProjectFirst(hre);
  const connection = await hre.network.getOrCreate();
  const networkName = connection.networkName;
  let chainIdHex: string;
  try {
    chainIdHex = (await connection.provider.request({ method: "eth_chainId" })) as string;
  } catch (error) {
    const where = await networkUrl(connection);
    throw ocrError(
      `Cannot reach network "${networkName}"${where !== undefined ? ` at ${where}` : ""}: ${(error as Error).message.split("\n")[0].replace(/\.+$/, "")}. ` +
        `Start the node (e.g. \`npx hardhat node\` in another terminal) or fix networks.${networkName} in your Hardhat config, then run the command again`,
      error as Error,
    );
  }
  const chainId = BigInt(chainIdHex);
  const deploymentsDir = resolveDeploymentsDir(hre.config.paths.root, hre.config.ocr.deploymentsDir);
  return {
    hre,
    connection,
    networkName,
    chainId,
    inProcess: connection.networkConfig.type === "edr-simulated",
    networkDir: networkDeploymentsDir(deploymentsDir, networkName, chainId),
    deploymentsDir,
  };
}

async function networkUrl(connection: NetworkConnection): Promise<string | undefined> {
  const config = connection.networkConfig;
  if (config.type !== "http") return undefined;
  try {
    return await config.url.getUrl();
  } catch {
    return undefined;
  }
}

/** The command a user runs to (re)deploy `feedName` on this network. */
export function deployCommand(ctx: OcrTaskContext, feedName: string): string {
  const feedPart = feedName === ctx.hre.config.ocr.defaultFeed ? "" : ` --feed ${JSON.stringify(feedName)}`;
  const networkPart = ctx.inProcess && ctx.networkName === "default" ? "" : ` --network ${ctx.networkName}`;
  return `npx hardhat ocr:deploy${feedPart}${networkPart}`;
}

/** The network of a task as the deployment functions see it: records, keys.json, JSON-RPC and the API. */
export function deploymentSite(ctx: OcrTaskContext): DeploymentSite {
  return {
    networkName: ctx.networkName,
    chainId: ctx.chainId,
    deploymentsDir: ctx.deploymentsDir,
    networkDir: ctx.networkDir,
    rpc: ctx.connection.provider,
    api: ctx.connection.ocr,
    deployCommand: (feedName) => deployCommand(ctx, feedName),
    notice: (message) => console.error(message),
  };
}

export interface DeployedFeed {
  readonly feed: OcrFeed;
  /** Where the record was written (JSON-RPC networks only). */
  readonly recordFile?: string;
  readonly keySource?: KeySource;
  /** The addresses this deployment replaced in the record (`--force`), kept there under "previous". */
  readonly replaced?: FeedAddresses;
}

/**
 * Deploy `feed` with `overrides` through `connection.ocr`, and on a JSON-RPC network record the
 * deployment (and, on a local dev chain, the key seed) for later commands.
 */
export async function deployFeed(
  ctx: OcrTaskContext,
  feed: OcrFeedConfig,
  overrides: DeployFeedOptions,
  options: { readonly force?: boolean } = {},
): Promise<DeployedFeed> {
  if (ctx.inProcess) {
    return { feed: await withUserErrors("Deploying the feed", () => ctx.connection.ocr.deployFeed(feed.name, overrides)) };
  }
  return deployAndRecordFeed(deploymentSite(ctx), feed, overrides, options);
}

export interface OpenFeedOptions {
  /** On the in-process network, deploy the feed when this process has none yet. */
  readonly deployIfMissing: boolean;
  /** Attach without starting the committee: nothing is funded or sent (ocr:status). */
  readonly readOnly?: boolean;
  /** Options for that in-process deployment (committee size, decimals). */
  readonly deployOverrides?: DeployFeedOptions;
}

/**
 * The feed this command drives: one already on this connection, else (JSON-RPC networks) the
 * recorded deployment attached with its keys, else (in-process network) a fresh deployment.
 */
export async function openFeed(ctx: OcrTaskContext, feed: OcrFeedConfig, options: OpenFeedOptions): Promise<OcrFeed> {
  const existing = ctx.connection.ocr.feeds.get(feed.name);
  if (existing !== undefined) return existing;
  if (ctx.inProcess) {
    if (options.deployIfMissing) return (await deployFeed(ctx, feed, options.deployOverrides ?? {})).feed;
    throw ocrError(notDeployedInProcess(feed.name, ctx.networkName));
  }
  return attachRecordedFeed(deploymentSite(ctx), feed, { readOnly: options.readOnly === true });
}
