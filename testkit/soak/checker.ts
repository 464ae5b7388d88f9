/**
 * The soak's safety checker. It judges every report the chain holds (from NewTransmission logs)
 * and every report an honest oracle hands to the chain (transmit requests) against the
 * invariants, recomputing on its own what each honest oracle observed (the soak market is a pure
 * function of epoch, round and oracle); nothing it judges by comes from the committee:
 * - every (observer, value) pair of a report whose observer was honest is that oracle's real
 *   observation of the report's round (a value no honest oracle observed was forged);
 * - an honest transmitter hands the chain only reports with more than f valid signatures of
 *   distinct configured signers;
 * - the answer lies within [min, max] of the honest observations the report carries, when at
 *   most f of them are not honest (the median then sits between two honest ones);
 * - no (epoch, round) is accepted twice; (epoch, round) strictly increases within a config;
 * - aggregator round ids are consecutive (no report lost from the chain's history);
 * - the answer is the median of the observations the contract logged.
 *
 * It knows nothing about committees or chains, so a test can feed it fabricated reports and
 * expect it to count them. Its memory is bounded: only the newest accepted reports (and rounds
 * exempt from the range check) are kept, enough to judge any report and to rewind a reorg.
 */
import { epochAndRound } from "../../plugin/core/report.js";
import type { LoggedReport } from "../landed-reports.js";

/** The checker needs only what the contract logged. */
export type ReportToCheck = LoggedReport;

/**
 * A report an oracle handed to the chain, with the signers its signatures recover to: the same
 * report fields the contract would log, before the contract has seen it.
 */
export interface TransmissionToCheck extends Pick<LoggedReport, "configDigestHex" | "epoch" | "round" | "observers" | "observations"> {
  readonly transmitter: number;
  /** Configured signer index each signature recovers to (-1: nobody in the config, or malformed). */
  readonly signerIndices: readonly number[];
}

/** What an oracle really observed, as the checker recomputes it. */
export interface ObservationTruth {
  /**
   * The value `observer` observed in (epoch, round) of the config, or null when it was not
   * honest in that epoch (Byzantine, or its data source lied or failed): its values are not judged.
   */
  expected(configDigestHex: string, epoch: number, round: number, observer: number): bigint | null;
}

export type ViolationKind =
  | "forged-observation"
  | "unattested-transmit"
  | "unsigned-observation-forwarded"
  | "unattested-final"
  | "outside-honest-range"
  | "no-honest-observations"
  | "duplicate"
  | "not-increasing"
  | "round-id-gap"
  | "answer-not-median"
  /** Deviation mode: a report that was neither a deviation nor a heartbeat. */
  | "report-not-due";

export interface Violation {
  readonly kind: ViolationKind;
  /** 0 for a transmission that did not land (it has no round id yet). */
  readonly aggregatorRoundId: number;
  readonly epoch: number;
  readonly round: number;
  readonly detail: string;
}

export interface CheckerCounts {
  /** Reports judged (each report the chain held when it was read). */
  checked: number;
  /** Transmissions of honest oracles judged. */
  transmissionsChecked: number;
  /** Forged observations, unattested transmits, answers outside the honest range, order or id violations. */
  safetyViolations: number;
  /** An (epoch, round) of the same config accepted again. */
  duplicateReports: number;
  /** Of the safety violations: honest observations forged (on chain or in a transmission). */
  forgedObservations: number;
}

export interface CheckerOptions {
  /** The f of the committee (default 2). */
  readonly f?: number;
  /** Accepted reports remembered for duplicate checks and reorgs (default 512). */
  readonly keepAccepted?: number;
  /** Violations kept with full detail (default 50). */
  readonly keepViolations?: number;
  /** Rounds exempt from the honest-range check remembered (default 1024). */
  readonly keepExempt?: number;
}

interface Accepted {
  readonly key: string;
  readonly aggregatorRoundId: number;
  readonly configId: number;
  readonly epochRound: bigint;
}

export class InvariantChecker {
  readonly counts: CheckerCounts = { checked: 0, transmissionsChecked: 0, safetyViolations: 0, duplicateReports: 0, forgedObservations: 0 };
  /** The first violations, with detail (bounded). */
  readonly violations: Violation[] = [];
  /** Rounds started beyond f with lying data sources: their answers may leave the honest range. */
  private readonly rangeExempt = new Set<string>();
  /** Accepted reports on the chain as it is now, oldest first (bounded). */
  private readonly accepted: Accepted[] = [];
  private readonly acceptedKeys = new Map<string, number>();
  /** The last report accepted on this chain (kept even when `accepted` is trimmed). */
  private last: Accepted | null = null;
  private readonly f: number;
  private readonly keepExempt: number;
  private readonly keepAccepted: number;
  private readonly keepViolations: number;
  /** Config digests seen, numbered: round keys carry the number instead of 34 hex characters. */
  private readonly configIds = new Map<string, number>();

  constructor(
    private readonly truth: ObservationTruth,
    options: CheckerOptions = {},
  ) {
    this.f = options.f ?? 2;
    this.keepExempt = options.keepExempt ?? 1024;
    this.keepAccepted = options.keepAccepted ?? 512;
    this.keepViolations = options.keepViolations ?? 50;
  }

