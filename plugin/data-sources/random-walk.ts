/**
 * A deterministic simulated market: a price that takes one pseudo-random relative step per
 * round, plus optional per-oracle noise so that oracles disagree a little, as real ones do.
 * Randomness comes from keccak256 of the seed and a counter, so a seed replays exactly.
 */
import { bytesToUintBE, concatBytes, uintToBytesBE } from "../core/bytes.js";
import { keccak256, utf8Bytes } from "../core/hash.js";
import { MAX_OBSERVATION, MIN_OBSERVATION } from "../core/report.js";
import { type DataSource, type ObservationRequest, assertInt192 } from "./data-source.js";

const PPB = 1_000_000_000n;

export interface RandomWalkOptions {
  readonly seed: string | number | bigint;
  /** The price before the first step; non-zero, since steps are relative to it. */
  readonly start: bigint;
  /** Largest relative step per round, in parts per billion (each step is uniform in ±stepPPB). */
  readonly stepPPB: bigint;
  /** Largest per-oracle deviation from the common price, in parts per billion (default 0). */
  readonly noisePPB?: bigint;
  /** The price never leaves [min, max] (defaults: the int192 range). */
  readonly min?: bigint;
  readonly max?: bigint;
}

/** A uniform integer in [−bound, bound] from keccak256(tag ‖ seed ‖ counters). */
export function seededUniform(seed: Uint8Array, tag: string, counters: readonly bigint[], bound: bigint): bigint {
  if (bound === 0n) return 0n;
  const preimage = concatBytes(utf8Bytes(tag), seed, ...counters.map((c) => uintToBytesBE(c, 8)));
  // 256 random bits reduced mod (2·bound + 1): the bias is below 2^-190 for any uint64 bound.
  return (bytesToUintBE(keccak256(preimage)) % (2n * bound + 1n)) - bound;
}

function clamp(value: bigint, min: bigint, max: bigint): bigint {
  return value < min ? min : value > max ? max : value;
}

/** price · (1 + ppb / 1e9), rounded toward zero. */
function applyPPB(price: bigint, ppb: bigint): bigint {
  return price + (price * ppb) / PPB;
}

/** The walk's common price after `steps` steps: a pure function of the options. */
export function randomWalkPrice(options: RandomWalkOptions, steps: number): bigint {
  const seed = utf8Bytes(String(options.seed));
  const min = options.min ?? MIN_OBSERVATION;
  const max = options.max ?? MAX_OBSERVATION;
  let price = clamp(options.start, min, max);
  for (let i = 0; i < steps; i++) {
    price = clamp(applyPPB(price, seededUniform(seed, "random walk step", [BigInt(i)], options.stepPPB)), min, max);
  }
  return price;
}

/**
 * The walk as a data source. The common price advances one step each time a request arrives
 * for an (epoch, round) other than the previous request's, so all oracles of one round see the
 * same underlying price; each oracle then adds its own deterministic noise.
 */
export function seededRandomWalk(options: RandomWalkOptions): DataSource {
  if (options.start === 0n) throw new Error("seededRandomWalk: start must be non-zero (steps are relative)");
  if (options.stepPPB < 0n || (options.noisePPB ?? 0n) < 0n) throw new Error("seededRandomWalk: stepPPB and noisePPB must be non-negative");
  assertInt192(options.start, "seededRandomWalk start");
  const seed = utf8Bytes(String(options.seed));
  const min = options.min ?? MIN_OBSERVATION;
  const max = options.max ?? MAX_OBSERVATION;
  let steps = 0;
  let price = clamp(options.start, min, max);
  let lastRound: string | undefined;
  return {
    kind: "random-walk",
    observe: async (request: ObservationRequest) => {
      const round = `${request.epoch}/${request.round}`;
      if (lastRound !== undefined && round !== lastRound) {
        price = clamp(applyPPB(price, seededUniform(seed, "random walk step", [BigInt(steps)], options.stepPPB)), min, max);
        steps++;
      }
      lastRound = round;
      const noise = seededUniform(
        seed,
        "random walk noise",
        [BigInt(steps), BigInt(request.oracleIndex)],
        options.noisePPB ?? 0n,
      );
      return clamp(applyPPB(price, noise), min, max);
    },
  };
}
