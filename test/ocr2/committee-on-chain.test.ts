/**
 * The OCR2 committee against the project's OCR2Aggregator on a Hardhat chain: the engine's OCR2
 * instance, dealt a real version-2 config through setConfig, reporting through real transmit
 * transactions that the contract checks (exactly f+1 signers over the OCR2 signed hash, the
 * 32-byte digest, the exact calldata length).
 */
import { expect } from "chai";
import { network } from "hardhat";

import { decodeOcr2Report, decodeOcr2ReportContext, recoverOcr2ReportSigner } from "../../plugin/core/ocr2/report.js";
import { hexToBytes } from "../../plugin/core/bytes.js";
import { seededRandomWalk } from "../../plugin/data-sources/random-walk.js";
import type { ReportLanded } from "../../plugin/protocol/results.js";
import { deployOcr2CommitteeFeed } from "../../testkit/ocr2-committee-fixture.js";


async function committeeOnChain(n: number, f: number, seed: string) {
  const market = seededRandomWalk({ seed, start: 200_000_000_000n, stepPPB: 30_000_000n, noisePPB: 1_000_000n });
  return deployOcr2CommitteeFeed({ n, f, seed, dataSource: () => market });
}

async function expectTwentyReports(n: number, f: number): Promise<void> {
  const { committee, aggregator } = await committeeOnChain(n, f, `ocr2-on-chain-${n}-${f}`);
  const landed: ReportLanded[] = [];
  committee.onEvent((e) => {
    if (e.kind === "report-landed") landed.push(e);
  });
  await committee.start();
  const result = await committee.runUntil({ reports: 20, virtualTimeMs: 20 * 30_000 });
  committee.stopAll();
  expect(result.reports).to.equal(20);
  expect(landed).to.have.length(20);
  const signers = committee.keys.map((k) => k.signerAddress.toLowerCase());
  for (const [i, event] of landed.entries()) {
    const [roundId, answer, startedAt, updatedAt] = (await aggregator.getRoundData(i + 1)) as [bigint, bigint, bigint, bigint];
    expect(roundId).to.equal(BigInt(i + 1));
    const report = decodeOcr2Report(event.report);
    // The answer is the median (element n/2) of the signed observations, as the contract stores it.
    const sorted = [...report.observations].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(report.observations).to.deep.equal(sorted);
    expect(answer).to.equal(sorted[sorted.length >> 1]);
    expect(report.observations.length).to.be.greaterThan(2 * f);
    expect(startedAt).to.equal(BigInt(report.observationsTimestamp));
    expect(updatedAt > 0n).to.equal(true);
    // f+1 distinct configured signers, recovered over the OCR2 signed hash.
    const context = decodeOcr2ReportContext(event.reportContext!.map(hexToBytes));
    const recovered = event.rs.slice(0, f + 1).map((r, k) => {
      const signature = new Uint8Array([...hexToBytes(r), ...hexToBytes(event.ss[k]), hexToBytes(event.rawVs)[k]]);
      return recoverOcr2ReportSigner(event.report, context, signature).toLowerCase();
    });
    expect(event.rs).to.have.length(f + 1);
    expect(new Set(recovered).size).to.equal(f + 1);
    for (const r of recovered) expect(signers).to.include(r);
  }
}

describe("OCR2 committee on the OCR2Aggregator (Hardhat chain)", function () {
  this.timeout(600_000);

  it("(4, 1) lands 20 consecutive reports", async function () {
    await expectTwentyReports(4, 1);
  });

  it("(31, 10) lands 20 consecutive reports", async function () {
    await expectTwentyReports(31, 10);
  });
});
