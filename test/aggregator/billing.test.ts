/**
 * Billing (spec §1.10): observation rewards, the gas price rule, gas reimbursement checked against
 * the transaction's real gas, payouts, withdrawals, LINK accounting, payee management and
 * switching the LINK token. Every expected amount is computed here, independently of the contract.
 */
import { expect } from "chai";
import type { Contract, TransactionReceipt, TransactionResponse } from "ethers";
import { network } from "hardhat";

import { hexToBytes } from "../../plugin/core/bytes.js";
import {
  type Billing,
  type Connection,
  type Feed,
  BILLING,
  GWEI,
  LINK,
  billingArgs,
  feedFixture,
  transmit,
  transmitAndWait,
} from "../../testkit/feed-fixture.js";

const VALUES = [10n, 20n, 30n, 40n];
/** Reward per observation in LINK-wei with the integration billing: 1e8 gwei of LINK = 0.1 LINK. */
const OBSERVATION_REWARD = BILLING.linkGweiPerObservation * GWEI;
const TRANSMISSION_REWARD = BILLING.linkGweiPerTransmission * GWEI;

/** The gas price the contract should use, in gwei (spec §1.10 step 2), from tx.gasprice in wei. */
function impliedGasPriceGwei(txGasPriceWei: bigint, billing: Billing): bigint {
  const txGwei = txGasPriceWei / GWEI;
  const p = txGwei < billing.reasonableGasPrice ? txGwei + (billing.reasonableGasPrice - txGwei) / 2n : txGwei;
  return p < billing.maximumGasPrice ? p : billing.maximumGasPrice;
}

/** Intrinsic calldata gas (EIP-2028): 4 per zero byte, 16 per non-zero byte. */
function calldataIntrinsicGas(data: Uint8Array): bigint {
  let gas = 0n;
  for (const b of data) gas += b === 0 ? 4n : 16n;
  return gas;
}

/**
 * The internal gas figure the contract's reimbursement implies: reimbursement − transmission reward
 * = gasUsed · p · 1e9 · microLinkPerEth / 1e6 exactly (1e9/1e6 is an integer, so the floor never
 * cuts anything). Returns the gas and asserts the division is exact.
 */
function impliedInternalGas(reimbursement: bigint, pGwei: bigint, billing: Billing): bigint {
  const linkWeiPerGas = pGwei * GWEI * billing.microLinkPerEth / 1_000_000n;
  const cost = reimbursement - billing.linkGweiPerTransmission * GWEI;
  expect(cost % linkWeiPerGas, "reimbursement is not a whole number of gas units at price p").to.equal(0n);
  return cost / linkWeiPerGas;
}

/**
 * What the transaction really burned on execution, plus the calldata premium the contract charges:
 * receipt.gasUsed − 21000 − intrinsic calldata gas + 16·len(calldata). The contract's figure is
 * (initialGas − gasleft at its accounting point) + 16·len + its accounting constant, so the two
 * differ only by (accounting constant − gas spent before `initialGas` is read − gas spent after the
 * final gasleft()). See UNDERPAY_SLACK.
 */
function executionGasPlusCalldataPremium(receipt: TransactionReceipt, calldata: Uint8Array): bigint {
  return receipt.gasUsed - 21_000n - calldataIntrinsicGas(calldata) + 16n * BigInt(calldata.length);
}
/**
 * Window for (implied internal gas − (execution + calldata premium)). That difference is
 * (accounting constant − gas spent before `initialGas` is read − gas spent after the final
 * gasleft()). The dispatcher and selector matching before `initialGas` are by design not
 * reimbursed (a few hundred gas), and the constant estimates the tail only approximately, so the
 * reimbursement may fall short by up to UNDERPAY_SLACK; it must never exceed the gas really burned
 * by more than OVERPAY_SLACK, or transmitting would turn a profit. Measured here: about −750 for
 * 4-oracle report. Both bounds are far tighter than a wrong price rule (off by a factor) or a
 * missing calldata term (~10k gas) would produce.
 */
const UNDERPAY_SLACK = 1_500n;
const OVERPAY_SLACK = 500n;

function expectWithinAccountingWindow(internalGas: bigint, reference: bigint): void {
  const diff = internalGas - reference;
  expect(diff, `internal ${internalGas} vs reference ${reference}`).to.be.within(-UNDERPAY_SLACK, OVERPAY_SLACK);
}

