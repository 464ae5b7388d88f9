/**
 * One oracle: wires the pacemaker, report generation (follower always, leader when elected)
 * and transmission to the clock, the network, the chain, a data source and a database. This
 * is the only place roles' outputs turn into effects, and the only place that buffers
 * messages for epochs this oracle has not reached yet (spec §2.4, last bullet).
 */
import { type Address, sameAddress } from "../core/address.js";
import { bytesEqual, bytesToHex } from "../core/bytes.js";
import { type SharedConfig, sharedConfigFromContract } from "../core/config/shared-config.js";
import type { OracleKeys } from "../core/keys.js";
import { leaderForEpoch } from "../core/leader-selection.js";
import { transmissionDelayMs } from "../core/transmission-schedule.js";
import { type DataSource, truncateText, assertInt192 } from "../data-sources/data-source.js";
import { type AdversaryMemory, type ByzantineBehaviour, rewriteOutgoing, rewriteTransmission } from "./byzantine.js";
import type { ContractConfig, OffchainAggregatorChain, TransmissionDetails } from "./chain.js";
import type { Clock, Settled, TimerHandle } from "./clock.js";
import { type ProtocolMessage, type ReportGenerationMessage, isForLeader } from "./messages.js";
import { FutureMessageBuffer } from "./message-buffer.js";
import type { InProcessNetwork } from "./network.js";
import type { CommonOutput } from "./outputs.js";
import { Pacemaker, type PacemakerOutput, type PacemakerState } from "./pacemaker.js";
import { type FollowerOutput, ReportGenerationFollower } from "./report-generation-follower.js";
import { type LeaderOutput, ReportGenerationLeader } from "./report-generation-leader.js";
import { SIGNATURE_CHECKS, type SignatureChecks } from "./signature-checks.js";
import type { TraceBody, TraceEvent } from "./trace.js";
import { type PendingTransmission, Transmission, type TransmissionOutput } from "./transmission.js";

/** Node-local settings (spec §2.8), not part of the on-chain config. */
export interface LocalConfig {
  readonly dataSourceTimeoutMs: number;
  readonly dataSourceGracePeriodMs: number;
  readonly blockchainTimeoutMs: number;
  /**
   * Re-read the contract's config this often (libocr's ContractConfigTrackerPollInterval).
   * Omit when whoever calls setConfig also calls `refreshConfig`, as the Committee does.
   */
  readonly configPollIntervalMs?: number;
  /** Chain id and dev mode for config validation (minimum timings are skipped in dev mode). */
  readonly chainId?: bigint;
  readonly devMode?: boolean;
}

export const DEFAULT_LOCAL_CONFIG: LocalConfig = {
  dataSourceTimeoutMs: 5000,
  dataSourceGracePeriodMs: 50,
  blockchainTimeoutMs: 5000,
  devMode: true,
};

/**
 * The oracle's own storage. It outlives the oracle object, so a restarted oracle resumes its
 * pacemaker state and pending transmissions (spec §2.4, §2.7).
 */
export interface OracleDatabase {
  pacemaker: { readonly configDigest: string; readonly state: PacemakerState } | null;
  readonly pendingTransmissions: Map<string, PendingTransmission>;
}

export function createOracleDatabase(): OracleDatabase {
  return { pacemaker: null, pendingTransmissions: new Map() };
}

export interface OracleArgs {
  /** Position in the network; must equal the oracle's index in the config to take part. */
  readonly index: number;
  readonly keys: OracleKeys;
  readonly clock: Clock;
  readonly network: InProcessNetwork<ProtocolMessage>;
  readonly chain: OffchainAggregatorChain;
  readonly dataSource: DataSource;
  readonly database: OracleDatabase;
  readonly localConfig?: LocalConfig;
  readonly trace: (event: TraceEvent) => void;
  /** The roles' signature checks (default: the real ones; only a test replaces one). */
  readonly signatureChecks?: SignatureChecks;
}

/** Race `work` against a timer on `clock`; `onDone` runs exactly once. */
function withTimeout<T>(clock: Clock, work: Promise<T>, timeoutMs: number, onDone: (outcome: Settled<T>) => void): void {
  let finished = false;
  const timer = clock.setTimer(timeoutMs, () => {
    if (finished) return;
    finished = true;
    onDone({ ok: false, error: new Error(`timed out after ${timeoutMs} ms`) });
  });
  // Start the work inside the clock's tracking so virtual time waits for it.
  clock.track(work, (outcome) => {
    if (finished) return;
    finished = true;
    clock.cancelTimer(timer);
    onDone(outcome);
  });
}

