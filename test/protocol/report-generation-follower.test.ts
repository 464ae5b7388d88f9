import { expect } from "chai";

import { verifyObservation } from "../../plugin/core/observation.js";
import { type ReportContext, encodeReport, recoverReportSigner } from "../../plugin/core/report.js";
import type { AttestedReportMany, ReportReqMessage } from "../../plugin/protocol/messages.js";
import { type FollowerOutput, ReportGenerationFollower } from "../../plugin/protocol/report-generation-follower.js";
import { type TransmissionDetails, shouldReport } from "../../plugin/protocol/should-report.js";
import { DIGEST, Outbox, committeeKeys, reportGenerationConfig, reportSignature, signedObservation } from "./role-support.js";

const keys = committeeKeys(4);
const EPOCH = 5;
const LEADER = 2;
const SELF = 1;
const NOW = 1_700_000_000_000;
const ctx = (round: number): ReportContext => ({ configDigest: DIGEST, epoch: EPOCH, round });

function follower(rMax = 3) {
  const out = new Outbox<FollowerOutput>();
  const role = new ReportGenerationFollower(
    {
      ...reportGenerationConfig(keys, { f: 1, rMax }),
      alphaPPB: 5_000_000n,
      deltaCMs: 60_000,
      ownIndex: SELF,
      offchainSigningKey: keys[SELF].offchainSigningKey,
      onchainSigningKey: keys[SELF].onchainSigningKey,
    },
    EPOCH,
    LEADER,
    out.emit,
  );
  return { role, out };
}

function reportReq(values: [number, bigint][], round = 1): ReportReqMessage {
  return {
    type: "report-req",
    epoch: EPOCH,
    round,
    observations: values.map(([observer, value]) => signedObservation(keys, ctx(round), observer, value)),
  };
}

const SORTED: [number, bigint][] = [[3, 100n], [0, 200n], [2, 300n]];

/** A follower that accepted observe-req for round 1. */
function inRound1() {
  const f = follower();
  f.role.onObserveReq(LEADER, { type: "observe-req", epoch: EPOCH, round: 1 });
  f.out.clear();
  return f;
}

const chainState = (over: Partial<TransmissionDetails> = {}) => ({
  details: {
    configDigest: DIGEST,
    epoch: 4,
    round: 2,
    latestAnswer: 200n,
    latestTimestamp: BigInt(NOW / 1000),
    ...over,
  },
  roundRequest: null,
});

function attested(round: number, signers: number[]): AttestedReportMany {
  const observations = SORTED.map(([observer, value]) => ({ observer, value }));
  return { observations, signatures: signers.map((s) => reportSignature(keys, ctx(round), observations, s)) };
}

