/**
 * LinkToken: the ERC-20 behaviour the aggregator's billing relies on, and ERC-677
 * transferAndCall delivering onTokenTransfer to a receiving contract.
 */
import { expect } from "chai";
import type { Contract } from "ethers";
import { network } from "hardhat";

import type { Connection } from "../../testkit/feed-fixture.js";

describe("LinkToken", function () {
  let connection: Connection;
  before(async function () {
    connection = await network.create();
  });

  /** The LINK token, a transferAndCall receiver, and three accounts (the deployer holds the supply). */
  async function tokens(c: Connection) {
    const [deployer, alice, bob] = await c.ethers.getSigners();
    const link = (await c.ethers.deployContract("LinkToken")) as unknown as Contract;
    const receiver = (await c.ethers.deployContract("TokenReceiverMock")) as unknown as Contract;
    return { link, receiver, deployer, alice, bob };
  }

  it("has 18 decimals and the deployer holds the whole supply", async function () {
    const { link, deployer } = await connection.networkHelpers.loadFixture(tokens);
    expect(await link.decimals()).to.equal(18n);
    const supply: bigint = await link.totalSupply();
    expect(supply).to.be.greaterThan(0n);
    expect(await link.balanceOf(await deployer.getAddress())).to.equal(supply);
  });

  it("transfer moves balances and emits Transfer; overdrafts revert", async function () {
    const { link, deployer, alice, bob } = await connection.networkHelpers.loadFixture(tokens);
    const aliceAddress = await alice.getAddress();
    await expect(link.transfer(aliceAddress, 1000n))
      .to.emit(link, "Transfer(address,address,uint256)")
      .withArgs(await deployer.getAddress(), aliceAddress, 1000n);
    expect(await link.balanceOf(aliceAddress)).to.equal(1000n);
    await expect((link.connect(alice) as Contract).transfer(await bob.getAddress(), 1001n)).to.revert(connection.ethers);
  });

  it("approve / allowance / transferFrom, and increaseApproval / decreaseApproval", async function () {
    const { link, deployer, alice, bob } = await connection.networkHelpers.loadFixture(tokens);
    const owner = await deployer.getAddress();
    const spender = await alice.getAddress();
    const bobAddress = await bob.getAddress();
    await expect(link.approve(spender, 500n)).to.emit(link, "Approval").withArgs(owner, spender, 500n);
    expect(await link.allowance(owner, spender)).to.equal(500n);
    await (await (link.connect(alice) as Contract).transferFrom(owner, bobAddress, 200n)).wait();
    expect(await link.balanceOf(bobAddress)).to.equal(200n);
    expect(await link.allowance(owner, spender)).to.equal(300n);
    await expect((link.connect(alice) as Contract).transferFrom(owner, bobAddress, 301n)).to.revert(connection.ethers);
    await (await link.increaseApproval(spender, 100n)).wait();
    expect(await link.allowance(owner, spender)).to.equal(400n);
    await (await link.decreaseApproval(spender, 50n)).wait();
    expect(await link.allowance(owner, spender)).to.equal(350n);
  });

  it("transferAndCall to a contract calls onTokenTransfer(sender, value, data)", async function () {
    const { link, receiver, deployer } = await connection.networkHelpers.loadFixture(tokens);
    const receiverAddress = await receiver.getAddress();
    await (await link.transferAndCall(receiverAddress, 42n, "0xc0ffee")).wait();
    expect(await link.balanceOf(receiverAddress)).to.equal(42n);
    expect(await receiver.calls()).to.equal(1n);
    expect(await receiver.lastSender()).to.equal(await deployer.getAddress());
    expect(await receiver.lastValue()).to.equal(42n);
    expect(await receiver.lastData()).to.equal("0xc0ffee");
  });

  it("transferAndCall to an EOA just transfers", async function () {
    const { link, bob } = await connection.networkHelpers.loadFixture(tokens);
    const bobAddress = await bob.getAddress();
    await (await link.transferAndCall(bobAddress, 7n, "0x01")).wait();
    expect(await link.balanceOf(bobAddress)).to.equal(7n);
  });
});
