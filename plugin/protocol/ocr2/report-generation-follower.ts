/**
 * OCR2 report generation, follower side (ocr2-spec §3.4). Every oracle, the leader included, runs
 * one per epoch. Differences from OCR1's follower (../report-generation-follower.ts): it signs
 * the plugin's opaque observation together with the round's query; on a valid report-req it asks
 * the plugin's Report whether and what to report, and answers either with a report signed over
 * the OCR2 signed hash (which covers extraHash) or with a skip, which also completes the round;
 * it checks a final's exactly-quorum signatures itself and hands the final to report
 * finalization, which does the echoing (OCR1's follower counted f+1 echoes here).
 *
 * Each plugin call is bounded by its MaxDuration timer: an answer that arrives after the timer
 * fired is ignored, so a slow data source or RPC cannot hold a round past its budget.
 */
import type { Ocr2AttributedObservation } from "../../core/ocr2/observation-signature.js";
import { signOcr2Observation } from "../../core/ocr2/observation-signature.js";
import { type Ocr2ReportContext, signOcr2Report } from "../../core/ocr2/report.js";
import type { CommonOutput, Emit } from "../outputs.js";
import { checkOcr2AttestedReport, checkOcr2ReportRequest } from "./attestation.js";
import type { Ocr2FinalMessage, Ocr2ObserveReqMessage, Ocr2ProtocolMessage, Ocr2ReportReqMessage } from "./messages.js";
import type { Ocr2ReportGenerationConfig } from "./report-generation-config.js";

export type Ocr2FollowerTimer = "observation" | "report";

/** A final this follower checked, for report finalization. */
export interface Ocr2CheckedFinal {
  readonly final: Ocr2FinalMessage;
  /** Oracle index of each signature's signer, in signature order. */
  readonly signers: readonly number[];
}

/** What the plugin's Report decided: a report to sign, or nothing to report (a skip). */
export type Ocr2ReportDecision = { readonly shouldReport: true; readonly report: Uint8Array; readonly reasons?: readonly string[] } | { readonly shouldReport: false; readonly reason: string };

export type Ocr2FollowerOutput =
  | CommonOutput<Ocr2FollowerTimer, Ocr2ProtocolMessage>
  /** Call the plugin's Observation; answer with `onObservation` within MaxDurationObservation. */
  | { readonly kind: "request-observation"; readonly epoch: number; readonly round: number; readonly query: Uint8Array }
  /** Call the plugin's Report; answer with `onReportDecision` within MaxDurationReport. */
  | {
      readonly kind: "request-report";
      readonly epoch: number;
      readonly round: number;
      readonly query: Uint8Array;
      /** In oracle-id order, signatures already checked. */
      readonly observations: readonly Ocr2AttributedObservation[];
    }
  /** A round completed (skip or final): the pacemaker re-arms its progress timer. */
  | { readonly kind: "progress" }
  /** The leader asked for round RMax+1: this epoch is over. */
  | { readonly kind: "change-leader" }
  /** A valid final from the leader: report finalization takes it from here. */
  | ({ readonly kind: "final-checked" } & Ocr2CheckedFinal);

export interface Ocr2FollowerConfig extends Ocr2ReportGenerationConfig {
  readonly ownIndex: number;
  /** Ed25519 seed; signs observations. */
  readonly offchainSigningKey: Uint8Array;
  /** secp256k1 secret; signs reports. */
  readonly onchainSigningKey: Uint8Array;
}

interface RoundState {
  query: Uint8Array;
  /** Waiting for the plugin's Observation (false once answered or timed out). */
  awaitingObservation: boolean;
  reportReqAccepted: boolean;
  extraHash: Uint8Array | null;
  awaitingReport: boolean;
  sentReport: boolean;
  completed: boolean;
  finalSeen: boolean;
}

function freshRoundState(query: Uint8Array): RoundState {
  return { query, awaitingObservation: true, reportReqAccepted: false, extraHash: null, awaitingReport: false, sentReport: false, completed: false, finalSeen: false };
}

