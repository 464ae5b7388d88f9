/**
 * The in-process OCR1 committee against the real OffchainAggregator on a Hardhat chain: the
 * engine signs, the EthersAggregatorChain sends, and the Solidity contract (with billing on)
 * decides what lands. Every assertion about reports reads the chain (events, view functions,
 * transaction calldata) and cross-checks it with the committee's trace.
 */
import { expect } from "chai";

import { sameAddress } from "../../plugin/core/address.js";
import { bytesToHex } from "../../plugin/core/bytes.js";
import { epochAndRound } from "../../plugin/core/report.js";
import { fixedValue } from "../../plugin/data-sources/simple.js";
import type { Committee } from "../../plugin/protocol/committee.js";
import { BILLING, type CommitteeFeed as Feed, type CommitteeSetup, deployCommitteeFeed } from "../../testkit/feed-fixture.js";
import { type LandedReport, answerUpdates, landedReports, reportSignersOf } from "../../testkit/landed-reports.js";
import { BASE_PRICE, risingMarket } from "../../testkit/markets.js";
import { crashNextFirstScheduledTransmitter, expectStageOneTookOver, observedValues, roundKey } from "../support/committee-trace.js";

// ---------------------------------------------------------------------------------------------
// Reading the trace

/** How many trace events of `type` there are per (epoch, round). */
function countPerRound(committee: Committee, type: "transmit-landed" | "transmit-attempted"): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of committee.events(type)) counts.set(roundKey(e.epoch, e.round), (counts.get(roundKey(e.epoch, e.round)) ?? 0) + 1);
  return counts;
}

// ---------------------------------------------------------------------------------------------
// The checks of a healthy run

/**
 * Everything a feed user relies on for the reports that landed: consecutive round ids, answers
 * that are the medians of signed observations, enough distinct authorised signers, exactly one
 * transaction per report, and (epoch, round) strictly increasing.
 */
async function expectCorrectReportsOnChain(feed: Feed, expected: number): Promise<LandedReport[]> {
  const { committee, aggregator } = feed;
  const reports = await landedReports(feed);
  expect(reports).to.have.length(expected);
  expect(reports.map((r) => r.aggregatorRoundId)).to.deep.equal(Array.from({ length: expected }, (_, i) => i + 1));
  expect(await aggregator.latestRound()).to.equal(BigInt(expected));

  const updates = await answerUpdates(feed);
  expect(updates.map((u) => u.roundId)).to.deep.equal(reports.map((r) => BigInt(r.aggregatorRoundId)));
  expect(updates.map((u) => u.answer)).to.deep.equal(reports.map((r) => r.answer));

  const configuredSigners = committee.keys.map((k) => k.signerAddress);
  const [, , digestHex] = (await aggregator.latestConfigDetails()) as [bigint, bigint, string];
  const observed = observedValues(committee.trace);
  const landedInTrace = committee.events("transmit-landed");
  const attemptsPerRound = countPerRound(committee, "transmit-attempted");
  let previous = -1n;
  for (const report of reports) {
    const where = `round ${report.aggregatorRoundId} (epoch ${report.epoch}, round ${report.round})`;
    expect(report.configDigestHex, where).to.equal(digestHex.toLowerCase());
    expect(await aggregator.getAnswer(report.aggregatorRoundId), where).to.equal(report.answer);

    // The answer is the middle element of the sorted observations the contract logged…
    const sorted = [...report.observations].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(report.observations, `${where}: observations sorted`).to.deep.equal(sorted);
    expect(report.observations.length, where).to.be.greaterThan(2 * committee.f);
    expect(report.answer, where).to.equal(sorted[sorted.length >> 1]);
    // …and each observation is what that oracle's data source returned, per the trace.
    const seen = observed.get(roundKey(report.epoch, report.round));
    expect(seen, `${where}: traced observations`).to.not.equal(undefined);
    report.observers.forEach((observer, k) => expect(report.observations[k], `${where}, observer ${observer}`).to.equal(seen!.get(observer)));

    // More than f distinct configured oracles signed exactly this report.
    const signers = await reportSignersOf(feed, report.txHash);
    expect(signers.length, where).to.be.greaterThan(committee.f);
    expect(new Set(signers.map((s) => s.toLowerCase())).size, `${where}: distinct signers`).to.equal(signers.length);
    for (const s of signers) expect(configuredSigners.some((c) => sameAddress(c, s)), `${where}: ${s} is configured`).to.equal(true);

    // Exactly one transmission for this (epoch, round), the one the trace says landed.
    const landed = landedInTrace.filter((e) => e.epoch === report.epoch && e.round === report.round);
    expect(landed, `${where}: transmit-landed`).to.have.length(1);
    expect(landed[0].txHash, where).to.equal(report.txHash);
    expect(landed[0].median, where).to.equal(report.answer);
    expect(sameAddress(committee.keys[landed[0].oracle].transmitterAddress, report.transmitter), where).to.equal(true);
    expect(attemptsPerRound.get(roundKey(report.epoch, report.round)), `${where}: transmit attempts`).to.equal(1);

    const epochRound = epochAndRound(report.epoch, report.round);
    expect(epochRound > previous, `${where}: (epoch, round) strictly increases`).to.equal(true);
    previous = epochRound;
  }
  // No transaction landed that the chain did not record as a report.
  expect(landedInTrace).to.have.length(expected);
  await expectOraclesOwedTheirWork(feed, reports);
  return reports;
}

