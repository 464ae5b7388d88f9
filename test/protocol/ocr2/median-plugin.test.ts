/**
 * The median reporting plugin's decisions on hand-made inputs: what is observed, what is
 * reported (and why not), what is accepted after finalization and what is transmitted.
 */
import { expect } from "chai";

import { decodeMedianObservation, encodeMedianObservation } from "../../../plugin/core/ocr2/median-codec.js";
import { decodeOcr2Report, encodeOcr2Report } from "../../../plugin/core/ocr2/report.js";
import {
  type MedianChainReadings,
  type MedianPluginContext,
  MEDIAN_QUERY,
  MedianReportAcceptance,
  medianObservation,
  medianReport,
  medianShouldReport,
} from "../../../plugin/protocol/ocr2/median-plugin.js";

const DIGEST = new Uint8Array(32).fill(7);
const OTHER_DIGEST = new Uint8Array(32).fill(8);
const HOUR_MS = 3_600_000;
const NOW_MS = 1_700_000_000_000;

function context(overrides: Partial<MedianPluginContext["config"]> = {}, bounds = { min: 1n, max: 10n ** 12n }): MedianPluginContext {
  return {
    configDigest: DIGEST,
    n: 4,
    f: 1,
    config: { alphaReportPPB: 5_000_000n, alphaAcceptPPB: 5_000_000n, deltaCMs: 24 * HOUR_MS, ...overrides },
    bounds,
  };
}

/** Contract state: latest answer `answer` at (epoch, round), transmitted `ageMs` before NOW_MS. */
function chain(args: { answer?: bigint; epoch?: number; round?: number; ageMs?: number; digest?: Uint8Array; request?: { epoch: number; round: number; digest?: Uint8Array } } = {}): MedianChainReadings {
  return {
    details: {
      configDigest: args.digest ?? DIGEST,
      epoch: args.epoch ?? 1,
      round: args.round ?? 1,
      latestAnswer: args.answer ?? 1000n,
      latestTimestamp: BigInt(Math.floor((NOW_MS - (args.ageMs ?? 60_000)) / 1000)),
    },
    roundRequest:
      args.request === undefined
        ? null
        : { requester: "0x0000000000000000000000000000000000000001", configDigest: args.request.digest ?? DIGEST, epoch: args.request.epoch, round: args.request.round },
  };
}

const obs = (observer: number, value: bigint, timestamp = 1_700_000_000, juelsPerFeeCoin = 133n * 10n ** 18n) => ({
  observer,
  observation: encodeMedianObservation({ timestamp, value, juelsPerFeeCoin }),
});

describe("median plugin: Query and Observation", function () {
  it("stamps the observation with the oracle's clock in whole seconds", function () {
    const bytes = medianObservation({ query: MEDIAN_QUERY, value: 2000n, juelsPerFeeCoin: 5n, nowMs: 1_700_000_000_999 });
    expect(decodeMedianObservation(bytes!)).to.deep.equal({ timestamp: 1_700_000_000, value: 2000n, juelsPerFeeCoin: 5n });
  });

  it("observes nothing when a data source failed, and refuses a non-empty query", function () {
    expect(medianObservation({ query: MEDIAN_QUERY, value: null, juelsPerFeeCoin: 5n, nowMs: NOW_MS })).to.equal(null);
    expect(medianObservation({ query: MEDIAN_QUERY, value: 1n, juelsPerFeeCoin: null, nowMs: NOW_MS })).to.equal(null);
    expect(() => medianObservation({ query: Uint8Array.of(1), value: 1n, juelsPerFeeCoin: 1n, nowMs: NOW_MS })).to.throw(/query is empty/);
  });
});

