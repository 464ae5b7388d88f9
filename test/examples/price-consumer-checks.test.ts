/**
 * Every refusal of `PriceConsumer`, one at a time. The rounds come from a `TestAggregator` behind a
 * real `AggregatorProxy`, so a test can write exactly the round it needs (an unanswered round, an
 * answer carried over from an earlier round, a negative answer) — states an OCR committee never
 * produces. price-consumer.test.ts shows the same contract against a live OCR feed.
 */
import { expect } from "chai";
import type { Contract } from "ethers";
import { network } from "hardhat";

const DECIMALS = 8;
const USD = 10n ** BigInt(DECIMALS);
const HEARTBEAT_S = 3600n;
const MIN_PRICE = 100n * USD;
const MAX_PRICE = 100_000n * USD;
/** The proxy's first phase: round ids seen through it are (1 << 64) | aggregator round id. */
const PHASE_1 = 1n << 64n;

describe("PriceConsumer checks", function () {
  let ethers: Awaited<ReturnType<typeof network.create>>["ethers"];
  let networkHelpers: Awaited<ReturnType<typeof network.create>>["networkHelpers"];
  let aggregator: Contract;
  let proxy: Contract;
  let consumer: Contract;

  /** The timestamp the next mined block will have, so a round can be placed at an exact age. */
  async function now(): Promise<bigint> {
    return BigInt(await networkHelpers.time.latest());
  }

  beforeEach(async function () {
    ({ ethers, networkHelpers } = await network.create());
    aggregator = (await ethers.deployContract("TestAggregator", [DECIMALS, "ETH / USD", 4n])) as unknown as Contract;
    proxy = (await ethers.deployContract("AggregatorProxy", [await aggregator.getAddress()])) as unknown as Contract;
    consumer = (await ethers.deployContract("PriceConsumer", [
      await proxy.getAddress(),
      HEARTBEAT_S,
      MIN_PRICE,
      MAX_PRICE,
    ])) as unknown as Contract;
  });

  it("returns a fresh, in-range answer with the proxy's round id", async function () {
    const t = await now();
    await aggregator.setRound(7n, 2000n * USD, t, t);
    const [price, roundId, updatedAt] = await consumer.latestPrice();
    expect(price).to.equal(2000n * USD);
    expect(roundId).to.equal(PHASE_1 | 7n);
    expect(updatedAt).to.equal(t);
    expect(await consumer.quote(3n * 10n ** 18n)).to.equal(6000n * USD);
    expect(await consumer.feedDecimals()).to.equal(BigInt(DECIMALS));
  });

  it("accepts an answer exactly one heartbeat old and rejects it one second later", async function () {
    const t = await now();
    await aggregator.setRound(1n, 2000n * USD, t, t);
    await networkHelpers.time.increaseTo(t + HEARTBEAT_S);
    expect((await consumer.latestPrice())[0]).to.equal(2000n * USD);

    await networkHelpers.time.increaseTo(t + HEARTBEAT_S + 1n);
    await expect(consumer.latestPrice())
      .to.be.revertedWithCustomError(consumer, "StalePrice")
      .withArgs(t, HEARTBEAT_S, t + HEARTBEAT_S + 1n);
  });

  it("rejects a round that was never answered (updatedAt == 0)", async function () {
    await aggregator.setRevertOnMissingRound(false);
    await aggregator.setLatestRound(3n);
    await expect(consumer.latestPrice())
      .to.be.revertedWithCustomError(consumer, "RoundNotComplete")
      .withArgs(PHASE_1 | 3n);
  });

  it("rejects an answer carried over from an earlier round", async function () {
    const t = await now();
    await aggregator.setStaleRound(5n, 2000n * USD, t, t, 4n);
    await aggregator.setLatestRound(5n);
    await expect(consumer.latestPrice())
      .to.be.revertedWithCustomError(consumer, "AnswerFromEarlierRound")
      .withArgs(PHASE_1 | 5n, PHASE_1 | 4n);
  });

  it("rejects zero and negative answers", async function () {
    const t = await now();
    for (const answer of [0n, -1n, -2000n * USD]) {
      await aggregator.setRound(1n, answer, t, t);
      await expect(consumer.latestPrice()).to.be.revertedWithCustomError(consumer, "NonPositivePrice").withArgs(answer);
    }
  });

  it("rejects answers outside [minPrice, maxPrice] and accepts both bounds", async function () {
    const t = await now();
    for (const [answer, accepted] of [
      [MIN_PRICE - 1n, false],
      [MIN_PRICE, true],
      [MAX_PRICE, true],
      [MAX_PRICE + 1n, false],
    ] as const) {
      await aggregator.setRound(1n, answer, t, t);
      if (accepted) {
        expect((await consumer.latestPrice())[0]).to.equal(answer);
      } else {
        await expect(consumer.latestPrice())
          .to.be.revertedWithCustomError(consumer, "PriceOutOfRange")
          .withArgs(answer, MIN_PRICE, MAX_PRICE);
      }
    }
  });

  it("quote() refuses the same answers latestPrice() refuses", async function () {
    const t = await now();
    await aggregator.setRound(1n, -5n, t, t);
    await expect(consumer.quote(10n ** 18n)).to.be.revertedWithCustomError(consumer, "NonPositivePrice");
  });

  it("refuses settings that would make the checks meaningless", async function () {
    const feed = await proxy.getAddress();
    const factory = await ethers.getContractFactory("PriceConsumer");
    const invalidSettings: [string, bigint, bigint, bigint][] = [
      [ethers.ZeroAddress, HEARTBEAT_S, MIN_PRICE, MAX_PRICE],
      [feed, 0n, MIN_PRICE, MAX_PRICE],
      [feed, HEARTBEAT_S, 0n, MAX_PRICE],
      [feed, HEARTBEAT_S, MAX_PRICE + 1n, MAX_PRICE],
    ];
    for (const args of invalidSettings) {
      await expect(factory.deploy(...args)).to.be.revertedWithCustomError(factory, "InvalidConsumerSettings");
    }
  });
});
