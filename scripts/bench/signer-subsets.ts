/**
 * Which oracles sign each measured transmit. A committee's signers are whichever f+1 oracles'
 * signatures reach the leader first, not the lowest indices, and a contract whose signer lookup
 * depends on the index (a linear scan) looks cheaper with the lowest ones. The benches therefore
 * draw each transmit's signers at random, from a seeded stream so runs are reproducible.
 */
import { Prng } from "../../testkit/fuzz/prng.js";

/** A seeded stream of signer subsets for an (n, f) committee: f+1 distinct indices each. */
export function signerSubsets(label: string, n: number, f: number): () => number[] {
  if (!Number.isInteger(n) || !Number.isInteger(f) || f < 0 || f + 1 > n) {
    throw new RangeError(`cannot draw ${f + 1} signers from ${n} oracles`);
  }
  const prng = Prng.fromLabel(`bench signers ${label} ${n}/${f}`);
  return () => {
    // Partial Fisher-Yates: the first f+1 entries of a uniform shuffle.
    const indices = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i <= f; i++) {
      const j = i + prng.below(n - i);
      [indices[i], indices[j]] = [indices[j], indices[i]];
    }
    return indices.slice(0, f + 1);
  };
}