describe("ReportGenerationFollower", () => {
  describe("observe-req", () => {
    it("observes for the leader's request and signs the value over reportContext ‖ value", () => {
      const { role, out } = follower();
      role.onObserveReq(LEADER, { type: "observe-req", epoch: EPOCH, round: 1 });
      expect(out.ofKind("request-observation")).to.deep.equal([{ kind: "request-observation", epoch: EPOCH, round: 1 }]);
      role.onObservation(EPOCH, 1, 1234n);
      const [sent] = out.ofKind("send");
      expect(sent.to).to.equal(LEADER);
      expect(sent.message.type).to.equal("observe");
      if (sent.message.type !== "observe") return;
      expect(verifyObservation(ctx(1), 1234n, sent.message.observation.signature, keys[SELF].offchainPublicKey)).to.equal(true);
    });

    it("sends nothing when the data source failed", () => {
      const { role, out } = inRound1();
      role.onObservation(EPOCH, 1, null);
      expect(out.ofKind("send")).to.have.length(0);
    });

    it("ignores observe-req from a non-leader, another epoch, an old round or beyond RMax+1", () => {
      const { role, out } = follower(3);
      role.onObserveReq(0, { type: "observe-req", epoch: EPOCH, round: 1 });
      role.onObserveReq(LEADER, { type: "observe-req", epoch: EPOCH + 1, round: 1 });
      role.onObserveReq(LEADER, { type: "observe-req", epoch: EPOCH, round: 5 });
      expect(out.items).to.have.length(0);
      role.onObserveReq(LEADER, { type: "observe-req", epoch: EPOCH, round: 2 }); // rounds may skip
      role.onObserveReq(LEADER, { type: "observe-req", epoch: EPOCH, round: 2 });
      role.onObserveReq(LEADER, { type: "observe-req", epoch: EPOCH, round: 1 });
      expect(out.ofKind("request-observation")).to.have.length(1);
    });

    it("answers round RMax+1 with change-leader", () => {
      const { role, out } = follower(3);
      role.onObserveReq(LEADER, { type: "observe-req", epoch: EPOCH, round: 4 });
      expect(out.ofKind("change-leader")).to.have.length(1);
      expect(out.ofKind("request-observation")).to.have.length(0);
    });
  });

  describe("report-req", () => {
    const rejected = (out: Outbox<FollowerOutput>) =>
      out.ofKind("trace").flatMap((t) => (t.event.type === "report-req-rejected" ? [t.event.reason] : []));

    it("accepts a valid request and reads the chain before deciding to sign", () => {
      const { role, out } = inRound1();
      role.onReportReq(LEADER, reportReq(SORTED));
      expect(out.ofKind("read-chain-for-report")).to.have.length(1);
    });

    it("rejects unsorted values", () => {
      const { role, out } = inRound1();
      role.onReportReq(LEADER, reportReq([[0, 200n], [3, 100n], [2, 300n]]));
      expect(rejected(out)).to.deep.equal(["observations not sorted"]);
      expect(out.ofKind("read-chain-for-report")).to.have.length(0);
    });

    it("rejects a bad signature", () => {
      const { role, out } = inRound1();
      const request = reportReq(SORTED);
      const tampered = { ...request, observations: request.observations.map((o, i) => (i === 1 ? { ...o, value: 250n } : o)) };
      role.onReportReq(LEADER, tampered);
      expect(rejected(out)[0]).to.match(/bad signature from observer 0/);
    });

    it("rejects too few observations (at most 2f)", () => {
      const { role, out } = inRound1();
      role.onReportReq(LEADER, reportReq([[3, 100n], [0, 200n]]));
      expect(rejected(out)).to.deep.equal(["too few observations"]);
    });

    it("rejects repeated or out-of-range observer ids", () => {
      const { role, out } = inRound1();
      const request = reportReq(SORTED);
      role.onReportReq(LEADER, { ...request, observations: [request.observations[0], request.observations[0], request.observations[2]] });
      expect(rejected(out)).to.deep.equal(["observer ids out of range or repeated"]);
    });

    it("ignores a request from someone other than the leader, or for another round", () => {
      const { role, out } = inRound1();
      role.onReportReq(0, reportReq(SORTED));
      role.onReportReq(LEADER, reportReq(SORTED, 2));
      expect(out.items).to.have.length(0);
    });

    it("signs keccak256(report) with its on-chain key when shouldReport holds", () => {
      const { role, out } = inRound1();
      role.onReportReq(LEADER, reportReq(SORTED));
      role.onChainReadings(EPOCH, 1, chainState({ latestAnswer: 100n }), NOW);
      const [sent] = out.ofKind("send");
      expect(sent.to).to.equal(LEADER);
      if (sent.message.type !== "report") throw new Error("expected a report");
      const report = encodeReport(ctx(1), sent.message.report.observations);
      expect(recoverReportSigner(report, sent.message.report.signature)).to.equal(keys[SELF].signerAddress);
    });

    it("completes the round without signing when nothing calls for a report", () => {
      const { role, out } = inRound1();
      role.onReportReq(LEADER, reportReq(SORTED));
      role.onChainReadings(EPOCH, 1, chainState(), NOW);
      expect(out.ofKind("send")).to.have.length(0);
      expect(out.ofKind("progress")).to.have.length(1);
    });
  });

  describe("final and final-echo", () => {
    it("echoes a final with f+1 valid signatures from the leader", () => {
      const { role, out } = inRound1();
      role.onFinal(LEADER, { type: "final", epoch: EPOCH, round: 1, report: attested(1, [0, 2]) });
      expect(out.ofKind("broadcast").map((b) => b.message.type)).to.deep.equal(["final-echo"]);
    });

    it("rejects a final with only f signatures, a repeated signer, or from a non-leader", () => {
      const { role, out } = inRound1();
      role.onFinal(LEADER, { type: "final", epoch: EPOCH, round: 1, report: attested(1, [0]) });
      role.onFinal(LEADER, { type: "final", epoch: EPOCH, round: 1, report: attested(1, [0, 0]) });
      role.onFinal(0, { type: "final", epoch: EPOCH, round: 1, report: attested(1, [0, 2]) });
      const wrongRound = attested(2, [0, 2]); // signatures over round 2's report
      role.onFinal(LEADER, { type: "final", epoch: EPOCH, round: 1, report: wrongRound });
      expect(out.items).to.have.length(0);
    });

    it("adopts an echo when the leader's final never arrived, and transmits after f+1 echoes", () => {
      const { role, out } = inRound1();
      const report = attested(1, [0, 3]);
      role.onFinalEcho(3, { type: "final-echo", epoch: EPOCH, round: 1, report });
      expect(out.ofKind("broadcast")).to.have.length(1); // adopted and re-broadcast
      expect(out.ofKind("transmit-event")).to.have.length(0);
      role.onFinalEcho(3, { type: "final-echo", epoch: EPOCH, round: 1, report }); // same sender twice
      expect(out.ofKind("transmit-event")).to.have.length(0);
      role.onFinalEcho(SELF, { type: "final-echo", epoch: EPOCH, round: 1, report });
      const [event] = out.ofKind("transmit-event");
      expect(out.ofKind("transmit-event")).to.have.length(1);
      expect(event).to.include({ epoch: EPOCH, round: 1, leader: LEADER, attested: report });
      // What the check established travels on: the bytes the signatures cover and who signed.
      expect(event.report).to.deep.equal(encodeReport({ configDigest: DIGEST, epoch: EPOCH, round: 1 }, report.observations));
      expect(event.signers).to.deep.equal([0, 3]);
      expect(out.ofKind("progress")).to.have.length(1);
      role.onFinalEcho(0, { type: "final-echo", epoch: EPOCH, round: 1, report });
      expect(out.ofKind("transmit-event")).to.have.length(1);
    });
  });
});

