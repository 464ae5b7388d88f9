/**
 * ChainTime pins each transaction's block to the committee clock on the simulated network. With
 * automine off and interval mining on, the node may mine a block of its own between the read of
 * the latest block and the pin: the pin is then refused, and must not surface as a raw node error.
 */
import { expect } from "chai";

import { ChainEdits } from "../../plugin/chain/chain-edits.js";
import { ChainTime, isTimestampTakenError, nextBlockTimestamp } from "../../plugin/feed/chain-time.js";
import { ownerSend } from "../../plugin/feed/contracts.js";

/** A node whose interval miner mines one block right after each latest-block read, as in the race. */
class RacingNode {
  latest = 1000n;
  pinned: number[] = [];
  minesBetweenReadAndPin = true;

  async send(method: string, params: unknown[]): Promise<unknown> {
    if (method === "eth_getBlockByNumber") {
      const reported = this.latest;
      if (this.minesBetweenReadAndPin) this.latest += 1n; // the interval miner strikes
      return { number: "0x" + reported.toString(16), hash: "0x" + reported.toString(16).padStart(64, "0"), timestamp: "0x" + reported.toString(16) };
    }
    if (method === "evm_setNextBlockTimestamp") {
      const wanted = BigInt(params[0] as number);
      if (wanted <= this.latest) {
        throw new Error(`Timestamp ${wanted} is ${wanted === this.latest ? "equal to" : "lower than"} the previous block's timestamp ${this.latest}`);
      }
      this.pinned.push(Number(wanted));
      return null;
    }
    throw new Error(`unexpected ${method}`);
  }
}

describe("ChainTime on a node that mines on an interval", () => {
  it("recognises the node's refusal of a timestamp that is already taken, and nothing else", () => {
    expect(isTimestampTakenError(new Error("Timestamp 1001 is equal to the previous block's timestamp. Enable the 'allowBlocksWithSameTimestamp' option to allow this"))).to.equal(true);
    expect(isTimestampTakenError(new Error("Timestamp 999 is lower than the previous block's timestamp 1001"))).to.equal(true);
    expect(isTimestampTakenError(new Error("nonce too low"))).to.equal(false);
  });

  it("sends the transaction without a pin when the node already passed the clock's second", async () => {
    const node = new RacingNode();
    const clockMs = 1000 * 1000; // the clock's second equals the latest block: pin latest + 1
    const time = new ChainTime(node, () => clockMs, true);
    expect(nextBlockTimestamp(clockMs, 1000n)).to.equal(1001n);
    const sent = await time.transaction(async () => "sent");
    expect(sent).to.equal("sent");
    expect(node.pinned).to.deep.equal([]);
  });

  it("pins as before when nothing races it, and still reports other refusals", async () => {
    const node = new RacingNode();
    node.minesBetweenReadAndPin = false;
    const time = new ChainTime(node, () => 2000 * 1000, true);
    await time.transaction(async () => undefined);
    expect(node.pinned).to.deep.equal([2000]);

    const failing = { send: async (method: string) => (method === "eth_getBlockByNumber" ? { number: "0x1", hash: "0x" + "1".padStart(64, "0"), timestamp: "0x1" } : Promise.reject(new Error("method not supported"))) };
    const strict = new ChainTime(failing, () => 5000, true);
    await strict.transaction(async () => undefined).then(
      () => expect.fail("a refusal other than a taken timestamp must surface"),
      (error: Error) => expect(error.message).to.equal("method not supported"),
    );
  });
});

/** A node that mines only when told, counting latest-block reads. */
class CountingNode {
  latest = 100n;
  reads = 0;
  async send(method: string, params: unknown[]): Promise<unknown> {
    if (method === "eth_getBlockByNumber") {
      this.reads++;
      return { number: "0x" + this.latest.toString(16), hash: "0x" + this.latest.toString(16).padStart(64, "0"), timestamp: "0x" + this.latest.toString(16) };
    }
    if (method === "evm_setNextBlockTimestamp") return null;
    if (method === "evm_mine") {
      this.latest += 1n;
      return null;
    }
    throw new Error(`unexpected ${method} ${JSON.stringify(params)}`);
  }
}

