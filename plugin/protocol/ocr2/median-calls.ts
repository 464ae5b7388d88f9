/**
 * The median plugin's five calls as an OCR2 oracle answers them: the pure decisions of
 * median-plugin.ts fed with what the oracle reads from its data sources, the chain and its clock.
 * Each call answers through a callback exactly once (null when a read failed), and the role that
 * asked guards the answer with its own MaxDuration timer.
 *
 * Time: an observation is stamped with the committee clock (virtual on a simulated network, so
 * startedAt trails updatedAt by the protocol's own delay), while the heartbeat compares the
 * contract's timestamp with the chain's time, as a node compares block time with its own clock.
 */
import type { DataSource } from "../../data-sources/data-source.js";
import { assertInt192 } from "../../data-sources/data-source.js";
import type { Ocr2SharedConfig } from "../../core/ocr2/shared-config.js";
import { type OracleEffects, attempt, withTimeout } from "../effects.js";
import type { Ocr2AttributedObservation } from "../../core/ocr2/observation-signature.js";
import { MEDIAN_QUERY, type MedianPluginContext, MedianReportAcceptance, medianObservation, medianReport } from "./median-plugin.js";
import type { Ocr2ReportDecision } from "./report-generation-follower.js";

export interface MedianCallsArgs {
  readonly shared: Ocr2SharedConfig;
  readonly oracleIndex: number;
  readonly effects: OracleEffects;
  /** The oracle's juelsPerFeeCoin source (it may be swapped while the oracle runs). */
  readonly juelsPerFeeCoin: () => DataSource;
  /** How long the juelsPerFeeCoin source may take. */
  readonly juelsTimeoutMs: number;
}

export class MedianCalls {
  readonly #args: MedianCallsArgs;
  readonly #context: MedianPluginContext;
  /** ShouldAccept's state lives as long as the config (one plugin instance per config). */
  readonly #acceptance: MedianReportAcceptance;

  constructor(args: MedianCallsArgs) {
    this.#args = args;
    const { shared } = args;
    this.#context = { configDigest: shared.configDigest, n: shared.oracles.length, f: shared.f, config: shared.median, bounds: shared.bounds };
    this.#acceptance = new MedianReportAcceptance(this.#context);
  }

  /** Query: the median plugin never queries. */
  query(answer: (query: Uint8Array | null) => void): void {
    answer(MEDIAN_QUERY);
  }

  /** Observation: the value and juelsPerFeeCoin, read in parallel, stamped with this oracle's clock. */
  observation(epoch: number, round: number, query: Uint8Array, answer: (observation: Uint8Array | null) => void): void {
    const { effects, oracleIndex } = this.#args;
    let value: bigint | null | undefined;
    let juels: bigint | null | undefined;
    const both = () => {
      if (value === undefined || juels === undefined) return;
      try {
        answer(medianObservation({ query, value, juelsPerFeeCoin: juels, nowMs: effects.clock.now() }));
      } catch {
        answer(null);
      }
    };
    const source = this.#args.juelsPerFeeCoin();
    const abort = new AbortController();
    const request = { oracleIndex, epoch, round, signal: abort.signal };
    withTimeout(effects.clock, attempt(() => source.observe(request)), this.#args.juelsTimeoutMs, (outcome) => {
      abort.abort(new Error("observation finished"));
      try {
        juels = outcome.ok ? assertInt192(outcome.value, "juelsPerFeeCoin") : null;
      } catch {
        juels = null;
      }
      both();
    });
    effects.observe(epoch, round, (v) => {
      value = v;
      both();
    });
  }

  /** Report: read the contract (and chain time), then decide and build. */
  report(query: Uint8Array, observations: readonly Ocr2AttributedObservation[], answer: (decision: Ocr2ReportDecision | null) => void): void {
    this.#args.effects.readForReport(this.#context.config.deltaCMs, (readings, chainNowMs) => {
      let decision: Ocr2ReportDecision | null;
      try {
        const outcome = medianReport({ context: this.#context, query, observations, chain: readings, nowMs: chainNowMs });
        decision = outcome.report ? { shouldReport: true, report: outcome.bytes, reasons: outcome.reasons } : { shouldReport: false, reason: outcome.reason };
      } catch {
        decision = null; // fewer than f+1 valid observations: the plugin errs
      }
      answer(decision);
    });
  }

  shouldAccept(epoch: number, round: number, report: Uint8Array, answer: (accept: boolean | null) => void): void {
    this.#args.effects.readChain(
      (chain) => chain.latestTransmissionDetails(),
      (outcome) => {
        const ts = { configDigest: this.#context.configDigest, epoch, round };
        answer(this.#acceptance.shouldAcceptFinalizedReport(ts, report, outcome.ok ? outcome.value : null).accept);
      },
    );
  }

  shouldTransmit(epoch: number, round: number, answer: (transmit: boolean | null) => void): void {
    this.#args.effects.readChain(
      (chain) => chain.latestTransmissionDetails(),
      (outcome) => {
        const ts = { configDigest: this.#context.configDigest, epoch, round };
        answer(this.#acceptance.shouldTransmitAcceptedReport(ts, outcome.ok ? outcome.value : null).transmit);
      },
    );
  }
}
