/**
 * An in-memory OCR2Aggregator for simulations without an EVM, beside OCR1's ../fake-chain.ts.
 * It applies setConfig's and transmit's checks in the contract's order with its revert strings
 * (ocr2-spec §2.4, §2.5): exactly f+1 signatures over the OCR2 signed hash, the 32-byte digest,
 * the exact calldata length, the median taken as given at n/2. Billing and the validator are
 * left out: they never decide whether a report lands.
 */
import { type Address, sameAddress } from "../../core/address.js";
import { type Hex, bytesEqual, bytesToHex, concatBytes, hexToBytes } from "../../core/bytes.js";
import { keccak256, utf8Bytes } from "../../core/hash.js";
import { computeOcr2ConfigDigest, encodeMedianOnchainConfig } from "../../core/ocr2/config.js";
import { INT192_MAX, INT192_MIN, OCR2_MAX_ORACLES, decodeOcr2Report, decodeOcr2ReportContext, ocr2EpochAndRound, recoverOcr2ReportSigner } from "../../core/ocr2/report.js";
import type { Ocr2SetConfigArgs } from "../../core/ocr2/shared-config.js";
import type { ContractConfig, OffchainAggregatorChain, RoundRequest, TransmissionDetails, TransmitRequest, TransmitResult } from "../chain.js";
import { type AcceptedTransmission, RevertError } from "../fake-chain.js";

/** A report the fake OCR2 contract accepted: OCR1's record plus what OCR2 reports add. */
export interface AcceptedOcr2Transmission extends AcceptedTransmission {
  /** startedAt: the median of the oracles' observation clocks, seconds. */
  readonly observationsTimestamp: number;
  readonly juelsPerFeeCoin: bigint;
}

export interface FakeOcr2AggregatorOptions {
  /** Engine time source; the block timestamp is floor(now / 1000). */
  readonly now: () => number;
  readonly address?: Address;
  readonly chainId?: bigint;
  readonly minAnswer?: bigint;
  readonly maxAnswer?: bigint;
}

interface StoredConfig {
  readonly args: Ocr2SetConfigArgs;
  readonly configCount: bigint;
  readonly blockNumber: number;
  readonly digest: Uint8Array;
}

export class FakeOcr2Aggregator implements OffchainAggregatorChain {
  readonly address: Address;
  readonly chainId: bigint;
  readonly minAnswer: bigint;
  readonly maxAnswer: bigint;
  private readonly now: () => number;
  private blockNumber = 1;
  private configCount = 0n;
  private config: StoredConfig | null = null;
  private latestEpochAndRound = 0n;
  private readonly accepted: AcceptedOcr2Transmission[] = [];
  private readonly rejected: { transmitter: Address; reason: string; atMs: number }[] = [];
  private roundRequest: (RoundRequest & { atMs: number }) | null = null;
  private readonly faults = new Map<string, ("fail" | "drop")[]>();
  private txNonce = 0;

  constructor(options: FakeOcr2AggregatorOptions) {
    this.now = options.now;
    this.address = options.address ?? ("0x00000000000000000000000000000000000FACE2" as Address);
    this.chainId = options.chainId ?? 31337n;
    this.minAnswer = options.minAnswer ?? 1n;
    this.maxAnswer = options.maxAnswer ?? (1n << 176n) - 1n;
  }

  get transmissions(): readonly AcceptedOcr2Transmission[] {
    return this.accepted;
  }
  get reverts(): readonly { transmitter: Address; reason: string; atMs: number }[] {
    return this.rejected;
  }
  get latestConfigDigest(): Uint8Array | null {
    return this.config?.digest ?? null;
  }

  /** setConfig with the contract's argument checks, in its order (the owner check aside). */
  setConfig(args: Ocr2SetConfigArgs): ContractConfig {
    const n = args.signers.length;
    if (n > OCR2_MAX_ORACLES) throw new RevertError("too many oracles");
    if (n !== args.transmitters.length) throw new RevertError("oracle length mismatch");
    if (3 * args.f >= n) throw new RevertError("faulty-oracle f too high");
    if (args.f === 0) throw new RevertError("f must be positive");
    if (!bytesEqual(args.onchainConfig, encodeMedianOnchainConfig(this.minAnswer, this.maxAnswer))) throw new RevertError("invalid onchainConfig");
    const signers = new Set<string>();
    const transmitters = new Set<string>();
    for (let i = 0; i < n; i++) {
      if (signers.has(args.signers[i].toLowerCase())) throw new RevertError("repeated signer address");
      signers.add(args.signers[i].toLowerCase());
      if (transmitters.has(args.transmitters[i].toLowerCase())) throw new RevertError("repeated transmitter address");
      transmitters.add(args.transmitters[i].toLowerCase());
    }
    this.latestEpochAndRound = 0n;
    this.blockNumber++;
    this.configCount++;
    const digest = computeOcr2ConfigDigest({ chainId: this.chainId, contractAddress: this.address, configCount: this.configCount, ...args });
    this.config = { args, configCount: this.configCount, blockNumber: this.blockNumber, digest };
    return this.contractConfig(this.config);
  }

  /** requestNewRound: RoundRequested with the current digest and the latest transmitted (epoch, round). */
  requestNewRound(requester: Address): void {
    this.roundRequest = {
      requester,
      configDigest: this.config?.digest ?? new Uint8Array(32),
      epoch: Number(this.latestEpochAndRound >> 8n),
      round: Number(this.latestEpochAndRound & 0xffn),
      atMs: this.now(),
    };
  }