describe("ChainTime's latest block on the simulated network", () => {
  it("is read once between changes, and afresh after each transaction and each run", async () => {
    const node = new CountingNode();
    const time = new ChainTime(node, () => 0, true);
    const first = await time.latestBlock();
    await time.latestBlock();
    expect(first.number).to.equal(100);
    expect(node.reads).to.equal(1);

    // A transaction learns the head it starts from without asking again, and moves the head.
    const seen = await time.transaction(async ({ latestBlock }) => {
      await node.send("evm_mine", []);
      return latestBlock;
    });
    expect(seen?.number).to.equal(100);
    expect(node.reads).to.equal(1);
    expect((await time.latestBlock()).number).to.equal(101);
    expect(node.reads).to.equal(2);

    // Blocks mined behind the feed's back count from the next run on.
    node.latest += 5n;
    expect((await time.latestBlock()).number).to.equal(101);
    time.noteOutsideChanges();
    expect((await time.latestBlock()).number).to.equal(106);
  });

  it("asks a node that mines on its own every time", async () => {
    const node = new CountingNode();
    const time = new ChainTime(node, () => 0, false);
    await time.latestBlock();
    await time.latestBlock();
    expect(node.reads).to.equal(2);
    const seen = await time.transaction(async ({ latestBlock }) => latestBlock);
    expect(seen).to.equal(undefined);
  });
});

describe("ChainTime's head after its own transaction", () => {
  /** CountingNode plus what a transaction's sender reports: the block it was mined in. */
  const minedBlock = (n: bigint) => ({ number: Number(n), hash: "0x" + n.toString(16).padStart(64, "0"), baseFeePerGas: 7n, logs: [] });

  it("takes the block the receipt names as the head, stamped with the pinned second, without asking", async () => {
    const node = new CountingNode();
    const time = new ChainTime(node, () => 500_000, true); // the clock's second: 500
    await time.transaction(async ({ minedIn }) => {
      await node.send("evm_mine", []);
      minedIn!(minedBlock(101n));
    });
    expect(node.reads).to.equal(1);
    const { logs, ...header } = minedBlock(101n);
    const head = await time.latestBlock();
    expect(head).to.deep.include({ ...header, timestampSec: 500 });
    expect(head.knownLogs?.logs).to.deep.equal(logs);
    expect(head.knownLogs?.parent.number).to.equal(100);
    expect(node.reads).to.equal(1);
    // The next run asks again: the user's code may have mined meanwhile.
    time.noteOutsideChanges();
    expect((await time.latestBlock()).number).to.equal(101);
    expect(node.reads).to.equal(2);
  });

  it("asks the node when the mined block is not the one right after the head it started from", async () => {
    const node = new CountingNode();
    const time = new ChainTime(node, () => 500_000, true);
    await time.transaction(async ({ minedIn }) => {
      node.latest += 2n; // a block of someone else's, then ours
      minedIn!(minedBlock(102n));
    });
    expect((await time.latestBlock()).timestampSec).to.equal(102); // the node's answer, not the pin
    expect(node.reads).to.equal(2);
  });
});

describe("ChainTime's head after a block the user's code mined between runs", () => {
  const hashOf = (n: bigint, fork = 0) => "0x" + (BigInt(fork) * 2n ** 200n + n).toString(16).padStart(64, "0");
  /** A chain of blocks with parent hashes, whose blocks' logs can be asked for by hash. */
  class LinkedNode {
    latest = 100n;
    fork = 0; // blocks mined after a rewind get other hashes
    calls: string[] = [];
    logsRefused = false;
    readonly blockLogs = new Map<string, unknown[]>();
    async send(method: string, params: unknown[]): Promise<unknown> {
      this.calls.push(method);
      if (method === "eth_getBlockByNumber") {
        const n = this.latest;
        return { number: "0x" + n.toString(16), hash: hashOf(n, this.fork), parentHash: hashOf(n - 1n, n - 1n > 100n ? this.fork : 0), timestamp: "0x" + n.toString(16) };
      }
      if (method === "eth_getLogs") {
        if (this.logsRefused) throw new Error("the method eth_getLogs does not exist");
        return this.blockLogs.get((params[0] as { blockHash: string }).blockHash) ?? [];
      }
      throw new Error(`unexpected ${method} ${JSON.stringify(params)}`);
    }
    /** The user's code mines one block with these logs. */
    mine(logs: unknown[] = []): void {
      this.latest += 1n;
      this.blockLogs.set(hashOf(this.latest, this.fork), logs);
    }
  }

  it("learns the one block's logs, tied to the head known before it", async () => {
    const node = new LinkedNode();
    const time = new ChainTime(node, () => 0, true);
    const before = await time.latestBlock();
    const logs = [{ address: "0x00000000000000000000000000000000000000a9", topics: ["0x01"], data: "0x", logIndex: "0x0" }];
    node.mine(logs);
    time.noteOutsideChanges();
    const head = await time.latestBlock();
    expect(head.number).to.equal(101);
    expect(head.knownLogs?.logs).to.deep.equal(logs);
    expect(head.knownLogs?.parent.hash).to.equal(before.hash);
    expect(node.calls).to.deep.equal(["eth_getBlockByNumber", "eth_getBlockByNumber", "eth_getLogs"]);
  });

  it("takes several blocks, a block on another parent, or a node without log filters by hash as they are", async () => {
    const node = new LinkedNode();
    const time = new ChainTime(node, () => 0, true);
    await time.latestBlock();
    node.mine();
    node.mine();
    time.noteOutsideChanges();
    expect((await time.latestBlock()).knownLogs).to.equal(undefined);

    // Rewound to block 101 and mined again: block 102 now sits on another block 101.
    node.fork = 1;
    node.latest = 101n;
    node.mine();
    time.noteOutsideChanges();
    expect((await time.latestBlock()).knownLogs).to.equal(undefined);

    node.logsRefused = true;
    node.mine();
    time.noteOutsideChanges();
    expect((await time.latestBlock()).knownLogs).to.equal(undefined);
    expect(node.calls.filter((m) => m === "eth_getLogs")).to.have.length(1);
  });
});

