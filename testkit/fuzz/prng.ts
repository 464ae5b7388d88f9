/**
 * A small seeded pseudo-random generator for the transmit fuzzer. Every random choice of a run
 * goes through one of these, so a seed string fully determines the cases (and a failing case
 * can be reproduced by its seed and index).
 *
 * xoshiro128** (32-bit state words) is enough: the fuzzer needs speed and reproducibility, not
 * cryptographic quality. The state comes from keccak256 of a label, so unrelated labels give
 * unrelated streams.
 */
import { keccak256, utf8Bytes } from "../../plugin/core/hash.js";

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

export class Prng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  private constructor(seed: Uint8Array) {
    const view = new DataView(seed.buffer, seed.byteOffset, seed.byteLength);
    this.s0 = view.getUint32(0);
    this.s1 = view.getUint32(4);
    this.s2 = view.getUint32(8);
    this.s3 = view.getUint32(12);
    // An all-zero state would only ever yield zeros.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A generator whose whole stream is determined by `label`. */
  static fromLabel(label: string): Prng {
    return new Prng(keccak256(utf8Bytes(`hardhat-ocr fuzz prng ${label}`)));
  }

  /** Uniform 32-bit unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    this.s0 >>>= 0;
    this.s1 >>>= 0;
    this.s2 >>>= 0;
    return result;
  }

  /** Uniform integer in [0, bound), bound in [1, 2^32]; rejection keeps it unbiased. */
  below(bound: number): number {
    if (!Number.isInteger(bound) || bound < 1 || bound > 2 ** 32) throw new RangeError(`bad bound ${bound}`);
    const limit = 2 ** 32 - (2 ** 32 % bound);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % bound;
    }
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    if (hi < lo) throw new RangeError(`empty range [${lo}, ${hi}]`);
    return lo + this.below(hi - lo + 1);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.nextU32() < p * 2 ** 32;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("pick from an empty list");
    return items[this.below(items.length)];
  }

  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  /** k distinct items in random order. */
  sample<T>(items: readonly T[], k: number): T[] {
    return this.shuffle(items).slice(0, k);
  }

  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.nextU32() & 0xff;
    return out;
  }

  /** Uniform bigint in [0, 2^bits). */
  bits(bits: number): bigint {
    let v = 0n;
    for (let have = 0; have < bits; have += 32) v = (v << 32n) | BigInt(this.nextU32());
    const extra = (Math.ceil(bits / 32) * 32 - bits) as number;
    return v >> BigInt(extra);
  }

  /** Uniform bigint in [lo, hi] (inclusive). */
  bigint(lo: bigint, hi: bigint): bigint {
    if (hi < lo) throw new RangeError(`empty range [${lo}, ${hi}]`);
    const span = hi - lo + 1n;
    const bits = span.toString(2).length;
    for (;;) {
      const v = this.bits(bits);
      if (v < span) return lo + v;
    }
  }
}
