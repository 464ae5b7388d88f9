/**
 * Mutations of a valid transmit, each a small pure function named for what it breaks (or, for
 * the "keeps-valid" ones, for the legal oddity it introduces). They work at the stage where the
 * change makes sense:
 *
 *   plan       the report's content before encoding (signed afterwards, so later checks are reached)
 *   report     the report bytes before signing (layout oddities the signers agree on)
 *   signatures the list of (r, s, v) before collation
 *   collated   rs / ss / rawVs as transmit takes them
 *   tamper     the report bytes after signing (signatures no longer match)
 *   layout     how the calldata is laid out (tail order, report padding)
 *   calldata   the raw calldata bytes
 *   sender     who sends it
 *
 * `intent` only labels the table; whether a mutant is valid is decided by the reference model
 * from the final calldata, never from which mutations were applied.
 */
import { bytesToUintBE, concatBytes, uintToBytesBE } from "../../plugin/core/bytes.js";
import { MAX_OBSERVATION, MIN_OBSERVATION } from "../../plugin/core/report.js";
import { type LayoutOptions, type Signature, type SignatureSet, type Tail, WORD, readWord, uintWord } from "./layout.js";
import {
  MAX_EPOCH,
  MAX_ROUND,
  type PlanEntry,
  type ReportPlan,
  drawSortedValues,
  signWith,
  splitEpochAndRound,
} from "./plan.js";
import type { Prng } from "./prng.js";
import type { FuzzTarget } from "./target.js";

export interface StageValues {
  plan: ReportPlan;
  report: Uint8Array;
  signatures: Signature[];
  collated: SignatureSet;
  tamper: Uint8Array;
  layout: LayoutOptions;
  calldata: Uint8Array;
  sender: string;
}
export type Stage = keyof StageValues;
/** The order the stages run in. */
export const STAGES: readonly Stage[] = ["plan", "report", "signatures", "collated", "tamper", "layout", "calldata", "sender"];

/** breaks: meant to make the call invalid; keeps-valid: a legal oddity; either way the model decides. */
export type Intent = "breaks" | "keeps-valid";

export interface MutationContext {
  readonly rng: Prng;
  readonly target: FuzzTarget;
  /** The plan after the plan stage (the signers and transmitter it chose). */
  readonly plan: ReportPlan;
  /** The report as signed (after the report stage); empty during the plan stage. */
  readonly report: Uint8Array;
}

export interface Mutator<S extends Stage> {
  readonly kind: string;
  readonly stage: S;
  readonly intent: Intent;
  readonly apply: (value: StageValues[S], ctx: MutationContext) => StageValues[S];
}
export type AnyMutator = { [S in Stage]: Mutator<S> }[Stage];

function mutator<S extends Stage>(
  stage: S,
  kind: string,
  intent: Intent,
  apply: (value: StageValues[S], ctx: MutationContext) => StageValues[S],
): Mutator<S> {
  return { kind, stage, intent, apply };
}

// ------------------------------------------------------------------------------------------------
// Byte edits (all return copies)

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const UINT256_MAX = (1n << 256n) - 1n;

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  out[bit >> 3] ^= 0x80 >> (bit & 7);
  return out;
}

function flipRandomBit(rng: Prng, bytes: Uint8Array, from = 0, to = bytes.length): Uint8Array {
  if (to <= from) return bytes;
  return flipBit(bytes, 8 * from + rng.below(8 * (to - from)));
}

function withWordAt(bytes: Uint8Array, position: number, value: bigint): Uint8Array {
  const out = Uint8Array.from(bytes);
  if (position + WORD <= out.length) out.set(uintWord(value), position);
  return out;
}

function withRandomBytes(rng: Prng, bytes: Uint8Array, from: number, to: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  out.set(rng.bytes(Math.max(0, to - from)), from);
  return out;
}

