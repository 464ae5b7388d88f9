/**
 * OCR2Aggregator transmit: every revert row of the reference's check order, each test breaking
 * only that check; the events with their fields; the median; the read API after reports.
 */
import { expect } from "chai";

import { bytesToHex, concatBytes, hexToBytes, uintToBytesBE } from "../../plugin/core/bytes.js";
import {
  type Ocr2Report,
  type Ocr2ReportContext,
  encodeOcr2Report,
  ocr2EpochAndRound,
  ocr2TransmitCalldataLength,
} from "../../plugin/core/ocr2/report.js";
import { priceObservations } from "../../testkit/markets.js";
import { EXTRA_HASH, JUELS_PER_FEE_COIN, deployOcr2Feed } from "../../testkit/ocr2-fixture.js";

type Feed = Awaited<ReturnType<typeof deployOcr2Feed>>;

interface SendOptions {
  epoch?: number;
  round?: number;
  report?: Ocr2Report;
  reportBytes?: Uint8Array;
  signerIndices?: number[];
  transmitterIndex?: number;
  configDigest?: Uint8Array;
  /** Change the signature arguments after signing. */
  mutateSignatures?: (args: { rs: string[]; ss: string[]; rawVs: string }) => void;
  /** Change the raw calldata before sending. */
  mutateCalldata?: (data: Uint8Array) => Uint8Array;
  gasLimit?: bigint;
}

/** Build, sign and send a transmit with exactly one thing changed (or nothing). */
async function send(feed: Feed, options: SendOptions = {}) {
  const context: Ocr2ReportContext = {
    configDigest: options.configDigest ?? (await feed.configDigest()),
    epoch: options.epoch ?? 1,
    round: options.round ?? 1,
    extraHash: EXTRA_HASH,
  };
  const reportBytes = options.reportBytes ?? encodeOcr2Report(options.report ?? feed.reportOf(priceObservations(4, 1)));
  const f = await fValue(feed);
  const args = feed.transmitArgs(reportBytes, context, options.signerIndices ?? [...Array(f + 1).keys()]);
  const sigs = { rs: [...args.rs] as string[], ss: [...args.ss] as string[], rawVs: args.rawVs as string };
  options.mutateSignatures?.(sigs);
  let data = hexToBytes(
    feed.aggregator.interface.encodeFunctionData("transmit", [args.reportContext, args.report, sigs.rs, sigs.ss, sigs.rawVs]),
  );
  if (options.mutateCalldata) data = options.mutateCalldata(data);
  const wallet = feed.transmitterWallets[options.transmitterIndex ?? 0];
  return wallet.sendTransaction({
    to: feed.aggregatorAddress,
    data: bytesToHex(data),
    gasLimit: options.gasLimit ?? 1_000_000n,
    gasPrice: 20_000_000_000n,
  });
}

const fCache = new WeakMap<object, number>();
async function fValue(feed: Feed): Promise<number> {
  const cached = fCache.get(feed);
  if (cached !== undefined) return cached;
  // f is the low byte of slot 11 (the hot word), laid out as in the reference.
  const word = BigInt(await feed.ethers.provider.getStorage(feed.aggregatorAddress, 11));
  const f = Number(word & 0xffn);
  fCache.set(feed, f);
  return f;
}

const VALUES = [200_000n, 100_000n, 400_000n, 300_000n];

