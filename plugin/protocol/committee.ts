/**
 * A whole OCR1 or OCR2 committee in one process: n oracles with deterministic keys, an in-process
 * network, a clock and one chain. Tests and tools configure it, run it for a number of reports
 * or a span of virtual time, inject faults (crashes, partitions, lossy links, failing data
 * sources, failing transmissions) and read the event trace.
 */
import { type SetConfigArgs, encodeSetConfigArgs } from "../core/config/encoding.js";
import { type PublicConfig, defaultPublicConfig } from "../core/config/public-config.js";
import { type OracleKeys, deriveOracleKeys } from "../core/keys.js";
import type { DataSource } from "../data-sources/data-source.js";
import { type AdversaryControl, adversarialChain, adversarialEndpoint } from "./adversary.js";
import type { AdversaryMemory, ByzantineBehaviour } from "./byzantine.js";
import type { OffchainAggregatorChain } from "./chain.js";
import { type Ocr2DealOptions, type Ocr2SetConfigArgs, encodeOcr2SetConfigArgs } from "../core/ocr2/shared-config.js";
import type { AnyProtocolMessage } from "./any-message.js";
import { type Clock, VirtualClock } from "./clock.js";
import { throughCodec } from "./codec.js";
import { FakeOffchainAggregator } from "./fake-chain.js";
import { DEFAULT_LOCAL_CONFIG, type LocalConfig } from "./local-config.js";
import { ManagedOracle } from "./managed-oracle.js";
import { FakeOcr2Aggregator } from "./ocr2/fake-chain.js";
import { InProcessNetwork, type LinkBehaviour } from "./network.js";
import { InMemoryOracleStore } from "./persistence.js";
import { Random, deriveSeedBytes } from "./random.js";
import type { CommitteeEvent } from "./results.js";
import { CommitteeResults } from "./committee-results.js";
import { signatureChecksOf } from "./signature-checks.js";
import { ObservationWatch, type PendingObservation } from "./observation-watch.js";
import { type TraceEvent, type TraceEventType, formatTraceEvent } from "./trace.js";

/**
 * Trace events kept by default: enough for every diagnostic of a recent round at any committee
 * size (a (31,10) round traces a few hundred events), a few MB at most, so a committee that runs
 * for hours keeps flat memory. Results never depend on the trace.
 */
export const DEFAULT_TRACE_LIMIT = 50_000;

/** Whoever may call setConfig on the chain (the contract owner). */
export interface ConfigAdmin {
  setConfig(args: SetConfigArgs): unknown;
  /** OCR2 aggregators: setConfig's six arguments. */
  setOcr2Config?(args: Ocr2SetConfigArgs): unknown;
}

/** Which protocol a committee runs: OCR2 (offchainreporting2 with the median plugin) or OCR1. */
export type CommitteeProtocol = "ocr1" | "ocr2";

/** Protocol parameters a committee may override; `oracles` and `f` come from the committee. */
export type ConfigOverrides = Partial<Omit<PublicConfig, "oracles" | "f">>;

