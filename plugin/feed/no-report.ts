/**
 * Explaining a round that produced no report: from what the committee traced during the
 * attempt, name the first thing that stood in the way, in terms a test author can act on.
 */
import type { NoReportError } from "../api-types.js";
import type { TraceEvent } from "../protocol/trace.js";

export interface NoReportFacts {
  readonly n: number;
  readonly f: number;
  /** Oracles running during the attempt. */
  readonly up: number;
  /** Trace events recorded during the attempt. */
  readonly trace: readonly TraceEvent[];
  readonly timeoutMs: number;
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
  const { n, f, up, trace } = facts;
  const quorum = 2 * f + 1;
  if (up < quorum) {
    return `only ${up} of ${n} oracles are up; a report needs 2f+1 = ${quorum} observations`;
  }
  const observed = bestObservationCount(trace);
  if (observed.count < quorum) {
    const cause = observed.error !== undefined ? ` (data source error: ${observed.error})` : "";
    return `at most ${observed.count} oracles made an observation in any round; a report needs 2f+1 = ${quorum}${cause}`;
  }
  const reverted = trace.find((e) => e.type === "transmit-reverted");
  if (reverted !== undefined && reverted.type === "transmit-reverted") {
    return `the transmission reverted: ${reverted.reason}`;
  }
  const decisions = trace.filter((e) => e.type === "should-report");
  if (decisions.length > 0 && decisions.every((e) => e.type === "should-report" && !e.report)) {
    return "the oracles saw no reason to report: no deviation over alphaPPB, heartbeat not due, no round requested";
  }
  const dropped = trace.find((e) => e.type === "transmission-dropped" || e.type === "transmit-skipped");
  if (dropped !== undefined && "reason" in dropped) {
    return `the report was not transmitted: ${dropped.reason}`;
  }
  return `no report landed within ${facts.timeoutMs} ms of committee time`;
}

/** The error `runRound` throws when no report lands. */
export function noReportError(reason: string, timeoutMs: number): NoReportError {
  const error = new Error(`No OCR report landed within ${timeoutMs} ms of committee time: ${reason}`) as Error & {
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
