/**
 * OCR2 report generation, leader side (ocr2-spec §3.3). Differences from OCR1's leader
 * (../report-generation-leader.ts): a round starts with the plugin's Query; the next round
 * starts only once DeltaRound has passed *and* the previous round reached a quorum of identical
 * reports (a quorum of skips counts), so a stuck round blocks the epoch until the pacemaker
 * moves on; the report-req lists observations in oracle-id order and fixes extraHash; followers
 * may answer with a skip; and the final carries the report bytes with exactly reportQuorum
 * signatures, each tagged with its signer.
 */
import { bytesToHex } from "../../core/bytes.js";
import { ocr2ExtraHash } from "../../core/ocr2/observation-signature.js";
import type { Ocr2ReportContext } from "../../core/ocr2/report.js";
import type { CommonOutput, Emit } from "../outputs.js";
import { isOcr2ReportSignedBy, isValidOcr2ObservationSignature } from "./attestation.js";
import type {
  Ocr2AttributedSignedObservation,
  Ocr2ObserveMessage,
  Ocr2ProtocolMessage,
  Ocr2ReportMessage,
  Ocr2SignedObservation,
} from "./messages.js";
import type { Ocr2ReportGenerationConfig } from "./report-generation-config.js";

export type Ocr2LeaderTimer = "round" | "grace" | "query";
export type Ocr2LeaderOutput =
  | CommonOutput<Ocr2LeaderTimer, Ocr2ProtocolMessage>
  /** Call the plugin's Query; answer with `onQuery` within MaxDurationQuery. */
  | { readonly kind: "request-query"; readonly epoch: number; readonly round: number };
export type Ocr2LeaderPhase = "idle" | "query" | "observe" | "grace" | "report" | "final";

/** Identical report messages, keyed by signer so each counts once. */
interface ReportGroup {
  readonly skip: boolean;
  readonly report: Uint8Array;
  readonly signatures: Map<number, Uint8Array>;
}

export class Ocr2ReportGenerationLeader {
  private round = 0;
  private phase: Ocr2LeaderPhase = "idle";
  /** A round starts on the second of (DeltaRound elapsed, previous round complete). */
  private readyToStartRound = false;
  private query: Uint8Array = new Uint8Array(0);
  private extraHash: Uint8Array = new Uint8Array(32);
  private readonly observations = new Map<number, Ocr2SignedObservation>();
  private readonly reporters = new Set<number>();
  private readonly reportGroups = new Map<string, ReportGroup>();

  constructor(
    private readonly config: Ocr2ReportGenerationConfig,
    readonly epoch: number,
    private readonly emit: Emit<Ocr2LeaderOutput>,
  ) {}

  get currentRound(): number {
    return this.round;
  }
  get currentPhase(): Ocr2LeaderPhase {
    return this.phase;
  }

  /**
   * After a restart, before start(): this oracle already sent the report-req of rounds up to
   * `round` of this epoch, so its first round is the next one.
   */
  resumeAfter(round: number): void {
    if (this.phase === "idle") this.round = Math.max(this.round, round);
  }

  /** Called once when this oracle becomes leader of `epoch`: round 1 starts at once. */
  start(): void {
    // A round starts on the second of its two conditions (see startRound); at the epoch's start
    // both hold at once, so both are signalled here.
    this.startRound();
    this.startRound();
  }

  /** Stop all timers (the epoch ended). */
  stop(): void {
    for (const timer of ["round", "grace", "query"] as const) this.emit({ kind: "cancel-timer", timer });
    this.phase = "idle";
  }

  onTimer(timer: Ocr2LeaderTimer): void {
    if (timer === "round") this.startRound();
    else if (timer === "grace" && this.phase === "grace") this.sendReportRequest();
    else if (timer === "query" && this.phase === "query") {
      // No query, no round: the epoch stalls here until the pacemaker's progress timer ends it.
      this.phase = "idle";
      this.emit({ kind: "trace", event: { type: "observation", epoch: this.epoch, round: this.round, value: null, error: "Query exceeded MaxDurationQuery" } });
    }
  }

  /** The plugin's Query answered (null: it failed). */
  onQuery(epoch: number, round: number, query: Uint8Array | null): void {
    if (epoch !== this.epoch || round !== this.round || this.phase !== "query") return;
    this.emit({ kind: "cancel-timer", timer: "query" });
    if (query === null || query.length > this.config.limits.maxQueryLength) {
      this.phase = "idle";
      const error = query === null ? "Query failed" : `query of ${query.length} bytes exceeds ${this.config.limits.maxQueryLength}`;
      this.emit({ kind: "trace", event: { type: "observation", epoch, round, value: null, error } });
      return;
    }
    this.query = query;
    this.phase = "observe";
    this.emit({ kind: "broadcast", message: { type: "observe-req", epoch, round, query } });
  }

