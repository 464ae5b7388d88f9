/**
 * OCR2 committee reports per wall-clock second on the in-process Hardhat chain, measured the way
 * throughput.ts measures OCR1: a virtual clock (protocol waits are free), every report signed
 * and sent as a `transmit(reportContext, report, rs, ss, rawVs)` transaction that our
 * OCR2Aggregator checks. OCR2 does more work per round than OCR1 (SHA-256 observation hashes,
 * the extraHash over the report-req, a finalization echo, two plugin decisions before sending),
 * which is what the figure beside OCR1's shows.
 */
import { risingMarket } from "../../testkit/markets.js";
import { deployOcr2CommitteeFeed } from "../../testkit/ocr2-committee-fixture.js";
import { THROUGHPUT_DELTA_C_MS, THROUGHPUT_R_MAX, type ThroughputResult, WARMUP_REPORTS } from "./throughput.js";

const VIRTUAL_MS_PER_REPORT = 30_000;

/** Like measureThroughput, for an OCR2 committee; throws when it fell short or the chain disagrees. */
export async function measureOcr2Throughput(n: number, f: number, reports: number): Promise<ThroughputResult> {
  const { committee, aggregator } = await deployOcr2CommitteeFeed({
    n,
    f,
    seed: `bench-ocr2-throughput-${n}-${f}`,
    dataSource: () => risingMarket(THROUGHPUT_R_MAX),
    config: { rMax: THROUGHPUT_R_MAX, deltaCMs: THROUGHPUT_DELTA_C_MS },
  });
  try {
    await committee.start();
    const warmup = await committee.runUntil({ reports: WARMUP_REPORTS, virtualTimeMs: WARMUP_REPORTS * VIRTUAL_MS_PER_REPORT });
    if (warmup.reports < WARMUP_REPORTS) throw new Error(`OCR2 (${n},${f}) warm-up: only ${warmup.reports}/${WARMUP_REPORTS} reports landed`);
    const chainRoundBefore = Number(await aggregator.latestRound());
    const roundsBefore = committee.events("round-start").length;
    const revertedBefore = committee.events("transmit-reverted").length;
    const startedAt = performance.now();
    const result = await committee.runUntil({ reports, virtualTimeMs: reports * VIRTUAL_MS_PER_REPORT });
    const wallSeconds = (performance.now() - startedAt) / 1000;
    const chainRoundAfter = Number(await aggregator.latestRound());
    if (result.reports < reports) throw new Error(`OCR2 (${n},${f}): only ${result.reports}/${reports} reports landed`);
    if (chainRoundAfter - chainRoundBefore < reports) {
      throw new Error(`OCR2 (${n},${f}): the committee traced ${result.reports} landed reports but latestRound went ${chainRoundBefore} -> ${chainRoundAfter}`);
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
    };
  } finally {
    committee.stopAll();
  }
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
        `   (${r.reports} reports in ${r.wallSeconds.toFixed(2)} s, ${r.rounds} rounds, ${r.reverted} reverted)`,
    );
  }
  return lines;
}
