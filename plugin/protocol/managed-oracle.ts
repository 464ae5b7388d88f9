/**
 * One oracle as its operator runs it: it starts and stops, tracks the contract's config, and
 * runs one protocol instance per config, replacing it when the config changes. Everything the
 * oracle needs from outside comes in through narrow interfaces: an endpoint to the other oracles,
 * the chain, a data source, a store that survives crashes, and a clock.
 */
import { sameAddress } from "../core/address.js";
import { bytesEqual, bytesToHex } from "../core/bytes.js";
import { type SharedConfig, sharedConfigFromContract } from "../core/config/shared-config.js";
import type { OracleKeys } from "../core/keys.js";
import type { DataSource } from "../data-sources/data-source.js";
import { fixedValue } from "../data-sources/simple.js";
import { DEFAULT_JUELS_PER_FEE_COIN } from "../constants.js";
import { ocr2SharedConfigFromContract } from "../core/ocr2/shared-config.js";
import { type AnyProtocolMessage, isOcr2Message } from "./any-message.js";
import type { ContractConfig, OffchainAggregatorChain, TransmissionDetails } from "./chain.js";
import type { Clock, TimerHandle } from "./clock.js";
import { OracleEffects } from "./effects.js";
import { DEFAULT_LOCAL_CONFIG, type LocalConfig } from "./local-config.js";
import type { ProtocolMessage } from "./messages.js";
import { MedianCalls } from "./ocr2/median-calls.js";
import type { Ocr2WireMessage } from "./ocr2/messages.js";
import { Ocr2ProtocolInstance } from "./ocr2/protocol-instance.js";
import type { Ocr2PendingTransmission } from "./ocr2/transmission.js";
import type { OracleStore } from "./persistence.js";
import { type InstanceListener, ProtocolInstance } from "./protocol-instance.js";
import { SIGNATURE_CHECKS, type SignatureChecks } from "./signature-checks.js";
import type { TraceBody, TraceEvent } from "./trace.js";
import type { Endpoint } from "./transport.js";
import type { PendingTransmission } from "./transmission.js";

export interface ManagedOracleArgs {
  /** This oracle's index; it takes part in a config only at this position. */
  readonly index: number;
  readonly keys: OracleKeys;
  readonly clock: Clock;
  readonly endpoint: Endpoint<AnyProtocolMessage>;
  readonly chain: OffchainAggregatorChain;
  readonly dataSource: DataSource;
  /** OCR2's second source: Juels per unit of the chain's fee coin (default DEFAULT_JUELS_PER_FEE_COIN). */
  readonly juelsPerFeeCoinSource?: DataSource;
  readonly store: OracleStore;
  readonly localConfig?: LocalConfig;
  readonly trace: (event: TraceEvent) => void;
  /** Told of epochs, should-report decisions and transmissions (default: nobody). */
  readonly listener?: InstanceListener;
  /** The roles' signature checks (default: the real ones; only a test replaces one). */
  readonly signatureChecks?: SignatureChecks;
}

const NO_LISTENER: InstanceListener = { epochStarted() {}, decided() {}, transmission() {} };

/** The juelsPerFeeCoin an OCR2 oracle observes unless told otherwise (a fixed LINK/ETH-style rate). */
export { DEFAULT_JUELS_PER_FEE_COIN };

/** Either protocol's instance, as the oracle drives it. */
type RunningInstance = ProtocolInstance | Ocr2ProtocolInstance;

export class ManagedOracle {
  readonly index: number;
  readonly #args: ManagedOracleArgs;
  readonly #local: LocalConfig;
  readonly #effects: OracleEffects;
  #dataSource: DataSource;
  #juelsSource: DataSource;
  #instance: RunningInstance | null = null;
  #running = false;
  #stopped = false;
  #configPollTimer: TimerHandle | null = null;