describe("OCR2Aggregator transmit", function () {
  let feed: Feed;
  beforeEach(async () => {
    feed = await deployOcr2Feed(4, 1, { minAnswer: 1n, maxAnswer: 10n ** 12n });
  });

  it("accepts a valid report and stores the upper median of an even count", async () => {
    await (await send(feed, { report: feed.reportOf(VALUES) })).wait();
    const [roundId, answer, startedAt, updatedAt, answeredInRound] = await feed.aggregator.latestRoundData();
    expect(roundId).to.equal(1n);
    expect(answer).to.equal(300_000n); // sorted [1,2,3,4]e5, index 2
    expect(startedAt).to.equal(1_700_000_000n);
    const block = await feed.ethers.provider.getBlock("latest");
    expect(updatedAt).to.equal(BigInt(block!.timestamp));
    expect(startedAt).to.not.equal(updatedAt);
    expect(answeredInRound).to.equal(1n);
  });

  it("stores the middle value for an odd count, and takes observations[n/2] as given", async () => {
    await (await send(feed, { report: feed.reportOf([5n, 9n, 7n]) })).wait();
    expect(await feed.aggregator.latestAnswer()).to.equal(7n);
    // Unsorted: the contract does not check the order and stores element 1.
    const unsorted: Ocr2Report = { observationsTimestamp: 5, observers: [0, 1, 2], observations: [300n, 100n, 200n], juelsPerFeeCoin: 1n };
    await (await send(feed, { round: 2, report: unsorted })).wait();
    expect(await feed.aggregator.latestAnswer()).to.equal(100n);
  });

  it("accepts any f+1 signers, in any order, from any transmitter", async () => {
    await (await send(feed, { signerIndices: [3, 2], transmitterIndex: 2, report: feed.reportOf(VALUES) })).wait();
    await (await send(feed, { round: 2, signerIndices: [1, 3], transmitterIndex: 3, report: feed.reportOf(VALUES) })).wait();
    expect(await feed.aggregator.latestRound()).to.equal(2n);
  });

  it("emits NewTransmission, NewRound and AnswerUpdated with their fields, in that order", async () => {
    const report = feed.reportOf(VALUES, 1_699_999_999, -5n);
    const tx = await send(feed, { epoch: 5, round: 3, report, transmitterIndex: 1 });
    const receipt = (await tx.wait())!;
    const parsed = receipt.logs.map((l) => feed.aggregator.interface.parseLog(l)!);
    expect(parsed.map((p) => p.name)).to.deep.equal(["NewTransmission", "NewRound", "AnswerUpdated"]);
    const block = await feed.ethers.provider.getBlock(receipt.blockNumber);
    const nt = parsed[0].args;
    expect(nt.aggregatorRoundId).to.equal(1n);
    expect(nt.answer).to.equal(300_000n);
    expect(nt.transmitter).to.equal(feed.transmitters[1]);
    expect(nt.observationsTimestamp).to.equal(1_699_999_999n);
    expect([...nt.observations]).to.deep.equal([100_000n, 200_000n, 300_000n, 400_000n]);
    expect(nt.observers).to.equal("0x01000302");
    expect(nt.juelsPerFeeCoin).to.equal(-5n);
    expect(nt.configDigest).to.equal(bytesToHex(await feed.configDigest()));
    expect(nt.epochAndRound).to.equal(1283n);
    expect(parsed[1].args.roundId).to.equal(1n);
    expect(parsed[1].args.startedBy).to.equal(feed.ethers.ZeroAddress);
    expect(parsed[1].args.startedAt).to.equal(1_699_999_999n);
    expect(parsed[2].args.current).to.equal(300_000n);
    expect(parsed[2].args.roundId).to.equal(1n);
    expect(parsed[2].args.updatedAt).to.equal(BigInt(block!.timestamp));
    // Transmitted is declared but never emitted.
    expect(receipt.logs.some((l) => l.topics[0] === feed.aggregator.interface.getEvent("Transmitted")!.topicHash)).to.equal(false);
  });

  it("accepts a negative answer bound and 0 / 2^32-1 timestamps", async () => {
    await (await send(feed, { report: feed.reportOf(VALUES, 0) })).wait();
    expect((await feed.aggregator.latestRoundData()).startedAt).to.equal(0n);
    await (await send(feed, { round: 2, report: feed.reportOf(VALUES, 0xffffffff) })).wait();
    expect((await feed.aggregator.getRoundData(2)).startedAt).to.equal(0xffffffffn);
  });

  describe("revert rows, in the reference's order", () => {
    it("1 stale report (before the transmitter check)", async () => {
      await (await send(feed, { epoch: 2, round: 1 })).wait();
      await expect(send(feed, { epoch: 1, round: 9 })).to.be.revertedWith("stale report");
      await expect(send(feed, { epoch: 2, round: 1 })).to.be.revertedWith("stale report");
      // A stranger with a stale report also sees "stale report".
      const stranger = feed.stranger;
      const data = feed.aggregator.interface.encodeFunctionData("transmit", [
        [bytesToHex(await feed.configDigest()), bytesToHex(uintToBytesBE(ocr2EpochAndRound(1, 1), 32)), bytesToHex(EXTRA_HASH)],
        "0x",
        [],
        [],
        bytesToHex(new Uint8Array(32)),
      ]);
      await expect(stranger.sendTransaction({ to: feed.aggregatorAddress, data })).to.be.revertedWith("stale report");
      // Round 0 of a later epoch is newer.
      await (await send(feed, { epoch: 3, round: 0 })).wait();
    });

    it("2 unauthorized transmitter", async () => {
      const data = hexToBytes(
        feed.aggregator.interface.encodeFunctionData("transmit", [
          [bytesToHex(await feed.configDigest()), bytesToHex(uintToBytesBE(257n, 32)), bytesToHex(EXTRA_HASH)],
          "0x",
          [],
          [],
          bytesToHex(new Uint8Array(32)),
        ]),
      );
      await expect(feed.stranger.sendTransaction({ to: feed.aggregatorAddress, data: bytesToHex(data) })).to.be.revertedWith(
        "unauthorized transmitter",
      );
    });

    it("3 configDigest mismatch", async () => {
      const other = await feed.configDigest();
      other[31] ^= 1;
      await expect(send(feed, { configDigest: other })).to.be.revertedWith("configDigest mismatch");
    });

    it("4 calldata length mismatch (extra word, and a report not a multiple of 32 bytes)", async () => {
      const extraWord = (d: Uint8Array) => concatBytes(d, new Uint8Array(32));
      await expect(send(feed, { mutateCalldata: extraWord })).to.be.revertedWith("calldata length mismatch");
      const base = encodeOcr2Report(feed.reportOf(VALUES));
      await expect(send(feed, { reportBytes: concatBytes(base, Uint8Array.of(0)) })).to.be.revertedWith("calldata length mismatch");
      expect(ocr2TransmitCalldataLength(base.length, 2)).to.equal(740);
    });

    it("5 wrong number of signatures (f and f+2)", async () => {
      await expect(send(feed, { signerIndices: [0] })).to.be.revertedWith("wrong number of signatures");
      await expect(send(feed, { signerIndices: [0, 1, 2] })).to.be.revertedWith("wrong number of signatures");
    });

    it("6 signatures out of registration", async () => {
      // One s fewer keeps the calldata length consistent (it counts both arrays).
      await expect(send(feed, { mutateSignatures: (s) => void s.ss.pop() })).to.be.revertedWith("signatures out of registration");
    });

    it("7 signature error: non-signer, v of 27, and a tampered report", async () => {
      const stranger = [0, 1];
      await expect(
        send(feed, { signerIndices: stranger, mutateSignatures: (s) => (s.rs[1] = bytesToHex(new Uint8Array(32).fill(7))) }),
      ).to.be.revertedWith("signature error");
      await expect(
        send(feed, { mutateSignatures: (s) => (s.rawVs = bytesToHex(concatBytes(Uint8Array.of(27, 27), new Uint8Array(30)))) }),
      ).to.be.revertedWith("signature error");
    });

    it("7a a v byte of 229 or more panics with 0x11", async () => {
      await expect(
        send(feed, { mutateSignatures: (s) => (s.rawVs = bytesToHex(concatBytes(Uint8Array.of(229, 0), new Uint8Array(30)))) }),
      ).to.be.revertedWithPanic(0x11);
    });

    it("8 duplicate signer (checked after every signature recovered)", async () => {
      await expect(send(feed, { signerIndices: [2, 2] })).to.be.revertedWith("duplicate signer");
    });

    it("9 report length mismatch, and reason-less reverts for malformed reports", async () => {
      const base = encodeOcr2Report(feed.reportOf(VALUES));
      await expect(send(feed, { reportBytes: concatBytes(base, new Uint8Array(32)) })).to.be.revertedWith("report length mismatch");
      const badTimestamp = base.slice();
      badTimestamp[27] = 1; // bit 32 of the uint32 word
      await expect(send(feed, { reportBytes: badTimestamp })).to.be.revertedWithoutReason(feed.ethers);
      const badObservation = base.slice();
      badObservation[160] = 0x7f; // high bits of an int192 word not a sign extension
      await expect(send(feed, { reportBytes: badObservation })).to.be.revertedWithoutReason(feed.ethers);
      const hugeLength = base.slice();
      hugeLength.set(uintToBytesBE(1n << 64n, 32), 128);
      await expect(send(feed, { reportBytes: hugeLength })).to.be.revertedWithPanic(0x41);
    });

    it("10 num observations out of bounds", async () => {
      const report: Ocr2Report = {
        observationsTimestamp: 1,
        observers: Array.from({ length: 31 }, (_, i) => i),
        observations: Array.from({ length: 31 }, () => 5n),
        juelsPerFeeCoin: 1n,
      };
      const bytes = encodeOcr2Report(report);
      const words = concatBytes(bytes, uintToBytesBE(5n, 32));
      words.set(uintToBytesBE(32n, 32), 128);
      await expect(send(feed, { reportBytes: words })).to.be.revertedWith("num observations out of bounds");
    });

    it("11 too few values to trust median", async () => {
      await expect(send(feed, { report: feed.reportOf([5n]) })).to.be.revertedWith("too few values to trust median");
    });

    it("12 median is out of min-max range (both sides)", async () => {
      await expect(send(feed, { report: feed.reportOf([0n, 0n, 0n]) })).to.be.revertedWith("median is out of min-max range");
      await expect(send(feed, { report: feed.reportOf([1n, 10n ** 12n + 1n, 10n ** 12n + 1n]) })).to.be.revertedWith(
        "median is out of min-max range",
      );
      await (await send(feed, { report: feed.reportOf([1n, 1n, 10n ** 12n]) })).wait();
    });

    it("13 insufficient gas for the validator", async () => {
      const validator = await feed.ethers.deployContract("TestValidator");
      await (await feed.aggregator.setValidatorConfig(await validator.getAddress(), 4_000_000)).wait();
      await expect(send(feed, { gasLimit: 1_000_000n })).to.be.revertedWith("insufficient gas");
    });
  });

  it("accepts a report whose array offset reuses juelsPerFeeCoin as the length, as abi.decode does", async () => {
    // Words: ts, observers, offset 0x60, juels = n = 3 (also the array length), obs x3, one more word.
    const words = [1n, 0n, 0x60n, 3n, 10n, 20n, 30n, 0n].map((w) => uintToBytesBE(w, 32));
    await (await send(feed, { reportBytes: concatBytes(...words) })).wait();
    expect(await feed.aggregator.latestAnswer()).to.equal(20n);
  });

  it("calls the validator with the previous and the new round", async () => {
    const validator = await feed.ethers.deployContract("TestValidator");
    await (await feed.aggregator.setValidatorConfig(await validator.getAddress(), 100_000)).wait();
    await (await send(feed, { report: feed.reportOf(VALUES) })).wait();
    await expect(send(feed, { round: 2, report: feed.reportOf([1n, 2n, 3n]) }))
      .to.emit(validator, "Validated")
      .withArgs(1n, 300_000n, 2n, 2n, (g: bigint) => g <= 100_000n);
    await (await feed.aggregator.setValidatorConfig(feed.ethers.ZeroAddress, 0)).wait();
    await expect(send(feed, { round: 3, report: feed.reportOf(VALUES) })).to.not.emit(validator, "Validated");
  });

  it("latestTransmissionDetails and latestConfigDigestAndEpoch follow reports and reconfigurations", async () => {
    await (await send(feed, { epoch: 7, round: 2, report: feed.reportOf(VALUES) })).wait();
    const digest = bytesToHex(await feed.configDigest());
    const details = await feed.aggregator.latestTransmissionDetails();
    expect(details.configDigest).to.equal(digest);
    expect(details.epoch).to.equal(7n);
    expect(details.round).to.equal(2n);
    expect(details.latestAnswer_).to.equal(300_000n);
    expect(await feed.aggregator.latestConfigDigestAndEpoch()).to.deep.equal([false, digest, 7n]);
    const reader = await feed.ethers.deployContract("OCR2Reader");
    await expect(reader.readLatestTransmissionDetails(feed.aggregatorAddress)).to.be.revertedWith("Only callable by EOA");
    expect((await reader.readLatestConfigDigestAndEpoch(feed.aggregatorAddress))[2]).to.equal(7n);
  });
});

