/**
 * OCR2Aggregator billing: per-round observation rewards for every oracle, the transmitter's gas
 * reimbursement recomputed independently here from an opcode trace, negative and zero
 * juelsPerFeeCoin, payouts, funds, the LINK token switch and payees.
 */
import { expect } from "chai";

import { addressFromPrivateKey } from "../../plugin/core/address.js";
import { oracleKey } from "../../testkit/feed-fixture.js";
import { priceObservations } from "../../testkit/markets.js";
import { OCR2_BILLING, OCR2_KEY_SEED, deployOcr2Feed } from "../../testkit/ocr2-fixture.js";

type Feed = Awaited<ReturnType<typeof deployOcr2Feed>>;
const GWEI = 10n ** 9n;
const OBSERVATION_JUELS = OCR2_BILLING.observationPaymentGjuels * GWEI;
const TRANSMISSION_JUELS = OCR2_BILLING.transmissionPaymentGjuels * GWEI;

/** The reimbursed gas price in gwei, written out from the billing rules. */
function reimbursedGasPriceGwei(txGasPriceWei: bigint): bigint {
  const tx = txGasPriceWei / GWEI;
  const reasonable = OCR2_BILLING.reasonableGasPriceGwei;
  const withSavings = tx < reasonable ? tx + (reasonable - tx) / 2n : tx;
  return withSavings < OCR2_BILLING.maximumGasPriceGwei ? withSavings : OCR2_BILLING.maximumGasPriceGwei;
}

/** The transmitter's payment balance (slot 2 struct: active, index, uint96 paymentJuels). */
async function paymentJuels(feed: Feed, transmitter: string): Promise<bigint> {
  const slot = feed.ethers.keccak256(feed.ethers.AbiCoder.defaultAbiCoder().encode(["address", "uint256"], [transmitter, 2]));
  const word = BigInt(await feed.ethers.provider.getStorage(feed.aggregatorAddress, slot));
  return (word >> 16n) & ((1n << 96n) - 1n);
}

/** Gas between the first GAS opcode (initialGas) and the last one (leftGas) of a transaction. */
async function measuredGas(feed: Feed, txHash: string): Promise<bigint> {
  const trace = await feed.ethers.provider.send("debug_traceTransaction", [txHash]);
  const gasOps = (trace.structLogs as { op: string; gas: number; gasCost: number; depth: number }[]).filter(
    (l) => l.op === "GAS" && l.depth === 1,
  );
  const first = gasOps[0];
  const last = gasOps[gasOps.length - 1];
  return BigInt(first.gas - first.gasCost - (last.gas - last.gasCost));
}

