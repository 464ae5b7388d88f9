/**
 * Which oracle leads an epoch (spec §2.4). The leader is a keyed hash of the epoch, so only
 * oracles holding the shared secret can predict the rotation, yet every honest oracle agrees.
 */
import { BoundedMemo } from "./bounded-memo.js";
import { bytesToUintBE, concatBytes, uintToBytesLE } from "./bytes.js";
import { keccak256 } from "./hash.js";

/** Leader(e) = uint256(keccak256(leaderSelectionKey ‖ uint64_le(e))) mod n. */
export function leaderForEpoch(leaderSelectionKey: Uint8Array, epoch: number, n: number): number {
  if (leaderSelectionKey.length !== 16) {
    throw new Error(`leaderSelectionKey must be 16 bytes, got ${leaderSelectionKey.length}`);
  }
  if (!Number.isSafeInteger(epoch) || epoch < 0) throw new RangeError(`epoch ${epoch} is not a uint64`);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a positive integer, got ${n}`);
  const digest = keccak256(concatBytes(leaderSelectionKey, uintToBytesLE(BigInt(epoch), 8)));
  return Number(bytesToUintBE(digest) % BigInt(n));
}

/**
 * leaderForEpoch for one config, remembering the last epochs asked for: the pacemaker, the
 * roles and the results ask for the same epoch's leader many times, and each answer is a keccak.
 */
export function epochLeaders(leaderSelectionKey: Uint8Array, n: number): (epoch: number) => number {
  const known = new BoundedMemo<number>(64);
  return (epoch) => known.getOrCompute(String(epoch), () => leaderForEpoch(leaderSelectionKey, epoch, n));
}
