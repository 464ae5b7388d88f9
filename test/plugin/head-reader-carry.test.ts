/**
 * A head whose logs are known (HeadBlock.knownLogs: our own transaction's receipt, or a block the
 * user's code mined) lets the head reader keep the parent head's reads that the block cannot have
 * changed, and derive the latest transmission from a NewTransmission log. What must hold: a read
 * is carried only when the block's logs show the aggregator did not change it, or derived exactly
 * as the aggregator stores it; only from the block's actual parent and in the same edition (no
 * state edit in between); the round-request scan takes the head's RoundRequested logs from the
 * known logs only when it has scanned everything before it.
 */
import { expect } from "chai";
import { AbiCoder, type Provider, getAddress } from "ethers";

import { type HeadBlock, HeadReader, MAX_KNOWN_ANCESTRY, knownBlocksSince, withKnownAncestry } from "../../plugin/chain/head-reader.js";
import type { RawLog } from "../../plugin/chain/json-rpc.js";
import { OCR1_DIALECT, type TransmissionDetailsWords, transmissionDetailsAfter } from "../../plugin/chain/aggregator-dialect.js";
import { OCR2_DIALECT } from "../../plugin/chain/ocr2-aggregator-chain.js";
import { RoundRequestScanner } from "../../plugin/chain/round-request-scanner.js";

const AGGREGATOR = "0x00000000000000000000000000000000000000a9";
const coder = AbiCoder.defaultAbiCoder();
const topic = (event: string) => OCR1_DIALECT.abi.getEvent(event)!.topicHash;
const selector = (fn: string) => OCR1_DIALECT.abi.getFunction(fn)!.selector;

/** A node answering the two views (config count 0: no config yet) and eth_getLogs, counting each. */
class ViewNode {
  calls: string[] = [];
  transmissionEpoch = 1;
  logs: unknown[] = [];
  async send(method: string, params: unknown[]): Promise<unknown> {
    if (method === "eth_call") {
      const data = (params[0] as { data: string }).data;
      if (data === selector("latestConfigDetails")) {
        this.calls.push("latestConfigDetails");
        return coder.encode(["uint32", "uint32", "bytes16"], [0, 0, "0x" + "00".repeat(16)]);
      }
      if (data === selector("latestTransmissionDetails")) {
        this.calls.push("latestTransmissionDetails");
        return coder.encode(["bytes16", "uint32", "uint8", "int192", "uint64"], ["0x" + "11".repeat(16), this.transmissionEpoch, 1, 5, 7]);
      }
    }
    if (method === "eth_getLogs") {
      this.calls.push("eth_getLogs");
      return this.logs;
    }
    throw new Error(`unexpected ${method}`);
  }
}

const hash = (n: number) => "0x" + n.toString(16).padStart(64, "0");
const block = (n: number): HeadBlock => ({ number: n, hash: hash(n), timestampSec: 1000 + n, baseFeePerGas: 1n });
/** Block `parent.number + 1`, known from our own receipt with these logs. */
const mined = (parent: HeadBlock, logs: RawLog[]): HeadBlock => ({ ...block(parent.number + 1), knownLogs: { parent, logs } });
const log = (event: string, address = AGGREGATOR): RawLog => ({ address, topics: [topic(event)], data: "0x", logIndex: "0x0" });
/** OCR1's NewTransmission for aggregator round `roundId` of a report of (epoch, round) with `answer`. */
const newTransmission = (roundId: number, epoch: number, round: number, answer: bigint): RawLog => ({
  address: AGGREGATOR,
  topics: [topic("NewTransmission"), "0x" + roundId.toString(16).padStart(64, "0")],
  // rawReportContext: 11 zero bytes, the 16-byte digest, then epoch (4 bytes) and round (1 byte).
  data: coder.encode(
    ["int192", "address", "int192[]", "bytes", "bytes32"],
    [answer, "0x" + "cd".repeat(20), [answer], "0x00", "0x" + "00".repeat(11) + "33".repeat(16) + epoch.toString(16).padStart(8, "0") + round.toString(16).padStart(2, "0")],
  ),
  logIndex: "0x0",
});

function readerOver(node: ViewNode, head: () => HeadBlock): HeadReader {
  return new HeadReader({ provider: node as unknown as Provider, aggregatorAddress: AGGREGATOR, latestBlock: async () => head() });
}

