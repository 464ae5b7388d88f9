/**
 * OCR2's recoveries on the project's OCR2Aggregator (Hardhat chain), as OCR1's committee tests
 * show them for OCR1: a leader that goes down costs one epoch, and a first-scheduled transmitter
 * that is down is replaced by the next stage.
 */
import { expect } from "chai";
import { network } from "hardhat";

const PRICE = 2000n * 10n ** 8n;

describe("OCR2 faults on the OCR2Aggregator (connection.ocr)", function () {
  this.timeout(300_000);

  it("with the leader down, a later epoch's leader reports", async () => {
    const { ocr } = await network.create();
    const feed = await ocr.deployFeed("ETH / USD", { dataSource: { type: "fixed", value: PRICE } });
    const first = await feed.runRound();
    expect(first.protocol).to.equal("ocr2");

    const next = await feed.runRound({ down: [first.leader] });
    expect(next.leader).to.not.equal(first.leader);
    expect(next.epoch).to.be.greaterThan(first.epoch);
    expect(next.aggregatorRoundId).to.equal(first.aggregatorRoundId + 1n);
    expect(next.answer).to.equal(PRICE);
  });

  it("with the first-scheduled transmitter down, a later stage transmits", async () => {
    const { ocr } = await network.create();
    const feed = await ocr.deployFeed("ETH / USD", { dataSource: { type: "fixed", value: PRICE } });
    let previous = await feed.runRound();
    // Keep one transmitter down; each report's schedule is a keyed permutation, so within a few
    // rounds one of them puts it first and the next stage has to step in (with this seed, the
    // twelfth report).
    const down = previous.transmitter.oracle;
    let lateStage = false;
    for (let i = 0; i < 24 && !lateStage; i++) {
      const result = await feed.runRound({ down: [down] });
      expect(result.transmitter.oracle).to.not.equal(down);
      expect(result.aggregatorRoundId).to.equal(previous.aggregatorRoundId + 1n);
      lateStage = result.transmitter.stage > 0;
      previous = result;
    }
    expect(lateStage, "a report sent by a later stage while the first-scheduled transmitter was down").to.equal(true);
  });
});
