/**
 * The API behind `connection.ocr` on every Hardhat network connection: deploy or attach to an OCR1
 * feed, drive its in-process oracle committee, inject faults, move time, upgrade the aggregator
 * behind the proxy, and read what happened. Contract handles are ethers `BaseContract`s so the
 * API type-checks with and without TypeChain (cast to your TypeChain type if you use it).
 */
import type { BaseContract } from "ethers";

import type { DataSourceUserConfig, OcrFeedUserConfig } from "./types.js";
import type { ByzantineBehaviour } from "./protocol/byzantine.js";
import type {
  DeploySequencerUptimeFeedOptions,
  SequencerFlavour,
  SequencerUptimeFeed,
  SequencerUptimeFeedAddresses,
} from "./sequencer/types.js";

export type * from "./sequencer/types.js";

/** Options of `deployFeed`: any feed setting from the config, overriding the named feed's. */
export type DeployFeedOptions = OcrFeedUserConfig;

/** The faults a Byzantine oracle's adversary can commit (plugin/protocol/byzantine.ts). */
export type { ByzantineBehaviour } from "./protocol/byzantine.js";

export interface NetworkFaultOptions {
  /** Message latency, uniform in [minMs, maxMs] of committee time. Default 5–50 ms. */
  readonly latencyMs?: { readonly min: number; readonly max: number };
  /** Probability each message is lost / delivered twice / held back so later ones overtake it. */
  readonly lossRate?: number;
  readonly duplicateRate?: number;
  readonly reorderRate?: number;
  /** Groups of oracle indices that can only reach their own group; [] heals every partition. */
  readonly partition?: readonly (readonly number[])[];
}

export interface AttachFeedOptions extends DeployFeedOptions {
  /**
   * Read the feed without running its committee: no oracle starts, nothing is funded or sent,
   * and no key seed is needed (the oracles' public identities are read from the aggregator).
   * `runRound`, `runFor`, faults and upgrades then throw; `history`, `owedPayments` and the
   * contracts work. `ocr:status` attaches this way.
   */
  readonly readOnly?: boolean;
}

/** Where a deployed feed lives; enough to attach to it again. */
export interface FeedAddresses {
  readonly aggregator: string;
  readonly proxy: string;
  readonly linkToken: string;
  /** Read (EAC proxy / access-controlled aggregator) and billing access controllers, if deployed. */
  readonly accessController?: string;
}

export interface OracleInfo {
  readonly index: number;
  readonly signer: string;
  readonly transmitter: string;
  readonly payee: string;
  /** Ed25519 public key, 0x-hex. */
  readonly offchainPublicKey: string;
}

/** One oracle's part in a round. `value` is undefined when it made no observation (down, or its source failed). */
export interface RoundObservation {
  readonly oracle: number;
  readonly value: bigint;
}

/** Everything about one report that landed on chain. */
export interface RoundResult {
  /** The protocol that made the report. */
  readonly protocol: "ocr2" | "ocr1";
  readonly configDigest: string;
  readonly epoch: number;
  readonly round: number;
  /** Leader of the epoch that produced the report. */
  readonly leader: number;
  /** The observations in the report, sorted as on chain. */
  readonly observations: readonly RoundObservation[];
  readonly median: bigint;
  /** Report bytes and the transmit signature arguments, 0x-hex. */
  readonly report: string;
  readonly rs: readonly string[];
  readonly ss: readonly string[];
  readonly rawVs: string;
  /** Oracle indices whose signatures are in the transmit. */
  readonly signers: readonly number[];
  readonly transmitter: { readonly oracle: number; readonly address: string; readonly stage: number };
  readonly txHash: string;
  readonly gasUsed: bigint;
  readonly blockNumber: number;
  /** Block timestamp of the transmission, seconds. */
  readonly timestamp: bigint;
  readonly aggregatorRoundId: bigint;
  /** (phaseId << 64) | aggregatorRoundId, as the proxy reports it. */
  readonly proxyRoundId: bigint;
  /** The answer read back through the proxy after the round. */
  readonly answer: bigint;
  /** Why the committee reported (the signing oracles' decision), see `ReportReason`. */
  readonly reason: ReportReason;
  /** OCR2: transmit's three reportContext words (digest; epoch and round; extraHash), 0x-hex. */
  readonly reportContext?: readonly [string, string, string];
  /** OCR2: the median of the oracles' observation clocks (seconds), what `startedAt` reads. */
  readonly observationsTimestamp?: bigint;
  /** OCR2: the median juelsPerFeeCoin the report carries. */
  readonly juelsPerFeeCoin?: bigint;
  /** OCR2: `startedAt` and `updatedAt` read back through the proxy for this round. */
  readonly startedAt?: bigint;
  readonly updatedAt?: bigint;
}

