/**
 * The OCR1 on-chain report: its byte layout, its signatures, and the `transmit` calldata
 * (spec §1.5). Used by the protocol engine to build what it transmits, by the tests to build
 * valid and invalid reports, and by tools to check a report independently.
 */
import { secp256k1 } from "@noble/curves/secp256k1.js";

import { type Address, addressFromPublicKey } from "./address.js";
import {
  type Hex,
  bytesEqual,
  bytesToHex,
  bytesToIntBE,
  bytesToUintBE,
  concatBytes,
  hexToBytes,
  intToBytesBE,
  uintToBytesBE,
} from "./bytes.js";
import { keccak256 } from "./hash.js";
import { SECP256K1_BACKEND, recoverPublicKeyFromDigest, signDigestRecoverable } from "./secp256k1.js";

/** The most oracles an OCR1 aggregator accepts (`maxNumOracles`). */
export const MAX_ORACLES = 31;
/** Observations are int192 on chain. */
export const MIN_OBSERVATION = -(1n << 191n);
export const MAX_OBSERVATION = (1n << 191n) - 1n;
/** `transmit(bytes,bytes32[],bytes32[],bytes32)` */
export const TRANSMIT_SELECTOR = Uint8Array.of(0xc9, 0x80, 0x75, 0x39);

/** Which config, epoch and round a report (or signed observation) belongs to. */
export interface ReportContext {
  /** 16-byte config digest, as `latestConfigDetails` returns it. */
  readonly configDigest: Uint8Array;
  /** uint32 */
  readonly epoch: number;
  /** uint8 */
  readonly round: number;
}

/** One oracle's observation, tagged with the oracle's index in the config. */
export interface AttributedObservation {
  readonly observer: number;
  readonly value: bigint;
}

/** The `epochAndRound` value the contract compares: epoch in the high 32 bits, round in the low 8. */
export function epochAndRound(epoch: number, round: number): bigint {
  return (BigInt(epoch) << 8n) | BigInt(round);
}

/**
 * rawReportContext: 11 zero bytes ‖ configDigest (16) ‖ epoch (uint32 BE) ‖ round (uint8).
 */
export function encodeReportContext(context: ReportContext): Uint8Array {
  if (context.configDigest.length !== 16) {
    throw new Error(`configDigest must be 16 bytes, got ${context.configDigest.length}`);
  }
  if (!Number.isInteger(context.epoch) || context.epoch < 0 || context.epoch > 0xffffffff) {
    throw new RangeError(`epoch ${context.epoch} is not a uint32`);
  }
  if (!Number.isInteger(context.round) || context.round < 0 || context.round > 0xff) {
    throw new RangeError(`round ${context.round} is not a uint8`);
  }
  return concatBytes(
    new Uint8Array(11),
    context.configDigest,
    uintToBytesBE(BigInt(context.epoch), 4),
    Uint8Array.of(context.round),
  );
}

export function decodeReportContext(rawReportContext: Uint8Array): ReportContext {
  if (rawReportContext.length !== 32) throw new Error("rawReportContext must be 32 bytes");
  return {
    configDigest: rawReportContext.slice(11, 27),
    epoch: Number(bytesToUintBE(rawReportContext.subarray(27, 31))),
    round: rawReportContext[31],
  };
}

/** rawObservers: byte i (most significant first) is the oracle index of observation i. */
export function encodeRawObservers(observers: readonly number[]): Uint8Array {
  if (observers.length > 32) throw new RangeError("at most 32 observers fit in rawObservers");
  const out = new Uint8Array(32);
  observers.forEach((o, i) => {
    if (!Number.isInteger(o) || o < 0 || o > 255) throw new RangeError(`observer index ${o} is not a byte`);
    out[i] = o;
  });
  return out;
}

/**
 * Sort observations ascending by value, as the leader does before a report-req. Ties are
 * broken by observer index so that every oracle builds byte-identical reports.
 */
export function sortAttributedObservations(
  observations: readonly AttributedObservation[],
): AttributedObservation[] {
  return [...observations].sort((a, b) =>
    a.value < b.value ? -1 : a.value > b.value ? 1 : a.observer - b.observer,
  );
}

/**
 * The report bytes: abi.encode(bytes32 rawReportContext, bytes32 rawObservers, int192[] observations).
 * `observations` are encoded in the order given; pass them sorted for a report the contract accepts.
 */
