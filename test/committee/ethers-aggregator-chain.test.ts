/**
 * EthersAggregatorChain, the committee's only door to ethers, against the real
 * OffchainAggregator: what it reads back, how it sends, and what "now" means on a chain that
 * only makes blocks when someone sends a transaction.
 */
import { expect } from "chai";

import { sameAddress } from "../../plugin/core/address.js";
import { bytesToHex } from "../../plugin/core/bytes.js";
import { collateSignatures, encodeReport, signReport } from "../../plugin/core/report.js";
import { fixedValue } from "../../plugin/data-sources/simple.js";
import type { TransmitRequest } from "../../plugin/protocol/chain.js";
import { type CommitteeFeed as Feed, deployCommitteeFeed } from "../../testkit/feed-fixture.js";
import { landedReports } from "../../testkit/landed-reports.js";
import { BASE_PRICE } from "../../testkit/markets.js";

/** A configured feed with a committee that is not running: the test drives the adapter itself. */
async function configuredFeed(seed: string, config: { deltaCMs?: number } = {}): Promise<Feed> {
  const feed = await deployCommitteeFeed({ n: 4, f: 1, seed, dataSource: () => fixedValue(BASE_PRICE), config });
  await feed.committee.setConfig();
  return feed;
}

/** A transmit request for (epoch, round) signed by oracles 0..f, sent by `transmitterIndex`. */
async function signedTransmit(feed: Feed, epoch: number, round: number, transmitterIndex: number): Promise<TransmitRequest> {
  const { committee } = feed;
  const config = (await committee.chain.latestConfig())!;
  const observations = committee.keys.map((_, observer) => ({ observer, value: BASE_PRICE + BigInt(observer) }));
  const report = encodeReport({ configDigest: config.configDigest, epoch, round }, observations);
  const signatures = committee.keys.slice(0, committee.f + 1).map((k) => signReport(report, k.onchainSigningKey));
  return {
    transmitterIndex,
    transmitterAddress: committee.keys[transmitterIndex].transmitterAddress,
    report,
    ...collateSignatures(signatures),
  };
}

