/** The README's OCR2 consumer example, run as written (section "OCR2 and OCR1"). */
import { expect } from "chai";
import type { Contract } from "ethers";
import { network } from "hardhat";

describe("README: reading an OCR2 feed", function () {
  this.timeout(120_000);

  it("startedAt is the oracles' clock, updatedAt the block; ids past 2^32 read as zeros", async function () {
    const { ocr } = await network.create();
    const feed = await ocr.deployFeed("ETH / USD", { dataSource: { type: "fixed", value: 2000n * 10n ** 8n } });
    const round = await feed.runRound();
    const proxy = feed.proxy as Contract;
    const [roundId, answer, startedAt, updatedAt] = await proxy.latestRoundData();
    expect(answer).to.equal(2000n * 10n ** 8n);
    expect(startedAt).to.equal(round.observationsTimestamp);   // median of the oracles' clocks
    expect(updatedAt).to.equal(round.timestamp);               // the block that stored the report
    expect(startedAt < updatedAt).to.equal(true);              // the protocol took time, as on mainnet
    expect(roundId).to.equal((1n << 64n) + 1n);                // phase 1, aggregator round 1

    // OCR2Aggregator answers ids past 2^32 - 1 with zeros instead of reverting (OCR1 reverted).
    const aggregator = feed.aggregator as Contract;
    expect(await aggregator.getRoundData(2n ** 32n)).to.deep.equal([0n, 0n, 0n, 0n, 0n]);
    feed.stop?.();
  });
});
