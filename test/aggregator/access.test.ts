/**
 * Ownership (two-step), the read allowlist of AccessControlledOffchainAggregator, the plain
 * access controllers, and requestNewRound (spec §1.8, §1.11).
 */
import { expect } from "chai";
import type { Contract, Signer } from "ethers";
import { network } from "hardhat";

import { bytesToHex } from "../../plugin/core/bytes.js";
import {
  type Connection,
  type Feed,
  currentConfigDigest,
  deployFeed,
  feedFixture,
  setConfig,
  transmitAndWait,
} from "../../testkit/feed-fixture.js";

const VALUES = [10n, 20n, 30n, 40n];

interface GatedFeed {
  feed: Feed;
  reader: Contract;
  readerAddress: string;
}

/** The 8 functions §1.11 gates, each called through AggregatorReader (msg.sender = the reader contract). */
function gatedReads(reader: Contract, agg: string): [string, () => Promise<unknown>][] {
  return [
    ["latestAnswer", () => reader.readLatestAnswer(agg)],
    ["latestTimestamp", () => reader.readLatestTimestamp(agg)],
    ["latestRound", () => reader.readLatestRound(agg)],
    ["getAnswer", () => reader.readGetAnswer(agg, 1n)],
    ["getTimestamp", () => reader.readGetTimestamp(agg, 1n)],
    ["description", () => reader.readDescription(agg)],
    ["getRoundData", () => reader.readGetRoundData(agg, 1n)],
    ["latestRoundData", () => reader.readLatestRoundData(agg)],
  ];
}

