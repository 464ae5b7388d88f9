/**
 * Report generation, follower side (spec §2.5, §2.6). Every oracle, the leader included, runs
 * a follower: it observes when the epoch's leader asks, checks the leader's report-req before
 * signing anything, signs only when the chain needs an update (shouldReport), and relays a
 * final report to everyone (final-echo) so that once more than f oracles vouch for it, every
 * honest oracle can transmit it even if the leader then goes silent.
 */
import { signObservation } from "../core/observation.js";
import { type AttributedObservation, type ReportContext, encodeReport, signReport } from "../core/report.js";
import type {
  AttestedReportMany,
  FinalEchoMessage,
  FinalMessage,
  ObserveReqMessage,
  ReportReqMessage,
} from "./messages.js";
import type { CommonOutput, Emit } from "./outputs.js";
import type { ReportGenerationConfig } from "./report-generation-config.js";
import { type ShouldReportInputs, shouldReport } from "./should-report.js";
import { SIGNATURE_CHECKS } from "./signature-checks.js";
import { type AttestationCheck, isSortedByValue, observersValid } from "./verification.js";

export type FollowerOutput =
  | CommonOutput<never>
  /** Ask the data source for a value; answer with `onObservation`. */
  | { readonly kind: "request-observation"; readonly epoch: number; readonly round: number }
  /** Read latestTransmissionDetails and the latest RoundRequested; answer with `onChainReadings`. */
  | { readonly kind: "read-chain-for-report"; readonly epoch: number; readonly round: number }
  /** A round completed: the pacemaker re-arms its progress timer. */
  | { readonly kind: "progress" }
  /** This epoch is over (RMax rounds done): the pacemaker asks for the next one. */
  | { readonly kind: "change-leader" }
  /** More than f oracles vouched for this report: hand it to Transmission. */
  | ({ readonly kind: "transmit-event" } & AcceptedFinal);

/**
 * A final report this follower checked and more than f oracles vouched for, with what the check
 * established (the report bytes and who signed them), so nobody downstream encodes or recovers
 * them again.
 */
export interface AcceptedFinal {
  readonly epoch: number;
  readonly round: number;
  /** The epoch's leader, who assembled the report. */
  readonly leader: number;
  readonly attested: AttestedReportMany;
  /** The report bytes the signatures cover, as the contract will hash them. */
  readonly report: Uint8Array;
  /** Oracle index of each signature's signer, in signature order. */
  readonly signers: readonly number[];
}

export interface FollowerConfig extends ReportGenerationConfig {
  /** When a report is due: deviation threshold and heartbeat. */
  readonly alphaPPB: bigint;
  readonly deltaCMs: number;
  /** This oracle's index and signing keys. */
  readonly ownIndex: number;
  readonly offchainSigningKey: Uint8Array;
  readonly onchainSigningKey: Uint8Array;
}

/** Per-round progress of this follower. */
interface RoundState {
  reportReqAccepted: boolean;
  sentReport: boolean;
  /** The final report this follower echoed (adopted from final or an echo), with its checked bytes and signers. */
  echoed: { readonly attested: AttestedReportMany; readonly report: Uint8Array; readonly signers: readonly number[] } | null;
  readonly echoSenders: Set<number>;
  completed: boolean;
  /** Median of the accepted report-req, kept for the shouldReport check. */
  pendingReport: { observations: AttributedObservation[]; median: bigint } | null;
}

function freshRoundState(): RoundState {
  return {
    reportReqAccepted: false,
    sentReport: false,
    echoed: null,
    echoSenders: new Set(),
    completed: false,
    pendingReport: null,
  };
}

export class ReportGenerationFollower {
  private round = 0;
  private state: RoundState = freshRoundState();

  constructor(
    private readonly config: FollowerConfig,
    readonly epoch: number,
    readonly leader: number,
    private readonly emit: Emit<FollowerOutput>,
  ) {}

  get currentRound(): number {
    return this.round;
  }

  /**
   * Before a crash this oracle signed a report in round `round` of this epoch (its store says
   * so): take part only in later rounds, and never sign again in this one. A final report for
   * `round` is still relayed, which signs nothing.
   */
  resumeAfter(round: number): void {
    if (round <= this.round) return;
    this.round = round;
    this.state = { ...freshRoundState(), reportReqAccepted: true, sentReport: true };
  }

  onObserveReq(sender: number, message: ObserveReqMessage): void {
    if (sender !== this.leader || message.epoch !== this.epoch) return;
    if (message.round <= this.round || message.round > this.config.rMax + 1) return;
    this.round = message.round; // rounds may skip, e.g. after this oracle missed some
    if (this.round > this.config.rMax) {
      this.emit({ kind: "trace", event: { type: "change-leader", epoch: this.epoch, round: this.round } });
      this.emit({ kind: "change-leader" });
      return;
    }
    this.state = freshRoundState();
    this.emit({ kind: "request-observation", epoch: this.epoch, round: this.round });
  }

