/**
 * Explaining a round that produced no report: from what the committee traced during the
 * attempt, name the first thing that stood in the way, in terms a test author can act on.
 */
import type { NoReportError } from "../api-types.js";
import { truncateText } from "../data-sources/data-source.js";
import type { TraceEvent } from "../protocol/trace.js";

export interface NoReportFacts {
  readonly n: number;
  readonly f: number;
  /** Oracles running during the attempt. */
  readonly up: number;
  /** Trace events recorded during the attempt. */
  readonly trace: readonly TraceEvent[];
  readonly timeoutMs: number;
  /** Groups of oracles that can reach each other (several when the network is partitioned). */
  readonly connectedGroups?: readonly (readonly number[])[];
  /** Oracles running during the attempt, by index (to size the partition groups). */
  readonly upOracles?: readonly number[];
  /** The heartbeat, to say when a report will be due without a deviation. */
  readonly deltaCMs?: number;
  /** The aggregator's accepted median range, to explain a "median is out of min-max range" revert. */
  readonly answerRange?: { readonly min: bigint; readonly max: bigint };
}

/** Most oracles that observed a value in any one (epoch, round), and the first source error seen. */
function bestObservationCount(trace: readonly TraceEvent[]): { count: number; error?: string } {
  const perRound = new Map<string, Set<number>>();
  let error: string | undefined;
  for (const e of trace) {
    if (e.type !== "observation") continue;
    if (e.value === null) {
      error ??= e.error;
      continue;
    }
    const key = `${e.epoch}:${e.round}`;
    if (!perRound.has(key)) perRound.set(key, new Set());
    perRound.get(key)!.add(e.oracle);
  }
  const count = Math.max(0, ...[...perRound.values()].map((s) => s.size));
  return error === undefined ? { count } : { count, error };
}

/** Why no report landed, most fundamental cause first. */
export function noReportReason(facts: NoReportFacts): string {
  return firstObstacle(facts) ?? `no report landed within ${facts.timeoutMs} ms of committee time`;
}

