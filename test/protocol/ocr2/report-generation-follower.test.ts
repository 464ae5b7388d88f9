import { expect } from "chai";

import { ocr2ObservationSigningHash } from "../../../plugin/core/ocr2/observation-signature.js";
import { recoverOcr2ReportSigner } from "../../../plugin/core/ocr2/report.js";
import { ed25519Verify } from "../../../plugin/core/ed25519.js";
import type { Ocr2AttributedSignedObservation, Ocr2FinalMessage, Ocr2ReportReqMessage } from "../../../plugin/protocol/ocr2/messages.js";
import { type Ocr2FollowerOutput, Ocr2ReportGenerationFollower } from "../../../plugin/protocol/ocr2/report-generation-follower.js";
import { Outbox } from "../role-support.js";
import {
  DIGEST,
  EMPTY_QUERY,
  EPOCH,
  extraHashOf,
  followerConfig,
  keys,
  observationBytes,
  reportBytes,
  reportSignature,
  signedObservation,
} from "./ocr2-support.js";

const LEADER = 1;
const OWN = 2;

function follower(rMax = 3) {
  const out = new Outbox<Ocr2FollowerOutput>();
  const role = new Ocr2ReportGenerationFollower(followerConfig(OWN, { rMax }), EPOCH, LEADER, out.emit);
  return { role, out };
}

/** The first event the follower traced is a `type` rejection whose reason matches `reason`. */
function expectFirstTraceRejects(out: Outbox<Ocr2FollowerOutput>, type: "report-req-rejected" | "final-rejected", reason: RegExp): void {
  const [trace] = out.ofKind("trace");
  expect(trace.event.type).to.equal(type);
  if (trace.event.type === "report-req-rejected" || trace.event.type === "final-rejected") expect(trace.event.reason).to.match(reason);
}

const observeReq = (round: number, query = EMPTY_QUERY) => ({ type: "observe-req" as const, epoch: EPOCH, round, query });
const VALUES: [number, bigint][] = [[0, 30n], [1, 10n], [2, 20n], [3, 5n]];
const OBSERVATIONS = VALUES.map(([o, v]) => signedObservation(o, v));

function reportReq(observations: readonly Ocr2AttributedSignedObservation[] = OBSERVATIONS, round = 1): Ocr2ReportReqMessage {
  return { type: "report-req", epoch: EPOCH, round, query: EMPTY_QUERY, attributedSignedObservations: observations };
}

/** A follower that has observed round 1 and accepted the leader's report-req. */
function awaitingReport() {
  const f = follower();
  f.role.onObserveReq(LEADER, observeReq(1));
  f.role.onReportReq(LEADER, reportReq());
  f.out.clear();
  return f;
}

function final(signers: number[], options: { extraHash?: Uint8Array; report?: Uint8Array; round?: number } = {}): Ocr2FinalMessage {
  const extraHash = options.extraHash ?? extraHashOf(OBSERVATIONS);
  const report = options.report ?? reportBytes(VALUES);
  return {
    type: "final",
    epoch: EPOCH,
    round: options.round ?? 1,
    extraHash,
    attestedReport: { report, attributedSignatures: signers.map((signer) => ({ signer, signature: reportSignature(signer, report, extraHash) })) },
  };
}

