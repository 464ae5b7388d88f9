/**
 * OCR2 transmit cases for the fuzzer: a valid call for the next (epoch, round) of a feed, then
 * mutations, each a small function named for what it breaks (or for the legal oddity it adds).
 * They act at the stage where the change makes sense, so later checks are reached:
 *
 *   plan       the report's content and context before encoding (signed afterwards)
 *   report     the report bytes before signing (decoder and length rules)
 *   signatures the (r, s, v) list before collation
 *   collated   rs / ss / rawVs as transmit takes them
 *   tamper     the report bytes after signing (signatures no longer match)
 *   calldata   the raw calldata bytes
 *   sender     who sends it
 *
 * Whether a mutant is valid is decided by the reference model from the final calldata, never
 * from which mutations were applied.
 */
import { secp256k1 } from "@noble/curves/secp256k1.js";

import { bytesToUintBE, concatBytes, intToBytesBE, uintToBytesBE } from "../../../plugin/core/bytes.js";
import { keccak256 } from "../../../plugin/core/hash.js";
import { OCR2_TRANSMIT_SELECTOR } from "../../../plugin/core/ocr2/report.js";
import { WORD } from "../layout.js";
import type { Prng } from "../prng.js";
import type { FuzzedFeed } from "../target.js";

/** What the fuzzer knows about one deployed OCR2 feed: nothing beyond what every fuzzed feed has. */
export type Ocr2FuzzTarget = FuzzedFeed;

export interface Ocr2Plan {
  epochAndRound: bigint;
  /** Word 1 of reportContext above its low 40 bits (ignored by the contract). */
  contextPadding: bigint;
  digest: Uint8Array;
  extraHash: Uint8Array;
  observationsTimestamp: bigint;
  /** Raw 32-byte observers word. */
  observers: Uint8Array;
  observations: bigint[];
  juelsPerFeeCoin: bigint;
  /** Oracle indices that sign, in order. */
  signerIndices: number[];
  /** Index of the transmitter that sends. */
  transmitterIndex: number;
}

export interface Sig {
  r: bigint;
  s: bigint;
  v: number;
}

export interface Ocr2CaseState {
  plan: Ocr2Plan;
  report: Uint8Array;
  signatures: Sig[];
  rs: bigint[];
  ss: bigint[];
  rawVs: Uint8Array;
  calldata: Uint8Array;
  sender: string;
}

export type Ocr2Stage = "plan" | "report" | "signatures" | "collated" | "tamper" | "calldata" | "sender";
export const OCR2_STAGES: readonly Ocr2Stage[] = ["plan", "report", "signatures", "collated", "tamper", "calldata", "sender"];

export interface Ocr2Mutator {
  readonly kind: string;
  readonly stage: Ocr2Stage;
  readonly intent: "breaks" | "keeps-valid";
  apply(state: Ocr2CaseState, rng: Prng, target: Ocr2FuzzTarget): void;
}

const N = secp256k1.Point.Fn.ORDER;
const word = (v: bigint) => uintToBytesBE(v, WORD);