export interface CommitteeOptions {
  readonly n: number;
  readonly f: number;
  /** Everything random (keys, secret, network, tie-breaks) derives from this. Default "hardhat-ocr". */
  readonly seed?: string;
  /**
   * The oracles' keys, when the caller already derived them with `deriveOracleKeys(seed, i)`
   * (deriving is the costly part of building a committee). Default: derived here.
   */
  readonly keys?: readonly OracleKeys[];
  /** Data source of each oracle. */
  readonly dataSource: (oracleIndex: number) => DataSource;
  /** Default "ocr1" here (the plugin's feeds default to "ocr2"). */
  readonly protocol?: CommitteeProtocol;
  /** OCR2: the answer bounds (must match the aggregator's) and the plugin's own settings. */
  readonly ocr2?: Partial<Ocr2DealOptions>;
  /** OCR2: each oracle's juelsPerFeeCoin source (default: ManagedOracle's fixed rate). */
  readonly juelsPerFeeCoinSource?: (oracleIndex: number) => DataSource;
  /** Protocol timing and schedule overrides on top of `defaultPublicConfig`. */
  readonly config?: ConfigOverrides;
  /** Defaults to a VirtualClock seeded from `seed`. */
  readonly clock?: Clock;
  /** Defaults to a FakeOffchainAggregator following the clock; pass `admin` with any other chain. */
  readonly chain?: OffchainAggregatorChain;
  readonly admin?: ConfigAdmin;
  readonly network?: Partial<LinkBehaviour>;
  /**
   * Send every message through the byte codec (codec.ts), as oracles in separate processes do:
   * receivers get decoded copies instead of the sender's objects. Slower; for tests of the codec.
   */
  readonly wireFormat?: boolean;
  readonly localConfig?: LocalConfig;
  /**
   * Keep only about this many of the newest trace events (default DEFAULT_TRACE_LIMIT). Follow
   * every event with `onTrace`, and results with `onEvent`.
   */
  readonly traceLimit?: number;
}

export interface RunUntilOptions {
  /** Stop after this many transmissions landed (counted from the start of this call). */
  readonly reports?: number;
  /** Stop after this much virtual time (a safety cap when `reports` is given). */
  readonly virtualTimeMs?: number;
  /** Stop when this returns true (checked after every event). */
  readonly until?: () => boolean;
  /** Stop at this wall-clock time (Date.now()), whatever the committee time. */
  readonly wallDeadlineMs?: number;
}

export interface RunResult {
  readonly reports: number;
  readonly elapsedMs: number;
  readonly events: number;
}

export class Committee {
  readonly n: number;
  readonly f: number;
  readonly seed: string;
  readonly keys: readonly OracleKeys[];
  readonly clock: Clock;
  readonly protocol: CommitteeProtocol;
  readonly network: InProcessNetwork<AnyProtocolMessage>;
  readonly chain: OffchainAggregatorChain;
  /** The fake aggregator, when the committee created one. */
  readonly fakeChain: FakeOffchainAggregator | FakeOcr2Aggregator | null;
  readonly trace: TraceEvent[] = [];
  private readonly traceLimit: number;
  private readonly admin: ConfigAdmin;
  private readonly stores: InMemoryOracleStore[];
  private readonly sources: DataSource[];
  private readonly juelsSources: (DataSource | undefined)[];
  private readonly ocr2Deal: Ocr2DealOptions;
  /** Observations asked of an oracle's data source and not answered yet (wall-clock start). */
  private readonly observations = new ObservationWatch();
  private readonly byzantine: (ByzantineBehaviour | null)[] = [];
  /** Each faulty oracle's adversary remembers across restarts (it is the same machine). */
  private readonly adversaryMemory: AdversaryMemory[];
  private readonly oracles: (ManagedOracle | null)[];
  private readonly localConfig: LocalConfig;
  private readonly wireFormat: boolean;
  private readonly traceListeners: ((event: TraceEvent) => void)[] = [];
  private readonly results: CommitteeResults;
  private configsSet = 0;
  private currentPublicConfig: PublicConfig | null = null;
  private readonly initialOverrides: ConfigOverrides;