describe("shouldReport", () => {
  const base = { ownConfigDigest: DIGEST, reportMedian: 200n, alphaPPB: 5_000_000n, deltaCMs: 60_000, nowMs: NOW };

  it("is false when the answer is fresh, close and nobody asked", () => {
    expect(shouldReport({ ...base, chain: chainState() })).to.deep.equal({ report: false, reasons: [] });
  });
  it("reports the initial round of a config", () => {
    expect(shouldReport({ ...base, chain: chainState({ epoch: 0, round: 0 }) }).reasons).to.deep.equal(["initial-round"]);
  });
  it("reports a deviation of at least alphaPPB", () => {
    expect(shouldReport({ ...base, reportMedian: 201n, chain: chainState() }).reasons).to.deep.equal(["deviation"]);
    expect(shouldReport({ ...base, reportMedian: 200n, chain: chainState({ latestAnswer: 199n }) }).report).to.equal(true);
  });
  it("reports a heartbeat once latestTimestamp + DeltaC is past, and always before any report", () => {
    const stale = chainState({ latestTimestamp: BigInt((NOW - 61_000) / 1000) });
    expect(shouldReport({ ...base, chain: stale }).reasons).to.deep.equal(["heartbeat"]);
    const never = chainState({ latestTimestamp: 0n });
    expect(shouldReport({ ...base, chain: never }).reasons).to.include("heartbeat");
  });
  it("reports an unfulfilled RoundRequested for this config", () => {
    const details = chainState().details;
    const roundRequest = { requester: "0x01", configDigest: DIGEST, epoch: 4, round: 2 };
    expect(shouldReport({ ...base, chain: { details, roundRequest } }).reasons).to.deep.equal(["round-requested"]);
    const fulfilled = { ...roundRequest, round: 1 };
    expect(shouldReport({ ...base, chain: { details, roundRequest: fulfilled } }).report).to.equal(false);
    const otherConfig = { ...roundRequest, configDigest: new Uint8Array(16) };
    expect(shouldReport({ ...base, chain: { details, roundRequest: otherConfig } }).report).to.equal(false);
  });
  it("reports when the chain could not be read", () => {
    expect(shouldReport({ ...base, chain: null })).to.deep.equal({ report: true, reasons: ["chain-read-failed"] });
  });
});
