/**
 * Reference model of OffchainAggregator.transmit: decides from the raw calldata, the sender and
 * what is known about the contract's state whether the call must succeed and, if not, with which
 * revert reason. Written from the spec (shared/docs/ocr1-spec.md §1.5, §1.6), the legacy ABI
 * decoder rules and the documented deliberate differences (notes/contracts.md), never from the
 * Solidity, so that a disagreement points at a bug in one of the two.
 *
 * It parses the calldata the way the contract must (offsets honoured, only the total length
 * checked, report words read in place, int192 = low 192 bits sign-extended, rawObservers bytes
 * past n ignored, rawVs bytes past |rs| ignored, v ∈ {0,1} only) rather than trusting what the
 * fuzzer meant to build.
 */
import { secp256k1 } from "@noble/curves/secp256k1.js";

import { addressFromPublicKey } from "../../plugin/core/address.js";
import { bytesEqual } from "../../plugin/core/bytes.js";
import { keccak256 } from "../../plugin/core/hash.js";
import { MAX_ORACLES, TRANSMIT_SELECTOR } from "../../plugin/core/report.js";
import { WORD, readWord } from "./layout.js";

/** Where the contract stands between calls; a fuzzed feed moves it on as calls land and configs change. */
export interface ContractProgress {
  /** Current config digest (16 bytes for OCR1, 32 for OCR2). */
  configDigest: Uint8Array;
  /** epoch << 8 | round of the latest accepted report (0 after setConfig). */
  latestEpochAndRound: bigint;
}

/** The committee and answer range the contract was configured with. */
export interface ContractSettings {
  readonly f: number;
  /** Lower-case hex, config order. */
  readonly signers: readonly string[];
  readonly transmitters: readonly string[];
  readonly minAnswer: bigint;
  readonly maxAnswer: bigint;
}

/** What the model needs to know about the contract before the call. */
export type ContractView = ContractSettings & Readonly<ContractProgress>;

export type Verdict =
  | { readonly valid: true; readonly epochAndRound: bigint; readonly median: bigint }
  /** reason "" = revert without data (ABI decoding, unknown selector). */
  | { readonly valid: false; readonly reason: string };

/** Where one dynamic argument's contents sit in calldata. */
export interface Span {
  readonly start: number;
  readonly length: number;
}

interface TransmitArgs {
  readonly report: Span;
  /** rs and ss as element counts; element i is the word at start + 32·i. */
  readonly rs: Span;
  readonly ss: Span;
  readonly rawVs: bigint;
}

const SELECTOR_BYTES = 4;
/** Three offsets and rawVs. */
const HEAD_BYTES = 4 * WORD;
/** The legacy decoder's bound on offsets and lengths. */
const DECODER_LIMIT = 1n << 32n;
const SECP256K1_N = secp256k1.Point.Fn.ORDER;
const INT192_BITS = 192n;

function reject(reason: string): Verdict {
  return { valid: false, reason };
}

function isTransmitSelector(calldata: Uint8Array): boolean {
  return calldata.length >= SELECTOR_BYTES && bytesEqual(calldata.subarray(0, SELECTOR_BYTES), TRANSMIT_SELECTOR);
}

/**
 * One dynamic argument through the legacy (ABI coder v1) calldata decoder: the offset in head
 * slot `slot` is at most 2^32, its length word lies inside calldata, the length is at most 2^32
 * and the contents (length · stride bytes) end inside calldata. Offsets count from after the
 * selector. Null when the decoder reverts.
 */
function decodeDynamicArgument(calldata: Uint8Array, slot: number, stride: number): Span | null {
  const offset = readWord(calldata, SELECTOR_BYTES + WORD * slot);
  if (offset > DECODER_LIMIT) return null;
  const lengthPosition = BigInt(SELECTOR_BYTES) + offset;
  const end = BigInt(calldata.length);
  if (lengthPosition + BigInt(WORD) > end) return null;
  const length = readWord(calldata, Number(lengthPosition));
  if (length > DECODER_LIMIT) return null;
  const start = lengthPosition + BigInt(WORD);
  if (start + length * BigInt(stride) > end) return null;
  return { start: Number(start), length: Number(length) };
}

/** The outer decoder: the four head words must be present, then each dynamic argument. */
function decodeTransmitArgs(calldata: Uint8Array): TransmitArgs | null {
  if (calldata.length - SELECTOR_BYTES < HEAD_BYTES) return null;
  const report = decodeDynamicArgument(calldata, 0, 1);
  const rs = decodeDynamicArgument(calldata, 1, WORD);
  const ss = decodeDynamicArgument(calldata, 2, WORD);
  if (report === null || rs === null || ss === null) return null;
  return { report, rs, ss, rawVs: readWord(calldata, SELECTOR_BYTES + 3 * WORD) };
}

/** Spec §1.5: only the total is checked, 4 + 7 words + report + 32 per r and per s. */
function expectedCalldataLength(args: TransmitArgs): number {
  return SELECTOR_BYTES + 7 * WORD + args.report.length + WORD * args.rs.length + WORD * args.ss.length;
}

/**
 * abi.decode(report, (bytes32, bytes32, int192[])) under the legacy decoder: three head words,
 * the array offset (word 2) at most 2^32 with its length word inside the report, the length at
 * most 2^32 and every element inside the report. Returns where the elements start (in the
 * report) and how many there are; null when decoding reverts.
 */
