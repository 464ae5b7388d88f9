/**
 * An OCR2 feed through `connection.ocr`: the OCR2Aggregator and its proxy deployed, the OCR2
 * committee dealt a version-2 config, and what a consumer reads through the proxy: the median
 * of the signed observations, startedAt (the oracles' clocks) before updatedAt (the block), and
 * OCR2's own read rules.
 */
import { expect } from "chai";
import { type Contract } from "ethers";
import { network } from "hardhat";

import type { OcrFeed, RoundResult } from "../../plugin/api-types.js";
import { hexToBytes } from "../../plugin/core/bytes.js";
import { decodeOcr2ReportContext, recoverOcr2ReportSigner } from "../../plugin/core/ocr2/report.js";

const asContract = (c: unknown) => c as Contract;
const PRICE = 2000n * 10n ** 8n;

function expectOcr2Result(feed: OcrFeed, result: RoundResult): void {
  expect(result.protocol).to.equal("ocr2");
  const values = result.observations.map((o) => o.value);
  expect(values).to.deep.equal([...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  expect(result.median).to.equal(values[values.length >> 1]);
  expect(result.answer).to.equal(result.median);
  expect(result.signers).to.have.length(feed.f + 1);
  const context = decodeOcr2ReportContext(result.reportContext!.map(hexToBytes));
  expect(result.configDigest).to.equal(feed.configDigest);
  expect(hexToBytes(result.configDigest)).to.have.length(32);
  const vs = hexToBytes(result.rawVs);
  const recovered = result.rs.map((r, i) =>
    recoverOcr2ReportSigner(hexToBytes(result.report), context, new Uint8Array([...hexToBytes(r), ...hexToBytes(result.ss[i]), vs[i]])).toLowerCase(),
  );
  expect(recovered).to.deep.equal(result.signers.map((i) => feed.oracles[i].signer.toLowerCase()));
  expect(result.startedAt).to.equal(result.observationsTimestamp);
  expect(result.updatedAt).to.equal(result.timestamp);
}

describe("OCR2 feed (connection.ocr)", function () {
  this.timeout(300_000);

  it("deploys an OCR2 feed and lands rounds: median of the signed observations, startedAt before updatedAt", async function () {
    const { ocr } = await network.create();
    const feed = await ocr.deployFeed("OCR2 / USD", { protocol: "ocr2", dataSource: { type: "fixed", value: PRICE } });
    expect(feed.protocol).to.equal("ocr2");
    const first = await feed.runRound({ observations: [PRICE, PRICE + 4n, PRICE - 4n, PRICE + 8n] });
    expectOcr2Result(feed, first);
    expect(first.answer).to.equal(PRICE + 4n);
    expect(first.juelsPerFeeCoin).to.equal(200n * 10n ** 18n);
    // The oracles observed before the report was mined: the protocol's delay shows between the two.
    expect(first.startedAt! < first.updatedAt!).to.equal(true);
    const second = await feed.runRound();
    expectOcr2Result(feed, second);
    expect(second.aggregatorRoundId).to.equal(2n);
    const [roundId, answer, startedAt, updatedAt] = (await asContract(feed.proxy).latestRoundData()) as bigint[];
    expect(roundId).to.equal(second.proxyRoundId);
    expect(answer).to.equal(second.answer);
    expect(startedAt).to.equal(second.startedAt);
    expect(updatedAt).to.equal(second.updatedAt);
    const history = await feed.history();
    expect(history.map((h) => h.aggregatorRoundId)).to.deep.equal([1n, 2n]);
    expect(history.map((h) => `${h.epoch}:${h.round}`)).to.deep.equal([`${first.epoch}:${first.round}`, `${second.epoch}:${second.round}`]);
    feed.stop?.();
  });

  it("upgrades an OCR1 feed to OCR2 behind the same proxy: a new phase, round ids continue per phase", async function () {
    const { ocr } = await network.create();
    const feed = await ocr.deployFeed("UPGRADE / USD", { protocol: "ocr1", dataSource: { type: "fixed", value: PRICE } });
    const before = await feed.runRound();
    expect(before.protocol).to.equal("ocr1");
    await feed.upgradeAggregator({ protocol: "ocr2" });
    expect(feed.protocol).to.equal("ocr2");
    const after = await feed.runRound({ observations: [PRICE + 1n, PRICE + 1n, PRICE + 1n, PRICE + 1n] });
    expectOcr2Result(feed, after);
    expect(after.proxyRoundId).to.equal((2n << 64n) + 1n);
    const proxy = asContract(feed.proxy);
    const [, oldAnswer] = (await proxy.getRoundData(before.proxyRoundId)) as bigint[];
    expect(oldAnswer).to.equal(before.answer);
    const history = await feed.history();
    expect(history.map((h) => h.phaseId)).to.deep.equal([1, 2]);
    feed.stop?.();
  });

  it("reads past 2^32 on the OCR2 aggregator give zeros instead of reverting", async function () {
    const { ocr } = await network.create();
    const feed = await ocr.deployFeed("ZERO / USD", { protocol: "ocr2", dataSource: { type: "fixed", value: PRICE } });
    await feed.runRound();
    const [roundId, answer, startedAt, updatedAt, answeredInRound] = (await asContract(feed.aggregator).getRoundData(1n << 32n)) as bigint[];
    expect([roundId, answer, startedAt, updatedAt, answeredInRound]).to.deep.equal([0n, 0n, 0n, 0n, 0n]);
    feed.stop?.();
  });
});
