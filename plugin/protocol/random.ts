/**
 * Seeded pseudo-randomness for the engine. Everything random in a committee run (network
 * latency, loss, duplication, event tie-breaks, dealer randomness) draws from a `Random`
 * derived from the committee seed, so the same seed replays the same run. `Math.random` is
 * never used inside `plugin/protocol`.
 *
 * The generator is SplitMix64 on bigints. A 32-bit-halves version would be faster, but a run
 * draws only a few thousand numbers per simulated second, so this is never the bottleneck.
 */
import { keccak256, utf8Bytes } from "../core/hash.js";
import { bytesToUintBE, concatBytes } from "../core/bytes.js";

const MASK64 = (1n << 64n) - 1n;
const GOLDEN_GAMMA = 0x9e3779b97f4a7c15n;

/** One SplitMix64 output step applied to `state` (already advanced by the gamma). */
function mix64(z: bigint): bigint {
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/** Turn any seed (text, bytes or number) into a 64-bit SplitMix state. */
export function seedToState(seed: string | Uint8Array | bigint | number): bigint {
  if (typeof seed === "bigint") return seed & MASK64;
  if (typeof seed === "number") return BigInt.asUintN(64, BigInt(Math.trunc(seed)));
  const bytes = typeof seed === "string" ? utf8Bytes(seed) : seed;
  return bytesToUintBE(keccak256(bytes).subarray(0, 8));
}

export class Random {
  private state: bigint;

  constructor(seed: string | Uint8Array | bigint | number) {
    this.state = seedToState(seed);
  }

  /** Next uniformly distributed 64-bit unsigned integer. */
  nextU64(): bigint {
    this.state = (this.state + GOLDEN_GAMMA) & MASK64;
    return mix64(this.state);
  }

  /** Uniform float in [0, 1) with 53 bits of precision. */
  nextFloat(): number {
    return Number(this.nextU64() >> 11n) / 2 ** 53;
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
