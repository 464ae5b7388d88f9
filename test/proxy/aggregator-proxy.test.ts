import { expect } from "chai";
import { network } from "hardhat";

import { AGGREGATOR_PROXY_FUNCTIONS } from "./chainlink-abi.js";
import { MAX_PROXY_ROUND_ID, proxyRoundId, splitProxyRoundId } from "./phase-ids.js";

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

const connection = await network.create();

async function deployFixture() {
  const { ethers } = connection;
  const [owner, stranger, newOwner] = await ethers.getSigners();
  const first = await ethers.deployContract("TestAggregator", [8, "ETH / USD", 4]);
  const second = await ethers.deployContract("TestAggregator", [18, "ETH / USD v2", 6]);
  const proxy = await ethers.deployContract("AggregatorProxy", [await first.getAddress()]);
  return { ethers, owner, stranger, newOwner, first, second, proxy };
}

type Fixture = Awaited<ReturnType<typeof deployFixture>>;

/** Propose and confirm `next` as the owner, returning the new phase id. */
async function upgradeTo(fx: Fixture, next: { getAddress(): Promise<string> }): Promise<bigint> {
  const address = await next.getAddress();
  await (await fx.proxy.proposeAggregator(address)).wait();
  await (await fx.proxy.confirmAggregator(address)).wait();
  return fx.proxy.phaseId();
}

