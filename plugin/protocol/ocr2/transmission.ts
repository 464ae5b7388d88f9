/**
 * OCR2 transmission (ocr2-spec §3.6), side by side with OCR1's ../transmission.ts. The schedule
 * is OCR1's (a secret-keyed permutation of the oracles, stage i waiting i·DeltaStage; the key
 * now hashes the 32-byte digest), but the two decisions are the reporting plugin's:
 * ShouldAcceptFinalizedReport before a report is scheduled and ShouldTransmitAcceptedReport
 * just before it is sent, each bounded by its MaxDuration. Both usually read the contract, so
 * they are requested as outputs and answered later; calls run one at a time, in order, as in
 * libocr's single transmission loop. On restart only unexpired items come back (OCR1 also
 * re-queued the latest expired one).
 */
import { bytesEqual } from "../../core/bytes.js";
import { decodeOcr2Report, ocr2ReportMedian } from "../../core/ocr2/report.js";
import type { CommonOutput, Emit } from "../outputs.js";
import type { Ocr2AttributedSignature, Ocr2ProtocolMessage } from "./messages.js";
import type { Ocr2FinalizedReport } from "./report-finalization.js";
import { TransmitQueue, stageOfDelay } from "../transmit-queue.js";

export type Ocr2TransmissionTimer = "transmit" | "should-accept" | "should-transmit";

/** A scheduled transmission, as persisted in the oracle's database. */
export interface Ocr2PendingTransmission {
  /** Virtual or real ms at which to send. */
  readonly timeMs: number;
  readonly configDigest: Uint8Array;
  readonly epoch: number;
  readonly round: number;
  readonly stage: number;
  readonly extraHash: Uint8Array;
  readonly report: Uint8Array;
  readonly attributedSignatures: readonly Ocr2AttributedSignature[];
}

export type Ocr2TransmissionOutput =
  | CommonOutput<Ocr2TransmissionTimer, Ocr2ProtocolMessage>
  /** Call the plugin's ShouldAcceptFinalizedReport; answer with `onShouldAccept`. */
  | { readonly kind: "request-should-accept"; readonly epoch: number; readonly round: number; readonly report: Uint8Array }
  /** Call the plugin's ShouldTransmitAcceptedReport; answer with `onShouldTransmit`. */
  | { readonly kind: "request-should-transmit"; readonly item: Ocr2PendingTransmission }
  /** Send transmit(reportContext{digest, epoch, round, extraHash}, report, signatures). */
  | { readonly kind: "transmit"; readonly item: Ocr2PendingTransmission }
  | { readonly kind: "persist-transmission"; readonly item: Ocr2PendingTransmission }
  | { readonly kind: "delete-transmission"; readonly epoch: number; readonly round: number };

export interface Ocr2TransmissionConfig {
  readonly configDigest: Uint8Array;
  readonly deltaStageMs: number;
  readonly maxDurationShouldAcceptFinalizedReportMs: number;
  readonly maxDurationShouldTransmitAcceptedReportMs: number;
  /** This oracle's transmitter address (for the trace). */
  readonly transmitterAddress: string;
  /** This oracle's delay for (epoch, round) from the keyed schedule, or null if it never transmits. */
  readonly delayFor: (epoch: number, round: number) => number | null;
}

export class Ocr2Transmission {
  private readonly queue: TransmitQueue<Ocr2PendingTransmission>;
  private readonly toAccept: Ocr2FinalizedReport[] = [];
  private accepting: Ocr2FinalizedReport | null = null;
  private readonly toCheck: Ocr2PendingTransmission[] = [];
  private checking: Ocr2PendingTransmission | null = null;

  constructor(
    private readonly config: Ocr2TransmissionConfig,
    private readonly emit: Emit<Ocr2TransmissionOutput>,
    private readonly now: () => number,
  ) {
    this.queue = new TransmitQueue(emit, now);
  }

  /** Pending items, earliest first (for tools and tests). */
  get pending(): readonly Ocr2PendingTransmission[] {
    return this.queue.pending;
  }

  /** Re-queue this config's unexpired transmissions after a restart; returns the ones kept. */
  restore(items: readonly Ocr2PendingTransmission[]): Ocr2PendingTransmission[] {
    const now = this.now();
    const kept = items.filter((i) => i.timeMs > now && bytesEqual(i.configDigest, this.config.configDigest));
    this.queue.push(...kept);
    return kept;
  }

  /** Report finalization handed over a report. */
  onTransmitEvent(finalized: Ocr2FinalizedReport): void {
    this.toAccept.push(finalized);
    this.nextAccept();
  }

