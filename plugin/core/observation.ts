/**
 * Signed observations (spec §2.3). A follower proves to the leader that a value is its own by
 * signing the 56-byte message rawReportContext ‖ int192 value with its Ed25519 off-chain key.
 * Binding the config digest, epoch and round into the message stops a leader from replaying
 * an old observation in a later round.
 */
import { concatBytes, intToBytesBE } from "./bytes.js";
import { ed25519Sign, ed25519Verify } from "./ed25519.js";
import { type ReportContext, MAX_OBSERVATION, MIN_OBSERVATION, encodeReportContext } from "./report.js";

/** Byte length of an observation off chain: int192, big-endian two's complement. */
export const OBSERVATION_BYTES = 24;
/** Byte length of an Ed25519 signature. */
export const OBSERVATION_SIGNATURE_BYTES = 64;

/** True when `value` fits in an int192, the only values the contract can store. */
export function isInt192(value: bigint): boolean {
  return value >= MIN_OBSERVATION && value <= MAX_OBSERVATION;
}

/** The 24-byte off-chain encoding of an observation. Throws outside int192. */
export function encodeObservationValue(value: bigint): Uint8Array {
  if (!isInt192(value)) throw new RangeError(`observation ${value} does not fit in int192`);
  return intToBytesBE(value, OBSERVATION_BYTES);
}

/** The exact bytes an oracle signs for an observation: rawReportContext (32) ‖ value (24). */
export function observationMessage(context: ReportContext, value: bigint): Uint8Array {
  return concatBytes(encodeReportContext(context), encodeObservationValue(value));
}

/** Ed25519 signature (64 bytes) over {@link observationMessage}. */
export function signObservation(
  context: ReportContext,
  value: bigint,
  offchainSigningKey: Uint8Array,
): Uint8Array {
  return ed25519Sign(observationMessage(context, value), offchainSigningKey);
}

/**
 * Whether `signature` is `offchainPublicKey`'s signature over this context and value.
 * Never throws: malformed keys, signatures or out-of-range values simply do not verify,
 * because the caller is checking untrusted input from another oracle.
 */
export function verifyObservation(
  context: ReportContext,
  value: bigint,
  signature: Uint8Array,
  offchainPublicKey: Uint8Array,
): boolean {
  if (signature.length !== OBSERVATION_SIGNATURE_BYTES || offchainPublicKey.length !== 32) return false;
  try {
    return ed25519Verify(signature, observationMessage(context, value), offchainPublicKey);
  } catch {
    return false;
  }
}