describe("OCR2Aggregator billing", function () {
  it("reimburses usedGas · price · juelsPerFeeCoin / 1e18 plus the transmission payment, per gas-price regime", async () => {
    const feed = await deployOcr2Feed(4, 1);
    const juels = 7n * 10n ** 17n;
    let round = 0;
    for (const gasPrice of [20n * GWEI, 500n * GWEI, 2000n * GWEI, GWEI / 2n]) {
      round++;
      const t = feed.transmitters[round % 4];
      const before = await paymentJuels(feed, t);
      const { tx } = await feed.transmit(1, round, feed.reportOf(priceObservations(4, round), 1, juels), {
        transmitterIndex: round % 4,
        gasPrice,
      });
      const calldataBytes = BigInt((tx.data.length - 2) / 2);
      const usedGas = (await measuredGas(feed, tx.hash)) + 16n * calldataBytes + OCR2_BILLING.accountingGas;
      const expected = (usedGas * reimbursedGasPriceGwei(gasPrice) * GWEI * juels) / 10n ** 18n + TRANSMISSION_JUELS;
      expect(await paymentJuels(feed, t)).to.equal(before + expected);
    }
  });

  it("pays nothing for a negative juelsPerFeeCoin and only the transmission payment for 0", async () => {
    const feed = await deployOcr2Feed(4, 1);
    const t = feed.transmitters[0];
    await feed.transmit(1, 1, feed.reportOf(priceObservations(4, 1), 1, -1n));
    expect(await paymentJuels(feed, t)).to.equal(0n);
    await feed.transmit(1, 2, feed.reportOf(priceObservations(4, 2), 1, 0n));
    expect(await paymentJuels(feed, t)).to.equal(TRANSMISSION_JUELS);
  });

  it("rewards every configured oracle per round, pays out on withdrawPayment, and accounts funds", async () => {
    const feed = await deployOcr2Feed(4, 1);
    for (let r = 1; r <= 3; r++) await feed.transmit(1, r, feed.reportOf(priceObservations(4, r)), { transmitterIndex: 0 });
    // Oracle 3 never observed or transmitted, and is still owed 3 rounds.
    expect(await feed.aggregator.oracleObservationCount(feed.transmitters[3])).to.equal(3n);
    expect(await feed.aggregator.owedPayment(feed.transmitters[3])).to.equal(3n * OBSERVATION_JUELS);
    const owed0 = 3n * OBSERVATION_JUELS + (await paymentJuels(feed, feed.transmitters[0]));
    expect(await feed.aggregator.owedPayment(feed.transmitters[0])).to.equal(owed0);
    // Neither signers nor strangers are owed anything.
    expect(await feed.aggregator.owedPayment(feed.signers[0])).to.equal(0n);
    expect(await feed.aggregator.oracleObservationCount(feed.signers[0])).to.equal(0n);

    const balance = await feed.link.balanceOf(feed.aggregatorAddress);
    const due = 9n * OBSERVATION_JUELS + owed0;
    expect(await feed.aggregator.linkAvailableForPayment()).to.equal(balance - due);

    await expect(feed.aggregator.withdrawPayment(feed.transmitters[0])).to.be.revertedWith("Only payee can withdraw");
    const payee0 = new feed.ethers.Wallet(feed.ethers.hexlify(oracleKey(OCR2_KEY_SEED, 0, "payee")), feed.ethers.provider);
    await feed.networkHelpers.setBalance(payee0.address, 10n ** 18n);
    await expect((feed.aggregator.connect(payee0) as typeof feed.aggregator).withdrawPayment(feed.transmitters[0]))
      .to.emit(feed.aggregator, "OraclePaid")
      .withArgs(feed.transmitters[0], payee0.address, owed0, await feed.link.getAddress());
    expect(await feed.link.balanceOf(payee0.address)).to.equal(owed0);
    expect(await feed.aggregator.owedPayment(feed.transmitters[0])).to.equal(0n);
    expect(await feed.aggregator.oracleObservationCount(feed.transmitters[0])).to.equal(0n);
  });

  it("setBilling: access, pays at the old rates first, emits BillingSet; zero-rate rounds become payable", async () => {
    const feed = await deployOcr2Feed(4, 1, { noBilling: true });
    await expect(feed.aggregator.connect(feed.stranger).setBilling(1, 1, 1, 1, 1)).to.be.revertedWithoutReason(feed.ethers);
    const controller = await feed.ethers.deployContract("SimpleWriteAccessController");
    await expect(feed.aggregator.setBillingAccessController(await controller.getAddress()))
      .to.emit(feed.aggregator, "BillingAccessControllerSet")
      .withArgs(feed.ethers.ZeroAddress, await controller.getAddress());
    expect(await feed.aggregator.getBillingAccessController()).to.equal(await controller.getAddress());
    await expect(feed.aggregator.connect(feed.stranger).setBilling(1, 1, 1, 1, 1)).to.be.revertedWith("Only owner&billingAdmin can call");

    // Two rounds at observation payment 0: nothing paid, reward starts stay put.
    await feed.transmit(1, 1, feed.reportOf(priceObservations(4, 1)));
    await feed.transmit(1, 2, feed.reportOf(priceObservations(4, 2)));
    await (await controller.addAccess(feed.stranger.address)).wait();
    await expect(feed.aggregator.connect(feed.stranger).setBilling(10, 5, 3, 4, 1000))
      .to.emit(feed.aggregator, "BillingSet")
      .withArgs(10n, 5n, 3n, 4n, 1000n)
      .and.not.to.emit(feed.aggregator, "OraclePaid");
    expect(await feed.aggregator.getBilling()).to.deep.equal([10n, 5n, 3n, 4n, 1000n]);
    // Retroactive: the two zero-rate rounds are now payable at 3 Gjuels each.
    expect(await feed.aggregator.owedPayment(feed.transmitters[2])).to.equal(2n * 3n * GWEI);
    // Changing billing again pays everyone at the old rate, in config order.
    const tx = await feed.aggregator.setBilling(0, 0, 0, 0, 0);
    const paid = (await tx.wait())!.logs
      .map((l) => feed.aggregator.interface.parseLog(l))
      .filter((p) => p?.name === "OraclePaid")
      .map((p) => [p!.args.transmitter as string, p!.args.amount as bigint] as const);
    expect(paid.map((p) => p[0])).to.deep.equal(feed.transmitters);
    expect(paid[1][1]).to.equal(6n * GWEI);
    expect(await feed.aggregator.owedPayment(feed.transmitters[1])).to.equal(0n);
  });

  it("withdrawFunds sends at most what is not owed; insufficient balance when underfunded", async () => {
    const feed = await deployOcr2Feed(4, 1);
    await feed.transmit(1, 1, feed.reportOf(priceObservations(4, 1)));
    const recipient = addressFromPrivateKey(oracleKey(OCR2_KEY_SEED, 0, "recipient"));
    await expect(feed.aggregator.connect(feed.stranger).withdrawFunds(recipient, 1)).to.be.revertedWithoutReason(feed.ethers);
    const available = await feed.aggregator.linkAvailableForPayment();
    await (await feed.aggregator.withdrawFunds(recipient, 10n ** 30n)).wait();
    expect(await feed.link.balanceOf(recipient)).to.equal(available);
    expect(await feed.aggregator.linkAvailableForPayment()).to.equal(0n);
    await feed.transmit(1, 2, feed.reportOf(priceObservations(4, 2)));
    expect(await feed.aggregator.linkAvailableForPayment()).to.be.lessThan(0n);
    await expect(feed.aggregator.withdrawFunds(recipient, 1)).to.be.revertedWith("insufficient balance");
  });

  it("setLinkToken: no-op for the same token; otherwise pays oracles, moves the rest, emits LinkTokenSet", async () => {
    const feed = await deployOcr2Feed(4, 1);
    await feed.transmit(1, 1, feed.reportOf(priceObservations(4, 1)));
    const linkAddress = await feed.link.getAddress();
    const recipient = addressFromPrivateKey(oracleKey(OCR2_KEY_SEED, 1, "recipient"));
    await expect(feed.aggregator.connect(feed.stranger).setLinkToken(linkAddress, recipient)).to.be.revertedWith("Only callable by owner");
    await expect(feed.aggregator.setLinkToken(linkAddress, recipient)).to.not.emit(feed.aggregator, "LinkTokenSet");
    const newLink = await feed.ethers.deployContract("LinkToken");
    const balance = await feed.link.balanceOf(feed.aggregatorAddress);
    const owedTotal = balance - (await feed.aggregator.linkAvailableForPayment());
    await expect(feed.aggregator.setLinkToken(await newLink.getAddress(), recipient))
      .to.emit(feed.aggregator, "LinkTokenSet")
      .withArgs(linkAddress, await newLink.getAddress())
      .and.to.emit(feed.aggregator, "OraclePaid");
    expect(await feed.link.balanceOf(recipient)).to.equal(balance - owedTotal);
    expect(await feed.aggregator.getLinkToken()).to.equal(await newLink.getAddress());
  });

  it("payees: setPayees rules, two-step payeeship transfer", async () => {
    const feed = await deployOcr2Feed(4, 1, { noBilling: true });
    const t = feed.transmitters[0];
    const [p0, p1] = [feed.payees[0], addressFromPrivateKey(oracleKey(OCR2_KEY_SEED, 0, "other-payee"))];
    await expect(feed.aggregator.setPayees([t], [])).to.be.revertedWith("transmitters.size != payees.size");
    await expect(feed.aggregator.setPayees([t], [p1])).to.be.revertedWith("payee already set");
    await expect(feed.aggregator.setPayees([t], [p0])).to.not.emit(feed.aggregator, "PayeeshipTransferred");
    await expect(feed.aggregator.connect(feed.stranger).setPayees([t], [p0])).to.be.revertedWith("Only callable by owner");

    const payee = new feed.ethers.Wallet(feed.ethers.hexlify(oracleKey(OCR2_KEY_SEED, 0, "payee")), feed.ethers.provider);
    const next = new feed.ethers.Wallet(feed.ethers.hexlify(oracleKey(OCR2_KEY_SEED, 0, "other-payee")), feed.ethers.provider);
    for (const w of [payee, next]) await feed.networkHelpers.setBalance(w.address, 10n ** 18n);
    const asPayee = feed.aggregator.connect(payee) as typeof feed.aggregator;
    const asNext = feed.aggregator.connect(next) as typeof feed.aggregator;
    await expect(asNext.transferPayeeship(t, next.address)).to.be.revertedWith("only current payee can update");
    await expect(asPayee.transferPayeeship(t, payee.address)).to.be.revertedWith("cannot transfer to self");
    await expect(asPayee.transferPayeeship(t, next.address))
      .to.emit(feed.aggregator, "PayeeshipTransferRequested")
      .withArgs(t, payee.address, next.address);
    await expect(asPayee.transferPayeeship(t, next.address)).to.not.emit(feed.aggregator, "PayeeshipTransferRequested");
    await expect(asPayee.acceptPayeeship(t)).to.be.revertedWith("only proposed payees can accept");
    await expect(asNext.acceptPayeeship(t)).to.emit(feed.aggregator, "PayeeshipTransferred").withArgs(t, payee.address, next.address);
    await expect(asPayee.withdrawPayment(t)).to.be.revertedWith("Only payee can withdraw");
    // Nothing owed: withdrawPayment is a no-op for the new payee.
    await expect(asNext.withdrawPayment(t)).to.not.emit(feed.aggregator, "OraclePaid");
  });
});
