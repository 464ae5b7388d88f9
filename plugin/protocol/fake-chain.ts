/**
 * An in-memory OffchainAggregator for unit tests and simulations without an EVM. It applies
 * the contract's setConfig and transmit checks in the contract's order with the contract's
 * revert strings (spec §1.4, §1.6), so a report this accepts the Solidity contract accepts too.
 * Billing, payees and the validator are left out: they never decide whether a report lands.
 */
import { type Address, sameAddress } from "../core/address.js";
import { type Hex, bytesToHex, concatBytes, hexToBytes } from "../core/bytes.js";
import { computeConfigDigest } from "../core/config/digest.js";
import type { SetConfigArgs } from "../core/config/encoding.js";
import { keccak256, utf8Bytes } from "../core/hash.js";
import { MAX_ORACLES, decodeReport, epochAndRound, reportMedian, MIN_OBSERVATION, MAX_OBSERVATION } from "../core/report.js";
import type {
  ContractConfig,
  OffchainAggregatorChain,
  RoundRequest,
  TransmissionDetails,
  TransmitRequest,
  TransmitResult,
} from "./chain.js";
import { reportSignerOf } from "./verification.js";

/** A report the fake contract accepted. */
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

export interface FakeOffchainAggregatorOptions {
  /** Engine time source; the block timestamp is floor(now / 1000). */
  readonly now: () => number;
  readonly address?: Address;
  readonly minAnswer?: bigint;
  readonly maxAnswer?: bigint;
}

interface StoredConfig {
  readonly args: SetConfigArgs;
  readonly configCount: bigint;
  readonly blockNumber: number;
  readonly digest: Uint8Array;
}

type TransmitFault = "fail" | "drop";

export class FakeOffchainAggregator implements OffchainAggregatorChain {
  readonly address: Address;
  readonly minAnswer: bigint;
  readonly maxAnswer: bigint;
  private readonly now: () => number;
  private blockNumber = 1;
  private configCount = 0n;
  private config: StoredConfig | null = null;
  private latestEpochAndRound = 0n;
  private readonly accepted: AcceptedTransmission[] = [];
  private readonly rejected: { transmitter: Address; reason: string; atMs: number }[] = [];
  private roundRequest: (RoundRequest & { atMs: number }) | null = null;
  private readonly faults = new Map<string, TransmitFault[]>();
  private txNonce = 0;

  constructor(options: FakeOffchainAggregatorOptions) {
    this.now = options.now;
    this.address = options.address ?? ("0x00000000000000000000000000000000000FACE1" as Address);
    this.minAnswer = options.minAnswer ?? MIN_OBSERVATION;
    this.maxAnswer = options.maxAnswer ?? MAX_OBSERVATION;
  }

  /** Every accepted report, oldest first. */
  get transmissions(): readonly AcceptedTransmission[] {
    return this.accepted;
  }
  /** Every rejected transmit with its revert string. */
  get reverts(): readonly { transmitter: Address; reason: string; atMs: number }[] {
    return this.rejected;
  }
  get latestConfigDigest(): Uint8Array | null {
    return this.config?.digest ?? null;
  }

  /** setConfig with the contract's argument checks (payees are not modelled). */
  setConfig(args: SetConfigArgs): ContractConfig {
    const n = args.signers.length;
    if (n > MAX_ORACLES) throw new RevertError("too many signers");
    if (args.threshold <= 0) throw new RevertError("threshold must be positive");
    if (n !== args.transmitters.length) throw new RevertError("oracle addresses out of registration");
    if (n <= 3 * args.threshold) throw new RevertError("faulty-oracle threshold too high");
    const seen = new Set<string>();
    for (let i = 0; i < n; i++) {
      const signer = args.signers[i].toLowerCase();
      if (seen.has(signer)) throw new RevertError("repeated signer address");
      seen.add(signer);
      const transmitter = args.transmitters[i].toLowerCase();
      if (seen.has(transmitter)) throw new RevertError("repeated transmitter address");
      seen.add(transmitter);
    }
    this.blockNumber++;
    this.configCount++;
    const digest = computeConfigDigest({ contractAddress: this.address, configCount: this.configCount, ...args });
    this.config = { args, configCount: this.configCount, blockNumber: this.blockNumber, digest };
    this.latestEpochAndRound = 0n;
    return this.contractConfig(this.config);
  }

  /** requestNewRound: emits RoundRequested with the latest transmitted digest, epoch and round. */
  requestNewRound(requester: Address): void {
    const latest = this.accepted.at(-1);
    this.roundRequest = {
      requester,
      configDigest: latest?.configDigest ?? new Uint8Array(16),
      epoch: latest?.epoch ?? 0,
      round: latest?.round ?? 0,
      atMs: this.now(),
    };
  }

  /** Fault hook: the next transmit from `transmitter` reverts without touching state. */
  failNextTransmit(transmitter: Address): void {
    this.queueFault(transmitter, "fail");
  }
  /** Fault hook: the next transmit from `transmitter` is lost before it reaches the chain. */
  dropNextTransmit(transmitter: Address): void {
    this.queueFault(transmitter, "drop");
  }

