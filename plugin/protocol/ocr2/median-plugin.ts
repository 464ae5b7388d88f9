/**
 * The median reporting plugin (ocr2-spec §3.9), as pure functions and one small stateful class.
 * OCR2's report generation calls these at fixed points of a round; everything they need from
 * the outside world (data sources, the contract's latest transmission, the clock) is read by the
 * oracle and handed in, so each decision is testable on hand-made inputs.
 *
 * Compared with OCR1's shouldReport: the answer must lie inside the feed's [min, max]; a failed
 * chain read means no report (OCR1 reported); the report also carries juelsPerFeeCoin and the
 * median of the oracles' observation clocks; and two further decisions follow finalization
 * (accept, then transmit), each with its own threshold.
 */
import { bytesEqual } from "../../core/bytes.js";
import { deviates } from "../../core/deviation.js";
import { type MedianObservation, type MedianPluginConfig, decodeMedianObservation, encodeMedianObservation } from "../../core/ocr2/median-codec.js";
import {
  OCR2_REPORT_FIXED_BYTES,
  decodeOcr2Report,
  encodeOcr2Report,
  ocr2EpochAndRound,
  ocr2ReportFromObservations,
  ocr2ReportMedian,
} from "../../core/ocr2/report.js";
import type { RoundRequest, TransmissionDetails } from "../should-report.js";

/** Which config, epoch and round a plugin call belongs to. */
export interface ReportTimestamp {
  readonly configDigest: Uint8Array;
  readonly epoch: number;
  readonly round: number;
}

/** An observation's bytes as its observer signed them, with the observer's oracle index. */
export interface AttributedObservationBytes {
  readonly observation: Uint8Array;
  readonly observer: number;
}

/** The feed's answer bounds from the median onchainConfig. */
export interface AnswerBounds {
  readonly min: bigint;
  readonly max: bigint;
}

/** What the plugin knows of its committee and feed. */
export interface MedianPluginContext {
  readonly configDigest: Uint8Array;
  readonly n: number;
  readonly f: number;
  readonly config: MedianPluginConfig;
  readonly bounds: AnswerBounds;
}

/** The contract readings shouldReport needs; `null` when a read failed or timed out. */
export type MedianChainReadings = {
  readonly details: TransmissionDetails;
  /** The latest RoundRequested within the last deltaC, if any. */
  readonly roundRequest: RoundRequest | null;
} | null;

/** The median plugin never queries: its query is empty. */
export const MEDIAN_QUERY = new Uint8Array(0);

/** The longest report n oracles can produce. */
export function medianMaxReportLength(n: number): number {
  return OCR2_REPORT_FIXED_BYTES + 32 * n;
}

function requireEmptyQuery(query: Uint8Array): void {
  if (query.length !== 0) throw new Error(`the median plugin's query is empty, got ${query.length} bytes`);
}

/**
 * This oracle's observation: the data sources' value and juelsPerFeeCoin, stamped with the
 * oracle's own clock in whole Unix seconds. Returns null when a source failed (`null` input),
 * as any error means no observation.
 */
export function medianObservation(args: {
  readonly query: Uint8Array;
  readonly value: bigint | null;
  readonly juelsPerFeeCoin: bigint | null;
  /** This oracle's clock, ms since the Unix epoch. */
  readonly nowMs: number;
}): Uint8Array | null {
  requireEmptyQuery(args.query);
  if (args.value === null || args.juelsPerFeeCoin === null) return null;
  return encodeMedianObservation({ timestamp: Math.floor(args.nowMs / 1000), value: args.value, juelsPerFeeCoin: args.juelsPerFeeCoin });
}

export type MedianShouldReportReason = "initial-round" | "deviation" | "heartbeat" | "round-requested";

export type MedianReportOutcome =
  | { readonly report: true; readonly bytes: Uint8Array; readonly median: bigint; readonly reasons: readonly MedianShouldReportReason[] }
  | { readonly report: false; readonly reason: string };

/** A parsed observation with its observer. */
interface ParsedObservation extends MedianObservation {
  readonly observer: number;
}

/** The element at n/2 after a deterministic sort (ties by observer), as the contract reads a median. */
function medianBy(observations: readonly ParsedObservation[], key: (o: ParsedObservation) => bigint): bigint {
  const sorted = [...observations].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : a.observer - b.observer;
  });
  return key(sorted[sorted.length >> 1]);
}

/**
 * Report(): parse the observations (dropping any that do not parse), decide whether the chain
 * needs this report (shouldReport), and build it. Throws when fewer than f+1 observations are
 * valid, as the plugin errors then; report generation treats that as no report.
 */
export function medianReport(args: {
  readonly context: MedianPluginContext;
  readonly query: Uint8Array;
  readonly observations: readonly AttributedObservationBytes[];
  readonly chain: MedianChainReadings;
  /** Now, on the clock the heartbeat is measured by (chain time in this project), ms. */
  readonly nowMs: number;
}): MedianReportOutcome {
  requireEmptyQuery(args.query);
  const { context } = args;
  const parsed: ParsedObservation[] = [];
  for (const { observation, observer } of args.observations) {
    try {
      parsed.push({ ...decodeMedianObservation(observation), observer });
    } catch {
      // An observation that does not parse simply does not count.
    }
  }
  if (parsed.length <= context.f) {
    throw new Error(`only ${parsed.length} valid observations; the median plugin needs at least f+1 = ${context.f + 1}`);
  }
  const decision = medianShouldReport({ context, answer: medianBy(parsed, (o) => o.value), chain: args.chain, nowMs: args.nowMs });
  if (!decision.report) return decision;
  const report = ocr2ReportFromObservations({
    observationsTimestamp: Number(medianBy(parsed, (o) => BigInt(o.timestamp))),
    juelsPerFeeCoin: medianBy(parsed, (o) => o.juelsPerFeeCoin),
    observations: parsed.map(({ observer, value }) => ({ observer, value })),
  });
  return { report: true, bytes: encodeOcr2Report(report), median: ocr2ReportMedian(report), reasons: decision.reasons };
}

