/**
 * Transmission (spec §2.7). Every oracle that learns a final report schedules its own transmit
 * after a delay given by the secret-keyed schedule: stage 0 goes at once, stage i after
 * i·DeltaStage. Just before sending, each oracle re-reads the contract and stands down if the
 * report (or a newer one) is already there, so normally exactly one transaction lands per
 * report and a later stage steps in only when earlier ones failed.
 */
import { bytesEqual, type Hex } from "../core/bytes.js";
import { deviates } from "../core/deviation.js";
import { collateSignatures, epochAndRound, reportMedian } from "../core/report.js";
import type { TransmitReceipt } from "./chain.js";
import type { CommonOutput, Emit } from "./outputs.js";
import type { AcceptedFinal } from "./report-generation-follower.js";
import type { TransmissionDetails } from "./should-report.js";
import { TransmitQueue, stageOfDelay } from "./transmit-queue.js";

export type TransmissionTimer = "transmit";

/** A scheduled transmission, as persisted in the oracle's database. */
export interface PendingTransmission {
  /** Virtual or real ms at which to send. */
  readonly timeMs: number;
  readonly configDigest: Uint8Array;
  readonly epoch: number;
  readonly round: number;
  readonly stage: number;
  readonly median: bigint;
  /** Leader of the epoch that made the report. */
  readonly leader: number;
  /** The report bytes the signatures cover (as checked by the follower; never re-encoded). */
  readonly report: Uint8Array;
  /** Oracle index of each signature's signer, in the order of rs/ss/rawVs. */
  readonly signers: readonly number[];
  readonly rs: readonly Hex[];
  readonly ss: readonly Hex[];
  readonly rawVs: Hex;
}

/** What became of a transmission this oracle made (the committee turns these into results). */
export type TransmissionOutcome =
  | { readonly type: "attempted"; readonly item: PendingTransmission }
  | {
      readonly type: "landed";
      readonly item: PendingTransmission;
      readonly transmitter: string;
      readonly txHash?: string;
      readonly gasUsed?: bigint;
      readonly receipt?: TransmitReceipt;
    }
  | { readonly type: "failed"; readonly item: PendingTransmission; readonly transmitter: string; readonly reason: string };

/** Why the engine reads the chain: to accept a new report, or the last check before sending. */
export type TransmissionReadPurpose =
  | { readonly step: "accept"; readonly accepted: AcceptedFinal }
  | { readonly step: "recheck"; readonly item: PendingTransmission };

export type TransmissionOutput =
  | CommonOutput<TransmissionTimer>
  /** Read latestTransmissionDetails; answer with `onChainRead(purpose, details | null)`. */
  | { readonly kind: "read-chain-for-transmission"; readonly purpose: TransmissionReadPurpose }
  /** Send the transaction; answer with `onTransmitResult`. */
  | { readonly kind: "transmit"; readonly item: PendingTransmission }
  | { readonly kind: "persist-transmission"; readonly item: PendingTransmission }
  | { readonly kind: "delete-transmission"; readonly epoch: number; readonly round: number }
  | { readonly kind: "outcome"; readonly outcome: TransmissionOutcome };

export interface TransmissionConfig {
  readonly configDigest: Uint8Array;
  readonly alphaPPB: bigint;
  readonly deltaStageMs: number;
  /** This oracle's transmitter address (for the trace). */
  readonly transmitterAddress: string;
  /** This oracle's delay for (epoch, round) from the keyed schedule, or null if it never transmits. */
  readonly delayFor: (epoch: number, round: number) => number | null;
}

export interface TransmitOutcome {
  readonly ok: boolean;
  readonly transmitter: string;
  readonly txHash?: string;
  readonly gasUsed?: bigint;
  readonly receipt?: TransmitReceipt;
  readonly error?: string;
}

/**
 * shouldTransmit (spec §2.7 step 2): is a report for (e, r) with `median` worth scheduling,
 * given the contract's state and the latest report this oracle already scheduled?
 */
export function shouldTransmit(args: {
  readonly epoch: number;
  readonly round: number;
  readonly median: bigint;
  readonly contract: Pick<TransmissionDetails, "epoch" | "round">;
  readonly localLatest: { readonly epoch: number; readonly round: number; readonly median: bigint } | null;
  readonly alphaPPB: bigint;
}): boolean {
  const reportEpochRound = epochAndRound(args.epoch, args.round);
  const contractEpochRound = epochAndRound(args.contract.epoch, args.contract.round);
  if (reportEpochRound <= contractEpochRound) return false;
  if (args.localLatest === null) return true;
  const localEpochRound = epochAndRound(args.localLatest.epoch, args.localLatest.round);
  if (reportEpochRound <= localEpochRound) return false;
  // libocr measures this deviation relative to the new median: |old − new| / |new|.
  const deviatesFromPending = deviates(args.median, args.localLatest.median, args.alphaPPB);
  const nothingPending = localEpochRound <= contractEpochRound;
  return deviatesFromPending || nothingPending;
}

/** Restart rule (spec §2.7): keep unexpired items, plus only the logically latest expired one. */
export function pendingToRequeue(items: readonly PendingTransmission[], nowMs: number): PendingTransmission[] {
  const unexpired = items.filter((i) => i.timeMs > nowMs);
  const expired = items.filter((i) => i.timeMs <= nowMs);
  if (expired.length === 0) return unexpired;
  const latestExpired = expired.reduce((best, i) =>
    epochAndRound(i.epoch, i.round) > epochAndRound(best.epoch, best.round) ? i : best,
  );
  return [...unexpired, latestExpired];
}

