/**
 * OCR2 report finalization (ocr2-spec §3.5): one instance per oracle and config, across epochs.
 * It takes a final either from this oracle's own report generation (already checked there) or
 * from any oracle's final-echo, which it checks itself; a single valid echo is enough. Each
 * (epoch, round) is finalized once: recorded, echoed to everyone so that oracles the leader
 * missed still get it, and handed to transmission.
 *
 * OCR1 has no such role: its followers waited for f+1 echoes inside the epoch. Because OCR2
 * finalization outlives epochs, it needs an expiry window so its record stays bounded and a
 * very old echo cannot be replayed into transmission.
 */
import type { Address } from "../../core/address.js";
import type { CommonOutput, Emit } from "../outputs.js";
import { checkOcr2AttestedReport } from "./attestation.js";
import type { Ocr2AttributedSignature, Ocr2FinalEchoMessage, Ocr2FinalMessage, Ocr2ProtocolMessage } from "./messages.js";

/** The window is about ten minutes of rounds, within these bounds. */
const EXPIRY_WINDOW_MS = 10 * 60 * 1000;
export const MIN_EXPIRY_ROUNDS = 10;
export const MAX_EXPIRY_ROUNDS = 1000;

export interface Ocr2FinalizationConfig {
  readonly configDigest: Uint8Array;
  readonly rMax: number;
  readonly deltaRoundMs: number;
  readonly reportQuorum: number;
  readonly signerAddresses: readonly Address[];
  readonly maxReportLength: number;
}

/** A finalized report on its way to transmission. */
export interface Ocr2FinalizedReport {
  readonly epoch: number;
  readonly round: number;
  readonly extraHash: Uint8Array;
  readonly report: Uint8Array;
  readonly attributedSignatures: readonly Ocr2AttributedSignature[];
}

export type Ocr2FinalizationOutput =
  | CommonOutput<never, Ocr2ProtocolMessage>
  /** Hand the report to transmission (ShouldAcceptFinalizedReport comes next). */
  | ({ readonly kind: "transmit-event" } & Ocr2FinalizedReport);

/** How many rounds a finalized (epoch, round) is remembered: clamp(ceil(10 min / DeltaRound), 10, 1000). */
export function finalizationExpiryRounds(deltaRoundMs: number): number {
  const rounds = Math.ceil(EXPIRY_WINDOW_MS / deltaRoundMs);
  return Math.min(MAX_EXPIRY_ROUNDS, Math.max(MIN_EXPIRY_ROUNDS, rounds));
}

export class Ocr2ReportFinalization {
  /** Finalized (epoch, round) as rMax·epoch + round. */
  private readonly finalized = new Set<number>();
  private highestFinalized = 0;
  private readonly expiryRounds: number;

  constructor(
    private readonly config: Ocr2FinalizationConfig,
    private readonly emit: Emit<Ocr2FinalizationOutput>,
  ) {
    this.expiryRounds = finalizationExpiryRounds(config.deltaRoundMs);
  }

  /** A final this oracle's report generation already checked. */
  onCheckedFinal(final: Ocr2FinalMessage): void {
    if (this.acceptable(final) !== null) return;
    this.finalize(final);
  }

  /** Any oracle's echo of a final: checked here, since it did not come through generation. */
  onFinalEcho(sender: number, message: Ocr2FinalEchoMessage): void {
    const { final } = message;
    const problem = this.acceptable(final);
    if (problem !== null) return; // already finalized, expired or out of range: nothing to say
    const check = checkOcr2AttestedReport({
      context: { configDigest: this.config.configDigest, epoch: final.epoch, round: final.round, extraHash: final.extraHash },
      attested: final.attestedReport,
      signerAddresses: this.config.signerAddresses,
      quorum: this.config.reportQuorum,
      maxReportLength: this.config.maxReportLength,
    });
    if (!check.ok) {
      this.emit({ kind: "trace", event: { type: "final-rejected", epoch: final.epoch, round: final.round, reason: `echo from oracle ${sender}: ${check.reason}` } });
      return;
    }
    this.finalize(final);
  }

  /** Why this final cannot be finalized now, or null if it can. */
  private acceptable(final: Ocr2FinalMessage): string | null {
    const { epoch, round } = final;
    if (!Number.isInteger(epoch) || epoch < 1 || !Number.isInteger(round) || round < 1 || round > this.config.rMax) return "out of range";
    const index = this.index(epoch, round);
    if (this.finalized.has(index)) return "already finalized";
    if (index + this.expiryRounds <= this.highestFinalized) return "expired";
    return null;
  }

  private finalize(final: Ocr2FinalMessage): void {
    const index = this.index(final.epoch, final.round);
    this.finalized.add(index);
    if (index > this.highestFinalized) {
      this.highestFinalized = index;
      for (const old of this.finalized) if (old + this.expiryRounds <= index) this.finalized.delete(old);
    }
    this.emit({ kind: "broadcast", message: { type: "final-echo", final } });
    this.emit({
      kind: "transmit-event",
      epoch: final.epoch,
      round: final.round,
      extraHash: final.extraHash,
      report: final.attestedReport.report,
      attributedSignatures: final.attestedReport.attributedSignatures,
    });
  }

  private index(epoch: number, round: number): number {
    return this.config.rMax * epoch + round;
  }
}
