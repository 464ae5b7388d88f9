/**
 * What the user's own code does to the chain between two runs of a feed's committee is seen by
 * the next run: the oracles keep the chain's head between their reads on the simulated network
 * (see ChainTime), and each run starts by forgetting it.
 */
import { expect } from "chai";
import { network } from "hardhat";

import { chainEditsOf } from "../../plugin/chain/chain-edits.js";
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

  it("hears of the user's state edits through the connection (the network hook), and of automine being switched", async () => {
    const connection = await network.create();
    const feed = await connection.ocr.deployFeed("ETH / USD");
    await feed.runRound();
    const edits = chainEditsOf(connection);
    const before = edits.count;
    // An edit that changes nothing (slot 0 written with what it holds) still counts.
    const slot0 = (await connection.provider.request({ method: "eth_getStorageAt", params: [feed.addresses.aggregator, "0x0", "latest"] })) as string;
    await connection.networkHelpers.setStorageAt(feed.addresses.aggregator, 0, slot0);
    expect(edits.count).to.equal(before + 1);
    await connection.provider.request({ method: "evm_setAutomine", params: [false] });
    expect(edits.automine).to.equal(false);
    await connection.provider.request({ method: "evm_setAutomine", params: [true] });
    expect([edits.count, edits.automine]).to.deep.equal([before + 3, true]);
    // Reports keep landing after the edits, read afresh.
    expect((await feed.runRound()).reason).to.equal("requested");
  });

  it("lands one report per run while the user's code has switched to interval mining, and after switching back", async () => {
    const connection = await network.create();
    const feed = await connection.ocr.deployFeed("ETH / USD");
    const ids = [(await feed.runRound()).aggregatorRoundId];
    await connection.provider.request({ method: "evm_setAutomine", params: [false] });
    await connection.provider.request({ method: "evm_setIntervalMining", params: [50] });
    try {
      for (let i = 0; i < 2; i++) ids.push((await feed.runRound()).aggregatorRoundId);
    } finally {
      await connection.provider.request({ method: "evm_setIntervalMining", params: [0] });
      await connection.provider.request({ method: "evm_setAutomine", params: [true] });
    }
    for (let i = 0; i < 2; i++) ids.push((await feed.runRound()).aggregatorRoundId);
    expect(ids).to.deep.equal([1n, 2n, 3n, 4n, 5n]);
  });

  it("keeps landing reports after the user rewinds the chain to a snapshot, without a transmit refused for its nonce", async () => {
    const connection = await network.create();
    const feed = await connection.ocr.deployFeed("ETH / USD");
    await feed.runRound();
    // As loadFixture does between tests: a snapshot, a few rounds, back to the snapshot.
    const snapshot = await connection.ethers.provider.send("evm_snapshot", []);
    for (let i = 0; i < 3; i++) await feed.runRound();
    await connection.networkHelpers.mine(1); // a block of the user's own, then the rewind
    expect(await connection.ethers.provider.send("evm_revert", [snapshot])).to.equal(true);

    const traceFrom = feed.trace().length;
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await feed.runRound());
    // The transmitters' transactions of the rewound rounds are gone, and with them the nonces
    // they used: a transmit sent with a remembered nonce would be refused by the node.
    const refused = feed.trace().slice(traceFrom).filter((e) => e.type === "transmit-reverted");
    expect(refused, JSON.stringify(refused.map((e) => ("reason" in e ? e.reason : e.type)))).to.deep.equal([]);
    expect(results.map((r) => r.aggregatorRoundId)).to.deep.equal([2n, 3n, 4n, 5n, 6n, 7n]);
  });
});
