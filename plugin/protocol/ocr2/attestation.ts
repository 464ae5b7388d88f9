/**
 * The checks OCR2 report generation and finalization run on what other oracles send: signed
 * observations (Ed25519, over the hash that covers the query) and attested reports (secp256k1,
 * over the OCR2 signed hash the contract recomputes). Each check says why it failed, so a
 * refused message can be traced.
 */
import { type Address, addressFromPublicKey } from "../../core/address.js";
import { bytesToLatin1 } from "../../core/bytes.js";
import { type Ocr2ObservationContext, ocr2ExtraHash, verifyOcr2Observation } from "../../core/ocr2/observation-signature.js";
import { type Ocr2ReportContext, ocr2SignedHash } from "../../core/ocr2/report.js";
import { recoverPublicKeyFromDigest } from "../../core/secp256k1.js";
import { BoundedMemo } from "../../core/bounded-memo.js";
import type { Ocr2AttestedReportMany, Ocr2AttributedSignedObservation } from "./messages.js";

/** Size limits of the reporting plugin, enforced on everything received. */
export interface Ocr2PluginLimits {
  readonly maxQueryLength: number;
  readonly maxObservationLength: number;
  readonly maxReportLength: number;
}

/*
 * In one process every follower, and every oracle's finalization, checks the same report
 * signatures and signed observations, so each check would run up to n (or n²) times: at
 * (31,10) that was a second of secp256k1 recoveries per report. Verdicts are memoised, as for
 * OCR1 (verification.ts): a check is a pure function of its bytes, and the key holds all of them
 * (the signed hash commits to the report and its context), so no sender can get a wrong verdict
 * out of the memo. Keys are latin1 strings of the bytes themselves, built without hashing:
 * building a key costs a copy, where hashing and hex-encoding it cost more than a lookup saves
 * (at (31,10) about 1,000 observation checks per round hit the memo).
 */
const recoveredSigners = new BoundedMemo<string | null>(8192);
const observationVerdicts = new BoundedMemo<boolean>(8192);

/** Whether `signature` recovers to `signer` over this report and context. Never throws. */
export function isOcr2ReportSignedBy(report: Uint8Array, context: Ocr2ReportContext, signature: Uint8Array, signer: Address): boolean {
  let signedHash: Uint8Array;
  try {
    signedHash = ocr2SignedHash(report, context);
  } catch {
    return false;
  }
  return isSignedHashSignedBy(signedHash, signature, signer);
}

/** Whether `signature` over the 32-byte `signedHash` recovers to `signer`. Never throws. */
function isSignedHashSignedBy(signedHash: Uint8Array, signature: Uint8Array, signer: Address): boolean {
  const recovered = recoveredSigners.getOrCompute(bytesToLatin1(signedHash) + bytesToLatin1(signature), () => {
    try {
      return addressFromPublicKey(recoverPublicKeyFromDigest(signedHash, signature)).toLowerCase();
    } catch {
      return null;
    }
  });
  return recovered !== null && recovered === signer.toLowerCase();
}

/**
 * The part of an observation's memo key that a whole report-req shares: the context and the
 * query, each variable-length part behind its length, so two different inputs never make one key.
 */
function observationKeyPrefix(context: Ocr2ObservationContext, query: Uint8Array): string {
  return `${context.epoch}/${context.round}/${context.configDigest.length}/${query.length}/${bytesToLatin1(context.configDigest)}${bytesToLatin1(query)}`;
}

/**
 * Whether `signature` is the observer's over this observation, context and query: the leader's
 * check of each observe message. Shares its memo with the followers' checks of the report-req,
 * so in one process each signed observation is verified once, as the crypto floor counts it.
 * Never throws.
 */
export function isValidOcr2ObservationSignature(check: Ocr2ObservationCheck): boolean {
  return isValidOcr2Observation(observationKeyPrefix(check.context, check.query), check);
}

/** What the check of one signed observation reads. */
export interface Ocr2ObservationCheck {
  readonly context: Ocr2ObservationContext;
  readonly query: Uint8Array;
  readonly observation: Uint8Array;
  readonly signature: Uint8Array;
  readonly offchainPublicKey: Uint8Array;
}

/** verifyOcr2Observation, memoised on everything it reads (see observationKeyPrefix). Never throws. */
function isValidOcr2Observation(keyPrefix: string, { context, query, observation, signature, offchainPublicKey }: Ocr2ObservationCheck): boolean {
  const key = `${keyPrefix}${observation.length}/${signature.length}/${bytesToLatin1(observation)}${bytesToLatin1(signature)}${bytesToLatin1(offchainPublicKey)}`;
  return observationVerdicts.getOrCompute(key, () => verifyOcr2Observation(context, query, observation, signature, offchainPublicKey));
}

