/**
 * transmit (spec §1.5, §1.6) and the read API (§1.7): every revert row with an input that passes
 * all earlier checks and violates only that one, the events of a transmission, the median rule,
 * the round counter and the read functions' edge cases.
 */
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { expect } from "chai";
import { type Contract, type TransactionReceipt, Wallet } from "ethers";
import { network } from "hardhat";

import { bytesToHex, hexToBytes, uintToBytesBE } from "../../plugin/core/bytes.js";
import { MAX_OBSERVATION, MIN_OBSERVATION } from "../../plugin/core/report.js";
import {
  type Connection,
  type Feed,
  currentConfigDigest,
  deployFeed,
  deriveSecretKey,
  feedFixture,
  prepareTransmit,
  rawReportContextHex,
  sendTransmitCalldata,
  transmit,
  transmitAndWait,
} from "../../testkit/feed-fixture.js";

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";
const VALUES = [10n, 20n, 30n, 40n];

/** Overwrite 32-byte word `index` of `bytes` with `value`. */
function setWord(bytes: Uint8Array, index: number, value: bigint): void {
  bytes.set(uintToBytesBE(value, 32), 32 * index);
}

async function blockTimestamp(feed: Feed, receipt: TransactionReceipt): Promise<bigint> {
  const block = await feed.ethers.provider.getBlock(receipt.blockNumber);
  return BigInt(block!.timestamp);
}