  onObserve(sender: number, message: Ocr2ObserveMessage): void {
    if (!this.isCurrent(message) || (this.phase !== "observe" && this.phase !== "grace")) return;
    if (this.observations.has(sender)) return;
    const { observation, signature } = message.signedObservation;
    const publicKey = this.config.offchainPublicKeys[sender];
    if (publicKey === undefined || observation.length > this.config.limits.maxObservationLength) return;
    if (!isValidOcr2ObservationSignature({ context: this.observationContext(), query: this.query, observation, signature, offchainPublicKey: publicKey })) return;
    this.observations.set(sender, message.signedObservation);
    if (this.phase === "observe" && this.observations.size > 2 * this.config.f) {
      // Enough for the plugin; give slower honest oracles DeltaGrace to be included too.
      this.phase = "grace";
      this.emit({ kind: "set-timer", timer: "grace", delayMs: this.config.deltaGraceMs });
    }
  }

  onReport(sender: number, message: Ocr2ReportMessage): void {
    if (!this.isCurrent(message) || this.phase !== "report" || this.reporters.has(sender)) return;
    const { skip, report, signature } = message.attestedReport;
    if (skip) {
      if (report.length !== 0 || signature.length !== 0) return;
    } else {
      const signer = this.config.signerAddresses[sender];
      if (signer === undefined || report.length > this.config.limits.maxReportLength) return;
      if (!isOcr2ReportSignedBy(report, this.reportContext(), signature, signer)) return;
    }
    this.reporters.add(sender);
    const key = skip ? "skip" : bytesToHex(report);
    let group = this.reportGroups.get(key);
    if (group === undefined) {
      group = { skip, report, signatures: new Map() };
      this.reportGroups.set(key, group);
    }
    group.signatures.set(sender, signature);
    if (group.signatures.size >= this.config.reportQuorum) this.completeRound(group);
  }

  private startRound(): void {
    // The round after RMax+1 never comes: followers leave the epoch on observe-req RMax+1.
    if (this.round > this.config.rMax) return;
    if (!this.readyToStartRound) {
      this.readyToStartRound = true;
      return;
    }
    this.readyToStartRound = false;
    this.round++;
    this.observations.clear();
    this.reporters.clear();
    this.reportGroups.clear();
    this.query = new Uint8Array(0);
    this.phase = "query";
    this.emit({ kind: "cancel-timer", timer: "grace" });
    this.emit({ kind: "trace", event: { type: "round-start", epoch: this.epoch, round: this.round } });
    this.emit({ kind: "set-timer", timer: "round", delayMs: this.config.deltaRoundMs });
    this.emit({ kind: "set-timer", timer: "query", delayMs: this.config.maxDurationQueryMs });
    this.emit({ kind: "request-query", epoch: this.epoch, round: this.round });
  }

  private sendReportRequest(): void {
    const attributed: Ocr2AttributedSignedObservation[] = [...this.observations.entries()]
      .sort(([a], [b]) => a - b)
      .map(([observer, signedObservation]) => ({ observer, signedObservation }));
    this.extraHash = ocr2ExtraHash(
      this.query,
      attributed.map(({ observer, signedObservation }) => ({ observer, observation: signedObservation.observation })),
    );
    this.phase = "report";
    const observers = attributed.map((o) => o.observer);
    this.emit({ kind: "trace", event: { type: "observations", epoch: this.epoch, round: this.round, observers } });
    this.emit({
      kind: "broadcast",
      message: { type: "report-req", epoch: this.epoch, round: this.round, query: this.query, attributedSignedObservations: attributed },
    });
  }

  private completeRound(group: ReportGroup): void {
    this.phase = "final";
    if (!group.skip) {
      // Exactly reportQuorum signatures in signer order: what followers check, and for the
      // median plugin (quorum f+1) exactly what the contract requires.
      const chosen = [...group.signatures.entries()].sort(([a], [b]) => a - b).slice(0, this.config.reportQuorum);
      const signers = chosen.map(([signer]) => signer);
      this.emit({ kind: "trace", event: { type: "final", epoch: this.epoch, round: this.round, signers } });
      this.emit({
        kind: "broadcast",
        message: {
          type: "final",
          epoch: this.epoch,
          round: this.round,
          extraHash: this.extraHash,
          attestedReport: { report: group.report, attributedSignatures: chosen.map(([signer, signature]) => ({ signer, signature })) },
        },
      });
    }
    this.startRound();
  }

  private isCurrent(message: { epoch: number; round: number }): boolean {
    return message.epoch === this.epoch && message.round === this.round;
  }

  private observationContext() {
    return { configDigest: this.config.configDigest, epoch: this.epoch, round: this.round };
  }

  private reportContext(): Ocr2ReportContext {
    return { ...this.observationContext(), extraHash: this.extraHash };
  }
}