export type Ocr2AttestationCheck = { readonly ok: true; readonly signers: readonly number[] } | { readonly ok: false; readonly reason: string };

/**
 * A final's attestation: exactly `quorum` signatures, from distinct in-range signers, each
 * valid over the report under `context` (which carries the final's extraHash).
 */
export function checkOcr2AttestedReport(args: {
  readonly context: Ocr2ReportContext;
  readonly attested: Ocr2AttestedReportMany;
  readonly signerAddresses: readonly Address[];
  readonly quorum: number;
  readonly maxReportLength: number;
}): Ocr2AttestationCheck {
  const { attested, signerAddresses } = args;
  if (attested.report.length > args.maxReportLength) return { ok: false, reason: `report of ${attested.report.length} bytes exceeds ${args.maxReportLength}` };
  if (attested.attributedSignatures.length !== args.quorum) {
    return { ok: false, reason: `${attested.attributedSignatures.length} signatures; exactly ${args.quorum} are required` };
  }
  // One signed hash for all the signatures (it covers the report, which can be a kilobyte).
  let signedHash: Uint8Array | null;
  try {
    signedHash = ocr2SignedHash(attested.report, args.context);
  } catch {
    signedHash = null; // a context that cannot be encoded: no signature over it is valid
  }
  const seen = new Set<number>();
  for (const { signer, signature } of attested.attributedSignatures) {
    if (!Number.isInteger(signer) || signer < 0 || signer >= signerAddresses.length) return { ok: false, reason: `signer ${signer} is not an oracle` };
    if (seen.has(signer)) return { ok: false, reason: `signer ${signer} signed twice` };
    seen.add(signer);
    if (signedHash === null || !isSignedHashSignedBy(signedHash, signature, signerAddresses[signer])) {
      return { ok: false, reason: `bad signature from signer ${signer}` };
    }
  }
  return { ok: true, signers: attested.attributedSignatures.map((s) => s.signer) };
}

/**
 * A report-req's observations: more than 2f, observers distinct and in range, each within the
 * plugin's limit and validly signed by its observer over (context, query). Returns the
 * extraHash of the list, which every report signature will cover.
 */
export function checkOcr2ReportRequest(args: {
  readonly context: { readonly configDigest: Uint8Array; readonly epoch: number; readonly round: number };
  readonly query: Uint8Array;
  readonly observations: readonly Ocr2AttributedSignedObservation[];
  readonly offchainPublicKeys: readonly Uint8Array[];
  readonly f: number;
  readonly limits: Ocr2PluginLimits;
}): { readonly ok: true; readonly extraHash: Uint8Array } | { readonly ok: false; readonly reason: string } {
  const { observations, offchainPublicKeys } = args;
  if (args.query.length > args.limits.maxQueryLength) return { ok: false, reason: `query of ${args.query.length} bytes exceeds ${args.limits.maxQueryLength}` };
  if (observations.length <= 2 * args.f) return { ok: false, reason: `too few observations: ${observations.length}, more than 2f = ${2 * args.f} needed` };
  const keyPrefix = observationKeyPrefix(args.context, args.query);
  const seen = new Set<number>();
  for (const { observer, signedObservation } of observations) {
    if (!Number.isInteger(observer) || observer < 0 || observer >= offchainPublicKeys.length) return { ok: false, reason: `observer ${observer} is not an oracle` };
    if (seen.has(observer)) return { ok: false, reason: `observer ${observer} appears twice` };
    seen.add(observer);
    if (signedObservation.observation.length > args.limits.maxObservationLength) return { ok: false, reason: `observation of observer ${observer} exceeds ${args.limits.maxObservationLength} bytes` };
    if (!isValidOcr2Observation(keyPrefix, {
        context: args.context,
        query: args.query,
        observation: signedObservation.observation,
        signature: signedObservation.signature,
        offchainPublicKey: offchainPublicKeys[observer],
      })) {
      return { ok: false, reason: `bad signature from observer ${observer}` };
    }
  }
  const extraHash = ocr2ExtraHash(
    args.query,
    observations.map(({ observer, signedObservation }) => ({ observer, observation: signedObservation.observation })),
  );
  return { ok: true, extraHash };
}
