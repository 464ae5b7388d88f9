/**
 * Who transmits a finished report, and when (spec §2.7). Every oracle that holds the report
 * waits a keyed, per-round delay: the first stage transmits at once, the next stage only if
 * the report has still not landed after DeltaStage, and so on. This spreads gas cost across
 * oracles while tolerating crashed transmitters.
 */
import { BoundedMemo } from "./bounded-memo.js";
import { bytesToLatin1, concatBytes, uintToBytesLE } from "./bytes.js";
import { keccak256 } from "./hash.js";
import { permutation } from "./permutation.js";

/**
 * Permutations already drawn in this process, by n and everything the key hashes. Every oracle
 * of an in-process committee draws the same one for a round (keccak, AES-CTR and Go's shuffle in
 * JavaScript, n times per round); a permutation is a pure function of those inputs, and the
 * memo's arrays are only read. Inputs are checked when a permutation is first computed (a bad
 * one throws and is never stored), and the id holds the first byte string's length, so two
 * different inputs never share an id.
 */
const permutations = new BoundedMemo<readonly number[]>(1024);

/** keccak256(transmissionOrderKey ‖ configDigest ‖ uint64_le(epoch) ‖ uint64_le(round))[0:16], for OCR1 and OCR2 digests. */
export function transmissionOrderPermutationKey(
  transmissionOrderKey: Uint8Array,
  configDigest: Uint8Array,
  epoch: number,
  round: number,
): Uint8Array {
  if (transmissionOrderKey.length !== 16) throw new Error("transmissionOrderKey must be 16 bytes");
  // OCR1 digests are 16 bytes, OCR2 digests 32; the key hashes whichever the config has.
  if (configDigest.length !== 16 && configDigest.length !== 32) throw new Error(`configDigest must be 16 (OCR1) or 32 (OCR2) bytes, got ${configDigest.length}`);
  if (!Number.isSafeInteger(epoch) || epoch < 0) throw new RangeError(`epoch ${epoch} is not a uint64`);
  if (!Number.isSafeInteger(round) || round < 0) throw new RangeError(`round ${round} is not a uint64`);
  return keccak256(
    concatBytes(
      transmissionOrderKey,
      configDigest,
      uintToBytesLE(BigInt(epoch), 8),
      uintToBytesLE(BigInt(round), 8),
    ),
  ).slice(0, 16);
}

/**
 * The stage at which an oracle sitting at `position` of the permutation transmits: the first
 * stage i with position < S[0] + … + S[i]; null if position ≥ sum(S) (never transmits).
 */
export function transmissionStage(position: number, s: readonly number[]): number | null {
  let cumulative = 0;
  for (let stage = 0; stage < s.length; stage++) {
    cumulative += s[stage];
    if (position < cumulative) return stage;
  }
  return null;
}

/** Delay before oracle `oracleIndex` transmits (e, r), or null if the schedule never lets it transmit. */
export function transmissionDelayMs(args: {
  transmissionOrderKey: Uint8Array;
  configDigest: Uint8Array;
  epoch: number;
  round: number;
  oracleIndex: number;
  n: number;
  s: readonly number[];
  deltaStageMs: number;
}): number | null {
  const { oracleIndex, n } = args;
  if (!Number.isInteger(oracleIndex) || oracleIndex < 0 || oracleIndex >= n) {
    throw new RangeError(`oracleIndex ${oracleIndex} is outside [0, ${n})`);
  }
  const id = `${n}/${args.epoch}/${args.round}/${args.transmissionOrderKey.length}/${bytesToLatin1(args.transmissionOrderKey)}${bytesToLatin1(args.configDigest)}`;
  const order = permutations.getOrCompute(id, () => permutation(n, transmissionOrderPermutationKey(args.transmissionOrderKey, args.configDigest, args.epoch, args.round)));
  const stage = transmissionStage(order[oracleIndex], args.s);
  return stage === null ? null : stage * args.deltaStageMs;
}