/**
 * Why a report was made: `first` (the aggregator had no answer under this config yet),
 * `deviation` (the median moved more than alphaPPB from the latest answer), `heartbeat` (deltaC
 * passed since the latest answer), `requested` (the owner called requestNewRound), or
 * `chain-read-failed` (the oracles could not read the chain and reported to be safe).
 */
export type { ReportReason } from "./protocol/results.js";
import type { ReportReason } from "./protocol/results.js";

export interface RunRoundOptions {
  /**
   * Make a report due even if the answer has not moved: the owner calls `requestNewRound()` first,
   * as a Chainlink feed admin would. Default true. With false, a report lands only if the
   * committee's own rules want one (deviation over alphaPPB, heartbeat deltaC, first round).
   */
  readonly request?: boolean;
  /** Set these oracles' observations (index i = oracle i) for this and later rounds, like `setObservations`. */
  readonly observations?: readonly (bigint | number | string)[];
  /** Oracles that are down for this round only. */
  readonly down?: readonly number[];
  /**
   * Give up after this much committee time. Default: a bound derived from the timing config (one
   * round through f + 2 leader changes and every transmission stage), plus deltaC without `request`.
   */
  readonly timeoutMs?: number;
  /**
   * Give up after this much real (wall-clock) time, whatever the committee time: a data source
   * that hangs costs real time on every round. Default: 60 s in process; on a live node the
   * committee-time bound plus 60 s.
   */
  readonly wallTimeoutMs?: number;
  /**
   * Called every `progressIntervalMs` of wall time (default 3 s) while no report has landed, with
   * what the committee is waiting for (e.g. oracles whose data source has not answered).
   */
  readonly onWaiting?: (status: RoundWaitStatus) => void;
  readonly progressIntervalMs?: number;
  /**
   * Stop the committee the moment the report lands, before anything is read back. One-shot
   * tools (`ocr:run-round`) use it against a live node, so that no later round the committee
   * has under way lands after the caller has moved on. The feed cannot run rounds afterwards.
   */
  readonly stopWhenLanded?: boolean;
}

/** What `runRound` reports through `onWaiting` while it waits. */
export interface RoundWaitStatus {
  /** Wall-clock time since the call started. */
  readonly elapsedMs: number;
  /** Committee time since the call started. */
  readonly committeeElapsedMs: number;
  /** Oracles whose data source has not answered yet, with how long it has been pending (wall time). */
  readonly pendingObservations: readonly { readonly oracle: number; readonly source: string; readonly epoch: number; readonly round: number; readonly pendingMs: number }[];
  /** One sentence: what stands in the way so far. */
  readonly waitingFor: string;
}

/** Thrown by `runRound` when no report lands; `reason` says why (e.g. more than f oracles down). */
export interface NoReportError extends Error {
  readonly code: "OCR_NO_REPORT";
  readonly reason: string;
}

export interface RoundHistoryEntry {
  readonly phaseId: number;
  readonly aggregator: string;
  readonly aggregatorRoundId: bigint;
  readonly proxyRoundId: bigint;
  readonly answer: bigint;
  readonly timestamp: bigint;
  readonly epoch: number;
  readonly round: number;
  readonly transmitter: string;
  readonly observations: readonly bigint[];
  readonly observers: readonly number[];
  readonly txHash: string;
}

/** A committee trace event (see plugin/protocol/trace.ts for the full union). */
export interface OcrTraceEvent {
  readonly type: string;
  readonly atMs: number;
  readonly [field: string]: unknown;
}

/** A deployed feed with its committee. */
export interface OcrFeed {
  /** The protocol the feed's current phase runs: "ocr2" (OCR2Aggregator) or "ocr1" (OffchainAggregator). */
  readonly protocol: "ocr2" | "ocr1";
  readonly name: string;
  readonly addresses: FeedAddresses;
  /** Current aggregator (changes with `upgradeAggregator`). */
  readonly aggregator: BaseContract;
  readonly proxy: BaseContract;
  readonly linkToken: BaseContract;
  readonly n: number;
  readonly f: number;
  readonly decimals: number;
  readonly oracles: readonly OracleInfo[];
  readonly configDigest: string;
  readonly phaseId: number;

