/**
 * One oracle in a process of its own: its keys, a SQLite state file, the aggregator over
 * JSON-RPC, and a libp2p endpoint to the other oracles of the on-chain config. The aggregator's
 * protocol (OCR1's OffchainAggregator or an OCR2Aggregator) picks the chain adapter, where the
 * config keeps the committee's peer ids, and the wire schema the endpoint speaks. This module
 * takes everything from outside as arguments (the task resolves the feed, the keys and the
 * network); the libp2p stack is loaded only when an oracle starts, so nobody else pays for it.
 */
import { Wallet, type Provider } from "ethers";

import { EthersAggregatorChain } from "../chain/ethers-aggregator-chain.js";
import { Ocr2AggregatorChain } from "../chain/ocr2-aggregator-chain.js";
import { bytesToHex } from "../core/bytes.js";
import { decodeEncodedConfig } from "../core/config/encoding.js";
import type { OracleKeys } from "../core/keys.js";
import { decodeOcr2OffchainConfig } from "../core/ocr2/offchain-config.js";
import type { DataSource } from "../data-sources/data-source.js";
import { WallClock } from "../feed/wall-clock.js";
import type { ContractConfig } from "../protocol/chain.js";
import { DEFAULT_LOCAL_CONFIG } from "../protocol/local-config.js";
import { ManagedOracle } from "../protocol/managed-oracle.js";
import type { TraceEvent } from "../protocol/trace.js";
import type { TransmissionOutcome } from "../protocol/transmission.js";
import { p2pIdentityOf } from "./identity.js";
import type { Libp2pEndpoint, TransportEvent } from "./libp2p-endpoint.js";
import { SqliteOracleStore } from "./sqlite-oracle-store.js";

/** How often a process re-reads the contract's config (a new committee needs a restart, see below). */
export const ORACLE_CONFIG_POLL_MS = 5_000;

/** What an oracle process tells whoever runs it; `--json` prints one per line. */
export type OracleProcessEvent =
  | { readonly type: "started"; readonly oracle: number; readonly pid: number; readonly peerId: string; readonly listen: readonly string[]; readonly stateFile: string; readonly resumedEpoch: number | null }
  | { readonly type: "status"; readonly oracle: number; readonly connectedPeers: readonly number[]; readonly epoch: number | null; readonly leader: number | null; readonly lastReport: { readonly epoch: number; readonly round: number } | null }
  /** `timeMs`: when the transaction was known to have landed (this machine's clock). */
  | { readonly type: "transmitted"; readonly oracle: number; readonly epoch: number; readonly round: number; readonly txHash: string | null; readonly median: string; readonly timeMs: number }
  | { readonly type: "transmit-failed"; readonly oracle: number; readonly epoch: number; readonly round: number; readonly reason: string }
  /** `suppressed`: failed sends to the same peer left out since the last line about it. */
  | { readonly type: "transport"; readonly oracle: number; readonly event: TransportEvent; readonly suppressed?: number }
  | { readonly type: "trace"; readonly oracle: number; readonly event: Record<string, unknown> }
  | { readonly type: "stopped"; readonly oracle: number; readonly reason: string };

/** A peer that is down fails every send; say so at most this often per peer. */
export const SEND_FAILURE_REPORT_INTERVAL_MS = 10_000;

/** Protocol trace events worth a line in a process's output (the rest are per-message detail). */
const REPORTED_TRACES: ReadonlySet<string> = new Set(["config-adopted", "config-rejected", "epoch-start", "round-start", "report-req-rejected", "transmit-reverted", "progress-timeout"]);