export function encodeReport(
  context: ReportContext,
  observations: readonly AttributedObservation[],
): Uint8Array {
  const words: Uint8Array[] = [
    encodeReportContext(context),
    encodeRawObservers(observations.map((o) => o.observer)),
    uintToBytesBE(0x60n, 32),
    uintToBytesBE(BigInt(observations.length), 32),
  ];
  for (const o of observations) {
    if (o.value < MIN_OBSERVATION || o.value > MAX_OBSERVATION) {
      throw new RangeError(`observation ${o.value} does not fit in int192`);
    }
    words.push(intToBytesBE(o.value, 32));
  }
  return concatBytes(...words);
}

export interface DecodedReport {
  readonly context: ReportContext;
  readonly rawReportContext: Uint8Array;
  readonly rawObservers: Uint8Array;
  /** Oracle index of each observation (the first n bytes of rawObservers). */
  readonly observers: number[];
  readonly observations: bigint[];
}

/** Parse report bytes. Throws on anything the contract's abi.decode would reject. */
export function decodeReport(report: Uint8Array): DecodedReport {
  if (report.length < 128 || report.length % 32 !== 0) {
    throw new Error(`a report is 128 + 32n bytes, got ${report.length}`);
  }
  const word = (i: number) => report.subarray(32 * i, 32 * i + 32);
  const offset = bytesToUintBE(word(2));
  if (offset !== 0x60n) throw new Error(`observations offset must be 0x60, got 0x${offset.toString(16)}`);
  const n = Number(bytesToUintBE(word(3)));
  if (report.length !== 128 + 32 * n) {
    throw new Error(`report claims ${n} observations but has ${(report.length - 128) / 32}`);
  }
  const rawReportContext = report.slice(0, 32);
  const rawObservers = report.slice(32, 64);
  const observations: bigint[] = [];
  for (let i = 0; i < n; i++) {
    const v = bytesToIntBE(word(4 + i));
    if (v < MIN_OBSERVATION || v > MAX_OBSERVATION) throw new Error(`observation ${i} is not an int192`);
    observations.push(v);
  }
  return {
    context: decodeReportContext(rawReportContext),
    rawReportContext,
    rawObservers,
    observers: Array.from(rawObservers.subarray(0, n)),
    observations,
  };
}

/** The median the contract stores: element n/2 (integer division) of the sorted values. */
export function reportMedian(sortedValues: readonly bigint[]): bigint {
  if (sortedValues.length === 0) throw new Error("no observations");
  return sortedValues[sortedValues.length >> 1];
}

/** What each oracle signs: keccak256 of the full report bytes, with no EIP-191 prefix. */
export function reportDigest(report: Uint8Array): Uint8Array {
  return keccak256(report);
}

/**
 * Sign a report with an oracle's on-chain key. Returns 65 bytes r ‖ s ‖ v with v ∈ {0, 1}
 * (go-ethereum `crypto.Sign` layout), which is what the contract expects in rs/ss/rawVs.
 */
export function signReport(report: Uint8Array, onchainSigningKey: Uint8Array): Uint8Array {
  // Deterministic (RFC 6979): the same bytes noble's or go-ethereum's signer would give.
  return signDigestRecoverable(reportDigest(report), onchainSigningKey);
}

/** The address whose key produced `signature` (r ‖ s ‖ v, v ∈ {0, 1}) over `report`. */
export function recoverReportSigner(report: Uint8Array, signature: Uint8Array): Address {
  return addressFromPublicKey(recoverReportSignerKey(reportDigest(report), signature));
}

/** The uncompressed public key that produced `signature` (r ‖ s ‖ v) over `digest`, as ecrecover finds it. */
export function recoverReportSignerKey(digest: Uint8Array, signature: Uint8Array): Uint8Array {
  return recoverPublicKeyFromDigest(digest, signature);
}

/**
 * A report signer's key made ready for checking many signatures by the same oracle. With the
 * JavaScript backend it carries a table of precomputed multiples: a check then costs about 40 %
 * of a recovery (noble on the dev machine: 0.6 ms against 1.5 ms), and building the table ~12 ms,
 * so callers prepare only keys they keep meeting. With libsecp256k1 a recovery (0.13 ms) is
 * cheaper than any check in JavaScript, and no table is built.
 */
export interface PreparedReportSigner {
  readonly address: Address;
  /** Uncompressed, 65 bytes. */
  readonly publicKey: Uint8Array;
  /** The point with its table; absent with libsecp256k1. */
  readonly point?: InstanceType<typeof secp256k1.Point>;
}

/**
 * Window of the precomputed table. Measured on the dev machine (build / check): w4 9.7 / 0.67 ms,
 * w5 11.6 / 0.60 ms, w6 17.4 / 0.58 ms, w8 52 / 0.50 ms, recovery 1.5 ms. w5 pays for itself
 * after about 13 checks.
 */
