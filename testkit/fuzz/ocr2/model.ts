/**
 * Reference model of OCR2Aggregator.transmit (libocr contract2 1.0.0): decides from the raw
 * calldata, the sender and the contract's state whether the call must succeed and, if not, with
 * which revert reason. Written from the spec (shared/docs/ocr2-spec.md §2.5) and the Solidity
 * 0.8 ABI decoder rules, never from our Solidity, so that a disagreement points at a bug in one
 * of the two. Reasons: the Error(string) text, "" for a revert without data, "panic 0xNN".
 */
import { secp256k1 } from "@noble/curves/secp256k1.js";

import { addressFromPublicKey } from "../../../plugin/core/address.js";
import { bytesEqual, concatBytes, uintToBytesBE } from "../../../plugin/core/bytes.js";
import { keccak256 } from "../../../plugin/core/hash.js";
import { OCR2_TRANSMIT_SELECTOR } from "../../../plugin/core/ocr2/report.js";
import type { ContractView, Span, Verdict } from "../model.js";
import { WORD, readWord } from "../layout.js";

const UINT64_MAX = (1n << 64n) - 1n;
const UINT32_MAX = (1n << 32n) - 1n;
const MASK40 = (1n << 40n) - 1n;
const SECP256K1_N = secp256k1.Point.Fn.ORDER;
/** Fixed transmit calldata besides report bytes and signature words. */
const FIXED_CALLDATA = 324;
/** Head after the selector: three context words, three offsets, rawVs. */
const HEAD = 7 * WORD;
/**
 * Lengths from here on cannot be allocated by the memory decoder (32·len + 32 past 2^64 with any
 * realistic free-memory pointer): Panic(0x41). The fuzzer never draws lengths in the few
 * thousand just below, where the exact bound depends on the contract's memory use.
 */
const UNALLOCATABLE_LENGTH = 1n << 59n;

const reject = (reason: string): Verdict => ({ valid: false, reason });

function isInt192Word(word: bigint): boolean {
  const top = word >> 191n;
  return top === 0n || top === (1n << 65n) - 1n;
}

function int192(word: bigint): bigint {
  return word >= 1n << 255n ? word - (1n << 256n) : word;
}

/**
 * One dynamic calldata argument through the Solidity 0.8 decoder: offset (from after the
 * selector) at most 2^64 - 1, its length word starting inside calldata, length at most 2^64 - 1,
 * contents (length · stride bytes) ending inside calldata. Null = revert without data.
 */
function decodeCalldataArgument(calldata: Uint8Array, headWord: number, stride: number): Span | null {
  const offset = readWord(calldata, 4 + WORD * headWord);
  if (offset > UINT64_MAX) return null;
  const position = 4n + offset;
  const size = BigInt(calldata.length);
  if (!(position + 31n < size)) return null;
  const length = readWord(calldata, Number(position));
  if (length > UINT64_MAX) return null;
  if (position + 32n + length * BigInt(stride) > size) return null;
  return { start: Number(position) + WORD, length: Number(length) };
}

/** ecrecover as the precompile does it: address 0 for any invalid input. */
function ecrecover(hash: Uint8Array, v: number, r: bigint, s: bigint): string {
  if (v !== 27 && v !== 28) return "0x0000000000000000000000000000000000000000";
  if (r === 0n || s === 0n || r >= SECP256K1_N || s >= SECP256K1_N) return "0x0000000000000000000000000000000000000000";
  try {
    const sig = concatBytes(Uint8Array.of(v - 27), uintToBytesBE(r, 32), uintToBytesBE(s, 32));
    const key = secp256k1.recoverPublicKey(sig, hash, { prehash: false });
    return addressFromPublicKey(key).toLowerCase();
  } catch {
    return "0x0000000000000000000000000000000000000000";
  }
}

/**
 * abi.decode(report, (uint32, bytes32, int192[], int192)) from memory, in the decoder's order,
 * then the length rule. Returns the observations or a rejection.
 */
