/**
 * The compiled ABI against spec §1.12: every function selector and event topic0 that off-chain
 * code (Chainlink nodes, explorers, our committee) hard-codes must match, computed here as
 * keccak256 of the canonical signature and compared with the spec's published values.
 */
import { expect } from "chai";
import { Interface } from "ethers";
import hre from "hardhat";

import { bytesToHex } from "../../plugin/core/bytes.js";
import { keccak256, utf8Bytes } from "../../plugin/core/hash.js";

/** selector -> canonical signature, as listed in spec §1.12. */
const AGGREGATOR_SELECTORS: [string, string][] = [
  ["c9807539", "transmit(bytes,bytes32[],bytes32[],bytes32)"],
  ["585aa7de", "setConfig(address[],address[],uint8,uint64,bytes)"],
  ["81ff7048", "latestConfigDetails()"],
  ["e5fe4577", "latestTransmissionDetails()"],
  ["81411834", "transmitters()"],
  ["feaf968c", "latestRoundData()"],
  ["9a6fc8f5", "getRoundData(uint80)"],
  ["50d25bcd", "latestAnswer()"],
  ["8205bf6a", "latestTimestamp()"],
  ["668a0f02", "latestRound()"],
  ["b5ab58dc", "getAnswer(uint256)"],
  ["b633620c", "getTimestamp(uint256)"],
  ["313ce567", "decimals()"],
  ["7284e416", "description()"],
  ["54fd4d50", "version()"],
  ["181f5a77", "typeAndVersion()"],
  ["98e5b12a", "requestNewRound()"],
  ["9e3ceeab", "setRequesterAccessController(address)"],
  ["70efdf2d", "requesterAccessController()"],
  ["eb457163", "setValidatorConfig(address,uint32)"],
  ["8e0566de", "validatorConfig()"],
  ["bd824706", "setBilling(uint32,uint32,uint32,uint32,uint32)"],
  ["29937268", "getBilling()"],
  ["fbffd2c1", "setBillingAccessController(address)"],
  ["996e8298", "billingAccessController()"],
  ["4fb17470", "setLinkToken(address,address)"],
  ["e76d5168", "getLinkToken()"],
  ["9c849b30", "setPayees(address[],address[])"],
  ["eb5dcd6c", "transferPayeeship(address,address)"],
  ["b121e147", "acceptPayeeship(address)"],
  ["8ac28d5a", "withdrawPayment(address)"],
  ["c1075329", "withdrawFunds(address,uint256)"],
  ["0eafb25b", "owedPayment(address)"],
  ["e4902f82", "oracleObservationCount(address)"],
  ["d09dc339", "linkAvailableForPayment()"],
  ["22adbc78", "minAnswer()"],
  ["70da2f67", "maxAnswer()"],
  ["8da5cb5b", "owner()"],
  ["f2fde38b", "transferOwnership(address)"],
  ["79ba5097", "acceptOwnership()"],
];

const ACCESS_SELECTORS: [string, string][] = [
  ["6b14daf8", "hasAccess(address,bytes)"],
  ["a118f249", "addAccess(address)"],
  ["8823da6c", "removeAccess(address)"],
  ["8038e4a1", "enableAccessCheck()"],
  ["0a756983", "disableAccessCheck()"],
  ["dc7f0124", "checkEnabled()"],
];

/** topic0 (full or the published prefix) -> canonical event signature. */
const AGGREGATOR_TOPICS: [string, string][] = [
  ["0xf6a97944f31ea060dfde0566e4167c1a1082551e64b60ecb14d599a9d023d451", "NewTransmission(uint32,int192,address,int192[],bytes,bytes32)"],
  ["0x25d719d88a4512dd76c7442b910a83360845505894eb444ef299409e180f8fb9", "ConfigSet(uint32,uint64,address[],address[],uint8,uint64,bytes)"],
  ["0x0559884fd3a460db3073b7fc896cc77986f16e378210ded43186175bf646fc5f", "AnswerUpdated(int256,uint256,uint256)"],
  ["0x0109fc6f55cf40689f02fbaad7af7fe7bbac8a3d2186600afc7d3e10cac60271", "NewRound(uint256,address,uint256)"],
  ["0x3ea16a923ff4b1df6526e854c9e3a995c43385d70e73359e10623c74f0b52037", "RoundRequested(address,bytes16,uint32,uint8)"],
  ["0xd0b1dac935d85bd54cf0a33b0d41d39f8cf53a968465fc7ea2377526b8ac712c", "OraclePaid(address,address,uint256,address)"],
  ["0xd0d9486a", "BillingSet(uint32,uint32,uint32,uint32,uint32)"],
  ["0x793cb730", "BillingAccessControllerSet(address,address)"],
  ["0x27b89aed", "RequesterAccessControllerSet(address,address)"],
  ["0xb04e3a37", "ValidatorConfigSet(address,uint32,address,uint32)"],
  ["0x4966a50c", "LinkTokenSet(address,address)"],
  ["0x84f7c7c8", "PayeeshipTransferRequested(address,address,address)"],
  ["0x78af32ef", "PayeeshipTransferred(address,address,address)"],
  ["0xed8889f5", "OwnershipTransferRequested(address,address)"],
  ["0x8be0079c", "OwnershipTransferred(address,address)"],
];

