import { expect } from "chai";

import type { Ocr2ObserveMessage, Ocr2ReportMessage } from "../../../plugin/protocol/ocr2/messages.js";
import { type Ocr2LeaderOutput, Ocr2ReportGenerationLeader } from "../../../plugin/protocol/ocr2/report-generation-leader.js";
import { type Ocr2ReportGenerationConfig, ocr2ReportQuorum } from "../../../plugin/protocol/ocr2/report-generation-config.js";
import { Outbox } from "../role-support.js";
import { EMPTY_QUERY, EPOCH, extraHashOf, generationConfig, reportBytes, reportSignature, signedObservation } from "./ocr2-support.js";

function leader(overrides: Partial<Ocr2ReportGenerationConfig> = {}) {
  const out = new Outbox<Ocr2LeaderOutput>();
  const role = new Ocr2ReportGenerationLeader(generationConfig(overrides), EPOCH, out.emit);
  return { role, out };
}

/** Start the epoch and answer the Query of round `round` with the empty query. */
function started(overrides: Partial<Ocr2ReportGenerationConfig> = {}) {
  const l = leader(overrides);
  l.role.start();
  l.role.onQuery(EPOCH, 1, EMPTY_QUERY);
  l.out.clear();
  return l;
}

function observe(observer: number, value: bigint, round = 1): Ocr2ObserveMessage {
  return { type: "observe", epoch: EPOCH, round, signedObservation: signedObservation(observer, value, round).signedObservation };
}

const VALUES: [number, bigint][] = [[0, 30n], [1, 10n], [2, 20n], [3, 5n]];

/** Collect all four observations and fire DeltaGrace: the leader is now waiting for reports. */
function inReportPhase() {
  const l = started();
  for (const [o, v] of VALUES) l.role.onObserve(o, observe(o, v));
  l.role.onTimer("grace");
  const request = l.out.ofKind("broadcast")[0].message;
  l.out.clear();
  if (request.type !== "report-req") throw new Error("expected a report-req");
  return { ...l, extraHash: extraHashOf(request.attributedSignedObservations) };
}

function report(sender: number, extraHash: Uint8Array, values = VALUES): Ocr2ReportMessage {
  const bytes = reportBytes(values);
  return { type: "report", epoch: EPOCH, round: 1, attestedReport: { skip: false, report: bytes, signature: reportSignature(sender, bytes, extraHash) } };
}

const skip = (round = 1): Ocr2ReportMessage => ({ type: "report", epoch: EPOCH, round, attestedReport: { skip: true, report: new Uint8Array(0), signature: new Uint8Array(0) } });

