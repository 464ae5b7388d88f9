/**
 * The soak's safety checker. It is fed what honest oracles observed (from the committee's
 * trace) and every report the chain holds (from NewTransmission logs), and judges each report
 * against the invariants of issue 5:
 * - the answer lies within [min, max] of the honest observations of that report's round;
 * - no (epoch, round) is accepted twice;
 * - (epoch, round) strictly increases within a config;
 * - aggregator round ids are consecutive (no report lost from the chain's history);
 * - the answer is the median of the observations the contract logged.
 *
 * It knows nothing about committees or chains, so a test can feed it fabricated reports and
 * expect it to count them. Its memory is bounded: only the newest rounds' observations and the
 * newest accepted reports are kept, enough to judge any report and to rewind a reorg.
 */
import { epochAndRound } from "../../plugin/core/report.js";

export interface ReportToCheck {
  readonly aggregatorRoundId: number;
  readonly answer: bigint;
  /** As logged by the contract (sorted). */
  readonly observations: readonly bigint[];
  readonly configDigestHex: string;
  readonly epoch: number;
  readonly round: number;
}

export type ViolationKind =
  | "outside-honest-range"
  | "no-honest-observations"
  | "duplicate"
  | "not-increasing"
  | "round-id-gap"
  | "answer-not-median";

export interface Violation {
  readonly kind: ViolationKind;
  readonly aggregatorRoundId: number;
  readonly epoch: number;
  readonly round: number;
  readonly detail: string;
}

export interface CheckerCounts {
  /** Reports judged (each report the chain held when it was read). */
  checked: number;
  /** Answer outside the honest range, no honest observation known, order or id violations. */
  safetyViolations: number;
  /** An (epoch, round) of the same config accepted again. */
  duplicateReports: number;
}

export interface CheckerOptions {
  /** Rounds whose honest observations are kept (default 1024). */
  readonly keepRounds?: number;
  /** Accepted reports remembered for duplicate checks and reorgs (default 512). */
  readonly keepAccepted?: number;
  /** Violations kept with full detail (default 50). */
  readonly keepViolations?: number;
}

interface HonestRange {
  low: bigint;
  high: bigint;
  count: number;
}

interface Accepted {
  readonly key: string;
  readonly aggregatorRoundId: number;
  readonly configId: number;
  readonly epochRound: bigint;
}


export class InvariantChecker {
  readonly counts: CheckerCounts = { checked: 0, safetyViolations: 0, duplicateReports: 0 };
  /** The first violations, with detail (bounded). */
  readonly violations: Violation[] = [];
  private readonly honest = new Map<string, HonestRange>();
  /** Accepted reports on the chain as it is now, oldest first (bounded). */
  private readonly accepted: Accepted[] = [];
  private readonly acceptedKeys = new Map<string, number>();
  /** The last report accepted on this chain (kept even when `accepted` is trimmed). */
  private last: Accepted | null = null;
  private readonly keepRounds: number;
  private readonly keepAccepted: number;
  private readonly keepViolations: number;
  /** Config digests seen, numbered: round keys carry the number instead of 34 hex characters. */
  private readonly configIds = new Map<string, number>();

  constructor(options: CheckerOptions = {}) {
    this.keepRounds = options.keepRounds ?? 1024;
    this.keepAccepted = options.keepAccepted ?? 512;
    this.keepViolations = options.keepViolations ?? 50;
  }

  /** The aggregator round id of the newest report on the chain as the checker knows it. */
  get latestRoundId(): number {
    return this.last?.aggregatorRoundId ?? 0;
  }

  /** An honest oracle observed `value` in (epoch, round) under the config `configDigestHex`. */
  recordHonestObservation(configDigestHex: string, epoch: number, round: number, value: bigint): void {
    const key = this.roundKey(configDigestHex, epoch, round);
    const range = this.honest.get(key);
    if (range === undefined) {
      this.honest.set(key, { low: value, high: value, count: 1 });
      // Maps iterate in insertion order: the first key is the oldest round.
      if (this.honest.size > this.keepRounds) this.honest.delete(this.honest.keys().next().value!);
      return;
    }
    if (value < range.low) range.low = value;
    if (value > range.high) range.high = value;
    range.count++;
  }

