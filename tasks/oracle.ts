/**
 * `ocr:oracle`: one oracle of a recorded feed in this process, talking to the other oracles of
 * the aggregator's config over libp2p and keeping its state in a SQLite file, until SIGINT or
 * SIGTERM, when it closes the file and its connections and exits.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { DEFAULT_P2P_BASE_PORT } from "../plugin/constants.js";
import { dataSourceFromSpec } from "../plugin/data-sources/from-spec.js";
import { deploymentRecordPath, feedSlug, readRecordOrExplain, recordedKeySeed } from "../plugin/deployments/index.js";
import {
  noOnchainConfig,
  notDeployed,
  oracleIndexInvalid,
  oracleProcessNeedsNode,
  oracleStateUnusable,
  p2pAddressInvalid,
  p2pListenFailed,
  peerIdNotInConfig,
  peersListLength,
  oracleStateOfOtherProtocol,
} from "../plugin/messages.js";
import { protocolOf } from "../plugin/feed/setup.js";
import { defaultP2PAddress, parseP2PAddress } from "../plugin/p2p/addresses.js";
import type { OracleProcessEvent, RunningOracle } from "../plugin/p2p/oracle-process.js";
import type { OcrFeedConfig } from "../plugin/types.js";
import { deployCommand, deploymentSite, feedConfigFor, openTaskContext } from "./context.js";
import { ocrError, withJsonErrors } from "./errors.js";

export interface OracleTaskArguments {
  feed?: string;
  index: string;
  listen?: string;
  peers?: string;
  stateDir?: string;
  json?: boolean;
}

export default async function oracleAction(args: OracleTaskArguments, hre: HardhatRuntimeEnvironment): Promise<void> {
  return withJsonErrors(args.json === true, () => runOracle(args, hre));
}

/** The default folder of a feed's oracle state files: next to the network's deployment records. */
export function defaultStateDir(networkDir: string, feedName: string): string {
  return path.join(networkDir, "oracle-state", feedSlug(feedName));
}

/** Where oracle `index` listens and how it reaches every oracle, from the options or the feed's base port. */
export function p2pAddresses(feed: OcrFeedConfig, index: number, n: number, listen: string | undefined, peers: string | undefined) {
  const basePort = feed.p2pBasePort ?? DEFAULT_P2P_BASE_PORT;
  const parse = (option: string, text: string) => {
    try {
      return parseP2PAddress(text);
    } catch (error) {
      throw ocrError(p2pAddressInvalid(option, text, (error as Error).message));
    }
  };
  const listenAddress = listen !== undefined && listen.trim() !== "" ? parse("--listen", listen) : defaultP2PAddress(basePort, index);
  let peerAddresses: string[][];
  if (peers !== undefined && peers.trim() !== "") {
    const entries = peers.split(",").map((p) => p.trim());
    if (entries.length !== n) throw ocrError(peersListLength(entries.length, n));
    peerAddresses = entries.map((entry) => [parse("--peers", entry)]);
  } else {
    peerAddresses = Array.from({ length: n }, (_, i) => [defaultP2PAddress(basePort, i)]);
  }
  return { listen: [listenAddress], peerAddresses };
}

/**
 * The recorded feed oracle processes run: its config, the task context on a real node (never the
 * in-process simulation), its deployment record and the protocol its aggregator runs.
 */
export async function recordedFeedOnNode(hre: HardhatRuntimeEnvironment, feedName: string | undefined, options: { build: boolean }) {
  const feed = feedConfigFor(hre, feedName);
  const ctx = await openTaskContext(hre, options);
  if (ctx.inProcess) throw ocrError(oracleProcessNeedsNode(ctx.networkName));
  const site = deploymentSite(ctx);
  const record = await readRecordOrExplain(site, feed.name);
  if (record === undefined) {
    throw ocrError(notDeployed(feed.name, site, deploymentRecordPath(site.deploymentsDir, site.networkName, site.chainId, feed.name), deployCommand(ctx, feed.name)));
  }
  const protocol = await protocolOf(ctx.connection.ethers, record.addresses.aggregator);
  return { feed, ctx, site, record, protocol };
}