/** A value some word is set to when corrupting offsets and lengths: near, far, or absurd. */
function corruptedWordValue(rng: Prng, current: bigint, length: number): bigint {
  switch (rng.below(5)) {
    case 0:
      return current + BigInt(rng.int(1, 3) * (rng.chance(0.5) ? 1 : 32));
    case 1:
      return current >= 32n ? current - BigInt(rng.pick([1, 32])) : current + 1n;
    case 2:
      return BigInt(rng.below(Math.max(1, length)));
    case 3:
      return (1n << 32n) + BigInt(rng.below(64));
    default:
      return UINT256_MAX - BigInt(rng.below(256));
  }
}

// ------------------------------------------------------------------------------------------------
// Report layout: word 2 is the array offset, the array starts with its length word.

const OFFSET_POSITION = 2 * WORD;
const OBSERVERS_POSITION = WORD;

/** The array offset and count if both are small enough to be meaningful positions. */
function arrayLocation(report: Uint8Array): { offset: number; count: number } | null {
  const offset = readWord(report, OFFSET_POSITION);
  if (offset + BigInt(WORD) > BigInt(report.length)) return null;
  const count = readWord(report, Number(offset));
  if (count > 64n) return null;
  return { offset: Number(offset), count: Number(count) };
}

// ------------------------------------------------------------------------------------------------
// Plan stage

function withEntries(plan: ReportPlan, entries: PlanEntry[]): ReportPlan {
  return { ...plan, entries };
}

function mapValues(plan: ReportPlan, f: (value: bigint, i: number) => bigint): ReportPlan {
  return withEntries(plan, plan.entries.map((e, i) => ({ observer: e.observer, value: f(e.value, i) })));
}

const wrongConfigDigest = mutator("plan", "wrongConfigDigest", "breaks", (plan, { rng }) => ({
  ...plan,
  configDigest: flipRandomBit(rng, plan.configDigest),
}));

const previousConfigDigest = mutator("plan", "previousConfigDigest", "breaks", (plan, { rng, target }) => ({
  ...plan,
  configDigest: target.previousDigest ?? rng.bytes(16),
}));

/** An (epoch, round) at or below the latest accepted one: equal, lower, or a high round of an older epoch. */
const staleEpochRound = mutator("plan", "staleEpochRound", "breaks", (plan, { rng, target }) => {
  const latest = target.latestEpochAndRound;
  const { epoch } = splitEpochAndRound(latest);
  let stale = latest;
  const choice = rng.below(3);
  if (choice === 1) stale = rng.bigint(0n, latest);
  if (choice === 2 && epoch > 0) stale = (BigInt(epoch - 1) << 8n) | BigInt(MAX_ROUND);
  return { ...plan, ...splitEpochAndRound(stale) };
});

/** Skipping far ahead is legal: only strict increase is required. */
const epochJump = mutator("plan", "epochJump", "keeps-valid", (plan, { rng }) => ({
  ...plan,
  epoch: Math.min(MAX_EPOCH, plan.epoch + rng.int(1, 1000)),
  round: rng.int(0, MAX_ROUND),
}));

const unsortedObservations = mutator("plan", "unsortedObservations", "breaks", (plan, { rng }) => {
  const values = plan.entries.map((e) => e.value);
  const pairs: [number, number][] = [];
  for (let i = 0; i < values.length; i++) for (let j = i + 1; j < values.length; j++) if (values[i] < values[j]) pairs.push([i, j]);
  if (pairs.length > 0) {
    const [i, j] = rng.pick(pairs);
    return mapValues(plan, (v, k) => (k === i ? values[j] : k === j ? values[i] : v));
  }
  // All equal: nudge one so that it is out of order.
  const last = values.length - 1;
  if (last < 1) return plan;
  const v = values[0];
  return v > MIN_OBSERVATION ? mapValues(plan, (x, k) => (k === last ? v - 1n : x)) : mapValues(plan, (x, k) => (k === 0 ? v + 1n : x));
});

/** Values from the median up moved above maxAnswer, still sorted. */
const medianAboveMax = mutator("plan", "medianAboveMax", "breaks", (plan, { rng, target }) => {
  const mid = plan.entries.length >> 1;
  let next = target.maxAnswer + 1n + rng.bigint(0n, 1000n);
  return mapValues(plan, (v, i) => {
    if (i < mid) return v;
    const value = next;
    next += rng.bigint(0n, 1000n);
    return value > MAX_OBSERVATION ? MAX_OBSERVATION : value;
  });
});

