/**
 * The seven OCR1 protocol messages (spec §2.5). Messages carry only what they can prove: the
 * network stamps the true sender, observations carry the observer's Ed25519 signature and
 * reports carry secp256k1 signatures, and every receiver checks them. Messages are treated as
 * immutable values once sent.
 */
import type { AttributedObservation } from "../core/report.js";

/** An observation as its observer signed it for (configDigest, epoch, round). */
export interface SignedObservation {
  readonly value: bigint;
  /** 64-byte Ed25519 signature over reportContext ‖ int192(value) (spec §2.3). */
  readonly signature: Uint8Array;
}

/** A signed observation tagged with the index of the oracle that made it. */
export interface AttributedSignedObservation extends SignedObservation {
  readonly observer: number;
}

/** One follower's attestation: the observations it saw and its signature over the report. */
export interface AttestedReportOne {
  readonly observations: readonly AttributedObservation[];
  /** 65 bytes r ‖ s ‖ v over keccak256(report). */
  readonly signature: Uint8Array;
}

/** A report with enough signatures to go on chain. */
export interface AttestedReportMany {
  readonly observations: readonly AttributedObservation[];
  readonly signatures: readonly Uint8Array[];
}

export interface NewEpochMessage {
  readonly type: "newepoch";
  readonly epoch: number;
}
export interface ObserveReqMessage {
  readonly type: "observe-req";
  readonly epoch: number;
  readonly round: number;
}
export interface ObserveMessage {
  readonly type: "observe";
  readonly epoch: number;
  readonly round: number;
  readonly observation: SignedObservation;
}
export interface ReportReqMessage {
  readonly type: "report-req";
  readonly epoch: number;
  readonly round: number;
  /** Sorted ascending by value (ties by observer). */
  readonly observations: readonly AttributedSignedObservation[];
}
export interface ReportMessage {
  readonly type: "report";
  readonly epoch: number;
  readonly round: number;
  readonly report: AttestedReportOne;
}
export interface FinalMessage {
  readonly type: "final";
  readonly epoch: number;
  readonly round: number;
  readonly report: AttestedReportMany;
}
export interface FinalEchoMessage {
  readonly type: "final-echo";
  readonly epoch: number;
  readonly round: number;
  readonly report: AttestedReportMany;
}

/** Messages handled by report generation; all of them belong to one epoch. */
export type ReportGenerationMessage =
  | ObserveReqMessage
  | ObserveMessage
  | ReportReqMessage
  | ReportMessage
  | FinalMessage
  | FinalEchoMessage;

export type ProtocolMessage = NewEpochMessage | ReportGenerationMessage;
export type MessageType = ProtocolMessage["type"];

/** Messages only the leader consumes (sent follower → leader). */
export function isForLeader(m: ReportGenerationMessage): m is ObserveMessage | ReportMessage {
  return m.type === "observe" || m.type === "report";
}
