/**
 * OffchainAggregator's constant-time oracle lookup (bucket tables in the oracle-set store) and
 * the validator bit of its hot word: any f+1 oracles may sign, whatever their indices; anything
 * else is rejected as before; a validator survives reconfiguration.
 */
import { expect } from "chai";

import { addressFromPrivateKey } from "../../plugin/core/address.js";
import { hexToBytes } from "../../plugin/core/bytes.js";
import { keccak256, utf8Bytes } from "../../plugin/core/hash.js";
import { collateSignatures, encodeReport, signReport, sortAttributedObservations } from "../../plugin/core/report.js";
import { deployOcrFeed } from "../../testkit/feed-fixture.js";
import { priceObservations } from "../../testkit/markets.js";

describe("OffchainAggregator oracle lookup", function () {
  it("accepts the highest-index signers and transmitter of a 31-oracle committee", async () => {
    const feed = await deployOcrFeed(31, 10);
    const highest = Array.from({ length: 11 }, (_, i) => 30 - i);
    await feed.transmit(1, 1, priceObservations(31, 1), 30, highest);
    await feed.transmit(1, 2, priceObservations(31, 2), 0, [0, 30, 15, 1, 29, 2, 28, 3, 27, 4, 26]);
    expect(await feed.aggregator.latestRound()).to.equal(2n);
    // A repeated signer is still caught, whatever its index.
    await expect(feed.transmit(1, 3, priceObservations(31, 3), 5, [30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 30])).to.be.revertedWith(
      "non-unique signature",
    );
    expect(await feed.aggregator.transmitters()).to.deep.equal(feed.transmitters);
  });

  it("rejects a sender and a signer outside the committee", async () => {
    const feed = await deployOcrFeed(4, 1);
    const [, , digestHex] = await feed.aggregator.latestConfigDetails();
    const observations = sortAttributedObservations(priceObservations(4, 1).map((value, observer) => ({ observer, value })));
    const report = encodeReport({ configDigest: hexToBytes(digestHex), epoch: 1, round: 1 }, observations);
    // A key outside the committee signs in place of oracle 1: its address is in no bucket.
    const strangerKey = keccak256(utf8Bytes("hardhat-ocr lookup test stranger"));
    expect(feed.signers).to.not.include(addressFromPrivateKey(strangerKey));
    const withStranger = collateSignatures([signReport(report, feed.signingKeys[0]), signReport(report, strangerKey)]);
    const asOracle0 = feed.aggregator.connect(feed.transmitterWallets[0]) as typeof feed.aggregator;
    await expect(asOracle0.transmit(report, withStranger.rs, withStranger.ss, withStranger.rawVs)).to.be.revertedWith(
      "address not authorized to sign",
    );
    // A valid set sent by an address that is no transmitter (a signer's address, say).
    const valid = collateSignatures([signReport(report, feed.signingKeys[2]), signReport(report, feed.signingKeys[3])]);
    const [owner] = await feed.ethers.getSigners();
    await expect(
      (feed.aggregator.connect(owner) as typeof feed.aggregator).transmit(report, valid.rs, valid.ss, valid.rawVs),
    ).to.be.revertedWith("unauthorized transmitter");
    await (await asOracle0.transmit(report, valid.rs, valid.ss, valid.rawVs)).wait();
  });

  it("keeps calling the validator after a reconfiguration (the hot word's validator bit survives)", async () => {
    const feed = await deployOcrFeed(4, 1);
    const validator = await feed.ethers.deployContract("TestValidator");
    await (await feed.aggregator.setValidatorConfig(await validator.getAddress(), 100_000)).wait();
    await (await feed.aggregator.setConfig(feed.signers, feed.transmitters, 1, 1, "0x01")).wait();
    await feed.transmit(1, 1, priceObservations(4, 1));
    expect(await validator.callCount()).to.equal(1n);
    await (await feed.aggregator.setValidatorConfig(feed.ethers.ZeroAddress, 0)).wait();
    await feed.transmit(1, 2, priceObservations(4, 2));
    expect(await validator.callCount()).to.equal(1n);
  });
});