/** Values up to the median moved below minAnswer, still sorted. */
const medianBelowMin = mutator("plan", "medianBelowMin", "breaks", (plan, { rng, target }) => {
  const mid = plan.entries.length >> 1;
  const lowered: bigint[] = [];
  let next = target.minAnswer - 1n - rng.bigint(0n, 1000n);
  for (let i = mid; i >= 0; i--) {
    lowered[i] = next < MIN_OBSERVATION ? MIN_OBSERVATION : next;
    next -= rng.bigint(0n, 1000n);
  }
  return mapValues(plan, (v, i) => (i <= mid ? lowered[i] : v));
});

/** Only the median is range-checked: an extreme value outside [min, max] is fine. */
const outlierOutsideRange = mutator("plan", "outlierOutsideRange", "keeps-valid", (plan, { rng, target }) => {
  const last = plan.entries.length - 1;
  if (rng.chance(0.5)) {
    const low = rng.chance(0.3) ? MIN_OBSERVATION : target.minAnswer - 1n - rng.bigint(0n, 1_000_000n);
    return mapValues(plan, (v, i) => (i === 0 ? (low < MIN_OBSERVATION ? MIN_OBSERVATION : low) : v));
  }
  const high = rng.chance(0.3) ? MAX_OBSERVATION : target.maxAnswer + 1n + rng.bigint(0n, 1_000_000n);
  return mapValues(plan, (v, i) => (i === last ? (high > MAX_OBSERVATION ? MAX_OBSERVATION : high) : v));
});

/** A median exactly at minAnswer or maxAnswer is inside the range. */
const medianOnBound = mutator("plan", "medianOnBound", "keeps-valid", (plan, { rng, target }) => {
  const mid = plan.entries.length >> 1;
  return rng.chance(0.5)
    ? mapValues(plan, (v, i) => (i >= mid ? target.maxAnswer : v))
    : mapValues(plan, (v, i) => (i <= mid ? target.minAnswer : v));
});

const repeatedObserver = mutator("plan", "repeatedObserver", "breaks", (plan, { rng }) => {
  if (plan.entries.length < 2) return plan;
  const [from, to] = rng.sample(plan.entries.map((_, i) => i), 2);
  const observer = plan.entries[from].observer;
  return withEntries(plan, plan.entries.map((e, i) => (i === to ? { ...e, observer } : e)));
});

const observerIndexOutOfBounds = mutator("plan", "observerIndexOutOfBounds", "breaks", (plan, { rng }) => {
  if (plan.entries.length === 0) return plan;
  const at = rng.below(plan.entries.length);
  const observer = rng.chance(0.3) ? 31 : rng.int(31, 255);
  return withEntries(plan, plan.entries.map((e, i) => (i === at ? { ...e, observer } : e)));
});

/** Indices n..30 are not oracles of this config, but the contract only requires < 31. */
const observerIndexAboveN = mutator("plan", "observerIndexAboveN", "keeps-valid", (plan, { rng, target }) => {
  const used = new Set(plan.entries.map((e) => e.observer));
  const free: number[] = [];
  for (let i = target.n; i <= 30; i++) if (!used.has(i)) free.push(i);
  if (free.length === 0 || plan.entries.length === 0) return plan;
  const at = rng.below(plan.entries.length);
  const observer = rng.pick(free);
  return withEntries(plan, plan.entries.map((e, i) => (i === at ? { ...e, observer } : e)));
});

/** At most 2f observations (a sorted subsequence). */
const tooFewObservations = mutator("plan", "tooFewObservations", "breaks", (plan, { rng, target }) => {
  const keep = Math.min(plan.entries.length, rng.int(0, 2 * target.f));
  const kept = rng.sample(plan.entries.map((_, i) => i), keep).sort((a, b) => a - b);
  return withEntries(plan, kept.map((i) => plan.entries[i]));
});