  /** Run the committee until one report lands and return it. */
  runRound(options?: RunRoundOptions): Promise<RoundResult>;
  /** `runRound` k times. */
  runRounds(k: number, options?: RunRoundOptions): Promise<RoundResult[]>;
  /**
   * Let the committee run on its own timers for `ms` of committee time (chain time follows on
   * the simulated network): heartbeats, deviations and epoch changes happen as they would.
   * Returns the reports that landed.
   */
  runFor(ms: number): Promise<RoundResult[]>;

  /** Fix oracle i's observation to values[i] from now on (undefined entries keep their source). */
  setObservations(values: readonly (bigint | number | string | undefined)[]): void;
  setDataSource(oracle: number, source: DataSourceUserConfig): void;
  /** Crash these oracles; they make no observations, sign nothing and transmit nothing. */
  takeDown(oracles: readonly number[]): Promise<void>;
  /** Restart them; they resume from their own saved state. */
  bringUp(oracles: readonly number[]): Promise<void>;
  /**
   * Make an oracle Byzantine (null: honest again). Its adversary rewrites what it sends: see
   * `ByzantineBehaviour` (bad or missing signatures, a different report, an equivocating,
   * withholding or replaying leader, a silent or stale transmitter). With at most f faulty
   * oracles the feed's answers stay within the honest observations; a lying oracle needs no
   * behaviour, just `setObservations`.
   */
  setByzantine(oracle: number, behaviour: ByzantineBehaviour | null): void;
  /** Change how the oracles' network behaves (all links), e.g. loss, latency or a partition. */
  setNetwork(options: NetworkFaultOptions): void;

  /**
   * Move time forward by `ms` without running the committee: chain time (next block timestamp) and
   * the committee's clock together, so a test can let a 24 h heartbeat expire in milliseconds.
   */
  advanceTime(ms: number): Promise<void>;

  /**
   * Deploy a new aggregator (optionally with different settings, e.g. more oracles), configure it
   * with its own committee, propose and confirm it on the proxy (a new phase), and switch this
   * feed to it. Earlier rounds stay readable through the proxy under their phase's round ids.
   */
  upgradeAggregator(options?: DeployFeedOptions): Promise<void>;

  /** Every round stored by every phase's aggregator, oldest first, read from chain events. */
  history(): Promise<RoundHistoryEntry[]>;
  /**
   * The committee's diagnostic trace (current phase): its most recent events, up to 50,000, so
   * a feed that runs for hours keeps flat memory. Results (`runRound`, `runFor`) never depend on it.
   */
  trace(): readonly OcrTraceEvent[];
  /** LINK-wei owed to each oracle (index i). */
  owedPayments(): Promise<bigint[]>;
  /**
   * Stop every oracle of the committee and cancel its timers, so nothing keeps a process alive
   * (matters with the real clock of an HTTP network). Closing the connection does this too.
   */
  stop?(): void;
}

export interface OcrApi {
  /** Deploy a feed from the config (default feed when `name` is omitted) plus `options` overrides. */
  deployFeed(name?: string, options?: DeployFeedOptions): Promise<OcrFeed>;
  /**
   * Attach to a feed deployed earlier (e.g. by `ocr:deploy` on a node, or by the Ignition module).
   * The oracle keys must come from the same seed (local chains) or `keySeed` as at deployment.
   * An aggregator that has no config yet (fresh from the Ignition module) is configured for this
   * committee: the connection's first account must own it; missing payees are set first.
   */
  attachFeed(name: string, addresses: FeedAddresses, options?: AttachFeedOptions): Promise<OcrFeed>;
  /** Feeds deployed or attached on this connection, by name. */
  readonly feeds: ReadonlyMap<string, OcrFeed>;
  /**
   * Deploy an L2 sequencer uptime feed (Optimism or Arbitrum flavour) behind a proxy, with a local
   * stand-in for the bridge that delivers its status messages from L1. It starts "up" (round 1).
   */
  deploySequencerUptimeFeed(options?: DeploySequencerUptimeFeedOptions): Promise<SequencerUptimeFeed>;
  /** The handle of a sequencer uptime feed deployed earlier (e.g. by `ocr:sequencer` on a node). */
  attachSequencerUptimeFeed(flavour: SequencerFlavour, addresses: SequencerUptimeFeedAddresses): Promise<SequencerUptimeFeed>;
}