function sortedValues(rng: Prng, count: number, min: bigint, max: bigint): bigint[] {
  // Mostly a price-like cluster; sometimes spread over the whole allowed range.
  const centre = min + (max - min) / 2n;
  const spread = rng.chance(0.7) ? 10n ** 6n : (max - min) / 4n;
  const values = Array.from({ length: count }, () => {
    const v = centre + rng.bigint(-spread, spread);
    return v < min ? min : v > max ? max : v;
  });
  return values.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A valid plan for the feed's next (epoch, round). */
export function validPlan(rng: Prng, target: Ocr2FuzzTarget): Ocr2Plan {
  const count = rng.int(target.f + 1, 31);
  const observers = new Uint8Array(32);
  for (let i = 0; i < count; i++) observers[i] = rng.below(target.n);
  const step = BigInt(rng.chance(0.2) ? 256 : rng.int(1, 3));
  const signerIndices = rng.sample(
    Array.from({ length: target.n }, (_, i) => i),
    target.f + 1,
  );
  return {
    epochAndRound: target.latestEpochAndRound + step,
    contextPadding: 0n,
    digest: target.configDigest,
    extraHash: rng.bytes(32),
    observationsTimestamp: BigInt(rng.int(1_600_000_000, 1_900_000_000)),
    observers,
    observations: sortedValues(rng, count, target.minAnswer, target.maxAnswer),
    juelsPerFeeCoin: rng.bigint(1n, 10n ** 21n),
    signerIndices,
    transmitterIndex: rng.below(target.n),
  };
}

export function encodePlanReport(plan: Ocr2Plan): Uint8Array {
  return concatBytes(
    word(plan.observationsTimestamp),
    plan.observers,
    word(0x80n),
    intToBytesBE(plan.juelsPerFeeCoin, WORD),
    word(BigInt(plan.observations.length)),
    ...plan.observations.map((v) => intToBytesBE(v, WORD)),
  );
}

export function contextWords(plan: Ocr2Plan): Uint8Array[] {
  return [plan.digest, word((plan.contextPadding << 40n) | plan.epochAndRound), plan.extraHash];
}

function signedHash(report: Uint8Array, plan: Ocr2Plan): Uint8Array {
  return keccak256(concatBytes(keccak256(report), ...contextWords(plan)));
}

export function sign(report: Uint8Array, plan: Ocr2Plan, key: Uint8Array): Sig {
  const vrs = secp256k1.sign(signedHash(report, plan), key, { prehash: false, format: "recovered" });
  return { v: vrs[0], r: bytesToUintBE(vrs.subarray(1, 33)), s: bytesToUintBE(vrs.subarray(33, 65)) };
}

/** transmit calldata in the ABI's canonical layout. */
export function encodeCalldata(context: Uint8Array[], report: Uint8Array, rs: bigint[], ss: bigint[], rawVs: Uint8Array): Uint8Array {
  const padded = concatBytes(report, new Uint8Array((WORD - (report.length % WORD)) % WORD));
  const reportOffset = 7n * 32n;
  const rsOffset = reportOffset + 32n + BigInt(padded.length);
  const ssOffset = rsOffset + 32n + 32n * BigInt(rs.length);
  return concatBytes(
    OCR2_TRANSMIT_SELECTOR,
    ...context,
    word(reportOffset),
    word(rsOffset),
    word(ssOffset),
    rawVs,
    word(BigInt(report.length)),
    padded,
    word(BigInt(rs.length)),
    ...rs.map(word),
    word(BigInt(ss.length)),
    ...ss.map(word),
  );
}

const m = (kind: string, stage: Ocr2Stage, intent: "breaks" | "keeps-valid", apply: Ocr2Mutator["apply"]): Ocr2Mutator => ({
  kind,
  stage,
  intent,
  apply,
});

/** Whole words after the report's fixed 160 bytes (earlier mutations may leave a ragged end). */
function observationWords(report: Uint8Array): number {
  return Math.max(0, Math.floor((report.length - 160) / WORD));
}

/** Set word `i` of the report bytes. */
function setReportWord(state: Ocr2CaseState, i: number, value: bigint): void {
  state.report.set(word(value), WORD * i);
}

export const OCR2_MUTATORS: readonly Ocr2Mutator[] = [
  // plan: signed afterwards
  m("staleEpochRound", "plan", "breaks", (s, rng, t) => {
    s.plan.epochAndRound = t.latestEpochAndRound - BigInt(rng.int(0, Math.min(3, Number(t.latestEpochAndRound))));
  }),
  m("nextEpochRoundZero", "plan", "keeps-valid", (s, _rng, t) => {
    s.plan.epochAndRound = ((t.latestEpochAndRound >> 8n) + 1n) << 8n;
  }),
  m("dirtyContextPadding", "plan", "keeps-valid", (s, rng) => {
    s.plan.contextPadding = rng.bits(200);
  }),
  m("wrongConfigDigest", "plan", "breaks", (s, rng) => {
    const d = s.plan.digest.slice();
    d[rng.below(32)] ^= 1 << rng.below(8);
    s.plan.digest = d;
  }),
  m("tooFewObservations", "plan", "breaks", (s, rng, t) => {
    s.plan.observations = s.plan.observations.slice(0, rng.int(0, t.f));
  }),
  m("evenObservationCount", "plan", "keeps-valid", (s, _rng, t) => {
    if (s.plan.observations.length % 2 === 1) {
      if (s.plan.observations.length > t.f + 1) s.plan.observations.pop();
      else s.plan.observations.push(s.plan.observations[s.plan.observations.length - 1]);
    }
  }),
  m("medianAboveMax", "plan", "breaks", (s, _rng, t) => {
    s.plan.observations = s.plan.observations.map(() => t.maxAnswer + 1n);
  }),
  m("medianBelowMin", "plan", "breaks", (s, _rng, t) => {
    s.plan.observations = s.plan.observations.map(() => t.minAnswer - 1n);
  }),
  m("unsortedObservations", "plan", "keeps-valid", (s, rng) => {
    s.plan.observations = rng.shuffle(s.plan.observations);
  }),
  m("junkObservers", "plan", "keeps-valid", (s, rng) => {
    s.plan.observers = rng.bytes(32);
  }),
  m("negativeJuels", "plan", "keeps-valid", (s, rng) => {
    s.plan.juelsPerFeeCoin = -rng.bigint(1n, 10n ** 20n);
  }),
  m("zeroJuels", "plan", "keeps-valid", (s) => {
    s.plan.juelsPerFeeCoin = 0n;
  }),
  m("extremeTimestamp", "plan", "keeps-valid", (s, rng) => {
    s.plan.observationsTimestamp = rng.chance(0.5) ? 0n : 0xffffffffn;
  }),
  // report bytes, signed afterwards
  m("trailingReportWord", "report", "breaks", (s, rng) => {
    s.report = concatBytes(s.report, rng.bytes(32).map(() => 0));
  }),
  m("reportTooShortForCount", "report", "breaks", (s) => {
    const count = bytesToUintBE(s.report.subarray(128, 160));
    s.report.set(word(count + 1n), 128);
  }),
  m("tooManyObservations", "report", "breaks", (s) => {
    const extra = Math.max(1, 32 - observationWords(s.report));
    const filler = s.report.subarray(160, 192);
    s.report = concatBytes(s.report, ...Array.from({ length: extra }, () => filler));
    s.report.set(word(32n), 128);
  }),
  m("timestampAboveUint32", "report", "breaks", (s, rng) => {
    setReportWord(s, 0, (1n << 32n) + rng.bigint(0n, 1000n));
  }),
  m("observationNotInt192", "report", "breaks", (s, rng) => {
    const count = observationWords(s.report);
    if (count > 0) s.report[160 + 32 * rng.below(count) + rng.below(8)] ^= 1 << rng.below(8);
    else setReportWord(s, 3, 1n << 200n);
  }),
  m("juelsNotInt192", "report", "breaks", (s) => {
    s.report[96] ^= 0x40;
  }),
  m("unallocatableLength", "report", "breaks", (s, rng) => {
    s.report.set(word(rng.chance(0.5) ? 1n << 64n : 1n << 60n), 128);
  }),
  m("lengthPastEnd", "report", "breaks", (s) => {
    s.report.set(word(1n << 40n), 128);
  }),
  m("arrayOffsetPastEnd", "report", "breaks", (s) => {
    setReportWord(s, 2, BigInt(s.report.length));
  }),
  m("offsetReusesJuelsAsLength", "report", "keeps-valid", (s, rng, t) => {
    // ts, observers, 0x60, juels = count (also the length), count words, one spare word.
    const count = rng.int(t.f + 1, 12);
    const values = sortedValues(rng, count, t.minAnswer, t.maxAnswer);
    s.report = concatBytes(
      s.report.subarray(0, 64),
      word(0x60n),
      word(BigInt(count)),
      ...values.map((v) => intToBytesBE(v, WORD)),
      word(0n),
    );
  }),
  m("oddReportLength", "report", "breaks", (s) => {
    s.report = concatBytes(s.report, Uint8Array.of(0));
  }),
  // signatures
  m("tooFewSignatures", "signatures", "breaks", (s) => {
    s.signatures.pop();
  }),
  m("tooManySignatures", "signatures", "breaks", (s, rng, t) => {
    const unused = Array.from({ length: t.n }, (_, i) => i).filter((i) => !s.plan.signerIndices.includes(i));
    const extra = unused.length > 0 ? rng.pick(unused) : 0;
    s.signatures.push(sign(s.report, s.plan, t.signerKeys[extra]));
  }),
  m("duplicateSigner", "signatures", "breaks", (s, rng) => {
    const i = rng.below(s.signatures.length);
    const j = (i + 1) % s.signatures.length;
    s.signatures[j] = { ...s.signatures[i] };
  }),
  m("nonSignerSignature", "signatures", "breaks", (s, rng, t) => {
    s.signatures[rng.below(s.signatures.length)] = sign(s.report, s.plan, rng.pick(t.foreignKeys));
  }),
  m("legacyV", "signatures", "breaks", (s, rng) => {
    s.signatures[rng.below(s.signatures.length)].v += 27;
  }),
  m("vOverflow", "signatures", "breaks", (s, rng) => {
    s.signatures[rng.below(s.signatures.length)].v = rng.int(229, 255);
  }),
  m("zeroR", "signatures", "breaks", (s, rng) => {
    s.signatures[rng.below(s.signatures.length)].r = 0n;
  }),
  m("highS", "signatures", "keeps-valid", (s, rng) => {
    const sig = s.signatures[rng.below(s.signatures.length)];
    sig.s = N - sig.s;
    sig.v ^= 1;
  }),
  m("reorderSignatures", "signatures", "keeps-valid", (s, rng) => {
    s.signatures = rng.shuffle(s.signatures);
  }),
  // collated
  m("ssShorter", "collated", "breaks", (s) => {
    s.ss.pop();
  }),
  m("junkRawVsTail", "collated", "keeps-valid", (s, rng) => {
    for (let i = s.rs.length; i < 32; i++) s.rawVs[i] = rng.below(256);
  }),
  // tamper
  m("tamperedReport", "tamper", "breaks", (s, rng) => {
    s.report[rng.below(s.report.length)] ^= 1 << rng.below(8);
  }),
  // calldata
  m("extraCalldataWord", "calldata", "breaks", (s) => {
    s.calldata = concatBytes(s.calldata, new Uint8Array(32));
  }),
  m("truncatedCalldata", "calldata", "breaks", (s, rng) => {
    s.calldata = s.calldata.slice(0, rng.int(4, s.calldata.length - 1));
  }),
  m("headOffsetHuge", "calldata", "breaks", (s, rng) => {
    const position = 4 + WORD * (3 + rng.below(3));
    // A truncation before may have cut the head short; then there is no offset to corrupt.
    if (s.calldata.length >= position + WORD) s.calldata.set(word(rng.chance(0.5) ? 1n << 64n : 1n << 40n), position);
  }),
  m("selectorBitFlip", "calldata", "breaks", (s, rng) => {
    s.calldata[rng.below(4)] ^= 1 << rng.below(8);
  }),
  // sender
  m("unauthorizedSender", "sender", "breaks", (s, rng, t) => {
    s.sender = rng.pick(t.outsiders);
  }),
];

/** Build one case: a valid call for `target`, then `mutators` stage by stage. */
export function buildOcr2Case(rng: Prng, target: Ocr2FuzzTarget, mutators: readonly Ocr2Mutator[]): { calldata: Uint8Array; sender: string } {
  const at = (stage: Ocr2Stage) => mutators.filter((x) => x.stage === stage);
  const state = { plan: validPlan(rng, target) } as Ocr2CaseState;
  for (const x of at("plan")) x.apply(state, rng, target);
  state.report = encodePlanReport(state.plan);
  for (const x of at("report")) x.apply(state, rng, target);
  state.signatures = state.plan.signerIndices.map((i) => sign(state.report, state.plan, target.signerKeys[i]));
  for (const x of at("signatures")) x.apply(state, rng, target);
  state.rs = state.signatures.map((x) => x.r);
  state.ss = state.signatures.map((x) => x.s);
  state.rawVs = new Uint8Array(32);
  state.signatures.forEach((x, i) => {
    if (i < 32) state.rawVs[i] = x.v & 0xff;
  });
  for (const x of at("collated")) x.apply(state, rng, target);
  for (const x of at("tamper")) x.apply(state, rng, target);
  state.calldata = encodeCalldata(contextWords(state.plan), state.report, state.rs, state.ss, state.rawVs);
  for (const x of at("calldata")) x.apply(state, rng, target);
  state.sender = target.transmitters[state.plan.transmitterIndex];
  for (const x of at("sender")) x.apply(state, rng, target);
  return { calldata: state.calldata, sender: state.sender };
}
