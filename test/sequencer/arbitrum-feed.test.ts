/**
 * ArbitrumSequencerUptimeFeed and Flags against the rules of Chainlink's
 * ArbitrumSequencerUptimeFeed 1.0.0 and Flags 1.1.0: initialization from the flag, aliased L1
 * sender, rounds only on a change, zeros for unknown rounds, the flag raised and lowered, read
 * access control. Messages arrive through the LocalArbitrumBridge stand-in, and (to check the
 * alias rule for any L1 address) from impersonated aliased addresses.
 */
import { expect } from "chai";
import { type Contract, type Signer, getAddress, id, solidityPackedKeccak256 } from "ethers";
import { network } from "hardhat";

import { applyL1ToL2Alias, undoL1ToL2Alias } from "../../plugin/sequencer/contracts.js";
import {
  ALIAS_OFFSET,
  type Connection,
  PHASE_1,
  ZERO,
  abiSignatures,
  blockTimeOf,
  chainlinkAbi,
  deploy,
  latestBlockTime,
} from "./fixtures.js";

/** The flag address: the low 20 bytes of keccak256("chainlink.flags.arbitrum-seq-offline") - 1. */
const FLAG_L2_SEQ_OFFLINE = getAddress("0x" + (BigInt(id("chainlink.flags.arbitrum-seq-offline")) - 1n).toString(16).padStart(64, "0").slice(0, 40));

const asAddress = (value: bigint) => getAddress("0x" + value.toString(16).padStart(40, "0"));

interface ArbitrumSetup {
  bridge: Contract;
  flags: Contract;
  flagWriters: Contract;
  feed: Contract;
  feedAddress: string;
  l1Sender: string;
}

/** Bridge stand-in, flag writers, Flags, the feed; the feed allowed to read and write flags; not initialized. */
async function deployArbitrum(connection: Connection): Promise<ArbitrumSetup> {
  const bridge = await deploy(connection, "arbitrumBridge");
  const l1Sender = await bridge.l1Sender();
  const flagWriters = await deploy(connection, "writeAccessController");
  const flags = await deploy(connection, "flags", [await flagWriters.getAddress(), await flagWriters.getAddress()]);
  const feed = await deploy(connection, "arbitrumFeed", [await flags.getAddress(), l1Sender]);
  const feedAddress = await feed.getAddress();
  await flagWriters.addAccess(feedAddress);
  await flags.addAccess(feedAddress);
  return { bridge, flags, flagWriters, feed, feedAddress, l1Sender };
}

