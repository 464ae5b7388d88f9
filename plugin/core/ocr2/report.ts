/**
 * The OCR2 median report as OCR2Aggregator 1.0.0 takes it: the report bytes, the three
 * reportContext words, the hash each oracle signs, and the signatures. Pure functions, no
 * ethers: used by the tests, the fuzzer and the OCR2 committee.
 */

import { type Address, addressFromPublicKey } from "../address.js";
import { bytesToIntBE, bytesToLatin1, bytesToUintBE, concatBytes, intToBytesBE, uintToBytesBE } from "../bytes.js";
import { keccak256 } from "../hash.js";
import { BoundedMemo } from "../bounded-memo.js";
import { recoverPublicKeyFromDigest, signDigestRecoverable } from "../secp256k1.js";
import { type AttributedObservation, encodeRawObservers } from "../report.js";

/** The most oracles (and observations) an OCR2 aggregator accepts. */
export const OCR2_MAX_ORACLES = 31;
/** int192 bounds of observations, juelsPerFeeCoin and min/max answers. */
export const INT192_MIN = -(1n << 191n);
export const INT192_MAX = (1n << 191n) - 1n;
/** `transmit(bytes32[3],bytes,bytes32[],bytes32[],bytes32)` */
export const OCR2_TRANSMIT_SELECTOR = Uint8Array.of(0xb1, 0xdc, 0x65, 0xa4);
/** Bytes of a report besides its observations. */
export const OCR2_REPORT_FIXED_BYTES = 160;

/** Which config, epoch and round a report belongs to, and the hash of what produced it. */
export interface Ocr2ReportContext {
  /** The 32-byte config digest (starts 0x0001 on EVM chains). */
  readonly configDigest: Uint8Array;
  /** uint32 */
  readonly epoch: number;
  /** uint8 */
  readonly round: number;
  /** 32 bytes the contract never interprets but the signatures cover. */
  readonly extraHash: Uint8Array;
}

/** The median plugin's report. */
export interface Ocr2Report {
  /** uint32 seconds: the median of the oracles' observation clocks. */
  readonly observationsTimestamp: number;
  /** Oracle index of each observation, same order as `observations`. */
  readonly observers: readonly number[];
  /** int192 values; sorted ascending in a report the committee produces. */
  readonly observations: readonly bigint[];
  /** int192 exchange rate, Juels per unit of the chain's fee coin (negative: no payment). */
  readonly juelsPerFeeCoin: bigint;
}

function checkUint(name: string, value: number, bits: number): void {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** bits) {
    throw new RangeError(`${name} ${value} is not a uint${bits}`);
  }
}

function checkInt192(name: string, value: bigint): void {
  if (value < INT192_MIN || value > INT192_MAX) throw new RangeError(`${name} ${value} does not fit in int192`);
}

function checkWord(name: string, bytes: Uint8Array): void {
  if (bytes.length !== 32) throw new Error(`${name} must be 32 bytes, got ${bytes.length}`);
}

/** `epochAndRound` as the contract compares it: epoch << 8 | round. */
export function ocr2EpochAndRound(epoch: number, round: number): bigint {
  checkUint("epoch", epoch, 32);
  checkUint("round", round, 8);
  return (BigInt(epoch) << 8n) | BigInt(round);
}

/** The three reportContext words: digest; 27 zero bytes ‖ epoch ‖ round; extraHash. */
export function encodeOcr2ReportContext(context: Ocr2ReportContext): [Uint8Array, Uint8Array, Uint8Array] {
  checkWord("configDigest", context.configDigest);
  checkWord("extraHash", context.extraHash);
  const epochAndRound = uintToBytesBE(ocr2EpochAndRound(context.epoch, context.round), 32);
  return [context.configDigest.slice(), epochAndRound, context.extraHash.slice()];
}

