/**
 * Reports per wall-clock second of the in-process committee on the real in-process Hardhat
 * chain: the engine on a virtual clock, every report signed, sent as a
 * `transmit` transaction, mined by EDR and checked by our OffchainAggregator.
 *
 * The virtual clock makes protocol waits (DeltaRound, DeltaGrace, …) free, so what the figure
 * measures is the work: cryptography, message handling, JSON-RPC and EVM execution. The chain
 * is wired as a feed wires it (`ClockSyncedChain` over a `ChainTime`: blocks stamped with the
 * committee clock, one line of transactions), so the figure is what `connection.ocr` users get.
 */
import type { Contract } from "ethers";
import type { EthereumProvider } from "hardhat/types/providers";

import { VirtualClock } from "../../plugin/protocol/clock.js";
import type { Committee } from "../../plugin/protocol/committee.js";
import { clockSyncedChain, deployCommitteeFeed } from "../../testkit/feed-fixture.js";
import { risingMarket } from "../../testkit/markets.js";

/**
 * rMax 50: long epochs, so leader changes (which cost a DeltaProgress of virtual time and a
 * few extra messages) stay rare, as on a healthy feed; risingMarket stays below the feed's
 * MAX_ANSWER for ~600 slots, far more than warm-up plus the largest default run uses.
 */
export const THROUGHPUT_R_MAX = 50;
/** The 24 h heartbeat of the default config: every report here is a deviation report. */
export const THROUGHPUT_DELTA_C_MS = 86_400_000;
/** Reports run before the clock starts (first config read, JIT, fresh storage slots). */
export const WARMUP_REPORTS = 5;
/** A generous budget of virtual time per report; running out means the committee stalled. */
const VIRTUAL_MS_PER_REPORT = 30_000;

export interface ThroughputResult {
  readonly n: number;
  readonly f: number;
  /** Reports measured (after the warm-up). */
  readonly reports: number;
  readonly wallSeconds: number;
  readonly reportsPerSecond: number;
  /** Virtual time the measured reports took, for context. */
  readonly virtualSeconds: number;
  /** Rounds started and transmissions that reverted during the measured part. */
  readonly rounds: number;
  readonly reverted: number;
  /** Aggregator rounds on chain before and after the measured part. */
  readonly chainRoundBefore: number;
  readonly chainRoundAfter: number;
  /**
   * Wall milliseconds per report during which at least one JSON-RPC request to the chain was
   * open (EDR executing, or the main thread waiting for its answer): the chain's share of a
   * report, beside the crypto floor's.
   */
  readonly chainBusyMsPerReport: number;
}

export interface ThroughputOptions {
  /** Measure in this many slices (default 1)... */
  readonly slices?: number;
  /** ...and run this untimed between them (e.g. a slice of the crypto floor, to share the load). */
  readonly betweenSlices?: () => void;
}

/**
 * Run `reports` reports of an (n, f) committee after a warm-up and time them. Throws when the
 * committee fell short or the chain does not hold every report the committee claims.
 */
export async function measureThroughput(n: number, f: number, reports: number, options: ThroughputOptions = {}): Promise<ThroughputResult> {
  // Starts at wall time, as a feed's clock starts at the chain's latest block (which is now).
  const clock = new VirtualClock({ startMs: Date.now(), seed: `bench-throughput-${n}-${f}/clock` });
  const feed = await deployCommitteeFeed({
    n,
    f,
    seed: `bench-throughput-${n}-${f}`,
    clock,
    chain: (parts) => clockSyncedChain(parts, clock).chain,
    dataSource: () => risingMarket(THROUGHPUT_R_MAX),
    config: { rMax: THROUGHPUT_R_MAX, deltaCMs: THROUGHPUT_DELTA_C_MS },
  });
  return timeCommittee(feed, n, f, reports, options);
}