/**
 * Billing followed the reports: each oracle has one unpaid observation per report it observed
 * in, and only transmitters are owed more than their observation rewards (the transmission
 * reward and gas reimbursement).
 */
async function expectOraclesOwedTheirWork(feed: Feed, reports: readonly LandedReport[]): Promise<void> {
  const { committee, aggregator } = feed;
  const observationRewardLinkWei = BILLING.linkGweiPerObservation * 10n ** 9n;
  for (let i = 0; i < committee.n; i++) {
    const transmitter = committee.keys[i].transmitterAddress;
    const observed = reports.filter((r) => r.observers.includes(i)).length;
    const transmitted = reports.filter((r) => sameAddress(r.transmitter, transmitter)).length;
    expect(await aggregator.oracleObservationCount(transmitter), `oracle ${i} observations`).to.equal(BigInt(observed));
    const owed = (await aggregator.owedPayment(transmitter)) as bigint;
    if (transmitted === 0) expect(owed, `oracle ${i} owed`).to.equal(BigInt(observed) * observationRewardLinkWei);
    else expect(owed > BigInt(observed) * observationRewardLinkWei, `oracle ${i} paid for transmitting`).to.equal(true);
  }
}

async function runConsecutiveReports(n: number, f: number, rMax: number, reports: number): Promise<void> {
  const feed = await deployCommitteeFeed({
    n,
    f,
    seed: `hardhat-committee-${n}-${f}`,
    dataSource: () => risingMarket(rMax),
    config: { rMax },
  });
  const { committee } = feed;
  await committee.start();
  const startedAt = performance.now();
  const result = await committee.runUntil({ reports, virtualTimeMs: reports * 30_000 });
  const wallSeconds = (performance.now() - startedAt) / 1000;
  committee.stopAll();
  console.log(
    `      (${n},${f}) on the Hardhat chain: ${result.reports} reports in ${wallSeconds.toFixed(2)} s wall clock ` +
      `= ${(result.reports / wallSeconds).toFixed(2)} reports/s (${(result.elapsedMs / 1000).toFixed(1)} s virtual, ${result.events} events)`,
  );
  expect(result.reports).to.equal(reports);
  await expectCorrectReportsOnChain(feed, reports);
}

/** A (4,1) committee feed on a market rising every round, started, with its first two reports landed. */
async function risingFeedAfterTwoReports(seed: string, setup: Pick<CommitteeSetup, "config" | "network">): Promise<Feed> {
  const feed = await deployCommitteeFeed({ n: 4, f: 1, seed, dataSource: () => risingMarket(50), ...setup });
  await feed.committee.start();
  expect((await feed.committee.runUntil({ reports: 2, virtualTimeMs: 30_000 })).reports).to.equal(2);
  return feed;
}

// ---------------------------------------------------------------------------------------------

