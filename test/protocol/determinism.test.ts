/**
 * Seeded runs are reproducible: two committees built from the same seed, on fresh simulated
 * chains, with the same faults at the same moments, produce the same trace and the same results
 * at every committee size. Users rely on this to replay a failing test.
 */
import { expect } from "chai";
import { network } from "hardhat";

import type { OcrFeed, RoundResult } from "../../plugin/api-types.js";
import { formatTraceEvent } from "../../plugin/protocol/trace.js";

const ROUNDS = 100;

/** One seeded run: ROUNDS reports with a crash, a Byzantine oracle and a lossy network on the way. */
async function seededRun(n: number, f: number): Promise<{ trace: string[]; results: string[] }> {
  const { ocr } = await network.create();
  // OCR1's committee; OCR2's reproducibility is test/protocol/ocr2/determinism.test.ts.
  const feed: OcrFeed = await ocr.deployFeed(`determinism-${n}-${f}`, {
    protocol: "ocr1",
    oracles: n,
    faultTolerance: f,
    seed: `determinism-${n}`,
    dataSource: { type: "randomWalk", start: 2000n * 10n ** 8n, stepPPB: 2_000_000, noisePPB: 1_000_000, seed: "walk" },
  });
  const results: RoundResult[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    if (i === 20) await feed.takeDown([1]);
    if (i === 35) await feed.bringUp([1]);
    if (i === 50) feed.setByzantine(n - 1, "wrong-report");
    if (i === 65) feed.setNetwork({ lossRate: 0.05, reorderRate: 0.2 });
    if (i === 80) feed.setNetwork({ lossRate: 0, reorderRate: 0 });
    results.push(await feed.runRound());
  }
  // Then let the committee run on its own: deviation and heartbeat reports, overlapping transmits.
  results.push(...(await feed.runFor(3 * 60_000)));
  feed.stop?.();
  return {
    trace: feed.trace().map((e) => formatTraceEvent(e as never)),
    results: results.map((r) => `${r.epoch}:${r.round} ${r.answer} ${r.txHash} ${r.signers.join(",")} ${r.transmitter.oracle}/${r.transmitter.stage} ${r.timestamp}`),
  };
}

describe("seeded runs are reproducible", function () {
  this.timeout(600_000);
  for (const [n, f] of [
    [7, 2],
    [31, 10],
  ] as const) {
    it(`(${n},${f}): ${ROUNDS} rounds with faults, twice, give the same trace and results`, async () => {
      const first = await seededRun(n, f);
      const second = await seededRun(n, f);
      const firstDiff = first.trace.findIndex((line, i) => line !== second.trace[i]);
      expect(firstDiff, `traces differ first at line ${firstDiff}: ${first.trace[firstDiff]} vs ${second.trace[firstDiff]}`).to.equal(-1);
      expect(second.trace.length).to.equal(first.trace.length);
      expect(second.results).to.deep.equal(first.results);
    });
  }
});