/** A promise that settles with `fn()`'s result, catching synchronous throws too. */
function attempt<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return fn();
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Everything that exists only while a config is adopted. */
interface ActiveConfig {
  readonly shared: SharedConfig;
  readonly digestHex: string;
  readonly pacemaker: Pacemaker;
  readonly transmission: Transmission;
  readonly offchainPublicKeys: readonly Uint8Array[];
  readonly signerAddresses: readonly Address[];
  follower: ReportGenerationFollower | null;
  leader: ReportGenerationLeader | null;
  epoch: number;
  readonly futureMessages: FutureMessageBuffer;
}

export class Oracle {
  readonly index: number;
  private readonly keys: OracleKeys;
  private readonly clock: Clock;
  private readonly network: InProcessNetwork<ProtocolMessage>;
  private readonly chain: OffchainAggregatorChain;
  private dataSource: DataSource;
  private readonly database: OracleDatabase;
  private readonly local: LocalConfig;
  private readonly traceSink: (event: TraceEvent) => void;
  private readonly timers = new Map<string, TimerHandle>();
  private active: ActiveConfig | null = null;
  private running = false;
  private configPollTimer: TimerHandle | null = null;
  /** Set when this oracle is Byzantine: what its adversary does with its output. */
  private byzantine: ByzantineBehaviour | null = null;
  private readonly adversaryMemory: AdversaryMemory = {};
  private readonly signatureChecks: SignatureChecks;

  constructor(args: OracleArgs) {
    this.index = args.index;
    this.keys = args.keys;
    this.clock = args.clock;
    this.network = args.network;
    this.chain = args.chain;
    this.dataSource = args.dataSource;
    this.database = args.database;
    this.local = args.localConfig ?? DEFAULT_LOCAL_CONFIG;
    this.traceSink = args.trace;
    this.signatureChecks = args.signatureChecks ?? SIGNATURE_CHECKS;
  }

  get isRunning(): boolean {
    return this.running;
  }
  /** The adopted config, if any. */
  get sharedConfig(): SharedConfig | null {
    return this.active?.shared ?? null;
  }
  get epoch(): number | null {
    return this.active?.epoch ?? null;
  }
  get leader(): number | null {
    return this.active?.pacemaker.currentLeader ?? null;
  }
  get pendingTransmissions(): readonly PendingTransmission[] {
    return this.active?.transmission.pending ?? [];
  }

  setDataSource(source: DataSource): void {
    this.dataSource = source;
  }

  /** Make this oracle Byzantine (see byzantine.ts), or honest again with null. */
  setByzantine(behaviour: ByzantineBehaviour | null): void {
    this.byzantine = behaviour;
  }

  get byzantineBehaviour(): ByzantineBehaviour | null {
    return this.byzantine;
  }