  /** The aggregator round id of the newest report on the chain as the checker knows it. */
  get latestRoundId(): number {
    return this.last?.aggregatorRoundId ?? 0;
  }

  /**
   * Round (epoch, round) of the config was started while more than f oracles lied: only safety
   * of what honest oracles signed is promised there, so its answer may leave the honest range.
   */
  exemptFromRange(configDigestHex: string, epoch: number, round: number): void {
    this.rangeExempt.add(this.roundKey(configDigestHex, epoch, round));
    if (this.rangeExempt.size > this.keepExempt) this.rangeExempt.delete(this.rangeExempt.values().next().value!);
  }

  /** An honest leader's report-req: `unsignedObservers` are observers whose signature did not verify. */
  checkForwardedObservations(m: { configDigestHex: string; epoch: number; round: number; leader: number; unsignedObservers: readonly number[] }): Violation[] {
    const found: Violation[] =
      m.unsignedObservers.length === 0
        ? []
        : [{ kind: "unsigned-observation-forwarded", aggregatorRoundId: 0, epoch: m.epoch, round: m.round, detail: `honest leader ${m.leader} forwarded observations of [${m.unsignedObservers.join(",")}] without their valid signatures` }];
    this.tally(found);
    return found;
  }

  /** An honest leader's final: each signature's configured signer index (-1: none). */
  checkFinal(m: { configDigestHex: string; epoch: number; round: number; leader: number; signerIndices: readonly number[] }): Violation[] {
    const distinct = new Set(m.signerIndices.filter((i) => i >= 0));
    const found: Violation[] =
      distinct.size === m.signerIndices.length && distinct.size > this.f
        ? []
        : [{ kind: "unattested-final", aggregatorRoundId: 0, epoch: m.epoch, round: m.round, detail: `honest leader ${m.leader} broadcast a final signed by [${m.signerIndices.join(",")}]: needs more than ${this.f} distinct configured signers` }];
    this.tally(found);
    return found;
  }

  /**
   * Judge a report an honest oracle hands to the chain, landed or not: more than f signatures
   * of distinct configured signers, and no forged honest observation. Returns the violations.
   */
  checkTransmission(t: TransmissionToCheck): Violation[] {
    this.counts.transmissionsChecked++;
    const found: Violation[] = [];
    const flag = (kind: ViolationKind, detail: string) => found.push({ kind, aggregatorRoundId: 0, epoch: t.epoch, round: t.round, detail });
    const distinct = new Set(t.signerIndices.filter((i) => i >= 0));
    if (distinct.size !== t.signerIndices.length || distinct.size <= this.f) {
      flag("unattested-transmit", `oracle ${t.transmitter} transmitted a report signed by [${t.signerIndices.join(",")}]: needs more than ${this.f} distinct configured signers`);
    }
    for (const detail of this.forgeries(t.configDigestHex, t.epoch, t.round, t.observers, t.observations)) flag("forged-observation", `transmitted by oracle ${t.transmitter}: ${detail}`);
    this.tally(found);
    return found;
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

    for (const detail of this.forgeries(report.configDigestHex, report.epoch, report.round, report.observers, report.observations)) flag("forged-observation", detail);
    const honestValues = report.observations.filter(
      (_, i) => this.truth.expected(report.configDigestHex, report.epoch, report.round, report.observers[i]) !== null,
    );
    // Beyond f (as far as the checker knows who was faulty) the median may be a faulty oracle's
    // value: the range promise holds only with at most f others in the report.
    const withinF = report.observations.length - honestValues.length <= this.f;
    if (honestValues.length === 0) flag("no-honest-observations", "no observation of the report is from an oracle honest in that epoch");
    else if (withinF && !this.rangeExempt.has(key)) {
      const low = honestValues.reduce((a, b) => (a < b ? a : b));
      const high = honestValues.reduce((a, b) => (a > b ? a : b));
      if (report.answer < low || report.answer > high) {
        flag("outside-honest-range", `answer ${report.answer} outside honest [${low}, ${high}] (${honestValues.length} honest observations)`);
      }
    }

    this.tally(found);
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

  /** Each observation attributed to an honest observer that is not what it observed. */
  private forgeries(configDigestHex: string, epoch: number, round: number, observers: readonly number[], observations: readonly bigint[]): string[] {
    const out: string[] = [];
    observations.forEach((value, i) => {
      const expected = this.truth.expected(configDigestHex, epoch, round, observers[i]);
      if (expected !== null && expected !== value) out.push(`oracle ${observers[i]} observed ${expected}, the report says ${value}`);
    });
    return out;
  }

  private tally(found: readonly Violation[]): void {
    for (const v of found) {
      if (v.kind === "duplicate") this.counts.duplicateReports++;
      else this.counts.safetyViolations++;
      if (v.kind === "forged-observation") this.counts.forgedObservations++;
      if (this.violations.length < this.keepViolations) this.violations.push(v);
    }
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