describe("EthersAggregatorChain on the Hardhat chain", function () {
  this.timeout(60_000);

  it("reads back the config the committee set: digest, signers, transmitters, threshold", async () => {
    const feed = await configuredFeed("adapter-config");
    const { committee, aggregator } = feed;
    const config = (await committee.chain.latestConfig())!;
    const [configCount, blockNumber, digest] = (await aggregator.latestConfigDetails()) as [bigint, bigint, string];
    expect(config.configCount).to.equal(configCount);
    expect(config.blockNumber).to.equal(Number(blockNumber));
    expect(bytesToHex(config.configDigest)).to.equal(digest.toLowerCase());
    expect(config.threshold).to.equal(committee.f);
    config.signers.forEach((s, i) => expect(sameAddress(s, committee.keys[i].signerAddress)).to.equal(true));
    config.transmitters.forEach((t, i) => expect(sameAddress(t, committee.keys[i].transmitterAddress)).to.equal(true));
  });

  it("reports a transmit the contract rejects as not ok, with the contract's revert reason", async () => {
    const feed = await configuredFeed("adapter-revert");
    const good = await signedTransmit(feed, 1, 1, 0);
    expect((await feed.committee.chain.transmit(good)).ok).to.equal(true);
    const stale = await feed.committee.chain.transmit(await signedTransmit(feed, 1, 1, 1));
    expect(stale.ok).to.equal(false);
    expect(stale.error).to.equal("stale report");
    const details = await feed.committee.chain.latestTransmissionDetails();
    expect([details.epoch, details.round, details.latestAnswer]).to.deep.equal([1, 1, BASE_PRICE + 2n]);
  });

  it("sends simultaneous transmits from one transmitter one after another, so both land", async () => {
    const feed = await configuredFeed("adapter-nonces");
    const first = await signedTransmit(feed, 1, 1, 2);
    const second = await signedTransmit(feed, 1, 2, 2);
    const results = await Promise.all([feed.committee.chain.transmit(first), feed.committee.chain.transmit(second)]);
    expect(results.map((r) => r.error)).to.deep.equal([undefined, undefined]);
    expect(results.map((r) => r.ok)).to.deep.equal([true, true]);
    const reports = await landedReports(feed);
    expect(reports.map((r) => [r.epoch, r.round])).to.deep.equal([[1, 1], [1, 2]]);
  });

  it("with automine off, waits for the block; a transaction dropped from the pool fails instead of hanging", async () => {
    const feed = await configuredFeed("adapter-automine-off");
    await feed.provider.send("evm_setAutomine", [false]);
    const pending = feed.committee.chain.transmit(await signedTransmit(feed, 1, 1, 0));
    await new Promise((r) => setTimeout(r, 50));
    await feed.provider.send("evm_mine", []);
    const mined = await pending;
    expect(mined.ok, mined.error).to.equal(true);
    expect((await landedReports(feed)).map((r) => r.round)).to.deep.equal([1]);

    const dropped = feed.committee.chain.transmit(await signedTransmit(feed, 1, 2, 1));
    // Wait until the node has it, then drop it from the pool.
    let hash: string | undefined;
    for (let i = 0; i < 100 && hash === undefined; i++) {
      const block = await feed.provider.send("eth_getBlockByNumber", ["pending", false]);
      hash = block?.transactions?.[0];
      if (hash === undefined) await new Promise((r) => setTimeout(r, 10));
    }
    expect(hash, "the transmit reached the pool").to.be.a("string");
    await feed.provider.send("hardhat_dropTransaction", [hash]);
    const outcome = await dropped;
    expect(outcome.ok).to.equal(false);
    expect(outcome.error).to.match(/dropped/);
    await feed.provider.send("evm_setAutomine", [true]);
  });

  it("tells the time of the next block, so time passing on an idle chain counts for the heartbeat", async () => {
    const feed = await configuredFeed("adapter-now");
    const chain = feed.committee.chain;
    const latestBefore = (await feed.provider.getBlock("latest"))!;
    expect(await chain.nowMs!()).to.be.greaterThan(latestBefore.timestamp * 1000);
    // Time moves on but nobody sends a transaction, so no block is mined.
    await feed.provider.send("evm_increaseTime", [3600]);
    const latest = (await feed.provider.getBlock("latest"))!;
    expect(latest.number).to.equal(latestBefore.number);
    expect(await chain.nowMs!()).to.be.at.least((latest.timestamp + 3600) * 1000);
  });

  it("finds a round request only within the lookback, judged by block time against the chain's now", async () => {
    const feed = await configuredFeed("adapter-lookback");
    const chain = feed.committee.chain;
    expect(await chain.latestRoundRequested(60_000), "no request yet").to.equal(null);
    await (await feed.aggregator.requestNewRound()).wait();
    const request = await chain.latestRoundRequested(60_000);
    expect(request, "a fresh request is within a minute").to.not.equal(null);
    expect(sameAddress(request!.requester, feed.owner.address)).to.equal(true);

    // Two minutes pass on the chain (no block is mined): the request is now older than a minute.
    await feed.provider.send("evm_increaseTime", [120]);
    expect(await chain.latestRoundRequested(60_000), "older than the lookback").to.equal(null);
    const within = await chain.latestRoundRequested(3_600_000);
    expect([within?.epoch, within?.round]).to.deep.equal([request!.epoch, request!.round]);
    await chain.latestRoundRequested(-1).then(
      () => expect.fail("a negative lookback must be refused"),
      (error: Error) => expect(error.message).to.match(/lookbackMs must be 0 or more/),
    );
  });

  it("the committee keeps its heartbeat on an idle chain: it reports once DeltaC of chain time has passed", async () => {
    const deltaCMs = 60_000;
    const feed = await deployCommitteeFeed({
      n: 4,
      f: 1,
      seed: "adapter-heartbeat",
      dataSource: () => fixedValue(BASE_PRICE),
      config: { rMax: 50, deltaCMs },
    });
    const { committee } = feed;
    await committee.start();
    expect((await committee.runUntil({ reports: 1, virtualTimeMs: 20_000 })).reports).to.equal(1);
    expect((await committee.runUntil({ reports: 1, virtualTimeMs: 10_000 })).reports, "flat market: no report").to.equal(0);

    await feed.provider.send("evm_increaseTime", [2 * deltaCMs / 1000]);
    const heartbeat = await committee.runUntil({ reports: 1, virtualTimeMs: 10_000 });
    committee.stopAll();
    expect(heartbeat.reports).to.equal(1);
    const landed = committee.events("transmit-landed").at(-1)!;
    const decision = committee.events("should-report").find((e) => e.epoch === landed.epoch && e.round === landed.round && e.report);
    expect(decision?.reasons).to.deep.equal(["heartbeat"]);
    expect(await feed.aggregator.latestRound()).to.equal(2n);
  });
});
