/**
 * What the user's own code does to the chain between two runs of a feed's committee is seen by
 * the next run: the oracles keep the chain's head between their reads on the simulated network
 * (see ChainTime), and each run starts by forgetting it.
 */
import { expect } from "chai";
import { network } from "hardhat";

import { AGGREGATOR_ABI } from "../../plugin/core/abi.js";

const USD = 10n ** 8n;
const HOUR_S = 3600n;

describe("A feed sees what the user's code did between runs", () => {
  it("answers a round the user requested with their own transaction", async () => {
    const connection = await network.create();
    const feed = await connection.ocr.deployFeed("ETH / USD", { dataSource: { type: "fixed", value: 2000n * USD } });
    const first = await feed.runRound();
    // A minute of rounds without a report: every oracle reads the chain, nothing is sent.
    expect(await feed.runFor(60_000)).to.deep.equal([]);

    // The owner (the first account) requests a round itself; the oracles must find it, although
    // nothing else changed (same observations, the 24 h heartbeat far away).
    const [owner] = await connection.ethers.getSigners();
    const aggregator = new connection.ethers.Contract(feed.addresses.aggregator, AGGREGATOR_ABI, owner);
    await (await aggregator.requestNewRound()).wait();
    const answered = await feed.runRound({ request: false });

    expect(answered.reason).to.equal("requested");
    expect(answered.aggregatorRoundId).to.equal(first.aggregatorRoundId + 1n);
    expect(answered.timestamp - first.timestamp < HOUR_S).to.equal(true);
  });

  it("lands its report after blocks the user mined, at a later time", async () => {
    const connection = await network.create();
    const feed = await connection.ocr.deployFeed("ETH / USD", { dataSource: { type: "fixed", value: 2000n * USD } });
    const first = await feed.runRound();
    expect(await feed.runFor(60_000)).to.deep.equal([]);
    await connection.networkHelpers.mine(5, { interval: 60 });
    const latest = await connection.ethers.provider.getBlock("latest");

    const next = await feed.runRound();
    expect(next.blockNumber > latest!.number).to.equal(true);
    expect(next.timestamp > BigInt(latest!.timestamp)).to.equal(true);
    expect(next.aggregatorRoundId).to.equal(first.aggregatorRoundId + 1n);
  });
});
