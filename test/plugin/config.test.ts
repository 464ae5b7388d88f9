import { expect } from "chai";

import { DEFAULT_FEED_NAME, resolveOcrConfig, validateOcrUserConfig } from "../../plugin/config.js";

const pathsOf = (config: unknown) => validateOcrUserConfig(config).map((i) => i.path.join("."));

describe("ocr config", () => {
  it("needs no config at all: one ETH / USD feed with 8 decimals, n = 4, f = 1", () => {
    expect(validateOcrUserConfig(undefined)).to.deep.equal([]);
    const config = resolveOcrConfig(undefined);
    expect(config.defaultFeed).to.equal(DEFAULT_FEED_NAME);
    const feed = config.feeds[DEFAULT_FEED_NAME];
    expect(feed.description).to.equal("ETH / USD");
    expect(feed.decimals).to.equal(8);
    expect(feed.oracles).to.equal(4);
    expect(feed.faultTolerance).to.equal(1);
    expect(feed.dataSources).to.have.length(4);
    expect(feed.timing.schedule).to.deep.equal([1, 1, 1, 1]);
  });

  it("fills every field of a named feed and keeps what the user set", () => {
    const config = resolveOcrConfig({
      feeds: { "BTC / USD": { oracles: 7, faultTolerance: 2, decimals: 6, minAnswer: "-5", dataSource: { type: "fixed", value: 42 } } },
    });
    const feed = config.feeds["BTC / USD"];
    expect(config.defaultFeed).to.equal("BTC / USD");
    expect(feed.minAnswer).to.equal(-5n);
    expect(feed.dataSources).to.deep.equal(Array(7).fill({ type: "fixed", value: 42n }));
    expect(feed.timing.schedule).to.have.length(7);
  });

  it("names the field of every problem", () => {
    expect(pathsOf({ feeds: { x: { oracles: 4, faultTolerance: 2 } } })).to.deep.equal(["ocr.feeds.x.faultTolerance"]);
    expect(pathsOf({ feeds: { x: { oracles: 32 } } })).to.deep.equal(["ocr.feeds.x.oracles"]);
    expect(pathsOf({ feeds: { x: { faultTolerance: 0 } } })).to.deep.equal(["ocr.feeds.x.faultTolerance"]);
    expect(pathsOf({ feeds: { x: { decimals: 300 } } })).to.deep.equal(["ocr.feeds.x.decimals"]);
    expect(pathsOf({ feeds: { x: { minAnswer: 10, maxAnswer: 5 } } })).to.deep.equal(["ocr.feeds.x.minAnswer"]);
    expect(pathsOf({ feeds: { x: { maxAnswer: 1n << 191n } } })).to.deep.equal(["ocr.feeds.x.maxAnswer"]);
    expect(pathsOf({ feeds: { x: { timing: { deltaGraceMs: 1000, deltaRoundMs: 1000 } } } })).to.deep.equal(["ocr.feeds.x.timing.deltaGraceMs"]);
    expect(pathsOf({ feeds: { x: { timing: { deltaRoundMs: 20_000 } } } })).to.deep.equal(["ocr.feeds.x.timing.deltaRoundMs"]);
    expect(pathsOf({ feeds: { x: { timing: { schedule: [0, 0] } } } })).to.deep.equal(["ocr.feeds.x.timing.schedule"]);
    expect(pathsOf({ feeds: { x: { billing: { microLinkPerEth: -1 } } } })).to.deep.equal(["ocr.feeds.x.billing.microLinkPerEth"]);
    expect(pathsOf({ feeds: { x: { dataSource: [{ type: "fixed", value: 1 }] } } })).to.deep.equal(["ocr.feeds.x.dataSource"]);
    expect(pathsOf({ feeds: { x: { dataSource: { type: "http", url: "ftp://x", path: "a" } } } })).to.deep.equal(["ocr.feeds.x.dataSource.url"]);
    expect(pathsOf({ feeds: { x: { dataSource: { type: "carrier pigeon" } } } })).to.deep.equal(["ocr.feeds.x.dataSource.type"]);
    expect(pathsOf({ feeds: { x: { oracels: 4 } } })).to.deep.equal(["ocr.feeds.x.oracels"]);
    expect(pathsOf({ feeds: { x: {} }, defaultFeed: "y" })).to.deep.equal(["ocr.defaultFeed"]);
  });

  it("explains how to fix a fault tolerance that is too high", () => {
    const [issue] = validateOcrUserConfig({ feeds: { x: { oracles: 6, faultTolerance: 2 } } });
    expect(issue.message).to.match(/at most 1/).and.match(/at least 7 oracles/);
  });
});
