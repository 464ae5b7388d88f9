/**
 * The one narrow interface between the engine and an OffchainAggregator. The engine never
 * imports ethers or Hardhat: a Hardhat adapter, a JSON-RPC adapter and the in-memory
 * `FakeOffchainAggregator` all implement this.
 */
import type { Address } from "../core/address.js";
import type { Hex } from "../core/bytes.js";
import type { SetConfigArgs } from "../core/config/encoding.js";
import type { RoundRequest, TransmissionDetails } from "./should-report.js";

export type { RoundRequest, TransmissionDetails } from "./should-report.js";

/** The latest config: `latestConfigDetails` plus the arguments of its ConfigSet event. */
export interface ContractConfig extends SetConfigArgs {
  readonly contractAddress: Address;
  readonly configCount: bigint;
  /** Block in which the config was set. */
  readonly blockNumber: number;
  /** 16 bytes (OCR1) or 32 bytes (OCR2). */
  readonly configDigest: Uint8Array;
  /**
   * Which protocol the aggregator runs (absent: OCR1). An OCR2 ConfigSet maps onto the same
   * fields: `threshold` is f, `encodedConfigVersion` the offchainConfigVersion and `encoded` the
   * offchainConfig; only the onchainConfig is new.
   */
  readonly protocol?: "ocr1" | "ocr2";
  /** OCR2 only: the median plugin's onchainConfig (0x01 ‖ int192 min ‖ int192 max). */
  readonly onchainConfig?: Uint8Array;
}

export interface TransmitRequest {
  /** The sending oracle's index in the config (its transmitter is `transmitters[index]`). */
  readonly transmitterIndex: number;
  readonly transmitterAddress: Address;
  readonly report: Uint8Array;
  readonly rs: readonly Hex[];
  readonly ss: readonly Hex[];
  readonly rawVs: Hex;
  /** OCR2 only: transmit's bytes32[3] reportContext (digest, epoch and round, extraHash). */
  readonly reportContext?: readonly [Hex, Hex, Hex];
}

/**
 * Where a transmit landed, as its receipt says, carried to the round's result so that nobody
 * asks the node for the receipt a second time.
 */
export interface TransmitReceipt {
  readonly blockNumber: number;
  /** The aggregator's round id for the report, from the NewTransmission event the transaction emitted. */
  readonly aggregatorRoundId: bigint;
}

export interface TransmitResult {
  /** The transaction was mined and did not revert. */
  readonly ok: boolean;
  readonly txHash?: Hex;
  readonly gasUsed?: bigint;
  /** When the adapter read the receipt and found the report's NewTransmission event in it. */
  readonly receipt?: TransmitReceipt;
  /** Revert reason or transport error when not ok. */
  readonly error?: string;
}

export interface OffchainAggregatorChain {
  /** The contract's latest config, or null before the first setConfig. */
  latestConfig(): Promise<ContractConfig | null>;
  latestTransmissionDetails(): Promise<TransmissionDetails>;
  /** The latest RoundRequested event within the last `lookbackMs`, or null. */
  latestRoundRequested(lookbackMs: number): Promise<RoundRequest | null>;
  /**
   * The chain's current time in ms, when it differs from the engine's clock (e.g. a Hardhat
   * chain whose block timestamps are set by the test). Omit to use the clock.
   */
  nowMs?(): Promise<number>;
  transmit(request: TransmitRequest): Promise<TransmitResult>;
}