function fullHouse(rng: Prng, target: FuzzTarget, count: number): PlanEntry[] {
  const observers = rng.shuffle(Array.from({ length: count }, (_, i) => i));
  return drawSortedValues(rng, count, target.minAnswer, target.maxAnswer).map((value, i) => ({ observer: observers[i], value }));
}

/** 32 observations: one more than any config can have. */
const tooManyObservations = mutator("plan", "tooManyObservations", "breaks", (plan, { rng, target }) =>
  withEntries(plan, fullHouse(rng, target, 32)),
);

/** 31 observations with indices 0..30: the most the contract takes, even from a smaller committee. */
const thirtyOneObservations = mutator("plan", "thirtyOneObservations", "keeps-valid", (plan, { rng, target }) =>
  withEntries(plan, fullHouse(rng, target, 31)),
);

/** Every oracle signs, not just f+1. */
const allSigners = mutator("plan", "allSigners", "keeps-valid", (plan, { rng, target }) => ({
  ...plan,
  signers: rng.shuffle(Array.from({ length: target.n }, (_, i) => i)),
}));

// ------------------------------------------------------------------------------------------------
// Report stage (before signing)

/** rawReportContext bytes 0..10 are not checked. */
const dirtyContextPadding = mutator("report", "dirtyContextPadding", "keeps-valid", (report, { rng }) => {
  const out = withRandomBytes(rng, report, 0, 11);
  out[rng.below(11)] |= 1;
  return out;
});

/** rawObservers bytes n..31 are ignored on chain (but signed). */
const dirtyObserverTail = mutator("report", "dirtyObserverTail", "keeps-valid", (report, { rng }) => {
  const location = arrayLocation(report);
  if (location === null || location.count >= WORD) return report;
  return withRandomBytes(rng, report, OBSERVERS_POSITION + location.count, OBSERVERS_POSITION + WORD);
});

/** Only the low 192 bits of an observation word count. */
const dirtyObservationHighBits = mutator("report", "dirtyObservationHighBits", "keeps-valid", (report, { rng }) => {
  const location = arrayLocation(report);
  if (location === null || location.count === 0) return report;
  const position = location.offset + WORD + WORD * rng.below(location.count);
  if (position + WORD > report.length) return report;
  return withRandomBytes(rng, report, position, position + 8);
});

/** Junk words between the head and the array, with the offset pointing past them. */
const nonCanonicalArrayOffset = mutator("report", "nonCanonicalArrayOffset", "keeps-valid", (report, { rng }) => {
  const offset = readWord(report, OFFSET_POSITION);
  if (offset < 3n * BigInt(WORD) || report.length < 3 * WORD) return report;
  const gap = WORD * rng.int(1, 3);
  const shifted = withWordAt(report, OFFSET_POSITION, offset + BigInt(gap));
  return concatBytes(shifted.subarray(0, 3 * WORD), rng.bytes(gap), shifted.subarray(3 * WORD));
});

/** Whole junk words after the array: decodable, signed, and the calldata stays word-aligned. */
const trailingReportWords = mutator("report", "trailingReportWords", "keeps-valid", (report, { rng }) =>
  concatBytes(report, rng.bytes(WORD * rng.int(1, 3))),
);

/** 1..31 junk bytes after the array: the padded calldata is then longer than the length check allows. */
const unpaddedTrailingBytes = mutator("report", "unpaddedTrailingBytes", "breaks", (report, { rng }) =>
  concatBytes(report, rng.bytes(rng.int(1, WORD - 1))),
);

const arrayOffsetOutOfBounds = mutator("report", "arrayOffsetOutOfBounds", "breaks", (report, { rng }) => {
  const value = rng.pick([
    BigInt(Math.max(0, report.length - rng.int(0, WORD - 1))),
    (1n << 32n) + BigInt(rng.below(1000)),
    UINT256_MAX - BigInt(rng.below(4096)),
  ]);
  return withWordAt(report, OFFSET_POSITION, value);
});