describe("HeadReader: reads carried to a head whose logs are known", () => {
  async function readBoth(reader: HeadReader) {
    await reader.latestConfig();
    return (await reader.latestTransmissionDetails()).epoch;
  }

  /** A reader over a fresh node whose head is block 10, after `first` read there; `at.head` is the head it sees next. */
  async function readerAtBlock10(first: (reader: HeadReader) => Promise<unknown> = readBoth) {
    const node = new ViewNode();
    const at: { head: HeadBlock } = { head: block(10) };
    const reader = readerOver(node, () => at.head);
    await first(reader);
    return { node, reader, at };
  }

  it("keeps both views when the aggregator logged neither a ConfigSet nor a NewTransmission", async () => {
    const { node, reader, at } = await readerAtBlock10();
    at.head = mined(at.head, [log("RoundRequested"), log("NewTransmission", "0x00000000000000000000000000000000000000b0")]);
    node.transmissionEpoch = 99; // would show if it were read again
    expect(await readBoth(reader)).to.equal(1);
    expect(node.calls).to.deep.equal(["latestConfigDetails", "latestTransmissionDetails"]);
  });

  it("derives the transmission from our own NewTransmission log, and reads both again after a ConfigSet", async () => {
    const { node, reader, at } = await readerAtBlock10();
    at.head = mined(at.head, [newTransmission(7, 2, 3, -42n)]);
    node.transmissionEpoch = 99; // would show if it were read again
    expect(await reader.latestTransmissionDetails()).to.deep.equal({
      configDigest: new Uint8Array(16).fill(0x11), // the config's digest: unchanged without a ConfigSet
      epoch: 2,
      round: 3,
      latestAnswer: -42n,
      latestTimestamp: BigInt(at.head.timestampSec), // the block the transmission was stored in
    });
    expect(node.calls).to.deep.equal(["latestConfigDetails", "latestTransmissionDetails"]);
    at.head = mined(at.head, [log("ConfigSet")]);
    node.transmissionEpoch = 0;
    expect(await readBoth(reader)).to.equal(0);
    expect(node.calls.slice(2)).to.deep.equal(["latestConfigDetails", "latestTransmissionDetails"]);
  });

  it("takes the last of several transmissions across several of our own blocks", async () => {
    const { node, reader, at } = await readerAtBlock10();
    // A transmit, a round request and another transmit, all ours, with no read in between.
    at.head = mined(mined(mined(at.head, [newTransmission(8, 2, 1, 5n)]), [log("RoundRequested")]), [newTransmission(9, 2, 2, 6n)]);
    node.transmissionEpoch = 99;
    expect(await reader.latestTransmissionDetails()).to.deep.include({ epoch: 2, round: 2, latestAnswer: 6n, latestTimestamp: BigInt(at.head.timestampSec) });
    expect(node.calls).to.deep.equal(["latestConfigDetails", "latestTransmissionDetails"]);
  });

  it("reads the transmission when the head it was read at is not our block's parent", async () => {
    const { node, reader, at } = await readerAtBlock10((r) => r.latestConfig()); // the transmission was never read at block 10: nothing to derive from
    at.head = mined(at.head, [newTransmission(7, 2, 3, 1n)]);
    node.transmissionEpoch = 4;
    expect(await readBoth(reader)).to.equal(4);
    expect(node.calls).to.deep.equal(["latestConfigDetails", "latestTransmissionDetails"]);
  });

  it("stamps the derived transmission with the block that logged it, not a later head", async () => {
    const { node, reader, at } = await readerAtBlock10();
    const transmitted = mined(at.head, [newTransmission(7, 2, 3, 9n)]);
    at.head = mined(transmitted, []); // an empty block of ours after it
    expect((await reader.latestTransmissionDetails()).latestTimestamp).to.equal(BigInt(transmitted.timestampSec));
    expect(node.calls).to.deep.equal(["latestConfigDetails", "latestTransmissionDetails"]);
  });

  it("reads both again when one block logs a ConfigSet and a NewTransmission", async () => {
    const { node, reader, at } = await readerAtBlock10();
    at.head = mined(at.head, [log("ConfigSet"), newTransmission(7, 2, 3, 9n)]);
    node.transmissionEpoch = 5;
    expect(await readBoth(reader)).to.equal(5);
    expect(node.calls.slice(2)).to.deep.equal(["latestConfigDetails", "latestTransmissionDetails"]);
  });

  it("reads both again at the same block after a state edit (a new edition)", async () => {
    const { node, reader, at } = await readerAtBlock10();
    at.head = { ...at.head, edition: 1 }; // e.g. hardhat_setStorageAt on the aggregator, nothing mined
    node.transmissionEpoch = 6;
    expect(await readBoth(reader)).to.equal(6);
    at.head = { ...mined(at.head, []), edition: 2 }; // an edit, then a block of ours: nothing carried across
    node.transmissionEpoch = 7;
    expect(await readBoth(reader)).to.equal(7);
    expect(node.calls).to.deep.equal(Array(3).fill(["latestConfigDetails", "latestTransmissionDetails"]).flat());
  });

  it("falls back to a fresh read when a NewTransmission log cannot be read", async () => {
    const { node, reader, at } = await readerAtBlock10();
    at.head = mined(at.head, [{ ...newTransmission(7, 2, 3, 9n), data: "0x1234" }]);
    node.transmissionEpoch = 8;
    expect((await reader.latestTransmissionDetails()).epoch).to.equal(8);
  });

  it("remembers at most a few of our blocks below a head", () => {
    let head = block(0);
    // As ChainTime builds each new head: on top of its parent with the ancestry cut.
    for (let i = 0; i < 20; i++) head = mined(withKnownAncestry(head, MAX_KNOWN_ANCESTRY - 1), []);
    expect(knownBlocksSince(head, hash(20 - MAX_KNOWN_ANCESTRY))).to.have.length(MAX_KNOWN_ANCESTRY);
    expect(knownBlocksSince(head, hash(20 - MAX_KNOWN_ANCESTRY - 1))).to.equal(null);
    expect(knownBlocksSince(head, hash(20))).to.deep.equal([]);
  });

  it("carries nothing from a block that is not the new head's parent, or to a head fetched from the node", async () => {
    const { node, reader, at } = await readerAtBlock10();
    at.head = mined(block(11), []); // block 11 was never read here, and is not known from a receipt
    await readBoth(reader);
    at.head = block(13); // no knownLogs: asked of the node
    await readBoth(reader);
    expect(node.calls).to.deep.equal(Array(3).fill(["latestConfigDetails", "latestTransmissionDetails"]).flat());
  });
});

