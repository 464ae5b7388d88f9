/**
 * `OcrFeed`: one deployed (or attached) feed and its committee. The proxy, LINK token and name
 * stay for the feed's life; the aggregator and committee form a phase that `upgradeAggregator`
 * replaces. Everything that moves time goes through the feed's clock, so on the simulated
 * network block timestamps and the committee agree.
 */
import type { BaseContract } from "ethers";
import { Contract, isError } from "ethers";
import { HardhatPluginError } from "hardhat/plugins";

import type {
  ByzantineBehaviour,
  DeployFeedOptions,
  NetworkFaultOptions,
  FeedAddresses,
  OcrFeed,
  OcrTraceEvent,
  OracleInfo,
  RoundHistoryEntry,
  RoundResult,
  RoundWaitStatus,
  RunRoundOptions,
} from "../api-types.js";
import { dataSourceFromSpec } from "../data-sources/from-spec.js";
import { BYZANTINE_BEHAVIOURS, isByzantineBehaviour } from "../protocol/byzantine.js";
import { fixedValue } from "../data-sources/simple.js";
import type { Committee } from "../protocol/committee.js";
import type { CommitteeEvent, ReportLanded } from "../protocol/results.js";
import type { TraceEvent } from "../protocol/trace.js";
import type { DataSourceUserConfig } from "../types.js";
import { JumpingVirtualClock } from "./chain-time.js";
import { ClockSyncedChain } from "./committee-wiring.js";
import { deployOcr2Aggregator } from "./ocr2-phase.js";
import { AGGREGATOR_ABI, PROXY_ABI, REQUEST_NEW_ROUND_GAS_LIMIT, TransactionReverted, aggregatorInterface, deployAggregator, ownerCall, ownerSend } from "./contracts.js";
import { roundRequestRefused } from "../messages.js";
import { PLUGIN_ID, mergeFeedOptions, resolveDataSource, toObservation } from "./feed-config.js";
import { DEFAULT_PROGRESS_INTERVAL_MS, ProgressTicker, defaultWallTimeoutMs, noReportError, noReportReason, roundTimeoutMs, waitingFor } from "./no-report.js";
import { readHistory, roundResultOf } from "./round-result.js";
import { WallClock } from "./wall-clock.js";
import { type FeedPhase, type FeedRuntime, fundTransmitters, startPhase } from "./runtime.js";

/** The longest duration any option takes: 100 years in milliseconds. */
export const MAX_DURATION_MS = 100 * 365 * 24 * 3_600_000;

/** The trace events recorded at or after committee time `sinceMs` (for explaining a wait; never for results). */
function traceSince(committee: Committee, sinceMs: number): TraceEvent[] {
  const trace = committee.trace;
  let first = trace.length;
  while (first > 0 && trace[first - 1].timeMs >= sinceMs) first--;
  return trace.slice(first);
}

/** Call `onEvent` with the committee's results until the returned function is called. */
function listen(committee: Committee, onEvent: (event: CommitteeEvent) => void): () => void {
  committee.onEvent(onEvent);
  return () => committee.offEvent(onEvent);
}

export interface FeedParts {
  readonly name: string;
  readonly runtime: FeedRuntime;
  readonly proxyAddress: string;
  readonly proxy: BaseContract;
  readonly linkTokenAddress: string;
  readonly linkToken: BaseContract;
  readonly accessController?: string;
  readonly phase: FeedPhase;
  readonly phaseId: number;
  /** Attached only to read: the committee never starts. */
  readonly readOnly?: boolean;
  /**
   * The committee is built but its oracles start with the first runRound/runFor/takeDown/bringUp.
   * On a live node they run in real time, so oracles started at attach time could observe (and
   * report) values from before that first call's observations or down list.
   */
  readonly deferStart?: boolean;
}

