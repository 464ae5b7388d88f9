/**
 * OCR2 committee reports per wall-clock second on the in-process Hardhat chain, measured the way
 * throughput.ts measures OCR1: a virtual clock (protocol waits are free), every report signed
 * and sent as a `transmit(reportContext, report, rs, ss, rawVs)` transaction that our
 * OCR2Aggregator checks. OCR2 does more work per round than OCR1 (SHA-256 observation hashes,
 * the extraHash over the report-req, a finalization echo, two plugin decisions before sending),
 * which is what the figure beside OCR1's shows.
 */
import { OCR2_DIALECT } from "../../plugin/chain/ocr2-aggregator-chain.js";
import { VirtualClock } from "../../plugin/protocol/clock.js";
import { clockSyncedChain } from "../../testkit/feed-fixture.js";
import { risingMarket } from "../../testkit/markets.js";
import { deployOcr2CommitteeFeed } from "../../testkit/ocr2-committee-fixture.js";
import { THROUGHPUT_DELTA_C_MS, THROUGHPUT_R_MAX, type ThroughputOptions, type ThroughputResult, timeCommittee } from "./throughput.js";

/** Like measureThroughput, for an OCR2 committee; throws when it fell short or the chain disagrees. */
export async function measureOcr2Throughput(n: number, f: number, reports: number, options: ThroughputOptions = {}): Promise<ThroughputResult> {
  // As for OCR1: the chain wired as a feed wires it (blocks stamped with the committee clock, the
  // head kept between changes), so the figure is what `connection.ocr` users get.
  const clock = new VirtualClock({ startMs: Date.now(), seed: `bench-ocr2-throughput-${n}-${f}/clock` });
  const feed = await deployOcr2CommitteeFeed({
    n,
    f,
    seed: `bench-ocr2-throughput-${n}-${f}`,
    clock,
    chain: (parts) => clockSyncedChain(parts, clock, OCR2_DIALECT).chain,
    dataSource: () => risingMarket(THROUGHPUT_R_MAX),
    config: { rMax: THROUGHPUT_R_MAX, deltaCMs: THROUGHPUT_DELTA_C_MS },
  });
  return timeCommittee(feed, n, f, reports, options, "OCR2 ");
}

/** The OCR2 rows for the bench's table, beside OCR1's reports/s and the crypto floor. */
export function ocr2ThroughputLines(ocr2: readonly ThroughputResult[], ocr1: readonly ThroughputResult[] | undefined, floor: readonly { n: number; f: number; roundsPerSecond: number }[] | undefined): string[] {
  const lines = ["", "OCR2 committee on the Hardhat chain (reports/s, wall clock), beside OCR1 and the OCR1 crypto floor:"];
  for (const r of ocr2) {
    const o1 = ocr1?.find((x) => x.n === r.n && x.f === r.f);
    const fl = floor?.find((x) => x.n === r.n && x.f === r.f);
    lines.push(
      `  (${r.n},${r.f})  OCR2 ${r.reportsPerSecond.toFixed(2)}` +
        (o1 !== undefined ? `   OCR1 ${o1.reportsPerSecond.toFixed(2)}` : "") +
        (fl !== undefined ? `   floor ${fl.roundsPerSecond.toFixed(2)}` : "") +
        `   (${r.reports} reports in ${r.wallSeconds.toFixed(2)} s, ${r.rounds} rounds, ${r.reverted} reverted; ` +
        `${r.chainBusyMsPerReport.toFixed(2)} of ${(1000 / r.reportsPerSecond).toFixed(2)} ms per report with a JSON-RPC request open)`,
    );
  }
  return lines;
}
