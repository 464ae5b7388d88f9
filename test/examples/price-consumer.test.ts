/**
 * How to test a price-feed consumer with hardhat-ocr.
 *
 * `PriceConsumer` (contracts/examples/PriceConsumer.sol) reads an ETH / USD feed through its proxy
 * and refuses answers it should not act on. Here it runs against a real OCR1 feed: an
 * OffchainAggregator behind an AggregatorProxy, fed by an in-process committee of four oracles
 * (f = 1) that sign real reports and transmit them on the test chain. `connection.ocr` gives the
 * test control over everything a production feed does on its own: when rounds happen, what each
 * oracle observes, which oracles are up, how much time passes, and when the aggregator is replaced.
 *
 * Read top to bottom: each test is one thing a consumer has to get right.
 */
import { expect } from "chai";
import type { Contract } from "ethers";
import { network } from "hardhat";

import type { NoReportError, OcrFeed } from "../../plugin/api-types.js";

/** The feed has 8 decimals, so $1 is 1e8 of its units. */
const USD = 10n ** 8n;
const HOUR_MS = 3_600_000;
/** The feed's heartbeat (the plugin's default deltaC) and the consumer's staleness limit. */
const HEARTBEAT_S = 24n * 3600n;
/** Round ids seen through a proxy carry the phase in the bits above 64. */
const phaseRoundId = (phase: number, aggregatorRoundId: bigint) => (BigInt(phase) << 64n) | aggregatorRoundId;

type Connection = Awaited<ReturnType<typeof network.create>>;

/**
 * A fresh chain with a four-oracle ETH / USD feed whose oracles observe $1999..$2002 (each its own
 * fixed value, so the median is predictable), and a consumer that accepts $100..$100,000 answers
 * at most one heartbeat old.
 */
async function deployFeedAndConsumer(): Promise<{ connection: Connection; feed: OcrFeed; consumer: Contract }> {
  const connection = await network.create();
  const feed = await connection.ocr.deployFeed("ETH / USD", {
    dataSource: [1999n, 2000n, 2001n, 2002n].map((dollars) => ({ type: "fixed", value: dollars * USD })),
  });
  const consumer = (await connection.ethers.deployContract("PriceConsumer", [
    feed.addresses.proxy,
    HEARTBEAT_S,
    100n * USD,
    100_000n * USD,
  ])) as unknown as Contract;
  return { connection, feed, consumer };
}

/** The median OCR puts on chain: the middle element (upper middle for even counts) of the sorted observations. */
function medianOf(values: readonly bigint[]): bigint {
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted[Math.floor(sorted.length / 2)];
}

/** Awaits `promise`, expects it to fail with the plugin's "no report" error, and returns that error. */
async function expectNoReport(promise: Promise<unknown>): Promise<NoReportError> {
  try {
    await promise;
  } catch (error) {
    expect((error as NoReportError).code, String(error)).to.equal("OCR_NO_REPORT");
    return error as NoReportError;
  }
  expect.fail("expected the round to fail with OCR_NO_REPORT, but a report landed");
}