const arrayLengthOverrun = mutator("report", "arrayLengthOverrun", "breaks", (report, { rng }) => {
  const location = arrayLocation(report);
  if (location === null) return report;
  const value = rng.chance(0.7) ? BigInt(location.count + rng.int(1, 3)) : rng.pick([(1n << 32n) + 1n, UINT256_MAX]);
  return withWordAt(report, location.offset, value);
});

/** A random bit anywhere in the report, flipped before signing, so the signatures match it. */
const signedBitFlip = mutator("report", "signedBitFlip", "breaks", (report, { rng }) => flipRandomBit(rng, report));

/** A shorter report, signed as is. */
const signedTruncation = mutator("report", "signedTruncation", "breaks", (report, { rng }) =>
  report.slice(0, rng.chance(0.5) ? Math.max(0, report.length - rng.int(1, 64)) : rng.below(Math.max(1, report.length))),
);

// ------------------------------------------------------------------------------------------------
// Signature stage

function insertAt<T>(items: readonly T[], index: number, item: T): T[] {
  return [...items.slice(0, index), item, ...items.slice(index)];
}

function replaceOrInsert(rng: Prng, sigs: readonly Signature[], sig: Signature): Signature[] {
  if (sigs.length > 0 && rng.chance(0.5)) {
    const at = rng.below(sigs.length);
    return sigs.map((s, i) => (i === at ? sig : s));
  }
  return insertAt(sigs, rng.below(sigs.length + 1), sig);
}

function mapOne(rng: Prng, sigs: readonly Signature[], f: (sig: Signature) => Signature): Signature[] {
  if (sigs.length === 0) return [...sigs];
  const at = rng.below(sigs.length);
  return sigs.map((s, i) => (i === at ? f(s) : s));
}

const tooFewSignatures = mutator("signatures", "tooFewSignatures", "breaks", (sigs, { rng, target }) =>
  sigs.slice(0, rng.int(0, target.f)),
);

const duplicateSignature = mutator("signatures", "duplicateSignature", "breaks", (sigs, { rng }) =>
  sigs.length === 0 ? sigs : insertAt(sigs, rng.below(sigs.length + 1), rng.pick(sigs)),
);

const nonSignerSignature = mutator("signatures", "nonSignerSignature", "breaks", (sigs, { rng, target, report }) =>
  replaceOrInsert(rng, sigs, signWith(report, rng.pick(target.foreignKeys))),
);

/** Signed by a configured transmitter's key: the right committee, the wrong role. */
const transmitterKeySignature = mutator("signatures", "transmitterKeySignature", "breaks", (sigs, { rng, target, report }) =>
  replaceOrInsert(rng, sigs, signWith(report, rng.pick(target.transmitterKeys))),
);

/** A configured signer's signature over a different report. */
const signatureOverOtherReport = mutator("signatures", "signatureOverOtherReport", "breaks", (sigs, { rng, target, report }) => {
  const other = concatBytes(report, Uint8Array.of(rng.below(256)));
  return replaceOrInsert(rng, sigs, signWith(other, rng.pick(target.signerKeys)));
});

const reorderSignatures = mutator("signatures", "reorderSignatures", "keeps-valid", (sigs, { rng }) => rng.shuffle(sigs));

/** Signatures of configured signers that had not signed yet. */
const extraValidSignatures = mutator("signatures", "extraValidSignatures", "keeps-valid", (sigs, { rng, target, plan, report }) => {
  const unused = Array.from({ length: target.n }, (_, i) => i).filter((i) => !plan.signers.includes(i));
  if (unused.length === 0) return [...sigs];
  const extra = rng.sample(unused, rng.int(1, unused.length)).map((i) => signWith(report, target.signerKeys[i]));
  return rng.shuffle([...sigs, ...extra]);
});

/** (r, n − s, v ^ 1) recovers the same key: the contract does not require low s. */
const malleateHighS = mutator("signatures", "malleateHighS", "keeps-valid", (sigs, { rng }) =>
  mapOne(rng, sigs, (sig) => {
    const s = bytesToUintBE(sig.s);
    if (s === 0n || s >= SECP256K1_N) return sig;
    return { r: sig.r, s: uintToBytesBE(SECP256K1_N - s, 32), v: sig.v ^ 1 };
  }),
);

