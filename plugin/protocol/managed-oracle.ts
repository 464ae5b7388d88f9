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
import type { ContractConfig, OffchainAggregatorChain, TransmissionDetails } from "./chain.js";
import type { Clock, TimerHandle } from "./clock.js";
import { OracleEffects } from "./effects.js";
import { DEFAULT_LOCAL_CONFIG, type LocalConfig } from "./local-config.js";
import type { ProtocolMessage } from "./messages.js";
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
  readonly endpoint: Endpoint<ProtocolMessage>;
  readonly chain: OffchainAggregatorChain;
  readonly dataSource: DataSource;
  readonly store: OracleStore;
  readonly localConfig?: LocalConfig;
  readonly trace: (event: TraceEvent) => void;
  /** Told of epochs, should-report decisions and transmissions (default: nobody). */
  readonly listener?: InstanceListener;
  /** The roles' signature checks (default: the real ones; only a test replaces one). */
  readonly signatureChecks?: SignatureChecks;
}

const NO_LISTENER: InstanceListener = { epochStarted() {}, decided() {}, transmission() {} };

export class ManagedOracle {
  readonly index: number;
  readonly #args: ManagedOracleArgs;
  readonly #local: LocalConfig;
  readonly #effects: OracleEffects;
  #dataSource: DataSource;
  #instance: ProtocolInstance | null = null;
  #running = false;
  #stopped = false;
  #configPollTimer: TimerHandle | null = null;

  constructor(args: ManagedOracleArgs) {
    this.index = args.index;
    this.#args = args;
    this.#local = args.localConfig ?? DEFAULT_LOCAL_CONFIG;
    this.#dataSource = args.dataSource;
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
  get pendingTransmissions(): readonly PendingTransmission[] {
    return this.#instance?.pendingTransmissions ?? [];
  }

  setDataSource(source: DataSource): void {
    this.#dataSource = source;
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
    this.#args.endpoint.receive((from, message) => this.#instance?.onMessage(from, message));
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
    let shared: SharedConfig;
    try {
      shared = sharedConfigFromContract(contract, ownIndex, keys.configEncryptionKey, {
        chainId: this.#local.chainId,
        devMode: this.#local.devMode,
      });
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
    const instance = new ProtocolInstance({
      shared,
      ownIndex,
      keys,
      endpoint: this.#args.endpoint,
      effects: this.#effects,
      store,
      checks: this.#args.signatureChecks ?? SIGNATURE_CHECKS,
      trace: (event) => this.#trace(event),
      listener: this.#args.listener ?? NO_LISTENER,
    });
    this.#instance = instance;
    this.#trace({ type: "config-adopted", configDigest: bytesToHex(shared.configDigest), oracleIndex: ownIndex });
    instance.start(details);
  }

  #trace(event: TraceBody): void {
    this.#args.trace({ ...event, timeMs: this.#args.clock.now(), oracle: this.index } as TraceEvent);
  }
}