describe("ArbitrumSequencerUptimeFeed", function () {
  let connection: Connection;
  let owner: Signer;
  let other: Signer;
  let s: ArbitrumSetup;

  const deliver = (down: boolean, l1Time: bigint, via: Contract = s.bridge) =>
    via.deliver(s.feedAddress, s.feed.interface.encodeFunctionData("updateStatus", [down, l1Time]));

  before(async () => {
    connection = await network.create();
    [owner, other] = await connection.ethers.getSigners();
    s = await deployArbitrum(connection);
  });

  after(async () => connection.close());

  it("has Chainlink's ABI: every function, event and error of ArbitrumSequencerUptimeFeed 1.0.0, and no other", () => {
    expect(abiSignatures(s.feed.interface)).to.deep.equal(abiSignatures(chainlinkAbi("ArbitrumSequencerUptimeFeed")));
  });

  it("reports Chainlink's metadata, flag address and Flags contract", async () => {
    expect(await s.feed.typeAndVersion()).to.equal("ArbitrumSequencerUptimeFeed 1.0.0");
    expect(await s.feed.decimals()).to.equal(0n);
    expect(await s.feed.description()).to.equal("L2 Sequencer Uptime Status Feed");
    expect(await s.feed.version()).to.equal(1n);
    expect(await s.feed.FLAG_L2_SEQ_OFFLINE()).to.equal(FLAG_L2_SEQ_OFFLINE);
    expect(await s.feed.FLAGS()).to.equal(await s.flags.getAddress());
    expect(await s.flags.typeAndVersion()).to.equal("Flags 1.1.0");
  });

  it("before initialize() every read and update reverts Uninitialized", async () => {
    for (const read of [
      () => s.feed.latestRoundData(),
      () => s.feed.getRoundData(1n),
      () => s.feed.latestAnswer(),
      () => s.feed.latestTimestamp(),
      () => s.feed.latestRound(),
      () => s.feed.getAnswer(1n),
      () => s.feed.getTimestamp(1n),
    ]) {
      await expect(read()).to.be.revertedWithCustomError(s.feed, "Uninitialized");
    }
    // Checked before the sender: even the right sender cannot update yet.
    await expect(deliver(true, await latestBlockTime(connection))).to.be.revertedWithCustomError(s.feed, "Uninitialized");
  });

  it("initialize(): owner only, once; round 1 takes the current flag at this block's time", async () => {
    await expect((s.feed.connect(other) as Contract).initialize()).to.be.revertedWith("Only callable by owner");
    const tx = await s.feed.initialize();
    const at = await blockTimeOf(connection, tx);
    await expect(tx).to.emit(s.feed, "Initialized");
    await expect(tx).to.emit(s.feed, "NewRound").withArgs(1n, await owner.getAddress(), at);
    await expect(tx).to.emit(s.feed, "AnswerUpdated").withArgs(0n, 1n, at);
    expect([...(await s.feed.latestRoundData())]).to.deep.equal([1n, 0n, at, at, 1n]);
    await expect(s.feed.initialize()).to.be.revertedWithCustomError(s.feed, "AlreadyInitialized");

    // With the flag already raised, round 1 says "down".
    const raised = await deployArbitrum(connection);
    await raised.flags.raiseFlag(FLAG_L2_SEQ_OFFLINE);
    await raised.feed.initialize();
    expect((await raised.feed.latestRoundData())[1]).to.equal(1n);
  });

  it("initialize() needs read access to Flags (it is a contract caller there)", async () => {
    const unlisted = await deployArbitrum(connection);
    await unlisted.flags.removeAccess(unlisted.feedAddress);
    await expect(unlisted.feed.initialize()).to.be.revertedWith("No access");
  });

  it("a change starts the next round with startedAt = updatedAt = the L1 time, and raises the flag", async () => {
    const l1Time = (await latestBlockTime(connection)) + 5n;
    await connection.networkHelpers.time.setNextBlockTimestamp(l1Time + 60n);
    const tx = await deliver(true, l1Time);
    await expect(tx).to.emit(s.feed, "NewRound").withArgs(2n, await s.bridge.getAddress(), l1Time);
    await expect(tx).to.emit(s.feed, "AnswerUpdated").withArgs(1n, 2n, l1Time);
    await expect(tx).to.emit(s.flags, "FlagRaised").withArgs(FLAG_L2_SEQ_OFFLINE);
    expect([...(await s.feed.latestRoundData())]).to.deep.equal([2n, 1n, l1Time, l1Time, 2n]);
    expect(await s.flags.getFlag(FLAG_L2_SEQ_OFFLINE)).to.equal(true);
  });

  it("the same status again is ignored (UpdateIgnored): no round, no timestamp change", async () => {
    const before = [...(await s.feed.latestRoundData())];
    const tx = await deliver(true, before[2] + 100n);
    await expect(tx).to.emit(s.feed, "UpdateIgnored").withArgs(true, before[2], true, before[2] + 100n);
    await expect(tx).to.not.emit(s.feed, "NewRound");
    expect([...(await s.feed.latestRoundData())]).to.deep.equal(before);
  });

  it("a message older than the latest change is ignored (UpdateIgnored)", async () => {
    const before = [...(await s.feed.latestRoundData())];
    const tx = await deliver(false, before[2] - 1n);
    await expect(tx).to.emit(s.feed, "UpdateIgnored").withArgs(true, before[2], false, before[2] - 1n);
    expect([...(await s.feed.latestRoundData())]).to.deep.equal(before);
    expect(await s.flags.getFlag(FLAG_L2_SEQ_OFFLINE)).to.equal(true);
  });

  it("back up: round 3, the flag lowered", async () => {
    const l1Time = (await latestBlockTime(connection)) + 1n;
    const tx = await deliver(false, l1Time);
    await expect(tx).to.emit(s.flags, "FlagLowered").withArgs(FLAG_L2_SEQ_OFFLINE);
    expect([...(await s.feed.latestRoundData())]).to.deep.equal([3n, 0n, l1Time, l1Time, 3n]);
    expect(await s.flags.getFlag(FLAG_L2_SEQ_OFFLINE)).to.equal(false);
  });

  it("a round never recorded reads as zeros (no revert); getAnswer/getTimestamp return 0", async () => {
    for (const roundId of [0n, 4n, 1000n]) {
      expect([...(await s.feed.getRoundData(roundId))]).to.deep.equal([roundId, 0n, 0n, 0n, roundId]);
      expect(await s.feed.getAnswer(roundId)).to.equal(0n);
      expect(await s.feed.getTimestamp(roundId)).to.equal(0n);
    }
    expect(await s.feed.getAnswer(1n << 80n)).to.equal(0n);
    expect(await s.feed.getAnswer(2n)).to.equal(1n);
    expect(await s.feed.latestRound()).to.equal(3n);
  });

  it("keeps Chainlink's storage layout: l1Sender in slot 3, the packed latest round in slot 4, rounds in the mapping at slot 5", async () => {
    const word = async (slot: bigint) => BigInt(await connection.ethers.provider.getStorage(s.feedAddress, slot));
    const [roundId, answer, timestamp] = await s.feed.latestRoundData();
    expect(await word(3n)).to.equal(BigInt(s.l1Sender));
    // FeedState { uint80 latestRoundId; bool latestStatus; uint64 latestTimestamp }
    expect(await word(4n)).to.equal(roundId | (answer << 80n) | (timestamp << 88n));
    // Round { bool status; uint64 timestamp } at keccak256(roundId . 5)
    expect(await word(BigInt(solidityPackedKeccak256(["uint256", "uint256"], [roundId, 5n])))).to.equal(answer | (timestamp << 8n));
  });

  describe("who may update the status", () => {
    it("the bridge stand-in's address is the alias of its L1 sender", async () => {
      const bridgeAddress = await s.bridge.getAddress();
      expect(await s.feed.aliasedL1MessageSender()).to.equal(bridgeAddress);
      expect(BigInt(bridgeAddress)).to.equal((BigInt(s.l1Sender) + ALIAS_OFFSET) % (1n << 160n));
      expect(asAddress(undoL1ToL2Alias(bridgeAddress))).to.equal(s.l1Sender);
    });

    it("the L1 sender's own address, the owner, or another bridge (another L1 sender) revert InvalidSender", async () => {
      const now = await latestBlockTime(connection);
      await expect(s.feed.updateStatus(true, now)).to.be.revertedWithCustomError(s.feed, "InvalidSender");
      await connection.networkHelpers.impersonateAccount(s.l1Sender);
      await connection.networkHelpers.setBalance(s.l1Sender, 10n ** 18n);
      const l1SenderItself = await connection.ethers.getSigner(s.l1Sender);
      await expect((s.feed.connect(l1SenderItself) as Contract).updateStatus(true, now)).to.be.revertedWithCustomError(s.feed, "InvalidSender");
      const otherBridge = await deploy(connection, "arbitrumBridge");
      await expect(deliver(true, now, otherBridge)).to.be.revertedWithCustomError(s.feed, "InvalidSender");
    });

    it("any L1 sender is accepted from exactly its aliased address, including aliases that wrap past 2^160", async () => {
      for (const l1 of [getAddress("0x00000000000000000000000000000000000a11ce"), getAddress("0xffffffffffffffffffffffffffffffffffffff00")]) {
        await s.feed.transferL1Sender(l1);
        const aliased = asAddress(applyL1ToL2Alias(l1));
        expect(await s.feed.aliasedL1MessageSender()).to.equal(aliased);
        await connection.networkHelpers.impersonateAccount(aliased);
        await connection.networkHelpers.setBalance(aliased, 10n ** 18n);
        const signer = await connection.ethers.getSigner(aliased);
        const [, answer, startedAt] = await s.feed.latestRoundData();
        await expect((s.feed.connect(signer) as Contract).updateStatus(answer === 0n, startedAt + 1n)).to.emit(s.feed, "NewRound");
      }
      // The alias wraps modulo 2^160, as Arbitrum's AddressAliasHelper does in unchecked arithmetic.
      expect(asAddress(applyL1ToL2Alias("0xffffffffffffffffffffffffffffffffffffff00"))).to.equal(
        asAddress(0xffffffffffffffffffffffffffffffffffffff00n + ALIAS_OFFSET - (1n << 160n)),
      );
      await expect(deliver(true, await latestBlockTime(connection))).to.be.revertedWithCustomError(s.feed, "InvalidSender");
      await expect((s.feed.connect(other) as Contract).transferL1Sender(s.l1Sender)).to.be.revertedWith("Only callable by owner");
      await expect(s.feed.transferL1Sender(s.l1Sender)).to.emit(s.feed, "L1SenderTransferred");
    });

    it("without permission on Flags the feed cannot record a change (the flag update reverts the message)", async () => {
      await s.flagWriters.removeAccess(s.feedAddress);
      const [, answer, startedAt] = await s.feed.latestRoundData();
      await expect(deliver(answer === 0n, startedAt + 1n)).to.be.revertedWith(answer === 0n ? "Not allowed to raise flags" : "Not allowed to lower flags");
      await s.flagWriters.addAccess(s.feedAddress);
    });
  });

  describe("who may read", () => {
    it("contracts need the allowlist (the proxy is on it); people always may", async () => {
      const reader = await deploy(connection, "reader");
      await expect(reader.readLatestRoundData(s.feedAddress)).to.be.revertedWith("No access");
      expect((await (s.feed.connect(other) as Contract).latestRoundData())[0]).to.be.greaterThan(0n);
      const proxy = await deploy(connection, "proxy", [s.feedAddress, ZERO]);
      const proxyAddress = await proxy.getAddress();
      await s.feed.addAccess(proxyAddress);
      const direct = [...(await s.feed.latestRoundData())];
      expect([...(await reader.readLatestRoundData(proxyAddress))]).to.deep.equal([PHASE_1 + direct[0], direct[1], direct[2], direct[3], PHASE_1 + direct[4]]);
      // Unknown rounds read as zeros through the proxy too, with the phase added to the id.
      expect([...(await reader.readGetRoundData(proxyAddress, PHASE_1 + 999n))]).to.deep.equal([PHASE_1 + 999n, 0n, 0n, 0n, PHASE_1 + 999n]);
    });
  });
});

