import { expect } from "chai";

import { reportMedian } from "../../plugin/core/report.js";
import { BILLING, deployOcrFeed } from "../../testkit/feed-fixture.js";
import { priceObservations } from "../../testkit/markets.js";

describe("contracts smoke: LinkToken + OffchainAggregator (n=4, f=1)", function () {
  it("accepts a report signed by f+1 oracles and serves its median through every read", async function () {
    const feed = await deployOcrFeed(4, 1);
    const { aggregator, ethers, transmitters, payees } = feed;

    // Before any report, reads return zeros and do not revert.
    expect(await aggregator.latestRound()).to.equal(0n);
    const empty = await aggregator.latestRoundData();
    expect([...empty]).to.deep.equal([0n, 0n, 0n, 0n, 0n]);
    expect(await aggregator.transmitters()).to.deep.equal(transmitters);
    expect(await aggregator.typeAndVersion()).to.equal("OffchainAggregator 4.0.0");

    const values = priceObservations(4, 1);
    const { receipt, observations, report } = await feed.transmit(1, 1, values, 2);
    const sorted = observations.map((o) => o.value);
    const median = reportMedian(sorted);
    const block = await ethers.provider.getBlock(receipt.blockNumber);
    const timestamp = BigInt(block!.timestamp);

    await expect(receipt)
      .to.emit(aggregator, "NewTransmission")
      .withArgs(1n, median, transmitters[2], sorted, ethers.hexlify(Uint8Array.from(observations.map((o) => o.observer))), ethers.hexlify(report.slice(0, 32)));
    expect(await aggregator.latestAnswer()).to.equal(median);
    expect(await aggregator.latestRound()).to.equal(1n);
    expect(await aggregator.latestTimestamp()).to.equal(timestamp);
    expect([...(await aggregator.latestRoundData())]).to.deep.equal([1n, median, timestamp, timestamp, 1n]);
    expect([...(await aggregator.getRoundData(1n))]).to.deep.equal([1n, median, timestamp, timestamp, 1n]);
    const details = await aggregator.latestTransmissionDetails();
    expect(details.epoch).to.equal(1n);
    expect(details.round).to.equal(1n);
    expect(details.latestAnswer).to.equal(median);

    // The same (epoch, round) again is stale; a later one is accepted as round 2.
    await expect(feed.transmit(1, 1, values, 0)).to.be.revertedWith("stale report");
    await feed.transmit(1, 2, priceObservations(4, 2), 0);
    expect(await aggregator.latestRound()).to.equal(2n);

    // Billing: every observer earned two observation rewards, transmitters 2 and 0 a
    // reimbursement plus the transmission reward, and the payee can withdraw it in LINK.
    expect(await aggregator.oracleObservationCount(transmitters[1])).to.equal(2);
    const observationReward = 2n * BILLING.linkGweiPerObservation * 10n ** 9n;
    expect(await aggregator.owedPayment(transmitters[1])).to.equal(observationReward);
    const owed2 = await aggregator.owedPayment(transmitters[2]);
    expect(owed2 > observationReward + BILLING.linkGweiPerTransmission * 10n ** 9n).to.equal(true);
    const payee = await ethers.getImpersonatedSigner(payees[2]);
    await feed.networkHelpers.setBalance(payees[2], 10n ** 18n);
    await (await (aggregator.connect(payee) as typeof aggregator).withdrawPayment(transmitters[2])).wait();
    expect(await feed.link.balanceOf(payees[2])).to.equal(owed2);
    expect(await aggregator.owedPayment(transmitters[2])).to.equal(0n);
  });
});

