/**
 * The liveness bound of one soak step: how much committee time may pass, after the step's
 * faults were applied, before a report must have landed. Derived from the protocol's timing
 * parameters, the keyed leader rotation and the transmission schedule:
 *
 * - a round led by an honest, synchronised leader takes DeltaGrace plus six network hops
 *   (observe-req, observe, report-req, report, final, final-echo), and starts at most one
 *   DeltaRound after the faults hit (the round in flight may be the one they broke);
 * - if that leader's epoch is at RMax, the next observe-req ends it: two more hops to the next
 *   epoch;
 * - every epoch whose leader is faulty costs at most DeltaProgress (honest oracles' progress
 *   timers were armed at their last progress, which was before the faults) plus three hops
 *   (the slowest honest timer, its newepoch, the switch);
 * - an oracle that restarted or rejoined from a partition catches up with the current epoch
 *   within one DeltaResend of gossip (plus two hops), and counts as a faulty leader meanwhile;
 * - the report then waits one DeltaStage for each transmitter ahead of the first working one:
 *   at most the faulty oracles plus the transmit the chain fault swallows;
 * - on a lossy network (a few per cent of messages lost, with a spare honest oracle so that
 *   one lost observation does not sink a round) a round may still fail, and with it the epoch;
 *   `lossyEpochs` such lost epochs are allowed for, each also moving the faulty-leader run's
 *   starting point on by one. This part is probabilistic; the rest is a worst case.
 */
import type { PublicConfig } from "../../plugin/core/config/public-config.js";
import { leaderForEpoch } from "../../plugin/core/leader-selection.js";

/** The parts of a committee's config the bound depends on. */
export type ProtocolTiming = Pick<PublicConfig, "deltaProgressMs" | "deltaResendMs" | "deltaRoundMs" | "deltaGraceMs" | "deltaStageMs" | "rMax">;

export interface StepBoundInput {
  readonly timing: ProtocolTiming;
  /** Longest one-way network delay in this step. */
  readonly hopMs: number;
  /** Most consecutive epochs with a faulty leader the committee may have to go through. */
  readonly faultyLeaderRun: number;
  /** Transmitters that may fail before one succeeds (faulty oracles plus chain faults). */
  readonly failingTransmitters: number;
  /** Some oracle restarted or rejoined and must catch up with the epoch first. */
  readonly catchingUp: boolean;
  /** Extra epochs allowed for rounds lost to message loss (0 on a loss-free network). */
  readonly lossyEpochs: number;
}

/** One epoch change past a faulty leader. */
export function epochChangeMs(timing: ProtocolTiming, hopMs: number): number {
  return timing.deltaProgressMs + 3 * hopMs;
}

/** One epoch in which every round may be lost: it ends by RMax rounds or by the progress timeout. */
export function lostEpochMs(timing: ProtocolTiming, hopMs: number): number {
  return Math.min(timing.rMax * timing.deltaRoundMs + 2 * hopMs, timing.deltaProgressMs + 3 * hopMs);
}

export function stepBoundMs(input: StepBoundInput): number {
  const { timing, hopMs } = input;
  const untilNextRound = timing.deltaRoundMs + 2 * hopMs;
  const round = timing.deltaGraceMs + 6 * hopMs;
  const catchUp = input.catchingUp ? timing.deltaResendMs + 2 * hopMs : 0;
  return (
    catchUp +
    untilNextRound +
    input.faultyLeaderRun * epochChangeMs(timing, hopMs) +
    input.lossyEpochs * lostEpochMs(timing, hopMs) +
    round +
    input.failingTransmitters * timing.deltaStageMs
  );
}

/**
 * The longest run of consecutive epochs whose leader is in `faulty`, starting at `fromEpoch`
 * or at one of the `lookahead` epochs after it (the leader rotation is keyed and known to the
 * committee, so the soak knows it in advance). The committee may leave the current epoch when
 * its rounds run out (one epoch of lookahead), and on a lossy network each lost epoch moves
 * the starting point one further.
 */
export function faultyLeaderRun(args: {
  readonly leaderSelectionKey: Uint8Array;
  readonly n: number;
  readonly fromEpoch: number;
  readonly faulty: ReadonlySet<number>;
  /** Later epochs the run may start from (default 1). */
  readonly lookahead?: number;
  /** Give up counting here (all oracles faulty would never end). */
  readonly cap?: number;
}): number {
  const cap = args.cap ?? 64;
  const runFrom = (epoch: number): number => {
    let run = 0;
    while (run < cap && args.faulty.has(leaderForEpoch(args.leaderSelectionKey, epoch + run, args.n))) run++;
    return run;
  };
  let longest = 0;
  for (let start = args.fromEpoch; start <= args.fromEpoch + (args.lookahead ?? 1); start++) longest = Math.max(longest, runFrom(start));
  return longest;
}