  /** Join the network and adopt the contract's current config. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.network.attach(this.index, (from, message) => this.onMessage(from, message));
    this.refreshConfig();
    this.scheduleConfigPoll();
  }

  /** Crash: leave the network and drop all in-memory state (the database survives). */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.network.detach(this.index);
    if (this.configPollTimer !== null) this.clock.cancelTimer(this.configPollTimer);
    this.configPollTimer = null;
    this.teardown();
  }

  private scheduleConfigPoll(): void {
    const interval = this.local.configPollIntervalMs;
    if (interval === undefined || !this.running) return;
    this.configPollTimer = this.clock.setTimer(interval, () => {
      this.refreshConfig();
      this.scheduleConfigPoll();
    });
  }

  /** Re-read the contract's config and switch to it if it changed (call after setConfig). */
  refreshConfig(): void {
    this.readChain(
      () => this.chain.latestConfig(),
      (config) => {
        if (!this.running || !config.ok || config.value === null) return;
        if (this.active !== null && bytesEqual(this.active.shared.configDigest, config.value.configDigest)) return;
        this.readChain(
          () => this.chain.latestTransmissionDetails(),
          (details) => {
            if (this.running) this.adopt(config.value!, details.ok ? details.value : null);
          },
        );
      },
    );
  }

  // ---------------------------------------------------------------------------------------
  // Config

  private adopt(contract: ContractConfig, details: TransmissionDetails | null): void {
    this.teardown();
    const ownIndex = contract.signers.findIndex((s) => sameAddress(s, this.keys.signerAddress));
    if (ownIndex !== this.index) return; // not (or not at this position) in the committee
    let shared: SharedConfig;
    try {
      shared = sharedConfigFromContract(contract, ownIndex, this.keys.configEncryptionKey, {
        chainId: this.local.chainId,
        devMode: this.local.devMode,
      });
    } catch (error) {
      // A config this oracle cannot use (bad secret, invalid timings): idle until the next one.
      this.emitTrace({
        type: "config-rejected",
        configDigest: bytesToHex(contract.configDigest),
        reason: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    const digestHex = bytesToHex(shared.configDigest);
    const n = shared.oracles.length;
    const offchainPublicKeys = shared.oracles.map((o) => o.offchainPublicKey);
    const signerAddresses: Address[] = shared.oracles.map((o) => o.signerAddress);

    const pacemaker = new Pacemaker(
      {
        n,
        f: shared.f,
        deltaProgressMs: shared.deltaProgressMs,
        deltaResendMs: shared.deltaResendMs,
        leaderOf: (epoch) => leaderForEpoch(shared.leaderSelectionKey, epoch, n),
      },
      (output) => this.onPacemakerOutput(output),
    );
    const transmission = new Transmission(
      {
        configDigest: shared.configDigest,
        alphaPPB: shared.alphaPPB,
        deltaStageMs: shared.deltaStageMs,
        transmitterAddress: this.keys.transmitterAddress,
        delayFor: (epoch, round) =>
          transmissionDelayMs({
            transmissionOrderKey: shared.transmissionOrderKey,
            configDigest: shared.configDigest,
            epoch,
            round,
            oracleIndex: ownIndex,
            n,
            s: shared.s,
            deltaStageMs: shared.deltaStageMs,
          }),
      },
      (output) => this.onTransmissionOutput(output),
      () => this.clock.now(),
    );
    const active: ActiveConfig = {
      shared,
      digestHex,
      pacemaker,
      transmission,
      offchainPublicKeys,
      signerAddresses,
      follower: null,
      leader: null,
      epoch: 0,
      futureMessages: new FutureMessageBuffer(n),
    };
    this.active = active;
    this.emitTrace({ type: "config-adopted", configDigest: digestHex, oracleIndex: ownIndex });

    const restoredPacemaker =
      this.database.pacemaker?.configDigest === digestHex ? this.database.pacemaker.state : undefined;
    const contractEpoch =
      details !== null && bytesEqual(details.configDigest, shared.configDigest) ? details.epoch : undefined;
    const kept = new Set(transmission.restore([...this.database.pendingTransmissions.values()]));
    // The restart rule keeps only some items; forget the rest, or every restart leaves garbage behind.
    for (const [key, item] of this.database.pendingTransmissions) {
      if (!kept.has(item)) this.database.pendingTransmissions.delete(key);
    }
    pacemaker.start({ restored: restoredPacemaker, contractEpoch });
  }

  private teardown(): void {
    for (const handle of this.timers.values()) this.clock.cancelTimer(handle);
    this.timers.clear();
    this.active = null;
  }

  // ---------------------------------------------------------------------------------------
  // Epochs and message routing

  private startEpoch(epoch: number, leader: number): void {
    const active = this.active!;
    active.leader?.stop();
    this.cancelTimersWithPrefix("leader:");
    const shared = active.shared;
    const { offchainPublicKeys, signerAddresses } = active;
    active.epoch = epoch;
    active.follower = new ReportGenerationFollower(
      {
        configDigest: shared.configDigest,
        f: shared.f,
        rMax: shared.rMax,
        alphaPPB: shared.alphaPPB,
        deltaCMs: shared.deltaCMs,
        offchainPublicKeys,
        signerAddresses,
        ownIndex: this.index,
        offchainSigningKey: this.keys.offchainSigningKey,
        onchainSigningKey: this.keys.onchainSigningKey,
        checks: this.signatureChecks,
      },
      epoch,
      leader,
      (output) => this.onFollowerOutput(output),
    );
    active.leader =
      leader === this.index
        ? new ReportGenerationLeader(
            {
              configDigest: shared.configDigest,
              f: shared.f,
              rMax: shared.rMax,
              deltaRoundMs: shared.deltaRoundMs,
              deltaGraceMs: shared.deltaGraceMs,
              offchainPublicKeys,
              signerAddresses,
              checks: this.signatureChecks,
            },
            epoch,
            (output) => this.onLeaderOutput(output),
          )
        : null;
    active.leader?.start();
    this.replayBufferedMessages(active);
  }

  private onMessage(from: number, message: ProtocolMessage): void {
    const active = this.active;
    if (!this.running || active === null || from >= active.shared.oracles.length) return;
    if (message.type === "newepoch") {
      active.pacemaker.onNewEpoch(from, message.epoch);
      return;
    }
    if (active.futureMessages.admit(from, message, active.epoch) === "current") this.dispatch(from, message);
  }

  private replayBufferedMessages(active: ActiveConfig): void {
    for (const { from, message } of active.futureMessages.takeForEpoch(active.epoch)) this.dispatch(from, message);
  }

  private dispatch(from: number, message: ReportGenerationMessage): void {
    const { follower, leader } = this.active!;
    if (isForLeader(message)) {
      if (leader === null) return;
      if (message.type === "observe") leader.onObserve(from, message);
      else leader.onReport(from, message);
      return;
    }
    if (follower === null) return;
    switch (message.type) {
      case "observe-req":
        return follower.onObserveReq(from, message);
      case "report-req":
        return follower.onReportReq(from, message);
      case "final":
        return follower.onFinal(from, message);
      case "final-echo":
        return follower.onFinalEcho(from, message);
    }
  }

  // ---------------------------------------------------------------------------------------
  // Role outputs

  private onPacemakerOutput(output: PacemakerOutput): void {
    const active = this.active;
    if (active === null) return;
    switch (output.kind) {
      case "start-epoch":
        return this.startEpoch(output.epoch, output.leader);
      case "persist-pacemaker":
        this.database.pacemaker = { configDigest: active.digestHex, state: output.state };
        return;
      default:
        return this.applyCommon("pacemaker", output, (timer) => active.pacemaker.onTimer(timer));
    }
  }

  private onLeaderOutput(output: LeaderOutput): void {
    const leader = this.active?.leader;
    if (leader == null) return;
    this.applyCommon("leader", output, (timer) => {
      if (this.active?.leader === leader) leader.onTimer(timer);
    });
  }

  private onFollowerOutput(output: FollowerOutput): void {
    const active = this.active;
    const follower = active?.follower;
    if (active == null || follower == null) return;
    const stillCurrent = () => this.active === active && active.follower === follower;
    switch (output.kind) {
      case "request-observation": {
        const { epoch, round } = output;
        const source = this.dataSource;
        // The source sees an abort signal that fires once we stop waiting for it.
        const abort = new AbortController();
        const request = { oracleIndex: this.index, epoch, round, signal: abort.signal };
        const timeoutMs = this.local.dataSourceTimeoutMs + this.local.dataSourceGracePeriodMs;
        withTimeout(this.clock, attempt(() => source.observe(request)), timeoutMs, (outcome) => {
          abort.abort(new Error("observation finished"));
          let value: bigint | null = null;
          let error: string | undefined;
          try {
            if (!outcome.ok) throw outcome.error;
            value = assertInt192(outcome.value, `${source.kind} observation`);
          } catch (e) {
            error = truncateText(e instanceof Error ? e.message : String(e));
          }
          // Traced even when the round has moved on, so slow sources show up in the trace.
          this.emitTrace({ type: "observation", epoch, round, value, ...(error !== undefined ? { error } : {}) });
          if (stillCurrent()) follower.onObservation(epoch, round, value);
        });
        return;
      }
      case "read-chain-for-report": {
        const deltaC = active.shared.deltaCMs;
        const reads = attempt(() =>
          Promise.all([
            this.chain.latestTransmissionDetails(),
            this.chain.latestRoundRequested(deltaC),
            this.chain.nowMs ? this.chain.nowMs() : Promise.resolve(undefined),
          ]),
        );
        withTimeout(this.clock, reads, this.local.blockchainTimeoutMs, (outcome) => {
          if (!stillCurrent()) return;
          if (!outcome.ok) {
            follower.onChainReadings(output.epoch, output.round, null, this.clock.now());
            return;
          }
          const [details, roundRequest, chainNow] = outcome.value;
          follower.onChainReadings(output.epoch, output.round, { details, roundRequest }, chainNow ?? this.clock.now());
        });
        return;
      }
      case "progress":
        return active.pacemaker.onProgress();
      case "change-leader":
        return active.pacemaker.onChangeLeader();
      case "transmit-event":
        return active.transmission.onTransmitEvent(output.epoch, output.round, output.report);
      default:
        return this.applyCommon("follower", output, () => {});
    }
  }

  private onTransmissionOutput(output: TransmissionOutput): void {
    const active = this.active;
    if (active === null) return;
    const transmission = active.transmission;
    const stillCurrent = () => this.active === active;
    switch (output.kind) {
      case "read-chain-for-transmission":
        withTimeout(this.clock, attempt(() => this.chain.latestTransmissionDetails()), this.local.blockchainTimeoutMs, (outcome) => {
          if (stillCurrent()) transmission.onChainRead(output.purpose, outcome.ok ? outcome.value : null);
        });
        return;
      case "transmit": {
        const item = this.byzantine === null ? output.item : rewriteTransmission(this.byzantine, output.item, this.adversaryMemory);
        if (item !== output.item) {
          this.emitTrace({ type: "byzantine-act", behaviour: this.byzantine!, message: "transmit", epoch: output.item.epoch, round: output.item.round });
        }
        if (item === null) return;
        const request = {
          transmitterIndex: this.index,
          transmitterAddress: this.keys.transmitterAddress,
          report: item.report,
          rs: item.rs,
          ss: item.ss,
          rawVs: item.rawVs,
        };
        // The transaction's fate is reported even if the oracle switched configs meanwhile.
        this.clock.track(attempt(() => this.chain.transmit(request)), (outcome) => {
          const result = outcome.ok ? outcome.value : { ok: false, error: String((outcome.error as Error)?.message ?? outcome.error) };
          transmission.onTransmitResult(item, { transmitter: this.keys.transmitterAddress, ...result });
        });
        return;
      }
      case "persist-transmission":
        this.database.pendingTransmissions.set(`${output.item.epoch}:${output.item.round}`, output.item);
        return;
      case "delete-transmission":
        this.database.pendingTransmissions.delete(`${output.epoch}:${output.round}`);
        return;
      default:
        return this.applyCommon("transmission", output, () => transmission.onTimer("transmit"));
    }
  }

  /** Carry out a send/broadcast/timer/trace output for the role named `role`. */
  private applyCommon<T extends string>(role: string, output: CommonOutput<T>, onTimer: (timer: T) => void): void {
    switch (output.kind) {
      case "send":
        if (this.byzantine === null) this.network.send(this.index, output.to, output.message);
        else this.sendAsAdversary([output.to], output.message);
        return;
      case "broadcast":
        if (this.byzantine === null) this.network.broadcast(this.index, output.message);
        else this.sendAsAdversary(Array.from({ length: this.network.size }, (_, to) => to), output.message);
        return;
      case "set-timer": {
        const key = `${role}:${output.timer}`;
        const previous = this.timers.get(key);
        if (previous !== undefined) this.clock.cancelTimer(previous);
        const timer = output.timer;
        const handle = this.clock.setTimer(output.delayMs, () => {
          if (this.timers.get(key) !== handle) return;
          this.timers.delete(key);
          onTimer(timer);
        });
        this.timers.set(key, handle);
        return;
      }
      case "cancel-timer": {
        const key = `${role}:${output.timer}`;
        const handle = this.timers.get(key);
        if (handle !== undefined) this.clock.cancelTimer(handle);
        this.timers.delete(key);
        return;
      }
      case "trace":
        this.emitTrace(output.event);
        return;
    }
  }

  /** What a Byzantine oracle sends instead of `message` (traced once per message it changed). */
  private sendAsAdversary(recipients: readonly number[], message: ProtocolMessage): void {
    const behaviour = this.byzantine!;
    const shared = this.active?.shared;
    if (shared === undefined) return;
    const view = { onchainSigningKey: this.keys.onchainSigningKey, configDigest: shared.configDigest, quorum: 2 * shared.f + 1, ownIndex: this.index };
    let acted = false;
    for (const to of recipients) {
      const sent = rewriteOutgoing(behaviour, to, message, view, this.adversaryMemory);
      if (sent !== message) acted = true;
      if (sent !== null) this.network.send(this.index, to, sent);
    }
    if (acted && message.type !== "newepoch") {
      this.emitTrace({ type: "byzantine-act", behaviour, message: message.type, epoch: message.epoch, round: message.round });
    }
  }

  private cancelTimersWithPrefix(prefix: string): void {
    for (const [key, handle] of this.timers) {
      if (key.startsWith(prefix)) {
        this.clock.cancelTimer(handle);
        this.timers.delete(key);
      }
    }
  }

  private emitTrace(event: TraceBody): void {
    this.traceSink({ ...event, timeMs: this.clock.now(), oracle: this.index } as TraceEvent);
  }

  /** Run a chain read under the blockchain timeout. */
  private readChain<T>(read: () => Promise<T>, onDone: (outcome: Settled<T>) => void): void {
    withTimeout(this.clock, attempt(read), this.local.blockchainTimeoutMs, onDone);
  }
}