const ACCESS_TOPICS: [string, string][] = [
  ["0x87286ad1", "AddedAccess(address)"],
  ["0x3d68a6fc", "RemovedAccess(address)"],
  ["0xaebf3295", "CheckAccessEnabled()"],
  ["0x3be8a977", "CheckAccessDisabled()"],
];

/** Which parameters of each event are indexed (spec §1.6, §1.10, §1.11). */
const INDEXED: Record<string, boolean[]> = {
  NewTransmission: [true, false, false, false, false, false],
  ConfigSet: [false, false, false, false, false, false, false],
  AnswerUpdated: [true, true, false],
  NewRound: [true, true, false],
  RoundRequested: [true, false, false, false],
  OraclePaid: [true, true, false, true],
  ValidatorConfigSet: [true, false, true, false],
  PayeeshipTransferRequested: [true, true, true],
  PayeeshipTransferred: [true, true, true],
  OwnershipTransferRequested: [true, true],
  OwnershipTransferred: [true, true],
  AddedAccess: [false],
  RemovedAccess: [false],
};

function keccakHex(text: string): string {
  return bytesToHex(keccak256(utf8Bytes(text)));
}

async function compiledInterface(name: string): Promise<Interface> {
  const artifact = await hre.artifacts.readArtifact(name);
  return new Interface(artifact.abi);
}

describe("OffchainAggregator ABI (spec §1.12)", function () {
  it("the spec's selectors are keccak256 of their signatures (guards the table itself)", function () {
    for (const [selector, signature] of [...AGGREGATOR_SELECTORS, ...ACCESS_SELECTORS]) {
      expect(keccakHex(signature).slice(2, 10), signature).to.equal(selector);
    }
    for (const [topic, signature] of [...AGGREGATOR_TOPICS, ...ACCESS_TOPICS]) {
      expect(keccakHex(signature).startsWith(topic), signature).to.equal(true);
    }
  });

  for (const name of ["OffchainAggregator", "AccessControlledOffchainAggregator"]) {
    it(`${name} exposes every §1.12 function with that selector`, async function () {
      const iface = await compiledInterface(name);
      const selectors = name === "OffchainAggregator" ? AGGREGATOR_SELECTORS : [...AGGREGATOR_SELECTORS, ...ACCESS_SELECTORS];
      for (const [selector, signature] of selectors) {
        const fn = iface.getFunction(signature);
        expect(fn, `${name} lacks ${signature}`).to.not.equal(null);
        expect(fn!.selector).to.equal("0x" + selector);
      }
    });

    it(`${name} declares every §1.12 event with that topic0 and indexing`, async function () {
      const iface = await compiledInterface(name);
      const topics = name === "OffchainAggregator" ? AGGREGATOR_TOPICS : [...AGGREGATOR_TOPICS, ...ACCESS_TOPICS];
      for (const [topic, signature] of topics) {
        const event = iface.getEvent(signature);
        expect(event, `${name} lacks ${signature}`).to.not.equal(null);
        expect(event!.topicHash.startsWith(topic), signature).to.equal(true);
        const indexed = INDEXED[event!.name];
        if (indexed) expect(event!.inputs.map((i) => i.indexed), `${signature} indexing`).to.deep.equal(indexed);
      }
    });
  }

  it("the plain OffchainAggregator has no allowlist functions", async function () {
    const iface = await compiledInterface("OffchainAggregator");
    for (const [, signature] of ACCESS_SELECTORS) expect(iface.getFunction(signature), signature).to.equal(null);
  });

  it("the access controllers expose the allowlist ABI", async function () {
    for (const name of ["SimpleWriteAccessController", "SimpleReadAccessController"]) {
      const iface = await compiledInterface(name);
      for (const [selector, signature] of ACCESS_SELECTORS) expect(iface.getFunction(signature)?.selector, `${name} ${signature}`).to.equal("0x" + selector);
      for (const [topic, signature] of ACCESS_TOPICS) expect(iface.getEvent(signature)?.topicHash.startsWith(topic), `${name} ${signature}`).to.equal(true);
    }
  });
});
