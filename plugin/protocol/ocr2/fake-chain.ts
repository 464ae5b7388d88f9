/**
 * An in-memory OCR2Aggregator for simulations without an EVM, beside OCR1's ../fake-chain.ts.
 * It applies setConfig's and transmit's checks in the contract's order with its revert strings
 * (ocr2-spec §2.4, §2.5): exactly f+1 signatures over the OCR2 signed hash, the 32-byte digest,
 * the exact calldata length, the median taken as given at n/2. Billing and the validator are
 * left out: they never decide whether a report lands.
 */
import { type Address, sameAddress } from "../../core/address.js";
import { type Hex, bytesEqual, concatBytes, hexToBytes } from "../../core/bytes.js";
import { computeOcr2ConfigDigest, encodeMedianOnchainConfig } from "../../core/ocr2/config.js";
import { INT192_MAX, INT192_MIN, OCR2_MAX_ORACLES, decodeOcr2Report, decodeOcr2ReportContext, ocr2EpochAndRound, recoverOcr2ReportSigner } from "../../core/ocr2/report.js";
import type { Ocr2SetConfigArgs } from "../../core/ocr2/shared-config.js";
import type { ContractConfig, TransmitRequest } from "../chain.js";
import { type AcceptedTransmission, InMemoryAggregator, RevertError, type StoredConfig } from "../in-memory-aggregator.js";

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

export class FakeOcr2Aggregator extends InMemoryAggregator<Ocr2SetConfigArgs, AcceptedOcr2Transmission> {
  /** OCR2's digest covers the chain id (OCR1's does not). */
  readonly chainId: bigint;

  constructor(options: FakeOcr2AggregatorOptions) {
    super({
      now: options.now,
      address: options.address ?? ("0x00000000000000000000000000000000000FACE2" as Address),
      minAnswer: options.minAnswer ?? 1n,
      maxAnswer: options.maxAnswer ?? (1n << 176n) - 1n,
      digestLength: 32,
      txHashTag: "fake-ocr2-tx",
    });
    this.chainId = options.chainId ?? 31337n;
  }

  /** setConfig's argument checks, in the contract's order (the owner check aside). */
  protected checkSetConfig(args: Ocr2SetConfigArgs): void {
    const n = args.signers.length;
    if (n > OCR2_MAX_ORACLES) throw new RevertError("too many oracles");
    if (n !== args.transmitters.length) throw new RevertError("oracle length mismatch");
    if (3 * args.f >= n) throw new RevertError("faulty-oracle f too high");
    if (args.f === 0) throw new RevertError("f must be positive");
    if (!bytesEqual(args.onchainConfig, encodeMedianOnchainConfig(this.minAnswer, this.maxAnswer))) throw new RevertError("invalid onchainConfig");
    // OCR2 keeps signers and transmitters in separate mappings: only repeats within a list fail.
    const signers = new Set<string>();
    const transmitters = new Set<string>();
    for (let i = 0; i < n; i++) {
      if (signers.has(args.signers[i].toLowerCase())) throw new RevertError("repeated signer address");
      signers.add(args.signers[i].toLowerCase());
      if (transmitters.has(args.transmitters[i].toLowerCase())) throw new RevertError("repeated transmitter address");
      transmitters.add(args.transmitters[i].toLowerCase());
    }
  }

  protected digestOf(args: Ocr2SetConfigArgs, configCount: bigint): Uint8Array {
    return computeOcr2ConfigDigest({ chainId: this.chainId, contractAddress: this.address, configCount, ...args });
  }

  /** requestNewRound: RoundRequested with the current digest and the latest transmitted (epoch, round). */
  requestNewRound(requester: Address): void {
    this.roundRequest = {
      requester,
      configDigest: this.config?.digest ?? this.emptyDigest(),
      epoch: Number(this.latestEpochAndRound >> 8n),
      round: Number(this.latestEpochAndRound & 0xffn),
      atMs: this.now(),
    };
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

    return this.land(report, reportEpochAndRound, {
      answer: median,
      transmitter: config.args.transmitters[transmitterIndex],
      configDigest: config.digest,
      epoch: context.epoch,
      round: context.round,
      observations,
      observers: decoded.observers,
      signers,
      observationsTimestamp: decoded.observationsTimestamp,
      juelsPerFeeCoin: decoded.juelsPerFeeCoin,
    });
  }

  protected contractConfig(stored: StoredConfig<Ocr2SetConfigArgs>): ContractConfig {
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