  constructor(options: CommitteeOptions) {
    this.n = options.n;
    this.f = options.f;
    this.seed = options.seed ?? "hardhat-ocr";
    const random = new Random(this.seed);
    this.clock = options.clock ?? new VirtualClock({ seed: this.seed + "/clock" });
    if (options.keys !== undefined && options.keys.length !== this.n) {
      throw new Error(`a committee of ${this.n} oracles needs ${this.n} keys, got ${options.keys.length}`);
    }
    this.keys = options.keys ?? Array.from({ length: this.n }, (_, i) => deriveOracleKeys(this.seed, i));
    this.protocol = options.protocol ?? "ocr1";
    this.network = new InProcessNetwork<AnyProtocolMessage>(this.n, this.clock, random.fork("network"), options.network);
    if (options.chain !== undefined) {
      if (options.admin === undefined) throw new Error("a committee on a custom chain needs an `admin` to call setConfig");
      this.chain = options.chain;
      this.admin = options.admin;
      this.fakeChain = null;
    } else if (this.protocol === "ocr2") {
      const fake = new FakeOcr2Aggregator({ now: () => this.clock.now(), minAnswer: options.ocr2?.minAnswer, maxAnswer: options.ocr2?.maxAnswer });
      this.chain = fake;
      this.admin = {
        setConfig: () => {
          throw new Error("an OCR2 aggregator takes setOcr2Config");
        },
        setOcr2Config: (args) => fake.setConfig(args),
      };
      this.fakeChain = fake;
    } else {
      const fake = new FakeOffchainAggregator({ now: () => this.clock.now() });
      this.chain = fake;
      this.admin = fake;
      this.fakeChain = fake;
    }
    this.ocr2Deal = {
      ...options.ocr2,
      minAnswer: options.ocr2?.minAnswer ?? this.fakeChain?.minAnswer ?? 1n,
      maxAnswer: options.ocr2?.maxAnswer ?? this.fakeChain?.maxAnswer ?? (1n << 176n) - 1n,
    };
    this.localConfig = options.localConfig ?? DEFAULT_LOCAL_CONFIG;
    this.wireFormat = options.wireFormat ?? false;
    this.traceLimit = options.traceLimit ?? DEFAULT_TRACE_LIMIT;
    if (!(Number.isSafeInteger(this.traceLimit) && this.traceLimit > 0)) throw new RangeError(`traceLimit must be a positive integer, got ${options.traceLimit}`);
    this.stores = Array.from({ length: this.n }, () => new InMemoryOracleStore());
    this.adversaryMemory = Array.from({ length: this.n }, () => ({}));
    this.sources = Array.from({ length: this.n }, (_, i) => this.watched(i, options.dataSource(i)));
    this.juelsSources = Array.from({ length: this.n }, (_, i) => options.juelsPerFeeCoinSource?.(i));
    this.oracles = new Array<ManagedOracle | null>(this.n).fill(null);
    this.results = new CommitteeResults(() => this.clock.now());
    this.initialOverrides = options.config ?? {};
  }

  /** The public config last set on chain. */
  get publicConfig(): PublicConfig | null {
    return this.currentPublicConfig;
  }

  oracle(index: number): ManagedOracle | null {
    return this.oracles[index];
  }

  /** Indices of the oracles currently running. */
  get upOracles(): number[] {
    return this.oracles.flatMap((o, i) => (o?.isRunning ? [i] : []));
  }

  /** Call `listener` with every future trace event. */
  onTrace(listener: (event: TraceEvent) => void): void {
    this.traceListeners.push(listener);
  }

  /** Stop calling `listener` (added with `onTrace`). */
  offTrace(listener: (event: TraceEvent) => void): void {
    const index = this.traceListeners.indexOf(listener);
    if (index >= 0) this.traceListeners.splice(index, 1);
  }

  /** Call `listener` with every future result (reports landed, failed rounds, new epochs). */
  onEvent(listener: (event: CommitteeEvent) => void): void {
    this.results.onEvent(listener);
  }

  /** Stop calling `listener` (added with `onEvent`). */
  offEvent(listener: (event: CommitteeEvent) => void): void {
    this.results.offEvent(listener);
  }

  /**
   * The inputs generation: a counter the caller bumps with `markInputsChanged` whenever it changes
   * what the oracles observe or who takes part. Every report carries the generation at which its
   * round was first observed, so a caller can tell a report made entirely after its change from
   * one already under way.
   */
  get inputsGeneration(): number {
    return this.results.inputsGeneration;
  }

  markInputsChanged(): number {
    return this.results.markInputsChanged();
  }

  /** Trace events of the given type (among those the trace still holds). */
  events<T extends TraceEventType>(type: T): Extract<TraceEvent, { type: T }>[] {
    return this.trace.filter((e) => e.type === type) as Extract<TraceEvent, { type: T }>[];
  }