describe("ChainTime after the user's code edited the chain without a transaction", () => {
  it("relates nothing read before a state edit to what is read after it, at any hash", async () => {
    const node = new CountingNode();
    const edits = new ChainEdits(true);
    const time = new ChainTime(node, () => 0, true, edits);
    const before = await time.latestBlock();
    edits.noteRequest("hardhat_setStorageAt", ["0x00000000000000000000000000000000000000a9", "0x0", "0x" + "00".repeat(32)]);
    // Nothing mined: the same hash, but a new edition, so the head reader reads again.
    const after = await time.latestBlock();
    expect(after.hash).to.equal(before.hash);
    expect([before.edition, after.edition]).to.deep.equal([0, 1]);
    expect(node.reads).to.equal(2);
  });

  it("takes a receipt's logs for its block's only under automine", async () => {
    for (const automine of [true, false]) {
      const node = new CountingNode();
      const time = new ChainTime(node, () => 500_000, true, new ChainEdits(automine));
      const logs = [{ address: "0x00000000000000000000000000000000000000a9", topics: ["0x01"], data: "0x", logIndex: "0x0" }];
      await time.transaction(async ({ minedIn }) => {
        await node.send("evm_mine", []);
        minedIn!({ number: 101, hash: "0x" + "65".padStart(64, "0"), baseFeePerGas: 7n, logs });
      });
      const head = await time.latestBlock();
      expect(head.number).to.equal(101);
      expect(head.knownLogs?.logs, `automine ${automine}`).to.deep.equal(automine ? logs : undefined);
    }
  });

  it("counts state edits and follows evm_setAutomine and hardhat_reset", () => {
    const edits = new ChainEdits(true);
    edits.noteRequest("eth_call", []);
    edits.noteRequest("eth_sendRawTransaction", ["0x00"]);
    expect(edits.count).to.equal(0);
    edits.noteRequest("evm_setAutomine", [false]);
    expect([edits.count, edits.automine]).to.deep.equal([1, false]);
    edits.noteRequest("hardhat_setCode", ["0x00000000000000000000000000000000000000a9", "0x00"]);
    edits.noteRequest("hardhat_reset", []);
    expect([edits.count, edits.automine]).to.deep.equal([3, true]);
  });
});

describe("ChainTime's head after an owner transaction on the simulated network", () => {
  it("is exactly the block the node reports as latest", async () => {
    const { network } = await import("hardhat");
    const { ethers } = await network.create();
    const [owner] = await ethers.getSigners();
    const latest = await ethers.provider.getBlock("latest");
    let clockMs = (latest!.timestamp + 100) * 1000;
    const time = new ChainTime(ethers.provider, () => clockMs, true);
    const reads: string[] = [];
    const counting = {
      send: (method: string, params: unknown[]) => {
        reads.push(method);
        return ethers.provider.send(method, params);
      },
    };
    const countedTime = new ChainTime(counting, () => clockMs, true);
    for (const chainTime of [time, countedTime]) {
      for (let i = 0; i < 3; i++) {
        clockMs += 12_345;
        await ownerSend({ owner, chainTime, deployContract: () => Promise.reject(new Error("unused")) }, ethers.provider, owner.address, "0x", () => Promise.resolve(), 30_000n);
        const { knownLogs, edition, ...known } = await chainTime.latestBlock();
        expect(edition, "no state edits on this line").to.equal(0);
        expect(knownLogs?.logs, "the block's only transaction, a plain transfer, logged nothing").to.deep.equal([]);
        const fetched = (await ethers.provider.send("eth_getBlockByNumber", ["latest", false])) as { number: string; hash: string; timestamp: string; baseFeePerGas: string };
        expect(known).to.deep.equal({
          number: Number(fetched.number),
          hash: fetched.hash,
          timestampSec: Number(fetched.timestamp),
          baseFeePerGas: BigInt(fetched.baseFeePerGas),
        });
      }
    }
    // The counted line read the head once, at its first transaction.
    expect(reads.filter((m) => m === "eth_getBlockByNumber")).to.have.length(1);
  });
});
