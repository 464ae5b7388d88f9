/**
 * The validator hook (spec §1.9): configuration events, the arguments the validator receives,
 * the exact gas it is given, and that a failing or absent validator never blocks a report.
 */
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { expect } from "chai";
import type { Contract } from "ethers";
import { network } from "hardhat";

import { type Connection, type Feed, deployFeed, feedFixture, transmit, transmitAndWait } from "../../testkit/feed-fixture.js";

const ZERO = "0x0000000000000000000000000000000000000000";
const GAS_LIMIT = 100_000n;

interface ValidatedFeed {
  feed: Feed;
  validator: Contract;
  validatorAddress: string;
}

describe("OffchainAggregator validator hook", function () {
  let connection: Connection;
  before(async function () {
    connection = await network.create();
  });

  async function validatedFeed(c: Connection): Promise<ValidatedFeed> {
    const feed = await deployFeed(c);
    const validator = (await c.ethers.deployContract("TestValidator")) as unknown as Contract;
    const validatorAddress = await validator.getAddress();
    await (await feed.aggregator.setValidatorConfig(validatorAddress, GAS_LIMIT)).wait();
    return { feed, validator, validatorAddress };
  }
  const plainFeed = feedFixture();

  it("setValidatorConfig emits ValidatorConfigSet(prev, prevGas, new, newGas) only on change", async function () {
    const feed = await connection.networkHelpers.loadFixture(plainFeed);
    const agg = feed.aggregator;
    const v1 = await feed.strangers[8].getAddress();
    await expect(agg.setValidatorConfig(ZERO, 0)).not.to.emit(agg, "ValidatorConfigSet");
    await expect(agg.setValidatorConfig(v1, 5000)).to.emit(agg, "ValidatorConfigSet").withArgs(ZERO, 0n, v1, 5000n);
    await expect(agg.setValidatorConfig(v1, 5000)).not.to.emit(agg, "ValidatorConfigSet");
    // A gas-limit-only change is a change.
    await expect(agg.setValidatorConfig(v1, 6000)).to.emit(agg, "ValidatorConfigSet").withArgs(v1, 5000n, v1, 6000n);
    expect([...(await agg.validatorConfig())]).to.deep.equal([v1, 6000n]);
    await expect((agg.connect(feed.strangers[0]) as Contract).setValidatorConfig(v1, 1)).to.be.revertedWith("Only callable by owner");
  });

  it("receives (previousRoundId, previousAnswer, currentRoundId, currentAnswer) after each report", async function () {
    const { feed, validator } = await connection.networkHelpers.loadFixture(validatedFeed);
    await expect(transmit(feed, { epoch: 1, round: 1, values: [1n, 2n, 3n, 4n] }))
      .to.emit(validator, "Validated")
      .withArgs(0n, 0n, 1n, 3n, anyValue);
    await expect(transmit(feed, { epoch: 1, round: 2, values: [-9n, -8n, -7n, -6n] }))
      .to.emit(validator, "Validated")
      .withArgs(1n, 3n, 2n, -7n, anyValue);
    expect(await validator.lastPreviousRoundId()).to.equal(1n);
    expect(await validator.lastPreviousAnswer()).to.equal(3n);
    expect(await validator.lastCurrentRoundId()).to.equal(2n);
    expect(await validator.lastCurrentAnswer()).to.equal(-7n);
    expect(await validator.callCount()).to.equal(2n);
  });

  it("is called with exactly gasLimit gas (gasleft inside is just under the limit)", async function () {
    const { feed, validator } = await connection.networkHelpers.loadFixture(validatedFeed);
    const { receipt } = await transmitAndWait(feed, { epoch: 1, round: 1, values: [1n, 2n, 3n, 4n], gasLimit: 2_000_000n });
    const validated = receipt.logs
      .filter((l) => l.address.toLowerCase() === validator.target.toString().toLowerCase())
      .map((l) => validator.interface.parseLog(l)!)
      .find((l) => l.name === "Validated")!;
    const gasLeft: bigint = validated.args[4];
    // With a 2M-gas transaction, a forwarding-all-gas bug would show ~1.8M here.
    expect(gasLeft).to.be.lessThan(GAS_LIMIT);
    expect(gasLeft).to.be.greaterThan(GAS_LIMIT - 60_000n); // validate's own storage writes come first
  });

  it("a reverting validator does not block the report", async function () {
    const { feed, validator } = await connection.networkHelpers.loadFixture(validatedFeed);
    await (await validator.setShouldRevert(true)).wait();
    await transmitAndWait(feed, { epoch: 1, round: 1, values: [1n, 2n, 3n, 4n] });
    expect(await feed.aggregator.latestAnswer()).to.equal(3n);
    expect(await validator.callCount()).to.equal(0n); // its writes were rolled back
  });

  it("a validator that needs more than gasLimit runs out of gas without blocking the report", async function () {
    const { feed, validator } = await connection.networkHelpers.loadFixture(validatedFeed);
    await (await validator.setMinGasUse(GAS_LIMIT * 3n)).wait();
    await transmitAndWait(feed, { epoch: 1, round: 1, values: [1n, 2n, 3n, 4n], gasLimit: 2_000_000n });
    expect(await feed.aggregator.latestRound()).to.equal(1n);
    expect(await validator.callCount()).to.equal(0n);
  });

  it("a validator that is an EOA (no code) works", async function () {
    const feed = await connection.networkHelpers.loadFixture(plainFeed);
    await (await feed.aggregator.setValidatorConfig(await feed.strangers[9].getAddress(), GAS_LIMIT)).wait();
    await transmitAndWait(feed, { epoch: 1, round: 1, values: [1n, 2n, 3n, 4n] });
    await transmitAndWait(feed, { epoch: 1, round: 2, values: [1n, 2n, 3n, 4n] });
    expect(await feed.aggregator.latestRound()).to.equal(2n);
  });

  it("removing the validator (address 0) stops the calls", async function () {
    const { feed, validator, validatorAddress } = await connection.networkHelpers.loadFixture(validatedFeed);
    await transmitAndWait(feed, { epoch: 1, round: 1, values: [1n, 2n, 3n, 4n] });
    await expect(feed.aggregator.setValidatorConfig(ZERO, 0))
      .to.emit(feed.aggregator, "ValidatorConfigSet")
      .withArgs(validatorAddress, GAS_LIMIT, ZERO, 0n);
    await transmitAndWait(feed, { epoch: 1, round: 2, values: [1n, 2n, 3n, 4n] });
    expect(await validator.callCount()).to.equal(1n);
  });
});