  /** The trace as one line per event. */
  formatTrace(): string[] {
    return this.trace.map(formatTraceEvent);
  }

  /**
   * Build a config (defaults + overrides), encrypt a fresh shared secret to the oracles with
   * seeded dealer randomness, set it on chain, and tell running oracles to pick it up.
   */
  async setConfig(overrides: ConfigOverrides = this.initialOverrides): Promise<PublicConfig> {
    const identities = this.keys.map((k) => ({
      signerAddress: k.signerAddress,
      transmitterAddress: k.transmitterAddress,
      offchainPublicKey: k.offchainPublicKey,
      configEncryptionPublicKey: k.configEncryptionPublicKey,
      peerId: k.peerId,
    }));
    const config: PublicConfig = { ...defaultPublicConfig(identities, this.f), ...overrides };
    const label = `config-${this.configsSet++}`;
    const sharedSecret = deriveSeedBytes(this.seed, `${label}/shared-secret`, 16);
    const dealerRandomness = deriveSeedBytes(this.seed, `${label}/dealer`, 32);
    if (this.protocol === "ocr2") {
      if (this.admin.setOcr2Config === undefined) throw new Error("this committee's admin cannot set an OCR2 config (it has no setOcr2Config)");
      await this.admin.setOcr2Config(encodeOcr2SetConfigArgs(config, this.ocr2Deal, sharedSecret, dealerRandomness));
    } else {
      await this.admin.setConfig(encodeSetConfigArgs(config, sharedSecret, dealerRandomness));
    }
    this.currentPublicConfig = config;
    for (const oracle of this.oracles) oracle?.refreshConfig();
    return config;
  }

  /** Start every oracle that is not running (setting the config first if none was set). */
  async start(): Promise<void> {
    if (this.currentPublicConfig === null) await this.setConfig();
    for (let i = 0; i < this.n; i++) this.bringUp(i);
  }

  /** Crash oracle `index`: it leaves the network and loses everything but its store. */
  takeDown(index: number): void {
    const oracle = this.oracles[index];
    if (oracle === null || !oracle.isRunning) return;
    oracle.stop();
    this.record({ type: "oracle-down", timeMs: this.clock.now(), oracle: index });
  }

  /** (Re)start oracle `index` from its store. */
  bringUp(index: number): void {
    if (this.oracles[index]?.isRunning) return;
    const keys = this.keys[index];
    // A restarted oracle is the same machine: still compromised if it was. The adversary sits
    // at its endpoint and chain; the oracle inside runs the honest code.
    const adversary: AdversaryControl = {
      behaviour: () => this.byzantine[index] ?? null,
      view: () => {
        const shared = this.oracles[index]?.sharedConfig;
        return shared == null ? null : { onchainSigningKey: keys.onchainSigningKey, configDigest: shared.configDigest, quorum: 2 * shared.f + 1, ownIndex: index };
      },
      memory: this.adversaryMemory[index],
      trace: (event) => this.record({ ...event, timeMs: this.clock.now(), oracle: index } as TraceEvent),
    };
    const networkEndpoint = this.network.endpoint(index);
    const endpoint = this.wireFormat
      ? throughCodec(networkEndpoint, (reason) => this.record({ type: "message-dropped", reason, timeMs: this.clock.now(), oracle: index }))
      : networkEndpoint;
    const oracle = new ManagedOracle({
      index,
      keys,
      clock: this.clock,
      endpoint: adversarialEndpoint(endpoint, adversary),
      chain: adversarialChain(this.chain, adversary),
      dataSource: this.sources[index],
      ...(this.juelsSources[index] !== undefined ? { juelsPerFeeCoinSource: this.juelsSources[index] } : {}),
      store: this.stores[index],
      localConfig: this.localConfig,
      trace: (event) => this.record(event),
      listener: this.results.listenerFor(index),
      signatureChecks: signatureChecksOf(this),
    });
    this.oracles[index] = oracle;
    this.record({ type: "oracle-up", timeMs: this.clock.now(), oracle: index });
    oracle.start();
  }