  failNextTransmit(transmitter: Address): void {
    this.queueFault(transmitter, "fail");
  }
  dropNextTransmit(transmitter: Address): void {
    this.queueFault(transmitter, "drop");
  }

  async latestConfig(): Promise<ContractConfig | null> {
    return this.config === null ? null : this.contractConfig(this.config);
  }

  /** After a new config: (new digest, 0, 0, previous answer, previous timestamp), as the contract. */
  async latestTransmissionDetails(): Promise<TransmissionDetails> {
    const latest = this.accepted.at(-1);
    return {
      configDigest: this.config?.digest ?? new Uint8Array(32),
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
    const fault = this.faults.get(request.transmitterAddress.toLowerCase())?.shift();
    if (fault === "drop") return { ok: false, error: "transaction dropped (fault injected)" };
    if (fault === "fail") return this.reject(request.transmitterAddress, "transaction failed (fault injected)");
    try {
      return { ok: true, txHash: this.applyTransmit(request) };
    } catch (error) {
      if (error instanceof RevertError) return this.reject(request.transmitterAddress, error.reason);
      throw error;
    }
  }

  /** transmit's checks in execution order (ocr2-spec §2.5); returns a tx hash or throws RevertError. */
  applyTransmit(request: TransmitRequest): Hex {
    const { report, rs, ss } = request;
    if (request.reportContext === undefined) throw new RevertError(""); // an OCR1 call does not decode
    const context = decodeOcr2ReportContext(request.reportContext.map(hexToBytes));
    const reportEpochAndRound = ocr2EpochAndRound(context.epoch, context.round);
    if (this.latestEpochAndRound >= reportEpochAndRound) throw new RevertError("stale report");
    const config = this.config;
    const transmitterIndex = config?.args.transmitters.findIndex((t) => sameAddress(t, request.transmitterAddress)) ?? -1;
    if (config === null || transmitterIndex < 0) throw new RevertError("unauthorized transmitter");
    if (!bytesEqual(context.configDigest, config.digest)) throw new RevertError("configDigest mismatch");
    // The ABI pads the report to whole words; the contract's length rule counts it unpadded.
    if (report.length % 32 !== 0) throw new RevertError("calldata length mismatch");
    if (rs.length !== config.args.f + 1) throw new RevertError("wrong number of signatures");
    if (ss.length !== rs.length) throw new RevertError("signatures out of registration");
    const rawVs = hexToBytes(request.rawVs);
    const signers: number[] = [];
    for (let i = 0; i < rs.length; i++) {
      let index = -1;
      if (rawVs[i] <= 1) {
        const signature = concatBytes(hexToBytes(rs[i]), hexToBytes(ss[i]), Uint8Array.of(rawVs[i]));
        try {
          const signer = recoverOcr2ReportSigner(report, context, signature);
          index = config.args.signers.findIndex((s) => sameAddress(s, signer));
        } catch {
          index = -1;
        }
      }
      if (index < 0) throw new RevertError("signature error");
      if (signers.includes(index)) throw new RevertError("duplicate signer");
      signers.push(index);
    }
    let decoded: ReturnType<typeof decodeOcr2Report>;
    try {
      decoded = decodeOcr2Report(report);
    } catch {
      throw new RevertError("report length mismatch");
    }
    const { observations } = decoded;
    if (observations.length > OCR2_MAX_ORACLES) throw new RevertError("num observations out of bounds");
    if (observations.length <= config.args.f) throw new RevertError("too few values to trust median");
    const median = observations[observations.length >> 1];
    if (median < INT192_MIN || median > INT192_MAX || median < this.minAnswer || median > this.maxAnswer) throw new RevertError("median is out of min-max range");

    this.blockNumber++;
    const txHash = bytesToHex(keccak256(concatBytes(utf8Bytes(`fake-ocr2-tx-${this.txNonce++}`), report)));
    this.accepted.push({
      aggregatorRoundId: this.accepted.length + 1,
      answer: median,
      timestamp: BigInt(Math.floor(this.now() / 1000)),
      transmitter: config.args.transmitters[transmitterIndex],
      configDigest: config.digest,
      epoch: context.epoch,
      round: context.round,
      observations,
      observers: decoded.observers,
      signers,
      txHash,
      landedAtMs: this.now(),
      observationsTimestamp: decoded.observationsTimestamp,
      juelsPerFeeCoin: decoded.juelsPerFeeCoin,
    });
    this.latestEpochAndRound = reportEpochAndRound;
    return txHash;
  }

  private reject(transmitter: Address, reason: string): TransmitResult {
    this.rejected.push({ transmitter, reason, atMs: this.now() });
    return { ok: false, error: reason };
  }

  private queueFault(transmitter: Address, fault: "fail" | "drop"): void {
    const key = transmitter.toLowerCase();
    this.faults.set(key, [...(this.faults.get(key) ?? []), fault]);
  }

  private contractConfig(stored: StoredConfig): ContractConfig {
    const { args } = stored;
    return {
      protocol: "ocr2",
      signers: args.signers,
      transmitters: args.transmitters,
      threshold: args.f,
      onchainConfig: args.onchainConfig,
      encodedConfigVersion: args.offchainConfigVersion,
      encoded: args.offchainConfig,
      contractAddress: this.address,
      configCount: stored.configCount,
      blockNumber: stored.blockNumber,
      configDigest: stored.digest,
    };
  }
}