describe("OCR2Aggregator read API", function () {
  it("getRoundData of unknown ids: (id,0,0,0,id) up to 2^32-1, all zeros above; getAnswer/getTimestamp 0", async () => {
    const feed = await deployOcr2Feed(4, 1);
    expect(await feed.aggregator.latestRoundData()).to.deep.equal([0n, 0n, 0n, 0n, 0n]);
    await feed.transmit(1, 1, feed.reportOf(priceObservations(4, 1)));
    const max = 2n ** 32n - 1n;
    expect(await feed.aggregator.getRoundData(max)).to.deep.equal([max, 0n, 0n, 0n, max]);
    expect(await feed.aggregator.getRoundData(max + 1n)).to.deep.equal([0n, 0n, 0n, 0n, 0n]);
    expect(await feed.aggregator.getRoundData(2)).to.deep.equal([2n, 0n, 0n, 0n, 2n]);
    expect(await feed.aggregator.getAnswer(max + 1n)).to.equal(0n);
    expect(await feed.aggregator.getTimestamp(max + 1n)).to.equal(0n);
    const round1 = await feed.aggregator.getRoundData(1);
    expect(round1.startedAt).to.equal(1_700_000_000n);
    expect(await feed.aggregator.getTimestamp(1)).to.equal(round1.updatedAt);
    expect(await feed.aggregator.latestTimestamp()).to.equal(round1.updatedAt);
    expect(await feed.aggregator.getAnswer(1)).to.equal(round1.answer);
  });

  it("keeps slot 11 (round id at bit 48) and slot 12 (transmissions) where the reference has them", async () => {
    const feed = await deployOcr2Feed(4, 1);
    await feed.transmit(3, 4, feed.reportOf(priceObservations(4, 1)));
    const hot = BigInt(await feed.ethers.provider.getStorage(feed.aggregatorAddress, 11));
    expect(hot & 0xffn).to.equal(1n); // f
    expect((hot >> 8n) & 0xffffffffffn).to.equal(ocr2EpochAndRound(3, 4));
    expect((hot >> 48n) & 0xffffffffn).to.equal(1n);
    const slot = feed.ethers.keccak256(feed.ethers.AbiCoder.defaultAbiCoder().encode(["uint32", "uint256"], [1, 12]));
    const word = BigInt(await feed.ethers.provider.getStorage(feed.aggregatorAddress, slot));
    const [, answer, startedAt, updatedAt] = await feed.aggregator.latestRoundData();
    expect(word & ((1n << 192n) - 1n)).to.equal(answer);
    expect((word >> 192n) & 0xffffffffn).to.equal(startedAt);
    expect(word >> 224n).to.equal(updatedAt);
    expect(JUELS_PER_FEE_COIN).to.be.greaterThan(0n);
  });
});