describe("PriceConsumer against a live OCR feed", function () {
  it("reads the median of the oracles' observations through the proxy", async function () {
    const { feed, consumer } = await deployFeedAndConsumer();

    const round = await feed.runRound();
    // The report carries at least 2f + 1 signed observations; its median is the answer.
    expect(round.observations.length).to.be.greaterThanOrEqual(2 * feed.f + 1);
    expect(round.median).to.equal(medianOf(round.observations.map((o) => o.value)));

    const [price, roundId, updatedAt] = await consumer.latestPrice();
    expect(price).to.equal(round.median);
    expect(roundId).to.equal(round.proxyRoundId);
    expect(roundId).to.equal(phaseRoundId(1, 1n));
    expect(updatedAt).to.equal(round.timestamp);
    // 2 ETH at the answer's price, in the feed's 8 decimals.
    expect(await consumer.quote(2n * 10n ** 18n)).to.equal(2n * round.median);

    // The market moves: every oracle now sees $2500 (± $1). The next round reports it.
    feed.setObservations([2499n * USD, 2500n * USD, 2500n * USD, 2501n * USD]);
    const next = await feed.runRound();
    expect(next.aggregatorRoundId).to.equal(2n);
    expect(next.median).to.equal(2500n * USD);
    expect((await consumer.latestPrice())[0]).to.equal(2500n * USD);
  });

  it("refuses an answer older than the heartbeat until a new round lands", async function () {
    const { feed, consumer } = await deployFeedAndConsumer();
    const first = await feed.runRound();

    // 25 hours pass with no report (say every oracle's node was being upgraded). On the
    // simulated network this takes milliseconds: chain time and the committee's clock move together.
    await feed.advanceTime(25 * HOUR_MS);
    await expect(consumer.latestPrice()).to.be.revertedWithCustomError(consumer, "StalePrice");

    // One new round and the consumer is satisfied again.
    const second = await feed.runRound();
    expect(second.timestamp - first.timestamp).to.be.greaterThanOrEqual(25n * 3600n);
    const [price, roundId, updatedAt] = await consumer.latestPrice();
    expect(price).to.equal(second.median);
    expect(roundId).to.equal(phaseRoundId(1, 2n));
    expect(updatedAt).to.equal(second.timestamp);
  });

  it("is not moved by f lying oracles: the answer stays within the honest observations", async function () {
    const { feed, consumer } = await deployFeedAndConsumer();
    expect(feed.f).to.equal(1);
    const honest = [2000n * USD, 2001n * USD, 2002n * USD];

    // Oracle 3 reports an absurdly high price; then it reports an absurdly low one instead.
    for (const lie of [1_000_000_000n * USD, 1n]) {
      feed.setObservations([...honest, lie]);
      const round = await feed.runRound();
      expect(round.median).to.be.within(honest[0], honest[2]);
      expect((await consumer.latestPrice())[0]).to.equal(round.median);
    }
  });

  it("keeps the last good answer when more than f oracles are down", async function () {
    const { feed, consumer } = await deployFeedAndConsumer();
    const before = await feed.runRound();

    // Two of four oracles crash: 2 > f, so the remaining two cannot gather the f + 1 signatures
    // and 2f + 1 observations a report needs. No report, and the chain is untouched.
    await feed.takeDown([0, 1]);
    const failure = await expectNoReport(feed.runRound({ timeoutMs: 60_000 }));
    expect(failure.reason).to.be.a("string").and.not.equal("");

    const [price, roundId] = await consumer.latestPrice();
    expect(price).to.equal(before.median);
    expect(roundId).to.equal(before.proxyRoundId);

    // They come back and the feed recovers.
    await feed.bringUp([0, 1]);
    const after = await feed.runRound();
    expect(after.aggregatorRoundId).to.equal(before.aggregatorRoundId + 1n);
    expect((await consumer.latestPrice())[1]).to.equal(after.proxyRoundId);
  });

  it("keeps working through an aggregator upgrade behind the proxy (phase 2 round ids)", async function () {
    const { connection, feed, consumer } = await deployFeedAndConsumer();
    const phase1 = await feed.runRound();
    const oldAggregator = feed.addresses.aggregator;

    // The feed owner moves the proxy to a new aggregator with a bigger committee (7 oracles, f = 2).
    await feed.upgradeAggregator({
      oracles: 7,
      faultTolerance: 2,
      dataSource: { type: "fixed", value: 2100n * USD },
    });
    expect(feed.phaseId).to.equal(2);
    expect(feed.addresses.aggregator).to.not.equal(oldAggregator);
    expect(feed.addresses.proxy).to.equal(await consumer.feed());

    // Until the new aggregator's first report the proxy has no answer in phase 2, and the
    // consumer says so instead of returning a zero price.
    await expect(consumer.latestPrice())
      .to.be.revertedWithCustomError(consumer, "RoundNotComplete")
      .withArgs(phaseRoundId(2, 0n));

    const phase2 = await feed.runRound();
    expect(phase2.aggregatorRoundId).to.equal(1n);
    expect(phase2.proxyRoundId).to.equal(phaseRoundId(2, 1n));
    const [price, roundId] = await consumer.latestPrice();
    expect(price).to.equal(2100n * USD);
    expect(roundId).to.equal(phaseRoundId(2, 1n));

    // Phase 1's round is still readable through the proxy under its old id.
    const proxy = await connection.ethers.getContractAt("AggregatorV3Interface", feed.addresses.proxy);
    const [, oldAnswer] = await proxy.getRoundData(phase1.proxyRoundId);
    expect(oldAnswer).to.equal(phase1.median);
  });
});