export class Ocr2ReportGenerationFollower {
  private round = 0;
  private state: RoundState = freshRoundState(new Uint8Array(0));

  constructor(
    private readonly config: Ocr2FollowerConfig,
    readonly epoch: number,
    readonly leader: number,
    private readonly emit: Emit<Ocr2FollowerOutput>,
  ) {}

  get currentRound(): number {
    return this.round;
  }

  /**
   * After a restart: this oracle already answered a report-req (signed a report or skipped) in
   * rounds up to `round` of this epoch, so it takes part only in later rounds.
   */
  resumeAfter(round: number): void {
    if (round <= this.round) return;
    this.round = round;
    this.state = { ...freshRoundState(new Uint8Array(0)), awaitingObservation: false, reportReqAccepted: true, sentReport: true };
  }

  /** Stop all timers (the epoch ended). */
  stop(): void {
    this.emit({ kind: "cancel-timer", timer: "observation" });
    this.emit({ kind: "cancel-timer", timer: "report" });
  }

  onObserveReq(sender: number, message: Ocr2ObserveReqMessage): void {
    if (sender !== this.leader || message.epoch !== this.epoch) return;
    if (message.round <= this.round || message.round > this.config.rMax + 1) return;
    this.round = message.round; // rounds may skip, e.g. after this oracle missed some
    this.stop();
    if (this.round > this.config.rMax) {
      this.emit({ kind: "trace", event: { type: "change-leader", epoch: this.epoch, round: this.round } });
      this.emit({ kind: "change-leader" });
      return;
    }
    this.state = freshRoundState(message.query);
    if (message.query.length > this.config.limits.maxQueryLength) {
      this.state.awaitingObservation = false;
      this.trace("observation", `query of ${message.query.length} bytes exceeds ${this.config.limits.maxQueryLength}`);
      return;
    }
    this.emit({ kind: "set-timer", timer: "observation", delayMs: this.config.maxDurationObservationMs });
    this.emit({ kind: "request-observation", epoch: this.epoch, round: this.round, query: message.query });
  }

  /** The plugin's Observation answered (null: it failed, e.g. a data source errored). */
  onObservation(epoch: number, round: number, observation: Uint8Array | null): void {
    if (epoch !== this.epoch || round !== this.round || !this.state.awaitingObservation) return;
    this.state.awaitingObservation = false;
    this.emit({ kind: "cancel-timer", timer: "observation" });
    if (observation === null) return this.trace("observation", "Observation failed");
    if (observation.length > this.config.limits.maxObservationLength) {
      return this.trace("observation", `observation of ${observation.length} bytes exceeds ${this.config.limits.maxObservationLength}`);
    }
    const signature = signOcr2Observation(this.observationContext(), this.state.query, observation, this.config.offchainSigningKey);
    this.emit({ kind: "send", to: this.leader, message: { type: "observe", epoch, round, signedObservation: { observation, signature } } });
  }

  onTimer(timer: Ocr2FollowerTimer): void {
    if (timer === "observation" && this.state.awaitingObservation) {
      this.state.awaitingObservation = false;
      this.trace("observation", "Observation exceeded MaxDurationObservation");
    } else if (timer === "report" && this.state.awaitingReport) {
      this.state.awaitingReport = false;
      this.emit({ kind: "trace", event: { type: "should-report", epoch: this.epoch, round: this.round, report: false, reasons: ["Report exceeded MaxDurationReport"] } });
    }
  }

