/**
 * Signature checks shared by the report-generation roles.
 *
 * In one process every follower checks the same observation and report signatures, so each
 * check would run n times. The verdicts are memoised here: signature verification is a pure
 * function of (public key or digest, message, signature), and the cache key contains all of
 * those bytes, so a sender cannot make a wrong verdict come out of the cache. It turns the
 * (31,10) committee's ~n² secp256k1 recoveries per round into ~n.
 *
 * Report signatures are the costliest check left. The leader knows who sent each one, so once
 * it has met an oracle's key it checks signatures against that key (`isReportSignatureBy`: with
 * the JavaScript secp256k1 backend through a precomputed table, 2–3× cheaper than recovering the
 * signer; with libsecp256k1 a recovery and a comparison); a signature found good that way goes
 * into the same memo, so followers checking the final's signatures find the signer without
 * recovering it.
 */
import { type Address, addressFromPublicKey, sameAddress } from "../core/address.js";
import { bytesEqual, bytesToHex } from "../core/bytes.js";
import { verifyObservation } from "../core/observation.js";
import {
  type AttributedObservation,
  type ReportContext,
  type PreparedReportSigner,
  encodeReport,
  isReportSignatureBy,
  prepareReportSigner,
  recoverReportSignerKey,
  reportDigest,
} from "../core/report.js";
import type { AttestedReportMany } from "./messages.js";

export { BoundedMemo } from "../core/bounded-memo.js";
import { BoundedMemo } from "../core/bounded-memo.js";

// A round needs at most n (≤ 31) observation checks, n report signers and one final check, so a
// few hundred rounds of history is plenty; larger caps only held memory in long soaks.
const observationVerdicts = new BoundedMemo<boolean>(8192);
const reportSigners = new BoundedMemo<Address | null>(8192);
const attestationChecks = new BoundedMemo<AttestationCheck>(2048);

/** Is `signature` the observer's Ed25519 signature over (context, value)? */
export function isValidObservationSignature(
  context: ReportContext,
  value: bigint,
  signature: Uint8Array,
  offchainPublicKey: Uint8Array,
): boolean {
  // In one process a signed observation is one object that the leader forwards to every
  // follower: remember the verdict on the signature bytes' identity first (no key to build).
  const seen = observationVerdictsBySignature.get(signature);
  if (
    seen !== undefined &&
    seen.value === value &&
    seen.epoch === context.epoch &&
    seen.round === context.round &&
    bytesEqual(seen.publicKey, offchainPublicKey) &&
    bytesEqual(seen.configDigest, context.configDigest)
  ) {
    return seen.verdict;
  }
  const key = [
    bytesToHex(offchainPublicKey),
    bytesToHex(context.configDigest),
    context.epoch,
    context.round,
    value.toString(),
    bytesToHex(signature),
  ].join("|");
  const verdict = observationVerdicts.getOrCompute(key, () => {
    try {
      return verifyObservation(context, value, signature, offchainPublicKey);
    } catch {
      return false;
    }
  });
  observationVerdictsBySignature.set(signature, {
    value,
    epoch: context.epoch,
    round: context.round,
    publicKey: offchainPublicKey,
    configDigest: context.configDigest,
    verdict,
  });
  return verdict;
}

/** Verdicts by signature object; a hit also needs equal value, round, key and digest. */
const observationVerdictsBySignature = new WeakMap<
  Uint8Array,
  {
    readonly value: bigint;
    readonly epoch: number;
    readonly round: number;
    readonly publicKey: Uint8Array;
    readonly configDigest: Uint8Array;
    readonly verdict: boolean;
  }
>();

/**
 * Signer keys made ready for checks, by lower-case address. With the JavaScript backend each has
 * a precomputed table, which costs about as much as 8 recoveries and pays off after ~12 checks;
 * committee members are checked every round, so every signer met once gets one.
 */
const preparedSigners = new BoundedMemo<PreparedReportSigner>(1024);

function recoverAndLearnSigner(digest: Uint8Array, signature: Uint8Array): Address | null {
  let publicKey: Uint8Array;
  try {
    publicKey = recoverReportSignerKey(digest, signature);
  } catch {
    return null;
  }
  const address = addressFromPublicKey(publicKey);
  const id = address.toLowerCase();
  if (preparedSigners.get(id) === undefined) preparedSigners.set(id, prepareReportSigner(publicKey));
  return address;
}

/** The address that signed `report`, or null if the signature is malformed. */
export function reportSignerOf(report: Uint8Array, signature: Uint8Array, digest = reportDigest(report)): Address | null {
  return reportSigners.getOrCompute(bytesToHex(digest) + bytesToHex(signature), () => recoverAndLearnSigner(digest, signature));
}