export interface OracleProcessOptions {
  readonly feedName: string;
  readonly index: number;
  readonly keys: OracleKeys;
  readonly provider: Provider;
  readonly chainId: bigint;
  readonly aggregatorAddress: string;
  /** What the aggregator runs (its typeAndVersion says; see protocolOf in feed/setup.ts). */
  readonly protocol: "ocr1" | "ocr2";
  readonly dataSource: DataSource;
  /** The SQLite file of this oracle's state (created if missing). */
  readonly stateFile: string;
  /** Multiaddrs to listen on. */
  readonly listen: readonly string[];
  /** Multiaddrs of every oracle, in config order (this oracle's own entry is not dialled). */
  readonly peerAddresses: readonly (readonly string[])[];
  readonly onEvent: (event: OracleProcessEvent) => void;
  /** How often to emit a status event when something changed (default 500 ms). */
  readonly statusIntervalMs?: number;
  readonly configPollIntervalMs?: number;
}

/** Why an oracle process could not start, with what the task should tell the user. */
export class OracleProcessError extends Error {
  override readonly name = "OracleProcessError";
  constructor(
    readonly problem: "no-config" | "committee-size" | "peer-id" | "state" | "state-protocol" | "listen",
    message: string,
    readonly details: Readonly<Record<string, string | number>> = {},
  ) {
    super(message);
  }
}

export interface RunningOracle {
  readonly oracle: ManagedOracle;
  readonly endpoint: Libp2pEndpoint;
  readonly store: SqliteOracleStore;
  /** Leave the network, cancel every timer and close the state file; resolves when all is closed. */
  stop(reason: string): Promise<void>;
  /** Resolves once `stop` finished. */
  readonly stopped: Promise<void>;
}

/**
 * The committee's peer ids from an on-chain config (OCR1's encoded config, or OCR2's offchain
 * config protobuf), checked against this oracle's identity.
 */
export function committeePeerIds(config: ContractConfig, index: number, keys: OracleKeys): string[] {
  const peerIds = [...(config.protocol === "ocr2" ? decodeOcr2OffchainConfig(config.encoded) : decodeEncodedConfig(config.encoded)).peerIds];
  if (index >= peerIds.length) {
    throw new OracleProcessError("committee-size", `the config has ${peerIds.length} oracles`, { n: peerIds.length });
  }
  if (peerIds[index] !== keys.peerId) {
    throw new OracleProcessError("peer-id", `config lists ${peerIds[index]} at ${index}, keys give ${keys.peerId}`, { configured: peerIds[index], own: keys.peerId });
  }
  return peerIds;
}