describe("Committee on the Hardhat chain (real OffchainAggregator)", function () {
  this.timeout(120_000);

  it("(4,1) gets 20 consecutive reports accepted, each answer the median of its signed observations", async () => {
    await runConsecutiveReports(4, 1, 3, 20);
  });

  it("(31,10) gets 20 consecutive reports accepted, each answer the median of its signed observations", async () => {
    await runConsecutiveReports(31, 10, 10, 20);
  });

  it("lands the report from the next stage one DeltaStage later when the first-scheduled transmitter is down", async () => {
    const deltaStageMs = 2000;
    const latencyMs = 10;
    const feed = await risingFeedAfterTwoReports("hardhat-committee-stage", {
      // Rounds slower than a stage: no later round's report can land before stage 1 sends this one.
      config: { rMax: 50, deltaStageMs, deltaRoundMs: 2.5 * deltaStageMs, deltaProgressMs: 10 * deltaStageMs },
      network: { latency: { kind: "constant", ms: latencyMs } },
    });
    const { committee } = feed;

    const crashed = crashNextFirstScheduledTransmitter(committee);
    expect((await committee.runUntil({ reports: 1, virtualTimeMs: 30_000 })).reports).to.equal(1);
    committee.stopAll();
    expect(crashed(), "a stage-0 transmitter was taken down").to.not.equal(null);
    const v = crashed()!;

    const { landed, stageOne } = expectStageOneTookOver(committee, v);
    expect(stageOne.delayMs).to.equal(deltaStageMs);
    // Virtual time stands still while the transaction is mined, so the landing time is exact.
    expect(landed.timeMs - stageOne.timeMs).to.equal(deltaStageMs);
    // Measured from the moment the crashed stage-0 oracle scheduled: one DeltaStage, ± one hop.
    const measuredMs = landed.timeMs - v.atMs;
    console.log(`      stage-1 takeover: landed ${measuredMs} ms (virtual) after stage 0 was scheduled; DeltaStage ${deltaStageMs} ms`);
    expect(Math.abs(measuredMs - deltaStageMs)).to.be.at.most(latencyMs);

    // On chain: the report is round 3, sent by the stage-1 oracle's transmitter, in one transaction.
    const reports = await expectCorrectReportsOnChain(feed, 3);
    const third = reports[2];
    expect([third.epoch, third.round]).to.deep.equal([v.epoch, v.round]);
    expect(sameAddress(third.transmitter, committee.keys[landed.oracle].transmitterAddress)).to.equal(true);
    expect(sameAddress(third.transmitter, committee.keys[v.oracle].transmitterAddress)).to.equal(false);
  });

  it("moves to a new epoch within DeltaProgress when the leader goes down, and reports again on chain", async () => {
    const deltaProgressMs = 2000;
    const maxLatencyMs = 50;
    const feed = await risingFeedAfterTwoReports("hardhat-committee-leader", {
      config: { rMax: 50, deltaProgressMs },
      network: { latency: { kind: "uniform", minMs: 5, maxMs: maxLatencyMs } },
    });
    const { committee } = feed;

    const before = committee.currentLeader()!;
    const downAt = committee.clock.now();
    committee.takeDown(before.leader);
    const newEpoch = () => committee.events("epoch-start").find((e) => e.epoch > before.epoch && e.timeMs >= downAt);
    await committee.runUntil({ until: () => newEpoch() !== undefined, virtualTimeMs: 10_000 });
    const switched = newEpoch();
    expect(switched, "a new epoch started").to.not.equal(undefined);
    const switchMs = switched!.timeMs - downAt;
    console.log(`      leader down: epoch ${before.epoch} -> ${switched!.epoch} after ${switchMs} ms (virtual); DeltaProgress ${deltaProgressMs} ms`);
    expect(switchMs).to.be.at.most(deltaProgressMs + maxLatencyMs);
    expect(committee.events("progress-timeout").some((e) => e.timeMs >= downAt)).to.equal(true);

    const after = await committee.runUntil({ reports: 3, virtualTimeMs: 30_000 });
    committee.stopAll();
    expect(after.reports).to.equal(3);
    const reports = await expectCorrectReportsOnChain(feed, 5);
    for (const r of reports.slice(2)) {
      expect(r.epoch, "reports after the crash come from a later epoch").to.be.greaterThan(before.epoch);
    }
  });

  it("hibernates on a flat market, and reports exactly once more after the owner's requestNewRound", async () => {
    const feed = await deployCommitteeFeed({
      n: 4,
      f: 1,
      seed: "hardhat-committee-request",
      dataSource: () => fixedValue(BASE_PRICE),
      config: { rMax: 50 },
    });
    const { committee, aggregator } = feed;
    await committee.start();
    // The first report is due because nothing was ever reported.
    expect((await committee.runUntil({ reports: 1, virtualTimeMs: 30_000 })).reports).to.equal(1);

    // No deviation and a one-day heartbeat: rounds keep running but nobody signs.
    const declinedBefore = committee.events("should-report").filter((e) => !e.report).length;
    const quiet = await committee.runUntil({ reports: 1, virtualTimeMs: 20_000 });
    expect(quiet.reports, "hibernation holds without a request").to.equal(0);
    expect(committee.events("should-report").filter((e) => !e.report).length).to.be.greaterThan(declinedBefore);
    expect(await aggregator.latestRound()).to.equal(1n);

    // The owner asks for a round: the request names the latest report's (epoch, round)…
    const details = await committee.chain.latestTransmissionDetails();
    await expect(aggregator.requestNewRound())
      .to.emit(aggregator, "RoundRequested")
      .withArgs(feed.owner.address, bytesToHex(details.configDigest), details.epoch, details.round);
    // …and the adapter (what the oracles read) sees it.
    const request = await committee.chain.latestRoundRequested(committee.publicConfig!.deltaCMs);
    expect(request).to.not.equal(null);
    expect(sameAddress(request!.requester, feed.owner.address)).to.equal(true);
    expect([request!.epoch, request!.round]).to.deep.equal([details.epoch, details.round]);

    const requested = await committee.runUntil({ reports: 1, virtualTimeMs: 20_000 });
    expect(requested.reports, "the request produced a report").to.equal(1);
    const landed = committee.events("transmit-landed").at(-1)!;
    const decision = committee
      .events("should-report")
      .find((e) => e.epoch === landed.epoch && e.round === landed.round && e.report);
    expect(decision?.reasons).to.include("round-requested");
    expect(decision?.reasons).to.not.include("deviation");

    // The request is fulfilled: the committee hibernates again.
    const after = await committee.runUntil({ reports: 1, virtualTimeMs: 20_000 });
    committee.stopAll();
    expect(after.reports, "one request, one report").to.equal(0);
    const reports = await expectCorrectReportsOnChain(feed, 2);
    expect(reports.map((r) => r.answer)).to.deep.equal([BASE_PRICE, BASE_PRICE]);
  });
});