/** Would the contract count `signature` over `report` as `expected`'s? */
export function isReportSignedBy(report: Uint8Array, signature: Uint8Array, expected: Address, digest = reportDigest(report)): boolean {
  const key = bytesToHex(digest) + bytesToHex(signature);
  const known = reportSigners.get(key);
  if (known !== undefined) return known !== null && sameAddress(known, expected);
  const prepared = preparedSigners.get(expected.toLowerCase());
  if (prepared === undefined) {
    const signer = reportSignerOf(report, signature, digest);
    return signer !== null && sameAddress(signer, expected);
  }
  // A failed check proves only that `expected` did not sign; the signer stays unknown.
  if (!isReportSignatureBy(digest, signature, prepared)) return false;
  reportSigners.set(key, prepared.address);
  return true;
}

/** Index of `address` among the configured signers, or -1. */
export function signerIndexOf(address: Address, signers: readonly Address[]): number {
  return signers.findIndex((s) => sameAddress(s, address));
}

/** Non-decreasing by value: the order the contract insists on. */
export function isSortedByValue(observations: readonly { readonly value: bigint }[]): boolean {
  for (let i = 1; i < observations.length; i++) {
    if (observations[i - 1].value > observations[i].value) return false;
  }
  return true;
}

/** Observer ids all in [0, n) and pairwise distinct. */
export function observersValid(observations: readonly { readonly observer: number }[], n: number): boolean {
  const seen = new Set<number>();
  for (const { observer } of observations) {
    if (!Number.isInteger(observer) || observer < 0 || observer >= n || seen.has(observer)) return false;
    seen.add(observer);
  }
  return true;
}

export type AttestationCheck =
  | { readonly ok: true; readonly report: Uint8Array; readonly signerIndices: readonly number[] }
  | { readonly ok: false; readonly reason: string };

/**
 * Check a final / final-echo report the way a follower must before echoing or transmitting it:
 * well-formed observations and more than f signatures, each from a distinct configured signer
 * over the report built for `context`.
 */
export function checkAttestedReport(
  context: ReportContext,
  attested: AttestedReportMany,
  signers: readonly Address[],
  f: number,
): AttestationCheck {
  // In one process the final and its echoes are one object passed around: remember the verdict
  // on the object itself, valid for the same context, f and signer list.
  const contextKey = `${bytesToHex(context.configDigest)}|${context.epoch}|${context.round}|${f}`;
  const seen = attestationChecksByMessage.get(attested);
  if (seen !== undefined && seen.contextKey === contextKey && sameSigners(seen.signers, signers)) return seen.check;
  // Every follower gets the same final-echo from every oracle; the key holds every input that
  // decides the verdict (the digest pins the signer list), so identical copies are checked once.
  const key = [
    bytesToHex(context.configDigest),
    context.epoch,
    context.round,
    f,
    signers.join(","),
    observationsKey(attested.observations),
    attested.signatures.map(bytesToHex).join(","),
  ].join("|");
  const check = attestationChecks.getOrCompute(key, () => uncachedCheckAttestedReport(context, attested, signers, f));
  attestationChecksByMessage.set(attested, { contextKey, signers, check });
  return check;
}

const attestationChecksByMessage = new WeakMap<
  AttestedReportMany,
  { readonly contextKey: string; readonly signers: readonly Address[]; readonly check: AttestationCheck }
>();

function sameSigners(a: readonly Address[], b: readonly Address[]): boolean {
  return a === b || (a.length === b.length && a.every((address, i) => address === b[i]));
}

function uncachedCheckAttestedReport(
  context: ReportContext,
  attested: AttestedReportMany,
  signers: readonly Address[],
  f: number,
): AttestationCheck {
  const { observations, signatures } = attested;
  if (observations.length <= 2 * f) return { ok: false, reason: "too few observations" };
  if (!observersValid(observations, signers.length)) return { ok: false, reason: "bad observer ids" };
  if (!isSortedByValue(observations)) return { ok: false, reason: "observations not sorted" };
  if (signatures.length <= f) return { ok: false, reason: "not enough signatures" };
  let report: Uint8Array;
  try {
    report = encodeReport(context, observations);
  } catch (error) {
    return { ok: false, reason: `unencodable report: ${(error as Error).message}` };
  }
  const digest = reportDigest(report);
  const signerIndices: number[] = [];
  for (const signature of signatures) {
    const signer = reportSignerOf(report, signature, digest);
    const index = signer === null ? -1 : signerIndexOf(signer, signers);
    if (index < 0) return { ok: false, reason: "signature from an unknown signer" };
    if (signerIndices.includes(index)) return { ok: false, reason: "duplicate signer" };
    signerIndices.push(index);
  }
  return { ok: true, report, signerIndices };
}

/** A canonical string for a list of attributed observations (to group identical reports). */
export function observationsKey(observations: readonly AttributedObservation[]): string {
  return observations.map((o) => `${o.observer}:${o.value}`).join(",");
}