describe("OCR2 report generation: leader", function () {
  it("needs f+1 identical reports for the median plugin (reports need not be unique), floor((n+f)/2)+1 otherwise", function () {
    expect([ocr2ReportQuorum(4, 1, false), ocr2ReportQuorum(31, 10, false)]).to.deep.equal([2, 11]);
    expect([ocr2ReportQuorum(4, 1, true), ocr2ReportQuorum(31, 10, true)]).to.deep.equal([3, 21]);
  });

  it("starts round 1 at once by asking the plugin for a query, bounded by MaxDurationQuery, then broadcasts observe-req", function () {
    const { role, out } = leader();
    role.start();
    expect(out.ofKind("set-timer")).to.deep.equal([
      { kind: "set-timer", timer: "round", delayMs: 1000 },
      { kind: "set-timer", timer: "query", delayMs: 50 },
    ]);
    expect(out.ofKind("request-query")).to.deep.equal([{ kind: "request-query", epoch: EPOCH, round: 1 }]);
    expect(out.ofKind("broadcast")).to.have.length(0);
    role.onQuery(EPOCH, 1, EMPTY_QUERY);
    expect(out.ofKind("cancel-timer").map((c) => c.timer)).to.include("query");
    expect(out.ofKind("broadcast").map((b) => b.message)).to.deep.equal([{ type: "observe-req", epoch: EPOCH, round: 1, query: EMPTY_QUERY }]);
  });

  it("stalls the round when Query overruns MaxDurationQuery, and ignores the late answer", function () {
    const { role, out } = leader();
    role.start();
    role.onTimer("query");
    expect(role.currentPhase).to.equal("idle");
    role.onQuery(EPOCH, 1, EMPTY_QUERY);
    expect(out.ofKind("broadcast")).to.have.length(0);
  });

  it("arms DeltaGrace after more than 2f valid observations, then sends all of them in oracle-id order (not value order)", function () {
    const { role, out } = started();
    role.onObserve(0, observe(0, 30n));
    role.onObserve(1, observe(1, 10n));
    expect(out.ofKind("set-timer")).to.have.length(0);
    role.onObserve(2, observe(2, 20n));
    expect(out.ofKind("set-timer")).to.deep.equal([{ kind: "set-timer", timer: "grace", delayMs: 300 }]);
    role.onObserve(3, observe(3, 5n)); // within the grace period: still included
    out.clear();
    role.onTimer("grace");
    const [request] = out.ofKind("broadcast").map((b) => b.message);
    if (request.type !== "report-req") throw new Error("expected a report-req");
    expect(request.attributedSignedObservations.map((o) => o.observer)).to.deep.equal([0, 1, 2, 3]);
    expect(request.query).to.deep.equal(EMPTY_QUERY);
  });

  it("refuses an observation relayed under another sender, tampered, repeated by one sender, or for another round", function () {
    const { role, out } = started();
    role.onObserve(1, observe(0, 10n)); // oracle 1 relays oracle 0's signed observation as its own
    role.onObserve(0, observe(0, 10n));
    role.onObserve(0, observe(0, 11n));
    role.onObserve(2, observe(2, 10n, 2));
    const tampered = observe(3, 10n);
    role.onObserve(3, { ...tampered, signedObservation: { ...tampered.signedObservation, observation: tampered.signedObservation.observation.map((b, i) => (i === 5 ? b ^ 1 : b)) } });
    expect(out.ofKind("set-timer")).to.have.length(0);
    expect(role.currentPhase).to.equal("observe");
  });

  it("with too few observations never sends a report-req", function () {
    const { role, out } = started();
    role.onObserve(0, observe(0, 10n));
    role.onObserve(1, observe(1, 10n));
    role.onTimer("grace"); // a stray timer: the leader is not in its grace phase
    expect(out.ofKind("broadcast")).to.have.length(0);
  });

  it("on f+1 matching signed reports broadcasts final with exactly f+1 signatures in signer order and extraHash, then waits for DeltaRound", function () {
    const { role, out, extraHash } = inReportPhase();
    role.onReport(3, report(3, extraHash));
    expect(out.ofKind("broadcast")).to.have.length(0);
    role.onReport(1, report(1, extraHash));
    const [final] = out.ofKind("broadcast").map((b) => b.message);
    if (final.type !== "final") throw new Error("expected a final");
    expect(final.extraHash).to.deep.equal(extraHash);
    expect(final.attestedReport.report).to.deep.equal(reportBytes(VALUES));
    expect(final.attestedReport.attributedSignatures.map((s) => s.signer)).to.deep.equal([1, 3]);
    expect(role.currentPhase).to.equal("final");
    // Round 2 starts only once DeltaRound has also passed.
    expect(out.ofKind("request-query")).to.have.length(0);
    role.onTimer("round");
    expect(out.ofKind("request-query")).to.deep.equal([{ kind: "request-query", epoch: EPOCH, round: 2 }]);
  });

  it("does not start the next round on DeltaRound alone while the previous round has no quorum", function () {
    const { role, out, extraHash } = inReportPhase();
    role.onTimer("round");
    expect(out.ofKind("request-query")).to.have.length(0);
    role.onReport(0, report(0, extraHash));
    role.onReport(2, report(2, extraHash));
    expect(out.ofKind("request-query")).to.deep.equal([{ kind: "request-query", epoch: EPOCH, round: 2 }]);
  });

  it("refuses a report signed by someone else or over another extraHash, and a skip carrying bytes", function () {
    const { role, out, extraHash } = inReportPhase();
    const bytes = reportBytes(VALUES);
    role.onReport(0, { type: "report", epoch: EPOCH, round: 1, attestedReport: { skip: false, report: bytes, signature: reportSignature(1, bytes, extraHash) } });
    role.onReport(2, report(2, new Uint8Array(32)));
    role.onReport(3, { type: "report", epoch: EPOCH, round: 1, attestedReport: { skip: true, report: bytes, signature: new Uint8Array(0) } });
    role.onReport(1, report(1, extraHash));
    expect(out.ofKind("broadcast")).to.have.length(0);
    role.onReport(0, report(0, extraHash)); // oracle 0's first message was refused, so its honest one counts
    expect(out.ofKind("broadcast")).to.have.length(1);
  });

  it("completes a round on f+1 skips without a final, and counts each sender once", function () {
    const { role, out } = inReportPhase();
    role.onReport(0, skip());
    role.onReport(0, skip());
    expect(role.currentPhase).to.equal("report");
    role.onReport(2, skip());
    expect(role.currentPhase).to.equal("final");
    expect(out.ofKind("broadcast")).to.have.length(0);
    role.onTimer("round");
    expect(out.ofKind("request-query")).to.have.length(1);
  });

  it("asks for round RMax+1 as its last observe-req and goes no further", function () {
    const { role, out } = leader({ rMax: 1 });
    role.start();
    role.onQuery(EPOCH, 1, EMPTY_QUERY);
    for (const [o, v] of VALUES) role.onObserve(o, observe(o, v));
    role.onTimer("grace");
    role.onReport(0, skip());
    role.onReport(1, skip());
    role.onTimer("round");
    role.onQuery(EPOCH, 2, EMPTY_QUERY);
    const requests = out.ofKind("broadcast").map((b) => b.message).filter((m) => m.type === "observe-req");
    expect(requests.map((m) => (m.type === "observe-req" ? m.round : 0))).to.deep.equal([1, 2]);
    out.clear();
    role.onTimer("round");
    expect(out.items).to.have.length(0);
    expect(role.currentRound).to.equal(2);
  });
});