async function runOracle(args: OracleTaskArguments, hre: HardhatRuntimeEnvironment): Promise<void> {
  const json = args.json === true;
  // An oracle reads no artifact, and n of them starting at once must not race on the build cache.
  const { feed, ctx, site, record, protocol } = await recordedFeedOnNode(hre, args.feed, { build: false });
  const index = Number(args.index);
  if (args.index.trim() === "" || !Number.isInteger(index) || index < 0 || index >= record.n) throw ocrError(oracleIndexInvalid(feed.name, args.index, record.n));
  const keys = (await recordedKeySeed(site, feed, record)).oracleKeys(index);
  const { listen, peerAddresses } = p2pAddresses(feed, index, record.n, args.listen, args.peers);
  const stateDir = args.stateDir !== undefined && args.stateDir.trim() !== "" ? path.resolve(args.stateDir) : defaultStateDir(ctx.networkDir, feed.name);
  await mkdir(stateDir, { recursive: true });
  const print = json ? (event: OracleProcessEvent) => console.log(JSON.stringify(event)) : (event: OracleProcessEvent) => console.log(describeOracleEvent(event));

  quietSqliteExperimentalWarning();
  // Loaded only now: the P2P stack (libp2p, node:sqlite) is for oracle processes alone.
  const { OracleProcessError, startOracleProcess } = await import("../plugin/p2p/oracle-process.js");
  let running: RunningOracle;
  try {
    running = await startOracleProcess({
      feedName: feed.name,
      index,
      keys,
      provider: ctx.connection.ethers.provider,
      chainId: ctx.chainId,
      aggregatorAddress: record.addresses.aggregator,
      protocol,
      dataSource: dataSourceFromSpec(feed.dataSources[index] ?? feed.dataSources[feed.dataSources.length - 1]),
      stateFile: path.join(stateDir, `oracle-${index}.sqlite`),
      listen,
      peerAddresses,
      onEvent: print,
    });
  } catch (error) {
    if (!(error instanceof OracleProcessError)) throw error;
    switch (error.problem) {
      case "no-config":
        throw ocrError(noOnchainConfig(feed.name, record.addresses.aggregator), error);
      case "committee-size":
        throw ocrError(oracleIndexInvalid(feed.name, args.index, Number(error.details.n)), error);
      case "peer-id":
        throw ocrError(peerIdNotInConfig(feed.name, index, String(error.details.configured), String(error.details.own), deployCommand(ctx, feed.name)), error);
      case "state":
        throw ocrError(oracleStateUnusable(error.message), error);
      case "state-protocol":
        throw ocrError(oracleStateOfOtherProtocol(path.join(stateDir, `oracle-${index}.sqlite`), String(error.details.stored), String(error.details.current)), error);
      case "listen":
        throw ocrError(p2pListenFailed(listen.join(", "), error.message), error);
    }
  }
  const onSignal = (signal: NodeJS.Signals) => void running.stop(signal);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    await running.stopped;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** One line for people per event of an oracle process. */
export function describeOracleEvent(event: OracleProcessEvent): string {
  const who = `oracle ${event.oracle}`;
  switch (event.type) {
    case "started":
      return `${who} (peer ${event.peerId}, pid ${event.pid}) listening on ${event.listen.join(", ")}; state ${event.stateFile}${event.resumedEpoch !== null ? `, resuming epoch ${event.resumedEpoch}` : ""}`;
    case "status":
      return (
        `${who}  epoch ${event.epoch ?? "-"}  leader ${event.leader ?? "-"}  peers ${event.connectedPeers.length > 0 ? event.connectedPeers.join(",") : "none"}` +
        `  last report ${event.lastReport !== null ? `${event.lastReport.epoch}.${event.lastReport.round}` : "-"}`
      );
    case "transmitted":
      return `${who} transmitted the report of epoch ${event.epoch} round ${event.round} (median ${event.median}${event.txHash !== null ? `, tx ${event.txHash}` : ""})`;
    case "transmit-failed":
      return `${who} could not transmit the report of epoch ${event.epoch} round ${event.round}: ${event.reason}`;
    case "transport": {
      const { kind, ...rest } = event.event;
      return `${who} transport ${kind}: ${JSON.stringify(rest)}${event.suppressed !== undefined ? ` (and ${event.suppressed} more like it)` : ""}`;
    }
    case "trace": {
      const { type, timeMs: _time, oracle: _oracle, ...rest } = event.event;
      return `${who} ${String(type)} ${JSON.stringify(rest)}`;
    }
    case "stopped":
      return `${who} stopped (${event.reason}); its state file is closed`;
  }
}

/**
 * node:sqlite warns that it is experimental on first use (Node 22). The state file's format is
 * ours and checked on every read, so that one warning only adds noise to an oracle's output;
 * every other warning is still printed.
 */
function quietSqliteExperimentalWarning(): void {
  const previous = process.listeners("warning");
  process.removeAllListeners("warning");
  process.on("warning", (warning) => {
    if (warning.name === "ExperimentalWarning" && /SQLite/i.test(warning.message)) return;
    for (const listener of previous) listener(warning);
  });
}