/** v as 27/28 (Ethereum's usual form) where the contract wants 0/1. */
const legacyV = mutator("signatures", "legacyV", "breaks", (sigs, { rng }) => mapOne(rng, sigs, (sig) => ({ ...sig, v: (sig.v + 27) & 0xff })));

const flipV = mutator("signatures", "flipV", "breaks", (sigs, { rng }) => mapOne(rng, sigs, (sig) => ({ ...sig, v: sig.v ^ 1 })));

const invalidV = mutator("signatures", "invalidV", "breaks", (sigs, { rng }) => mapOne(rng, sigs, (sig) => ({ ...sig, v: rng.int(2, 255) })));

const signatureBitFlip = mutator("signatures", "signatureBitFlip", "breaks", (sigs, { rng }) =>
  mapOne(rng, sigs, (sig) => (rng.chance(0.5) ? { ...sig, r: flipRandomBit(rng, sig.r) } : { ...sig, s: flipRandomBit(rng, sig.s) })),
);

/** r or s zero (or s = n): the precompile fails and yields address 0. */
const degenerateSignature = mutator("signatures", "degenerateSignature", "breaks", (sigs, { rng }) =>
  mapOne(rng, sigs, (sig) => {
    const zero = new Uint8Array(32);
    switch (rng.below(3)) {
      case 0:
        return { ...sig, r: zero };
      case 1:
        return { ...sig, s: zero };
      default:
        return { ...sig, s: uintToBytesBE(SECP256K1_N, 32) };
    }
  }),
);

/** 32 signatures (repeats allowed): more than maxNumOracles. */
const tooManySignatures = mutator("signatures", "tooManySignatures", "breaks", (sigs, { rng, target, report }) => {
  const pool = sigs.length > 0 ? sigs : [signWith(report, target.signerKeys[0])];
  return Array.from({ length: 32 }, (_, i) => (i < pool.length ? pool[i] : rng.pick(pool)));
});

// ------------------------------------------------------------------------------------------------
// Collated stage

const rsSsLengthMismatch = mutator("collated", "rsSsLengthMismatch", "breaks", (set, { rng }) =>
  rng.chance(0.5) && set.ss.length > 0 ? { ...set, ss: set.ss.slice(0, -1) } : { ...set, ss: [...set.ss, rng.bytes(32)] },
);

/** rawVs bytes past |rs| are never read. */
const dirtyRawVsTail = mutator("collated", "dirtyRawVsTail", "keeps-valid", (set, { rng }) => {
  if (set.rs.length >= 32) return set;
  return { ...set, rawVs: withRandomBytes(rng, set.rawVs, set.rs.length, 32) };
});

// ------------------------------------------------------------------------------------------------
// Tamper stage (after signing)

const tamperedReportBitFlip = mutator("tamper", "tamperedReportBitFlip", "breaks", (report, { rng }) => flipRandomBit(rng, report));

/** A bit flipped inside one observation word after signing. */
const tamperedObservation = mutator("tamper", "tamperedObservation", "breaks", (report, { rng }) => {
  const location = arrayLocation(report);
  if (location === null || location.count === 0) return flipRandomBit(rng, report);
  const position = location.offset + WORD + WORD * rng.below(location.count);
  return flipRandomBit(rng, report, Math.min(position, report.length), Math.min(position + WORD, report.length));
});

// ------------------------------------------------------------------------------------------------
// Layout stage

/** The three tails in another order, offsets adjusted: a legal ABI encoding. */
const reorderedTails = mutator("layout", "reorderedTails", "keeps-valid", (layout, { rng }) => ({
  ...layout,
  order: rng.shuffle<Tail>(layout.order ?? ["report", "rs", "ss"]),
}));

/** The report moved last and left unpadded: the total length then matches exactly. */
const unpaddedReportLast = mutator("layout", "unpaddedReportLast", "keeps-valid", (layout) => ({
  order: [...(layout.order ?? ["report", "rs", "ss"]).filter((t) => t !== "report"), "report"],
  padReport: false,
}));

// ------------------------------------------------------------------------------------------------
// Calldata stage