  async latestConfig(): Promise<ContractConfig | null> {
    return this.config === null ? null : this.contractConfig(this.config);
  }

  async latestTransmissionDetails(): Promise<TransmissionDetails> {
    const latest = this.accepted.at(-1);
    return {
      configDigest: this.config?.digest ?? new Uint8Array(16),
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
      const txHash = this.applyTransmit(request);
      return { ok: true, txHash };
    } catch (error) {
      if (error instanceof RevertError) return this.reject(request.transmitterAddress, error.reason);
      throw error;
    }
  }

  /** The transmit checks in execution order (spec §1.6); returns a tx hash or throws RevertError. */
  applyTransmit(request: TransmitRequest): Hex {
    const { report, rs, ss } = request;
    const from = request.transmitterAddress;
    // Calldata is 4 + 7 words + report + rs + ss; with ABI padding that only holds for a
    // report whose length is a multiple of 32.
    if (report.length % 32 !== 0) throw new RevertError("transmit message too long");
    let decoded: ReturnType<typeof decodeReport>;
    try {
      decoded = decodeReport(report);
    } catch {
      throw new RevertError("");
    }
    const config = this.config;
    const configDigest = config?.digest ?? new Uint8Array(16);
    if (bytesToHex(decoded.context.configDigest) !== bytesToHex(configDigest)) throw new RevertError("configDigest mismatch");
    const reportEpochAndRound = epochAndRound(decoded.context.epoch, decoded.context.round);
    if (this.latestEpochAndRound >= reportEpochAndRound) throw new RevertError("stale report");
    const f = config?.args.threshold ?? 0;
    if (rs.length <= f) throw new RevertError("not enough signatures");
    if (rs.length > MAX_ORACLES) throw new RevertError("too many signatures");
    if (ss.length !== rs.length) throw new RevertError("signatures out of registration");
    const observations = decoded.observations;
    if (observations.length > MAX_ORACLES) throw new RevertError("num observations out of bounds");
    if (observations.length <= 2 * f) throw new RevertError("too few values to trust median");
    const seenObservers = new Set<number>();
    for (const observer of decoded.observers) {
      if (observer >= MAX_ORACLES) throw new RevertError(""); // invalid opcode on chain
      if (seenObservers.has(observer)) throw new RevertError("observer index repeated");
      seenObservers.add(observer);
    }
    const signers = config?.args.signers ?? [];
    const transmitters = config?.args.transmitters ?? [];
    const transmitterIndex = transmitters.findIndex((t) => sameAddress(t, from));
    if (transmitterIndex < 0) throw new RevertError("unauthorized transmitter");
    const rawVs = hexToBytes(request.rawVs);
    const signerIndices: number[] = [];
    for (let i = 0; i < rs.length; i++) {
      const signature = concatBytes(hexToBytes(rs[i]), hexToBytes(ss[i]), Uint8Array.of(rawVs[i]));
      // v outside {0,1} makes ecrecover return address(0), which holds no role.
      const signer = rawVs[i] > 1 ? null : reportSignerOf(report, signature);
      const index = signer === null ? -1 : signers.findIndex((s) => sameAddress(s, signer));
      if (index < 0) throw new RevertError("address not authorized to sign");
      if (signerIndices.includes(index)) throw new RevertError("non-unique signature");
      signerIndices.push(index);
    }
    for (let i = 1; i < observations.length; i++) {
      if (observations[i - 1] > observations[i]) throw new RevertError("observations not sorted");
    }
    const median = reportMedian(observations);
    if (median < this.minAnswer || median > this.maxAnswer) throw new RevertError("median is out of min-max range");

    this.blockNumber++;
    const txHash = bytesToHex(keccak256(concatBytes(utf8Bytes(`fake-tx-${this.txNonce++}`), report)));
    this.accepted.push({
      aggregatorRoundId: this.accepted.length + 1,
      answer: median,
      timestamp: BigInt(Math.floor(this.now() / 1000)),
      transmitter: transmitters[transmitterIndex],
      configDigest,
      epoch: decoded.context.epoch,
      round: decoded.context.round,
      observations,
      observers: decoded.observers,
      signers: signerIndices,
      txHash,
      landedAtMs: this.now(),
    });
    this.latestEpochAndRound = reportEpochAndRound;
    return txHash;
  }

  private reject(transmitter: Address, reason: string): TransmitResult {
    this.rejected.push({ transmitter, reason, atMs: this.now() });
    return { ok: false, error: reason };
  }

  private queueFault(transmitter: Address, fault: TransmitFault): void {
    const key = transmitter.toLowerCase();
    const list = this.faults.get(key) ?? [];
    list.push(fault);
    this.faults.set(key, list);
  }

  private contractConfig(stored: StoredConfig): ContractConfig {
    return {
      ...stored.args,
      contractAddress: this.address,
      configCount: stored.configCount,
      blockNumber: stored.blockNumber,
      configDigest: stored.digest,
    };
  }
}
