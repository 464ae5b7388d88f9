/**
 * The deviation mode's judge: whether each report was due, and whether each due report came,
 * computed on its own from the market function, the chain's reports and the committee's clock.
 *
 * A report is due when its median moved more than alpha from the answer on chain, or when the
 * heartbeat (DeltaC since the last report) has expired. An oracle decides against the chain as
 * it read it, some time between its round's start and the report's landing, so a report passes if
 * it was due against any answer that was the newest on chain at some moment of that span.
 *
 * Liveness: when an honest leader starts a round whose honest observations all moved more than
 * alpha from the answer on chain (by 2·alpha or more: the deviation market leaves no close calls),
 * or when the heartbeat expires, some report must land within the step's bound.
 */
export interface LandedReport {
  readonly configDigestHex: string;
  readonly epoch: number;
  readonly round: number;
  readonly answer: bigint;
  readonly timestampSec: number;
  /** Committee time at which it landed (null if not seen landing, e.g. before the judge started). */
  readonly landedAtMs: number | null;
}

export type DeviationViolationKind = "report-not-due" | "deviation-not-reported" | "heartbeat-not-reported";

export interface DeviationViolation {
  readonly kind: DeviationViolationKind;
  readonly epoch: number;
  readonly round: number;
  readonly detail: string;
}

const PPB = 1_000_000_000n;

/** |new − old| > alpha · |old| (parts per billion), written out here rather than taken from the engine. */
export function movedMoreThan(oldValue: bigint, newValue: bigint, alphaPPB: bigint): boolean {
  const diff = newValue > oldValue ? newValue - oldValue : oldValue - newValue;
  const base = oldValue < 0n ? -oldValue : oldValue;
  return diff * PPB > alphaPPB * base;
}

/** Reports remembered: far more than can land while one round is decided. */
const KEEP_REPORTS = 256;

export class DeviationJudge {
  private readonly reports: LandedReport[] = [];
  private readonly roundStarts = new Map<string, number>();
  /** Committee times by which a report must have landed (oldest first), with why. */
  private readonly obligations: { dueByMs: number; epoch: number; round: number; why: DeviationViolationKind; detail: string }[] = [];
  readonly counts = { reportsJudged: 0, dueByDeviation: 0, dueByHeartbeat: 0, deviationObligations: 0, heartbeatObligations: 0 };

  constructor(
    private readonly alphaPPB: bigint,
    private readonly deltaCMs: number,
    /** Committee time of a chain time (ms). */
    private readonly committeeTimeOf: (chainMs: number) => number,
  ) {}

  get latest(): LandedReport | null {
    return this.reports.at(-1) ?? null;
  }

  /** A round started at committee time `atMs` (from the trace: timing only). */
  roundStarted(epoch: number, round: number, atMs: number): void {
    this.roundStarts.set(`${epoch}:${round}`, atMs);
    if (this.roundStarts.size > 4 * KEEP_REPORTS) this.roundStarts.delete(this.roundStarts.keys().next().value!);
  }

  /**
   * An honest leader started round (epoch, round) at `atMs`, with these honest observations: if
   * every one moved more than alpha from the answer on chain, a report is owed within `boundMs`.
   */
  honestRoundStarted(epoch: number, round: number, atMs: number, honestValues: readonly bigint[], boundMs: number): void {
    const latest = this.latest;
    if (latest === null || honestValues.length === 0) return;
    if (!honestValues.every((v) => movedMoreThan(latest.answer, v, this.alphaPPB))) return;
    this.counts.deviationObligations++;
    this.obligations.push({ dueByMs: atMs + boundMs, epoch, round, why: "deviation-not-reported", detail: `honest observations of ${epoch}.${round} moved more than alpha from ${latest.answer}` });
  }

  /** The heartbeat of the newest report expires; a report is owed within `boundMs` of when it does (or of `fromMs`, if later). */
  heartbeatOwed(fromMs: number, boundMs: number): void {
    const latest = this.latest;
    if (latest === null) return;
    const expiresAt = this.committeeTimeOf(latest.timestampSec * 1000 + this.deltaCMs);
    if (this.obligations.some((o) => o.why === "heartbeat-not-reported")) return;
    this.counts.heartbeatObligations++;
    this.obligations.push({ dueByMs: Math.max(expiresAt, fromMs) + boundMs, epoch: latest.epoch, round: latest.round, why: "heartbeat-not-reported", detail: `heartbeat of ${latest.epoch}.${latest.round} (answer at ${latest.timestampSec} s)` });
  }

  /** Judge a report the chain holds, in chain order: was it due? */
  onReport(report: LandedReport): DeviationViolation[] {
    this.counts.reportsJudged++;
    const found: DeviationViolation[] = [];
    const previous = this.latest;
    // A landing clears what was owed, once it is clear whether it came in time.
    for (const o of this.obligations) {
      if (report.landedAtMs !== null && o.dueByMs < report.landedAtMs) {
        found.push({ kind: o.why, epoch: o.epoch, round: o.round, detail: `${o.detail}: the next report landed at ${report.landedAtMs}, owed by ${o.dueByMs}` });
        break;
      }
    }
    this.obligations.length = 0;
    if (previous !== null && previous.configDigestHex === report.configDigestHex) {
      const startedAt = this.roundStarts.get(`${report.epoch}:${report.round}`);
      // Answers that were newest at some moment between the round's start and this landing.
      const seen = this.reports.filter((r, i) => {
        const next = this.reports[i + 1];
        return startedAt === undefined || next === undefined || next.landedAtMs === null || next.landedAtMs > startedAt;
      });
      const byDeviation = seen.some((r) => movedMoreThan(r.answer, report.answer, this.alphaPPB));
      // Block times are whole seconds: a second of slack.
      const byHeartbeat = seen.some((r) => (report.timestampSec - r.timestampSec) * 1000 + 1000 >= this.deltaCMs);
      if (byDeviation) this.counts.dueByDeviation++;
      else if (byHeartbeat) this.counts.dueByHeartbeat++;
      else {
        found.push({
          kind: "report-not-due",
          epoch: report.epoch,
          round: report.round,
          detail: `answer ${report.answer} within alpha of ${seen.map((r) => r.answer).join(", ")} and heartbeat not expired (${report.timestampSec - previous.timestampSec} s after the last)`,
        });
      }
    }
    this.reports.push(report);
    if (this.reports.length > KEEP_REPORTS) this.reports.shift();
    return found;
  }

  /** Obligations whose time ran out by committee time `nowMs` (they are dropped once reported). */
  overdue(nowMs: number): DeviationViolation[] {
    const late = this.obligations.filter((o) => o.dueByMs < nowMs);
    if (late.length === 0) return [];
    this.obligations.splice(0, this.obligations.length, ...this.obligations.filter((o) => o.dueByMs >= nowMs));
    return late.slice(0, 1).map((o) => ({ kind: o.why, epoch: o.epoch, round: o.round, detail: `${o.detail}: nothing landed by ${o.dueByMs}` }));
  }
}
