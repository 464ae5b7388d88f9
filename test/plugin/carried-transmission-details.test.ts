/**
 * The head reader carries the aggregator's views over blocks whose logs it knows: after a
 * transmit of our own it derives `latestTransmissionDetails()` from the NewTransmission log, and
 * over a block the user's code mined between two runs it keeps what that block's logs show
 * untouched. On a real chain, with the aggregator's own views as the judge: every answer the
 * oracles get equals a fresh call at the same block, for both aggregator versions, across epoch
 * changes, outside transactions and many reports.
 */
import { expect } from "chai";
import { Contract } from "ethers";

import type { AggregatorDialect } from "../../plugin/chain/aggregator-dialect.js";
import { OCR1_DIALECT } from "../../plugin/chain/aggregator-dialect.js";
import { sendRaw } from "../../plugin/chain/json-rpc.js";
import { OCR2_DIALECT } from "../../plugin/chain/ocr2-aggregator-chain.js";
import { bytesToHex } from "../../plugin/core/bytes.js";
import type { ChainTime } from "../../plugin/feed/chain-time.js";
import type { OffchainAggregatorChain, TransmissionDetails } from "../../plugin/protocol/chain.js";
import { VirtualClock } from "../../plugin/protocol/clock.js";
import { type ChainParts, clockSyncedChain, deployCommitteeFeed } from "../../testkit/feed-fixture.js";
import { risingMarket } from "../../testkit/markets.js";
import { deployOcr2CommitteeFeed } from "../../testkit/ocr2-committee-fixture.js";

const R_MAX = 3; // an epoch change every few reports
const REPORTS = 24;

interface Checked {
  compared: number;
  configsCompared: number;
  mismatches: string[];
}

/**
 * The feed's wiring (ClockSyncedChain over a ChainTime), with every `latestTransmissionDetails`
 * the oracles get compared with a fresh eth_call at the block it was answered for.
 */
function checkingChain(parts: ChainParts, dialect: AggregatorDialect, wired: ReturnType<typeof clockSyncedChain>, checked: Checked): OffchainAggregatorChain {
  const rpc = { send: (method: string, params: unknown[]) => sendRaw(parts.provider, method, params) };
  const { chain: inner, time } = wired;
  const fresh = async (blockNumber: number): Promise<TransmissionDetails> => {
    const fn = dialect.abi.getFunction("latestTransmissionDetails")!;
    const data = (await rpc.send("eth_call", [{ to: parts.aggregatorAddress, data: fn.selector }, `0x${blockNumber.toString(16)}`])) as string;
    const [digest, epoch, round, latestAnswer, latestTimestamp] = dialect.abi.decodeFunctionResult(fn, data);
    return { configDigest: Uint8Array.from(Buffer.from((digest as string).slice(2), "hex")), epoch: Number(epoch), round: Number(round), latestAnswer, latestTimestamp };
  };
  const freshConfig = async (blockNumber: number): Promise<string> => {
    const fn = dialect.abi.getFunction("latestConfigDetails")!;
    const data = (await rpc.send("eth_call", [{ to: parts.aggregatorAddress, data: fn.selector }, `0x${blockNumber.toString(16)}`])) as string;
    const [configCount, , digest] = dialect.abi.decodeFunctionResult(fn, data);
    return `${configCount}/${(digest as string).toLowerCase()}`;
  };
  return {
    async latestConfig() {
      const head = await time.latestBlock();
      const answered = await inner.latestConfig();
      if (answered !== null && (await time.latestBlock()).hash === head.hash) {
        const expected = await freshConfig(head.number);
        checked.configsCompared++;
        const got = `${answered.configCount}/${bytesToHex(answered.configDigest).toLowerCase()}`;
        if (got !== expected) checked.mismatches.push(`block ${head.number}: config ${got}, the aggregator says ${expected}`);
      }
      return answered;
    },
    latestRoundRequested: (lookbackMs) => inner.latestRoundRequested(lookbackMs),
    nowMs: () => inner.nowMs(),
    transmit: (request) => inner.transmit(request),
    async latestTransmissionDetails() {
      const head = await time.latestBlock();
      const answered = await inner.latestTransmissionDetails();
      // Compared only when no transaction of the line moved the head meanwhile.
      if ((await time.latestBlock()).hash === head.hash) {
        const expected = await fresh(head.number);
        checked.compared++;
        const show = (d: TransmissionDetails) => `${bytesToHex(d.configDigest)} e${d.epoch} r${d.round} ${d.latestAnswer} @${d.latestTimestamp}`;
        if (show(answered) !== show(expected)) checked.mismatches.push(`block ${head.number}: got ${show(answered)}, the aggregator says ${show(expected)}`);
      }
      return answered;
    },
  };
}

describe("latestTransmissionDetails carried past our own transmits, on the simulated network", () => {
  for (const protocol of ["ocr1", "ocr2"] as const) {
    it(`equals a fresh call at the same block for every read (${protocol}, ${REPORTS} reports with epoch changes and outside blocks)`, async () => {
      const checked: Checked = { compared: 0, configsCompared: 0, mismatches: [] };
      const clock = new VirtualClock({ startMs: Date.UTC(2040, 0, 1), seed: `carried-details-${protocol}/clock` }); // fixed, and ahead of any block the fixture mined
      let time: ChainTime | undefined;
      const chain = (parts: ChainParts) => {
        const dialect = protocol === "ocr1" ? OCR1_DIALECT : OCR2_DIALECT;
        const wired = clockSyncedChain(parts, clock, dialect);
        time = wired.time;
        return checkingChain(parts, dialect, wired, checked);
      };
      const setup = { n: 4, f: 1, seed: `carried-details-${protocol}`, clock, dataSource: () => risingMarket(50), config: { rMax: R_MAX } };
      const feed = protocol === "ocr1" ? await deployCommitteeFeed({ ...setup, chain }) : await deployOcr2CommitteeFeed({ ...setup, chain });
      const [owner] = await feed.connection.ethers.getSigners();
      const requester = new Contract(await feed.aggregator.getAddress(), (protocol === "ocr1" ? OCR1_DIALECT : OCR2_DIALECT).abi, owner);
      let landed = 0;
      try {
        await feed.committee.start();
        for (let chunk = 0; landed < REPORTS; chunk++) {
          const result = await feed.committee.runUntil({ reports: 3, virtualTimeMs: 3 * 60_000 });
          expect(result.reports).to.equal(3);
          landed += result.reports;
          // Between two runs, as a user's test does: one block of their own, which the oracles'
          // next reads must see through (a transfer; every other time a round request of the owner).
          if (chunk % 2 === 0) await (await owner.sendTransaction({ to: owner.address, value: 1n })).wait();
          else await (await requester.requestNewRound()).wait();
          time!.noteOutsideChanges();
        }
      } finally {
        feed.committee.stopAll();
      }
      expect(feed.committee.events("epoch-start").length, "epochs started during the run").to.be.greaterThan(2);
      expect(checked.mismatches).to.deep.equal([]);
      // Every transmission is checked before it is sent and after the ones before it landed.
      expect(checked.compared).to.be.greaterThan(2 * REPORTS);
      expect(checked.configsCompared, "config reads compared (the oracles poll the config now and then)").to.be.greaterThan(0);
    });
  }
});
