/**
 * OCR2's report-generation messages (ocr2-spec §3.1), side by side with OCR1's in
 * ../messages.ts. The pacemaker's newepoch is shared and not repeated here.
 *
 * What differs from OCR1: observations are opaque plugin bytes signed together with the
 * round's query; the report-req carries the query and lists observations in oracle-id order
 * (OCR1 sorted by value); a follower may answer with a signed *skip*; the final carries the
 * report bytes, extraHash and each signature's signer; and a final-echo wraps the final it
 * relays (one valid echo finalizes, OCR1 counted f+1).
 */
import type { NewEpochMessage } from "../messages.js";

/** An observation and its observer's Ed25519 signature over the OCR2 observation hash. */
export interface Ocr2SignedObservation {
  readonly observation: Uint8Array;
  /** 64 bytes. */
  readonly signature: Uint8Array;
}

export interface Ocr2AttributedSignedObservation {
  readonly signedObservation: Ocr2SignedObservation;
  readonly observer: number;
}

/** One follower's answer to a report-req: a signed report, or a skip (empty report and signature). */
export interface Ocr2AttestedReportOne {
  readonly skip: boolean;
  readonly report: Uint8Array;
  /** 65 bytes r ‖ s ‖ v over the OCR2 signed hash; empty for a skip. */
  readonly signature: Uint8Array;
}

export interface Ocr2AttributedSignature {
  readonly signature: Uint8Array;
  readonly signer: number;
}

/** A report with exactly reportQuorum signatures, in signer order. */
export interface Ocr2AttestedReportMany {
  readonly report: Uint8Array;
  readonly attributedSignatures: readonly Ocr2AttributedSignature[];
}

export interface Ocr2ObserveReqMessage {
  readonly type: "observe-req";
  readonly epoch: number;
  readonly round: number;
  readonly query: Uint8Array;
}
export interface Ocr2ObserveMessage {
  readonly type: "observe";
  readonly epoch: number;
  readonly round: number;
  readonly signedObservation: Ocr2SignedObservation;
}
export interface Ocr2ReportReqMessage {
  readonly type: "report-req";
  readonly epoch: number;
  readonly round: number;
  readonly query: Uint8Array;
  /** In oracle-id order. */
  readonly attributedSignedObservations: readonly Ocr2AttributedSignedObservation[];
}
export interface Ocr2ReportMessage {
  readonly type: "report";
  readonly epoch: number;
  readonly round: number;
  readonly attestedReport: Ocr2AttestedReportOne;
}
export interface Ocr2FinalMessage {
  readonly type: "final";
  readonly epoch: number;
  readonly round: number;
  /** The extraHash every signature covers. */
  readonly extraHash: Uint8Array;
  readonly attestedReport: Ocr2AttestedReportMany;
}
export interface Ocr2FinalEchoMessage {
  readonly type: "final-echo";
  readonly final: Ocr2FinalMessage;
}

/** Messages of one epoch's report generation. */
export type Ocr2ReportGenerationMessage =
  | Ocr2ObserveReqMessage
  | Ocr2ObserveMessage
  | Ocr2ReportReqMessage
  | Ocr2ReportMessage
  | Ocr2FinalMessage;

/** Everything an OCR2 oracle sends. final-echo belongs to no epoch: report finalization handles it. */
export type Ocr2ProtocolMessage = NewEpochMessage | Ocr2ReportGenerationMessage | Ocr2FinalEchoMessage;

/**
 * An OCR2 message as it travels: tagged with its protocol, because both sets use the same
 * `type` names. An OCR1 oracle ignores tagged messages and an OCR2 oracle untagged ones, so the
 * two sets can never be mistaken for each other, in process or on the wire.
 */
export type Ocr2WireMessage = Ocr2ProtocolMessage & { readonly protocol: "ocr2" };

export function isOcr2Message(message: object): message is Ocr2WireMessage {
  return (message as { protocol?: unknown }).protocol === "ocr2";
}

/** `message` tagged for the wire (a shallow copy; the role's own object is left alone). */
export function tagOcr2(message: Ocr2ProtocolMessage): Ocr2WireMessage {
  return { ...message, protocol: "ocr2" };
}