/** Inverse of encodeOcr2ReportContext; like the contract, ignores the padding of word 1. */
export function decodeOcr2ReportContext(words: readonly Uint8Array[]): Ocr2ReportContext {
  if (words.length !== 3) throw new Error(`reportContext has 3 words, got ${words.length}`);
  words.forEach((w, i) => checkWord(`reportContext[${i}]`, w));
  return {
    configDigest: words[0].slice(),
    epoch: Number(bytesToUintBE(words[1].subarray(27, 31))),
    round: words[1][31],
    extraHash: words[2].slice(),
  };
}

/**
 * The report bytes: abi.encode(uint32 observationsTimestamp, bytes32 rawObservers,
 * int192[] observations, int192 juelsPerFeeCoin), 160 + 32n bytes. Values are encoded in the
 * order given.
 */
export function encodeOcr2Report(report: Ocr2Report): Uint8Array {
  checkUint("observationsTimestamp", report.observationsTimestamp, 32);
  if (report.observers.length !== report.observations.length) {
    throw new Error(`${report.observers.length} observers for ${report.observations.length} observations`);
  }
  if (report.observations.length > OCR2_MAX_ORACLES) {
    throw new RangeError(`at most ${OCR2_MAX_ORACLES} observations, got ${report.observations.length}`);
  }
  checkInt192("juelsPerFeeCoin", report.juelsPerFeeCoin);
  const words: Uint8Array[] = [
    uintToBytesBE(BigInt(report.observationsTimestamp), 32),
    encodeRawObservers([...report.observers]),
    uintToBytesBE(0x80n, 32),
    intToBytesBE(report.juelsPerFeeCoin, 32),
    uintToBytesBE(BigInt(report.observations.length), 32),
  ];
  report.observations.forEach((value, i) => {
    checkInt192(`observation ${i}`, value);
    words.push(intToBytesBE(value, 32));
  });
  return concatBytes(...words);
}

/** Parse report bytes in the canonical layout encodeOcr2Report produces; throws otherwise. */
export function decodeOcr2Report(report: Uint8Array): Ocr2Report {
  if (report.length < OCR2_REPORT_FIXED_BYTES || report.length % 32 !== 0) {
    throw new Error(`an OCR2 report is 160 + 32n bytes, got ${report.length}`);
  }
  const word = (i: number) => report.subarray(32 * i, 32 * i + 32);
  const timestamp = bytesToUintBE(word(0));
  if (timestamp > 0xffffffffn) throw new Error("observationsTimestamp is not a uint32");
  const offset = bytesToUintBE(word(2));
  if (offset !== 0x80n) throw new Error(`observations offset must be 0x80, got 0x${offset.toString(16)}`);
  const n = Number(bytesToUintBE(word(4)));
  if (report.length !== OCR2_REPORT_FIXED_BYTES + 32 * n) {
    throw new Error(`report claims ${n} observations but has room for ${(report.length - 160) / 32}`);
  }
  const asInt192 = (i: number, name: string) => {
    const w = word(i);
    const value = bytesToIntBE(w);
    if (value < INT192_MIN || value > INT192_MAX) throw new Error(`${name} is not an int192`);
    return value;
  };
  const observations = Array.from({ length: n }, (_, i) => asInt192(5 + i, `observation ${i}`));
  return {
    observationsTimestamp: Number(timestamp),
    observers: Array.from(word(1).subarray(0, n)),
    observations,
    juelsPerFeeCoin: asInt192(3, "juelsPerFeeCoin"),
  };
}

/** A report from attributed observations: sorted ascending (ties by observer), as the leader builds it. */
export function ocr2ReportFromObservations(args: {
  observationsTimestamp: number;
  observations: readonly AttributedObservation[];
  juelsPerFeeCoin: bigint;
}): Ocr2Report {
  const sorted = [...args.observations].sort((a, b) =>
    a.value < b.value ? -1 : a.value > b.value ? 1 : a.observer - b.observer,
  );
  return {
    observationsTimestamp: args.observationsTimestamp,
    observers: sorted.map((o) => o.observer),
    observations: sorted.map((o) => o.value),
    juelsPerFeeCoin: args.juelsPerFeeCoin,
  };
}