export class Feed implements OcrFeed {
  readonly name: string;
  readonly proxy: BaseContract;
  readonly linkToken: BaseContract;
  readonly #runtime: FeedRuntime;
  readonly #proxyAddress: string;
  readonly #linkTokenAddress: string;
  readonly #accessController: string | undefined;
  /** The proxy through the plugin's own ABI: works whatever the artifact looks like. */
  readonly #proxyReader: Contract;
  #phase: FeedPhase;
  #phaseId: number;
  readonly #readOnly: boolean;
  /** The committee-driving call in progress (see runRound). */
  #running: Promise<void> = Promise.resolve();
  /** The committee's oracles wait for the first call that drives them (see FeedParts.deferStart). */
  #deferredStart: boolean;

  constructor(parts: FeedParts) {
    this.name = parts.name;
    this.proxy = parts.proxy;
    this.linkToken = parts.linkToken;
    this.#runtime = parts.runtime;
    this.#proxyAddress = parts.proxyAddress;
    this.#linkTokenAddress = parts.linkTokenAddress;
    this.#accessController = parts.accessController;
    this.#proxyReader = new Contract(parts.proxyAddress, PROXY_ABI, parts.runtime.ethers.provider);
    this.#phase = parts.phase;
    this.#phaseId = parts.phaseId;
    this.#readOnly = parts.readOnly ?? false;
    this.#deferredStart = parts.deferStart ?? false;
  }