describe("contracts smoke: ABI matches Chainlink's (spec §1.12)", function () {
  // selector → signature, for every function of AccessControlledOffchainAggregator in the spec
  const FUNCTIONS: Record<string, string> = {
    c9807539: "transmit(bytes,bytes32[],bytes32[],bytes32)",
    "585aa7de": "setConfig(address[],address[],uint8,uint64,bytes)",
    "81ff7048": "latestConfigDetails()",
    e5fe4577: "latestTransmissionDetails()",
    "81411834": "transmitters()",
    feaf968c: "latestRoundData()",
    "9a6fc8f5": "getRoundData(uint80)",
    "50d25bcd": "latestAnswer()",
    "8205bf6a": "latestTimestamp()",
    "668a0f02": "latestRound()",
    b5ab58dc: "getAnswer(uint256)",
    b633620c: "getTimestamp(uint256)",
    "313ce567": "decimals()",
    "7284e416": "description()",
    "54fd4d50": "version()",
    "181f5a77": "typeAndVersion()",
    "98e5b12a": "requestNewRound()",
    "9e3ceeab": "setRequesterAccessController(address)",
    "70efdf2d": "requesterAccessController()",
    eb457163: "setValidatorConfig(address,uint32)",
    "8e0566de": "validatorConfig()",
    bd824706: "setBilling(uint32,uint32,uint32,uint32,uint32)",
    "29937268": "getBilling()",
    fbffd2c1: "setBillingAccessController(address)",
    "996e8298": "billingAccessController()",
    "4fb17470": "setLinkToken(address,address)",
    e76d5168: "getLinkToken()",
    "9c849b30": "setPayees(address[],address[])",
    eb5dcd6c: "transferPayeeship(address,address)",
    b121e147: "acceptPayeeship(address)",
    "8ac28d5a": "withdrawPayment(address)",
    c1075329: "withdrawFunds(address,uint256)",
    "0eafb25b": "owedPayment(address)",
    e4902f82: "oracleObservationCount(address)",
    d09dc339: "linkAvailableForPayment()",
    "22adbc78": "minAnswer()",
    "70da2f67": "maxAnswer()",
    "8da5cb5b": "owner()",
    f2fde38b: "transferOwnership(address)",
    "79ba5097": "acceptOwnership()",
    "6b14daf8": "hasAccess(address,bytes)",
    a118f249: "addAccess(address)",
    "8823da6c": "removeAccess(address)",
    "8038e4a1": "enableAccessCheck()",
    "0a756983": "disableAccessCheck()",
    dc7f0124: "checkEnabled()",
  };
  const TOPICS: Record<string, string> = {
    "NewTransmission(uint32,int192,address,int192[],bytes,bytes32)":
      "0xf6a97944f31ea060dfde0566e4167c1a1082551e64b60ecb14d599a9d023d451",
    "ConfigSet(uint32,uint64,address[],address[],uint8,uint64,bytes)":
      "0x25d719d88a4512dd76c7442b910a83360845505894eb444ef299409e180f8fb9",
    "AnswerUpdated(int256,uint256,uint256)": "0x0559884fd3a460db3073b7fc896cc77986f16e378210ded43186175bf646fc5f",
    "NewRound(uint256,address,uint256)": "0x0109fc6f55cf40689f02fbaad7af7fe7bbac8a3d2186600afc7d3e10cac60271",
    "RoundRequested(address,bytes16,uint32,uint8)": "0x3ea16a923ff4b1df6526e854c9e3a995c43385d70e73359e10623c74f0b52037",
    "OraclePaid(address,address,uint256,address)": "0xd0b1dac935d85bd54cf0a33b0d41d39f8cf53a968465fc7ea2377526b8ac712c",
    "BillingSet(uint32,uint32,uint32,uint32,uint32)": "0xd0d9486a",
    "BillingAccessControllerSet(address,address)": "0x793cb730",
    "RequesterAccessControllerSet(address,address)": "0x27b89aed",
    "ValidatorConfigSet(address,uint32,address,uint32)": "0xb04e3a37",
    "LinkTokenSet(address,address)": "0x4966a50c",
    "PayeeshipTransferRequested(address,address,address)": "0x84f7c7c8",
    "PayeeshipTransferred(address,address,address)": "0x78af32ef",
    "OwnershipTransferRequested(address,address)": "0xed8889f5",
    "OwnershipTransferred(address,address)": "0x8be0079c",
    "AddedAccess(address)": "0x87286ad1",
    "RemovedAccess(address)": "0x3d68a6fc",
    "CheckAccessEnabled()": "0xaebf3295",
    "CheckAccessDisabled()": "0x3be8a977",
  };

  it("has every function selector and event topic0 of AccessControlledOffchainAggregator 4.0.0", async function () {
    const { network } = await import("hardhat");
    const { ethers } = await network.create();
    const { interface: abi } = await ethers.getContractFactory("AccessControlledOffchainAggregator");
    const ours = new Map<string, string>();
    abi.forEachFunction((fn) => ours.set(fn.selector.slice(2), fn.format("sighash")));
    for (const [selector, signature] of Object.entries(FUNCTIONS)) {
      expect(ours.get(selector), signature).to.equal(signature);
    }
    for (const [signature, topic] of Object.entries(TOPICS)) {
      const event = abi.getEvent(signature);
      expect(event, signature).to.not.equal(null);
      expect(event!.topicHash.startsWith(topic), signature).to.equal(true);
    }
  });
});