/** The first thing the trace shows standing in the way of a report, or undefined if nothing failed. */
function firstObstacle(facts: NoReportFacts): string | undefined {
  const { n, f, up, trace } = facts;
  const quorum = 2 * f + 1;
  if (up < quorum) {
    return `only ${up} of ${n} oracles are up; a report needs 2f+1 = ${quorum} observations`;
  }
  if (facts.connectedGroups !== undefined && facts.connectedGroups.length > 1) {
    const upSet = new Set(facts.upOracles ?? []);
    const groups = facts.connectedGroups.map((g) => (facts.upOracles === undefined ? [...g] : g.filter((i) => upSet.has(i)))).filter((g) => g.length > 0);
    const largest = groups.reduce((a, b) => (b.length > a.length ? b : a), [] as number[]);
    if (largest.length < quorum) {
      return (
        `the network is partitioned into ${groups.map((g) => g.join(",")).join(" | ")}; the largest group that can reach each other has ${largest.length} ` +
        `running oracle${largest.length === 1 ? "" : "s"}, and a report needs 2f+1 = ${quorum}`
      );
    }
  }
  const observed = bestObservationCount(trace);
  if (observed.count < quorum) {
    const cause = observed.error !== undefined ? ` (data source error: ${truncateText(observed.error)})` : "";
    return `at most ${observed.count} oracles made an observation in any round; a report needs 2f+1 = ${quorum}${cause}`;
  }
  const reverted = trace.find((e) => e.type === "transmit-reverted");
  if (reverted !== undefined && reverted.type === "transmit-reverted") {
    if (/median is out of min-max range/.test(reverted.reason) && facts.answerRange !== undefined) {
      return (
        `the transmission reverted: median is out of min-max range. The aggregator only accepts medians from minAnswer ${facts.answerRange.min} ` +
        `to maxAnswer ${facts.answerRange.max}; give observations inside that range, or deploy with other minAnswer/maxAnswer`
      );
    }
    return `the transmission reverted: ${truncateText(reverted.reason)}`;
  }
  const decisions = trace.filter((e) => e.type === "should-report");
  // OCR2's median plugin checks the bounds itself and does not report, where OCR1's contract reverted.
  const outOfRange = decisions.some((e) => e.type === "should-report" && !e.report && e.reasons.some((r) => /is outside the feed's \[/.test(r)));
  if (outOfRange && facts.answerRange !== undefined && decisions.every((e) => e.type === "should-report" && !e.report)) {
    return (
      `the oracles did not report: median is out of min-max range. The aggregator only accepts medians from minAnswer ${facts.answerRange.min} ` +
      `to maxAnswer ${facts.answerRange.max}; give observations inside that range, or deploy with other minAnswer/maxAnswer`
    );
  }
  if (decisions.length > 0 && decisions.every((e) => e.type === "should-report" && !e.report)) {
    const heartbeat = facts.deltaCMs !== undefined ? ` (deltaC = ${formatDuration(facts.deltaCMs)} of committee time)` : "";
    return (
      `the oracles saw no reason to report: no deviation over alphaPPB, heartbeat not due${heartbeat}, no round requested. ` +
      `A price that does not move is reported only at the heartbeat; request a round to force one (runRound's default, ocr:run --request)`
    );
  }
  const dropped = trace.find((e) => e.type === "transmission-dropped" || e.type === "transmit-skipped");
  if (dropped !== undefined && "reason" in dropped) {
    return `the report was not transmitted: ${dropped.reason}`;
  }
  return undefined;
}

/** 86_400_000 -> "24 h", 90_000 -> "90 s". */
export function formatDuration(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}

/** How long `runRound` waits in wall-clock time unless told otherwise. */
export function defaultWallTimeoutMs(simulated: boolean, committeeTimeoutMs: number): number {
  // In process a round costs milliseconds of real time; on a node committee time is real time.
  return simulated ? 60_000 : committeeTimeoutMs + 60_000;
}

/** How often `runRound` tells `onWaiting` what it waits for. */
export const DEFAULT_PROGRESS_INTERVAL_MS = 3_000;

/**
 * What a round is waiting for, in one sentence: oracles stuck on their data source first (the
 * usual reason a wait drags on), then the first obstacle the trace shows so far.
 */
export function waitingFor(
  facts: NoReportFacts,
  pending: readonly { readonly oracle: number; readonly source: string; readonly epoch: number; readonly round: number; readonly pendingMs: number }[],
): string {
  const stuck = pending.filter((p) => p.pendingMs >= 1000);
  const parts: string[] = [];
  if (stuck.length > 0) {
    const oracles = stuck.map((p) => p.oracle).join(", ");
    const sources = [...new Set(stuck.map((p) => p.source))].join("/");
    const longest = Math.max(...stuck.map((p) => p.pendingMs));
    parts.push(
      `oracle${stuck.length === 1 ? "" : "s"} ${oracles} ${stuck.length === 1 ? "has" : "have"} not observed yet: ` +
        `${stuck.length === 1 ? "its" : "their"} ${sources} data source has not answered for ${(longest / 1000).toFixed(1)} s`,
    );
  }
  const obstacle = firstObstacle(facts);
  if (obstacle !== undefined) parts.push(obstacle);
  if (parts.length === 0) parts.push("the committee is still working on a round (nothing has failed so far)");
  return parts.join("; ");
}

/**
 * Calls `report` every `intervalMs` of wall time: from a timer (which runs while the engine waits
 * on real I/O) and from `tick()` (which the engine calls between events, since a busy virtual
 * clock gives timers no chance to run). `tick()` returns false so it can serve as a stop check.
 */
export class ProgressTicker {
  #last = Date.now();
  readonly #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly report: (() => void) | undefined,
  ) {
    if (report !== undefined) {
      this.#timer = setInterval(() => this.tick(), Math.min(intervalMs, 1000));
      this.#timer.unref();
    }
  }

  tick(): false {
    if (this.report !== undefined && Date.now() - this.#last >= this.intervalMs) {
      this.#last = Date.now();
      this.report();
    }
    return false;
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
  }
}

/** The error `runRound` throws when no report lands. */
export function noReportError(
  reason: string,
  timeoutMs: number,
  wall?: { readonly wallTimeoutMs: number; readonly committeeElapsedMs: number },
): NoReportError {
  const bound =
    wall === undefined
      ? `within ${timeoutMs} ms of committee time`
      : `within ${(wall.wallTimeoutMs / 1000).toFixed(1)} s of wall-clock time (${(wall.committeeElapsedMs / 1000).toFixed(1)} s of committee time had passed)`;
  const error = new Error(`No OCR report landed ${bound}: ${reason}`) as Error & {
    code: "OCR_NO_REPORT";
    reason: string;
  };
  error.name = "NoReportError";
  error.code = "OCR_NO_REPORT";
  error.reason = reason;
  return error;
}

/**
 * How long one round may take before `runRound` gives up, in committee time: f failed leaders
 * in a row (each costs a progress timeout plus a resend before the epoch changes) and one more
 * for good measure, then a round with its grace period, then every transmission stage.
 */
export function roundTimeoutMs(timing: {
  readonly f: number;
  readonly deltaProgressMs: number;
  readonly deltaResendMs: number;
  readonly deltaRoundMs: number;
  readonly deltaGraceMs: number;
  readonly deltaStageMs: number;
  readonly stages: number;
}): number {
  const epochChanges = (timing.f + 2) * (timing.deltaProgressMs + timing.deltaResendMs);
  return epochChanges + timing.deltaRoundMs + timing.deltaGraceMs + timing.stages * timing.deltaStageMs;
}
