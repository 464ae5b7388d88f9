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
import { MAX_ORACLES, decodeReport, epochAndRound, reportMedian, MIN_OBSERVATION, MAX_OBSERVATION } from "../core/report.js";
import type { ContractConfig, TransmitRequest } from "./chain.js";
import { type AcceptedTransmission, InMemoryAggregator, RevertError, type StoredConfig } from "./in-memory-aggregator.js";
import { reportSignerOf } from "./verification.js";

export { type AcceptedTransmission, RevertError } from "./in-memory-aggregator.js";

export interface FakeOffchainAggregatorOptions {
  /** Engine time source; the block timestamp is floor(now / 1000). */
  readonly now: () => number;
  readonly address?: Address;
  readonly minAnswer?: bigint;
  readonly maxAnswer?: bigint;
}

export class FakeOffchainAggregator extends InMemoryAggregator<SetConfigArgs, AcceptedTransmission> {
  constructor(options: FakeOffchainAggregatorOptions) {
    super({
      now: options.now,
      address: options.address ?? ("0x00000000000000000000000000000000000FACE1" as Address),
      minAnswer: options.minAnswer ?? MIN_OBSERVATION,
      maxAnswer: options.maxAnswer ?? MAX_OBSERVATION,
      digestLength: 16,
      txHashTag: "fake-tx",
    });
  }

  /** setConfig's argument checks (payees are not modelled). */
  protected checkSetConfig(args: SetConfigArgs): void {
    const n = args.signers.length;
    if (n > MAX_ORACLES) throw new RevertError("too many signers");
    if (args.threshold <= 0) throw new RevertError("threshold must be positive");
    if (n !== args.transmitters.length) throw new RevertError("oracle addresses out of registration");
    if (n <= 3 * args.threshold) throw new RevertError("faulty-oracle threshold too high");
    // OCR1 keeps signers and transmitters in one role mapping: an address may hold one role.
    const seen = new Set<string>();
    for (let i = 0; i < n; i++) {
      const signer = args.signers[i].toLowerCase();
      if (seen.has(signer)) throw new RevertError("repeated signer address");
      seen.add(signer);
      const transmitter = args.transmitters[i].toLowerCase();
      if (seen.has(transmitter)) throw new RevertError("repeated transmitter address");
      seen.add(transmitter);
    }
  }

  protected digestOf(args: SetConfigArgs, configCount: bigint): Uint8Array {
    return computeConfigDigest({ contractAddress: this.address, configCount, ...args });
  }

  /** requestNewRound: emits RoundRequested with the latest transmitted digest, epoch and round. */
  requestNewRound(requester: Address): void {
    const latest = this.accepted.at(-1);
    this.roundRequest = {
      requester,
      configDigest: latest?.configDigest ?? this.emptyDigest(),
      epoch: latest?.epoch ?? 0,
      round: latest?.round ?? 0,
      atMs: this.now(),
    };
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
    const configDigest = config?.digest ?? this.emptyDigest();
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

    return this.land(report, reportEpochAndRound, {
      answer: median,
      transmitter: transmitters[transmitterIndex],
      configDigest,
      epoch: decoded.context.epoch,
      round: decoded.context.round,
      observations,
      observers: decoded.observers,
      signers: signerIndices,
    });
  }

  protected contractConfig(stored: StoredConfig<SetConfigArgs>): ContractConfig {
    return {
      ...stored.args,
      contractAddress: this.address,
      configCount: stored.configCount,
      blockNumber: stored.blockNumber,
      configDigest: stored.digest,
    };
  }
}