/** shouldReport: is a report with this answer needed on chain now? */
export function medianShouldReport(args: {
  readonly context: MedianPluginContext;
  readonly answer: bigint;
  readonly chain: MedianChainReadings;
  readonly nowMs: number;
}): { readonly report: true; readonly reasons: MedianShouldReportReason[] } | { readonly report: false; readonly reason: string } {
  const { context, answer, chain } = args;
  if (chain === null) return { report: false, reason: "reading the contract failed" };
  if (answer < context.bounds.min || answer > context.bounds.max) {
    return { report: false, reason: `median ${answer} is outside the feed's [${context.bounds.min}, ${context.bounds.max}]` };
  }
  const { details, roundRequest } = chain;
  const reasons: MedianShouldReportReason[] = [];
  if (bytesEqual(details.configDigest, context.configDigest) && details.epoch === 0 && details.round === 0) reasons.push("initial-round");
  const alpha = context.config.alphaReportPPB;
  if (alpha !== null && deviates(details.latestAnswer, answer, alpha)) reasons.push("deviation");
  if (Number(details.latestTimestamp) * 1000 + context.config.deltaCMs < args.nowMs) reasons.push("heartbeat");
  if (
    roundRequest !== null &&
    bytesEqual(roundRequest.configDigest, context.configDigest) &&
    ocr2EpochAndRound(roundRequest.epoch, roundRequest.round) >= ocr2EpochAndRound(details.epoch, details.round)
  ) {
    reasons.push("round-requested");
  }
  if (reasons.length === 0) return { report: false, reason: "no deviation, heartbeat, request or initial round" };
  return { report: true, reasons };
}

/** The contract's latest (digest, epoch, round), as latestTransmissionDetails returns it. */
export type ContractPosition = Pick<TransmissionDetails, "configDigest" | "epoch" | "round">;

/**
 * ShouldAcceptFinalizedReport and ShouldTransmitAcceptedReport. Holds the one piece of state the
 * plugin keeps (the latest accepted report's (epoch, round) and median); one instance per
 * oracle and config, as in libocr.
 */
export class MedianReportAcceptance {
  private latestAcceptedEpochRound = 0n;
  private latestAcceptedMedian = 0n;

  constructor(private readonly context: MedianPluginContext) {}

  /** Decide whether a finalized report goes to transmission; `contract` null: the read failed. */
  shouldAcceptFinalizedReport(ts: ReportTimestamp, report: Uint8Array, contract: ContractPosition | null): { accept: boolean; reason: string } {
    const reportEpochRound = ocr2EpochAndRound(ts.epoch, ts.round);
    if (reportEpochRound <= this.latestAcceptedEpochRound) return { accept: false, reason: "not newer than the latest accepted report" };
    if (contract === null) return { accept: false, reason: "reading the contract failed" };
    if (!bytesEqual(contract.configDigest, this.context.configDigest)) return { accept: false, reason: "the contract runs another config" };
    const contractEpochRound = ocr2EpochAndRound(contract.epoch, contract.round);
    if (contractEpochRound >= reportEpochRound) return { accept: false, reason: "the contract already has this or a later report" };
    if (report.length > medianMaxReportLength(this.context.n)) return { accept: false, reason: "report too long" };
    let median: bigint;
    try {
      median = ocr2ReportMedian(decodeOcr2Report(report));
    } catch (error) {
      return { accept: false, reason: `report does not parse: ${(error as Error).message}` };
    }
    const alpha = this.context.config.alphaAcceptPPB;
    const deviation = alpha !== null && deviates(this.latestAcceptedMedian, median, alpha);
    const nothingPending = contractEpochRound >= this.latestAcceptedEpochRound;
    if (!deviation && !nothingPending) {
      return { accept: false, reason: "an accepted report is still pending and this one does not deviate from it" };
    }
    this.latestAcceptedEpochRound = reportEpochRound;
    this.latestAcceptedMedian = median;
    return { accept: true, reason: deviation ? "deviates from the latest accepted report" : "nothing pending" };
  }

  /** Just before sending: is the report still news to the contract? */
  shouldTransmitAcceptedReport(ts: ReportTimestamp, contract: ContractPosition | null): { transmit: boolean; reason: string } {
    if (contract === null) return { transmit: false, reason: "reading the contract failed" };
    if (!bytesEqual(contract.configDigest, this.context.configDigest)) return { transmit: false, reason: "the contract runs another config" };
    if (ocr2EpochAndRound(contract.epoch, contract.round) >= ocr2EpochAndRound(ts.epoch, ts.round)) {
      return { transmit: false, reason: "the contract already has this or a later report" };
    }
    return { transmit: true, reason: "the contract is behind this report" };
  }
}