export class Transmission {
  private readonly queue: TransmitQueue<PendingTransmission>;
  private localLatest: { epoch: number; round: number; median: bigint } | null = null;

  constructor(
    private readonly config: TransmissionConfig,
    private readonly emit: Emit<TransmissionOutput>,
    private readonly now: () => number,
  ) {
    this.queue = new TransmitQueue(emit, now);
  }

  /** Pending items, earliest first (for tools and tests). */
  get pending(): readonly PendingTransmission[] {
    return this.queue.pending;
  }

  /** Re-queue transmissions from the database after a restart; returns the ones it kept. */
  restore(items: readonly PendingTransmission[]): PendingTransmission[] {
    const kept = pendingToRequeue(items, this.now()).filter((item) => bytesEqual(item.configDigest, this.config.configDigest));
    this.queue.push(...kept);
    return kept;
  }

  /** A final report reached more than f echoes: start the transmit procedure. */
  onTransmitEvent(accepted: AcceptedFinal): void {
    this.emit({ kind: "read-chain-for-transmission", purpose: { step: "accept", accepted } });
  }

  /** Contract readings (`details` null: the read failed, and the step is abandoned). */
  onChainRead(purpose: TransmissionReadPurpose, details: TransmissionDetails | null): void {
    if (purpose.step === "accept") this.accept(purpose.accepted, details);
    else this.recheckAndSend(purpose.item, details);
  }

  onTimer(_timer: TransmissionTimer): void {
    this.queue.forEachDue((item) => {
      this.emit({ kind: "delete-transmission", epoch: item.epoch, round: item.round });
      this.emit({ kind: "read-chain-for-transmission", purpose: { step: "recheck", item } });
    });
  }

  onTransmitResult(item: PendingTransmission, outcome: TransmitOutcome): void {
    const where = { epoch: item.epoch, round: item.round, stage: item.stage, transmitter: outcome.transmitter };
    if (outcome.ok) {
      this.emit({
        kind: "trace",
        event: {
          type: "transmit-landed",
          ...where,
          median: item.median,
          ...(outcome.txHash !== undefined ? { txHash: outcome.txHash } : {}),
          ...(outcome.gasUsed !== undefined ? { gasUsed: outcome.gasUsed } : {}),
        },
      });
      this.emit({
        kind: "outcome",
        outcome: { type: "landed", item, transmitter: outcome.transmitter, txHash: outcome.txHash, gasUsed: outcome.gasUsed, ...(outcome.receipt !== undefined ? { receipt: outcome.receipt } : {}) },
      });
    } else {
      const reason = outcome.error ?? "unknown";
      this.emit({ kind: "trace", event: { type: "transmit-reverted", ...where, reason } });
      this.emit({ kind: "outcome", outcome: { type: "failed", item, transmitter: outcome.transmitter, reason } });
    }
  }

  private accept(accepted: AcceptedFinal, details: TransmissionDetails | null): void {
    const { epoch, round, attested } = accepted;
    const drop = (reason: string) =>
      this.emit({ kind: "trace", event: { type: "transmission-dropped", epoch, round, reason } });
    if (details === null) return drop("chain read failed");
    if (!bytesEqual(details.configDigest, this.config.configDigest)) return drop("contract has another config");
    const median = reportMedian(attested.observations.map((o) => o.value));
    if (!shouldTransmit({ epoch, round, median, contract: details, localLatest: this.localLatest, alphaPPB: this.config.alphaPPB })) {
      return drop("shouldTransmit is false");
    }
    this.localLatest = { epoch, round, median };
    const delayMs = this.config.delayFor(epoch, round);
    if (delayMs === null) return drop("not in the transmission schedule");

    const { rs, ss, rawVs } = collateSignatures(attested.signatures);
    const stage = stageOfDelay(delayMs, this.config.deltaStageMs);
    const item: PendingTransmission = {
      timeMs: this.now() + delayMs,
      configDigest: this.config.configDigest,
      epoch,
      round,
      stage,
      median,
      leader: accepted.leader,
      report: accepted.report,
      signers: accepted.signers,
      rs,
      ss,
      rawVs,
    };
    this.emit({ kind: "persist-transmission", item });
    this.emit({ kind: "trace", event: { type: "transmission-scheduled", epoch, round, stage, delayMs } });
    this.queue.push(item);
  }

  private recheckAndSend(item: PendingTransmission, details: TransmissionDetails | null): void {
    const skip = (reason: string) =>
      this.emit({
        kind: "trace",
        event: { type: "transmit-skipped", epoch: item.epoch, round: item.round, stage: item.stage, reason },
      });
    if (details === null) return skip("chain read failed");
    if (!bytesEqual(details.configDigest, item.configDigest)) return skip("contract has another config");
    if (epochAndRound(details.epoch, details.round) >= epochAndRound(item.epoch, item.round)) {
      return skip("already on chain");
    }
    this.emit({
      kind: "trace",
      event: {
        type: "transmit-attempted",
        epoch: item.epoch,
        round: item.round,
        stage: item.stage,
        transmitter: this.config.transmitterAddress,
      },
    });
    this.emit({ kind: "outcome", outcome: { type: "attempted", item } });
    this.emit({ kind: "transmit", item });
  }
}
