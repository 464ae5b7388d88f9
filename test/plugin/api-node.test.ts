/**
 * `connection.ocr` against a JSON-RPC node (`hardhat node`): the committee runs on the real
 * clock and the node stamps its own blocks. A second connection attaches to the feed the first
 * deployed, as a later process would.
 */
import { type ChildProcess, spawn } from "node:child_process";

import { expect } from "chai";
import { network } from "hardhat";
import { freePort } from "../../testkit/free-port.js";


/** Start `hardhat node` on `port` and resolve once it answers JSON-RPC. */
async function startNode(port: number): Promise<ChildProcess> {
  const node = spawn("npx", ["hardhat", "node", "--hostname", "127.0.0.1", "--port", String(port)], {
    stdio: "ignore",
    detached: true,
  });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 150; attempt++) {
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      if (response.ok) return node;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  process.kill(-node.pid!);
  throw new Error(`hardhat node did not start on ${url}`);
}

describe("connection.ocr on a JSON-RPC node (real clock)", function () {
  this.timeout(120_000);
  let node: ChildProcess | undefined;
  let url = "";

  before(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    node = await startNode(port);
  });

  after(() => {
    // The node runs in its own process group (detached), so this ends it and only it.
    if (node?.pid !== undefined) process.kill(-node.pid);
  });

  it("deploys, runs a round in real time, and a second connection attaches and continues", async () => {
    const first = await network.create({ network: "localhost", override: { url } });
    const feed = await first.ocr.deployFeed();
    const round = await feed.runRound();
    expect(round.proxyRoundId).to.equal((1n << 64n) + 1n);
    expect(round.answer).to.equal(round.median);
    feed.stop?.();

    const second = await network.create({ network: "localhost", override: { url } });
    const attached = await second.ocr.attachFeed("ETH / USD", feed.addresses);
    expect(attached.configDigest).to.equal(feed.configDigest);
    const next = await attached.runRound();
    attached.stop?.();
    expect(next.aggregatorRoundId).to.equal(2n);
    expect(next.epoch).to.be.greaterThan(round.epoch);
    // Real time: the node stamped the block, within a minute of the wall clock.
    expect(Math.abs(Number(next.timestamp) - Date.now() / 1000)).to.be.lessThan(60);
    const history = await attached.history();
    expect(history.map((h) => h.proxyRoundId)).to.deep.equal([round.proxyRoundId, next.proxyRoundId]);
  });
});
