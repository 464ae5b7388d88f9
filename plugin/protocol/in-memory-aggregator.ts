/**
 * What the in-memory OCR1 and OCR2 aggregators share: the stored config and its count, the latest
 * (epoch, round), accepted and rejected transmits, the RoundRequested record and the fault hooks.
 * Each protocol's subclass (`FakeOffchainAggregator` in fake-chain.ts, `FakeOcr2Aggregator` in
 * ocr2/fake-chain.ts) supplies only what its contract does differently: setConfig's checks and
 * digest, transmit's checks in its own order, and how requestNewRound fills its event.
 */
import type { Address } from "../core/address.js";
import { type Hex, bytesToHex, concatBytes } from "../core/bytes.js";
import { keccak256, utf8Bytes } from "../core/hash.js";
import type { ContractConfig, OffchainAggregatorChain, RoundRequest, TransmissionDetails, TransmitRequest, TransmitResult } from "./chain.js";

/** A report an in-memory aggregator accepted. */
export interface AcceptedTransmission {
  readonly aggregatorRoundId: number;
  readonly answer: bigint;
  /** Block timestamp in seconds. */
  readonly timestamp: bigint;
  readonly transmitter: Address;
  readonly configDigest: Uint8Array;
  readonly epoch: number;
  readonly round: number;
  readonly observations: readonly bigint[];
  readonly observers: readonly number[];
  /** Indices of the oracles whose signatures were on the report. */
  readonly signers: readonly number[];
  readonly txHash: Hex;
  /** Engine time (ms) when it landed. */
  readonly landedAtMs: number;
}

/** A transmit the fake contract rejected, with the contract's revert string. */
export class RevertError extends Error {
  constructor(readonly reason: string) {
    super(reason === "" ? "reverted without a reason" : `reverted: ${reason}`);
    this.name = "RevertError";
  }
}

/** A rejected transmit: who sent it, the revert string, and when (engine ms). */
export interface RejectedTransmit {
  readonly transmitter: Address;
  readonly reason: string;
  readonly atMs: number;
}

export interface StoredConfig<SetArgs> {
  readonly args: SetArgs;
  readonly configCount: bigint;
  readonly blockNumber: number;
  readonly digest: Uint8Array;
}

type TransmitFault = "fail" | "drop";

export interface InMemoryAggregatorOptions {
  /** Engine time source; the block timestamp is floor(now / 1000). */
  readonly now: () => number;
  readonly address: Address;
  readonly minAnswer: bigint;
  readonly maxAnswer: bigint;
  /** The digest reads return before any config: 16 zero bytes (OCR1) or 32 (OCR2). */
  readonly digestLength: 16 | 32;
  /** Prefix of the made-up transaction hashes, so the two fakes never share one. */
  readonly txHashTag: string;
}

export abstract class InMemoryAggregator<SetArgs, Accepted extends AcceptedTransmission> implements OffchainAggregatorChain {
  readonly address: Address;
  readonly minAnswer: bigint;
  readonly maxAnswer: bigint;
  protected readonly now: () => number;
  protected blockNumber = 1;
  protected configCount = 0n;
  protected config: StoredConfig<SetArgs> | null = null;
  protected latestEpochAndRound = 0n;
  protected readonly accepted: Accepted[] = [];
  protected roundRequest: (RoundRequest & { atMs: number }) | null = null;
  readonly #rejected: RejectedTransmit[] = [];
  readonly #faults = new Map<string, TransmitFault[]>();
  readonly #digestLength: 16 | 32;
  readonly #txHashTag: string;
  #txNonce = 0;

  constructor(options: InMemoryAggregatorOptions) {
    this.now = options.now;
    this.address = options.address;
    this.minAnswer = options.minAnswer;
    this.maxAnswer = options.maxAnswer;
    this.#digestLength = options.digestLength;
    this.#txHashTag = options.txHashTag;
  }

  /** setConfig's argument checks, in the contract's order; throws RevertError. */
  protected abstract checkSetConfig(args: SetArgs): void;
  /** The config digest the contract computes for `args` as its `configCount`-th config. */
  protected abstract digestOf(args: SetArgs, configCount: bigint): Uint8Array;
  /** The config as `latestConfig` reports it. */
  protected abstract contractConfig(stored: StoredConfig<SetArgs>): ContractConfig;
  /** transmit's checks in the contract's execution order; records the report with `land`. */
  abstract applyTransmit(request: TransmitRequest): Hex;
  /** requestNewRound: the RoundRequested event's fields. */
  abstract requestNewRound(requester: Address): void;

