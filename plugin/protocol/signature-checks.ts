/**
 * The signature checks of report generation as one set the roles call through: the leader's
 * checks of each observation and each report signature it receives, and the follower's checks of
 * the observations in a report-req and of a final's attestation.
 *
 * The set exists so that a test can plant a regression, one check that accepts everything, in
 * one committee and show that the soak notices. Only `plantAcceptAllCheck` does that; it takes
 * the committee object itself, and neither the plugin's entry point, nor the protocol index, nor
 * any config or task option leads here, so a deployed feed always runs the real checks.
 */
import type { Address } from "../core/address.js";
import { type ReportContext, encodeReport } from "../core/report.js";
import type { AttestedReportMany } from "./messages.js";
import { type AttestationCheck, checkAttestedReport, isReportSignedBy, isValidObservationSignature } from "./verification.js";

export interface SignatureChecks {
  /** Leader: is an observe message's signature the sender's, over (context, value)? */
  readonly leaderObservation: (context: ReportContext, value: bigint, signature: Uint8Array, offchainPublicKey: Uint8Array) => boolean;
  /** Leader: is a report message's signature the sender's on-chain signature over the report? */
  readonly leaderReport: (report: Uint8Array, signature: Uint8Array, signer: Address) => boolean;
  /** Follower: is each observation of a report-req signed by its observer? */
  readonly followerObservation: (context: ReportContext, value: bigint, signature: Uint8Array, offchainPublicKey: Uint8Array) => boolean;
  /** Follower: does a final (or final-echo) carry more than f valid signatures of distinct signers? */
  readonly followerAttestation: (context: ReportContext, attested: AttestedReportMany, signers: readonly Address[], f: number) => AttestationCheck;
}

export type SignatureCheckName = keyof SignatureChecks;

export const SIGNATURE_CHECK_NAMES: readonly SignatureCheckName[] = ["leaderObservation", "leaderReport", "followerObservation", "followerAttestation"];

/** The real checks: what every oracle runs. */
export const SIGNATURE_CHECKS: SignatureChecks = {
  leaderObservation: isValidObservationSignature,
  leaderReport: (report, signature, signer) => isReportSignedBy(report, signature, signer),
  followerObservation: isValidObservationSignature,
  followerAttestation: checkAttestedReport,
};

/** The same check with its verdict forced to "valid" (a planted regression). */
const ACCEPT_ALL: SignatureChecks = {
  leaderObservation: () => true,
  leaderReport: () => true,
  followerObservation: () => true,
  // Accepts any signatures, but still hands on the report the observations make (or nothing, if
  // they cannot be encoded), so what it lets through is a transmittable report.
  followerAttestation: (context, attested) => {
    try {
      return { ok: true, report: encodeReport(context, attested.observations), signerIndices: attested.signatures.map((_, i) => i) };
    } catch (error) {
      return { ok: false, reason: String(error) };
    }
  },
};

const planted = new WeakMap<object, SignatureChecks>();

/**
 * Tests only: every oracle `owner` (a committee) starts from now on skips check `name`, accepting
 * whatever it is given. Used to show that the soak fails when any one signature check is lost.
 */
export function plantAcceptAllCheck(owner: object, name: SignatureCheckName): void {
  planted.set(owner, { ...(planted.get(owner) ?? SIGNATURE_CHECKS), [name]: ACCEPT_ALL[name] });
}

/** The checks the oracles of `owner` run: the real ones unless a test planted a regression. */
export function signatureChecksOf(owner: object): SignatureChecks {
  return planted.get(owner) ?? SIGNATURE_CHECKS;
}