  setDataSource(index: number, source: DataSource): void {
    const watched = this.watched(index, source);
    this.sources[index] = watched;
    this.oracles[index]?.setDataSource(watched);
  }

  /** OCR2: what oracle `index` observes as juelsPerFeeCoin from now on. */
  setJuelsPerFeeCoinSource(index: number, source: DataSource): void {
    this.juelsSources[index] = source;
    this.oracles[index]?.setJuelsPerFeeCoinSource(source);
  }

  /**
   * Oracles whose data source has been asked for an observation and has not answered, with how
   * long (wall-clock) it has been pending: what a caller waiting for a report can show.
   */
  pendingObservations(nowWallMs: number = Date.now()): PendingObservation[] {
    return this.observations.pending(nowWallMs);
  }

  /** `source` as oracle `index` gets it: its requests stamp the round and are watched while in flight. */
  private watched(index: number, source: DataSource): DataSource {
    return this.observations.watch(index, source, (request) => this.results.observationRequested(request.epoch, request.round));
  }

  /** Make oracle `index` Byzantine (see byzantine.ts), or honest again with null. */
  setByzantine(index: number, behaviour: ByzantineBehaviour | null): void {
    this.byzantine[index] = behaviour;
  }

  /** Each oracle's Byzantine behaviour, null where honest. */
  get byzantineBehaviours(): readonly (ByzantineBehaviour | null)[] {
    return Array.from({ length: this.n }, (_, i) => this.byzantine[i] ?? null);
  }

  /** The oracle that leads the current epoch according to the most oracles. */
  currentLeader(): { epoch: number; leader: number } | null {
    const votes = new Map<string, number>();
    for (const o of this.oracles) {
      if (!o?.isRunning || o.epoch === null || o.leader === null) continue;
      const key = `${o.epoch}:${o.leader}`;
      votes.set(key, (votes.get(key) ?? 0) + 1);
    }
    const best = [...votes.entries()].sort((a, b) => b[1] - a[1])[0];
    if (best === undefined) return null;
    const [epoch, leader] = best[0].split(":").map(Number);
    return { epoch, leader };
  }

  /** Run until `reports` transmissions landed, `virtualTimeMs` passed or `until()` holds. */
  async runUntil(options: RunUntilOptions): Promise<RunResult> {
    let landed = 0;
    const countLanded = (event: CommitteeEvent) => {
      if (event.kind === "report-landed") landed++;
    };
    this.onEvent(countLanded);
    const startMs = this.clock.now();
    // Without an explicit time limit, allow a generous minute of virtual time per report.
    const limitMs = options.virtualTimeMs ?? (options.reports ?? 1) * 60_000;
    const done = () =>
      (options.reports !== undefined && landed >= options.reports) ||
      (options.until?.() ?? false) ||
      (options.wallDeadlineMs !== undefined && Date.now() >= options.wallDeadlineMs);
    let events = 0;
    try {
      if (this.clock instanceof VirtualClock) {
        const summary = await this.clock.run({ untilMs: startMs + limitMs, stop: done });
        events = summary.events;
      } else {
        while (!done() && this.clock.now() < startMs + limitMs) await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      this.offEvent(countLanded);
    }
    return {
      reports: landed,
      elapsedMs: this.clock.now() - startMs,
      events,
    };
  }

  /** Stop every oracle (end of a run). */
  stopAll(): void {
    for (let i = 0; i < this.n; i++) this.oracles[i]?.stop();
  }

  private record(event: TraceEvent): void {
    this.trace.push(event);
    // Trimmed in chunks (a quarter of the limit at a time), so the cost stays amortised O(1).
    if (this.trace.length > this.traceLimit * 1.25) {
      this.trace.splice(0, this.trace.length - this.traceLimit);
    }
    for (const listener of this.traceListeners) listener(event);
  }
}

