/**
 * `connection.ocr` end to end on the simulated network: real contracts, a real committee with
 * secp256k1 keys, and every answer read back the way a consumer reads it (through the proxy).
 */
import { expect } from "chai";
import { type Contract } from "ethers";
import { network } from "hardhat";

import type { NoReportError, OcrFeed, RoundResult } from "../../plugin/api-types.js";
import { concatBytes, hexToBytes } from "../../plugin/core/bytes.js";
import { recoverReportSigner } from "../../plugin/core/report.js";
import { decodeOcr2ReportContext, recoverOcr2ReportSigner } from "../../plugin/core/ocr2/report.js";

const HOUR = 3_600_000;
const PHASE_1_ROUND_1 = (1n << 64n) + 1n;
const PHASE_2_ROUND_1 = (2n << 64n) + 1n;
const PRICE = 2000n * 10n ** 8n;

const asContract = (c: unknown) => c as Contract;

/** The error `promise` rejects with; fails the test if it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  expect.fail("expected a rejection");
}

/** Sorted copy, as the contract sorts observations. */
const sorted = (values: readonly bigint[]) => [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** The answer, round id and timestamps a consumer sees through the feed's proxy. */
async function latestThroughProxy(feed: OcrFeed) {
  const [roundId, answer, startedAt, updatedAt] = (await asContract(feed.proxy).latestRoundData()) as bigint[];
  return { roundId, answer, startedAt, updatedAt };
}

/** Everything a RoundResult promises about one landed report, checked against the chain. */
async function expectConsistentResult(feed: OcrFeed, result: RoundResult): Promise<void> {
  const values = result.observations.map((o) => o.value);
  expect(values, "observations sorted as on chain").to.deep.equal(sorted(values));
  expect(values.length, "at least 2f+1 observations").to.be.at.least(2 * feed.f + 1);
  expect(result.median).to.equal(values[values.length >> 1]);
  expect(result.answer).to.equal(result.median);
  expect(result.signers.length, "more than f signatures").to.be.greaterThan(feed.f);
  expect(new Set(result.signers).size, "distinct signers").to.equal(result.signers.length);
  // The signers the committee reports are the ones the signatures recover to, in order.
  const vs = hexToBytes(result.rawVs);
  // Each protocol signs its own hash: OCR1 keccak256(report), OCR2 keccak256 over the report and the reportContext.
  const signatureAt = (r: string, i: number) => concatBytes(hexToBytes(r), hexToBytes(result.ss[i]), Uint8Array.of(vs[i]));
  const recovered =
    result.protocol === "ocr2"
      ? result.rs.map((r, i) => recoverOcr2ReportSigner(hexToBytes(result.report), decodeOcr2ReportContext(result.reportContext!.map(hexToBytes)), signatureAt(r, i)))
      : result.rs.map((r, i) => recoverReportSigner(hexToBytes(result.report), signatureAt(r, i)));
  expect(recovered.map((address) => address.toLowerCase())).to.deep.equal(result.signers.map((i) => feed.oracles[i].signer.toLowerCase()));
  expect(result.transmitter.address).to.equal(feed.oracles[result.transmitter.oracle].transmitter);
  expect(result.configDigest).to.equal(feed.configDigest);
  expect(result.leader).to.be.within(0, feed.n - 1);
  const receipt = await asContract(feed.aggregator).runner!.provider!.getTransactionReceipt(result.txHash);
  expect(receipt?.status).to.equal(1);
  expect(receipt?.gasUsed).to.equal(result.gasUsed);
  expect(receipt?.blockNumber).to.equal(result.blockNumber);
}

describe("connection.ocr", function () {
  this.timeout(120_000);

  it("deploys the default feed with no config, and one round's answer is the median read through the proxy", async () => {
    const { ocr } = await network.create();
    const feed = await ocr.deployFeed();
    expect(feed.name).to.equal("ETH / USD");
    expect([feed.n, feed.f, feed.decimals, feed.phaseId]).to.deep.equal([4, 1, 8, 1]);
    expect(ocr.feeds.get("ETH / USD")).to.equal(feed);
    expect(await asContract(feed.proxy).description()).to.equal("ETH / USD");
    const [, , digest] = (await asContract(feed.aggregator).latestConfigDetails()) as [bigint, bigint, string];
    expect(feed.configDigest).to.equal(digest.toLowerCase());

    const result = await feed.runRound();
    await expectConsistentResult(feed, result);
    expect(result.aggregatorRoundId).to.equal(1n);
    expect(result.proxyRoundId).to.equal(PHASE_1_ROUND_1);
    // Default sources are per-oracle random walks starting at 2000 units.
    const values = result.observations.map((o) => o.value);
    for (const v of values) expect(v > PRICE / 2n && v < PRICE * 2n, `${v} near 2000e8`).to.equal(true);

    const latest = await latestThroughProxy(feed);
    expect(latest.roundId).to.equal(PHASE_1_ROUND_1);
    expect(latest.answer).to.equal(values[values.length >> 1]);
    expect(latest.updatedAt).to.equal(result.timestamp);

    // The oracles that made it into the report are owed LINK for it; the others nothing yet.
    const owed = await feed.owedPayments();
    for (const o of result.observations) expect(owed[o.oracle] > 0n, `oracle ${o.oracle} is owed LINK`).to.equal(true);
  });

  it("runRounds(3) lands aggregator rounds 1, 2, 3 with proxy ids in phase 1", async () => {
    const { ocr } = await network.create();
    const feed = await ocr.deployFeed();
    const results = await feed.runRounds(3);
    expect(results.map((r) => r.aggregatorRoundId)).to.deep.equal([1n, 2n, 3n]);
    expect(results.map((r) => r.proxyRoundId)).to.deep.equal([1n, 2n, 3n].map((id) => (1n << 64n) | id));
    for (const r of results) await expectConsistentResult(feed, r);
    // The walks have moved apart by the last round, so its median picks among distinct values.
    expect(new Set(results[2].observations.map((o) => o.value)).size).to.be.greaterThan(1);
    const epochRounds = results.map((r) => r.epoch * 256 + r.round);
    expect(epochRounds).to.deep.equal([...epochRounds].sort((a, b) => a - b));
    expect(new Set(epochRounds).size).to.equal(3);
    expect((await latestThroughProxy(feed)).roundId).to.equal((1n << 64n) | 3n);
  });

  it("reports exactly the observations set with setObservations, and their median", async () => {
    const { ocr } = await network.create();
    const feed = await ocr.deployFeed();
    const set = [2003n * 10n ** 8n, 1998n * 10n ** 8n, "200100000000", 1999_5000_0000];
    feed.setObservations(set);
    const result = await feed.runRound();
    const expected = new Map(set.map((v, i) => [i, BigInt(v)]));
    for (const o of result.observations) expect(o.value, `oracle ${o.oracle}`).to.equal(expected.get(o.oracle));
    expect(result.answer).to.equal(sorted(result.observations.map((o) => o.value))[result.observations.length >> 1]);
    expect((await latestThroughProxy(feed)).answer).to.equal(result.answer);

    // The option form sets them for this and later rounds.
    const next = await feed.runRound({ observations: [5n, 5n, 5n, 5n] });
    expect(next.answer).to.equal(5n);
    expect((await feed.runRound()).answer).to.equal(5n);
  });

  it("answers each runRound with the values it was given, never with a round already under way", async () => {
    const { ocr } = await network.create();
    const feed = await ocr.deployFeed();
    // With oracle 3 down, a round whose first-scheduled transmitter is oracle 3 lands one
    // DeltaStage (5 s) late, and by then the leader has started later rounds observed with the
    // old values. Each call must still report its own values.
    for (let i = 1n; i <= 12n; i++) {
      const price = PRICE + i * 10n ** 8n;
      const result = await feed.runRound({ observations: [price, price + 1n, price - 1n, price], down: [3] });
      expect(result.answer, `call ${i}`).to.equal(price);
      expect(result.observations.every((o) => o.value >= price - 1n && o.value <= price + 1n), `call ${i}`).to.equal(true);
      expect((await latestThroughProxy(feed)).answer, `call ${i}`).to.equal(price);
    }
  });

  it("setByzantine and setNetwork: f Byzantine oracles on a lossy, duplicating network still give honest answers", async () => {
    const { ocr } = await network.create();
    const feed = await ocr.deployFeed("ETH / USD", { oracles: 7, faultTolerance: 2 });
    const honest = [2000n, 2001n, 2002n, 2003n, 2004n].map((p) => p * 10n ** 8n);
    feed.setObservations([honest[0], 10n ** 40n, ...honest.slice(1, 3), 1n, ...honest.slice(3)]);
    feed.setByzantine(1, "equivocating-leader");
    feed.setByzantine(4, "stale-transmitter");
    feed.setNetwork({ lossRate: 0.05, duplicateRate: 0.1, reorderRate: 0.2, latencyMs: { min: 5, max: 80 } });
    const inHonestRange = (answer: bigint) => answer >= honest[0] && answer <= honest[4];
    for (const result of await feed.runRounds(3)) {
      expect(inHonestRange(result.answer), `answer ${result.answer}`).to.equal(true);
      // With messages duplicated, another report may already be on its way; it is honest too.
      expect(inHonestRange((await latestThroughProxy(feed)).answer)).to.equal(true);
    }
    // A partition that cuts off more than f oracles stops the feed, and healing it restarts it.
    feed.setNetwork({ partition: [[0, 1, 2]] });
    const error = (await rejectionOf(feed.runRound({ timeoutMs: 30_000 }))) as NoReportError;
    expect(error.code).to.equal("OCR_NO_REPORT");
    feed.setNetwork({ partition: [], lossRate: 0 });
    feed.setByzantine(1, null);
    feed.setByzantine(4, null);
    const healed = await feed.runRound();
    expect(healed.answer >= honest[0] && healed.answer <= honest[4]).to.equal(true);
    expect(() => feed.setByzantine(0, "lying" as never)).to.throw(/unknown behaviour "lying"/);
    expect(() => feed.setNetwork({ lossRate: 2 })).to.throw(/probability from 0 to 1/);
  });

  it("after a reorg (evm_snapshot / evm_revert) reports again: round ids continue with no gap and no repeat", async () => {
    const { ocr, ethers } = await network.create();
    const feed = await ocr.deployFeed();
    const first = await feed.runRound();
    const snapshot = await ethers.provider.send("evm_snapshot", []);
    const lost = await feed.runRounds(2);
    expect(lost.map((r) => r.aggregatorRoundId)).to.deep.equal([2n, 3n]);
    await ethers.provider.send("evm_revert", [snapshot]);
    const again = await feed.runRound();
    expect(again.aggregatorRoundId).to.equal(2n);
    const history = await feed.history();
    expect(history.map((h) => h.aggregatorRoundId)).to.deep.equal([1n, 2n]);
    expect(again.epoch * 256 + again.round).to.be.greaterThan(first.epoch * 256 + first.round);
  });

  it("works with automine off and interval mining", async () => {
    const { ocr, ethers } = await network.create();
    const feed = await ocr.deployFeed();
    await feed.runRound();
    await ethers.provider.send("evm_setAutomine", [false]);
    await ethers.provider.send("evm_setIntervalMining", [20]);
    try {
      const results = await feed.runRounds(2, { observations: [PRICE, PRICE, PRICE + 1n, PRICE] });
      expect(results.map((r) => r.aggregatorRoundId)).to.deep.equal([2n, 3n]);
      expect(results.every((r) => r.answer === PRICE)).to.equal(true);
    } finally {
      await ethers.provider.send("evm_setIntervalMining", [0]);
      await ethers.provider.send("evm_setAutomine", [true]);
    }
  });

  it("keeps the answer within the honest range when f of 7 oracles report extreme values", async () => {
    const { ocr } = await network.create();
    const feed = await ocr.deployFeed("ETH / USD", { oracles: 7, faultTolerance: 2 });
    expect([feed.n, feed.f]).to.deep.equal([7, 2]);
    const honest = [2000n, 2001n, 2002n, 2003n, 2004n].map((p) => p * 10n ** 8n);
    const liars = [10n ** 40n, 2n]; // absurdly high, and absurdly low (still ≥ minAnswer 1)
    feed.setObservations([liars[0], ...honest.slice(0, 3), liars[1], ...honest.slice(3)]);
    for (const result of await feed.runRounds(2)) {
      expect(result.observations.length).to.be.at.least(5);
      expect(result.answer >= honest[0] && result.answer <= honest.at(-1)!, `answer ${result.answer}`).to.equal(true);
      expect((await latestThroughProxy(feed)).answer).to.equal(result.answer);
    }
  });

  it("fails with OCR_NO_REPORT and says why when more than f oracles are down, then recovers", async () => {
    const { ocr } = await network.create();
    const feed = await ocr.deployFeed();
    await feed.runRound();
    const error = (await rejectionOf(feed.runRound({ down: [1, 2] }))) as NoReportError;
    expect(error.code).to.equal("OCR_NO_REPORT");
    expect(error.reason).to.equal("only 2 of 4 oracles are up; a report needs 2f+1 = 3 observations");
    expect((await latestThroughProxy(feed)).roundId, "nothing new on chain").to.equal(PHASE_1_ROUND_1);

    // `down` lasts one round: everyone is back, and with f down the feed still reports.
    expect((await feed.runRound()).aggregatorRoundId).to.equal(2n);
    await feed.takeDown([3]);
    const withOneDown = await feed.runRound();
    expect(withOneDown.aggregatorRoundId).to.equal(3n);
    expect(withOneDown.observations.map((o) => o.oracle)).to.not.include(3);
    await feed.bringUp([3]);
  });

  it("advanceTime(25 h) moves chain time: the latest answer is then over 24 h old by block.timestamp", async () => {
    const { ocr, ethers } = await network.create();
    const feed = await ocr.deployFeed();
    const result = await feed.runRound();
    await feed.advanceTime(25 * HOUR);
    const block = await ethers.provider.getBlock("latest");
    const { updatedAt } = await latestThroughProxy(feed);
    expect(updatedAt).to.equal(result.timestamp);
    const ageSeconds = BigInt(block!.timestamp) - updatedAt;
    expect(ageSeconds > 24n * 3600n, `age ${ageSeconds} s`).to.equal(true);
    expect(ageSeconds < 26n * 3600n, `age ${ageSeconds} s`).to.equal(true);

    // The committee's clock moved too: the next round's block is stamped after the jump.
    const next = await feed.runRound();
    expect(next.timestamp - result.timestamp >= 25n * 3600n).to.equal(true);
  });

  it("runFor(25 h) on a flat market makes the committee send exactly one heartbeat report", async () => {
    const { ocr } = await network.create();
    const feed = await ocr.deployFeed("ETH / USD", {
      dataSource: { type: "fixed", value: PRICE },
      // Slow rounds keep 25 h of protocol cheap to simulate; the heartbeat stays 24 h.
      timing: { deltaProgressMs: 20 * 60_000, deltaResendMs: 5 * 60_000, deltaRoundMs: 10 * 60_000, deltaGraceMs: 1000 },
    });
    const first = await feed.runRound();
    const landed = await feed.runFor(25 * HOUR);
    expect(landed, "one heartbeat in 25 h").to.have.length(1);
    const heartbeat = landed[0];
    expect(heartbeat.answer).to.equal(PRICE);
    expect(heartbeat.aggregatorRoundId).to.equal(2n);
    expect(heartbeat.timestamp - first.timestamp >= 24n * 3600n, "not before the heartbeat expired").to.equal(true);
    const decision = feed
      .trace()
      .find((e) => e.type === "should-report" && e.epoch === heartbeat.epoch && e.round === heartbeat.round && e.report === true);
    expect(decision?.reasons).to.deep.equal(["heartbeat"]);
  });

  it("upgradeAggregator starts phase 2: new ids (2<<64)+1, old rounds still readable, history spans both", async () => {
    const { ocr } = await network.create();
    const feed = await ocr.deployFeed();
    const old = await feed.runRound({ observations: [PRICE, PRICE, PRICE, PRICE] });
    const oldAggregator = feed.addresses.aggregator;

    await feed.upgradeAggregator({ oracles: 7, faultTolerance: 2 });
    expect(feed.phaseId).to.equal(2);
    expect(feed.addresses.aggregator).to.not.equal(oldAggregator);
    expect(await asContract(feed.proxy).aggregator()).to.equal(feed.addresses.aggregator);
    expect([feed.n, feed.f]).to.deep.equal([7, 2]);

    feed.setObservations(Array(7).fill(PRICE + 1n));
    const fresh = await feed.runRound();
    expect(fresh.proxyRoundId).to.equal(PHASE_2_ROUND_1);
    expect(fresh.answer).to.equal(PRICE + 1n);
    expect((await latestThroughProxy(feed)).roundId).to.equal(PHASE_2_ROUND_1);
    const [, oldAnswer] = (await asContract(feed.proxy).getRoundData(PHASE_1_ROUND_1)) as bigint[];
    expect(oldAnswer).to.equal(old.answer);

    const history = await feed.history();
    expect(history.map((h) => [h.phaseId, h.aggregatorRoundId, h.proxyRoundId])).to.deep.equal([
      [1, 1n, PHASE_1_ROUND_1],
      [2, 1n, PHASE_2_ROUND_1],
    ]);
    expect(history[0].aggregator).to.equal(oldAggregator);
    expect(history.map((h) => h.answer)).to.deep.equal([old.answer, fresh.answer]);
    expect(history[1].observations).to.deep.equal(fresh.observations.map((o) => o.value));
    expect(history[1].observers).to.deep.equal(fresh.observations.map((o) => o.oracle));
    expect(history[1].txHash).to.equal(fresh.txHash);
  });

  it("deploys the access-controlled variant: reads through the EAC proxy are open to accounts, gated for contracts", async () => {
    const { ocr, ethers } = await network.create();
    const feed = await ocr.deployFeed("ETH / USD", { accessControlled: true });
    expect(feed.addresses.accessController).to.be.a("string");
    const result = await feed.runRound();
    expect((await latestThroughProxy(feed)).answer).to.equal(result.answer);

    const reader = await ethers.deployContract("ProxyReader", [feed.addresses.proxy]);
    await expect(reader.readLatestAnswer()).to.be.revertedWith("No access");
    const controller = await ethers.getContractAt("SimpleReadAccessController", feed.addresses.accessController!);
    await (await controller.addAccess(await reader.getAddress())).wait();
    expect(await reader.readLatestAnswer()).to.equal(result.answer);
  });

  it("deploys a second feed by name next to the first, each with its own contracts and rounds", async () => {
    const { ocr } = await network.create();
    const eth = await ocr.deployFeed();
    const btc = await ocr.deployFeed("BTC / USD", { decimals: 6, dataSource: { type: "fixed", value: 65_000n * 10n ** 6n } });
    expect([...ocr.feeds.keys()]).to.deep.equal(["ETH / USD", "BTC / USD"]);
    expect(btc.addresses.proxy).to.not.equal(eth.addresses.proxy);
    expect(btc.oracles.map((o) => o.signer)).to.not.deep.equal(eth.oracles.map((o) => o.signer));
    expect(await asContract(btc.proxy).description()).to.equal("BTC / USD");
    expect(await asContract(btc.proxy).decimals()).to.equal(6n);

    const btcRound = await btc.runRound();
    expect(btcRound.answer).to.equal(65_000n * 10n ** 6n);
    const ethRound = await eth.runRound();
    expect(ethRound.proxyRoundId).to.equal(PHASE_1_ROUND_1);
    expect((await latestThroughProxy(btc)).answer).to.equal(65_000n * 10n ** 6n);

    expect((await rejectionOf(ocr.deployFeed("BTC / USD"))).message).to.match(/already exists/);
  });

  it("attaches a committee to a deployed feed and continues above the on-chain epoch", async () => {
    const { ocr } = await network.create();
    const deployed = await ocr.deployFeed();
    const before = await deployed.runRound();
    const attached = await ocr.attachFeed("ETH / USD (attached)", deployed.addresses, { seed: "ETH / USD" });
    expect(attached.configDigest).to.equal(deployed.configDigest);
    expect(attached.oracles.map((o) => o.signer)).to.deep.equal(deployed.oracles.map((o) => o.signer));
    const after = await attached.runRound();
    expect(after.aggregatorRoundId).to.equal(2n);
    expect(after.epoch).to.be.greaterThan(before.epoch);

    const wrongSeed = await rejectionOf(ocr.attachFeed("wrong seed", deployed.addresses, { seed: "another seed" }));
    expect(wrongSeed.message).to.match(/configured key seed gives 0x/);
    // The seed is the oracles' private key material: an error must never print it.
    expect(wrongSeed.message).not.to.include("another seed");
  });
});
