/**
 * Report generation, leader side (spec §2.5). Once per DeltaRound the leader asks everyone to
 * observe, waits DeltaGrace after more than 2f signed observations arrive, sends the sorted
 * observations back as a report-req, collects the followers' signatures over the resulting
 * report, and broadcasts the report with exactly f+1 of them as `final`.
 */
import { type ReportContext, encodeReport, sortAttributedObservations } from "../core/report.js";
import type { AttestedReportOne, AttributedSignedObservation, ObserveMessage, ReportMessage } from "./messages.js";
import type { CommonOutput, Emit } from "./outputs.js";
import type { ReportGenerationConfig } from "./report-generation-config.js";
import { SIGNATURE_CHECKS, type SignatureChecks } from "./signature-checks.js";
import { observationsKey } from "./verification.js";

export type LeaderTimer = "round" | "grace";
export type LeaderOutput = CommonOutput<LeaderTimer>;
export type LeaderPhase = "idle" | "observe" | "grace" | "report" | "final";

export interface LeaderConfig extends ReportGenerationConfig {
  /** How often a round starts, and how long to wait for slower observations after 2f+1. */
  readonly deltaRoundMs: number;
  readonly deltaGraceMs: number;
}

/** Reports received for one set of observations, keyed by signer so each counts once. */
interface ReportGroup {
  readonly observations: AttestedReportOne["observations"];
  readonly signatures: Map<number, Uint8Array>;
}

export class ReportGenerationLeader {
  private round = 0;
  private phase: LeaderPhase = "idle";
  private readonly observations = new Map<number, AttributedSignedObservation>();
  private readonly reporters = new Set<number>();
  private readonly reportGroups = new Map<string, ReportGroup>();
  private readonly checks: SignatureChecks;

  constructor(
    private readonly config: LeaderConfig,
    readonly epoch: number,
    private readonly emit: Emit<LeaderOutput>,
  ) {
    this.checks = config.checks ?? SIGNATURE_CHECKS;
  }

  get currentRound(): number {
    return this.round;
  }
  get currentPhase(): LeaderPhase {
    return this.phase;
  }

  /**
   * Before a crash this oracle sent the report request of round `round` of this epoch (its store
   * says so): number the rounds from there, so no round gets a second, different request.
   * Called before `start`.
   */
  resumeAfter(round: number): void {
    if (this.phase === "idle") this.round = Math.max(this.round, round);
  }

  /** Called once when this oracle becomes leader of `epoch`. */
  start(): void {
    this.startRound();
  }

  /** Stop all timers (the epoch ended). */
  stop(): void {
    this.emit({ kind: "cancel-timer", timer: "round" });
    this.emit({ kind: "cancel-timer", timer: "grace" });
    this.phase = "idle";
  }

  onTimer(timer: LeaderTimer): void {
    if (timer === "round") this.startRound();
    else if (this.phase === "grace") this.sendReportRequest();
  }

  onObserve(sender: number, message: ObserveMessage): void {
    if (!this.isCurrent(message) || (this.phase !== "observe" && this.phase !== "grace")) return;
    if (this.observations.has(sender)) return;
    const { value, signature } = message.observation;
    const publicKey = this.config.offchainPublicKeys[sender];
    if (publicKey === undefined || !this.checks.leaderObservation(this.context(), value, signature, publicKey)) return;
    this.observations.set(sender, { observer: sender, value, signature });
    if (this.phase === "observe" && this.observations.size > 2 * this.config.f) {
      // Enough to trust a median; give slower honest oracles DeltaGrace to be included too.
      this.phase = "grace";
      this.emit({ kind: "set-timer", timer: "grace", delayMs: this.config.deltaGraceMs });
    }
  }

  onReport(sender: number, message: ReportMessage): void {
    if (!this.isCurrent(message) || this.phase !== "report" || this.reporters.has(sender)) return;
    const { observations, signature } = message.report;
    let report: Uint8Array;
    try {
      report = encodeReport(this.context(), observations);
    } catch {
      return;
    }
    const senderSigner = this.config.signerAddresses[sender];
    if (senderSigner === undefined || !this.checks.leaderReport(report, signature, senderSigner)) return;
    this.reporters.add(sender);

    const key = observationsKey(observations);
    let group = this.reportGroups.get(key);
    if (group === undefined) {
      group = { observations, signatures: new Map() };
      this.reportGroups.set(key, group);
    }
    group.signatures.set(sender, signature);
    if (group.signatures.size > this.config.f) this.sendFinal(group);
  }

  private startRound(): void {
    if (this.round > this.config.rMax) return;
    // r may reach RMax+1: followers answer that observe-req with change-leader.
    this.round++;
    this.observations.clear();
    this.reporters.clear();
    this.reportGroups.clear();
    this.phase = "observe";
    this.emit({ kind: "cancel-timer", timer: "grace" });
    this.emit({ kind: "trace", event: { type: "round-start", epoch: this.epoch, round: this.round } });
    this.emit({ kind: "broadcast", message: { type: "observe-req", epoch: this.epoch, round: this.round } });
    this.emit({ kind: "set-timer", timer: "round", delayMs: this.config.deltaRoundMs });
  }

  private sendReportRequest(): void {
    const sorted = sortAttributedObservations([...this.observations.values()]) as AttributedSignedObservation[];
    this.phase = "report";
    const observers = sorted.map((o) => o.observer);
    const median = sorted[sorted.length >> 1].value;
    this.emit({ kind: "trace", event: { type: "observations", epoch: this.epoch, round: this.round, observers } });
    this.emit({ kind: "trace", event: { type: "report-req", epoch: this.epoch, round: this.round, observers, median } });
    this.emit({
      kind: "broadcast",
      message: { type: "report-req", epoch: this.epoch, round: this.round, observations: sorted },
    });
  }

  private sendFinal(group: ReportGroup): void {
    this.phase = "final";
    // Exactly f+1 signatures: enough for the contract, and the cheapest transmit.
    const chosen = [...group.signatures.entries()].sort(([a], [b]) => a - b).slice(0, this.config.f + 1);
    const signers = chosen.map(([index]) => index);
    this.emit({ kind: "trace", event: { type: "final", epoch: this.epoch, round: this.round, signers } });
    this.emit({
      kind: "broadcast",
      message: {
        type: "final",
        epoch: this.epoch,
        round: this.round,
        report: { observations: group.observations, signatures: chosen.map(([, sig]) => sig) },
      },
    });
  }

  private isCurrent(message: { epoch: number; round: number }): boolean {
    return message.epoch === this.epoch && message.round === this.round;
  }

  private context(): ReportContext {
    return { configDigest: this.config.configDigest, epoch: this.epoch, round: this.round };
  }
}
