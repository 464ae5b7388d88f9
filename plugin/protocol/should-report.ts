/**
 * shouldReport (spec §2.6): after a valid report-req, a follower signs only if the chain needs
 * an update. Pure: the oracle reads the chain and hands the readings in.
 */
import { bytesEqual } from "../core/bytes.js";
import { deviates } from "../core/deviation.js";
import { MAX_OBSERVATION, MIN_OBSERVATION, epochAndRound } from "../core/report.js";

/** The contract's `latestTransmissionDetails`. */
export interface TransmissionDetails {
  readonly configDigest: Uint8Array;
  readonly epoch: number;
  readonly round: number;
  readonly latestAnswer: bigint;
  /** Block timestamp of the latest transmission, in seconds (0 before any). */
  readonly latestTimestamp: bigint;
}

/** The latest `RoundRequested` event. */
export interface RoundRequest {
  readonly requester: string;
  readonly configDigest: Uint8Array;
  readonly epoch: number;
  readonly round: number;
}

export type ShouldReportReason = "initial-round" | "deviation" | "heartbeat" | "round-requested" | "chain-read-failed";

export interface ShouldReportInputs {
  readonly ownConfigDigest: Uint8Array;
  /** Element n/2 of the report-req's sorted values. */
  readonly reportMedian: bigint;
  readonly alphaPPB: bigint;
  readonly deltaCMs: number;
  /** Current time in ms (the chain's notion of now for the heartbeat). */
  readonly nowMs: number;
  /** Chain readings, or null when reading failed or timed out. */
  readonly chain: { readonly details: TransmissionDetails; readonly roundRequest: RoundRequest | null } | null;
}

export interface ShouldReportDecision {
  readonly report: boolean;
  /** Every reason that holds (empty when the answer is no). */
  readonly reasons: readonly ShouldReportReason[];
}

export function shouldReport(inputs: ShouldReportInputs): ShouldReportDecision {
  if (inputs.chain === null) {
    // Better an unneeded report than a feed that silently stops when the RPC is flaky.
    return { report: true, reasons: ["chain-read-failed"] };
  }
  const { details, roundRequest } = inputs.chain;
  if (details.latestAnswer < MIN_OBSERVATION || details.latestAnswer > MAX_OBSERVATION) {
    return { report: false, reasons: [] };
  }
  const sameConfig = bytesEqual(details.configDigest, inputs.ownConfigDigest);
  const reasons: ShouldReportReason[] = [];
  if (sameConfig && details.epoch === 0 && details.round === 0) reasons.push("initial-round");
  if (deviates(details.latestAnswer, inputs.reportMedian, inputs.alphaPPB)) reasons.push("deviation");
  if (isHeartbeatDue(details.latestTimestamp, inputs.deltaCMs, inputs.nowMs)) reasons.push("heartbeat");
  if (
    roundRequest !== null &&
    bytesEqual(roundRequest.configDigest, inputs.ownConfigDigest) &&
    epochAndRound(roundRequest.epoch, roundRequest.round) >= epochAndRound(details.epoch, details.round)
  ) {
    reasons.push("round-requested");
  }
  return { report: reasons.length > 0, reasons };
}

/** latestTimestamp + DeltaC is before now; a timestamp of 0 (never reported) is always due. */
export function isHeartbeatDue(latestTimestampSec: bigint, deltaCMs: number, nowMs: number): boolean {
  if (latestTimestampSec === 0n) return true;
  return Number(latestTimestampSec) * 1000 + deltaCMs < nowMs;
}
