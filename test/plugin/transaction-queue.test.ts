/**
 * The transaction queues: one account's transactions never overlap (two at once would take the
 * same nonce), a failed one does not stop the line, and different accounts do not wait for each
 * other. A feed's ChainTime is the same kind of queue: one line for every account.
 */
import { expect } from "chai";

import { AccountQueues, SerialQueue } from "../../plugin/chain/transaction-queue.js";
import { ChainTime } from "../../plugin/feed/chain-time.js";

/** A send that records when it starts and ends, and finishes when `release` is called. */
function controlledSend(log: string[], name: string, outcome: "ok" | "fail" = "ok") {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  const send = async () => {
    log.push(`start ${name}`);
    await done;
    log.push(`end ${name}`);
    if (outcome === "fail") throw new Error(`${name} failed`);
    return name;
  };
  return { send, release };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("transaction queues", () => {
  it("SerialQueue runs work one after another in call order, past failures", async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    const a = controlledSend(log, "a", "fail");
    const b = controlledSend(log, "b");
    const first = queue.run(a.send);
    const second = queue.run(b.send);
    await settle();
    expect(log).to.deep.equal(["start a"]);
    expect(queue.idle).to.equal(false);
    a.release();
    await first.then(
      () => expect.fail("the failure reaches its caller"),
      (error: Error) => expect(error.message).to.equal("a failed"),
    );
    await settle();
    expect(log).to.deep.equal(["start a", "end a", "start b"]);
    b.release();
    expect(await second).to.equal("b");
    await settle();
    expect(queue.idle).to.equal(true);
  });

  it("AccountQueues keeps one line per account (any letter case) and lets other accounts pass", async () => {
    const queues = new AccountQueues();
    const log: string[] = [];
    const first = controlledSend(log, "first");
    const second = controlledSend(log, "second");
    const other = controlledSend(log, "other");
    const account = "0x00000000000000000000000000000000000000aA";
    const results = [queues.enqueue(account, first.send), queues.enqueue(account.toLowerCase(), second.send), queues.enqueue("0x01", other.send)];
    await settle();
    expect(log).to.deep.equal(["start first", "start other"]);
    other.release();
    first.release();
    await settle();
    expect(log).to.include("start second");
    second.release();
    expect(await Promise.all(results)).to.deep.equal(["first", "second", "other"]);
  });

  it("a feed's ChainTime puts every account's transactions in its one line", async () => {
    const rpc = { send: async () => Promise.reject(new Error("no RPC on a node that keeps its own time")) };
    const time = new ChainTime(rpc, () => 0, false);
    const log: string[] = [];
    const a = controlledSend(log, "a");
    const b = controlledSend(log, "b");
    const results = [time.enqueue("0x01", a.send), time.enqueue("0x02", b.send)];
    await settle();
    expect(log).to.deep.equal(["start a"]);
    a.release();
    await settle();
    b.release();
    expect(await Promise.all(results)).to.deep.equal(["a", "b"]);
    expect(log).to.deep.equal(["start a", "end a", "start b", "end b"]);
  });
});