  /** The data source answered (null: error or timeout, so this oracle stays silent). */
  onObservation(epoch: number, round: number, value: bigint | null): void {
    if (epoch !== this.epoch || round !== this.round || value === null) return;
    let signature: Uint8Array;
    try {
      signature = signObservation(this.context(), value, this.config.offchainSigningKey);
    } catch (e) {
      // Out of int192 range: not something the contract could ever accept.
      this.emit({ kind: "trace", event: { type: "observation", epoch, round, value: null, error: String(e) } });
      return;
    }
    this.emit({
      kind: "send",
      to: this.leader,
      message: { type: "observe", epoch, round, observation: { value, signature } },
    });
  }

  onReportReq(sender: number, message: ReportReqMessage): void {
    if (sender !== this.leader || message.epoch !== this.epoch || message.round !== this.round) return;
    if (this.state.reportReqAccepted || this.state.sentReport || this.state.completed) return;
    const problem = this.reportReqProblem(message);
    if (problem !== null) {
      this.emit({
        kind: "trace",
        event: { type: "report-req-rejected", epoch: this.epoch, round: this.round, reason: problem },
      });
      return;
    }
    const observations = message.observations.map(({ observer, value }) => ({ observer, value }));
    this.state.reportReqAccepted = true;
    this.state.pendingReport = { observations, median: observations[observations.length >> 1].value };
    this.emit({ kind: "read-chain-for-report", epoch: this.epoch, round: this.round });
  }

  /** Chain readings for shouldReport (`chain` null: the read failed or timed out). */
  onChainReadings(epoch: number, round: number, chain: ShouldReportInputs["chain"], nowMs: number): void {
    if (epoch !== this.epoch || round !== this.round) return;
    const pending = this.state.pendingReport;
    if (pending === null || this.state.sentReport || this.state.completed) return;
    const decision = shouldReport({
      ownConfigDigest: this.config.configDigest,
      reportMedian: pending.median,
      alphaPPB: this.config.alphaPPB,
      deltaCMs: this.config.deltaCMs,
      nowMs,
      chain,
    });
    this.emit({
      kind: "trace",
      event: { type: "should-report", epoch, round, report: decision.report, reasons: decision.reasons },
    });
    if (!decision.report) {
      this.completeRound(false);
      return;
    }
    const report = encodeReport(this.context(), pending.observations);
    const signature = signReport(report, this.config.onchainSigningKey);
    this.state.sentReport = true;
    this.emit({
      kind: "send",
      to: this.leader,
      message: { type: "report", epoch, round, report: { observations: pending.observations, signature } },
    });
  }

  onFinal(sender: number, message: FinalMessage): void {
    if (sender !== this.leader || message.epoch !== this.epoch || message.round !== this.round) return;
    if (this.state.echoed !== null) return;
    const check = this.verifyFinal(message.report);
    if (check.ok) this.echo(message.report, check.report, check.signerIndices);
  }

  onFinalEcho(sender: number, message: FinalEchoMessage): void {
    if (message.epoch !== this.epoch || message.round !== this.round || this.state.completed) return;
    if (this.state.echoSenders.has(sender)) return;
    const check = this.verifyFinal(message.report);
    if (!check.ok) return;
    this.state.echoSenders.add(sender);
    // Someone saw a valid final we missed (e.g. the leader's message to us was lost): adopt it.
    if (this.state.echoed === null) this.echo(message.report, check.report, check.signerIndices);
    if (this.state.echoSenders.size > this.config.f) {
      const { attested, report, signers } = this.state.echoed!;
      this.emit({ kind: "transmit-event", epoch: this.epoch, round: this.round, leader: this.leader, attested, report, signers });
      this.completeRound(true);
    }
  }

  private echo(attested: AttestedReportMany, report: Uint8Array, signers: readonly number[]): void {
    this.state.echoed = { attested, report, signers };
    this.emit({
      kind: "broadcast",
      message: { type: "final-echo", epoch: this.epoch, round: this.round, report: attested },
    });
  }

  private verifyFinal(report: AttestedReportMany): AttestationCheck {
    return (this.config.checks ?? SIGNATURE_CHECKS).followerAttestation(this.context(), report, this.config.signerAddresses, this.config.f);
  }

  private completeRound(reported: boolean): void {
    this.state.completed = true;
    this.emit({ kind: "trace", event: { type: "round-complete", epoch: this.epoch, round: this.round, reported } });
    this.emit({ kind: "progress" });
  }

  /** Why a report-req must be refused, or null if it is acceptable (spec §2.5 follower). */
  private reportReqProblem(message: ReportReqMessage): string | null {
    const { observations } = message;
    const n = this.config.signerAddresses.length;
    if (observations.length <= 2 * this.config.f) return "too few observations";
    if (!isSortedByValue(observations)) return "observations not sorted";
    if (!observersValid(observations, n)) return "observer ids out of range or repeated";
    const context = this.context();
    const checks = this.config.checks ?? SIGNATURE_CHECKS;
    for (const o of observations) {
      if (!checks.followerObservation(context, o.value, o.signature, this.config.offchainPublicKeys[o.observer])) {
        return `bad signature from observer ${o.observer}`;
      }
    }
    return null;
  }

  private context(): ReportContext {
    return { configDigest: this.config.configDigest, epoch: this.epoch, round: this.round };
  }
}