function decodeObservationArray(report: Uint8Array): { first: number; count: number } | null {
  if (report.length < 3 * WORD) return null;
  const offset = readWord(report, 2 * WORD);
  const size = BigInt(report.length);
  if (offset > DECODER_LIMIT || offset + BigInt(WORD) > size) return null;
  const count = readWord(report, Number(offset));
  if (count > DECODER_LIMIT || offset + BigInt(WORD) + BigInt(WORD) * count > size) return null;
  return { first: Number(offset) + WORD, count: Number(count) };
}

/** rawReportContext bytes 11..26. */
function contextDigest(report: Uint8Array): Uint8Array {
  return report.subarray(11, 27);
}

/** The low 40 bits of rawReportContext: epoch << 8 | round. */
function contextEpochAndRound(report: Uint8Array): bigint {
  return readWord(report, 0) & ((1n << 40n) - 1n);
}

/** An int192 as the contract reads it: the low 192 bits of the word, sign-extended. */
function int192FromWord(word: bigint): bigint {
  const low = word & ((1n << INT192_BITS) - 1n);
  return low >= 1n << (INT192_BITS - 1n) ? low - (1n << INT192_BITS) : low;
}

function observationAt(report: Uint8Array, first: number, i: number): bigint {
  return int192FromWord(readWord(report, first + WORD * i));
}

/**
 * Check 10 per byte i < n: index < 31 first (our documented deviation: "observer index out of
 * bounds" where 4.0.0 burned all gas), then not seen before.
 */
function observerIndexError(report: Uint8Array, count: number): string | null {
  const seen = new Set<number>();
  for (let i = 0; i < count; i++) {
    const index = report[WORD + i];
    if (index >= MAX_ORACLES) return "observer index out of bounds";
    if (seen.has(index)) return "observer index repeated";
    seen.add(index);
  }
  return null;
}

/**
 * The ecrecover precompile with v = byte + 27: only v ∈ {27, 28} (byte 0 or 1), r and s in
 * [1, n−1] (high s allowed, as the precompile does not enforce low s), r the x-coordinate of a
 * curve point, and a recovered key that is not the point at infinity. Anything else yields
 * address 0 (null here).
 */
export function ecrecoverAddress(digest: Uint8Array, vByte: number, r: bigint, s: bigint): string | null {
  if (vByte > 1) return null;
  if (r < 1n || r >= SECP256K1_N || s < 1n || s >= SECP256K1_N) return null;
  try {
    const point = new secp256k1.Signature(r, s, vByte).recoverPublicKey(digest);
    return addressFromPublicKey(point.toBytes(false)).toLowerCase();
  } catch {
    return null;
  }
}

/** Checks 12 and 13: every signature recovers to a configured signer, each signer at most once. */
function signatureError(calldata: Uint8Array, args: TransmitArgs, report: Uint8Array, view: ContractView): string | null {
  const digest = keccak256(report);
  const used = new Set<number>();
  for (let i = 0; i < args.rs.length; i++) {
    const vByte = Number((args.rawVs >> BigInt(8 * (31 - i))) & 0xffn);
    const r = readWord(calldata, args.rs.start + WORD * i);
    const s = readWord(calldata, args.ss.start + WORD * i);
    const signer = ecrecoverAddress(digest, vByte, r, s);
    const index = signer === null ? -1 : view.signers.indexOf(signer);
    if (index < 0) return "address not authorized to sign";
    if (used.has(index)) return "non-unique signature";
    used.add(index);
  }
  return null;
}

function isNonDecreasing(report: Uint8Array, first: number, count: number): boolean {
  for (let i = 1; i < count; i++) {
    if (observationAt(report, first, i - 1) > observationAt(report, first, i)) return false;
  }
  return true;
}

/** The verdict for `calldata` sent by `sender` (lower-case hex) with no value. */
export function judgeTransmit(calldata: Uint8Array, sender: string, view: ContractView): Verdict {
  if (!isTransmitSelector(calldata)) return reject("");
  const args = decodeTransmitArgs(calldata);
  if (args === null) return reject("");
  if (calldata.length !== expectedCalldataLength(args)) return reject("transmit message too long");

  const report = calldata.subarray(args.report.start, args.report.start + args.report.length);
  const array = decodeObservationArray(report);
  if (array === null) return reject("");
  if (!bytesEqual(contextDigest(report), view.configDigest)) return reject("configDigest mismatch");
  const epochAndRound = contextEpochAndRound(report);
  if (view.latestEpochAndRound >= epochAndRound) return reject("stale report");
  if (args.rs.length <= view.f) return reject("not enough signatures");
  if (args.rs.length > MAX_ORACLES) return reject("too many signatures");
  if (args.ss.length !== args.rs.length) return reject("signatures out of registration");
  if (array.count > MAX_ORACLES) return reject("num observations out of bounds");
  if (array.count <= 2 * view.f) return reject("too few values to trust median");
  const observerError = observerIndexError(report, array.count);
  if (observerError !== null) return reject(observerError);
  if (!view.transmitters.includes(sender)) return reject("unauthorized transmitter");
  const sigError = signatureError(calldata, args, report, view);
  if (sigError !== null) return reject(sigError);
  if (!isNonDecreasing(report, array.first, array.count)) return reject("observations not sorted");
  const median = observationAt(report, array.first, array.count >> 1);
  if (median < view.minAnswer || median > view.maxAnswer) return reject("median is out of min-max range");
  return { valid: true, epochAndRound, median };
}

