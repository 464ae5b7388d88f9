/**
 * connection.ocr at its boundary: every number is checked where it comes in (with the option's
 * name and range in the error), concurrent calls on one feed are serialised, and a round the
 * contract refuses says why in the user's terms.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { HardhatPluginError } from "hardhat/plugins";

const PRICE = 2000n * 10n ** 8n;

async function pluginErrorOf(promise: Promise<unknown>): Promise<HardhatPluginError> {
  const error = await promise.then(
    () => expect.fail("expected a HardhatPluginError"),
    (e: unknown) => e,
  );
  expect(HardhatPluginError.isHardhatPluginError(error), String(error)).to.equal(true);
  return error as HardhatPluginError;
}

describe("connection.ocr input checks and concurrency", function () {
  this.timeout(300_000);

  it("refuses durations that are not numbers or beyond a century, naming the option, and stays usable", async () => {
    const { ocr } = await network.create();
    const feed = await ocr.deployFeed("ETH / USD", { dataSource: { type: "fixed", value: PRICE } });
    expect((await pluginErrorOf(feed.advanceTime(1e20))).message).to.match(/advanceTime must be a number of milliseconds from 0 to \d+ \(100 years\), got 100000000000000000000/);
    expect((await pluginErrorOf(feed.runFor(-1))).message).to.match(/runFor must be a number of milliseconds/);
    expect((await pluginErrorOf(feed.runRound({ timeoutMs: Number.NaN, down: [0, 1] }))).message).to.match(/runRound timeoutMs must be a number of milliseconds.*got NaN/);
    expect((await pluginErrorOf(feed.runRound({ wallTimeoutMs: Infinity }))).message).to.match(/runRound wallTimeoutMs/);
    expect((await pluginErrorOf(feed.runRounds(1.5))).message).to.match(/runRounds needs a whole number/);
    // Nothing above touched the chain or the committee.
    await feed.advanceTime(3_600_000);
    expect((await feed.runRound()).answer).to.equal(PRICE);
  });

  it("refuses a feed name that is not a string (options passed first by mistake) and says how to call it", async () => {
    const { ocr } = await network.create();
    const options = { oracles: 7, faultTolerance: 2 } as unknown as string;
    expect((await pluginErrorOf(ocr.deployFeed(options))).message).to.match(/A feed's name must be a non-empty string, got an object\. Call deployFeed\(name, options\)/);
    expect((await pluginErrorOf(ocr.deployFeed("  "))).message).to.match(/non-empty string, got "  "/);
    expect(ocr.feeds.size).to.equal(0);
  });

  it("serialises concurrent runRound calls on one feed: each gets its own report, in call order", async () => {
    const { ocr } = await network.create();
    const feed = await ocr.deployFeed("ETH / USD", { dataSource: { type: "fixed", value: PRICE } });
    const results = await Promise.all([feed.runRound(), feed.runRound({ observations: [PRICE + 1n, PRICE + 1n, PRICE + 1n, PRICE + 1n] }), feed.runRound()]);
    expect(results.map((r) => r.aggregatorRoundId)).to.deep.equal([1n, 2n, 3n]);
    expect(results.map((r) => r.answer)).to.deep.equal([PRICE, PRICE + 1n, PRICE + 1n]);
  });

  it("explains a median outside [minAnswer, maxAnswer] with the bounds", async () => {
    const { ocr } = await network.create();
    const feed = await ocr.deployFeed("ETH / USD", { maxAnswer: 10n ** 12n, dataSource: { type: "fixed", value: 2n * 10n ** 12n } });
    const error = await feed.runRound({ timeoutMs: 60_000 }).then(
      () => expect.fail("the contract refuses a median above maxAnswer"),
      (e: Error & { code?: string; reason?: string }) => e,
    );
    expect(error.code).to.equal("OCR_NO_REPORT");
    expect(error.reason).to.contain("median is out of min-max range");
    expect(error.reason).to.contain("from minAnswer 1 to maxAnswer 1000000000000");
  });
});
