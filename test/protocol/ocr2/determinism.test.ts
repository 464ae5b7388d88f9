/**
 * OCR2 seeded runs are reproducible: two OCR2 committees from the same seed, with the same
 * crash, Byzantine oracle and lossy network at the same moments, produce the same trace and the
 * same reports, at a small and at the largest committee size.
 */
import { expect } from "chai";

import { seededRandomWalk } from "../../../plugin/data-sources/random-walk.js";
import { Committee } from "../../../plugin/protocol/committee.js";
import type { FakeOcr2Aggregator } from "../../../plugin/protocol/ocr2/fake-chain.js";

async function seededRun(n: number, f: number, perPhase: number): Promise<{ trace: string[]; reports: string[] }> {
  const seed = `ocr2-determinism-${n}`;
  const market = seededRandomWalk({ seed: "walk", start: 2000n * 10n ** 8n, stepPPB: 20_000_000n, noisePPB: 1_000_000n });
  const c = new Committee({ n, f, seed, protocol: "ocr2", dataSource: () => market });
  await c.start();
  await c.runUntil({ reports: perPhase });
  c.takeDown(1);
  await c.runUntil({ reports: perPhase });
  c.bringUp(1);
  c.setByzantine(n - 1, "skip-and-report");
  await c.runUntil({ reports: perPhase });
  c.network.setDefaults({ lossRate: 0.05, reorderRate: 0.2, reorderWindowMs: 30 });
  await c.runUntil({ reports: perPhase, virtualTimeMs: 300_000 });
  c.stopAll();
  const chain = c.fakeChain as FakeOcr2Aggregator;
  return {
    trace: c.formatTrace(),
    reports: chain.transmissions.map((t) => `${t.epoch}:${t.round} ${t.answer} ${t.observationsTimestamp} ${t.signers.join(",")} ${t.transmitter} ${t.txHash}`),
  };
}

describe("OCR2 seeded runs are reproducible", function () {
  this.timeout(600_000);
  for (const [n, f, perPhase] of [
    [7, 2, 5],
    [31, 10, 2],
  ] as const) {
    it(`(${n},${f}): the same seed and faults give the same trace and reports`, async () => {
      const first = await seededRun(n, f, perPhase);
      const second = await seededRun(n, f, perPhase);
      expect(first.reports.length).to.be.greaterThanOrEqual(4 * perPhase);
      const firstDiff = first.trace.findIndex((line, i) => line !== second.trace[i]);
      expect(firstDiff, `traces differ first at line ${firstDiff}`).to.equal(-1);
      expect(second.trace.length).to.equal(first.trace.length);
      expect(second.reports).to.deep.equal(first.reports);
    });
  }
});