const PREPARED_SIGNER_WINDOW = 5;

/** `withTable`: build the JavaScript check's table (by default only when libsecp256k1 is not loaded). */
export function prepareReportSigner(publicKey: Uint8Array, withTable = SECP256K1_BACKEND === "javascript"): PreparedReportSigner {
  const point = secp256k1.Point.fromBytes(publicKey);
  const uncompressed = point.toBytes(false);
  const address = addressFromPublicKey(uncompressed);
  if (!withTable) return { address, publicKey: uncompressed };
  // Build the table the checks use (multiplyUnsafe's), not the blinded one `precompute(w, false)` would build.
  point.precompute(PREPARED_SIGNER_WINDOW, true).multiplyUnsafe(3n);
  return { address, publicKey: uncompressed, point };
}

/**
 * True exactly when ecrecover(digest, v, r, s) would return `signer`'s address, i.e. when the
 * contract would count this signature as the signer's.
 *
 * Without a table this is a recovery and a comparison. With one (JavaScript backend), ECDSA
 * verification against the known key finds the nonce point R' = (h/s)·G + (r/s)·Q; recovery
 * with (r, v) reconstructs Q from the point with x = r and y parity v. The two agree iff R' has
 * exactly x = r (not r + n, which ecrecover never tries) and y parity v, with r and s in [1, n − 1].
 */
export function isReportSignatureBy(digest: Uint8Array, signature: Uint8Array, signer: PreparedReportSigner): boolean {
  if (signature.length !== 65 || signature[64] > 1) return false;
  if (signer.point === undefined) {
    try {
      return bytesEqual(recoverPublicKeyFromDigest(digest, signature), signer.publicKey);
    } catch {
      return false;
    }
  }
  const { Fn, BASE } = secp256k1.Point;
  const r = bytesToUintBE(signature.subarray(0, 32));
  const s = bytesToUintBE(signature.subarray(32, 64));
  if (r === 0n || s === 0n || r >= Fn.ORDER || s >= Fn.ORDER) return false;
  const h = Fn.create(bytesToUintBE(digest));
  const sInverse = Fn.inv(s);
  const nonce = BASE.multiplyUnsafe(Fn.mul(h, sInverse)).add(signer.point.multiplyUnsafe(Fn.mul(r, sInverse)));
  if (nonce.is0()) return false;
  const { x, y } = nonce.toAffine();
  return x === r && Number(y & 1n) === signature[64];
}

/** The three signature arguments of `transmit`. */
export interface TransmitSignatures {
  readonly rs: Hex[];
  readonly ss: Hex[];
  /** Byte i (most significant first) is v_i ∈ {0, 1}. */
  readonly rawVs: Hex;
}

export function collateSignatures(signatures: readonly Uint8Array[]): TransmitSignatures {
  if (signatures.length > 32) throw new RangeError("at most 32 v bytes fit in rawVs");
  const rawVs = new Uint8Array(32);
  const rs: Hex[] = [];
  const ss: Hex[] = [];
  signatures.forEach((sig, i) => {
    if (sig.length !== 65) throw new Error(`signature ${i} is not 65 bytes`);
    rs.push(bytesToHex(sig.subarray(0, 32)));
    ss.push(bytesToHex(sig.subarray(32, 64)));
    rawVs[i] = sig[64];
  });
  return { rs, ss, rawVs: bytesToHex(rawVs) };
}

/**
 * Full `transmit` calldata in the canonical ABI layout. Its length is exactly
 * 4 + 7·32 + len(report) + 32·len(rs) + 32·len(ss), which the contract insists on.
 */
export function encodeTransmitCalldata(report: Uint8Array, signatures: TransmitSignatures): Uint8Array {
  if (report.length % 32 !== 0) throw new Error("report length must be a multiple of 32");
  const word = (v: bigint) => uintToBytesBE(v, 32);
  const reportOffset = 4n * 32n;
  const rsOffset = reportOffset + 32n + BigInt(report.length);
  const ssOffset = rsOffset + 32n + 32n * BigInt(signatures.rs.length);
  return concatBytes(
    TRANSMIT_SELECTOR,
    word(reportOffset),
    word(rsOffset),
    word(ssOffset),
    hexToBytes(signatures.rawVs),
    word(BigInt(report.length)),
    report,
    word(BigInt(signatures.rs.length)),
    ...signatures.rs.map(hexToBytes),
    word(BigInt(signatures.ss.length)),
    ...signatures.ss.map(hexToBytes),
  );
}
