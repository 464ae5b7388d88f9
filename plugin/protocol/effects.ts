/**
 * The I/O of one oracle: the only place where what the roles ask for (observe, read the chain,
 * transmit) meets a data source, the chain and the clock. Every call is bounded by the node's
 * local timeouts on the oracle's clock, and answers through a callback exactly once, so a role
 * always hears back, with a value or with null.
 */
import type { DataSource } from "../data-sources/data-source.js";
import { assertInt192, truncateText } from "../data-sources/data-source.js";
import type { OffchainAggregatorChain, RoundRequest, TransmissionDetails, TransmitRequest, TransmitResult } from "./chain.js";
import type { Clock, Settled } from "./clock.js";
import type { LocalConfig } from "./local-config.js";
import type { TraceBody } from "./trace.js";

/** What a follower needs from the chain to decide whether to report. */
export interface ChainReadings {
  readonly details: TransmissionDetails;
  readonly roundRequest: RoundRequest | null;
}

/** Race `work` against a timer on `clock`; `onDone` runs exactly once. */
export function withTimeout<T>(clock: Clock, work: Promise<T>, timeoutMs: number, onDone: (outcome: Settled<T>) => void): void {
  let finished = false;
  const timer = clock.setTimer(timeoutMs, () => {
    if (finished) return;
    finished = true;
    onDone({ ok: false, error: new Error(`timed out after ${timeoutMs} ms`) });
  });
  // Start the work inside the clock's tracking so virtual time waits for it.
  clock.track(work, (outcome) => {
    if (finished) return;
    finished = true;
    clock.cancelTimer(timer);
    onDone(outcome);
  });
}

/** A promise that settles with `fn()`'s result, catching synchronous throws too. */
export function attempt<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return fn();
  } catch (error) {
    return Promise.reject(error);
  }
}

export interface OracleEffectsArgs {
  readonly oracleIndex: number;
  readonly clock: Clock;
  readonly chain: OffchainAggregatorChain;
  /** The oracle's current data source (it may be swapped while the oracle runs). */
  readonly dataSource: () => DataSource;
  readonly local: LocalConfig;
  readonly trace: (event: TraceBody) => void;
}

export class OracleEffects {
  constructor(private readonly args: OracleEffectsArgs) {}

  get clock(): Clock {
    return this.args.clock;
  }

  /**
   * Ask the data source for round (epoch, round)'s value; `onValue` gets it, or null if the source
   * failed, answered out of int192 range or took longer than the data source timeout plus grace.
   * The source sees an abort signal that fires once nobody waits for it any more.
   */
  observe(epoch: number, round: number, onValue: (value: bigint | null) => void): void {
    const { clock, local, oracleIndex } = this.args;
    const source = this.args.dataSource();
    const abort = new AbortController();
    const request = { oracleIndex, epoch, round, signal: abort.signal };
    withTimeout(clock, attempt(() => source.observe(request)), local.dataSourceTimeoutMs + local.dataSourceGracePeriodMs, (outcome) => {
      abort.abort(new Error("observation finished"));
      let value: bigint | null = null;
      let error: string | undefined;
      try {
        if (!outcome.ok) throw outcome.error;
        value = assertInt192(outcome.value, `${source.kind} observation`);
      } catch (e) {
        error = truncateText(e instanceof Error ? e.message : String(e));
      }
      // Traced even when the round has moved on, so slow sources show up in the trace.
      this.args.trace({ type: "observation", epoch, round, value, ...(error !== undefined ? { error } : {}) });
      onValue(value);
    });
  }

  /**
   * Read what shouldReport needs: the latest transmission, the latest round request within
   * `lookbackMs`, and the chain's time. `onReadings` gets null readings if any read failed.
   */
  readForReport(lookbackMs: number, onReadings: (readings: ChainReadings | null, chainNowMs: number) => void): void {
    const { chain, clock, local } = this.args;
    const reads = attempt(() =>
      Promise.all([chain.latestTransmissionDetails(), chain.latestRoundRequested(lookbackMs), chain.nowMs ? chain.nowMs() : Promise.resolve(undefined)]),
    );
    withTimeout(clock, reads, local.blockchainTimeoutMs, (outcome) => {
      if (!outcome.ok) return onReadings(null, clock.now());
      const [details, roundRequest, chainNow] = outcome.value;
      onReadings({ details, roundRequest }, chainNow ?? clock.now());
    });
  }

  /** Run a chain read under the blockchain timeout. */
  readChain<T>(read: (chain: OffchainAggregatorChain) => Promise<T>, onDone: (outcome: Settled<T>) => void): void {
    withTimeout(this.args.clock, attempt(() => read(this.args.chain)), this.args.local.blockchainTimeoutMs, onDone);
  }

  /**
   * Send a transmit transaction. Not bounded by the blockchain timeout: a transaction that was
   * sent has a fate, and it is reported whenever it is known.
   */
  transmit(request: TransmitRequest, onResult: (result: TransmitResult) => void): void {
    this.args.clock.track(attempt(() => this.args.chain.transmit(request)), (outcome) => {
      onResult(outcome.ok ? outcome.value : { ok: false, error: String((outcome.error as Error)?.message ?? outcome.error) });
    });
  }
}
