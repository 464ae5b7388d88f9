/**
 * Constructor and setConfig (spec §1.3, §1.4): every revert row in order, the events, the
 * digest recomputed independently, and the effects users rely on (payouts, reset of the
 * epoch/round, the aggregator round id surviving a new config).
 */
import { expect } from "chai";
import type { TransactionReceipt } from "ethers";
import { network } from "hardhat";

import { bytesToHex } from "../../plugin/core/bytes.js";
import {
  type Connection,
  type Feed,
  BILLING,
  ENCODED_CONFIG_VERSION,
  TEST_ENCODED_CONFIG,
  computeConfigDigest,
  currentConfigDigest,
  deriveSecretKey,
  feedFixture,
  makeOracles,
  transmit,
  transmitAndWait,
} from "../../testkit/feed-fixture.js";
import { addressFromPrivateKey } from "../../plugin/core/address.js";

const ZERO = "0x0000000000000000000000000000000000000000";

/** n fresh addresses that hold no role anywhere. */
function freshAddresses(label: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => addressFromPrivateKey(deriveSecretKey(`${label}/${i}`)));
}

describe("OffchainAggregator constructor and setConfig", function () {
  let connection: Connection;
  before(async function () {
    connection = await network.create();
  });

  const configuredFeed = feedFixture();
  const unconfiguredFeed = feedFixture({ configure: false });
  const feedWithoutControllers = feedFixture({ configure: false, accessControllers: false });
  const toggleLinkFeed = feedFixture({ link: "ToggleLinkToken" });

  /** Valid setConfig arguments for the feed's own oracles, as positional arguments. */
  function validArgs(feed: Feed) {
    return {
      signers: feed.oracles.map((o) => o.signer as string),
      transmitters: feed.oracles.map((o) => o.transmitter.address),
      threshold: 1,
    };
  }

  async function callSetConfig(
    feed: Feed,
    args: { signers: string[]; transmitters: string[]; threshold: number },
    from = feed.owner,
  ) {
    const agg = feed.aggregator.connect(from) as typeof feed.aggregator;
    return agg.setConfig(args.signers, args.transmitters, args.threshold, ENCODED_CONFIG_VERSION, TEST_ENCODED_CONFIG);
  }

  /** On the configured feed, setConfig with valid arguments edited by `edit` reverts with `reason`. */
  async function expectEditedArgsRevert(edit: (args: ReturnType<typeof validArgs>) => void, reason: string): Promise<void> {
    const feed = await connection.networkHelpers.loadFixture(configuredFeed);
    const args = validArgs(feed);
    edit(args);
    await expect(callSetConfig(feed, args)).to.be.revertedWith(reason);
  }

  describe("constructor", function () {
    it("emits BillingSet, LinkTokenSet, BillingAccessControllerSet, RequesterAccessControllerSet in that order", async function () {
      const feed = await connection.networkHelpers.loadFixture(unconfiguredFeed);
      const receipt = (await feed.deployTx.wait())!;
      const logs = receipt.logs
        .filter((l) => l.address.toLowerCase() === feed.address.toLowerCase())
        .map((l) => feed.aggregator.interface.parseLog(l)!);
      expect(logs.map((l) => l.name)).to.deep.equal([
        "BillingSet",
        "LinkTokenSet",
        "BillingAccessControllerSet",
        "RequesterAccessControllerSet",
      ]);
      const b = BILLING;
      expect([...logs[0].args]).to.deep.equal([
        b.maximumGasPrice, b.reasonableGasPrice, b.microLinkPerEth, b.linkGweiPerObservation, b.linkGweiPerTransmission,
      ]);
      expect([...logs[1].args]).to.deep.equal([ZERO, await feed.link.getAddress()]);
      expect([...logs[2].args]).to.deep.equal([ZERO, await feed.billingAccessController!.getAddress()]);
      expect([...logs[3].args]).to.deep.equal([ZERO, await feed.requesterAccessController!.getAddress()]);
    });

    it("omits the access-controller events when both controllers are address(0)", async function () {
      const feed = await connection.networkHelpers.loadFixture(feedWithoutControllers);
      const receipt = (await feed.deployTx.wait())!;
      const names = receipt.logs
        .filter((l) => l.address.toLowerCase() === feed.address.toLowerCase())
        .map((l) => feed.aggregator.interface.parseLog(l)!.name);
      expect(names).to.deep.equal(["BillingSet", "LinkTokenSet"]);
      expect(await feed.aggregator.billingAccessController()).to.equal(ZERO);
      expect(await feed.aggregator.requesterAccessController()).to.equal(ZERO);
    });

    it("stores the constructor arguments and owner, with an empty config and validator (0, 0)", async function () {
      const feed = await connection.networkHelpers.loadFixture(unconfiguredFeed);
      const agg = feed.aggregator;
      expect(await agg.owner()).to.equal(await feed.owner.getAddress());
      expect(await agg.decimals()).to.equal(BigInt(feed.decimals));
      expect(await agg.description()).to.equal(feed.description);
      expect(await agg.version()).to.equal(4n);
      expect(await agg.typeAndVersion()).to.equal("OffchainAggregator 4.0.0");
      expect(await agg.minAnswer()).to.equal(feed.minAnswer);
      expect(await agg.maxAnswer()).to.equal(feed.maxAnswer);
      expect(await agg.getLinkToken()).to.equal(await feed.link.getAddress());
      expect([...(await agg.getBilling())]).to.deep.equal([
        BILLING.maximumGasPrice,
        BILLING.reasonableGasPrice,
        BILLING.microLinkPerEth,
        BILLING.linkGweiPerObservation,
        BILLING.linkGweiPerTransmission,
      ]);
      expect([...(await agg.validatorConfig())]).to.deep.equal([ZERO, 0n]);
      expect([...(await agg.latestConfigDetails())]).to.deep.equal([0n, 0n, "0x" + "00".repeat(16)]);
      expect(await agg.transmitters()).to.deep.equal([]);
    });
  });

  describe("setConfig reverts, in check order (§1.4)", function () {
    it("row 1: more than 31 signers -> too many signers", async function () {
      const feed = await connection.networkHelpers.loadFixture(configuredFeed);
      // 32 signers and 32 transmitters with f = 1 pass rows 2-4; only the size limit is violated.
      const args = { signers: freshAddresses("s", 32), transmitters: freshAddresses("t", 32), threshold: 1 };
      await expect(callSetConfig(feed, args)).to.be.revertedWith("too many signers");
    });

    it("row 1 boundary: exactly 31 oracles are accepted", async function () {
      const feed = await connection.networkHelpers.loadFixture(configuredFeed);
      const oracles = await makeOracles(feed.connection, 31, "thirty-one");
      await (await feed.aggregator.setPayees(oracles.map((o) => o.transmitter.address), oracles.map((o) => o.payee.address))).wait();
      await expect(
        callSetConfig(feed, { signers: oracles.map((o) => o.signer), transmitters: oracles.map((o) => o.transmitter.address), threshold: 10 }),
      ).to.emit(feed.aggregator, "ConfigSet");
      expect((await feed.aggregator.transmitters()).length).to.equal(31);
    });

    it("row 2: threshold 0 -> threshold must be positive", async function () {
      const feed = await connection.networkHelpers.loadFixture(configuredFeed);
      await expect(callSetConfig(feed, { ...validArgs(feed), threshold: 0 })).to.be.revertedWith("threshold must be positive");
    });

    it("row 3: signers and transmitters of different lengths -> oracle addresses out of registration", async function () {
      const feed = await connection.networkHelpers.loadFixture(configuredFeed);
      const args = validArgs(feed);
      // 4 signers, 3 transmitters: 4 > 3·1 would still pass row 4 if this check were missing.
      await expect(callSetConfig(feed, { ...args, transmitters: args.transmitters.slice(0, 3) })).to.be.revertedWith(
        "oracle addresses out of registration",
      );
    });

    it("row 4: n <= 3f -> faulty-oracle threshold too high", async function () {
      const feed = await connection.networkHelpers.loadFixture(configuredFeed);
      const args = validArgs(feed);
      await expect(
        callSetConfig(feed, { signers: args.signers.slice(0, 3), transmitters: args.transmitters.slice(0, 3), threshold: 1 }),
      ).to.be.revertedWith("faulty-oracle threshold too high");
      // n = 4 with f = 2 is also too high (4 <= 6).
      await expect(callSetConfig(feed, { ...args, threshold: 2 })).to.be.revertedWith("faulty-oracle threshold too high");
    });

    it("row 5: a non-owner with valid arguments -> Only callable by owner", async function () {
      const feed = await connection.networkHelpers.loadFixture(configuredFeed);
      await expect(callSetConfig(feed, validArgs(feed), feed.strangers[0])).to.be.revertedWith("Only callable by owner");
    });

    it("config checks run before onlyOwner: a non-owner with bad arguments sees the argument error", async function () {
      const feed = await connection.networkHelpers.loadFixture(configuredFeed);
      const stranger = feed.strangers[0];
      const args = validArgs(feed);
      await expect(callSetConfig(feed, { ...args, threshold: 0 }, stranger)).to.be.revertedWith("threshold must be positive");
      await expect(
        callSetConfig(feed, { signers: freshAddresses("s", 32), transmitters: freshAddresses("t", 32), threshold: 1 }, stranger),
      ).to.be.revertedWith("too many signers");
      await expect(callSetConfig(feed, { ...args, transmitters: args.transmitters.slice(1) }, stranger)).to.be.revertedWith(
        "oracle addresses out of registration",
      );
      await expect(callSetConfig(feed, { ...args, threshold: 2 }, stranger)).to.be.revertedWith("faulty-oracle threshold too high");
    });

    it("row 6: paying the old oracles with a LINK transfer that returns false -> insufficient funds", async function () {
      const feed = await connection.networkHelpers.loadFixture(toggleLinkFeed);
      // One report leaves the old oracles owed LINK, so the reconfiguration must pay them.
      await transmitAndWait(feed, { epoch: 1, round: 1, values: [1n, 2n, 3n, 4n] });
      expect(await feed.aggregator.owedPayment(feed.oracles[3].transmitter.address)).to.be.greaterThan(0n);
      await (await feed.link.setTransfersReturnFalse(true)).wait();
      await expect(callSetConfig(feed, validArgs(feed))).to.be.revertedWith("insufficient funds");
      await (await feed.link.setTransfersReturnFalse(false)).wait();
      await expect(callSetConfig(feed, validArgs(feed))).to.emit(feed.aggregator, "ConfigSet");
    });

    it("row 7: a signer listed twice -> repeated signer address", async function () {
      await expectEditedArgsRevert((args) => { args.signers[3] = args.signers[0]; }, "repeated signer address");
    });

    it("row 7: a signer equal to an earlier oracle's transmitter -> repeated signer address (one role per address)", async function () {
      await expectEditedArgsRevert((args) => { args.signers[1] = args.transmitters[0]; }, "repeated signer address");
    });

    it("row 8: a transmitter without a payee -> payee must be set", async function () {
      await expectEditedArgsRevert((args) => { args.transmitters[2] = freshAddresses("no-payee", 1)[0]; }, "payee must be set");
    });

    it("row 9: a transmitter listed twice -> repeated transmitter address", async function () {
      // Oracle 0's transmitter has a payee, so row 8 passes.
      await expectEditedArgsRevert((args) => { args.transmitters[3] = args.transmitters[0]; }, "repeated transmitter address");
    });

    it("rows 7-9 run per oracle: oracle 1's missing payee is reported before oracle 3's repeated signer", async function () {
      await expectEditedArgsRevert((args) => {
        args.transmitters[1] = freshAddresses("no-payee", 1)[0];
        args.signers[3] = args.signers[0];
      }, "payee must be set");
    });

    it("rows 7-9 within one oracle: signer check, then payee, then repeated transmitter", async function () {
      const feed = await connection.networkHelpers.loadFixture(configuredFeed);
      // Oracle 1 repeats oracle 0's signer AND has a transmitter without payee: the signer check wins.
      const a = validArgs(feed);
      a.signers[1] = a.signers[0];
      a.transmitters[1] = freshAddresses("no-payee", 1)[0];
      await expect(callSetConfig(feed, a)).to.be.revertedWith("repeated signer address");
      // Oracle 1's transmitter is oracle 0's signer address (a role already) with no payee: payee check wins.
      const b = validArgs(feed);
      b.transmitters[1] = b.signers[0];
      await expect(callSetConfig(feed, b)).to.be.revertedWith("payee must be set");
      // Give that address a payee: now the repeated-transmitter check is what fails.
      await (await feed.aggregator.setPayees([b.signers[0]], [await feed.strangers[1].getAddress()])).wait();
      await expect(callSetConfig(feed, b)).to.be.revertedWith("repeated transmitter address");
    });
  });

  describe("setConfig effects", function () {
    it("emits ConfigSet with every field and a digest that matches an independent computation", async function () {
      const feed = await connection.networkHelpers.loadFixture(unconfiguredFeed);
      await (await feed.aggregator.setPayees(feed.oracles.map((o) => o.transmitter.address), feed.oracles.map((o) => o.payee.address))).wait();
      const args = validArgs(feed);
      const tx1 = await callSetConfig(feed, args);
      await expect(tx1)
        .to.emit(feed.aggregator, "ConfigSet")
        .withArgs(0n, 1n, args.signers, args.transmitters, 1n, ENCODED_CONFIG_VERSION, TEST_ENCODED_CONFIG);
      const block1 = (await tx1.wait())!.blockNumber;
      const [count1, blockNumber1, digest1] = await feed.aggregator.latestConfigDetails();
      expect(count1).to.equal(1n);
      expect(blockNumber1).to.equal(BigInt(block1));
      const expected1 = computeConfigDigest({ aggregator: feed.address, configCount: 1n, signers: args.signers, transmitters: args.transmitters, threshold: 1 });
      expect(digest1).to.equal(bytesToHex(expected1));

      // Second config (reordered oracles): previousConfigBlockNumber is the first config's block.
      const reordered = { signers: [...args.signers].reverse(), transmitters: [...args.transmitters].reverse(), threshold: 1 };
      const tx2 = await callSetConfig(feed, reordered);
      await expect(tx2)
        .to.emit(feed.aggregator, "ConfigSet")
        .withArgs(BigInt(block1), 2n, reordered.signers, reordered.transmitters, 1n, ENCODED_CONFIG_VERSION, TEST_ENCODED_CONFIG);
      const [count2, , digest2] = await feed.aggregator.latestConfigDetails();
      expect(count2).to.equal(2n);
      expect(digest2).to.equal(
        bytesToHex(computeConfigDigest({ aggregator: feed.address, configCount: 2n, ...reordered })),
      );
      expect(await feed.aggregator.transmitters()).to.deep.equal(reordered.transmitters);
    });

    it("the digest depends on the encoded bytes and the version, which are otherwise not parsed", async function () {
      const feed = await connection.networkHelpers.loadFixture(configuredFeed);
      const args = validArgs(feed);
      const arbitrary = "0xdeadbeef";
      await (await feed.aggregator.setConfig(args.signers, args.transmitters, 1, 7n, arbitrary)).wait();
      const digest = await currentConfigDigest(feed.aggregator);
      expect(bytesToHex(digest)).to.equal(
        bytesToHex(computeConfigDigest({ aggregator: feed.address, configCount: 2n, ...args, encodedConfigVersion: 7n, encoded: arbitrary })),
      );
    });

    it("pays every owed old oracle (OraclePaid, last oracle first) and keeps the aggregator round id", async function () {
      const feed = await connection.networkHelpers.loadFixture(configuredFeed);
      await transmitAndWait(feed, { epoch: 3, round: 1, values: [5n, 6n, 7n, 8n] });
      const owed = await Promise.all(feed.oracles.map((o) => feed.aggregator.owedPayment(o.transmitter.address)));
      const tx = await callSetConfig(feed, validArgs(feed));
      const receipt = (await tx.wait()) as TransactionReceipt;
      const paid = receipt.logs
        .filter((l) => l.address.toLowerCase() === feed.address.toLowerCase())
        .map((l) => feed.aggregator.interface.parseLog(l)!)
        .filter((l) => l.name === "OraclePaid");
      const linkAddress = await feed.link.getAddress();
      expect(paid.map((l) => [...l.args])).to.deep.equal(
        [3, 2, 1, 0].map((i) => [feed.oracles[i].transmitter.address, feed.oracles[i].payee.address, owed[i], linkAddress]),
      );
      for (const o of feed.oracles) {
        expect(await feed.link.balanceOf(o.payee.address)).to.equal(owed[o.index]);
        expect(await feed.aggregator.owedPayment(o.transmitter.address)).to.equal(0n);
      }
      expect(await feed.aggregator.latestRound()).to.equal(1n);
    });

    it("resets latestEpochAndRound: an epoch used under the old digest works again under the new one", async function () {
      const feed = await connection.networkHelpers.loadFixture(configuredFeed);
      await transmitAndWait(feed, { epoch: 5, round: 2, values: [1n, 2n, 3n, 4n] });
      await (await callSetConfig(feed, validArgs(feed))).wait();
      const details = await feed.aggregator.latestTransmissionDetails();
      expect(details[1]).to.equal(0n); // epoch
      expect(details[2]).to.equal(0n); // round
      await transmitAndWait(feed, { epoch: 1, round: 1, values: [1n, 2n, 3n, 4n] });
      await transmitAndWait(feed, { epoch: 5, round: 2, values: [1n, 2n, 3n, 4n] });
      expect(await feed.aggregator.latestRound()).to.equal(3n);
    });

    it("an old-digest report is rejected after reconfiguration", async function () {
      const feed = await connection.networkHelpers.loadFixture(configuredFeed);
      const oldDigest = await currentConfigDigest(feed.aggregator);
      await (await callSetConfig(feed, validArgs(feed))).wait();
      await expect(transmit(feed, { epoch: 9, round: 1, values: [1n, 2n, 3n, 4n], configDigest: oldDigest })).to.be.revertedWith(
        "configDigest mismatch",
      );
    });

    it("removed oracles lose their roles: an old transmitter cannot transmit and can be reused as a signer", async function () {
      const feed = await connection.networkHelpers.loadFixture(configuredFeed);
      const extra = await makeOracles(feed.connection, 5, "replacement");
      await (await feed.aggregator.setPayees(extra.map((o) => o.transmitter.address), extra.map((o) => o.payee.address))).wait();
      // New config: oracles 1..4 of "replacement", with oracle 0's old transmitter as a signer.
      const signers = [feed.oracles[0].transmitter.address, ...extra.slice(1, 4).map((o) => o.signer)];
      const transmitters = extra.slice(1, 5).map((o) => o.transmitter.address).slice(0, 4);
      await expect(callSetConfig(feed, { signers, transmitters, threshold: 1 })).to.emit(feed.aggregator, "ConfigSet");
      await expect(transmit(feed, { epoch: 1, round: 1, values: [1n, 2n, 3n, 4n], from: feed.oracles[0].transmitter })).to.be.revertedWith(
        "unauthorized transmitter",
      );
    });
  });
});