describe("OffchainAggregator transmit", function () {
  let connection: Connection;
  before(async function () {
    connection = await network.create();
  });

  const standardFeed = feedFixture();
  const boundedFeed = feedFixture({ minAnswer: -1000n, maxAnswer: 1000n });
  const bigFeed = feedFixture({ n: 31, f: 10 });
  async function feedWithValidator(c: Connection): Promise<{ feed: Feed; validator: Contract }> {
    const feed = await deployFeed(c);
    const validator = (await c.ethers.deployContract("TestValidator")) as unknown as Contract;
    await (await feed.aggregator.setValidatorConfig(await validator.getAddress(), 1_000_000)).wait();
    return { feed, validator };
  }

  describe("reverts, in check order (§1.6)", function () {
    it("accepts the baseline transmit that every revert test below perturbs", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      await expect(transmit(feed, { epoch: 1, round: 1, values: VALUES })).to.emit(feed.aggregator, "NewTransmission");
    });

    it("row 1: calldata longer than the canonical encoding -> transmit message too long", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      // Trailing bytes are ignored by the ABI decoder, so only the explicit length check stops them.
      const extraWord = (cd: Uint8Array) => Uint8Array.from([...cd, ...new Uint8Array(32)]);
      const extraByte = (cd: Uint8Array) => Uint8Array.from([...cd, 0]);
      await expect(transmit(feed, { epoch: 1, round: 1, values: VALUES, mutateCalldata: extraWord })).to.be.revertedWith(
        "transmit message too long",
      );
      await expect(transmit(feed, { epoch: 1, round: 1, values: VALUES, mutateCalldata: extraByte })).to.be.revertedWith(
        "transmit message too long",
      );
    });

    it("row 2: a malformed report (bad array offset or length) reverts without a reason", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      await expect(
        transmit(feed, { epoch: 1, round: 1, values: VALUES, mutate: (p) => setWord(p.report, 2, 1n << 64n) }),
      ).to.be.revertedWithoutReason(feed.ethers);
      await expect(
        transmit(feed, { epoch: 1, round: 1, values: VALUES, mutate: (p) => setWord(p.report, 3, 100n) }),
      ).to.be.revertedWithoutReason(feed.ethers);
      // An offset of 2^256 − 160 wraps around to the calldata head (whose first word, 0x80, would
      // then be read as the array length) and fits inside a padded 4 KiB report: only an explicit
      // bound on the offset (the decoder's) rejects it.
      const wrappingOffset = (p: { report: Uint8Array }) => {
        const padded = new Uint8Array(4096);
        padded.set(p.report);
        setWord(padded, 2, (1n << 256n) - 160n);
        p.report = padded;
      };
      await expect(transmit(feed, { epoch: 1, round: 1, values: VALUES, mutate: wrappingOffset })).to.be.revertedWithoutReason(
        feed.ethers,
      );
    });

    it("row 3: a report for another config -> configDigest mismatch", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      const digest = await currentConfigDigest(feed.aggregator);
      const other = Uint8Array.from(digest);
      other[15] ^= 1;
      await expect(transmit(feed, { epoch: 1, round: 1, values: VALUES, configDigest: other })).to.be.revertedWith(
        "configDigest mismatch",
      );
    });

    it("row 4: epoch/round not strictly above the stored one -> stale report", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      // (0, 0) equals the initial stored value, so it is stale even before any report.
      await expect(transmit(feed, { epoch: 0, round: 0, values: VALUES })).to.be.revertedWith("stale report");
      await transmitAndWait(feed, { epoch: 2, round: 1, values: VALUES });
      await expect(transmit(feed, { epoch: 2, round: 1, values: VALUES })).to.be.revertedWith("stale report");
      // A higher round in a lower epoch is still older: epoch sits in the high bits.
      await expect(transmit(feed, { epoch: 1, round: 200, values: VALUES })).to.be.revertedWith("stale report");
      // Skipping ahead is fine, including a new epoch with round 0.
      await transmitAndWait(feed, { epoch: 2, round: 5, values: VALUES });
      await transmitAndWait(feed, { epoch: 3, round: 0, values: VALUES });
      expect(await feed.aggregator.latestRound()).to.equal(3n);
    });

    it("row 5: only f signatures -> not enough signatures", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      await expect(transmit(feed, { epoch: 1, round: 1, values: VALUES, signers: [0] })).to.be.revertedWith(
        "not enough signatures",
      );
    });

    it("row 6: 32 signatures -> too many signatures", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      const signers = Array.from({ length: 32 }, (_, i) => i % 4);
      await expect(transmit(feed, { epoch: 1, round: 1, values: VALUES, signers })).to.be.revertedWith("too many signatures");
    });

    it("row 7: rs and ss of different lengths -> signatures out of registration", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      await expect(
        transmit(feed, {
          epoch: 1,
          round: 1,
          values: VALUES,
          signers: [0, 1, 2],
          mutateSignatures: (s) => ({ ...s, ss: s.ss.slice(0, 2) }),
        }),
      ).to.be.revertedWith("signatures out of registration");
    });

    it("row 8: 32 observations -> num observations out of bounds", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      const observations = Array.from({ length: 32 }, (_, i) => ({ observer: i, value: BigInt(i) }));
      await expect(transmit(feed, { epoch: 1, round: 1, observations })).to.be.revertedWith("num observations out of bounds");
    });

    it("row 9: 2f observations -> too few values to trust median; 2f+1 are enough", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      await expect(transmit(feed, { epoch: 1, round: 1, values: [1n, 2n] })).to.be.revertedWith("too few values to trust median");
      await transmitAndWait(feed, { epoch: 1, round: 1, values: [1n, 2n, 3n] });
    });

    it("row 10: an observer index used twice -> observer index repeated", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      const observations = [{ observer: 0, value: 10n }, { observer: 2, value: 20n }, { observer: 0, value: 30n }];
      await expect(transmit(feed, { epoch: 1, round: 1, observations })).to.be.revertedWith("observer index repeated");
      // Indices up to 30 are legal even above n, so a repeat among high indices must be caught too.
      for (const repeated of [15, 16, 30]) {
        const high = [
          { observer: 1, value: 10n },
          { observer: repeated, value: 20n },
          { observer: repeated, value: 30n },
        ];
        await expect(transmit(feed, { epoch: 1, round: 1, observations: high })).to.be.revertedWith("observer index repeated");
      }
    });

    it("row 10 (deliberate deviation): an observer index >= 31 -> observer index out of bounds", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      for (const bad of [31, 255]) {
        const observations = [{ observer: 0, value: 10n }, { observer: 1, value: 20n }, { observer: bad, value: 30n }];
        await expect(transmit(feed, { epoch: 1, round: 1, observations })).to.be.revertedWith("observer index out of bounds");
      }
    });

    it("row 11: sent by an account that is not a registered transmitter -> unauthorized transmitter", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      await expect(transmit(feed, { epoch: 1, round: 1, values: VALUES, from: feed.strangers[0] })).to.be.revertedWith(
        "unauthorized transmitter",
      );
      // A registered *signer* address does not count as a transmitter either.
      const signerWallet = new Wallet(bytesToHex(feed.oracles[0].signerKey), feed.ethers.provider);
      await feed.networkHelpers.setBalance(signerWallet.address, 10n ** 20n);
      await expect(transmit(feed, { epoch: 1, round: 1, values: VALUES, from: signerWallet })).to.be.revertedWith(
        "unauthorized transmitter",
      );
    });

    it("any configured transmitter may send, not only one tied to the observers or signers", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      await transmitAndWait(feed, { epoch: 1, round: 1, values: VALUES, transmitter: 3, signers: [1, 2] });
      // Signatures in any order, and from oracles that did not observe.
      await transmitAndWait(feed, {
        epoch: 1,
        round: 2,
        observations: [
          { observer: 0, value: 1n },
          { observer: 1, value: 2n },
          { observer: 2, value: 3n },
        ],
        signers: [3, 0],
      });
    });

    it("row 12: a signature from an unknown key -> address not authorized to sign", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      const stranger = deriveSecretKey("not-an-oracle");
      await expect(
        transmit(feed, { epoch: 1, round: 1, values: VALUES, signers: [0], foreignSignerKeys: [stranger] }),
      ).to.be.revertedWith("address not authorized to sign");
    });

    it("row 12: a signature by a transmitter key (wrong role) -> address not authorized to sign", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      const transmitterKey = hexToBytes(feed.oracles[1].transmitter.privateKey);
      await expect(
        transmit(feed, { epoch: 1, round: 1, values: VALUES, signers: [0], foreignSignerKeys: [transmitterKey] }),
      ).to.be.revertedWith("address not authorized to sign");
    });

    it("row 12: v given as 27/28 instead of 0/1 -> address not authorized to sign", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      const addTwentySevenToSecondV = (s: { rs: `0x${string}`[]; ss: `0x${string}`[]; rawVs: `0x${string}` }) => {
        const vs = hexToBytes(s.rawVs);
        vs[1] += 27;
        return { ...s, rawVs: bytesToHex(vs) };
      };
      await expect(
        transmit(feed, { epoch: 1, round: 1, values: VALUES, mutateSignatures: addTwentySevenToSecondV }),
      ).to.be.revertedWith("address not authorized to sign");
    });

    it("row 12: a valid signature over a different report -> address not authorized to sign", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      const other = await prepareTransmit(feed, { epoch: 1, round: 2, values: VALUES, signers: [1] });
      await expect(
        transmit(feed, { epoch: 1, round: 1, values: VALUES, signers: [0], mutate: (p) => p.signatures.push(other.pieces.signatures[0]) }),
      ).to.be.revertedWith("address not authorized to sign");
    });

    it("row 13: the same oracle signing twice -> non-unique signature", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      await expect(transmit(feed, { epoch: 1, round: 1, values: VALUES, signers: [2, 2] })).to.be.revertedWith(
        "non-unique signature",
      );
      await expect(transmit(feed, { epoch: 1, round: 1, values: VALUES, signers: [0, 1, 0] })).to.be.revertedWith(
        "non-unique signature",
      );
    });

    it("row 14: observations not in non-decreasing order -> observations not sorted", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      const observations = [{ observer: 0, value: 10n }, { observer: 1, value: 30n }, { observer: 2, value: 20n }, { observer: 3, value: 40n }];
      await expect(transmit(feed, { epoch: 1, round: 1, observations })).to.be.revertedWith("observations not sorted");
      // Equal neighbours are sorted.
      await transmitAndWait(feed, { epoch: 1, round: 1, values: [7n, 7n, 7n, 7n] });
      expect(await feed.aggregator.latestAnswer()).to.equal(7n);
    });

    it("row 15: median one above maxAnswer -> median is out of min-max range; maxAnswer itself is accepted", async function () {
      const feed = await connection.networkHelpers.loadFixture(boundedFeed);
      await expect(transmit(feed, { epoch: 1, round: 1, values: [0n, 1n, 1001n, 5000n] })).to.be.revertedWith(
        "median is out of min-max range",
      );
      // Non-median values may lie outside the range.
      await transmitAndWait(feed, { epoch: 1, round: 1, values: [-5000n, 1n, 1000n, 5000n] });
      expect(await feed.aggregator.latestAnswer()).to.equal(1000n);
    });

    it("row 15: median one below minAnswer -> median is out of min-max range; minAnswer itself is accepted", async function () {
      const feed = await connection.networkHelpers.loadFixture(boundedFeed);
      await expect(transmit(feed, { epoch: 1, round: 1, values: [-9000n, -5000n, -1001n, 0n] })).to.be.revertedWith(
        "median is out of min-max range",
      );
      await transmitAndWait(feed, { epoch: 1, round: 1, values: [-9000n, -5000n, -1000n, 0n] });
      expect(await feed.aggregator.latestAnswer()).to.equal(-1000n);
    });

    it("row 16: validator gasLimit larger than the gas left -> insufficient gas; enough gas succeeds", async function () {
      const { feed, validator } = await connection.networkHelpers.loadFixture(feedWithValidator);
      // The validator is promised exactly 1,000,000 gas; a 600k transaction cannot provide it.
      await expect(transmit(feed, { epoch: 1, round: 1, values: VALUES, gasLimit: 600_000n })).to.be.revertedWith(
        "insufficient gas",
      );
      await transmitAndWait(feed, { epoch: 1, round: 1, values: VALUES, gasLimit: 1_500_000n });
      expect(await validator.callCount()).to.equal(1n);
    });

    // Rows 17 and 18 (initialGas < 2^32 assert; "sent by undesignated transmitter", "gasLeft cannot
    // exceed initialGas", cost < 2^128) cannot be reached: row 11 already rejected every sender
    // that is not a transmitter, gas can never grow during a call, and a transaction cannot carry
    // 2^32 gas under any block gas limit. There is deliberately no test that pretends otherwise.
  });

  describe("a successful transmission", function () {
    it("emits NewTransmission, NewRound and AnswerUpdated (in that order) with the right fields", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      const values = [30n, 10n, 40n, 20n]; // oracle i observed values[i]
      const digest = await currentConfigDigest(feed.aggregator);
      const tx = await transmit(feed, { epoch: 7, round: 3, values, transmitter: 2 });
      const receipt = (await tx.wait())!;
      const ts = await blockTimestamp(feed, receipt);
      // Sorted: 10 (oracle 1), 20 (oracle 3), 30 (oracle 0), 40 (oracle 2); median = element 2 = 30.
      await expect(tx)
        .to.emit(feed.aggregator, "NewTransmission")
        .withArgs(1n, 30n, feed.oracles[2].transmitter.address, [10n, 20n, 30n, 40n], "0x01030002", rawReportContextHex(digest, 7, 3));
      await expect(tx).to.emit(feed.aggregator, "NewRound").withArgs(1n, ZERO_ADDRESS, ts);
      await expect(tx).to.emit(feed.aggregator, "AnswerUpdated").withArgs(30n, 1n, ts);
      const names = receipt.logs
        .filter((l) => l.address.toLowerCase() === feed.address.toLowerCase())
        .map((l) => feed.aggregator.interface.parseLog(l)!.name);
      expect(names).to.deep.equal(["NewTransmission", "NewRound", "AnswerUpdated"]);
      // NewTransmission indexes only the aggregator round id.
      const newTransmission = receipt.logs.find((l) => feed.aggregator.interface.parseLog(l)!.name === "NewTransmission")!;
      expect(newTransmission.topics.length).to.equal(2);
      expect(BigInt(newTransmission.topics[1])).to.equal(1n);
    });

    it("TestIntegration_OCR: observations 0, 10, 20, 30 give 20 (the upper middle for even n)", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      await transmitAndWait(feed, { epoch: 1, round: 1, values: [0n, 10n, 20n, 30n] });
      expect(await feed.aggregator.latestAnswer()).to.equal(20n);
    });

    it("odd count: the middle element", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      await transmitAndWait(feed, { epoch: 1, round: 1, values: [300n, 100n, 200n] });
      expect(await feed.aggregator.latestAnswer()).to.equal(200n);
    });

    it("negative values and the int192 extremes", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      await transmitAndWait(feed, { epoch: 1, round: 1, values: [-30n, -10n, -40n, -20n] });
      expect(await feed.aggregator.latestAnswer()).to.equal(-20n);
      await transmitAndWait(feed, { epoch: 1, round: 2, values: [MIN_OBSERVATION, MIN_OBSERVATION, MIN_OBSERVATION] });
      expect(await feed.aggregator.latestAnswer()).to.equal(MIN_OBSERVATION);
      await transmitAndWait(feed, { epoch: 1, round: 3, values: [MAX_OBSERVATION, MAX_OBSERVATION, MAX_OBSERVATION] });
      expect(await feed.aggregator.latestAnswer()).to.equal(MAX_OBSERVATION);
      const [, answer] = await feed.aggregator.getRoundData(2n);
      expect(answer).to.equal(MIN_OBSERVATION);
    });

    it("aggregator round ids count 1, 2, 3 independently of epoch and round", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      const epochsAndRounds: [number, number][] = [[1, 1], [4, 0], [90, 17]];
      for (const [i, [epoch, round]] of epochsAndRounds.entries()) {
        const tx = await transmit(feed, { epoch, round, values: [BigInt(i), BigInt(i), BigInt(i)] });
        await expect(tx).to.emit(feed.aggregator, "NewTransmission").withArgs(BigInt(i + 1), BigInt(i), anyValue, [BigInt(i), BigInt(i), BigInt(i)], "0x000102", rawReportContextHex(await currentConfigDigest(feed.aggregator), epoch, round));
        expect(await feed.aggregator.latestRound()).to.equal(BigInt(i + 1));
      }
    });

    it("31 oracles with f = 10: 31 observations and 11 signatures", async function () {
      const feed = await connection.networkHelpers.loadFixture(bigFeed);
      const values = Array.from({ length: 31 }, (_, i) => BigInt(1000 - 7 * i));
      const { receipt } = await transmitAndWait(feed, { epoch: 1, round: 1, values, transmitter: 30 });
      console.log(`      transmit 31/10/31/11 gas: ${receipt.gasUsed}`);
      const sorted = [...values].sort((a, b) => (a < b ? -1 : 1));
      expect(await feed.aggregator.latestAnswer()).to.equal(sorted[15]);
      // f signatures are not enough even with 31 oracles.
      await expect(
        transmit(feed, { epoch: 1, round: 2, values, signers: Array.from({ length: 10 }, (_, i) => i + 20) }),
      ).to.be.revertedWith("not enough signatures");
      // ... and 2f observations are too few.
      await expect(transmit(feed, { epoch: 1, round: 2, values: values.slice(0, 20) })).to.be.revertedWith(
        "too few values to trust median",
      );
    });
  });

  describe("read API (§1.7)", function () {
    it("before the first report everything reads as zero and latestRoundData does not revert", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      const agg = feed.aggregator;
      expect(await agg.latestAnswer()).to.equal(0n);
      expect(await agg.latestTimestamp()).to.equal(0n);
      expect(await agg.latestRound()).to.equal(0n);
      expect([...(await agg.latestRoundData())]).to.deep.equal([0n, 0n, 0n, 0n, 0n]);
      const digest = bytesToHex(await currentConfigDigest(agg));
      expect([...(await agg.latestTransmissionDetails())]).to.deep.equal([digest, 0n, 0n, 0n, 0n]);
    });

    it("after a report: latest*, getAnswer/getTimestamp/getRoundData agree; startedAt == updatedAt == block time", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      const { receipt: r1 } = await transmitAndWait(feed, { epoch: 1, round: 1, values: [1n, 2n, 3n, 4n] });
      await feed.networkHelpers.time.increase(60);
      const { receipt: r2 } = await transmitAndWait(feed, { epoch: 1, round: 2, values: [5n, 6n, 7n, 8n] });
      const ts1 = await blockTimestamp(feed, r1);
      const ts2 = await blockTimestamp(feed, r2);
      expect(ts2).to.be.greaterThan(ts1);
      const agg = feed.aggregator;
      expect(await agg.latestAnswer()).to.equal(7n);
      expect(await agg.latestTimestamp()).to.equal(ts2);
      expect(await agg.latestRound()).to.equal(2n);
      expect([...(await agg.latestRoundData())]).to.deep.equal([2n, 7n, ts2, ts2, 2n]);
      expect([...(await agg.getRoundData(1n))]).to.deep.equal([1n, 3n, ts1, ts1, 1n]);
      expect(await agg.getAnswer(1n)).to.equal(3n);
      expect(await agg.getTimestamp(1n)).to.equal(ts1);
      const digest = bytesToHex(await currentConfigDigest(agg));
      expect([...(await agg.latestTransmissionDetails())]).to.deep.equal([digest, 1n, 2n, 7n, ts2]);
    });

    it("an unknown round id below 2^32 reads as zeros without reverting", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      await transmitAndWait(feed, { epoch: 1, round: 1, values: [1n, 2n, 3n] });
      const agg = feed.aggregator;
      expect(await agg.getAnswer(5n)).to.equal(0n);
      expect(await agg.getTimestamp(5n)).to.equal(0n);
      expect([...(await agg.getRoundData(5n))]).to.deep.equal([5n, 0n, 0n, 0n, 5n]);
      expect([...(await agg.getRoundData(0xffffffffn))]).to.deep.equal([0xffffffffn, 0n, 0n, 0n, 0xffffffffn]);
    });

    it("ids above uint32: getAnswer/getTimestamp give 0 (not a truncated round), getRoundData reverts No data present", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      await transmitAndWait(feed, { epoch: 1, round: 1, values: [1n, 2n, 3n] });
      const agg = feed.aggregator;
      // 2^32 + 1 would truncate to round 1, which exists: the answer must still be 0.
      expect(await agg.getAnswer(1n << 32n)).to.equal(0n);
      expect(await agg.getAnswer((1n << 32n) + 1n)).to.equal(0n);
      expect(await agg.getTimestamp((1n << 32n) + 1n)).to.equal(0n);
      await expect(agg.getRoundData(1n << 32n)).to.be.revertedWith("No data present");
      await expect(agg.getRoundData((1n << 32n) + 1n)).to.be.revertedWith("No data present");
    });
  });

  describe("calldata builders", function () {
    it("the canonical calldata has exactly 4 + 7·32 + len(report) + 64·signatures bytes and is accepted raw", async function () {
      const feed = await connection.networkHelpers.loadFixture(standardFeed);
      const prepared = await prepareTransmit(feed, { epoch: 1, round: 1, values: VALUES });
      expect(prepared.calldata.length).to.equal(4 + 7 * 32 + prepared.pieces.report.length + 64 * prepared.pieces.signatures.length);
      expect(prepared.pieces.report.length).to.equal(128 + 32 * 4);
      await (await sendTransmitCalldata(feed, prepared.sender, prepared.calldata)).wait();
      expect(await feed.aggregator.latestAnswer()).to.equal(30n);
    });
  });
});