/** The answer the contract stores: observation n/2 as given (upper median for even n). */
export function ocr2ReportMedian(report: Ocr2Report): bigint {
  if (report.observations.length === 0) throw new Error("no observations");
  return report.observations[report.observations.length >> 1];
}

/**
 * Signed hashes already computed in this process, by the bytes they cover. In one process every
 * oracle checks the same report signatures (each follower the final's, each echo's), so at
 * (31,10) one report was hashed about a thousand times: 75 ms of keccak in JavaScript per report.
 * The key holds every byte hashed (as a latin1 string: one native copy, no hex), so a different
 * report or context can never come out of the memo.
 */
const signedHashes = new BoundedMemo<Uint8Array>(4096);

/** What each oracle signs: keccak256(keccak256(report) ‖ context words), no EIP-191 prefix. */
export function ocr2SignedHash(report: Uint8Array, context: Ocr2ReportContext): Uint8Array {
  const words = encodeOcr2ReportContext(context);
  const key = bytesToLatin1(words[0]) + bytesToLatin1(words[1]) + bytesToLatin1(words[2]) + bytesToLatin1(report);
  return signedHashes.getOrCompute(key, () => keccak256(concatBytes(keccak256(report), ...words))).slice();
}

/** Sign with an oracle's on-chain key: 65 bytes r ‖ s ‖ v, v ∈ {0, 1}. */
export function signOcr2Report(report: Uint8Array, context: Ocr2ReportContext, onchainSigningKey: Uint8Array): Uint8Array {
  // RFC 6979: the same bytes as noble's or go-ethereum's signer, whichever backend signs (see secp256k1.ts).
  return signDigestRecoverable(ocr2SignedHash(report, context), onchainSigningKey);
}

/** The address ecrecover finds for `signature` (r ‖ s ‖ v) over this report and context. */
export function recoverOcr2ReportSigner(report: Uint8Array, context: Ocr2ReportContext, signature: Uint8Array): Address {
  return addressFromPublicKey(recoverPublicKeyFromDigest(ocr2SignedHash(report, context), signature));
}

/** Exact length of transmit's calldata, which the contract requires. */
export function ocr2TransmitCalldataLength(reportLength: number, signatures: number): number {
  return 324 + reportLength + 64 * signatures;
}

/**
 * The calldata of OCR2's `transmit(reportContext, report, rs, ss, rawVs)`, ABI-encoded directly:
 * seven head words (the three context words inline, three offsets, rawVs), then the report and
 * the two signature arrays, each behind its length. The report must be whole words (a median
 * report always is), so no padding is needed. ethers' encoder gives the same bytes (a test
 * checks) but costs about half a millisecond per transmit.
 */
export function encodeOcr2TransmitCalldata(args: {
  readonly reportContext: readonly Uint8Array[];
  readonly report: Uint8Array;
  readonly rs: readonly Uint8Array[];
  readonly ss: readonly Uint8Array[];
  readonly rawVs: Uint8Array;
}): Uint8Array {
  const { reportContext, report, rs, ss, rawVs } = args;
  if (reportContext.length !== 3) throw new Error(`reportContext has 3 words, got ${reportContext.length}`);
  if (report.length % 32 !== 0) throw new Error(`report length must be a multiple of 32, got ${report.length}`);
  [...reportContext, ...rs, ...ss, rawVs].forEach((w, i) => checkWord(`transmit word ${i}`, w));
  const word = (v: number) => uintToBytesBE(BigInt(v), 32);
  const reportOffset = 7 * 32;
  const rsOffset = reportOffset + 32 + report.length;
  const ssOffset = rsOffset + 32 + 32 * rs.length;
  return concatBytes(
    OCR2_TRANSMIT_SELECTOR,
    ...reportContext,
    word(reportOffset),
    word(rsOffset),
    word(ssOffset),
    rawVs,
    word(report.length),
    report,
    word(rs.length),
    ...rs,
    word(ss.length),
    ...ss,
  );
}
