/**
 * End to end: two real OffchainAggregators, each configured with a 4-oracle committee (f = 1) and
 * fed by reports signed with real secp256k1 keys, behind one EACAggregatorProxy that is upgraded
 * from the first to the second. Checks the round ids, answers and timestamps a consumer sees.
 */
import { expect } from "chai";
import { network } from "hardhat";

import { reportMedian } from "../../plugin/core/report.js";
import { type Feed, deployFeed, observationsFromValues, transmitAndWait } from "../../testkit/feed-fixture.js";
import { proxyRoundId } from "./phase-ids.js";

const DECIMALS = 8;
const DESCRIPTION = "ETH / USD";

const connection = await network.create();
const { ethers } = connection;

/** An OffchainAggregator with its own 4-oracle committee (f = 1), configured; no LINK moves here. */
function deployConfiguredAggregator(name: string): Promise<Feed> {
  return deployFeed(connection, {
    seed: `hardhat-ocr proxy e2e/${name}`,
    minAnswer: 1n,
    maxAnswer: 10n ** 18n,
    decimals: DECIMALS,
    description: DESCRIPTION,
    accessControllers: false,
    linkFunding: 0n,
  });
}

/**
 * Have the committee report `values` (oracle i observed values[i]) for (epoch, round), signed by
 * f + 1 oracles and sent from oracle 0's transmitter. Returns the median and the block timestamp
 * the aggregator stored.
 */
async function report(feed: Feed, epoch: number, round: number, values: readonly bigint[]) {
  const { receipt } = await transmitAndWait(feed, { epoch, round, values });
  const block = await ethers.provider.getBlock(receipt.blockNumber);
  const median = reportMedian(observationsFromValues(values).map((o) => o.value));
  return { median, timestamp: BigInt(block!.timestamp) };
}