describe("OCR2 report generation: follower", function () {
  it("on the leader's observe-req asks the plugin to observe within MaxDurationObservation, then sends its signed observation to the leader", function () {
    const { role, out } = follower();
    role.onObserveReq(LEADER, observeReq(1));
    expect(out.ofKind("set-timer")).to.deep.equal([{ kind: "set-timer", timer: "observation", delayMs: 60 }]);
    expect(out.ofKind("request-observation")).to.deep.equal([{ kind: "request-observation", epoch: EPOCH, round: 1, query: EMPTY_QUERY }]);
    out.clear();
    const observation = observationBytes(42n);
    role.onObservation(EPOCH, 1, observation);
    const [sent] = out.ofKind("send");
    expect(sent.to).to.equal(LEADER);
    if (sent.message.type !== "observe") throw new Error("expected observe");
    expect(sent.message.signedObservation.observation).to.deep.equal(observation);
    const hash = ocr2ObservationSigningHash({ configDigest: DIGEST, epoch: EPOCH, round: 1 }, EMPTY_QUERY, observation);
    expect(ed25519Verify(sent.message.signedObservation.signature, hash, keys[OWN].offchainPublicKey)).to.equal(true);
  });

  it("ignores observe-req from a non-leader, for an old round or beyond RMax+1", function () {
    const { role, out } = follower();
    role.onObserveReq(0, observeReq(1));
    role.onObserveReq(LEADER, observeReq(5));
    expect(out.items).to.have.length(0);
    role.onObserveReq(LEADER, observeReq(2));
    out.clear();
    role.onObserveReq(LEADER, observeReq(1));
    role.onObserveReq(LEADER, observeReq(2));
    expect(out.items).to.have.length(0);
  });

  it("sends nothing when the observation overruns MaxDurationObservation, or the plugin failed", function () {
    const late = follower();
    late.role.onObserveReq(LEADER, observeReq(1));
    late.role.onTimer("observation");
    late.role.onObservation(EPOCH, 1, observationBytes(1n));
    expect(late.out.ofKind("send")).to.have.length(0);
    expect(late.out.ofKind("trace").map((t) => t.event)).to.deep.include({ type: "observation", epoch: EPOCH, round: 1, value: null, error: "Observation exceeded MaxDurationObservation" });
    const failed = follower();
    failed.role.onObserveReq(LEADER, observeReq(1));
    failed.role.onObservation(EPOCH, 1, null);
    expect(failed.out.ofKind("send")).to.have.length(0);
  });

  it("treats observe-req RMax+1 as change-leader", function () {
    const { role, out } = follower(2);
    role.onObserveReq(LEADER, observeReq(3));
    expect(out.ofKind("change-leader")).to.have.length(1);
    expect(out.ofKind("request-observation")).to.have.length(0);
  });

  it("checks the report-req, then asks the plugin's Report within MaxDurationReport, passing the observations in the leader's order", function () {
    const { role, out } = follower();
    role.onObserveReq(LEADER, observeReq(1));
    out.clear();
    role.onReportReq(LEADER, reportReq());
    expect(out.ofKind("set-timer")).to.deep.equal([{ kind: "set-timer", timer: "report", delayMs: 70 }]);
    const [request] = out.ofKind("request-report");
    expect(request.observations.map((o) => o.observer)).to.deep.equal([0, 1, 2, 3]);
    expect(request.observations[3].observation).to.deep.equal(OBSERVATIONS[3].signedObservation.observation);
  });

  const badRequests: [string, Ocr2AttributedSignedObservation[], RegExp][] = [
    ["too few observations", OBSERVATIONS.slice(0, 2), /too few observations: 2/],
    ["a bad signature", [OBSERVATIONS[0], { observer: 1, signedObservation: OBSERVATIONS[2].signedObservation }, OBSERVATIONS[3]], /bad signature from observer 1/],
    ["a repeated observer", [OBSERVATIONS[0], OBSERVATIONS[1], OBSERVATIONS[1]], /observer 1 appears twice/],
    ["an observer out of range", [OBSERVATIONS[0], OBSERVATIONS[1], { ...OBSERVATIONS[2], observer: 4 }], /observer 4 is not an oracle/],
    ["a signature for another round", [OBSERVATIONS[0], OBSERVATIONS[1], signedObservation(2, 20n, 2)], /bad signature from observer 2/],
  ];
  for (const [name, observations, reason] of badRequests) {
    it(`refuses a report-req with ${name}, and signs nothing`, function () {
      const { role, out } = follower();
      role.onObserveReq(LEADER, observeReq(1));
      out.clear();
      role.onReportReq(LEADER, reportReq(observations));
      expect(out.ofKind("request-report")).to.have.length(0);
      expectFirstTraceRejects(out, "report-req-rejected", reason);
    });
  }

  it("signs the plugin's report over the OCR2 signed hash with the round's extraHash", function () {
    const { role, out } = awaitingReport();
    const report = reportBytes(VALUES);
    role.onReportDecision(EPOCH, 1, { shouldReport: true, report });
    const [sent] = out.ofKind("send");
    if (sent.message.type !== "report") throw new Error("expected report");
    expect(sent.message.attestedReport.skip).to.equal(false);
    const context = { configDigest: DIGEST, epoch: EPOCH, round: 1, extraHash: extraHashOf(OBSERVATIONS) };
    expect(recoverOcr2ReportSigner(report, context, sent.message.attestedReport.signature)).to.equal(keys[OWN].signerAddress);
    expect(out.ofKind("progress")).to.have.length(0);
  });

  it("sends a skip (empty report and signature) when the plugin reports nothing, and completes the round", function () {
    const { role, out } = awaitingReport();
    role.onReportDecision(EPOCH, 1, { shouldReport: false, reason: "no deviation" });
    const [sent] = out.ofKind("send");
    if (sent.message.type !== "report") throw new Error("expected report");
    expect(sent.message.attestedReport).to.deep.equal({ skip: true, report: new Uint8Array(0), signature: new Uint8Array(0) });
    expect(out.ofKind("progress")).to.have.length(1);
  });

  it("sends nothing when Report overruns MaxDurationReport or fails", function () {
    const late = awaitingReport();
    late.role.onTimer("report");
    late.role.onReportDecision(EPOCH, 1, { shouldReport: true, report: reportBytes(VALUES) });
    expect(late.out.ofKind("send")).to.have.length(0);
    const failed = awaitingReport();
    failed.role.onReportDecision(EPOCH, 1, null);
    expect(failed.out.ofKind("send")).to.have.length(0);
    expect(failed.out.ofKind("progress")).to.have.length(0);
  });

  it("accepts the leader's final with exactly f+1 valid signatures, hands it on and completes the round", function () {
    const { role, out } = awaitingReport();
    role.onReportDecision(EPOCH, 1, { shouldReport: true, report: reportBytes(VALUES) });
    out.clear();
    const message = final([0, 3]);
    role.onFinal(LEADER, message);
    expect(out.ofKind("final-checked")).to.deep.equal([{ kind: "final-checked", final: message, signers: [0, 3] }]);
    expect(out.ofKind("progress")).to.have.length(1);
    role.onFinal(LEADER, message);
    expect(out.ofKind("final-checked")).to.have.length(1);
  });

  const badFinals: [string, () => Ocr2FinalMessage, RegExp][] = [
    ["too few signatures", () => final([0]), /1 signatures; exactly 2/],
    ["more than f+1 signatures", () => final([0, 2, 3]), /3 signatures; exactly 2/],
    ["a repeated signer", () => final([0, 0]), /signer 0 signed twice/],
    ["a signature over another extraHash", () => ({ ...final([0, 3]), extraHash: new Uint8Array(32) }), /bad signature from signer 0/],
    ["a report too long for n oracles", () => final([0, 3], { report: new Uint8Array(160 + 32 * 5) }), /exceeds 288/],
  ];
  for (const [name, make, reason] of badFinals) {
    it(`refuses a final with ${name}`, function () {
      const { role, out } = awaitingReport();
      role.onFinal(LEADER, make());
      expect(out.ofKind("final-checked")).to.have.length(0);
      expect(out.ofKind("progress")).to.have.length(0);
      expectFirstTraceRejects(out, "final-rejected", reason);
    });
  }

  it("ignores a final from a non-leader", function () {
    const { role, out } = awaitingReport();
    role.onFinal(0, final([0, 3]));
    expect(out.items).to.have.length(0);
  });
});