  /** Every accepted report, oldest first. */
  get transmissions(): readonly Accepted[] {
    return this.accepted;
  }
  /** Every rejected transmit with its revert string. */
  get reverts(): readonly RejectedTransmit[] {
    return this.#rejected;
  }
  get latestConfigDigest(): Uint8Array | null {
    return this.config?.digest ?? null;
  }

  /** setConfig: the contract's checks (payees and owner aside), then a new digest; resets (epoch, round). */
  setConfig(args: SetArgs): ContractConfig {
    this.checkSetConfig(args);
    this.blockNumber++;
    this.configCount++;
    const digest = this.digestOf(args, this.configCount);
    this.config = { args, configCount: this.configCount, blockNumber: this.blockNumber, digest };
    this.latestEpochAndRound = 0n;
    return this.contractConfig(this.config);
  }

  /** Fault hook: the next transmit from `transmitter` reverts without touching state. */
  failNextTransmit(transmitter: Address): void {
    this.#queueFault(transmitter, "fail");
  }
  /** Fault hook: the next transmit from `transmitter` is lost before it reaches the chain. */
  dropNextTransmit(transmitter: Address): void {
    this.#queueFault(transmitter, "drop");
  }

  async latestConfig(): Promise<ContractConfig | null> {
    return this.config === null ? null : this.contractConfig(this.config);
  }

  /** After a new config: (new digest, 0, 0, previous answer, previous timestamp), as the contracts. */
  async latestTransmissionDetails(): Promise<TransmissionDetails> {
    const latest = this.accepted.at(-1);
    return {
      configDigest: this.config?.digest ?? this.emptyDigest(),
      epoch: Number(this.latestEpochAndRound >> 8n),
      round: Number(this.latestEpochAndRound & 0xffn),
      latestAnswer: latest?.answer ?? 0n,
      latestTimestamp: latest?.timestamp ?? 0n,
    };
  }

  async latestRoundRequested(lookbackMs: number): Promise<RoundRequest | null> {
    const request = this.roundRequest;
    if (request === null || request.atMs < this.now() - lookbackMs) return null;
    const { atMs: _atMs, ...event } = request;
    return event;
  }

  async transmit(request: TransmitRequest): Promise<TransmitResult> {
    const fault = this.#faults.get(request.transmitterAddress.toLowerCase())?.shift();
    if (fault === "drop") return { ok: false, error: "transaction dropped (fault injected)" };
    if (fault === "fail") return this.#reject(request.transmitterAddress, "transaction failed (fault injected)");
    try {
      return { ok: true, txHash: this.applyTransmit(request) };
    } catch (error) {
      if (error instanceof RevertError) return this.#reject(request.transmitterAddress, error.reason);
      throw error;
    }
  }

  /** A digest of zero bytes of the contract's width, as the contracts return before any config. */
  protected emptyDigest(): Uint8Array {
    return new Uint8Array(this.#digestLength);
  }

  /**
   * Record an accepted report as the next aggregator round (timestamp and landing time from the
   * engine clock, a made-up transaction hash) and move (epoch, round) on; returns the hash.
   */
  protected land(report: Uint8Array, epochAndRound: bigint, fields: Omit<Accepted, "aggregatorRoundId" | "timestamp" | "txHash" | "landedAtMs">): Hex {
    this.blockNumber++;
    const txHash = bytesToHex(keccak256(concatBytes(utf8Bytes(`${this.#txHashTag}-${this.#txNonce++}`), report)));
    this.accepted.push({
      ...fields,
      aggregatorRoundId: this.accepted.length + 1,
      timestamp: BigInt(Math.floor(this.now() / 1000)),
      txHash,
      landedAtMs: this.now(),
    } as Accepted);
    this.latestEpochAndRound = epochAndRound;
    return txHash;
  }

  #reject(transmitter: Address, reason: string): TransmitResult {
    this.#rejected.push({ transmitter, reason, atMs: this.now() });
    return { ok: false, error: reason };
  }

  #queueFault(transmitter: Address, fault: TransmitFault): void {
    const key = transmitter.toLowerCase();
    this.#faults.set(key, [...(this.#faults.get(key) ?? []), fault]);
  }
}