describe("AggregatorProxy", function () {
  let fx: Fixture;
  beforeEach(async function () {
    // Every test starts from the same snapshot of one chain instead of redeploying.
    fx = await connection.networkHelpers.loadFixture(deployFixture);
  });

  describe("deployment", function () {
    it("starts in phase 1 on the constructor's aggregator, owned by the deployer", async function () {
      const firstAddress = await fx.first.getAddress();
      expect(await fx.proxy.phaseId()).to.equal(1n);
      expect(await fx.proxy.aggregator()).to.equal(firstAddress);
      expect(await fx.proxy.phaseAggregators(1)).to.equal(firstAddress);
      expect(await fx.proxy.phaseAggregators(0)).to.equal(ZERO_ADDRESS);
      expect(await fx.proxy.phaseAggregators(2)).to.equal(ZERO_ADDRESS);
      expect(await fx.proxy.proposedAggregator()).to.equal(ZERO_ADDRESS);
      expect(await fx.proxy.owner()).to.equal(fx.owner.address);
    });

    it("exposes exactly Chainlink's AggregatorProxy functions (no typeAndVersion)", async function () {
      const signatures: string[] = [];
      fx.proxy.interface.forEachFunction((fn) => signatures.push(fn.format("sighash")));
      expect(signatures.sort()).to.deep.equal([...AGGREGATOR_PROXY_FUNCTIONS].sort());
    });

    it("forwards decimals, description and version of the current aggregator", async function () {
      expect(await fx.proxy.decimals()).to.equal(8n);
      expect(await fx.proxy.description()).to.equal("ETH / USD");
      expect(await fx.proxy.version()).to.equal(4n);
      await upgradeTo(fx, fx.second);
      expect(await fx.proxy.decimals()).to.equal(18n);
      expect(await fx.proxy.description()).to.equal("ETH / USD v2");
      expect(await fx.proxy.version()).to.equal(6n);
    });
  });

  describe("round ids", function () {
    it("adds the phase to the aggregator's round ids in every read", async function () {
      await (await fx.first.setRound(5, 2000n, 100, 110)).wait();
      const id = proxyRoundId(1n, 5n);
      expect(id).to.equal((1n << 64n) | 5n);

      expect(await fx.proxy.latestRound()).to.equal(id);
      expect(await fx.proxy.latestAnswer()).to.equal(2000n);
      expect(await fx.proxy.latestTimestamp()).to.equal(110n);
      expect(await fx.proxy.latestRoundData()).to.deep.equal([id, 2000n, 100n, 110n, id]);
      expect(await fx.proxy.getRoundData(id)).to.deep.equal([id, 2000n, 100n, 110n, id]);
      expect(await fx.proxy.getAnswer(id)).to.equal(2000n);
      expect(await fx.proxy.getTimestamp(id)).to.equal(110n);
    });

    it("phase-encodes answeredInRound separately from roundId", async function () {
      await (await fx.first.setRound(3, 1500n, 10, 20)).wait();
      await (await fx.first.setStaleRound(4, 1500n, 30, 20, 3)).wait();
      expect(await fx.proxy.getRoundData(proxyRoundId(1n, 4n))).to.deep.equal([
        proxyRoundId(1n, 4n),
        1500n,
        30n,
        20n,
        proxyRoundId(1n, 3n),
      ]);
    });

    it("cuts aggregator round ids to 64 bits before adding the phase", async function () {
      const wide = (1n << 64n) + 7n;
      await (await fx.first.setRound(wide, 42n, 1, 2)).wait();
      expect(await fx.proxy.latestRound()).to.equal(proxyRoundId(1n, 7n));
      const [roundId, answer, , , answeredInRound] = await fx.proxy.latestRoundData();
      expect(roundId).to.equal(proxyRoundId(1n, 7n));
      expect(answeredInRound).to.equal(proxyRoundId(1n, 7n));
      expect(answer).to.equal(42n);
    });

    it("keeps ids growing across an upgrade and reads old phases from their own aggregator", async function () {
      await (await fx.first.setRound(5, 2000n, 100, 110)).wait();
      const oldId = proxyRoundId(1n, 5n);
      expect(await fx.proxy.latestRound()).to.equal(oldId);

      expect(await upgradeTo(fx, fx.second)).to.equal(2n);
      expect(await fx.proxy.aggregator()).to.equal(await fx.second.getAddress());
      expect(await fx.proxy.phaseAggregators(1)).to.equal(await fx.first.getAddress());
      expect(await fx.proxy.phaseAggregators(2)).to.equal(await fx.second.getAddress());

      await (await fx.second.setRound(1, 2100n, 200, 210)).wait();
      const newId = proxyRoundId(2n, 1n);
      expect(newId).to.equal((2n << 64n) | 1n);
      expect(await fx.proxy.latestRound()).to.equal(newId);
      expect(newId > oldId).to.equal(true);
      expect(await fx.proxy.latestRoundData()).to.deep.equal([newId, 2100n, 200n, 210n, newId]);
      expect(await fx.proxy.latestAnswer()).to.equal(2100n);

      // Phase-1 ids still resolve to the first aggregator, live (not a snapshot).
      expect(await fx.proxy.getRoundData(oldId)).to.deep.equal([oldId, 2000n, 100n, 110n, oldId]);
      expect(await fx.proxy.getAnswer(oldId)).to.equal(2000n);
      expect(await fx.proxy.getTimestamp(oldId)).to.equal(110n);
      await (await fx.first.setRound(6, 1999n, 120, 130)).wait();
      expect(await fx.proxy.getAnswer(proxyRoundId(1n, 6n))).to.equal(1999n);
      // ...while the latest values keep coming from phase 2.
      expect(await fx.proxy.latestRound()).to.equal(newId);
    });

    it("gives each upgrade a new phase, even back to an earlier aggregator", async function () {
      await upgradeTo(fx, fx.second);
      expect(await upgradeTo(fx, fx.first)).to.equal(3n);
      await (await fx.first.setRound(9, 1n, 1, 1)).wait();
      expect(await fx.proxy.latestRound()).to.equal(proxyRoundId(3n, 9n));
      expect(await fx.proxy.phaseAggregators(3)).to.equal(await fx.first.getAddress());
      // The same aggregator round is reachable under both phases it served.
      expect(await fx.proxy.getAnswer(proxyRoundId(1n, 9n))).to.equal(1n);
      expect(await fx.proxy.getAnswer(proxyRoundId(3n, 9n))).to.equal(1n);
    });

    it("round-trips ids through the test's own phase arithmetic", function () {
      const id = proxyRoundId(0xbeefn, 0x1122334455667788n);
      expect(splitProxyRoundId(id)).to.deep.equal({ phaseId: 0xbeefn, aggregatorRoundId: 0x1122334455667788n });
      expect(id <= MAX_PROXY_ROUND_ID).to.equal(true);
    });
  });

  describe("reads the aggregator cannot answer", function () {
    it("V2 getters return 0 for ids above 2^80 - 1 and for phases that never existed", async function () {
      await (await fx.first.setRound(5, 2000n, 100, 110)).wait();
      // Ids above 2^80 - 1 are 0 even when their low 80 bits name a real round.
      const aliased = (1n << 80n) | proxyRoundId(1n, 5n);
      for (const id of [aliased, MAX_PROXY_ROUND_ID, 5n, proxyRoundId(2n, 5n), proxyRoundId(0xffffn, 5n)]) {
        expect(await fx.proxy.getAnswer(id)).to.equal(0n, `getAnswer(${id})`);
        expect(await fx.proxy.getTimestamp(id)).to.equal(0n, `getTimestamp(${id})`);
      }
    });

    it("V2 getters return the aggregator's 0 for unknown rounds of a known phase", async function () {
      expect(await fx.proxy.getAnswer(proxyRoundId(1n, 77n))).to.equal(0n);
      expect(await fx.proxy.getTimestamp(proxyRoundId(1n, 77n))).to.equal(0n);
    });

    it("getRoundData reverts without a reason for a phase that never existed", async function () {
      await (await fx.first.setRound(5, 2000n, 100, 110)).wait();
      await expect(fx.proxy.getRoundData(5n)).to.be.revertedWithoutReason(fx.ethers);
      await expect(fx.proxy.getRoundData(proxyRoundId(2n, 5n))).to.be.revertedWithoutReason(fx.ethers);
    });

    it("getRoundData forwards the aggregator's own unknown-round behaviour", async function () {
      // FluxAggregator style: revert with the aggregator's reason.
      await expect(fx.proxy.getRoundData(proxyRoundId(1n, 8n))).to.be.revertedWith("No data present");
      await expect(fx.proxy.latestRoundData()).to.be.revertedWith("No data present");
      // OffchainAggregator style: zero data under the asked id, which the proxy phase-encodes.
      await (await fx.first.setRevertOnMissingRound(false)).wait();
      const id = proxyRoundId(1n, 8n);
      expect(await fx.proxy.getRoundData(id)).to.deep.equal([id, 0n, 0n, 0n, id]);
      const empty = proxyRoundId(1n, 0n);
      expect(await fx.proxy.latestRoundData()).to.deep.equal([empty, 0n, 0n, 0n, empty]);
      expect(await fx.proxy.latestRound()).to.equal(empty);
      expect(await fx.proxy.latestAnswer()).to.equal(0n);
    });
  });

  describe("ABI decoding like Chainlink's Solidity 0.6 proxy (coder v1)", function () {
    it("cuts an over-wide uint80 round id argument to 80 bits instead of rejecting it", async function () {
      await (await fx.first.setRound(5, 2000n, 100, 110)).wait();
      const id = proxyRoundId(1n, 5n);
      const dirtyWord = (1n << 200n) | id;
      const selector = fx.proxy.interface.getFunction("getRoundData")!.selector;
      const data = selector + dirtyWord.toString(16).padStart(64, "0");
      const result = await fx.ethers.provider.call({ to: await fx.proxy.getAddress(), data });
      expect(fx.proxy.interface.decodeFunctionResult("getRoundData", result).toArray()).to.deep.equal([
        id,
        2000n,
        100n,
        110n,
        id,
      ]);
    });

    it("cleans out-of-range words an aggregator returns instead of reverting", async function () {
      // An aggregator whose every function returns the same five words: a roundId with bit 80 set,
      // an answer, two timestamps and an answeredInRound with bit 100 set.
      const words = [(1n << 80n) + 5n, 2000n, 100n, 110n, (1n << 100n) + 7n];
      const data = words.map((w) => w.toString(16).padStart(64, "0")).join("");
      // Runtime code: CODECOPY the 160 data bytes after this 12-byte prefix to memory, RETURN them.
      const runtime = "0x60a0600c60003960a06000f3" + data;
      const odd = "0x00000000000000000000000000000000000bad01";
      await fx.ethers.provider.send("hardhat_setCode", [odd, runtime]);
      await (await fx.proxy.proposeAggregator(odd)).wait();
      await (await fx.proxy.confirmAggregator(odd)).wait();
      expect(await fx.proxy.latestRoundData()).to.deep.equal([
        proxyRoundId(2n, 5n),
        2000n,
        100n,
        110n,
        proxyRoundId(2n, 7n),
      ]);
      // decimals() reads the first word as a uint8: 2^80 + 5 is cleaned to 5.
      expect(await fx.proxy.decimals()).to.equal(5n);
    });
  });

  describe("proposing and confirming an aggregator", function () {
    it("only lets the owner propose and confirm", async function () {
      const secondAddress = await fx.second.getAddress();
      const asStranger = fx.proxy.connect(fx.stranger);
      await expect(asStranger.proposeAggregator(secondAddress)).to.be.revertedWith("Only callable by owner");
      await (await fx.proxy.proposeAggregator(secondAddress)).wait();
      await expect(asStranger.confirmAggregator(secondAddress)).to.be.revertedWith("Only callable by owner");
      expect(await fx.proxy.phaseId()).to.equal(1n);
    });

    it("records the proposal without changing what consumers read", async function () {
      await (await fx.first.setRound(5, 2000n, 100, 110)).wait();
      await (await fx.proxy.proposeAggregator(await fx.second.getAddress())).wait();
      expect(await fx.proxy.proposedAggregator()).to.equal(await fx.second.getAddress());
      expect(await fx.proxy.phaseId()).to.equal(1n);
      expect(await fx.proxy.aggregator()).to.equal(await fx.first.getAddress());
      expect(await fx.proxy.latestAnswer()).to.equal(2000n);
      expect(await fx.proxy.phaseAggregators(2)).to.equal(ZERO_ADDRESS);
    });

    it("rejects confirming anything but the proposal", async function () {
      const secondAddress = await fx.second.getAddress();
      await expect(fx.proxy.confirmAggregator(secondAddress)).to.be.revertedWith("Invalid proposed aggregator");
      await (await fx.proxy.proposeAggregator(secondAddress)).wait();
      await expect(fx.proxy.confirmAggregator(await fx.first.getAddress())).to.be.revertedWith(
        "Invalid proposed aggregator",
      );
      await expect(fx.proxy.confirmAggregator(ZERO_ADDRESS)).to.be.revertedWith("Invalid proposed aggregator");
    });

    it("clears the proposal on confirm, and a later propose replaces an earlier one", async function () {
      const third = await fx.ethers.deployContract("TestAggregator", [2, "third", 1]);
      await (await fx.proxy.proposeAggregator(await fx.second.getAddress())).wait();
      await (await fx.proxy.proposeAggregator(await third.getAddress())).wait();
      await expect(fx.proxy.confirmAggregator(await fx.second.getAddress())).to.be.revertedWith(
        "Invalid proposed aggregator",
      );
      await (await fx.proxy.confirmAggregator(await third.getAddress())).wait();
      expect(await fx.proxy.proposedAggregator()).to.equal(ZERO_ADDRESS);
      expect(await fx.proxy.aggregator()).to.equal(await third.getAddress());
      expect(await fx.proxy.phaseId()).to.equal(2n);
      // The proposal is gone, so confirming it again fails.
      await expect(fx.proxy.confirmAggregator(await third.getAddress())).to.be.revertedWith(
        "Invalid proposed aggregator",
      );
    });

    it("proposing address 0 withdraws a proposal", async function () {
      await (await fx.proxy.proposeAggregator(await fx.second.getAddress())).wait();
      await (await fx.proxy.proposeAggregator(ZERO_ADDRESS)).wait();
      expect(await fx.proxy.proposedAggregator()).to.equal(ZERO_ADDRESS);
      await expect(fx.proxy.proposedLatestRoundData()).to.be.revertedWith("No proposed aggregator present");
    });

    it("like Chainlink's proxy, confirming address 0 with nothing proposed starts an empty phase", async function () {
      await (await fx.proxy.confirmAggregator(ZERO_ADDRESS)).wait();
      expect(await fx.proxy.phaseId()).to.equal(2n);
      expect(await fx.proxy.aggregator()).to.equal(ZERO_ADDRESS);
      // Reads of the current phase now hit an address without code and revert without a reason.
      await expect(fx.proxy.latestRoundData()).to.be.revertedWithoutReason(fx.ethers);
      await expect(fx.proxy.latestAnswer()).to.be.revertedWithoutReason(fx.ethers);
      await expect(fx.proxy.decimals()).to.be.revertedWithoutReason(fx.ethers);
      // V2 reads of the empty phase are 0, as for a phase that never existed.
      expect(await fx.proxy.getAnswer(proxyRoundId(2n, 1n))).to.equal(0n);
    });
  });

  describe("reading the proposed aggregator", function () {
    it("reverts when nothing is proposed", async function () {
      await expect(fx.proxy.proposedLatestRoundData()).to.be.revertedWith("No proposed aggregator present");
      await expect(fx.proxy.proposedGetRoundData(1)).to.be.revertedWith("No proposed aggregator present");
    });

    it("returns the proposed aggregator's own ids, without a phase", async function () {
      await (await fx.second.setRound(3, 3000n, 300, 310)).wait();
      await (await fx.proxy.proposeAggregator(await fx.second.getAddress())).wait();
      expect(await fx.proxy.proposedLatestRoundData()).to.deep.equal([3n, 3000n, 300n, 310n, 3n]);
      expect(await fx.proxy.proposedGetRoundData(3)).to.deep.equal([3n, 3000n, 300n, 310n, 3n]);
      await expect(fx.proxy.proposedGetRoundData(4)).to.be.revertedWith("No data present");
      // Anyone may look: these reads are not owner-only.
      expect(await fx.proxy.connect(fx.stranger).proposedLatestRoundData()).to.deep.equal([3n, 3000n, 300n, 310n, 3n]);
    });
  });

  describe("ownership", function () {
    it("transfers in two steps with Chainlink's events and revert strings", async function () {
      const asNewOwner = fx.proxy.connect(fx.newOwner);
      await expect(fx.proxy.connect(fx.stranger).transferOwnership(fx.stranger.address)).to.be.revertedWith(
        "Only callable by owner",
      );
      await expect(fx.proxy.transferOwnership(fx.newOwner.address))
        .to.emit(fx.proxy, "OwnershipTransferRequested")
        .withArgs(fx.owner.address, fx.newOwner.address);
      // Proposed, not yet owner.
      expect(await fx.proxy.owner()).to.equal(fx.owner.address);
      await expect(asNewOwner.proposeAggregator(await fx.second.getAddress())).to.be.revertedWith(
        "Only callable by owner",
      );
      await expect(fx.proxy.connect(fx.stranger).acceptOwnership()).to.be.revertedWith("Must be proposed owner");
      await expect(asNewOwner.acceptOwnership())
        .to.emit(fx.proxy, "OwnershipTransferred")
        .withArgs(fx.owner.address, fx.newOwner.address);

      expect(await fx.proxy.owner()).to.equal(fx.newOwner.address);
      await (await asNewOwner.proposeAggregator(await fx.second.getAddress())).wait();
      await (await asNewOwner.confirmAggregator(await fx.second.getAddress())).wait();
      expect(await fx.proxy.phaseId()).to.equal(2n);
      await expect(fx.proxy.proposeAggregator(await fx.first.getAddress())).to.be.revertedWith(
        "Only callable by owner",
      );
    });
  });
});