describe("OffchainAggregator ownership and access control", function () {
  let connection: Connection;
  before(async function () {
    connection = await network.create();
  });

  async function gatedFeed(c: Connection): Promise<GatedFeed> {
    const feed = await deployFeed(c, { accessControlled: true });
    await transmitAndWait(feed, { epoch: 1, round: 1, values: VALUES });
    const reader = (await c.ethers.deployContract("AggregatorReader")) as unknown as Contract;
    return { feed, reader, readerAddress: await reader.getAddress() };
  }
  const standardFeed = feedFixture();
  const feedWithoutControllers = feedFixture({ accessControllers: false });

  function as(contract: Contract, signer: Signer): Contract {
    return contract.connect(signer) as Contract;
  }

  describe("Owned (two-step ownership)", function () {
    it("transferOwnership is owner-only, emits OwnershipTransferRequested; acceptOwnership needs the proposed owner", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      const agg = feed.aggregator;
      const [stranger, next] = feed.strangers;
      const ownerAddress = await feed.owner.getAddress();
      const nextAddress = await next.getAddress();
      await expect(as(agg, stranger).transferOwnership(nextAddress)).to.be.revertedWith("Only callable by owner");
      await expect(agg.transferOwnership(nextAddress)).to.emit(agg, "OwnershipTransferRequested").withArgs(ownerAddress, nextAddress);
      // Nothing changes until the proposed owner accepts.
      expect(await agg.owner()).to.equal(ownerAddress);
      await expect(as(agg, stranger).acceptOwnership()).to.be.revertedWith("Must be proposed owner");
      await expect(as(agg, next).acceptOwnership()).to.emit(agg, "OwnershipTransferred").withArgs(ownerAddress, nextAddress);
      expect(await agg.owner()).to.equal(nextAddress);
      // The old owner lost its powers; the new owner has them.
      await expect(agg.setValidatorConfig(nextAddress, 1)).to.be.revertedWith("Only callable by owner");
      await expect(as(agg, next).setValidatorConfig(nextAddress, 1)).to.emit(agg, "ValidatorConfigSet");
      // A proposal is consumed by acceptance.
      await expect(as(agg, next).acceptOwnership()).to.be.revertedWith("Must be proposed owner");
    });

    it("owner-only administration reverts Only callable by owner for everyone else", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      const agg = as(feed.aggregator, feed.strangers[0]);
      const someone = await feed.strangers[1].getAddress();
      await expect(agg.setValidatorConfig(someone, 1)).to.be.revertedWith("Only callable by owner");
      await expect(agg.setRequesterAccessController(someone)).to.be.revertedWith("Only callable by owner");
      await expect(agg.setBillingAccessController(someone)).to.be.revertedWith("Only callable by owner");
      await expect(agg.setLinkToken(someone, someone)).to.be.revertedWith("Only callable by owner");
      await expect(agg.setPayees([someone], [someone])).to.be.revertedWith("Only callable by owner");
    });
  });

  describe("AccessControlledOffchainAggregator", function () {
    it("reports its own typeAndVersion and starts with the access check enabled", async function () {
      const { feed } = await connection.networkHelpers.loadFixture(gatedFeed);
      expect(await feed.aggregator.typeAndVersion()).to.equal("AccessControlledOffchainAggregator 4.0.0");
      expect(await feed.aggregator.checkEnabled()).to.equal(true);
    });

    it("gates exactly the 8 read functions for a contract caller: No access", async function () {
      const { feed, reader } = await connection.networkHelpers.loadFixture(gatedFeed);
      for (const [name, call] of gatedReads(reader, feed.address)) {
        await expect(call(), name).to.be.revertedWith("No access");
      }
    });

    it("decimals and latestConfigDetails stay open to contracts; latestTransmissionDetails says Only callable by EOA", async function () {
      const { feed, reader } = await connection.networkHelpers.loadFixture(gatedFeed);
      expect(await reader.readDecimals(feed.address)).to.equal(BigInt(feed.decimals));
      const [count, , digest] = await reader.readLatestConfigDetails(feed.address);
      expect(count).to.equal(1n);
      expect(digest).to.equal(bytesToHex(await currentConfigDigest(feed.aggregator)));
      await expect(reader.readLatestTransmissionDetails(feed.address)).to.be.revertedWith("Only callable by EOA");
      // AggregatorReader has no version() method; an EOA call shows at least that it is not broken.
      expect(await feed.aggregator.version()).to.equal(4n);
    });

    it("EOAs (and eth_call from any address) always pass: tx.origin rule", async function () {
      const { feed } = await connection.networkHelpers.loadFixture(gatedFeed);
      const agg = as(feed.aggregator, feed.strangers[3]);
      expect(await agg.latestAnswer()).to.equal(30n);
      expect(await agg.latestRound()).to.equal(1n);
      expect(await agg.description()).to.equal(feed.description);
      expect((await agg.latestRoundData())[1]).to.equal(30n);
      expect(await agg.hasAccess(await feed.strangers[3].getAddress(), "0x")).to.equal(true);
    });

    it("addAccess opens all 8 for that contract (AddedAccess once), removeAccess closes them (RemovedAccess once)", async function () {
      const { feed, reader, readerAddress } = await connection.networkHelpers.loadFixture(gatedFeed);
      const agg = feed.aggregator;
      expect(await agg.hasAccess(readerAddress, "0x")).to.equal(false);
      await expect(as(agg, feed.strangers[0]).addAccess(readerAddress)).to.be.revertedWith("Only callable by owner");
      await expect(agg.addAccess(readerAddress)).to.emit(agg, "AddedAccess").withArgs(readerAddress);
      await expect(agg.addAccess(readerAddress)).not.to.emit(agg, "AddedAccess");
      expect(await agg.hasAccess(readerAddress, "0x")).to.equal(true);
      expect(await reader.readLatestAnswer(feed.address)).to.equal(30n);
      expect(await reader.readDescription(feed.address)).to.equal(feed.description);
      expect((await reader.readLatestRoundData(feed.address))[1]).to.equal(30n);
      expect((await reader.readGetRoundData(feed.address, 1n))[1]).to.equal(30n);
      for (const [name, call] of gatedReads(reader, feed.address)) await call().catch((e) => expect.fail(`${name}: ${e}`));

      await expect(as(agg, feed.strangers[0]).removeAccess(readerAddress)).to.be.revertedWith("Only callable by owner");
      await expect(agg.removeAccess(readerAddress)).to.emit(agg, "RemovedAccess").withArgs(readerAddress);
      await expect(agg.removeAccess(readerAddress)).not.to.emit(agg, "RemovedAccess");
      await expect(reader.readLatestAnswer(feed.address)).to.be.revertedWith("No access");
    });

    it("disableAccessCheck opens everything; enableAccessCheck closes it again", async function () {
      const { feed, reader } = await connection.networkHelpers.loadFixture(gatedFeed);
      const agg = feed.aggregator;
      await expect(as(agg, feed.strangers[0]).disableAccessCheck()).to.be.revertedWith("Only callable by owner");
      await expect(agg.disableAccessCheck()).to.emit(agg, "CheckAccessDisabled");
      expect(await agg.checkEnabled()).to.equal(false);
      for (const [name, call] of gatedReads(reader, feed.address)) await call().catch((e) => expect.fail(`${name}: ${e}`));
      // Still EOA-only, whatever the allowlist says.
      await expect(reader.readLatestTransmissionDetails(feed.address)).to.be.revertedWith("Only callable by EOA");
      await expect(as(agg, feed.strangers[0]).enableAccessCheck()).to.be.revertedWith("Only callable by owner");
      await expect(agg.enableAccessCheck()).to.emit(agg, "CheckAccessEnabled");
      expect(await agg.checkEnabled()).to.equal(true);
      await expect(reader.readLatestRound(feed.address)).to.be.revertedWith("No access");
    });

    it("on the plain OffchainAggregator the same reads from a contract are open", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      await transmitAndWait(feed, { epoch: 1, round: 1, values: VALUES });
      const reader = (await feed.ethers.deployContract("AggregatorReader")) as unknown as Contract;
      expect(await reader.readLatestAnswer(feed.address)).to.equal(30n);
      expect(await reader.readLatestRound(feed.address)).to.equal(1n);
      await expect(reader.readLatestTransmissionDetails(feed.address)).to.be.revertedWith("Only callable by EOA");
    });
  });

  describe("SimpleWriteAccessController", function () {
    it("hasAccess = allowlisted || !checkEnabled, with no tx.origin exception", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      const ac = feed.billingAccessController!;
      const user = await feed.strangers[0].getAddress();
      expect(await ac.checkEnabled()).to.equal(true);
      expect(await as(ac, feed.strangers[0]).hasAccess(user, "0x")).to.equal(false);
      await expect(ac.addAccess(user)).to.emit(ac, "AddedAccess").withArgs(user);
      expect(await ac.hasAccess(user, "0x")).to.equal(true);
      await expect(ac.removeAccess(user)).to.emit(ac, "RemovedAccess").withArgs(user);
      expect(await ac.hasAccess(user, "0x")).to.equal(false);
      await expect(ac.disableAccessCheck()).to.emit(ac, "CheckAccessDisabled");
      expect(await ac.hasAccess(user, "0x")).to.equal(true);
      await expect(ac.enableAccessCheck()).to.emit(ac, "CheckAccessEnabled");
      expect(await ac.hasAccess(user, "0x")).to.equal(false);
      await expect(as(ac, feed.strangers[0]).addAccess(user)).to.be.revertedWith("Only callable by owner");
    });

    it("a disabled billing controller lets anyone set billing", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      await (await feed.billingAccessController!.disableAccessCheck()).wait();
      await expect(as(feed.aggregator, feed.strangers[0]).setBilling(1, 1, 1, 1, 1)).to.emit(feed.aggregator, "BillingSet");
    });
  });

  describe("requestNewRound", function () {
    it("owner: returns latestRound + 1, changes nothing, emits RoundRequested with the latest transmitted epoch/round", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      const agg = feed.aggregator;
      const owner = await feed.owner.getAddress();
      const digest = bytesToHex(await currentConfigDigest(agg));
      expect(await agg.requestNewRound.staticCall()).to.equal(1n);
      await expect(agg.requestNewRound()).to.emit(agg, "RoundRequested").withArgs(owner, digest, 0n, 0n);
      await transmitAndWait(feed, { epoch: 5, round: 3, values: VALUES });
      expect(await agg.requestNewRound.staticCall()).to.equal(2n);
      await expect(agg.requestNewRound()).to.emit(agg, "RoundRequested").withArgs(owner, digest, 5n, 3n);
      expect(await agg.latestRound()).to.equal(1n);
      const [, epoch, round] = await agg.latestTransmissionDetails();
      expect([epoch, round]).to.deep.equal([5n, 3n]);
    });

    it("after setConfig it carries the new digest and epoch/round 0", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      await transmitAndWait(feed, { epoch: 5, round: 3, values: VALUES });
      await setConfig(feed.aggregator, feed.oracles, 1);
      const digest = bytesToHex(await currentConfigDigest(feed.aggregator));
      await expect(feed.aggregator.requestNewRound())
        .to.emit(feed.aggregator, "RoundRequested")
        .withArgs(await feed.owner.getAddress(), digest, 0n, 0n);
    });

    it("a stranger -> Only owner&requester can call; an allowlisted requester (EOA or contract) may", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      const requester = feed.strangers[0];
      const requesterAddress = await requester.getAddress();
      await expect(as(feed.aggregator, requester).requestNewRound()).to.be.revertedWith("Only owner&requester can call");
      await (await feed.requesterAccessController!.addAccess(requesterAddress)).wait();
      await expect(as(feed.aggregator, requester).requestNewRound())
        .to.emit(feed.aggregator, "RoundRequested")
        .withArgs(requesterAddress, bytesToHex(await currentConfigDigest(feed.aggregator)), 0n, 0n);

      const reader = (await feed.ethers.deployContract("AggregatorReader")) as unknown as Contract;
      const readerAddress = await reader.getAddress();
      await expect(reader.requestNewRound(feed.address)).to.be.revertedWith("Only owner&requester can call");
      await (await feed.requesterAccessController!.addAccess(readerAddress)).wait();
      await expect(reader.requestNewRound(feed.address)).to.emit(feed.aggregator, "RoundRequested").withArgs(readerAddress, bytesToHex(await currentConfigDigest(feed.aggregator)), 0n, 0n);
    });

    it("with no requester controller a non-owner's call reverts without a reason", async function () {
      const feed = await connection.networkHelpers.loadFixture(feedWithoutControllers);
      await expect(as(feed.aggregator, feed.strangers[0]).requestNewRound()).to.be.revertedWithoutReason(feed.ethers);
      await expect(feed.aggregator.requestNewRound()).to.emit(feed.aggregator, "RoundRequested");
    });

    it("setRequesterAccessController emits only on change", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      const current = await feed.requesterAccessController!.getAddress();
      const next = await feed.strangers[5].getAddress();
      await expect(feed.aggregator.setRequesterAccessController(current)).not.to.emit(feed.aggregator, "RequesterAccessControllerSet");
      await expect(feed.aggregator.setRequesterAccessController(next))
        .to.emit(feed.aggregator, "RequesterAccessControllerSet")
        .withArgs(current, next);
      expect(await feed.aggregator.requesterAccessController()).to.equal(next);
    });
  });
});