describe("OCR2Aggregator report word validation", function () {
  it("rejects a non-int192 word at any observation position, for every block shape; accepts negatives", async () => {
    const feed = await deployOcr2Feed(31, 1, { minAnswer: -(10n ** 12n), maxAnswer: 10n ** 12n });
    let round = 0;
    for (const n of [3, 5, 9, 17, 31]) {
      const values = Array.from({ length: n }, (_, i) => BigInt(i) - BigInt(n >> 1) - 7n); // mixed signs
      const report = feed.reportOf(values);
      const bytes = encodeOcr2Report(report);
      for (let i = 0; i < n; i++) {
        const bad = bytes.slice();
        bad[160 + 32 * i] ^= 0x01; // flips a bit above the low 192 of observation i
        await expect(send(feed, { round: round + 1, reportBytes: bad })).to.be.revertedWithoutReason(feed.ethers);
      }
      round++;
      await (await send(feed, { round, reportBytes: bytes })).wait();
      expect(await feed.aggregator.latestAnswer()).to.equal(report.observations[n >> 1]);
    }
    // juelsPerFeeCoin is validated too.
    const bytes = encodeOcr2Report(feed.reportOf([1n, 2n, 3n]));
    bytes[96] = 0x80;
    await expect(send(feed, { round: round + 1, reportBytes: bytes })).to.be.revertedWithoutReason(feed.ethers);
  });
});
