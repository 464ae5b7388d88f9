/**
 * What OCR2's report-generation roles know of the config. It extends OCR1's shared part (digest,
 * f, rMax, the oracles' keys) with what OCR2 adds: the report quorum, the plugin's size limits
 * and the maximum duration of each plugin call.
 */
import type { ReportGenerationConfig } from "../report-generation-config.js";
import type { Ocr2PluginLimits } from "./attestation.js";

export interface Ocr2ReportGenerationConfig extends Omit<ReportGenerationConfig, "checks"> {
  /** Identical reports needed for a round to complete, and signatures in a final. */
  readonly reportQuorum: number;
  readonly limits: Ocr2PluginLimits;
  /** Minimum spacing of round starts (a round also waits for the previous one to complete). */
  readonly deltaRoundMs: number;
  /** The leader's wait for slower observations once more than 2f are in. */
  readonly deltaGraceMs: number;
  readonly maxDurationQueryMs: number;
  readonly maxDurationObservationMs: number;
  readonly maxDurationReportMs: number;
}

/**
 * Reports needed for a quorum: f+1 for plugins whose reports need not be unique (the median
 * plugin: the contract's strictly increasing (epoch, round) already stops a second landing),
 * otherwise a byzantine quorum, floor((n+f)/2)+1.
 */
export function ocr2ReportQuorum(n: number, f: number, uniqueReports: boolean): number {
  return uniqueReports ? Math.floor((n + f) / 2) + 1 : f + 1;
}
