/**
 * `connection.ocr.deploySequencerUptimeFeed`: both flavours deployed on the in-process chain and
 * driven through their bridge stand-ins, with every result checked against what the contracts
 * report and emit.
 */
import { expect } from "chai";
import { Contract } from "ethers";
import { network } from "hardhat";

import type { SequencerFlavour, SequencerUptimeFeed } from "../../plugin/api-types.js";
import { expectPluginError } from "../tasks/task-support.js";

const PHASE_1 = 1n << 64n;
type Connection = Awaited<ReturnType<typeof network.create>>;

async function latestTimestamp(connection: Connection): Promise<bigint> {
  return BigInt((await connection.ethers.provider.getBlock("latest"))!.timestamp);
}

for (const flavour of ["optimism", "arbitrum"] as const satisfies readonly SequencerFlavour[]) {
  describe(`connection.ocr.deploySequencerUptimeFeed({ flavour: "${flavour}" })`, function () {
    let connection: Connection;
    let uptime: SequencerUptimeFeed;

    before(async () => {
      connection = await network.create();
      uptime = await connection.ocr.deploySequencerUptimeFeed({ flavour });
    });

    after(async () => {
      await connection.close();
    });

    it("deploys the feed of that flavour behind a proxy, with its bridge stand-in, and starts up in round 1", async () => {
      const { ethers } = connection;
      const expectedType = flavour === "optimism" ? "OptimismSequencerUptimeFeed 1.0.0" : "ArbitrumSequencerUptimeFeed 1.0.0";
      expect(await new Contract(uptime.addresses.feed, ["function typeAndVersion() view returns (string)"], ethers.provider).typeAndVersion()).to.equal(expectedType);
      const proxy = new Contract(uptime.addresses.proxy, ["function aggregator() view returns (address)", "function accessController() view returns (address)"], ethers.provider);
      expect(await proxy.aggregator()).to.equal(uptime.addresses.feed);
      expect(await proxy.accessController()).to.equal("0x0000000000000000000000000000000000000000");
      expect(await ethers.provider.getCode(uptime.addresses.bridge)).to.not.equal("0x");
      if (flavour === "arbitrum") {
        // The stand-in's own address is the alias of the feed's L1 sender.
        expect(BigInt(uptime.addresses.bridge)).to.equal((BigInt(uptime.addresses.l1Sender) + 0x1111000000000000000000000000000000001111n) % (1n << 160n));
        expect(uptime.addresses.flags).to.match(/^0x[0-9a-fA-F]{40}$/);
      }
      const status = await uptime.status();
      expect(status).to.include({ status: "up", answer: 0n, roundId: PHASE_1 + 1n, aggregatorRoundId: 1n });
      expect(status.startedAt).to.equal(status.updatedAt);
    });

    it("setDown delivers a status change: a new round whose startedAt is the L1 time and updatedAt the arrival", async () => {
      await connection.networkHelpers.time.increase(3600);
      const before = await latestTimestamp(connection);
      const update = await uptime.setDown({ delaySeconds: 30 });
      expect(update).to.include({ reported: "down", outcome: "new-round" });
      expect(update.arrivedAt).to.be.greaterThan(before);
      expect(update.l1Timestamp).to.equal(update.arrivedAt - 30n);
      const status = await uptime.status();
      expect(status).to.include({ status: "down", answer: 1n, roundId: PHASE_1 + 2n, startedAt: update.l1Timestamp });
      expect(status.updatedAt).to.equal(flavour === "optimism" ? update.arrivedAt : update.l1Timestamp);
      const receipt = await connection.ethers.provider.getTransactionReceipt(update.txHash);
      expect(receipt!.to).to.equal(uptime.addresses.bridge);
    });

    it(`a repeated "down" ${flavour === "optimism" ? "only moves updatedAt" : "is ignored"}`, async () => {
      const previous = await uptime.status();
      const update = await uptime.setDown();
      expect(update.outcome).to.equal(flavour === "optimism" ? "updated" : "ignored");
      const status = await uptime.status();
      expect(status).to.include({ status: "down", roundId: previous.roundId, startedAt: previous.startedAt });
      expect(status.updatedAt).to.equal(flavour === "optimism" ? update.arrivedAt : previous.updatedAt);
    });

    it("setUp with an L1 time and a delay: the message is stamped l1Timestamp and arrives delaySeconds later", async () => {
      const l1Timestamp = (await latestTimestamp(connection)) + 100n;
      const update = await uptime.setUp({ l1Timestamp, delaySeconds: 50 });
      expect(update).to.include({ reported: "up", outcome: "new-round", l1Timestamp, arrivedAt: l1Timestamp + 50n });
      const status = await uptime.status();
      expect(status).to.include({ status: "up", roundId: PHASE_1 + 3n, startedAt: l1Timestamp });
    });

    it("an out-of-order message (older than the latest change) is ignored and leaves the status alone", async () => {
      const previous = await uptime.status();
      const update = await uptime.setDown({ l1Timestamp: previous.startedAt - 1n });
      expect(update.outcome).to.equal("ignored");
      expect(await uptime.status()).to.deep.equal(previous);
    });

    it("history() lists every round through the proxy, oldest first", async () => {
      const history = await uptime.history();
      expect(history.map((r) => r.status)).to.deep.equal(["up", "down", "up"]);
      expect(history.map((r) => r.roundId)).to.deep.equal([PHASE_1 + 1n, PHASE_1 + 2n, PHASE_1 + 3n]);
      expect(history[2]).to.deep.equal(await uptime.status());
    });

    it("a message that would arrive before the chain's latest block is refused with what to change", async () => {
      await expectPluginError(uptime.setDown({ l1Timestamp: 1000, delaySeconds: 1 }), /would arrive at 1001.*use a later l1Timestamp or a longer delaySeconds/);
      await expectPluginError(uptime.setDown({ delaySeconds: -1 }), /delaySeconds must be between 0 and 2\^64 - 1/);
      await expectPluginError(uptime.setDown({ l1Timestamp: 1.5 }), /l1Timestamp must be a whole number of seconds/);
    });

    it("a message the feed rejects (its L1 sender was changed) is an error that says why", async () => {
      const [owner] = await connection.ethers.getSigners();
      const feed = new Contract(uptime.addresses.feed, ["function transferL1Sender(address to)"], owner);
      await (await feed.transferL1Sender("0x000000000000000000000000000000000000bEEF")).wait();
      await expectPluginError(uptime.setUp(), /rejected the status message with InvalidSender\(\).*transferL1Sender/);
      await (await feed.transferL1Sender(uptime.addresses.l1Sender)).wait();
    });

    it("attachSequencerUptimeFeed drives the same contracts", async () => {
      const attached = await connection.ocr.attachSequencerUptimeFeed(flavour, uptime.addresses);
      expect(await attached.status()).to.deep.equal(await uptime.status());
      await attached.setDown();
      expect((await uptime.status()).status).to.equal("down");
    });
  });
}

describe("connection.ocr.deploySequencerUptimeFeed input checks", function () {
  it("an unknown flavour is an error naming the flavours", async () => {
    const connection = await network.create();
    try {
      await expectPluginError(
        connection.ocr.deploySequencerUptimeFeed({ flavour: "zksync" as SequencerFlavour }),
        /Unknown sequencer uptime feed flavour "zksync"; use one of "optimism", "arbitrum"/,
      );
    } finally {
      await connection.close();
    }
  });
});
