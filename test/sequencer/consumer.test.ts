/**
 * How to test an L2 consumer against the sequencer uptime feed, with hardhat-ocr.
 *
 * `SequencerAwarePriceReader` (contracts/examples/) reads an ETH / USD price only when the
 * sequencer uptime feed says the sequencer is up and has been for more than a one-hour grace
 * period, counted from `startedAt` (the L1 time of the change). Here it reads a real OCR feed
 * (a four-oracle committee transmitting signed reports) and an uptime feed of each flavour whose
 * status messages arrive through the local bridge stand-in, with L1 times and delays under the
 * test's control.
 */
import { expect } from "chai";
import type { Contract } from "ethers";
import { network } from "hardhat";

import type { OcrFeed, SequencerUptimeFeed } from "../../plugin/api-types.js";
import { type Connection, FQN, latestBlockTime } from "./fixtures.js";

const USD = 10n ** 8n;
const GRACE_PERIOD_S = 3600n;
const HEARTBEAT_S = 24n * 3600n;

for (const flavour of ["optimism", "arbitrum"] as const) {
  describe(`SequencerAwarePriceReader on an ${flavour} uptime feed`, function () {
    let connection: Connection;
    let priceFeed: OcrFeed;
    let uptime: SequencerUptimeFeed;
    let reader: Contract;
    let price: bigint;

    /** Mine a block at `timestamp`, so the reader's view calls see that time. */
    const at = (timestamp: bigint) => connection.networkHelpers.time.increaseTo(timestamp);

    before(async () => {
      connection = await network.create();
      priceFeed = await connection.ocr.deployFeed("ETH / USD", { dataSource: { type: "fixed", value: 2000n * USD } });
      price = (await priceFeed.runRound()).answer;
      uptime = await connection.ocr.deploySequencerUptimeFeed({ flavour });
      reader = (await connection.ethers.deployContract(FQN.consumer, [
        priceFeed.addresses.proxy,
        uptime.addresses.proxy,
        GRACE_PERIOD_S,
        HEARTBEAT_S,
      ])) as unknown as Contract;
    });

    after(async () => {
      priceFeed.stop?.();
      await connection.close();
    });

    it("up for longer than the grace period: the price is accepted", async () => {
      const { startedAt, status } = await uptime.status();
      expect(status).to.equal("up");
      // Round 1 started at deployment, so right after it the reader still waits.
      await expect(reader.latestPrice()).to.be.revertedWithCustomError(reader, "GracePeriodNotOver");
      await at(startedAt + GRACE_PERIOD_S + 1n);
      const [answer] = await reader.latestPrice();
      expect(answer).to.equal(price);
      expect(answer).to.equal(2000n * USD);
    });

    it("down: the price is refused with SequencerDown, since the L1 time of the outage", async () => {
      const update = await uptime.setDown();
      expect(update.outcome).to.equal("new-round");
      await expect(reader.latestPrice()).to.be.revertedWithCustomError(reader, "SequencerDown").withArgs(1n, update.l1Timestamp);
    });

    it("back up: refused during the grace period, accepted once it has passed", async () => {
      const update = await uptime.setUp();
      const upSince = update.l1Timestamp;
      await expect(reader.latestPrice()).to.be.revertedWithCustomError(reader, "GracePeriodNotOver");
      await at(upSince + GRACE_PERIOD_S - 10n);
      await expect(reader.latestPrice())
        .to.be.revertedWithCustomError(reader, "GracePeriodNotOver")
        .withArgs(upSince, GRACE_PERIOD_S, upSince + GRACE_PERIOD_S - 10n);
      await at(upSince + GRACE_PERIOD_S + 10n);
      expect((await reader.latestPrice())[0]).to.equal(price);
    });

    it("a delayed 'down' that arrives after the sequencer restarted: refused, then the grace period runs from the L1 time of 'up'", async () => {
      // The sequencer stopped 10 minutes ago on L1's clock; the message reaches L2 only now.
      const down = await uptime.setDown({ delaySeconds: 600 });
      expect(down.outcome).to.equal("new-round");
      expect(down.arrivedAt - down.l1Timestamp).to.equal(600n);
      await expect(reader.latestPrice()).to.be.revertedWithCustomError(reader, "SequencerDown").withArgs(1n, down.l1Timestamp);

      // The "up" was sent on L1 a minute ago and arrives now, right behind the "down".
      const up = await uptime.setUp({ delaySeconds: 60 });
      expect(up.outcome).to.equal("new-round");
      const status = await uptime.status();
      expect(status.startedAt).to.equal(up.l1Timestamp);
      // The grace period counts from startedAt (L1 time of "up"), not from its arrival.
      await at(up.l1Timestamp + GRACE_PERIOD_S - 10n);
      await expect(reader.latestPrice()).to.be.revertedWithCustomError(reader, "GracePeriodNotOver").withArgs(up.l1Timestamp, GRACE_PERIOD_S, up.l1Timestamp + GRACE_PERIOD_S - 10n);
      await at(up.l1Timestamp + GRACE_PERIOD_S + 10n);
      expect((await reader.latestPrice())[0]).to.equal(price);
    });

    it("an out-of-order 'down' (sent on L1 before the latest 'up') is ignored: the price stays available", async () => {
      const before = await uptime.status();
      const late = await uptime.setDown({ l1Timestamp: before.startedAt - 30n });
      expect(late.outcome).to.equal("ignored");
      expect(await uptime.status()).to.deep.equal(before);
      expect((await reader.latestPrice())[0]).to.equal(price);
    });

    it("the reader counts the grace period from startedAt, not updatedAt", async () => {
      const before = await uptime.status();
      const repeat = await uptime.setUp();
      const status = await uptime.status();
      expect(status.startedAt).to.equal(before.startedAt);
      if (flavour === "optimism") {
        // A repeated "up" moves updatedAt to now: a reader measuring from updatedAt would refuse
        // the price for another hour although the sequencer has been up for longer than that.
        expect(repeat.outcome).to.equal("updated");
        expect(status.updatedAt).to.equal(repeat.arrivedAt);
        expect((await latestBlockTime(connection)) - status.updatedAt <= GRACE_PERIOD_S).to.equal(true);
      } else {
        expect(repeat.outcome).to.equal("ignored");
        expect(status.updatedAt).to.equal(before.updatedAt);
      }
      expect((await reader.latestPrice())[0]).to.equal(price);
    });

    it("the uptime feed has no heartbeat: a month without status messages, the reader still accepts a fresh price", async () => {
      const before = await uptime.status();
      await priceFeed.advanceTime(30 * 24 * 3_600_000);
      await expect(reader.latestPrice()).to.be.revertedWithCustomError(reader, "StalePrice");
      const fresh = await priceFeed.runRound();
      expect(await uptime.status()).to.deep.equal(before);
      const [answer, updatedAt] = await reader.latestPrice();
      expect([answer, updatedAt]).to.deep.equal([fresh.answer, fresh.timestamp]);
    });
  });
}

describe("SequencerAwarePriceReader settings", function () {
  it("refuses a zero feed address or a zero heartbeat", async () => {
    const connection = await network.create();
    try {
      const factory = await connection.ethers.getContractFactory(FQN.consumer);
      const some = "0x0000000000000000000000000000000000000001";
      const zero = "0x0000000000000000000000000000000000000000";
      for (const args of [
        [zero, some, 3600n, 1n],
        [some, zero, 3600n, 1n],
        [some, some, 3600n, 0n],
      ]) {
        await expect(factory.deploy(...args)).to.be.revertedWithCustomError(factory, "InvalidReaderSettings");
      }
    } finally {
      await connection.close();
    }
  });
});