describe("OffchainAggregator billing", function () {
  let connection: Connection;
  before(async function () {
    connection = await network.create();
  });

  const standardFeed = feedFixture();
  /** 1 LINK per ETH, so reimbursements are easy to invert; prices 200 reasonable / 1000 max. */
  const unitRateFeed = feedFixture({ billing: { ...BILLING, microLinkPerEth: 1_000_000n } });
  const bigUnitRateFeed = feedFixture({ n: 31, f: 10, billing: { ...BILLING, microLinkPerEth: 1_000_000n } });
  const unfundedFeed = feedFixture({ linkFunding: 0n });
  const toggleFeed = feedFixture({ link: "ToggleLinkToken" });

  async function owed(feed: Feed, i: number): Promise<bigint> {
    return feed.aggregator.owedPayment(feed.oracles[i].transmitter.address);
  }

  async function pricedTransmit(feed: Feed, gasPriceWei: bigint, epoch: number, transmitter = 0) {
    // Base fee 0 so that any legacy gas price, even below one gwei, is includable.
    await feed.networkHelpers.setNextBlockBaseFeePerGas(0);
    const before = await owed(feed, transmitter);
    const tx = await transmit(feed, { epoch, round: 1, values: VALUES, transmitter, gasPrice: gasPriceWei });
    const receipt = (await tx.wait())!;
    expect(receipt.gasPrice).to.equal(gasPriceWei);
    const reimbursement = (await owed(feed, transmitter)) - before - OBSERVATION_REWARD;
    return { tx, receipt, reimbursement };
  }

  describe("observation rewards", function () {
    it("each observation earns linkGweiPerObservation·1e9; signing earns nothing; the transmitter also gets gas", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      // Oracles 0, 1, 2 observe; 3 and 0 sign; 1 transmits.
      const observations = [{ observer: 0, value: 1n }, { observer: 1, value: 2n }, { observer: 2, value: 3n }];
      await transmitAndWait(feed, { epoch: 1, round: 1, observations, signers: [3, 0], transmitter: 1 });
      expect(await owed(feed, 0)).to.equal(OBSERVATION_REWARD);
      expect(await owed(feed, 2)).to.equal(OBSERVATION_REWARD);
      expect(await owed(feed, 3)).to.equal(0n);
      expect(await owed(feed, 1)).to.be.greaterThan(OBSERVATION_REWARD + TRANSMISSION_REWARD);
      const counts = await Promise.all(feed.oracles.map((o) => feed.aggregator.oracleObservationCount(o.transmitter.address)));
      expect(counts).to.deep.equal([1n, 1n, 1n, 0n]);

      await transmitAndWait(feed, { epoch: 1, round: 2, values: VALUES, transmitter: 1 });
      expect(await owed(feed, 0)).to.equal(2n * OBSERVATION_REWARD);
      expect(await owed(feed, 3)).to.equal(OBSERVATION_REWARD);
      expect(await feed.aggregator.oracleObservationCount(feed.oracles[2].signer)).to.equal(2n);
    });

    it("owedPayment accepts the signer or the transmitter address, and is 0 for unknown addresses", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      await transmitAndWait(feed, { epoch: 1, round: 1, values: VALUES, transmitter: 2 });
      for (const o of feed.oracles) {
        const byTransmitter = await feed.aggregator.owedPayment(o.transmitter.address);
        expect(byTransmitter).to.be.greaterThan(0n);
        expect(await feed.aggregator.owedPayment(o.signer)).to.equal(byTransmitter);
      }
      expect(await feed.aggregator.owedPayment(await feed.strangers[0].getAddress())).to.equal(0n);
      expect(await feed.aggregator.owedPayment(feed.oracles[0].payee.address)).to.equal(0n);
    });

    it("an observer index in n..30 is accepted and its unused slot earns (counted in linkAvailableForPayment)", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      const observations = [{ observer: 0, value: 1n }, { observer: 1, value: 2n }, { observer: 7, value: 3n }];
      await transmitAndWait(feed, { epoch: 1, round: 1, observations, transmitter: 2 });
      const balance: bigint = await feed.link.balanceOf(feed.address);
      const reimbursement = await owed(feed, 2); // oracle 2 did not observe
      // Three observations are due, including slot 7 which belongs to nobody.
      expect(await feed.aggregator.linkAvailableForPayment()).to.equal(balance - 3n * OBSERVATION_REWARD - reimbursement);
    });
  });

  describe("gas price rule and reimbursement", function () {
    const cases: [string, bigint][] = [
      ["below reasonable (50 gwei -> 125)", 50n * GWEI],
      ["below reasonable with an odd gap (51 gwei -> 125)", 51n * GWEI],
      ["fractional gwei is floored (50.9 gwei -> 125)", 50_900_000_000n],
      ["between reasonable and maximum (500 gwei -> 500)", 500n * GWEI],
      ["exactly reasonable (200 gwei -> 200)", 200n * GWEI],
      ["above maximum (2000 gwei -> 1000)", 2000n * GWEI],
      ["sub-gwei (0.5 gwei -> 0 + 200/2 = 100)", 500_000_000n],
    ];
    for (const [label, gasPrice] of cases) {
      it(`${label}`, async function () {
        const feed = await connection.networkHelpers.loadFixture(unitRateFeed);
        await transmitAndWait(feed, { epoch: 1, round: 1, values: VALUES, transmitter: 1 }); // warm up: first writes
        const { receipt, tx, reimbursement } = await pricedTransmit(feed, gasPrice, 2);
        const p = impliedGasPriceGwei(gasPrice, feed.billing);
        const internalGas = impliedInternalGas(reimbursement, p, feed.billing);
        const reference = executionGasPlusCalldataPremium(receipt, hexToBytes(tx.data));
        expectWithinAccountingWindow(internalGas, reference);
      });
    }

    it("31 oracles, 31 observations, 11 signatures: reimbursement within the same window", async function () {
      const feed = await connection.networkHelpers.loadFixture(bigUnitRateFeed);
      const values = Array.from({ length: 31 }, (_, i) => BigInt(i));
      await transmitAndWait(feed, { epoch: 1, round: 1, values, transmitter: 1 });
      await feed.networkHelpers.setNextBlockBaseFeePerGas(0);
      const before = await owed(feed, 0);
      const tx = await transmit(feed, { epoch: 1, round: 2, values, transmitter: 0, gasPrice: 20n * GWEI });
      const receipt = (await tx.wait())!;
      const reimbursement = (await owed(feed, 0)) - before - OBSERVATION_REWARD;
      const internalGas = impliedInternalGas(reimbursement, impliedGasPriceGwei(20n * GWEI, feed.billing), feed.billing);
      const reference = executionGasPlusCalldataPremium(receipt, hexToBytes(tx.data));
      console.log(
        `      transmit 31/10/31/11: receipt.gasUsed ${receipt.gasUsed}, calldata ${hexToBytes(tx.data).length} B, ` +
          `reimbursed gas ${internalGas}, reference ${reference} (diff ${internalGas - reference})`,
      );
      expectWithinAccountingWindow(internalGas, reference);
    });

    it("the reimbursement formula with microLinkPerEth = 3.6e7 (integration billing)", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      await transmitAndWait(feed, { epoch: 1, round: 1, values: VALUES, transmitter: 1 });
      const { receipt, tx, reimbursement } = await pricedTransmit(feed, 30n * GWEI, 2);
      const p = impliedGasPriceGwei(30n * GWEI, feed.billing); // 30 + 85 = 115
      expect(p).to.equal(115n);
      const internalGas = impliedInternalGas(reimbursement, p, feed.billing);
      const reference = executionGasPlusCalldataPremium(receipt, hexToBytes(tx.data));
      console.log(
        `      transmit 4/1/4/2: receipt.gasUsed ${receipt.gasUsed}, calldata ${hexToBytes(tx.data).length} B, ` +
          `reimbursed gas ${internalGas}, reference ${reference} (diff ${internalGas - reference})`,
      );
      expectWithinAccountingWindow(internalGas, reference);
      // Exact credit for that gas figure, computed independently.
      expect(reimbursement).to.equal(
        (internalGas * p * GWEI * feed.billing.microLinkPerEth) / 1_000_000n + feed.billing.linkGweiPerTransmission * GWEI,
      );
    });
  });

  describe("payouts", function () {
    it("withdrawPayment pays the payee exactly what is owed and emits OraclePaid", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      await transmitAndWait(feed, { epoch: 1, round: 1, values: VALUES, transmitter: 1 });
      const oracle = feed.oracles[1];
      const amount = await owed(feed, 1);
      const agg = feed.aggregator.connect(oracle.payee) as Contract;
      await expect(agg.withdrawPayment(oracle.transmitter.address))
        .to.emit(feed.aggregator, "OraclePaid")
        .withArgs(oracle.transmitter.address, oracle.payee.address, amount, await feed.link.getAddress());
      expect(await feed.link.balanceOf(oracle.payee.address)).to.equal(amount);
      expect(await owed(feed, 1)).to.equal(0n);
      expect(await feed.aggregator.oracleObservationCount(oracle.transmitter.address)).to.equal(0n);
      // Earning starts again from zero.
      await transmitAndWait(feed, { epoch: 1, round: 2, values: VALUES, transmitter: 0 });
      expect(await owed(feed, 1)).to.equal(OBSERVATION_REWARD);
    });

    it("withdrawPayment by anyone but the payee -> Only payee can withdraw", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      await transmitAndWait(feed, { epoch: 1, round: 1, values: VALUES });
      const o = feed.oracles[0];
      for (const caller of [feed.owner, o.transmitter, feed.oracles[1].payee]) {
        await expect((feed.aggregator.connect(caller) as Contract).withdrawPayment(o.transmitter.address)).to.be.revertedWith(
          "Only payee can withdraw",
        );
      }
    });

    it("withdrawPayment when the LINK transfer returns false -> insufficient funds", async function () {
      const feed = await connection.networkHelpers.loadFixture(toggleFeed);
      await transmitAndWait(feed, { epoch: 1, round: 1, values: VALUES });
      await (await feed.link.setTransfersReturnFalse(true)).wait();
      const o = feed.oracles[2];
      await expect((feed.aggregator.connect(o.payee) as Contract).withdrawPayment(o.transmitter.address)).to.be.revertedWith(
        "insufficient funds",
      );
    });

    it("setBilling and withdrawFunds with a LINK transfer that returns false -> insufficient funds", async function () {
      const feed = await connection.networkHelpers.loadFixture(toggleFeed);
      await transmitAndWait(feed, { epoch: 1, round: 1, values: VALUES });
      await (await feed.link.setTransfersReturnFalse(true)).wait();
      // setBilling must pay the owed oracles first, and that payment fails.
      await expect(feed.aggregator.setBilling(...billingArgs(BILLING))).to.be.revertedWith("insufficient funds");
      await expect(feed.aggregator.withdrawFunds(await feed.owner.getAddress(), 1n)).to.be.revertedWith("insufficient funds");
    });

    it("withdrawFunds sends min(balance − due, amount) and leaves what oracles are owed", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      await transmitAndWait(feed, { epoch: 1, round: 1, values: VALUES });
      const recipient = await feed.strangers[3].getAddress();
      const balance: bigint = await feed.link.balanceOf(feed.address);
      const due = (await Promise.all(feed.oracles.map((_, i) => owed(feed, i)))).reduce((a, b) => a + b, 0n);
      expect(await feed.aggregator.linkAvailableForPayment()).to.equal(balance - due);
      await (await feed.aggregator.withdrawFunds(recipient, 5n * LINK)).wait();
      expect(await feed.link.balanceOf(recipient)).to.equal(5n * LINK);
      await (await feed.aggregator.withdrawFunds(recipient, 10n ** 30n)).wait();
      expect(await feed.link.balanceOf(recipient)).to.equal(balance - due);
      expect(await feed.link.balanceOf(feed.address)).to.equal(due);
      expect(await feed.aggregator.linkAvailableForPayment()).to.equal(0n);
    });

    it("withdrawFunds by a stranger -> Only owner&billingAdmin can call; a billing admin may", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      const admin = feed.strangers[0];
      const agg = feed.aggregator.connect(admin) as Contract;
      await expect(agg.withdrawFunds(await admin.getAddress(), 1n)).to.be.revertedWith("Only owner&billingAdmin can call");
      await (await feed.billingAccessController!.addAccess(await admin.getAddress())).wait();
      await (await agg.withdrawFunds(await admin.getAddress(), 1n)).wait();
      expect(await feed.link.balanceOf(await admin.getAddress())).to.equal(1n);
    });

    it("with less LINK than is due: linkAvailableForPayment is negative and withdrawFunds -> insufficient balance", async function () {
      const feed = await connection.networkHelpers.loadFixture(unfundedFeed);
      await transmitAndWait(feed, { epoch: 1, round: 1, values: VALUES });
      const due = (await Promise.all(feed.oracles.map((_, i) => owed(feed, i)))).reduce((a, b) => a + b, 0n);
      expect(await feed.aggregator.linkAvailableForPayment()).to.equal(-due);
      await expect(feed.aggregator.withdrawFunds(await feed.owner.getAddress(), 0n)).to.be.revertedWith("insufficient balance");
    });

    it("setBilling pays every oracle first, then emits BillingSet with the new values", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      await transmitAndWait(feed, { epoch: 1, round: 1, values: VALUES, transmitter: 3 });
      const amounts = await Promise.all(feed.oracles.map((_, i) => owed(feed, i)));
      const next: Billing = { maximumGasPrice: 500n, reasonableGasPrice: 50n, microLinkPerEth: 1n, linkGweiPerObservation: 2n, linkGweiPerTransmission: 3n };
      const tx: TransactionResponse = await feed.aggregator.setBilling(...billingArgs(next));
      const receipt = (await tx.wait())!;
      const events = receipt.logs
        .filter((l) => l.address.toLowerCase() === feed.address.toLowerCase())
        .map((l) => feed.aggregator.interface.parseLog(l)!);
      expect(events.map((e) => e.name)).to.deep.equal(["OraclePaid", "OraclePaid", "OraclePaid", "OraclePaid", "BillingSet"]);
      expect([...events[4].args]).to.deep.equal(billingArgs(next));
      for (const o of feed.oracles) {
        expect(await feed.link.balanceOf(o.payee.address)).to.equal(amounts[o.index]);
        expect(await owed(feed, o.index)).to.equal(0n);
      }
      expect([...(await feed.aggregator.getBilling())]).to.deep.equal(billingArgs(next));
      // New rewards apply from the next report on.
      await transmitAndWait(feed, { epoch: 1, round: 2, values: VALUES, transmitter: 3 });
      expect(await owed(feed, 0)).to.equal(2n * GWEI);
    });

    it("setBilling by a stranger -> Only owner&billingAdmin can call; a billing admin may", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      const admin = feed.strangers[1];
      const agg = feed.aggregator.connect(admin) as Contract;
      await expect(agg.setBilling(...billingArgs(BILLING))).to.be.revertedWith("Only owner&billingAdmin can call");
      await (await feed.billingAccessController!.addAccess(await admin.getAddress())).wait();
      await expect(agg.setBilling(...billingArgs(BILLING))).to.emit(feed.aggregator, "BillingSet");
    });

    it("setBillingAccessController is owner-only and emits only on change", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      const current = await feed.billingAccessController!.getAddress();
      const next = await feed.strangers[5].getAddress();
      await expect((feed.aggregator.connect(feed.strangers[0]) as Contract).setBillingAccessController(next)).to.be.revertedWith(
        "Only callable by owner",
      );
      await expect(feed.aggregator.setBillingAccessController(current)).not.to.emit(feed.aggregator, "BillingAccessControllerSet");
      await expect(feed.aggregator.setBillingAccessController(next))
        .to.emit(feed.aggregator, "BillingAccessControllerSet")
        .withArgs(current, next);
      expect(await feed.aggregator.billingAccessController()).to.equal(next);
    });
  });

  describe("setLinkToken", function () {
    async function secondToken(feed: Feed): Promise<Contract> {
      return (await feed.ethers.deployContract("LinkToken")) as unknown as Contract;
    }

    it("pays oracles in the old token, moves the remaining old balance to the recipient, emits LinkTokenSet", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      await transmitAndWait(feed, { epoch: 1, round: 1, values: VALUES });
      const amounts = await Promise.all(feed.oracles.map((_, i) => owed(feed, i)));
      const balance: bigint = await feed.link.balanceOf(feed.address);
      const newToken = await secondToken(feed);
      const recipient = await feed.strangers[4].getAddress();
      const oldAddress = await feed.link.getAddress();
      const tx = feed.aggregator.setLinkToken(await newToken.getAddress(), recipient);
      await expect(tx).to.emit(feed.aggregator, "LinkTokenSet").withArgs(oldAddress, await newToken.getAddress());
      await expect(tx)
        .to.emit(feed.aggregator, "OraclePaid")
        .withArgs(feed.oracles[0].transmitter.address, feed.oracles[0].payee.address, amounts[0], oldAddress);
      const paid = amounts.reduce((a, b) => a + b, 0n);
      expect(await feed.link.balanceOf(recipient)).to.equal(balance - paid);
      expect(await feed.link.balanceOf(feed.address)).to.equal(0n);
      expect(await feed.aggregator.getLinkToken()).to.equal(await newToken.getAddress());
      expect(await feed.aggregator.linkAvailableForPayment()).to.equal(0n);
    });

    it("is a no-op (no event) when the token is unchanged, and owner-only", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      const recipient = await feed.strangers[4].getAddress();
      await expect(feed.aggregator.setLinkToken(await feed.link.getAddress(), recipient)).not.to.emit(feed.aggregator, "LinkTokenSet");
      expect(await feed.link.balanceOf(recipient)).to.equal(0n);
      const newToken = await secondToken(feed);
      await expect(
        (feed.aggregator.connect(feed.strangers[0]) as Contract).setLinkToken(await newToken.getAddress(), recipient),
      ).to.be.revertedWith("Only callable by owner");
    });

    it("an old token whose transfer returns false -> transfer remaining funds failed", async function () {
      const feed = await connection.networkHelpers.loadFixture(toggleFeed);
      // Nothing is owed yet, so paying the oracles transfers nothing and only the final move fails.
      await (await feed.link.setTransfersReturnFalse(true)).wait();
      const newToken = await secondToken(feed);
      await expect(feed.aggregator.setLinkToken(await newToken.getAddress(), await feed.strangers[4].getAddress())).to.be.revertedWith(
        "transfer remaining funds failed",
      );
    });
  });

  describe("payees", function () {
    it("setPayees: mismatched lengths -> transmitters.size != payees.size; owner-only", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      const t = feed.oracles.map((o) => o.transmitter.address);
      const p = feed.oracles.map((o) => o.payee.address);
      await expect(feed.aggregator.setPayees(t, p.slice(1))).to.be.revertedWith("transmitters.size != payees.size");
      await expect((feed.aggregator.connect(feed.strangers[0]) as Contract).setPayees(t, p)).to.be.revertedWith(
        "Only callable by owner",
      );
    });

    it("setPayees: a different payee for a transmitter that has one -> payee already set; the same one is silent", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      const o = feed.oracles[0];
      await expect(feed.aggregator.setPayees([o.transmitter.address], [await feed.strangers[0].getAddress()])).to.be.revertedWith(
        "payee already set",
      );
      await expect(feed.aggregator.setPayees([o.transmitter.address], [o.payee.address])).not.to.emit(
        feed.aggregator,
        "PayeeshipTransferred",
      );
    });

    it("setPayees emits PayeeshipTransferred(transmitter, 0, payee) for a new payee", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      const transmitter = await feed.strangers[6].getAddress();
      const payee = await feed.strangers[7].getAddress();
      await expect(feed.aggregator.setPayees([transmitter], [payee]))
        .to.emit(feed.aggregator, "PayeeshipTransferred")
        .withArgs(transmitter, "0x0000000000000000000000000000000000000000", payee);
    });

    it("transferPayeeship / acceptPayeeship: the two-step handover and its reverts", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      const o = feed.oracles[1];
      const next = feed.strangers[2];
      const nextAddress = await next.getAddress();
      const asPayee = feed.aggregator.connect(o.payee) as Contract;
      await expect((feed.aggregator.connect(feed.strangers[0]) as Contract).transferPayeeship(o.transmitter.address, nextAddress)).to.be.revertedWith(
        "only current payee can update",
      );
      await expect(asPayee.transferPayeeship(o.transmitter.address, o.payee.address)).to.be.revertedWith("cannot transfer to self");
      await expect(asPayee.transferPayeeship(o.transmitter.address, nextAddress))
        .to.emit(feed.aggregator, "PayeeshipTransferRequested")
        .withArgs(o.transmitter.address, o.payee.address, nextAddress);
      // Proposing the same address again changes nothing and announces nothing.
      await expect(asPayee.transferPayeeship(o.transmitter.address, nextAddress)).not.to.emit(
        feed.aggregator,
        "PayeeshipTransferRequested",
      );
      await expect((feed.aggregator.connect(feed.strangers[0]) as Contract).acceptPayeeship(o.transmitter.address)).to.be.revertedWith(
        "only proposed payees can accept",
      );
      await expect((feed.aggregator.connect(next) as Contract).acceptPayeeship(o.transmitter.address))
        .to.emit(feed.aggregator, "PayeeshipTransferred")
        .withArgs(o.transmitter.address, o.payee.address, nextAddress);
      // The new payee withdraws; the old one no longer can.
      await transmitAndWait(feed, { epoch: 1, round: 1, values: VALUES });
      await expect(asPayee.withdrawPayment(o.transmitter.address)).to.be.revertedWith("Only payee can withdraw");
      await expect((feed.aggregator.connect(next) as Contract).withdrawPayment(o.transmitter.address))
        .to.emit(feed.aggregator, "OraclePaid")
        .withArgs(o.transmitter.address, nextAddress, OBSERVATION_REWARD, await feed.link.getAddress());
    });
  });
});
