/**
 * The two SHA-256 hashes OCR2's report generation adds over OCR1 (ocr2-spec §3.4): the message
 * a follower signs with its Ed25519 key for each observation (it covers the query too, unlike
 * OCR1's raw context ‖ value), and extraHash, which commits the report signatures to the exact
 * query and observations the leader sent out. The contract never interprets extraHash; Chainlink
 * nodes check both, so the byte layouts follow libocr.
 */
import { sha256 } from "@noble/hashes/sha2.js";

import { concatBytes, uintToBytesBE } from "../bytes.js";
import { ed25519Sign, ed25519Verify } from "../ed25519.js";

/** Which config, epoch and round an observation belongs to. */
export interface Ocr2ObservationContext {
  /** 32-byte config digest. */
  readonly configDigest: Uint8Array;
  /** uint32 */
  readonly epoch: number;
  /** uint8 */
  readonly round: number;
}

/** An observation's bytes with the index of the oracle that made it. */
export interface Ocr2AttributedObservation {
  readonly observation: Uint8Array;
  readonly observer: number;
}

function lengthPrefixed(bytes: Uint8Array): Uint8Array {
  return concatBytes(uintToBytesBE(BigInt(bytes.length), 8), bytes);
}

function checkContext(context: Ocr2ObservationContext): void {
  if (context.configDigest.length !== 32) throw new Error(`an OCR2 config digest is 32 bytes, got ${context.configDigest.length}`);
  if (!Number.isInteger(context.epoch) || context.epoch < 0 || context.epoch > 0xffffffff) throw new RangeError(`epoch ${context.epoch} is not a uint32`);
  if (!Number.isInteger(context.round) || context.round < 0 || context.round > 0xff) throw new RangeError(`round ${context.round} is not a uint8`);
}

/**
 * SHA-256(digest ‖ uint32 BE epoch ‖ uint8 round ‖ uint64 BE len(query) ‖ query ‖
 * uint64 BE len(observation) ‖ observation): the 32 bytes an observer's Ed25519 key signs.
 */
export function ocr2ObservationSigningHash(context: Ocr2ObservationContext, query: Uint8Array, observation: Uint8Array): Uint8Array {
  checkContext(context);
  return sha256(
    concatBytes(
      context.configDigest,
      uintToBytesBE(BigInt(context.epoch), 4),
      Uint8Array.of(context.round),
      lengthPrefixed(query),
      lengthPrefixed(observation),
    ),
  );
}

/** The observer's 64-byte Ed25519 signature over ocr2ObservationSigningHash. */
export function signOcr2Observation(context: Ocr2ObservationContext, query: Uint8Array, observation: Uint8Array, offchainSigningKey: Uint8Array): Uint8Array {
  return ed25519Sign(ocr2ObservationSigningHash(context, query, observation), offchainSigningKey);
}

/** Whether `signature` is the holder of `offchainPublicKey`'s signature of this observation. Never throws. */
export function verifyOcr2Observation(
  context: Ocr2ObservationContext,
  query: Uint8Array,
  observation: Uint8Array,
  signature: Uint8Array,
  offchainPublicKey: Uint8Array,
): boolean {
  try {
    return ed25519Verify(signature, ocr2ObservationSigningHash(context, query, observation), offchainPublicKey);
  } catch {
    return false;
  }
}

/**
 * SHA-256(uint64 BE len(query) ‖ query ‖ uint64 BE count ‖ for each observation in the given
 * order: uint64 BE len(observation) ‖ observation ‖ uint8 observer).
 */
export function ocr2ExtraHash(query: Uint8Array, observations: readonly Ocr2AttributedObservation[]): Uint8Array {
  const parts: Uint8Array[] = [lengthPrefixed(query), uintToBytesBE(BigInt(observations.length), 8)];
  for (const { observation, observer } of observations) {
    if (!Number.isInteger(observer) || observer < 0 || observer > 0xff) throw new RangeError(`observer ${observer} is not a uint8`);
    parts.push(lengthPrefixed(observation), Uint8Array.of(observer));
  }
  return sha256(concatBytes(...parts));
}