describe("EACAggregatorProxy over two real OffchainAggregators", function () {
  it("phase-encodes round ids across an upgrade and keeps old phases readable", async function () {
    const [owner] = await ethers.getSigners();
    // No LINK moves here (the first setConfig has no earlier oracles to pay; transmit only accrues
    // what is owed), but each aggregator gets the real token all the same.
    const first = await deployConfiguredAggregator("first");
    const second = await deployConfiguredAggregator("second");
    // The pairing deployed feeds use: EOAs (and so eth_calls) always pass, contracts need an entry.
    const readAccess = await ethers.deployContract("SimpleReadAccessController");
    const proxy = await ethers.deployContract("EACAggregatorProxy", [
      await first.aggregator.getAddress(),
      await readAccess.getAddress(),
    ]);
    const reader = await ethers.deployContract("ProxyReader", [await proxy.getAddress()]);
    await expect(reader.readLatestRoundData()).to.be.revertedWith("No access");
    await (await readAccess.addAccess(await reader.getAddress())).wait();

    expect(await proxy.decimals()).to.equal(BigInt(DECIMALS));
    expect(await proxy.description()).to.equal(DESCRIPTION);
    expect(await proxy.version()).to.equal(4n);

    // Before any report an OffchainAggregator returns zeros; the proxy adds phase 1.
    const emptyPhase1 = proxyRoundId(1n, 0n);
    expect(await proxy.latestRoundData()).to.deep.equal([emptyPhase1, 0n, 0n, 0n, emptyPhase1]);
    expect(await proxy.latestRound()).to.equal(emptyPhase1);

    // Phase 1: three reports on the first aggregator.
    const phase1 = [
      await report(first, 1, 1, [2000_00000000n, 2001_00000000n, 1999_00000000n, 2002_00000000n]),
      await report(first, 1, 2, [2010_00000000n, 2011_00000000n, 2009_00000000n, 2012_00000000n]),
      await report(first, 2, 1, [1990_00000000n, 1991_00000000n, 1989_00000000n, 1992_00000000n]),
    ];
    // For n = 4 the median is the upper middle value of the sorted observations.
    expect(phase1.map((r) => r.median)).to.deep.equal([2001_00000000n, 2011_00000000n, 1991_00000000n]);
    for (const [i, { median, timestamp }] of phase1.entries()) {
      const id = proxyRoundId(1n, BigInt(i + 1));
      expect(id).to.equal((1n << 64n) + BigInt(i + 1));
      expect(await proxy.getRoundData(id)).to.deep.equal([id, median, timestamp, timestamp, id]);
    }
    const lastPhase1 = proxyRoundId(1n, 3n);
    expect(await proxy.latestRound()).to.equal(lastPhase1);
    expect(await proxy.latestRoundData()).to.deep.equal([
      lastPhase1,
      phase1[2].median,
      phase1[2].timestamp,
      phase1[2].timestamp,
      lastPhase1,
    ]);
    expect((await reader.readLatestRoundData())[0]).to.equal(lastPhase1);

    // Upgrade. Until confirmed, consumers still read the first aggregator; the proposal can be
    // inspected with its own (phase-less) ids.
    const secondAddress = await second.aggregator.getAddress();
    await (await proxy.connect(owner).proposeAggregator(secondAddress)).wait();
    expect(await proxy.proposedLatestRoundData()).to.deep.equal([0n, 0n, 0n, 0n, 0n]);
    expect(await proxy.latestRound()).to.equal(lastPhase1);
    await (await proxy.connect(owner).confirmAggregator(secondAddress)).wait();
    expect(await proxy.phaseId()).to.equal(2n);
    expect(await proxy.aggregator()).to.equal(secondAddress);

    // The new aggregator has not reported yet: zeros, under phase 2.
    const emptyPhase2 = proxyRoundId(2n, 0n);
    expect(await proxy.latestRoundData()).to.deep.equal([emptyPhase2, 0n, 0n, 0n, emptyPhase2]);
    expect(await proxy.latestRound()).to.equal(emptyPhase2);
    expect(await proxy.latestAnswer()).to.equal(0n);
    expect(await proxy.latestTimestamp()).to.equal(0n);

    // Phase 2: reports on the second aggregator continue the id sequence above phase 1's.
    const phase2 = [
      await report(second, 1, 1, [2100_00000000n, 2101_00000000n, 2099_00000000n, 2102_00000000n]),
      await report(second, 1, 2, [2110_00000000n, 2111_00000000n, 2109_00000000n, 2112_00000000n]),
    ];
    for (const [i, { median, timestamp }] of phase2.entries()) {
      const id = proxyRoundId(2n, BigInt(i + 1));
      expect(id).to.equal((2n << 64n) + BigInt(i + 1));
      expect(await proxy.getRoundData(id)).to.deep.equal([id, median, timestamp, timestamp, id]);
    }
    const lastPhase2 = proxyRoundId(2n, 2n);
    expect(lastPhase2 > lastPhase1).to.equal(true);
    expect(await proxy.latestRound()).to.equal(lastPhase2);
    expect(await proxy.latestAnswer()).to.equal(phase2[1].median);
    expect(await proxy.latestTimestamp()).to.equal(phase2[1].timestamp);
    expect((await reader.readLatestRoundData())[0]).to.equal(lastPhase2);

    // Old-phase ids still read the first aggregator, through every getter.
    for (const [i, { median, timestamp }] of phase1.entries()) {
      const id = proxyRoundId(1n, BigInt(i + 1));
      expect(await proxy.getRoundData(id)).to.deep.equal([id, median, timestamp, timestamp, id]);
      expect(await proxy.getAnswer(id)).to.equal(median);
      expect(await proxy.getTimestamp(id)).to.equal(timestamp);
    }

    // What each aggregator does with ids it does not know is passed through unchanged: zeros for
    // a round not reported yet, `No data present` above 2^32 - 1, and 0 from the V2 getters.
    const unknown = proxyRoundId(2n, 9n);
    expect(await proxy.getRoundData(unknown)).to.deep.equal([unknown, 0n, 0n, 0n, unknown]);
    await expect(proxy.getRoundData(proxyRoundId(1n, 1n << 32n))).to.be.revertedWith("No data present");
    expect(await proxy.getAnswer(proxyRoundId(1n, 1n << 32n))).to.equal(0n);
    // A phase that never existed: 0 from the V2 getters, a reasonless revert from getRoundData.
    expect(await proxy.getAnswer(proxyRoundId(3n, 1n))).to.equal(0n);
    await expect(proxy.getRoundData(proxyRoundId(3n, 1n))).to.be.revertedWithoutReason(ethers);

    // Taking the consumer contract off the list closes the proxy to it again.
    await (await readAccess.removeAccess(await reader.getAddress())).wait();
    await expect(reader.readLatestAnswer()).to.be.revertedWith("No access");
    expect(await proxy.latestAnswer()).to.equal(phase2[1].median);
  });
});
