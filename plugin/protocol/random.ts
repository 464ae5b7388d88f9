/**
 * Seeded pseudo-randomness for the engine. Everything random in a committee run (network
 * latency, loss, duplication, event tie-breaks, dealer randomness) draws from a `Random`
 * derived from the committee seed, so the same seed replays the same run. `Math.random` is
 * never used inside `plugin/protocol`.
 *
 * The generator is SplitMix64, computed on two 32-bit halves in plain numbers: a committee draws
 * for every message (latency) and every timer (tie-breaks), and on bigints the draws and their
 * garbage cost a few percent of a (31,10) round. The outputs are bit for bit SplitMix64's; a test
 * checks them against a bigint reference.
 */
import { keccak256, utf8Bytes } from "../core/hash.js";
import { bytesToUintBE, concatBytes } from "../core/bytes.js";

const MASK64 = (1n << 64n) - 1n;
/** SplitMix64's increment 0x9e3779b97f4a7c15 and multipliers, as 32-bit halves. */
const GAMMA_HI = 0x9e3779b9;
const GAMMA_LO = 0x7f4a7c15;
const MUL1_HI = 0xbf58476d;
const MUL1_LO = 0x1ce4e5b9;
const MUL2_HI = 0x94d049bb;
const MUL2_LO = 0x133111eb;
const TWO_POW_32 = 2 ** 32;

/** High 32 bits of the 64-bit product of two unsigned 32-bit numbers (16-bit limbs: every partial product is exact in a double). */
function mulHigh32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const low = a0 * b0;
  const mid1 = a1 * b0 + (low >>> 16);
  const mid2 = a0 * b1 + (mid1 & 0xffff);
  return (a1 * b1 + Math.floor(mid1 / 0x10000) + Math.floor(mid2 / 0x10000)) >>> 0;
}

/** Turn any seed (text, bytes or number) into a 64-bit SplitMix state. */
export function seedToState(seed: string | Uint8Array | bigint | number): bigint {
  if (typeof seed === "bigint") return seed & MASK64;
  if (typeof seed === "number") return BigInt.asUintN(64, BigInt(Math.trunc(seed)));
  const bytes = typeof seed === "string" ? utf8Bytes(seed) : seed;
  return bytesToUintBE(keccak256(bytes).subarray(0, 8));
}

export class Random {
  /** The 64-bit state as two unsigned 32-bit halves. */
  private hi: number;
  private lo: number;
  /** The last output's halves (set by `step`). */
  private outHi = 0;
  private outLo = 0;

  constructor(seed: string | Uint8Array | bigint | number) {
    const state = seedToState(seed);
    this.hi = Number(state >> 32n);
    this.lo = Number(state & 0xffffffffn);
  }

  /**
   * One SplitMix64 step: the state advances by the gamma, and the output (in outHi/outLo) is
   * z ^= z >>> 30; z *= MUL1; z ^= z >>> 27; z *= MUL2; z ^= z >>> 31, all mod 2^64.
   */
  private step(): void {
    const lo = this.lo + GAMMA_LO;
    this.lo = lo >>> 0;
    this.hi = (this.hi + GAMMA_HI + (lo >= TWO_POW_32 ? 1 : 0)) >>> 0;
    let hi = this.hi;
    let low = this.lo;
    // z ^= z >>> 30
    low = (low ^ ((low >>> 30) | (hi << 2))) >>> 0;
    hi = (hi ^ (hi >>> 30)) >>> 0;
    // z *= MUL1 (mod 2^64)
    let productHi = (mulHigh32(low, MUL1_LO) + Math.imul(hi, MUL1_LO) + Math.imul(low, MUL1_HI)) >>> 0;
    low = Math.imul(low, MUL1_LO) >>> 0;
    hi = productHi;
    // z ^= z >>> 27
    low = (low ^ ((low >>> 27) | (hi << 5))) >>> 0;
    hi = (hi ^ (hi >>> 27)) >>> 0;
    // z *= MUL2 (mod 2^64)
    productHi = (mulHigh32(low, MUL2_LO) + Math.imul(hi, MUL2_LO) + Math.imul(low, MUL2_HI)) >>> 0;
    low = Math.imul(low, MUL2_LO) >>> 0;
    hi = productHi;
    // z ^= z >>> 31
    this.outLo = (low ^ ((low >>> 31) | (hi << 1))) >>> 0;
    this.outHi = (hi ^ (hi >>> 31)) >>> 0;
  }

  /** Next uniformly distributed 64-bit unsigned integer. */
  nextU64(): bigint {
    this.step();
    return (BigInt(this.outHi) << 32n) | BigInt(this.outLo);
  }

  /**
   * The next 64-bit output as [high 32 bits, low 32 bits], without a bigint: the same draw as
   * `nextU64`, for hot paths that only compare draws (the virtual clock's tie-breaks).
   */
  nextU64Halves(): readonly [number, number] {
    this.step();
    return [this.outHi, this.outLo];
  }

  /** Uniform float in [0, 1) with 53 bits of precision (the draw's top 53 bits). */
  nextFloat(): number {
    this.step();
    return (this.outHi * 2 ** 21 + (this.outLo >>> 11)) / 2 ** 53;
  }

  /** Uniform integer in [0, n). Uses rejection so small n are not biased. */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`nextInt bound must be a positive integer, got ${n}`);
    const bound = BigInt(n);
    const limit = (1n << 64n) - ((1n << 64n) % bound);
    for (;;) {
      const v = this.nextU64();
      if (v < limit) return Number(v % bound);
    }
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return p > 0 && this.nextFloat() < p;
  }

  /** `length` pseudo-random bytes (for deterministic test keys and dealer randomness). */
  nextBytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i += 8) {
      let v = this.nextU64();
      for (let j = i; j < Math.min(i + 8, length); j++) {
        out[j] = Number(v & 0xffn);
        v >>= 8n;
      }
    }
    return out;
  }

  /**
   * An independent stream for one named purpose. Forking by label (rather than drawing in
   * sequence) keeps e.g. the network's draws unchanged when a data source draws more often.
   */
  fork(label: string): Random {
    const seedBytes = concatBytes(utf8Bytes(label), new Uint8Array(8));
    new DataView(seedBytes.buffer).setBigUint64(seedBytes.length - 8, this.nextU64());
    return new Random(seedBytes);
  }
}

/** Derive a labelled 32-byte value from a seed, e.g. the dealer's X25519 scalar. */
export function deriveSeedBytes(seed: string | Uint8Array, label: string, length = 32): Uint8Array {
  const base = typeof seed === "string" ? utf8Bytes(seed) : seed;
  return new Random(concatBytes(base, utf8Bytes("/" + label))).nextBytes(length);
}