const SELECTOR_BYTES = 4;

const truncateCalldata = mutator("calldata", "truncateCalldata", "breaks", (calldata, { rng }) =>
  calldata.slice(0, rng.chance(0.6) ? Math.max(0, calldata.length - rng.int(1, 64)) : rng.below(Math.max(1, calldata.length))),
);

const extendCalldata = mutator("calldata", "extendCalldata", "breaks", (calldata, { rng }) => {
  const extra = rng.chance(0.5) ? new Uint8Array(rng.int(1, 64)) : rng.bytes(rng.int(1, 64));
  return concatBytes(calldata, extra);
});

const calldataBitFlip = mutator("calldata", "calldataBitFlip", "breaks", (calldata, { rng }) => flipRandomBit(rng, calldata));

const selectorBitFlip = mutator("calldata", "selectorBitFlip", "breaks", (calldata, { rng }) =>
  flipRandomBit(rng, calldata, 0, Math.min(SELECTOR_BYTES, calldata.length)),
);

const offsetCorruption = mutator("calldata", "offsetCorruption", "breaks", (calldata, { rng }) => {
  const position = SELECTOR_BYTES + WORD * rng.below(3);
  return withWordAt(calldata, position, corruptedWordValue(rng, readWord(calldata, position), calldata.length));
});

const lengthWordCorruption = mutator("calldata", "lengthWordCorruption", "breaks", (calldata, { rng }) => {
  const offset = readWord(calldata, SELECTOR_BYTES + WORD * rng.below(3));
  const position = BigInt(SELECTOR_BYTES) + offset;
  if (position + BigInt(WORD) > BigInt(calldata.length)) return calldata;
  const current = readWord(calldata, Number(position));
  return withWordAt(calldata, Number(position), corruptedWordValue(rng, current, calldata.length));
});

// ------------------------------------------------------------------------------------------------
// Sender stage

const unauthorizedSender = mutator("sender", "unauthorizedSender", "breaks", (_sender, { rng, target }) => rng.pick(target.outsiders));

/** Any configured transmitter may send any report. */
const otherTransmitter = mutator("sender", "otherTransmitter", "keeps-valid", (sender, { rng, target }) =>
  rng.pick(target.transmitters.filter((t) => t !== sender)),
);

// ------------------------------------------------------------------------------------------------

export const MUTATORS: readonly AnyMutator[] = [
  wrongConfigDigest,
  previousConfigDigest,
  staleEpochRound,
  epochJump,
  unsortedObservations,
  medianAboveMax,
  medianBelowMin,
  outlierOutsideRange,
  medianOnBound,
  repeatedObserver,
  observerIndexOutOfBounds,
  observerIndexAboveN,
  tooFewObservations,
  tooManyObservations,
  thirtyOneObservations,
  allSigners,
  dirtyContextPadding,
  dirtyObserverTail,
  dirtyObservationHighBits,
  nonCanonicalArrayOffset,
  trailingReportWords,
  unpaddedTrailingBytes,
  arrayOffsetOutOfBounds,
  arrayLengthOverrun,
  signedBitFlip,
  signedTruncation,
  tooFewSignatures,
  duplicateSignature,
  nonSignerSignature,
  transmitterKeySignature,
  signatureOverOtherReport,
  reorderSignatures,
  extraValidSignatures,
  malleateHighS,
  legacyV,
  flipV,
  invalidV,
  signatureBitFlip,
  degenerateSignature,
  tooManySignatures,
  rsSsLengthMismatch,
  dirtyRawVsTail,
  tamperedReportBitFlip,
  tamperedObservation,
  reorderedTails,
  unpaddedReportLast,
  truncateCalldata,
  extendCalldata,
  calldataBitFlip,
  selectorBitFlip,
  offsetCorruption,
  lengthWordCorruption,
  unauthorizedSender,
  otherTransmitter,
];

export function mutatorByKind(kind: string): AnyMutator {
  const found = MUTATORS.find((m) => m.kind === kind);
  if (found === undefined) throw new Error(`unknown mutation kind ${kind}`);
  return found;
}
