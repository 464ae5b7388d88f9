/**
 * A whole OCR2 committee on the in-memory OCR2 aggregator: the engine's OCR2 instance with the
 * median plugin, the shared pacemaker and network, real Ed25519 and secp256k1 signatures, and
 * the contract's transmit checks.
 */
import { expect } from "chai";

import type { DataSource } from "../../../plugin/data-sources/data-source.js";
import { seededRandomWalk } from "../../../plugin/data-sources/random-walk.js";
import { fixedValue } from "../../../plugin/data-sources/simple.js";
import { Committee, type CommitteeOptions } from "../../../plugin/protocol/committee.js";
import { DEFAULT_JUELS_PER_FEE_COIN } from "../../../plugin/protocol/managed-oracle.js";
import type { FakeOcr2Aggregator } from "../../../plugin/protocol/ocr2/fake-chain.js";
import type { ReportLanded } from "../../../plugin/protocol/results.js";
import { expectObservedValuesAndMedian, observedValues } from "../../support/committee-trace.js";

function market(seed: string): DataSource {
  return seededRandomWalk({ seed, start: 200_000_000_000n, stepPPB: 30_000_000n, noisePPB: 1_000_000n });
}

function ocr2Committee(n: number, f: number, options: Partial<CommitteeOptions> = {}): Committee {
  const seed = options.seed ?? `ocr2-committee-${n}-${f}`;
  const shared = market(seed);
  return new Committee({ n, f, seed, protocol: "ocr2", dataSource: () => shared, ...options });
}

async function expectConsecutiveReports(c: Committee, reports: number): Promise<void> {
  const landed: ReportLanded[] = [];
  c.onEvent((e) => {
    if (e.kind === "report-landed") landed.push(e);
  });
  await c.start();
  const result = await c.runUntil({ reports, virtualTimeMs: reports * 20_000 });
  expect(result.reports).to.equal(reports);
  const chain = c.fakeChain as FakeOcr2Aggregator;
  expect(chain.reverts).to.deep.equal([]);
  const observed = observedValues(c.trace);
  let previous = -1n;
  chain.transmissions.forEach((t, i) => {
    expect(t.aggregatorRoundId).to.equal(i + 1);
    const epochRound = (BigInt(t.epoch) << 8n) | BigInt(t.round);
    expect(epochRound > previous).to.equal(true);
    previous = epochRound;
    expect(t.observations.length).to.be.greaterThan(c.f);
    // Exactly f+1 distinct configured signers, recovered over the OCR2 signed hash by the contract.
    expect(t.signers).to.have.length(c.f + 1);
    expect(new Set(t.signers).size).to.equal(c.f + 1);
    expectObservedValuesAndMedian(t, observed);
    expect(t.juelsPerFeeCoin).to.equal(DEFAULT_JUELS_PER_FEE_COIN);
    // startedAt comes from the oracles' clocks before the report; updatedAt is the block time.
    expect(BigInt(t.observationsTimestamp) <= t.timestamp).to.equal(true);
  });
  expect(landed.map((e) => e.reportContext?.length)).to.deep.equal(landed.map(() => 3));
  expect(landed.map((e) => e.protocol)).to.deep.equal(landed.map(() => "ocr2"));
}

describe("OCR2 committee (in-memory OCR2 aggregator)", function () {
  this.timeout(300_000);

  it("(4, 1) lands 20 consecutive reports: median of the signed observations, f+1 signers", async function () {
    await expectConsecutiveReports(ocr2Committee(4, 1), 20);
  });

  // (31, 10): test/ocr2/committee-on-chain.test.ts, on the OCR2Aggregator itself.

  it("reports the configured juelsPerFeeCoin (median of the oracles' sources)", async function () {
    const c = ocr2Committee(4, 1, { juelsPerFeeCoinSource: (i) => fixedValue(100n + BigInt(i)) });
    await c.start();
    await c.runUntil({ reports: 1 });
    const t = (c.fakeChain as FakeOcr2Aggregator).transmissions[0];
    expect(t.juelsPerFeeCoin).to.equal(102n); // sorted [100,101,102,103], element n/2
  });

  it("recovers when the leader is down", async function () {
    const c = ocr2Committee(4, 1, { seed: "ocr2-leader-down" });
    await c.start();
    await c.runUntil({ reports: 1 });
    const { leader } = c.currentLeader()!;
    c.takeDown(leader);
    const result = await c.runUntil({ reports: 3, virtualTimeMs: 120_000 });
    expect(result.reports).to.equal(3);
    const epochs = c.events("epoch-start").map((e) => e.epoch);
    expect(Math.max(...epochs)).to.be.greaterThan(1);
  });

  it("recovers when the first-scheduled transmitter is down: a later stage transmits", async function () {
    const c = ocr2Committee(4, 1, { seed: "ocr2-transmitter-down" });
    await c.start();
    await c.runUntil({ reports: 1 });
    const first = (c.fakeChain as FakeOcr2Aggregator).transmissions[0];
    const firstTransmitter = c.keys.findIndex((k) => k.transmitterAddress === first.transmitter);
    c.takeDown(firstTransmitter);
    const result = await c.runUntil({ reports: 12, virtualTimeMs: 400_000 });
    expect(result.reports).to.equal(12);
    for (const t of (c.fakeChain as FakeOcr2Aggregator).transmissions.slice(1)) expect(t.transmitter).to.not.equal(first.transmitter);
    // The schedule is keyed per round: where the down oracle was first, stage 1 stepped in.
    const stages = c.events("transmit-landed").map((e) => e.stage);
    expect(stages.filter((s) => s > 0)).to.not.deep.equal([]);
  });

  it("more than f down: no report, and no transmission is attempted", async function () {
    const c = ocr2Committee(4, 1, { seed: "ocr2-too-few" });
    await c.start();
    c.takeDown(0);
    c.takeDown(1);
    const result = await c.runUntil({ reports: 1, virtualTimeMs: 30_000 });
    expect(result.reports).to.equal(0);
    expect(c.events("transmit-attempted")).to.deep.equal([]);
  });

  it("messages cross the byte codec unchanged (wire format)", async function () {
    const c = ocr2Committee(4, 1, { seed: "ocr2-wire", wireFormat: true });
    await c.start();
    const result = await c.runUntil({ reports: 3 });
    expect(result.reports).to.equal(3);
    expect(c.events("message-dropped")).to.deep.equal([]);
    const landed = (c.fakeChain as FakeOcr2Aggregator).transmissions;
    expect(landed).to.have.length(3);
  });
});
