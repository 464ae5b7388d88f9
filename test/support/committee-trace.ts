/**
 * Reading a committee's trace in tests: what each oracle observed per round, the checks of a
 * report against it, and the "first-scheduled transmitter crashes" scenario that the in-memory
 * and the Hardhat committee tests both run.
 */
import { expect } from "chai";

import type { Committee } from "../../plugin/protocol/committee.js";
import type { AcceptedTransmission } from "../../plugin/protocol/fake-chain.js";
import type { TraceEvent } from "../../plugin/protocol/trace.js";

/** The key of an (epoch, round) in the maps below. */
export const roundKey = (epoch: number, round: number): string => `${epoch}:${round}`;

/** The value each oracle observed, per (epoch, round), as the committee traced it. */
export function observedValues(trace: readonly TraceEvent[]): Map<string, Map<number, bigint>> {
  const byRound = new Map<string, Map<number, bigint>>();
  for (const e of trace) {
    if (e.type !== "observation" || e.value === null) continue;
    const key = roundKey(e.epoch, e.round);
    if (!byRound.has(key)) byRound.set(key, new Map());
    byRound.get(key)!.set(e.oracle, e.value);
  }
  return byRound;
}

/** What a report the (fake) contract accepted says about its round. */
type ReportedRound = Pick<AcceptedTransmission, "epoch" | "round" | "observers" | "observations" | "answer">;

/**
 * Every value in the report is what that oracle's data source returned for the report's round
 * (per `observedValues`), and the answer is the median (element n/2) of the sorted values.
 */
export function expectObservedValuesAndMedian(report: ReportedRound, observed: ReadonlyMap<string, ReadonlyMap<number, bigint>>): void {
  const seen = observed.get(roundKey(report.epoch, report.round))!;
  report.observers.forEach((observer, k) => expect(report.observations[k]).to.equal(seen.get(observer)));
  const sorted = [...report.observations].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  expect(report.answer).to.equal(sorted[sorted.length >> 1]);
}

/** The stage-0 transmitter the scenario took down, and when it scheduled its transmission. */
export interface CrashedTransmitter {
  readonly oracle: number;
  readonly epoch: number;
  readonly round: number;
  readonly atMs: number;
}

/**
 * From now on, takes down the next oracle that schedules a stage-0 transmission, before its
 * zero-delay transmit timer fires. Returns a reader for that oracle (null until it happened).
 */
export function crashNextFirstScheduledTransmitter(committee: Committee): () => CrashedTransmitter | null {
  let crashed: CrashedTransmitter | null = null;
  committee.onTrace((e) => {
    if (crashed === null && e.type === "transmission-scheduled" && e.stage === 0) {
      crashed = { oracle: e.oracle, epoch: e.epoch, round: e.round, atMs: e.timeMs };
      committee.takeDown(e.oracle);
    }
  });
  return () => crashed;
}

/**
 * The latest report landed from stage 1 for the crashed transmitter's (epoch, round), sent by
 * another oracle. Returns that landing and the stage-1 oracle's schedule event, for the caller's
 * timing checks.
 */
export function expectStageOneTookOver(committee: Committee, crashed: CrashedTransmitter) {
  const landed = committee.events("transmit-landed").at(-1)!;
  expect([landed.epoch, landed.round]).to.deep.equal([crashed.epoch, crashed.round]);
  expect(landed.stage).to.equal(1);
  expect(landed.oracle).to.not.equal(crashed.oracle);
  const stageOne = committee
    .events("transmission-scheduled")
    .find((e) => e.oracle === landed.oracle && e.epoch === crashed.epoch && e.round === crashed.round)!;
  return { landed, stageOne };
}
