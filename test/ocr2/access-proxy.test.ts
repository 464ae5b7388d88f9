/**
 * AccessControlledOCR2Aggregator's gated reads, and the existing EACAggregatorProxy moving from
 * an OCR1 OffchainAggregator (phase 1) to an OCR2 aggregator (phase 2) on one chain.
 */
import { expect } from "chai";

import { proxyRoundId } from "../proxy/phase-ids.js";
import { deployFeed, transmitAndWait } from "../../testkit/feed-fixture.js";
import { priceObservations } from "../../testkit/markets.js";
import { deployOcr2Feed } from "../../testkit/ocr2-fixture.js";

describe("AccessControlledOCR2Aggregator", function () {
  it("gates exactly the eight answer reads for contracts; EOAs always read", async () => {
    const feed = await deployOcr2Feed(4, 1, { accessControlled: true });
    await feed.transmit(1, 1, feed.reportOf(priceObservations(4, 1)));
    const reader = await feed.ethers.deployContract("AggregatorReader");
    const agg = feed.aggregatorAddress;
    const gated = [
      () => reader.readLatestAnswer(agg),
      () => reader.readLatestTimestamp(agg),
      () => reader.readLatestRound(agg),
      () => reader.readGetAnswer(agg, 1),
      () => reader.readGetTimestamp(agg, 1),
      () => reader.readDescription(agg),
      () => reader.readGetRoundData(agg, 1),
      () => reader.readLatestRoundData(agg),
    ];
    for (const read of gated) await expect(read()).to.be.revertedWith("No access");
    // Open to contracts: decimals and the OCR2 config read.
    expect(await reader.readDecimals(agg)).to.equal(8n);
    const ocr2Reader = await feed.ethers.deployContract("OCR2Reader");
    expect((await ocr2Reader.readLatestConfigDigestAndEpoch(agg))[0]).to.equal(false);
    // EOAs read directly.
    expect(await feed.aggregator.latestRound()).to.equal(1n);
    expect(await feed.aggregator.connect(feed.stranger).description()).to.equal("ETH / USD");

    await expect(feed.aggregator.connect(feed.stranger).addAccess(await reader.getAddress())).to.be.revertedWith(
      "Only callable by owner",
    );
    await expect(feed.aggregator.addAccess(await reader.getAddress()))
      .to.emit(feed.aggregator, "AddedAccess")
      .withArgs(await reader.getAddress());
    for (const read of gated) await read();
    expect((await reader.readLatestRoundData(agg))[0]).to.equal(1n);
    await expect(feed.aggregator.removeAccess(await reader.getAddress())).to.emit(feed.aggregator, "RemovedAccess");
    await expect(reader.readLatestAnswer(agg)).to.be.revertedWith("No access");
    await expect(feed.aggregator.disableAccessCheck()).to.emit(feed.aggregator, "CheckAccessDisabled");
    expect(await reader.readLatestAnswer(agg)).to.equal(await feed.aggregator.latestAnswer());
    await expect(feed.aggregator.enableAccessCheck()).to.emit(feed.aggregator, "CheckAccessEnabled");
    expect(await feed.aggregator.hasAccess(await reader.getAddress(), "0x")).to.equal(false);
  });
});

describe("EACAggregatorProxy from OCR1 (phase 1) to OCR2 (phase 2)", function () {
  it("keeps phase-1 rounds readable and serves OCR2 rounds, startedAt and zeros above 2^32 in phase 2", async () => {
    const feed = await deployOcr2Feed(4, 1);
    const { ethers } = feed;

    // Phase 1: an OCR1 OffchainAggregator with its own committee, on the same chain.
    const phase1Feed = await deployFeed(feed.connection, {
      seed: "hardhat-ocr ocr2 proxy",
      minAnswer: 1n,
      maxAnswer: 10n ** 18n,
      description: "ETH / USD",
      accessControllers: false,
      linkFunding: 0n,
    });
    const ocr1 = phase1Feed.aggregator;
    await transmitAndWait(phase1Feed, { epoch: 1, round: 1, values: [1999n, 2000n, 2001n, 2002n].map((v) => v * 10n ** 8n) });
    const phase1 = await ocr1.latestRoundData();

    const readAccess = await ethers.deployContract("SimpleReadAccessController");
    const proxy = await ethers.deployContract("EACAggregatorProxy", [await ocr1.getAddress(), await readAccess.getAddress()]);
    expect((await proxy.latestRoundData())[0]).to.equal(proxyRoundId(1n, 1n));

    // Phase 2: the OCR2 aggregator.
    await (await proxy.proposeAggregator(feed.aggregatorAddress)).wait();
    await (await proxy.confirmAggregator(feed.aggregatorAddress)).wait();
    expect(await proxy.phaseId()).to.equal(2n);
    expect(await proxy.version()).to.equal(6n);
    const empty = proxyRoundId(2n, 0n);
    expect(await proxy.latestRoundData()).to.deep.equal([empty, 0n, 0n, 0n, empty]);
    await feed.transmit(1, 1, feed.reportOf([2100n, 2101n, 2102n, 2103n].map((v) => v * 10n ** 8n), 1_700_000_123));
    const latest = await proxy.latestRoundData();
    const id = proxyRoundId(2n, 1n);
    expect(latest[0]).to.equal(id);
    expect(latest[1]).to.equal(2102n * 10n ** 8n);
    expect(latest[2]).to.equal(1_700_000_123n); // startedAt: the observations timestamp
    expect(latest[3]).to.equal(await feed.aggregator.latestTimestamp());
    expect(latest[4]).to.equal(id);
    expect(await proxy.getRoundData(id)).to.deep.equal(latest);
    expect(await proxy.latestAnswer()).to.equal(2102n * 10n ** 8n);
    expect(await proxy.latestRound()).to.equal(id);
    // Phase 1 stays readable through the proxy.
    const old = await proxy.getRoundData(proxyRoundId(1n, 1n));
    expect(old[1]).to.equal(phase1.answer);
    expect(old[3]).to.equal(phase1.updatedAt);
    // The phase-2 aggregator answers zeros (no revert) for an aggregator id above 2^32 - 1, so the
    // proxy returns round 0 of phase 2 instead of reverting "No data present" as over OCR1.
    expect(await proxy.getRoundData(proxyRoundId(2n, 1n << 32n))).to.deep.equal([empty, 0n, 0n, 0n, empty]);
    await expect(proxy.getRoundData(proxyRoundId(1n, 1n << 32n))).to.be.revertedWith("No data present");
  });
});
