/**
 * `ocr:deploy`: deploy a feed (LINK token, access controller, aggregator, proxy, payees, config,
 * LINK funding) with its committee, print where it lives and who its oracles are, and on a
 * JSON-RPC network record it for later commands.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import type { DeployFeedOptions, OcrFeed } from "../plugin/api-types.js";
import { deployFeed, feedConfigFor, openTaskContext } from "./context.js";
import { table, toJson } from "./format.js";
import { withJsonErrors } from "./errors.js";
import { MAX_ORACLES, MIN_ORACLES, checkCommitteeSize, givenText, parseIntegerOption, parseProtocol } from "./parse.js";

export interface DeployTaskArguments {
  feed?: string;
  /** "ocr2" or "ocr1"; empty: the feed's config (default "ocr2"). */
  protocol?: string;
  oracles?: string;
  faulty?: string;
  decimals?: string;
  description?: string;
  force?: boolean;
  json: boolean;
}

/** What `--json` prints. Oracle keys are never part of it: only public identities. */
export interface DeployOutput {
  network: string;
  chainId: string;
  feed: string;
  aggregator: string;
  proxy: string;
  linkToken: string;
  protocol: "ocr2" | "ocr1";
  n: number;
  f: number;
  configDigest: string;
  configCount: number;
  oracles: { index: number; signer: string; transmitter: string; payee: string; offchainPublicKey: string }[];
  /** With --force over a recorded feed: the addresses it replaced (kept in the record under "previous"). */
  replaced?: { aggregator: string; proxy: string; linkToken: string };
}

/** Turn the CLI options into deployFeed overrides, checking them against the feed's config. */
export function deployOverrides(args: DeployTaskArguments, configured: { oracles: number; faultTolerance: number }): DeployFeedOptions {
  const oracles = parseIntegerOption("oracles", args.oracles, MIN_ORACLES, MAX_ORACLES);
  const faultTolerance = parseIntegerOption("faulty", args.faulty, 0, 10);
  const decimals = parseIntegerOption("decimals", args.decimals, 0, 255);
  checkCommitteeSize(oracles ?? configured.oracles, faultTolerance ?? configured.faultTolerance);
  const overrides: { -readonly [K in keyof DeployFeedOptions]: DeployFeedOptions[K] } = {};
  if (oracles !== undefined) overrides.oracles = oracles;
  if (faultTolerance !== undefined) overrides.faultTolerance = faultTolerance;
  if (decimals !== undefined) overrides.decimals = decimals;
  const description = givenText(args.description);
  if (description !== undefined) overrides.description = description;
  const protocol = parseProtocol(args.protocol);
  if (protocol !== undefined) overrides.protocol = protocol;
  return overrides;
}

/** The on-chain config count (how many setConfig calls the aggregator has seen). */
export async function readConfigCount(feed: OcrFeed): Promise<number> {
  const [configCount] = (await feed.aggregator.getFunction("latestConfigDetails")()) as [bigint, bigint, string];
  return Number(configCount);
}

export default async function deployAction(args: DeployTaskArguments, hre: HardhatRuntimeEnvironment): Promise<DeployOutput> {
  return withJsonErrors(args.json, () => deploy(args, hre));
}

async function deploy(args: DeployTaskArguments, hre: HardhatRuntimeEnvironment): Promise<DeployOutput> {
  const feedConfig = feedConfigFor(hre, args.feed);
  const overrides = deployOverrides(args, feedConfig);
  const ctx = await openTaskContext(hre);
  const { feed, recordFile, replaced } = await deployFeed(ctx, feedConfig, overrides, { force: args.force === true });
  const output: DeployOutput = {
    network: ctx.networkName,
    chainId: ctx.chainId.toString(),
    feed: feed.name,
    aggregator: feed.addresses.aggregator,
    proxy: feed.addresses.proxy,
    linkToken: feed.addresses.linkToken,
    protocol: feed.protocol,
    n: feed.n,
    f: feed.f,
    configDigest: feed.configDigest,
    configCount: await readConfigCount(feed),
    oracles: feed.oracles.map(({ index, signer, transmitter, payee, offchainPublicKey }) => ({
      index,
      signer,
      transmitter,
      payee,
      offchainPublicKey,
    })),
    ...(replaced !== undefined ? { replaced: { aggregator: replaced.aggregator, proxy: replaced.proxy, linkToken: replaced.linkToken } } : {}),
  };
  if (args.json) {
    console.log(toJson(output));
    return output;
  }
  const lines = [
    `Deployed feed ${JSON.stringify(output.feed)} on network "${output.network}" (chain ${output.chainId})`,
    `  aggregator  ${output.aggregator}`,
    `  proxy       ${output.proxy}   <- consumers read this`,
    `  LINK token  ${output.linkToken}`,
    ...(feed.addresses.accessController !== undefined ? [`  access      ${feed.addresses.accessController}`] : []),
    `  committee   ${output.protocol.toUpperCase()}, n=${output.n} oracles, tolerates f=${output.f} faulty; ${feed.decimals} decimals`,
    `  config      #${output.configCount}, digest ${output.configDigest}`,
    "",
    ...table([
      ["oracle", "signer", "transmitter", "payee"],
      ...output.oracles.map((o) => [String(o.index), o.signer, o.transmitter, o.payee]),
    ]).map((line) => "  " + line),
  ];
  if (replaced !== undefined) {
    lines.push("", `Replaced in the record (kept under "previous"): aggregator ${replaced.aggregator}, proxy ${replaced.proxy}, LINK token ${replaced.linkToken}`);
  }
  if (recordFile !== undefined) {
    lines.push("", `Recorded in ${recordFile}; later ocr:* commands on this network attach to it.`);
  } else if (ctx.inProcess) {
    lines.push("", "This in-process chain ends with this command. To keep the feed, run `npx hardhat node` and deploy with --network localhost.");
  }
  console.log(lines.join("\n"));
  return output;
}