describe("RoundRequestScanner: the head's requests from our own receipt", () => {
  /** A config at block 5 and a committee's view of it, with the scanner under test. */
  function scannerOver(node: ViewNode, head: () => HeadBlock) {
    const reader = readerOver(node, head);
    (reader as unknown as { latestConfigAt: () => Promise<unknown> }).latestConfigAt = async () => ({ configCount: 1n, blockNumber: 5 });
    return new RoundRequestScanner(node as unknown as Provider, reader);
  }
  const roundRequested = (blockNumber: number, logIndex: number, epoch: number, round: number) => ({
    address: AGGREGATOR,
    topics: [topic("RoundRequested"), "0x" + "00".repeat(12) + "ab".repeat(20)],
    data: coder.encode(["bytes16", "uint32", "uint8"], ["0x" + "22".repeat(16), epoch, round]),
    logIndex: "0x" + logIndex.toString(16),
    blockNumber: "0x" + blockNumber.toString(16),
  });

  it("takes the head block's RoundRequested from the receipt once every earlier block is scanned, and asks the node otherwise", async () => {
    const node = new ViewNode();
    node.logs = [roundRequested(10, 0, 3, 1)];
    let head = block(10);
    const scanner = scannerOver(node, () => head);
    expect(await scanner.latestRoundRequested(1e12)).to.deep.equal({
      requester: getAddress("0x" + "ab".repeat(20)),
      configDigest: new Uint8Array(16).fill(0x22),
      epoch: 3,
      round: 1,
    });
    expect(node.calls).to.deep.equal(["eth_getLogs"]);

    head = mined(head, [roundRequested(11, 2, 4, 2), log("NewTransmission")]);
    expect(await scanner.latestRoundRequested(1e12)).to.deep.include({ epoch: 4, round: 2 });
    expect(node.calls).to.deep.equal(["eth_getLogs"]);
    // Two blocks of ours since the last scan: a request in the older one is found, with its block's time.
    head = mined(mined(head, [roundRequested(12, 0, 4, 3)]), [log("NewTransmission")]);
    expect(await scanner.latestRoundRequested(1e12)).to.deep.include({ epoch: 4, round: 3 });
    expect(node.calls).to.deep.equal(["eth_getLogs"]);

    // A head whose parent was never scanned: blocks in between may hold requests, so ask.
    node.logs = [roundRequested(16, 0, 5, 1)];
    head = mined(block(15), []);
    expect(await scanner.latestRoundRequested(1e12)).to.deep.include({ epoch: 5, round: 1 });
    expect(node.calls).to.deep.equal(["eth_getLogs", "eth_getLogs"]);
  });
});

describe("transmissionDetailsAfter: latestTransmissionDetails as each aggregator version stores a transmission", () => {
  const before: TransmissionDetailsWords = [new Uint8Array(32).fill(0x44), 1n, 1n, 1n, 1n];

  it("OCR2: the logged answer (negative too), epochAndRound, and the block time's low 32 bits", () => {
    const epochAndRound = (7n << 8n) | 4n;
    const data = coder.encode(
      ["int192", "address", "uint32", "int192[]", "bytes", "int192", "bytes32", "uint40"],
      [-5n * 10n ** 8n, "0x" + "cd".repeat(20), 1000, [-5n * 10n ** 8n], "0x00", 3n, "0x" + "55".repeat(32), epochAndRound],
    );
    const log: RawLog = { address: AGGREGATOR, topics: [OCR2_DIALECT.abi.getEvent("NewTransmission")!.topicHash, "0x" + "00".repeat(31) + "09"], data };
    expect(transmissionDetailsAfter(OCR2_DIALECT, log, 2 ** 32 + 17, before)).to.deep.equal([before[0], 7n, 4n, -5n * 10n ** 8n, 17n]);
    expect(transmissionDetailsAfter(OCR1_DIALECT, newTransmission(9, 7, 4, -1n), 2 ** 32 + 17, before)).to.deep.equal([before[0], 7n, 4n, -1n, BigInt(2 ** 32 + 17)]);
  });

  it("OCR1: only the low 40 bits of the report context word are the epoch and round", () => {
    const log = newTransmission(9, 0xffffffff, 0xff, 2n);
    expect(transmissionDetailsAfter(OCR1_DIALECT, log, 100, before).slice(1, 3)).to.deep.equal([0xffffffffn, 0xffn]);
  });
});
