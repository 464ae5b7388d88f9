/**
 * OptimismSequencerUptimeFeed against the rules of Chainlink's OptimismSequencerUptimeFeed 1.0.0:
 * rounds, timestamps, events, the messenger and L1 sender checks, read access control and the
 * proxy's round ids. Messages arrive through the LocalOptimismMessenger stand-in.
 */
import { expect } from "chai";
import { type Contract, type Signer, getAddress, solidityPackedKeccak256 } from "ethers";
import { network } from "hardhat";

import { type Connection, PHASE_1, ZERO, abiSignatures, blockTimeOf, chainlinkAbi, deploy, latestBlockTime } from "./fixtures.js";

const L1_SENDER = getAddress("0x00000000000000000000000000000000000a11ce");
const STRANGER_L1 = getAddress("0x000000000000000000000000000000000000bad1");

describe("OptimismSequencerUptimeFeed", function () {
  let connection: Connection;
  let owner: Signer;
  let other: Signer;
  let messenger: Contract;
  let feed: Contract;
  let feedAddress: string;
  let deployedAt: bigint;

  /** updateStatus calldata relayed by `via` as a message from `l1Sender`. */
  const relay = (down: boolean, l1Time: bigint, l1Sender = L1_SENDER, via: Contract = messenger) =>
    via.relayMessage(feedAddress, l1Sender, feed.interface.encodeFunctionData("updateStatus", [down, l1Time]));

  before(async () => {
    connection = await network.create();
    [owner, other] = await connection.ethers.getSigners();
    messenger = await deploy(connection, "messenger");
    feed = await deploy(connection, "optimismFeed", [L1_SENDER, await messenger.getAddress(), false]);
    feedAddress = await feed.getAddress();
    deployedAt = await blockTimeOf(connection, feed.deploymentTransaction()!);
  });

  after(async () => connection.close());

  it("has Chainlink's ABI: every function, event and error of OptimismSequencerUptimeFeed 1.0.0, and no other", () => {
    expect(abiSignatures(feed.interface)).to.deep.equal(abiSignatures(chainlinkAbi("OptimismSequencerUptimeFeed")));
  });

  it("reports Chainlink's metadata: typeAndVersion, 0 decimals, description, version 1", async () => {
    expect(await feed.typeAndVersion()).to.equal("OptimismSequencerUptimeFeed 1.0.0");
    expect(await feed.decimals()).to.equal(0n);
    expect(await feed.description()).to.equal("L2 Sequencer Uptime Status Feed");
    expect(await feed.version()).to.equal(1n);
    expect(await feed.l1Sender()).to.equal(L1_SENDER);
  });

  it("records round 1 at deployment with the initial status, startedAt = updatedAt = deploy time", async () => {
    expect([...(await feed.latestRoundData())]).to.deep.equal([1n, 0n, deployedAt, deployedAt, 1n]);
    const tx = feed.deploymentTransaction()!;
    await expect(tx).to.emit(feed, "L1SenderTransferred").withArgs(ZERO, L1_SENDER);
    await expect(tx).to.emit(feed, "NewRound").withArgs(1n, await owner.getAddress(), deployedAt);
    await expect(tx).to.emit(feed, "AnswerUpdated").withArgs(0n, 1n, deployedAt);

    const startsDown = await deploy(connection, "optimismFeed", [L1_SENDER, await messenger.getAddress(), true]);
    const [roundId, answer] = await startsDown.latestRoundData();
    expect([roundId, answer]).to.deep.equal([1n, 1n]);
  });

  it("a change of status starts the next round: startedAt = the L1 time carried, updatedAt = the L2 block", async () => {
    const l1Time = (await latestBlockTime(connection)) + 5n;
    await connection.networkHelpers.time.setNextBlockTimestamp(l1Time + 20n);
    const tx = await relay(true, l1Time);
    const arrivedAt = await blockTimeOf(connection, tx);
    expect(arrivedAt).to.equal(l1Time + 20n);
    await expect(tx).to.emit(feed, "NewRound").withArgs(2n, await messenger.getAddress(), l1Time);
    await expect(tx).to.emit(feed, "AnswerUpdated").withArgs(1n, 2n, l1Time);
    expect([...(await feed.latestRoundData())]).to.deep.equal([2n, 1n, l1Time, arrivedAt, 2n]);
    expect([...(await feed.getRoundData(2n))]).to.deep.equal([2n, 1n, l1Time, arrivedAt, 2n]);
    expect(await feed.latestAnswer()).to.equal(1n);
    expect(await feed.latestTimestamp()).to.equal(l1Time);
    expect(await feed.latestRound()).to.equal(2n);
  });

  it("the same status again keeps the round and startedAt and moves only updatedAt (RoundUpdated)", async () => {
    const [, , startedAt] = await feed.latestRoundData();
    const tx = await relay(true, startedAt + 100n);
    const arrivedAt = await blockTimeOf(connection, tx);
    await expect(tx).to.emit(feed, "RoundUpdated").withArgs(1n, arrivedAt);
    await expect(tx).to.not.emit(feed, "NewRound");
    expect([...(await feed.latestRoundData())]).to.deep.equal([2n, 1n, startedAt, arrivedAt, 2n]);
    expect([...(await feed.getRoundData(2n))]).to.deep.equal([2n, 1n, startedAt, arrivedAt, 2n]);
  });

  it("a message older than the latest change is ignored (UpdateIgnored), whatever its status", async () => {
    const before = [...(await feed.latestRoundData())];
    const startedAt = before[2];
    for (const down of [false, true]) {
      const tx = await relay(down, startedAt - 1n);
      await expect(tx).to.emit(feed, "UpdateIgnored").withArgs(true, startedAt, down, startedAt - 1n);
      await expect(tx).to.not.emit(feed, "NewRound");
      await expect(tx).to.not.emit(feed, "RoundUpdated");
    }
    expect([...(await feed.latestRoundData())]).to.deep.equal(before);
  });

  it("a change carrying the same L1 time as the latest change is not older: it starts a new round", async () => {
    const [, , startedAt] = await feed.latestRoundData();
    const tx = await relay(false, startedAt);
    await expect(tx).to.emit(feed, "NewRound").withArgs(3n, await messenger.getAddress(), startedAt);
    const [roundId, answer, newStartedAt] = await feed.latestRoundData();
    expect([roundId, answer, newStartedAt]).to.deep.equal([3n, 0n, startedAt]);
  });

  it("keeps every round: getRoundData/getAnswer/getTimestamp of rounds 1..latest; NoDataPresent otherwise", async () => {
    expect((await feed.getRoundData(1n))[1]).to.equal(0n);
    expect(await feed.getAnswer(1n)).to.equal(0n);
    expect(await feed.getTimestamp(1n)).to.equal(deployedAt);
    expect(await feed.getAnswer(2n)).to.equal(1n);
    expect(await feed.getAnswer(3n)).to.equal(0n);
    for (const id of [0n, 4n, (1n << 80n) - 1n]) {
      await expect(feed.getRoundData(id)).to.be.revertedWithCustomError(feed, "NoDataPresent");
      await expect(feed.getAnswer(id)).to.be.revertedWithCustomError(feed, "NoDataPresent");
      await expect(feed.getTimestamp(id)).to.be.revertedWithCustomError(feed, "NoDataPresent");
    }
    await expect(feed.getAnswer(1n << 80n)).to.be.revertedWithCustomError(feed, "NoDataPresent");
    await expect(feed.getTimestamp((1n << 80n) + 1n)).to.be.revertedWithCustomError(feed, "NoDataPresent");
  });

  it("keeps Chainlink's storage layout: l1Sender in slot 3, the packed latest round in slot 4, rounds in the mapping at slot 5", async () => {
    const provider = connection.ethers.provider;
    const word = async (slot: bigint) => BigInt(await provider.getStorage(feedAddress, slot));
    const [roundId, answer, startedAt, updatedAt] = await feed.latestRoundData();
    expect(await word(3n)).to.equal(BigInt(await feed.l1Sender()));
    // FeedState { uint80 latestRoundId; bool latestStatus; uint64 startedAt; uint64 updatedAt }
    expect(await word(4n)).to.equal(roundId | (answer << 80n) | (startedAt << 88n) | (updatedAt << 152n));
    // Round { bool status; uint64 startedAt; uint64 updatedAt } at keccak256(roundId . 5)
    const roundSlot = BigInt(solidityPackedKeccak256(["uint256", "uint256"], [roundId, 5n]));
    expect(await word(roundSlot)).to.equal(answer | (startedAt << 8n) | (updatedAt << 72n));
  });

  describe("who may update the status", () => {
    it("a direct call, even from the owner, reverts InvalidSender", async () => {
      const now = await latestBlockTime(connection);
      await expect(feed.updateStatus(true, now)).to.be.revertedWithCustomError(feed, "InvalidSender");
      await expect((feed.connect(other) as Contract).updateStatus(true, now)).to.be.revertedWithCustomError(feed, "InvalidSender");
    });

    it("the messenger relaying a message from another L1 address reverts InvalidSender", async () => {
      await expect(relay(true, await latestBlockTime(connection), STRANGER_L1)).to.be.revertedWithCustomError(feed, "InvalidSender");
    });

    it("another messenger relaying from the right L1 sender reverts InvalidSender", async () => {
      const otherMessenger = await deploy(connection, "messenger");
      await expect(relay(true, await latestBlockTime(connection), L1_SENDER, otherMessenger)).to.be.revertedWithCustomError(feed, "InvalidSender");
    });

    it("the messenger stand-in answers xDomainMessageSender only while relaying", async () => {
      await expect(messenger.xDomainMessageSender()).to.be.revertedWith("xDomainMessageSender is not set");
    });

    it("transferL1Sender: owner only; afterwards only the new L1 sender is accepted; address 0 stops updates", async () => {
      await expect((feed.connect(other) as Contract).transferL1Sender(STRANGER_L1)).to.be.revertedWith("Only callable by owner");
      await expect(feed.transferL1Sender(STRANGER_L1)).to.emit(feed, "L1SenderTransferred").withArgs(L1_SENDER, STRANGER_L1);
      await expect(feed.transferL1Sender(STRANGER_L1)).to.not.emit(feed, "L1SenderTransferred");
      const now = await latestBlockTime(connection);
      await expect(relay(true, now)).to.be.revertedWithCustomError(feed, "InvalidSender");
      await expect(relay(true, now, STRANGER_L1)).to.emit(feed, "NewRound");
      await feed.transferL1Sender(ZERO);
      for (const sender of [L1_SENDER, STRANGER_L1]) {
        await expect(relay(false, now + 10n, sender)).to.be.revertedWithCustomError(feed, "InvalidSender");
      }
      await expect(relay(false, now + 10n, ZERO)).to.be.revertedWith("No L1 message comes from address 0");
      await feed.transferL1Sender(L1_SENDER);
    });
  });

  describe("who may read", () => {
    let reader: Contract;
    let readerAddress: string;
    before(async () => {
      reader = await deploy(connection, "reader");
      readerAddress = await reader.getAddress();
    });

    it("people (eth_call from an externally owned account) always may", async () => {
      expect((await (feed.connect(other) as Contract).latestRoundData())[0]).to.be.greaterThan(0n);
    });

    it("a contract not on the allowlist gets 'No access' on every answer-bearing read; metadata stays open", async () => {
      for (const read of [
        () => reader.readLatestRoundData(feedAddress),
        () => reader.readGetRoundData(feedAddress, 1n),
        () => reader.readLatestAnswer(feedAddress),
        () => reader.readLatestTimestamp(feedAddress),
        () => reader.readLatestRound(feedAddress),
        () => reader.readGetAnswer(feedAddress, 1n),
        () => reader.readGetTimestamp(feedAddress, 1n),
      ]) {
        await expect(read()).to.be.revertedWith("No access");
      }
      expect(await reader.readDescription(feedAddress)).to.equal("L2 Sequencer Uptime Status Feed");
      expect(await reader.readDecimals(feedAddress)).to.equal(0n);
    });

    it("addAccess lets it read, removeAccess takes it back; disableAccessCheck opens reads to all (owner only)", async () => {
      await expect((feed.connect(other) as Contract).addAccess(readerAddress)).to.be.revertedWith("Only callable by owner");
      await feed.addAccess(readerAddress);
      expect((await reader.readLatestRoundData(feedAddress))[0]).to.equal(await feed.latestRound());
      await feed.removeAccess(readerAddress);
      await expect(reader.readLatestRoundData(feedAddress)).to.be.revertedWith("No access");
      await feed.disableAccessCheck();
      expect(await reader.readLatestAnswer(feedAddress)).to.equal(await feed.latestAnswer());
      await feed.enableAccessCheck();
      await expect(reader.readLatestAnswer(feedAddress)).to.be.revertedWith("No access");
    });

    it("behind an EACAggregatorProxy on the allowlist, contracts read through the proxy with phase-encoded round ids", async () => {
      const proxy = await deploy(connection, "proxy", [feedAddress, ZERO]);
      const proxyAddress = await proxy.getAddress();
      await expect(reader.readLatestRoundData(proxyAddress)).to.be.revertedWith("No access");
      await feed.addAccess(proxyAddress);
      const direct = [...(await feed.latestRoundData())];
      const viaProxy = [...(await reader.readLatestRoundData(proxyAddress))];
      expect(viaProxy).to.deep.equal([PHASE_1 + direct[0], direct[1], direct[2], direct[3], PHASE_1 + direct[4]]);
      expect([...(await reader.readGetRoundData(proxyAddress, PHASE_1 + 2n))]).to.deep.equal([PHASE_1 + 2n, ...[...(await feed.getRoundData(2n))].slice(1, 4), PHASE_1 + 2n]);
      expect(await reader.readLatestRound(proxyAddress)).to.equal(PHASE_1 + direct[0]);
      expect(await reader.readGetAnswer(proxyAddress, PHASE_1 + 2n)).to.equal(1n);
      // A round the feed never recorded: its NoDataPresent comes through the proxy.
      await expect(reader.readGetRoundData(proxyAddress, PHASE_1 + 99n)).to.be.revertedWithCustomError(feed, "NoDataPresent");
    });
  });
});
