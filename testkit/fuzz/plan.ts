/**
 * A valid transmit, as a plan before it becomes bytes: which config, epoch and round, which
 * oracle observed which value (in report order), who signs and who sends. Mutators change plans,
 * report bytes, signatures, calldata or the sender; the builder here only ever makes valid ones.
 */
import { type AttributedObservation, type ReportContext, MAX_OBSERVATION, MIN_OBSERVATION, encodeReport, signReport } from "../../plugin/core/report.js";
import type { Signature, SignatureSet } from "./layout.js";
import type { Prng } from "./prng.js";
import type { FuzzTarget } from "./target.js";

/** Which oracle observed which value. */
export type PlanEntry = AttributedObservation;

/** The report's context (config digest, epoch, round), what it reports and who signs and sends it. */
export interface ReportPlan extends ReportContext {
  /** Report order; a valid plan has non-decreasing values. */
  readonly entries: readonly PlanEntry[];
  /** Oracle indices whose keys sign, in calldata order. */
  readonly signers: readonly number[];
  /** Oracle index whose transmitter sends. */
  readonly transmitter: number;
}

export const MAX_EPOCH = 0xffffffff;
export const MAX_ROUND = 0xff;

export function splitEpochAndRound(epochAndRound: bigint): { epoch: number; round: number } {
  return { epoch: Number(epochAndRound >> 8n), round: Number(epochAndRound & 0xffn) };
}

/**
 * The (epoch, round) of the next report: usually a later round of the same epoch (rounds may
 * skip), sometimes a new epoch starting at a low round, as a committee's leader changes would.
 */
export function nextEpochAndRound(rng: Prng, latest: bigint): { epoch: number; round: number } {
  const { epoch, round } = splitEpochAndRound(latest);
  if (round < MAX_ROUND && rng.chance(0.7)) return { epoch, round: round + rng.int(1, Math.min(3, MAX_ROUND - round)) };
  return { epoch: epoch + rng.int(1, 2), round: rng.int(0, 3) };
}

function clamp(value: bigint, lo: bigint, hi: bigint): bigint {
  return value < lo ? lo : value > hi ? hi : value;
}

/**
 * `count` sorted values inside [min, max] around a random centre. The spread is sometimes zero
 * (all equal: ties must be accepted) and sometimes the whole range.
 */
export function drawSortedValues(rng: Prng, count: number, min: bigint, max: bigint): bigint[] {
  const centre = rng.bigint(min, max);
  const spread = rng.pick([0n, 1n, 1_000n, (max - min) / 1_000n, max - min]);
  const values = Array.from({ length: count }, () => clamp(centre + rng.bigint(-spread, spread), min, max));
  return values.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Mostly f+1 signers as Chainlink nodes send, sometimes more, in random order. */
function drawSigners(rng: Prng, n: number, f: number): number[] {
  const count = rng.chance(0.6) ? f + 1 : rng.int(f + 1, n);
  return rng.sample(Array.from({ length: n }, (_, i) => i), count);
}

/** A plan the contract must accept in the target's current state. */
export function validPlan(rng: Prng, target: FuzzTarget): ReportPlan {
  const { epoch, round } = nextEpochAndRound(rng, target.latestEpochAndRound);
  const count = rng.int(2 * target.f + 1, target.n);
  const observers = rng.sample(Array.from({ length: target.n }, (_, i) => i), count);
  const values = drawSortedValues(rng, count, target.minAnswer, target.maxAnswer);
  return {
    configDigest: target.configDigest,
    epoch,
    round,
    entries: values.map((value, i) => ({ observer: observers[i], value })),
    signers: drawSigners(rng, target.n, target.f),
    transmitter: rng.below(target.n),
  };
}

/** The report bytes of a plan (spec §1.5). Values must fit int192, observers a byte. */
export function encodePlan(plan: ReportPlan): Uint8Array {
  return encodeReport(plan, plan.entries);
}

export function signWith(report: Uint8Array, key: Uint8Array): Signature {
  const rsv = signReport(report, key);
  return { r: rsv.slice(0, 32), s: rsv.slice(32, 64), v: rsv[64] };
}

/** rs, ss and rawVs; only 32 v bytes fit in rawVs, so signatures past 32 get none. */
export function collate(signatures: readonly Signature[]): SignatureSet {
  const rawVs = new Uint8Array(32);
  signatures.slice(0, 32).forEach((sig, i) => (rawVs[i] = sig.v & 0xff));
  return { rs: signatures.map((s) => s.r), ss: signatures.map((s) => s.s), rawVs };
}

export function isInt192(value: bigint): boolean {
  return value >= MIN_OBSERVATION && value <= MAX_OBSERVATION;
}