describe("Flags", function () {
  let connection: Connection;
  let other: Signer;
  let flags: Contract;
  let writers: Contract;
  const subject = getAddress("0x00000000000000000000000000000000000f1a95");

  before(async () => {
    connection = await network.create();
    [, other] = await connection.ethers.getSigners();
    writers = await deploy(connection, "writeAccessController");
    flags = await deploy(connection, "flags", [await writers.getAddress(), await writers.getAddress()]);
  });

  after(async () => connection.close());

  it("only the owner and allowed callers raise and lower flags; events only on change", async () => {
    const asOther = flags.connect(other) as Contract;
    await expect(asOther.raiseFlag(subject)).to.be.revertedWith("Not allowed to raise flags");
    await expect(asOther.lowerFlag(subject)).to.be.revertedWith("Not allowed to lower flags");
    await expect(asOther.raiseFlags([subject])).to.be.revertedWith("Not allowed to raise flags");
    await expect(asOther.lowerFlags([subject])).to.be.revertedWith("Not allowed to lower flags");
    await expect(flags.raiseFlag(subject)).to.emit(flags, "FlagRaised").withArgs(subject);
    await expect(flags.raiseFlag(subject)).to.not.emit(flags, "FlagRaised");
    expect([...(await flags.getFlags([subject, ZERO]))]).to.deep.equal([true, false]);
    await writers.addAccess(await other.getAddress());
    await expect(asOther.lowerFlags([subject])).to.emit(flags, "FlagLowered").withArgs(subject);
    expect(await flags.getFlag(subject)).to.equal(false);
  });

  it("controllers are set by the owner only, with events", async () => {
    await expect((flags.connect(other) as Contract).setRaisingAccessController(ZERO)).to.be.revertedWith("Only callable by owner");
    const replacement = await deploy(connection, "writeAccessController");
    await expect(flags.setLoweringAccessController(await replacement.getAddress()))
      .to.emit(flags, "LoweringAccessControllerUpdated")
      .withArgs(await writers.getAddress(), await replacement.getAddress());
    expect(await flags.loweringAccessController()).to.equal(await replacement.getAddress());
    await expect(flags.setRaisingAccessController(await replacement.getAddress())).to.emit(flags, "RaisingAccessControllerUpdated");
  });
});