  /** ShouldAcceptFinalizedReport answered (null: it failed). */
  onShouldAccept(epoch: number, round: number, accept: boolean | null): void {
    const current = this.accepting;
    if (current === null || current.epoch !== epoch || current.round !== round) return;
    this.emit({ kind: "cancel-timer", timer: "should-accept" });
    this.accepting = null;
    if (accept === true) this.schedule(current);
    else this.drop(current, accept === null ? "ShouldAcceptFinalizedReport failed" : "ShouldAcceptFinalizedReport is false");
    this.nextAccept();
  }

  /** ShouldTransmitAcceptedReport answered (null: it failed). */
  onShouldTransmit(epoch: number, round: number, transmit: boolean | null): void {
    const item = this.checking;
    if (item === null || item.epoch !== epoch || item.round !== round) return;
    this.emit({ kind: "cancel-timer", timer: "should-transmit" });
    this.checking = null;
    if (transmit === true) {
      const { stage } = item;
      this.emit({ kind: "trace", event: { type: "transmit-attempted", epoch, round, stage, transmitter: this.config.transmitterAddress } });
      this.emit({ kind: "transmit", item });
    } else {
      this.skip(item, transmit === null ? "ShouldTransmitAcceptedReport failed" : "ShouldTransmitAcceptedReport is false");
    }
    this.nextCheck();
  }

  /** The transaction's fate, for the trace. */
  onTransmitResult(item: Ocr2PendingTransmission, outcome: { ok: boolean; transmitter: string; txHash?: string; gasUsed?: bigint; error?: string }): void {
    const where = { epoch: item.epoch, round: item.round, stage: item.stage, transmitter: outcome.transmitter };
    if (outcome.ok) {
      const median = ocr2ReportMedian(decodeOcr2Report(item.report));
      this.emit({
        kind: "trace",
        event: {
          type: "transmit-landed",
          ...where,
          median,
          ...(outcome.txHash !== undefined ? { txHash: outcome.txHash } : {}),
          ...(outcome.gasUsed !== undefined ? { gasUsed: outcome.gasUsed } : {}),
        },
      });
    } else {
      this.emit({ kind: "trace", event: { type: "transmit-reverted", ...where, reason: outcome.error ?? "unknown" } });
    }
  }

  onTimer(timer: Ocr2TransmissionTimer): void {
    if (timer === "should-accept") {
      if (this.accepting !== null) this.drop(this.accepting, "ShouldAcceptFinalizedReport exceeded its MaxDuration");
      this.accepting = null;
      this.nextAccept();
      return;
    }
    if (timer === "should-transmit") {
      if (this.checking !== null) this.skip(this.checking, "ShouldTransmitAcceptedReport exceeded its MaxDuration");
      this.checking = null;
      this.nextCheck();
      return;
    }
    this.queue.forEachDue((item) => {
      this.emit({ kind: "delete-transmission", epoch: item.epoch, round: item.round });
      this.toCheck.push(item);
    });
    this.nextCheck();
  }

  private nextAccept(): void {
    if (this.accepting !== null) return;
    const next = this.toAccept.shift();
    if (next === undefined) return;
    this.accepting = next;
    this.emit({ kind: "set-timer", timer: "should-accept", delayMs: this.config.maxDurationShouldAcceptFinalizedReportMs });
    this.emit({ kind: "request-should-accept", epoch: next.epoch, round: next.round, report: next.report });
  }

  private nextCheck(): void {
    if (this.checking !== null) return;
    const next = this.toCheck.shift();
    if (next === undefined) return;
    this.checking = next;
    this.emit({ kind: "set-timer", timer: "should-transmit", delayMs: this.config.maxDurationShouldTransmitAcceptedReportMs });
    this.emit({ kind: "request-should-transmit", item: next });
  }

  private schedule(finalized: Ocr2FinalizedReport): void {
    const { epoch, round } = finalized;
    const delayMs = this.config.delayFor(epoch, round);
    if (delayMs === null) return this.drop(finalized, "not in the transmission schedule");
    const stage = stageOfDelay(delayMs, this.config.deltaStageMs);
    const item: Ocr2PendingTransmission = {
      timeMs: this.now() + delayMs,
      configDigest: this.config.configDigest,
      epoch,
      round,
      stage,
      extraHash: finalized.extraHash,
      report: finalized.report,
      attributedSignatures: finalized.attributedSignatures,
    };
    this.emit({ kind: "persist-transmission", item });
    this.emit({ kind: "trace", event: { type: "transmission-scheduled", epoch, round, stage, delayMs } });
    this.queue.push(item);
  }

  private drop(report: { epoch: number; round: number }, reason: string): void {
    this.emit({ kind: "trace", event: { type: "transmission-dropped", epoch: report.epoch, round: report.round, reason } });
  }

  private skip(item: Ocr2PendingTransmission, reason: string): void {
    this.emit({ kind: "trace", event: { type: "transmit-skipped", epoch: item.epoch, round: item.round, stage: item.stage, reason } });
  }
}