function decodeReport(report: Uint8Array): { observations: bigint[] } | Verdict {
  const size = BigInt(report.length);
  if (size < 128n) return reject("");
  if (readWord(report, 0) > UINT32_MAX) return reject("");
  const offset = readWord(report, 2 * WORD);
  if (offset > UINT64_MAX) return reject("");
  if (!(offset + 31n < size)) return reject("");
  // Bytes past the report read as zero (the memory copy is zero-padded to a word).
  const length = readWord(report, Number(offset));
  if (length > UINT64_MAX || length >= UNALLOCATABLE_LENGTH) return reject("panic 0x41");
  if (offset + 32n + 32n * length > size) return reject("");
  const observations: bigint[] = [];
  for (let i = 0n; i < length; i++) {
    const word = readWord(report, Number(offset + 32n + 32n * i));
    if (!isInt192Word(word)) return reject("");
    observations.push(int192(word));
  }
  if (!isInt192Word(readWord(report, 3 * WORD))) return reject("");
  if (size !== 160n + 32n * length) return reject("report length mismatch");
  return { observations };
}

/** The verdict for `calldata` sent by `sender` (lower-case hex) to a contract in state `view`. */
export function judgeOcr2Transmit(calldata: Uint8Array, sender: string, view: ContractView): Verdict {
  // No fallback: an unknown selector reverts without data, as does a short head.
  if (calldata.length < 4 || !bytesEqual(calldata.subarray(0, 4), OCR2_TRANSMIT_SELECTOR)) return reject("");
  if (calldata.length - 4 < HEAD) return reject("");
  const report = decodeCalldataArgument(calldata, 3, 1);
  const rs = decodeCalldataArgument(calldata, 4, WORD);
  const ss = decodeCalldataArgument(calldata, 5, WORD);
  if (report === null || rs === null || ss === null) return reject("");
  const context = [0, 1, 2].map((i) => calldata.slice(4 + WORD * i, 4 + WORD * (i + 1)));
  const rawVs = calldata.slice(4 + 6 * WORD, 4 + 7 * WORD);

  const epochAndRound = readWord(calldata, 4 + WORD) & MASK40;
  if (!(view.latestEpochAndRound < epochAndRound)) return reject("stale report");
  if (!view.transmitters.includes(sender.toLowerCase())) return reject("unauthorized transmitter");
  if (!bytesEqual(context[0], view.configDigest)) return reject("configDigest mismatch");
  if (calldata.length !== FIXED_CALLDATA + report.length + WORD * (rs.length + ss.length)) {
    return reject("calldata length mismatch");
  }
  if (rs.length !== view.f + 1) return reject("wrong number of signatures");
  if (ss.length !== rs.length) return reject("signatures out of registration");

  const reportBytes = calldata.slice(report.start, report.start + report.length);
  const hash = keccak256(concatBytes(keccak256(reportBytes), ...context));
  const counts = new Map<number, number>();
  for (let i = 0; i < rs.length; i++) {
    const v = rawVs[i];
    if (v + 27 > 255) return reject("panic 0x11");
    const signer = ecrecover(hash, v + 27, readWord(calldata, rs.start + WORD * i), readWord(calldata, ss.start + WORD * i));
    const index = view.signers.indexOf(signer);
    if (index < 0) return reject("signature error");
    counts.set(index, (counts.get(index) ?? 0) + 1);
  }
  if ([...counts.values()].some((c) => c > 1)) return reject("duplicate signer");

  const decoded = decodeReport(reportBytes);
  if ("valid" in decoded) return decoded;
  const { observations } = decoded;
  if (observations.length > 31) return reject("num observations out of bounds");
  if (!(view.f < observations.length)) return reject("too few values to trust median");
  const median = observations[observations.length >> 1];
  if (median < view.minAnswer || median > view.maxAnswer) return reject("median is out of min-max range");
  return { valid: true, epochAndRound, median };
}
