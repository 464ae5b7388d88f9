/**
 * transmit(bytes report, bytes32[] rs, bytes32[] ss, bytes32 rawVs) calldata, built from its
 * pieces in any tail order and with or without padding after the report (spec §1.5), plus the
 * word reader the reference model and the mutators share.
 *
 * The project's own encoder (plugin/core/report.ts encodeTransmitCalldata) only makes the
 * canonical layout; the fuzzer also needs layouts that are legal but unusual.
 */
import { concatBytes, uintToBytesBE } from "../../plugin/core/bytes.js";
import { TRANSMIT_SELECTOR } from "../../plugin/core/report.js";

export const WORD = 32;

/** One signature as the contract takes it: r, s and the v byte (0/1 when honest). */
export interface Signature {
  readonly r: Uint8Array;
  readonly s: Uint8Array;
  readonly v: number;
}

/** rs, ss and rawVs as transmit takes them. rs and ss may differ in length on purpose. */
export interface SignatureSet {
  readonly rs: readonly Uint8Array[];
  readonly ss: readonly Uint8Array[];
  /** 32 bytes; byte i is v_i. */
  readonly rawVs: Uint8Array;
}

export interface TransmitPieces {
  readonly report: Uint8Array;
  readonly signatures: SignatureSet;
}

export type Tail = "report" | "rs" | "ss";
export const CANONICAL_TAIL_ORDER: readonly Tail[] = ["report", "rs", "ss"];

export interface LayoutOptions {
  /** Order of the three dynamic parts after the head (the offsets follow it). */
  readonly order?: readonly Tail[];
  /** Zero-pad the report to a whole number of words, as the ABI does (default true). */
  readonly padReport?: boolean;
}

export function uintWord(value: bigint): Uint8Array {
  return uintToBytesBE(value, WORD);
}

/** The 32 bytes at `position`, zero-filled past the end: how CALLDATALOAD reads. */
export function readWord(bytes: Uint8Array, position: number): bigint {
  let v = 0n;
  for (let i = 0; i < WORD; i++) {
    const at = position + i;
    v = (v << 8n) | BigInt(at < bytes.length ? bytes[at] : 0);
  }
  return v;
}

export function padToWord(bytes: Uint8Array): Uint8Array {
  const padded = new Uint8Array(Math.ceil(bytes.length / WORD) * WORD);
  padded.set(bytes);
  return padded;
}

function encodeTail(tail: Tail, pieces: TransmitPieces, padReport: boolean): Uint8Array {
  if (tail === "report") {
    const body = padReport ? padToWord(pieces.report) : pieces.report;
    return concatBytes(uintWord(BigInt(pieces.report.length)), body);
  }
  const words = tail === "rs" ? pieces.signatures.rs : pieces.signatures.ss;
  return concatBytes(uintWord(BigInt(words.length)), ...words);
}

/** Full calldata: selector, offsets of report/rs/ss, rawVs, then the tails in `order`. */
export function encodeTransmit(pieces: TransmitPieces, options: LayoutOptions = {}): Uint8Array {
  const order = options.order ?? CANONICAL_TAIL_ORDER;
  const padReport = options.padReport ?? true;
  const headWords = 4;
  const offsets = new Map<Tail, bigint>();
  const tails: Uint8Array[] = [];
  let next = BigInt(headWords * WORD);
  for (const tail of order) {
    const encoded = encodeTail(tail, pieces, padReport);
    offsets.set(tail, next);
    tails.push(encoded);
    next += BigInt(encoded.length);
  }
  return concatBytes(
    TRANSMIT_SELECTOR,
    uintWord(offsets.get("report")!),
    uintWord(offsets.get("rs")!),
    uintWord(offsets.get("ss")!),
    pieces.signatures.rawVs,
    ...tails,
  );
}