  constructor(args: ManagedOracleArgs) {
    this.index = args.index;
    this.#args = args;
    this.#local = args.localConfig ?? DEFAULT_LOCAL_CONFIG;
    this.#dataSource = args.dataSource;
    this.#juelsSource = args.juelsPerFeeCoinSource ?? fixedValue(DEFAULT_JUELS_PER_FEE_COIN);
    this.#effects = new OracleEffects({
      oracleIndex: args.index,
      clock: args.clock,
      chain: args.chain,
      dataSource: () => this.#dataSource,
      local: this.#local,
      trace: (event) => this.#trace(event),
    });
  }

  get isRunning(): boolean {
    return this.#running;
  }
  /** The config this oracle runs, if any. */
  get sharedConfig(): SharedConfig | null {
    return this.#instance?.shared ?? null;
  }
  get epoch(): number | null {
    return this.#instance?.epoch ?? null;
  }
  get leader(): number | null {
    return this.#instance?.leader ?? null;
  }
  /** Which protocol the running instance speaks, if any. */
  get protocol(): "ocr1" | "ocr2" | null {
    return this.#instance === null ? null : this.#instance instanceof Ocr2ProtocolInstance ? "ocr2" : "ocr1";
  }
  get pendingTransmissions(): readonly (PendingTransmission | Ocr2PendingTransmission)[] {
    return this.#instance?.pendingTransmissions ?? [];
  }

  setDataSource(source: DataSource): void {
    this.#dataSource = source;
  }

  setJuelsPerFeeCoinSource(source: DataSource): void {
    this.#juelsSource = source;
  }

  /**
   * Join the network and run. A restarted oracle resumes at once with the config in its store;
   * either way it then reads the contract's config and switches if that differs.
   */
  start(): void {
    if (this.#running) return;
    // Its endpoint was closed by stop(): a restart is a new oracle built on the same store.
    if (this.#stopped) throw new Error(`oracle ${this.index} was stopped; restart it as a new ManagedOracle on the same store`);
    this.#running = true;
    this.#args.endpoint.receive((from, message) => this.#deliver(from, message));
    const stored = this.#args.store.readLatestConfig();
    if (stored !== null) this.#adopt(stored, null);
    this.refreshConfig();
    this.#scheduleConfigPoll();
  }

  /** Crash: leave the network and drop all in-memory state (the store survives). */
  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    this.#stopped = true;
    this.#args.endpoint.close();
    if (this.#configPollTimer !== null) this.#args.clock.cancelTimer(this.#configPollTimer);
    this.#configPollTimer = null;
    this.#instance?.stop();
    this.#instance = null;
  }

  /** Re-read the contract's config and switch to it if it changed (call after setConfig). */
  refreshConfig(): void {
    this.#effects.readChain(
      (chain) => chain.latestConfig(),
      (config) => {
        if (!this.#running || !config.ok || config.value === null) return;
        const current = this.#instance?.shared.configDigest;
        if (current !== undefined && bytesEqual(current, config.value.configDigest)) return;
        this.#effects.readChain(
          (chain) => chain.latestTransmissionDetails(),
          (details) => {
            if (this.#running) this.#adopt(config.value!, details.ok ? details.value : null);
          },
        );
      },
    );
  }

  /** Hand `message` to the instance if it is of the instance's protocol; drop it otherwise. */
  #deliver(from: number, message: AnyProtocolMessage): void {
    const instance = this.#instance;
    if (instance === null) return;
    if (instance instanceof Ocr2ProtocolInstance) {
      if (isOcr2Message(message)) instance.onMessage(from, message);
    } else if (!isOcr2Message(message)) {
      instance.onMessage(from, message);
    }
  }

  #scheduleConfigPoll(): void {
    const interval = this.#local.configPollIntervalMs;
    if (interval === undefined || !this.#running) return;
    this.#configPollTimer = this.#args.clock.setTimer(interval, () => {
      this.refreshConfig();
      this.#scheduleConfigPoll();
    });
  }

  /** Stop the running instance and start one for `contract`'s config, if this oracle is in it. */
  #adopt(contract: ContractConfig, details: TransmissionDetails | null): void {
    this.#instance?.stop();
    this.#instance = null;
    const { keys, store } = this.#args;
    const ownIndex = contract.signers.findIndex((s) => sameAddress(s, keys.signerAddress));
    if (ownIndex !== this.index) return; // not (or not at this position) in the committee
    let instance: RunningInstance;
    try {
      instance = this.#instanceFor(contract, ownIndex);
    } catch (error) {
      // A config this oracle cannot use (bad secret, invalid timings): idle until the next one.
      this.#trace({
        type: "config-rejected",
        configDigest: bytesToHex(contract.configDigest),
        reason: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    store.writeLatestConfig(contract);
    this.#instance = instance;
    this.#trace({ type: "config-adopted", configDigest: bytesToHex(instance.shared.configDigest), oracleIndex: ownIndex });
    instance.start(details);
  }

  /** The instance for `contract`'s protocol; throws if this oracle cannot use the config. */
  #instanceFor(contract: ContractConfig, ownIndex: number): RunningInstance {
    const { keys, store } = this.#args;
    const common = {
      ownIndex,
      keys,
      effects: this.#effects,
      store,
      trace: (event: TraceBody) => this.#trace(event),
      listener: this.#args.listener ?? NO_LISTENER,
    };
    if (contract.protocol === "ocr2") {
      const shared = ocr2SharedConfigFromContract(contract, ownIndex, keys.configEncryptionKey, { devMode: this.#local.devMode });
      const plugin = new MedianCalls({
        shared,
        oracleIndex: ownIndex,
        effects: this.#effects,
        juelsPerFeeCoin: () => this.#juelsSource,
        juelsTimeoutMs: this.#local.dataSourceTimeoutMs + this.#local.dataSourceGracePeriodMs,
      });
      // Only OCR2 messages are ever sent through this view of the endpoint.
      return new Ocr2ProtocolInstance({ ...common, shared, plugin, endpoint: this.#args.endpoint as Endpoint<Ocr2WireMessage> });
    }
    const shared: SharedConfig = sharedConfigFromContract(contract, ownIndex, keys.configEncryptionKey, {
      chainId: this.#local.chainId,
      devMode: this.#local.devMode,
    });
    return new ProtocolInstance({
      ...common,
      shared,
      endpoint: this.#args.endpoint as Endpoint<ProtocolMessage>,
      checks: this.#args.signatureChecks ?? SIGNATURE_CHECKS,
    });
  }

  #trace(event: TraceBody): void {
    this.#args.trace({ ...event, timeMs: this.#args.clock.now(), oracle: this.index } as TraceEvent);
  }
}