/** What `timeCommittee` drives: a committee not yet started, and the aggregator it reports to. */
export interface CommitteeUnderTest {
  readonly committee: Committee;
  readonly aggregator: Contract;
  /** The connection whose provider every request of the committee goes through. */
  readonly connection: { readonly provider: EthereumProvider };
}

/**
 * Time with at least one request open on `provider`, from now on: the union of the requests'
 * intervals (oracles' requests overlap; their sum would count the same wait several times).
 */
function meterChainBusyTime(provider: EthereumProvider): { read(): number; stop(): void } {
  const original = provider.request.bind(provider);
  let open = 0;
  let busySince = 0;
  let busyMs = 0;
  provider.request = async (args) => {
    if (open++ === 0) busySince = performance.now();
    try {
      return await original(args);
    } finally {
      if (--open === 0) busyMs += performance.now() - busySince;
    }
  };
  return {
    read: () => busyMs + (open > 0 ? performance.now() - busySince : 0),
    stop: () => {
      provider.request = original;
    },
  };
}

/**
 * Start the committee, run the warm-up, then time `reports` reports in `options.slices` slices
 * (running `options.betweenSlices` untimed between them). Throws when the committee fell short
 * or the chain does not hold every report the committee claims. `label` names the protocol in
 * errors. The committee is stopped afterwards.
 */
export async function timeCommittee(feed: CommitteeUnderTest, n: number, f: number, reports: number, options: ThroughputOptions = {}, label = ""): Promise<ThroughputResult> {
  const slices = Math.max(1, Math.min(options.slices ?? 1, reports));
  const which = `${label}(${n},${f})`;
  const { committee, aggregator } = feed;
  try {
    await committee.start();
    const warmup = await committee.runUntil({ reports: WARMUP_REPORTS, virtualTimeMs: WARMUP_REPORTS * VIRTUAL_MS_PER_REPORT });
    if (warmup.reports < WARMUP_REPORTS) throw new Error(`${which} warm-up: only ${warmup.reports}/${WARMUP_REPORTS} reports landed`);

    const chainRoundBefore = Number(await aggregator.latestRound());
    const roundsBefore = committee.events("round-start").length;
    const revertedBefore = committee.events("transmit-reverted").length;
    let wallMs = 0;
    let landed = 0;
    let elapsedMs = 0;
    let chainBusyMs = 0;
    for (let slice = 0; slice < slices; slice++) {
      const want = Math.floor((reports * (slice + 1)) / slices) - Math.floor((reports * slice) / slices);
      const meter = meterChainBusyTime(feed.connection.provider);
      const startedAt = performance.now();
      const result = await committee.runUntil({ reports: want, virtualTimeMs: want * VIRTUAL_MS_PER_REPORT });
      wallMs += performance.now() - startedAt;
      chainBusyMs += meter.read();
      meter.stop();
      landed += result.reports;
      elapsedMs += result.elapsedMs;
      if (result.reports < want) {
        throw new Error(`${which}: only ${landed}/${reports} reports landed within ${elapsedMs} ms of virtual time`);
      }
      options.betweenSlices?.();
    }
    const wallSeconds = wallMs / 1000;
    const chainRoundAfter = Number(await aggregator.latestRound());
    const result = { reports: landed, elapsedMs };
    // The committee's word is not enough: the aggregator must have counted each report.
    if (chainRoundAfter - chainRoundBefore < reports) {
      throw new Error(
        `${which}: the committee traced ${result.reports} landed reports but latestRound went ${chainRoundBefore} -> ${chainRoundAfter}`,
      );
    }
    return {
      n,
      f,
      reports,
      wallSeconds,
      reportsPerSecond: reports / wallSeconds,
      virtualSeconds: result.elapsedMs / 1000,
      rounds: committee.events("round-start").length - roundsBefore,
      reverted: committee.events("transmit-reverted").length - revertedBefore,
      chainRoundBefore,
      chainRoundAfter,
      chainBusyMsPerReport: chainBusyMs / reports,
    };
  } finally {
    committee.stopAll();
  }
}