  onReportReq(sender: number, message: Ocr2ReportReqMessage): void {
    if (sender !== this.leader || message.epoch !== this.epoch || message.round !== this.round) return;
    if (this.state.reportReqAccepted || this.state.sentReport || this.state.completed) return;
    const check = checkOcr2ReportRequest({
      context: this.observationContext(),
      query: message.query,
      observations: message.attributedSignedObservations,
      offchainPublicKeys: this.config.offchainPublicKeys,
      f: this.config.f,
      limits: this.config.limits,
    });
    if (!check.ok) {
      this.emit({ kind: "trace", event: { type: "report-req-rejected", epoch: this.epoch, round: this.round, reason: check.reason } });
      return;
    }
    this.state.reportReqAccepted = true;
    this.state.extraHash = check.extraHash;
    this.state.query = message.query;
    this.state.awaitingReport = true;
    this.emit({ kind: "set-timer", timer: "report", delayMs: this.config.maxDurationReportMs });
    this.emit({
      kind: "request-report",
      epoch: this.epoch,
      round: this.round,
      query: message.query,
      observations: message.attributedSignedObservations.map(({ observer, signedObservation }) => ({ observer, observation: signedObservation.observation })),
    });
  }

  /** The plugin's Report answered (null: it failed, e.g. reading the contract errored). */
  onReportDecision(epoch: number, round: number, decision: Ocr2ReportDecision | null): void {
    if (epoch !== this.epoch || round !== this.round || !this.state.awaitingReport) return;
    this.state.awaitingReport = false;
    this.emit({ kind: "cancel-timer", timer: "report" });
    if (decision === null) {
      // An error is not a decision: send nothing and let the round (and, if need be, the epoch) time out.
      this.emit({ kind: "trace", event: { type: "should-report", epoch, round, report: false, reasons: ["Report failed"] } });
      return;
    }
    if (decision.shouldReport && decision.report.length > this.config.limits.maxReportLength) {
      this.emit({ kind: "trace", event: { type: "should-report", epoch, round, report: false, reasons: [`report exceeds ${this.config.limits.maxReportLength} bytes`] } });
      return;
    }
    this.state.sentReport = true;
    if (decision.shouldReport) {
      this.emit({ kind: "trace", event: { type: "should-report", epoch, round, report: true, reasons: decision.reasons ?? [] } });
      const signature = signOcr2Report(decision.report, this.reportContext(this.state.extraHash!), this.config.onchainSigningKey);
      this.emit({ kind: "send", to: this.leader, message: { type: "report", epoch, round, attestedReport: { skip: false, report: decision.report, signature } } });
      return;
    }
    this.emit({ kind: "trace", event: { type: "should-report", epoch, round, report: false, reasons: [decision.reason] } });
    this.emit({ kind: "send", to: this.leader, message: { type: "report", epoch, round, attestedReport: { skip: true, report: new Uint8Array(0), signature: new Uint8Array(0) } } });
    this.completeRound(false);
  }

  onFinal(sender: number, message: Ocr2FinalMessage): void {
    if (sender !== this.leader || message.epoch !== this.epoch || message.round !== this.round || this.state.finalSeen) return;
    const check = checkOcr2AttestedReport({
      context: this.reportContext(message.extraHash),
      attested: message.attestedReport,
      signerAddresses: this.config.signerAddresses,
      quorum: this.config.reportQuorum,
      maxReportLength: this.config.limits.maxReportLength,
    });
    if (!check.ok) {
      this.emit({ kind: "trace", event: { type: "final-rejected", epoch: this.epoch, round: this.round, reason: check.reason } });
      return;
    }
    this.state.finalSeen = true;
    this.emit({ kind: "final-checked", final: message, signers: check.signers });
    // A follower that skipped already completed the round; the final is still handed on.
    if (!this.state.completed) this.completeRound(true);
  }

  private completeRound(reported: boolean): void {
    this.state.completed = true;
    this.emit({ kind: "trace", event: { type: "round-complete", epoch: this.epoch, round: this.round, reported } });
    this.emit({ kind: "progress" });
  }

  private trace(type: "observation", error: string): void {
    this.emit({ kind: "trace", event: { type, epoch: this.epoch, round: this.round, value: null, error } });
  }

  private observationContext() {
    return { configDigest: this.config.configDigest, epoch: this.epoch, round: this.round };
  }

  private reportContext(extraHash: Uint8Array): Ocr2ReportContext {
    return { ...this.observationContext(), extraHash };
  }
}