describe("median plugin: shouldReport", function () {
  const cases: { name: string; answer: bigint; chain: MedianChainReadings; ctx?: MedianPluginContext; expected: string[] | RegExp }[] = [
    { name: "no trigger", answer: 1004n, chain: chain(), expected: /no deviation/ },
    { name: "deviation at exactly alphaReport (inclusive)", answer: 1005n, chain: chain(), expected: ["deviation"] },
    { name: "deviation downward", answer: 995n, chain: chain(), expected: ["deviation"] },
    { name: "infinite alphaReport ignores any deviation", answer: 5000n, chain: chain(), ctx: context({ alphaReportPPB: null }), expected: /no deviation/ },
    { name: "from a zero answer any non-zero answer deviates", answer: 1n, chain: chain({ answer: 0n }), expected: ["deviation"] },
    { name: "initial round of this config", answer: 1000n, chain: chain({ epoch: 0, round: 0 }), expected: ["initial-round"] },
    { name: "(0,0) of another config is not an initial round", answer: 1000n, chain: chain({ epoch: 0, round: 0, digest: OTHER_DIGEST }), expected: /no deviation/ },
    { name: "heartbeat: older than deltaC", answer: 1000n, chain: chain({ ageMs: 24 * HOUR_MS + 1000 }), expected: ["heartbeat"] },
    { name: "heartbeat: exactly deltaC old is not yet due", answer: 1000n, chain: chain({ ageMs: 24 * HOUR_MS }), expected: /no deviation/ },
    { name: "round requested at the contract's (e, r)", answer: 1000n, chain: chain({ epoch: 2, round: 3, request: { epoch: 2, round: 3 } }), expected: ["round-requested"] },
    { name: "an already answered request", answer: 1000n, chain: chain({ epoch: 2, round: 3, request: { epoch: 2, round: 2 } }), expected: /no deviation/ },
    { name: "a request for another config", answer: 1000n, chain: chain({ request: { epoch: 9, round: 1, digest: OTHER_DIGEST } }), expected: /no deviation/ },
    { name: "trap: a failed contract read means no report (OCR1 reported)", answer: 5000n, chain: null, expected: /reading the contract failed/ },
    { name: "trap: median above max is never reported, even on deviation", answer: 10n ** 12n + 1n, chain: chain(), expected: /outside the feed's/ },
    { name: "trap: median below min is never reported, even in the initial round", answer: 0n, chain: chain({ epoch: 0, round: 0 }), expected: /outside the feed's/ },
    { name: "several reasons at once", answer: 2000n, chain: chain({ epoch: 0, round: 0, ageMs: 48 * HOUR_MS }), expected: ["initial-round", "deviation", "heartbeat"] },
  ];
  for (const c of cases) {
    it(c.name, function () {
      const decision = medianShouldReport({ context: c.ctx ?? context(), answer: c.answer, chain: c.chain, nowMs: NOW_MS });
      if (c.expected instanceof RegExp) {
        expect(decision.report).to.equal(false);
        if (!decision.report) expect(decision.reason).to.match(c.expected);
      } else {
        expect(decision).to.deep.equal({ report: true, reasons: c.expected });
      }
    });
  }
});

describe("median plugin: Report", function () {
  it("builds the report: values sorted with their observers, median clock and median juels taken separately", function () {
    const outcome = medianReport({
      context: context(),
      query: MEDIAN_QUERY,
      observations: [obs(0, 300n, 1_700_000_030, 9n), obs(1, 100n, 1_700_000_010, 7n), obs(2, 200n, 1_700_000_040, 1n), obs(3, 400n, 1_700_000_020, 3n)],
      chain: chain({ epoch: 0, round: 0 }),
      nowMs: NOW_MS,
    });
    expect(outcome.report).to.equal(true);
    if (!outcome.report) return;
    // Even n: element n/2 of each sorted list (the upper median), as the contract reads it.
    expect(decodeOcr2Report(outcome.bytes)).to.deep.equal({
      observationsTimestamp: 1_700_000_030,
      observers: [1, 2, 0, 3],
      observations: [100n, 200n, 300n, 400n],
      juelsPerFeeCoin: 7n,
    });
    expect(outcome.median).to.equal(300n);
  });

  it("breaks ties between equal values by observer, so every oracle builds the same bytes", function () {
    const args = { context: context(), query: MEDIAN_QUERY, chain: chain({ epoch: 0, round: 0 }), nowMs: NOW_MS };
    const a = medianReport({ ...args, observations: [obs(2, 5n), obs(0, 5n), obs(1, 5n)] });
    const b = medianReport({ ...args, observations: [obs(1, 5n), obs(2, 5n), obs(0, 5n)] });
    expect(a.report && b.report).to.equal(true);
    if (!a.report || !b.report) return;
    expect(a.bytes).to.deep.equal(b.bytes);
    expect(decodeOcr2Report(a.bytes).observers).to.deep.equal([0, 1, 2]);
  });

  it("drops observations that do not parse, and fails with fewer than f+1 valid ones", function () {
    const args = { context: context(), query: MEDIAN_QUERY, chain: chain({ epoch: 0, round: 0 }), nowMs: NOW_MS };
    const garbage = { observer: 3, observation: Uint8Array.of(0xff) };
    const outcome = medianReport({ ...args, observations: [obs(0, 10n), obs(1, 20n), garbage] });
    if (!outcome.report) throw new Error("expected a report");
    expect(decodeOcr2Report(outcome.bytes).observers).to.deep.equal([0, 1]);
    expect(() => medianReport({ ...args, observations: [obs(0, 10n), garbage] })).to.throw(/only 1 valid observations; .* f\+1 = 2/);
  });

  it("returns no report when shouldReport says no", function () {
    const outcome = medianReport({ context: context(), query: MEDIAN_QUERY, observations: [obs(0, 1000n), obs(1, 1001n), obs(2, 1002n)], chain: chain(), nowMs: NOW_MS });
    expect(outcome).to.deep.equal({ report: false, reason: "no deviation, heartbeat, request or initial round" });
  });
});

describe("median plugin: ShouldAcceptFinalizedReport and ShouldTransmitAcceptedReport", function () {
  const reportWithMedian = (median: bigint) =>
    encodeOcr2Report({ observationsTimestamp: 1, observers: [0, 1, 2], observations: [median - 1n, median, median + 1n], juelsPerFeeCoin: 1n });
  const ts = (epoch: number, round: number) => ({ configDigest: DIGEST, epoch, round });
  const at = (epoch: number, round: number, configDigest = DIGEST) => ({ configDigest, epoch, round });

  it("accepts the first report, then refuses an older or equal (e, r)", function () {
    const plugin = new MedianReportAcceptance(context());
    expect(plugin.shouldAcceptFinalizedReport(ts(1, 2), reportWithMedian(1000n), at(1, 1)).accept).to.equal(true);
    expect(plugin.shouldAcceptFinalizedReport(ts(1, 2), reportWithMedian(2000n), at(1, 1)).reason).to.match(/not newer/);
    expect(plugin.shouldAcceptFinalizedReport(ts(1, 1), reportWithMedian(2000n), at(0, 0)).reason).to.match(/not newer/);
  });

  it("while an accepted report is pending, accepts a newer one only if it deviates by alphaAccept", function () {
    const plugin = new MedianReportAcceptance(context());
    expect(plugin.shouldAcceptFinalizedReport(ts(1, 1), reportWithMedian(1000n), at(0, 0)).accept).to.equal(true);
    // The contract is still at (0, 0): (1, 1) is pending.
    const small = plugin.shouldAcceptFinalizedReport(ts(1, 2), reportWithMedian(1004n), at(0, 0));
    expect(small).to.deep.equal({ accept: false, reason: "an accepted report is still pending and this one does not deviate from it" });
    expect(plugin.shouldAcceptFinalizedReport(ts(1, 3), reportWithMedian(1005n), at(0, 0))).to.deep.equal({ accept: true, reason: "deviates from the latest accepted report" });
    // Once the contract caught up with (1, 3), nothing is pending: any newer report is accepted.
    expect(plugin.shouldAcceptFinalizedReport(ts(2, 1), reportWithMedian(1005n), at(1, 3))).to.deep.equal({ accept: true, reason: "nothing pending" });
  });

  it("with an infinite alphaAccept only accepts when nothing is pending", function () {
    const plugin = new MedianReportAcceptance(context({ alphaAcceptPPB: null }));
    expect(plugin.shouldAcceptFinalizedReport(ts(1, 1), reportWithMedian(1000n), at(0, 0)).accept).to.equal(true);
    expect(plugin.shouldAcceptFinalizedReport(ts(1, 2), reportWithMedian(9000n), at(0, 0)).accept).to.equal(false);
  });

  it("refuses when the contract runs another config, is already at or past the report, the read failed, or the report is too long", function () {
    const fresh = () => new MedianReportAcceptance(context());
    expect(fresh().shouldAcceptFinalizedReport(ts(1, 1), reportWithMedian(1000n), at(0, 0, OTHER_DIGEST)).reason).to.match(/another config/);
    expect(fresh().shouldAcceptFinalizedReport(ts(1, 1), reportWithMedian(1000n), at(1, 1)).reason).to.match(/already has/);
    expect(fresh().shouldAcceptFinalizedReport(ts(1, 1), reportWithMedian(1000n), null).reason).to.match(/reading the contract failed/);
    const five = encodeOcr2Report({ observationsTimestamp: 1, observers: [0, 1, 2, 3, 4], observations: [1n, 2n, 3n, 4n, 5n], juelsPerFeeCoin: 1n });
    expect(fresh().shouldAcceptFinalizedReport(ts(1, 1), five, at(0, 0)).reason).to.match(/too long/);
  });

  it("keeps its state per instance: a second oracle's plugin decides independently", function () {
    const a = new MedianReportAcceptance(context());
    const b = new MedianReportAcceptance(context());
    expect(a.shouldAcceptFinalizedReport(ts(1, 1), reportWithMedian(1000n), at(0, 0)).accept).to.equal(true);
    expect(a.shouldAcceptFinalizedReport(ts(1, 2), reportWithMedian(1001n), at(0, 0)).accept).to.equal(false);
    expect(b.shouldAcceptFinalizedReport(ts(1, 2), reportWithMedian(1001n), at(0, 0)).accept).to.equal(true);
  });

  it("transmits only while the contract of the same config is behind the report", function () {
    const plugin = new MedianReportAcceptance(context());
    expect(plugin.shouldTransmitAcceptedReport(ts(2, 1), at(1, 3)).transmit).to.equal(true);
    expect(plugin.shouldTransmitAcceptedReport(ts(2, 1), at(2, 1)).transmit).to.equal(false);
    expect(plugin.shouldTransmitAcceptedReport(ts(2, 1), at(2, 2)).transmit).to.equal(false);
    expect(plugin.shouldTransmitAcceptedReport(ts(2, 1), at(1, 3, OTHER_DIGEST)).transmit).to.equal(false);
    expect(plugin.shouldTransmitAcceptedReport(ts(2, 1), null).transmit).to.equal(false);
  });
});