  get addresses(): FeedAddresses {
    return {
      aggregator: this.#phase.aggregatorAddress,
      proxy: this.#proxyAddress,
      linkToken: this.#linkTokenAddress,
      ...(this.#accessController !== undefined ? { accessController: this.#accessController } : {}),
    };
  }
  get aggregator(): BaseContract {
    return this.#phase.aggregator;
  }
  get n(): number {
    return this.#phase.n;
  }
  /** The protocol the current phase runs. */
  get protocol(): "ocr2" | "ocr1" {
    return this.#phase.protocol;
  }
  get f(): number {
    return this.#phase.f;
  }
  get decimals(): number {
    return this.#phase.config.decimals;
  }
  get oracles(): readonly OracleInfo[] {
    return this.#phase.oracles;
  }
  get configDigest(): string {
    return this.#phase.configDigest;
  }
  get phaseId(): number {
    return this.#phaseId;
  }

  // -------------------------------------------------------------------------------------------
  // Running

  /**
   * Calls that run the committee (runRound, runRounds, runFor) on one feed run one after another:
   * a second call waits for the first, since both would read the same reports and time.
   */
  runRound(options: RunRoundOptions = {}): Promise<RoundResult> {
    return this.#oneAtATime(() => this.#runRound(options));
  }

  #oneAtATime<T>(run: () => Promise<T>): Promise<T> {
    const start = () => {
      // The user's code may have sent transactions or mined since the last run.
      this.#runtime.deployer.chainTime.noteOutsideChanges();
      return run();
    };
    const result = this.#running.then(start, start);
    this.#running = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  async #runRound(options: RunRoundOptions): Promise<RoundResult> {
    this.#requireCommittee("runRound");
    const committee = this.#committee;
    const { n, f } = this.#phase;
    const request = options.request ?? true;
    // Without a round request a report may only be due when the heartbeat expires.
    const timeoutMs = options.timeoutMs ?? roundTimeoutMs({ f, ...this.#phase.timing }) + (request ? 0 : this.#phase.timing.deltaCMs);
    this.#checkDuration(timeoutMs, "runRound timeoutMs");
    const wallTimeoutMs = options.wallTimeoutMs ?? defaultWallTimeoutMs(this.#runtime.simulated, timeoutMs);
    this.#checkDuration(wallTimeoutMs, "runRound wallTimeoutMs");
    const progressIntervalMs = options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
    if (!(Number.isFinite(progressIntervalMs) && progressIntervalMs > 0)) {
      throw new HardhatPluginError(PLUGIN_ID, `runRound progressIntervalMs must be a positive number of milliseconds, got ${progressIntervalMs}`);
    }
    if (options.observations !== undefined) this.setObservations(options.observations);
    const down = this.#checkOracles(options.down ?? [], "down");
    // A committee whose start was deferred starts now, without the oracles that are down, so
    // that no round observes inputs from before this call.
    const deferred = this.#startDeferredOracles(down);
    const wentDown = deferred ? down : down.filter((i) => committee.upOracles.includes(i));
    for (const i of wentDown) committee.takeDown(i);
    if (wentDown.length > 0) this.#inputsChanged();
    // Only a round observed entirely after the inputs last changed counts: one that was already
    // under way may carry observations or signatures from before the change.
    const inputsFrom = committee.inputsGeneration;
    const isFresh = (event: { readonly inputsGeneration: number }) => event.inputsGeneration >= inputsFrom;
    const wallStart = Date.now();
    const wallDeadlineMs = wallStart + wallTimeoutMs;
    const clock = this.#runtime.clock;
    const committeeStart = clock.now();
    const up = committee.upOracles.length;
    const facts = () => ({
      n,
      f,
      up,
      trace: traceSince(committee, committeeStart),
      timeoutMs,
      connectedGroups: committee.network.connectedGroups(),
      upOracles: committee.upOracles,
      deltaCMs: this.#phase.timing.deltaCMs,
      answerRange: { min: this.#phase.config.minAnswer, max: this.#phase.config.maxAnswer },
    });
    const status = (): RoundWaitStatus => {
      const pendingObservations = committee.pendingObservations();
      return {
        elapsedMs: Date.now() - wallStart,
        committeeElapsedMs: clock.now() - committeeStart,
        pendingObservations,
        waitingFor: waitingFor(facts(), pendingObservations),
      };
    };
    // A one-shot caller wants exactly one report: once the transmission it waits for is attempted,
    // no other transmission may follow it onto the chain.
    let sealed = false;
    const stopSealing = listen(committee, (event) => {
      if (options.stopWhenLanded !== true || sealed || event.kind !== "transmit-attempted" || !isFresh(event)) return;
      sealed = true;
      if (committee.chain instanceof ClockSyncedChain) committee.chain.sendOneMoreTransmitOnly();
    });
    // Reports landed during the current runUntil, in the order they landed.
    let landed: ReportLanded[] = [];
    const stopCollecting = listen(committee, (event) => {
      if (event.kind === "report-landed") landed.push(event);
    });
    const progress = new ProgressTicker(progressIntervalMs, options.onWaiting === undefined ? undefined : () => options.onWaiting!(status()));
    try {
      await this.#catchUpWithChain();
      if (request) await this.#requestNewRound();
      const deadlineMs = clock.now() + timeoutMs;
      for (;;) {
        landed = [];
        await committee.runUntil({
          reports: 1,
          virtualTimeMs: Math.max(0, deadlineMs - clock.now()),
          wallDeadlineMs,
          until: () => progress.tick(),
        });
        // Several may land at one instant (e.g. a later stage racing a slow one): the last is what the proxy reads.
        const fresh = landed.filter(isFresh).at(-1);
        if (fresh !== undefined) {
          if (options.stopWhenLanded === true) this.stop();
          return await this.#resultOf(fresh);
        }
        if (Date.now() >= wallDeadlineMs) {
          const current = status();
          throw noReportError(current.waitingFor, timeoutMs, { wallTimeoutMs, committeeElapsedMs: current.committeeElapsedMs });
        }
        if (landed.length === 0 || clock.now() >= deadlineMs) {
          throw noReportError(noReportReason(facts()), timeoutMs);
        }
        // A stale round landed and may have used up the round request: ask again.
        if (request) await this.#requestNewRound();
      }
    } finally {
      stopSealing();
      stopCollecting();
      progress.stop();
      for (const i of wentDown) committee.bringUp(i);
      if (wentDown.length > 0) this.#inputsChanged();
    }
  }

  async runRounds(k: number, options: RunRoundOptions = {}): Promise<RoundResult[]> {
    if (!Number.isSafeInteger(k) || k < 0) throw new HardhatPluginError(PLUGIN_ID, `runRounds needs a whole number of rounds (0 or more), got ${k}`);
    const results: RoundResult[] = [];
    for (let i = 0; i < k; i++) results.push(await this.runRound(options));
    return results;
  }

  runFor(ms: number): Promise<RoundResult[]> {
    return this.#oneAtATime(() => this.#runFor(ms));
  }

  async #runFor(ms: number): Promise<RoundResult[]> {
    this.#requireCommittee("runFor");
    this.#checkDuration(ms, "runFor");
    this.#startDeferredOracles([]);
    const committee = this.#committee;
    await this.#catchUpWithChain();
    const landed: ReportLanded[] = [];
    const stopCollecting = listen(committee, (event) => {
      if (event.kind === "report-landed") landed.push(event);
    });
    try {
      await committee.runUntil({ virtualTimeMs: ms });
    } finally {
      stopCollecting();
    }
    const results: RoundResult[] = [];
    for (const e of landed) results.push(await this.#resultOf(e));
    return results;
  }

  // -------------------------------------------------------------------------------------------
  // Faults and inputs

  setObservations(values: readonly (bigint | number | string | undefined)[]): void {
    this.#requireCommittee("setObservations");
    if (values.length > this.n) {
      throw new HardhatPluginError(PLUGIN_ID, `setObservations got ${values.length} values for a feed of ${this.n} oracles`);
    }
    values.forEach((value, oracle) => {
      if (value === undefined) return;
      this.#committee.setDataSource(oracle, fixedValue(toObservation(value, `observation of oracle ${oracle}`)));
    });
    this.#inputsChanged();
  }

  setDataSource(oracle: number, source: DataSourceUserConfig): void {
    this.#requireCommittee("setDataSource");
    this.#checkOracles([oracle], "setDataSource");
    const committee = this.#committee;
    const { n, f, config } = this.#phase;
    committee.setDataSource(oracle, dataSourceFromSpec(resolveDataSource(source, oracle, n, f, config.seed)));
    this.#inputsChanged();
  }

  async takeDown(oracles: readonly number[]): Promise<void> {
    this.#requireCommittee("takeDown");
    this.#startDeferredOracles([]);
    for (const i of this.#checkOracles(oracles, "takeDown")) this.#committee.takeDown(i);
    this.#inputsChanged();
  }

  async bringUp(oracles: readonly number[]): Promise<void> {
    this.#requireCommittee("bringUp");
    this.#startDeferredOracles([]);
    for (const i of this.#checkOracles(oracles, "bringUp")) this.#committee.bringUp(i);
    this.#inputsChanged();
  }

  setByzantine(oracle: number, behaviour: ByzantineBehaviour | null): void {
    this.#requireCommittee("setByzantine");
    this.#checkOracles([oracle], "setByzantine");
    if (behaviour !== null && !isByzantineBehaviour(behaviour)) {
      throw new HardhatPluginError(PLUGIN_ID, `setByzantine: unknown behaviour ${JSON.stringify(behaviour)}; use one of ${BYZANTINE_BEHAVIOURS.join(", ")}, or null for honest`);
    }
    this.#committee.setByzantine(oracle, behaviour);
    this.#inputsChanged();
  }

  setNetwork(options: NetworkFaultOptions): void {
    this.#requireCommittee("setNetwork");
    const network = this.#committee.network;
    const rate = (name: string, value: number | undefined) => {
      if (value !== undefined && !(Number.isFinite(value) && value >= 0 && value <= 1)) {
        throw new HardhatPluginError(PLUGIN_ID, `setNetwork: ${name} must be a probability from 0 to 1, got ${value}`);
      }
      return value;
    };
    const lossRate = rate("lossRate", options.lossRate);
    const duplicateRate = rate("duplicateRate", options.duplicateRate);
    const reorderRate = rate("reorderRate", options.reorderRate);
    const latency = options.latencyMs;
    if (latency !== undefined && !(Number.isFinite(latency.min) && Number.isFinite(latency.max) && latency.min >= 0 && latency.max >= latency.min)) {
      throw new HardhatPluginError(PLUGIN_ID, `setNetwork: latencyMs needs 0 <= min <= max, got ${JSON.stringify(latency)}`);
    }
    network.setDefaults({
      ...(latency !== undefined ? { latency: { kind: "uniform", minMs: latency.min, maxMs: latency.max } } : {}),
      ...(lossRate !== undefined ? { lossRate } : {}),
      ...(duplicateRate !== undefined ? { duplicateRate } : {}),
      ...(reorderRate !== undefined ? { reorderRate, reorderWindowMs: Math.max(100, latency?.max ?? 50) } : {}),
    });
    if (options.partition !== undefined) {
      for (const group of options.partition) this.#checkOracles(group, "setNetwork partition");
      if (options.partition.length === 0) network.heal();
      else network.partition(options.partition);
    }
    this.#inputsChanged();
  }

  async advanceTime(ms: number): Promise<void> {
    this.#checkDuration(ms, "advanceTime");
    const { clock, deployer } = this.#runtime;
    if (clock instanceof JumpingVirtualClock) {
      await this.#catchUpWithChain();
      clock.jump(ms);
      await deployer.chainTime.mineAtClock();
      return;
    }
    // A node keeps its own time: move it if it lets us (Hardhat node, anvil). The committee
    // runs in real time and judges heartbeats by the chain's time, so it follows.
    const provider = this.#runtime.ethers.provider;
    try {
      await provider.send("evm_increaseTime", [Math.ceil(ms / 1000)]);
      await provider.send("evm_mine", []);
    } catch (error) {
      throw new HardhatPluginError(
        PLUGIN_ID,
        `advanceTime needs a development node that supports evm_increaseTime (a Hardhat node or anvil); ` +
          `this network refused it (${error instanceof Error ? error.message : String(error)}). Use runFor to let real time pass instead.`,
      );
    }
  }

  // -------------------------------------------------------------------------------------------
  // Upgrades

  async upgradeAggregator(options: DeployFeedOptions = {}): Promise<void> {
    this.#requireCommittee("upgradeAggregator");
    const runtime = this.#runtime;
    const config = mergeFeedOptions(this.name, this.#phase.config, options);
    const n = config.oracles;
    // #requireCommittee above guarantees a keyed (not read-only) phase.
    const keySeed = this.#phase.keySeed!.reseeded(options.seed);
    const keys = keySeed.committeeKeys(n);
    await fundTransmitters(runtime, keys.map((k) => k.transmitterAddress));
    const oracles = keys.map((k, i) => ({ transmitter: k.transmitterAddress, payee: keySeed.payee(i) }));
    // A new phase may switch protocols (OCR1 → OCR2 behind the same proxy): consumers keep reading the proxy.
    const deployFor = config.protocol === "ocr2" ? deployOcr2Aggregator : deployAggregator;
    const aggregatorAddress = await deployFor(runtime.deployer, config, this.#linkTokenAddress, oracles);
    if (config.accessControlled) {
      // The proxy reads the new aggregator on behalf of its own readers.
      await ownerCall(runtime.deployer, new Contract(aggregatorAddress, AGGREGATOR_ABI), "addAccess", [this.#proxyAddress]);
    }
    await this.#catchUpWithChain();
    this.#committee.stopAll();
    const phase = await startPhase(runtime, config, aggregatorAddress, { setConfig: true, n, f: config.faultTolerance, keys, keySeed });
    const proxy = new Contract(this.#proxyAddress, PROXY_ABI);
    await ownerCall(runtime.deployer, proxy, "proposeAggregator", [aggregatorAddress]);
    await ownerCall(runtime.deployer, proxy, "confirmAggregator", [aggregatorAddress]);
    this.#phase = phase;
    this.#deferredStart = false; // the new committee started with its config
    this.#phaseId = Number(await this.#proxyReader.phaseId());
  }

  // -------------------------------------------------------------------------------------------
  // Reading

  history(): Promise<RoundHistoryEntry[]> {
    return readHistory(this.#runtime.ethers.provider, this.#proxyReader);
  }

  trace(): readonly OcrTraceEvent[] {
    return (this.#phase.committee?.trace ?? []).map((e) => ({ ...e, atMs: e.timeMs }));
  }

  async owedPayments(): Promise<bigint[]> {
    const aggregator = new Contract(this.#phase.aggregatorAddress, AGGREGATOR_ABI, this.#runtime.ethers.provider);
    return Promise.all(this.oracles.map(async (o) => (await aggregator.owedPayment(o.transmitter)) as bigint));
  }

  stop(): void {
    this.#phase.committee?.stopAll();
    // Real timers (HTTP networks) would keep the process alive; virtual ones are just data.
    const clock = this.#runtime.clock;
    if (clock instanceof WallClock) clock.cancelAll();
  }

  // -------------------------------------------------------------------------------------------

  /**
   * Start the oracles of a committee attached with a deferred start (a live node), except
   * `except`. True when it did: the caller then treats `except` as taken down.
   */
  #startDeferredOracles(except: readonly number[]): boolean {
    if (!this.#deferredStart) return false;
    this.#deferredStart = false;
    for (let i = 0; i < this.n; i++) if (!except.includes(i)) this.#committee.bringUp(i);
    return true;
  }

  /** The phase's committee; a read-only feed has none (callers check #requireCommittee first). */
  get #committee(): Committee {
    const committee = this.#phase.committee;
    if (committee === null) this.#requireCommittee("this call");
    return committee!;
  }

  #requireCommittee(what: string): void {
    if (!this.#readOnly) return;
    throw new HardhatPluginError(
      PLUGIN_ID,
      `${what}: feed "${this.name}" was attached read-only (readOnly: true, as ocr:status does), so it has no running committee. Attach it without readOnly to drive its oracles.`,
    );
  }

  #inputsChanged(): void {
    this.#committee.markInputsChanged();
  }

  async #requestNewRound(): Promise<void> {
    // The shared interface: building a Contract parses the whole ABI, which cost more than the
    // transaction itself on every round.
    const data = aggregatorInterface.encodeFunctionData("requestNewRound", []);
    const deployer = this.#runtime.deployer;
    const aggregator = this.#phase.aggregatorAddress;
    try {
      await ownerSend(
        deployer,
        this.#runtime.ethers.provider,
        aggregator,
        data,
        () => ownerCall(deployer, new Contract(aggregator, AGGREGATOR_ABI), "requestNewRound", []),
        REQUEST_NEW_ROUND_GAS_LIMIT,
      );
    } catch (error) {
      // A revert is the contract refusing the requester; anything else (a node gone away) passes on as it is.
      const reason = error instanceof TransactionReverted ? error.reason : isError(error, "CALL_EXCEPTION") ? error.shortMessage : null;
      if (reason === null) throw error;
      throw new HardhatPluginError(PLUGIN_ID, roundRequestRefused(this.name, aggregator, await deployer.owner.getAddress(), reason), error as Error);
    }
  }

  /**
   * The committee clock never lags the chain: blocks sent by others (or several of ours within
   * one clock second) can be ahead, and the oracles must not see reports "from the future".
   */
  async #catchUpWithChain(): Promise<void> {
    const clock = this.#runtime.clock;
    if (!(clock instanceof JumpingVirtualClock)) return;
    const latestMs = Number(await this.#runtime.deployer.chainTime.latestBlockTimestamp()) * 1000;
    clock.jumpTo(latestMs);
  }

  #resultOf(landed: ReportLanded): Promise<RoundResult> {
    return roundResultOf(landed, {
      provider: this.#runtime.ethers.provider,
      proxy: this.#proxyReader,
      phaseId: this.#phaseId,
    });
  }

  #checkOracles(oracles: readonly number[], what: string): number[] {
    for (const i of oracles) {
      if (!Number.isInteger(i) || i < 0 || i >= this.n) {
        throw new HardhatPluginError(PLUGIN_ID, `${what}: oracle ${i} does not exist; this feed has oracles 0..${this.n - 1}`);
      }
    }
    return [...new Set(oracles)];
  }

  /** Durations are milliseconds from 0 to MAX_DURATION_MS (a century: block timestamps and ethers stay exact). */
  #checkDuration(ms: number, what: string): void {
    if (!(Number.isFinite(ms) && ms >= 0 && ms <= MAX_DURATION_MS)) {
      throw new HardhatPluginError(PLUGIN_ID, `${what} must be a number of milliseconds from 0 to ${MAX_DURATION_MS} (100 years), got ${ms}`);
    }
  }
}