/** Start one oracle. Throws OracleProcessError for what a user can fix; nothing is left open then. */
export async function startOracleProcess(options: OracleProcessOptions): Promise<RunningOracle> {
  const { index, keys, onEvent } = options;
  const chainOptions = {
    provider: options.provider,
    aggregatorAddress: options.aggregatorAddress,
    transmitterSigner: () => new Wallet(bytesToHex(keys.transmitterKey), options.provider),
  };
  const chain = options.protocol === "ocr2" ? new Ocr2AggregatorChain(chainOptions) : new EthersAggregatorChain(chainOptions);
  const config = await chain.latestConfig();
  if (config === null) throw new OracleProcessError("no-config", "the aggregator has no config");
  const peerIds = committeePeerIds(config, index, keys);
  if (options.peerAddresses.length !== peerIds.length) {
    throw new OracleProcessError("committee-size", `${options.peerAddresses.length} addresses for ${peerIds.length} oracles`, { n: peerIds.length, given: options.peerAddresses.length });
  }

  let store: SqliteOracleStore;
  try {
    store = new SqliteOracleStore(options.stateFile);
  } catch (error) {
    throw new OracleProcessError("state", errorText(error));
  }
  const stored = store.readLatestConfig();
  const storedProtocol = stored?.protocol ?? "ocr1";
  if (stored !== null && storedProtocol !== options.protocol) {
    // The oracle would resume the old config and speak its protocol to peers that speak the other.
    store.close();
    throw new OracleProcessError("state-protocol", `${options.stateFile} holds an ${storedProtocol} config`, { stored: storedProtocol, current: options.protocol });
  }
  const resumedEpoch = stored !== null ? (store.readPacemakerState(bytesToHex(config.configDigest))?.epoch ?? null) : null;

  const sendFailures = new Map<number, { atMs: number; suppressed: number }>();
  // Loaded here, not at the top: libp2p is a large dependency only oracle processes need.
  const { Libp2pEndpoint } = await import("./libp2p-endpoint.js");
  let endpoint: Libp2pEndpoint;
  try {
    endpoint = await Libp2pEndpoint.start({
      index,
      identity: p2pIdentityOf(keys),
      protocol: options.protocol,
      peers: peerIds.map((peerId, i) => ({ peerId, addresses: i === index ? [] : options.peerAddresses[i] })),
      listen: options.listen,
      onEvent: (event) => {
        if (event.kind === "send-failed") {
          const last = sendFailures.get(event.to);
          if (last !== undefined && Date.now() - last.atMs < SEND_FAILURE_REPORT_INTERVAL_MS) {
            last.suppressed++;
            return;
          }
          sendFailures.set(event.to, { atMs: Date.now(), suppressed: 0 });
          if (last !== undefined && last.suppressed > 0) {
            onEvent({ type: "transport", oracle: index, event, suppressed: last.suppressed });
            return;
          }
        }
        onEvent({ type: "transport", oracle: index, event });
      },
    });
  } catch (error) {
    store.close();
    throw new OracleProcessError("listen", errorText(error));
  }

  const clock = new WallClock();
  let lastReport: { epoch: number; round: number } | null = null;
  const oracle = new ManagedOracle({
    index,
    keys,
    clock,
    endpoint,
    chain,
    dataSource: options.dataSource,
    store,
    localConfig: { ...DEFAULT_LOCAL_CONFIG, chainId: options.chainId, configPollIntervalMs: options.configPollIntervalMs ?? ORACLE_CONFIG_POLL_MS },
    trace: (event: TraceEvent) => {
      if (event.type === "round-complete" && event.reported) lastReport = { epoch: event.epoch, round: event.round };
      if (REPORTED_TRACES.has(event.type)) onEvent({ type: "trace", oracle: index, event: jsonSafe(event) });
    },
    listener: {
      epochStarted() {},
      decided() {},
      transmission: (outcome: TransmissionOutcome) => {
        const { epoch, round } = outcome.item;
        if (outcome.type === "landed") {
          onEvent({ type: "transmitted", oracle: index, epoch, round, txHash: outcome.txHash ?? null, median: outcome.item.median.toString(), timeMs: Date.now() });
        } else if (outcome.type === "failed") {
          onEvent({ type: "transmit-failed", oracle: index, epoch, round, reason: outcome.reason });
        }
      },
    },
  });

  onEvent({ type: "started", oracle: index, pid: process.pid, peerId: keys.peerId, listen: endpoint.listenAddresses, stateFile: options.stateFile, resumedEpoch });
  oracle.start();

  let lastStatus = "";
  const emitStatus = () => {
    const status = { type: "status" as const, oracle: index, connectedPeers: endpoint.connectedPeers(), epoch: oracle.epoch, leader: oracle.leader, lastReport };
    const text = JSON.stringify(status);
    if (text !== lastStatus) {
      lastStatus = text;
      onEvent(status);
    }
  };
  const statusTimer = setInterval(emitStatus, options.statusIntervalMs ?? 500);
  emitStatus();

  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  let stopping: Promise<void> | null = null;
  const stop = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      clearInterval(statusTimer);
      oracle.stop(); // closes the endpoint
      clock.cancelAll();
      await endpoint.closed.catch(() => {});
      store.close();
      onEvent({ type: "stopped", oracle: index, reason });
      resolveStopped();
    })();
    return stopping;
  };
  return { oracle, endpoint, store, stop, stopped };
}

/** A trace event as JSON can carry it (bigints as decimal strings). */
function jsonSafe(event: TraceEvent): Record<string, unknown> {
  return JSON.parse(JSON.stringify(event, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value))) as Record<string, unknown>;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