  /** Judge one report the chain holds, in chain order. Returns the violations it found. */
  check(report: ReportToCheck): Violation[] {
    this.counts.checked++;
    const found: Violation[] = [];
    const flag = (kind: ViolationKind, detail: string) =>
      found.push({ kind, aggregatorRoundId: report.aggregatorRoundId, epoch: report.epoch, round: report.round, detail });
    const key = this.roundKey(report.configDigestHex, report.epoch, report.round);
    const epochRound = epochAndRound(report.epoch, report.round);

    const expectedId = this.latestRoundId + 1;
    if (report.aggregatorRoundId !== expectedId) flag("round-id-gap", `aggregator round ${report.aggregatorRoundId}, expected ${expectedId}`);

    if (this.acceptedKeys.has(key)) {
      flag("duplicate", `already accepted as aggregator round ${this.acceptedKeys.get(key)}`);
    } else if (this.last !== null && this.last.configId === this.configIds.get(report.configDigestHex) && epochRound <= this.last.epochRound) {
      flag("not-increasing", `(epoch, round) ${report.epoch}.${report.round} after ${formatEpochRound(this.last.epochRound)}`);
    }

    const median = report.observations[report.observations.length >> 1];
    if (median !== report.answer) flag("answer-not-median", `answer ${report.answer}, median of logged observations ${median}`);

    const range = this.honest.get(key);
    if (range === undefined) flag("no-honest-observations", "no honest oracle observed this round");
    else if (report.answer < range.low || report.answer > range.high) {
      flag("outside-honest-range", `answer ${report.answer} outside honest [${range.low}, ${range.high}] (${range.count} honest observations)`);
    }

    for (const v of found) {
      if (v.kind === "duplicate") this.counts.duplicateReports++;
      else this.counts.safetyViolations++;
      if (this.violations.length < this.keepViolations) this.violations.push(v);
    }
    this.accept({ key, aggregatorRoundId: report.aggregatorRoundId, configId: this.configIds.get(report.configDigestHex)!, epochRound });
    return found;
  }

  /**
   * The chain was rewound (a reorg): forget every report after aggregator round `toRoundId`.
   * Returns how many were forgotten. Throws if the rewind reaches past what is remembered.
   */
  rewind(toRoundId: number): number {
    let forgotten = 0;
    while (this.accepted.length > 0 && this.accepted[this.accepted.length - 1].aggregatorRoundId > toRoundId) {
      const dropped = this.accepted.pop()!;
      this.acceptedKeys.delete(dropped.key);
      forgotten++;
    }
    const newest = this.accepted.at(-1) ?? null;
    if (toRoundId > 0 && newest?.aggregatorRoundId !== toRoundId) {
      throw new Error(`cannot rewind to aggregator round ${toRoundId}: only rounds after ${newest?.aggregatorRoundId ?? 0} are remembered`);
    }
    this.last = newest;
    return forgotten;
  }

  /** A short key for (config, epoch, round): short strings stay flat (no rope of pieces). */
  private roundKey(configDigestHex: string, epoch: number, round: number): string {
    let id = this.configIds.get(configDigestHex);
    if (id === undefined) {
      id = this.configIds.size;
      this.configIds.set(configDigestHex, id);
    }
    return `${id}:${epoch}:${round}`;
  }

  private accept(entry: Accepted): void {
    this.accepted.push(entry);
    this.acceptedKeys.set(entry.key, entry.aggregatorRoundId);
    this.last = entry;
    if (this.accepted.length > this.keepAccepted) {
      const oldest = this.accepted.shift()!;
      if (this.acceptedKeys.get(oldest.key) === oldest.aggregatorRoundId) this.acceptedKeys.delete(oldest.key);
    }
  }
}

function formatEpochRound(epochRound: bigint): string {
  return `${epochRound >> 8n}.${epochRound & 0xffn}`;
}
