import { expect } from "chai";

import { sortAttributedObservations } from "../../plugin/core/report.js";
import type { ObserveMessage, ReportMessage } from "../../plugin/protocol/messages.js";
import { type LeaderOutput, ReportGenerationLeader } from "../../plugin/protocol/report-generation-leader.js";
import { DIGEST, Outbox, committeeKeys, reportGenerationConfig, reportSignature, signedObservation } from "./role-support.js";

const keys = committeeKeys(4);
const EPOCH = 3;

function leader(rMax = 3) {
  const out = new Outbox<LeaderOutput>();
  const role = new ReportGenerationLeader(
    { ...reportGenerationConfig(keys, { f: 1, rMax }), deltaRoundMs: 1000, deltaGraceMs: 300 },
    EPOCH,
    out.emit,
  );
  return { role, out };
}

function observe(observer: number, value: bigint, round = 1): ObserveMessage {
  const { signature } = signedObservation(keys, { configDigest: DIGEST, epoch: EPOCH, round }, observer, value);
  return { type: "observe", epoch: EPOCH, round, observation: { value, signature } };
}

function reportFrom(signer: number, observations: { observer: number; value: bigint }[], round = 1): ReportMessage {
  const signature = reportSignature(keys, { configDigest: DIGEST, epoch: EPOCH, round }, observations, signer);
  return { type: "report", epoch: EPOCH, round, report: { observations, signature } };
}

/** A leader that got oracles 0, 1, 2's observations (30, 10, 20) of round 1 and sent report-req; its outbox is cleared. */
function leaderAwaitingReports() {
  const { role, out } = leader();
  role.start();
  for (const [i, v] of [[0, 30n], [1, 10n], [2, 20n]] as const) role.onObserve(i, observe(i, v));
  role.onTimer("grace");
  out.clear();
  return { role, out };
}

describe("ReportGenerationLeader", () => {
  it("starts round 1 by broadcasting observe-req and arming the DeltaRound timer", () => {
    const { role, out } = leader();
    role.start();
    expect(out.ofKind("broadcast").map((b) => b.message)).to.deep.equal([{ type: "observe-req", epoch: EPOCH, round: 1 }]);
    expect(out.ofKind("set-timer")).to.deep.equal([{ kind: "set-timer", timer: "round", delayMs: 1000 }]);
  });

  it("arms DeltaGrace once more than 2f valid observations are in, then sends all of them sorted", () => {
    const { role, out } = leader();
    role.start();
    out.clear();
    role.onObserve(0, observe(0, 30n));
    role.onObserve(1, observe(1, 10n));
    expect(out.ofKind("set-timer")).to.have.length(0);
    role.onObserve(2, observe(2, 20n));
    expect(out.ofKind("set-timer")).to.deep.equal([{ kind: "set-timer", timer: "grace", delayMs: 300 }]);
    role.onObserve(3, observe(3, 5n)); // arrives during the grace period: still included
    out.clear();
    role.onTimer("grace");
    const [request] = out.ofKind("broadcast").map((b) => b.message);
    expect(request.type).to.equal("report-req");
    if (request.type !== "report-req") return;
    expect(request.observations.map((o) => [o.observer, o.value])).to.deep.equal([
      [3, 5n],
      [1, 10n],
      [2, 20n],
      [0, 30n],
    ]);
  });

  it("drops observations with a bad signature, a duplicate sender or the wrong round", () => {
    const { role, out } = leader();
    role.start();
    out.clear();
    const forged = observe(0, 10n);
    role.onObserve(1, forged); // oracle 1 relays oracle 0's signature as its own
    role.onObserve(0, observe(0, 10n));
    role.onObserve(0, observe(0, 11n));
    role.onObserve(2, observe(2, 10n, 2));
    expect(out.ofKind("set-timer")).to.have.length(0);
    role.onObserve(1, observe(1, 10n));
    role.onObserve(2, observe(2, 12n));
    expect(out.ofKind("set-timer")).to.have.length(1);
  });

  it("broadcasts final with exactly f+1 signatures once f+1 followers signed the same report", () => {
    const { role, out } = leaderAwaitingReports();
    const observations = sortAttributedObservations([
      { observer: 0, value: 30n },
      { observer: 1, value: 10n },
      { observer: 2, value: 20n },
    ]);
    role.onReport(3, reportFrom(2, observations)); // signed by 2 but sent by 3: rejected
    role.onReport(2, reportFrom(2, observations));
    expect(out.ofKind("broadcast")).to.have.length(0);
    role.onReport(0, reportFrom(0, observations));
    const finals = out.ofKind("broadcast").map((b) => b.message);
    expect(finals).to.have.length(1);
    expect(finals[0].type).to.equal("final");
    if (finals[0].type !== "final") return;
    expect(finals[0].report.signatures).to.have.length(2);
    role.onReport(1, reportFrom(1, observations));
    expect(out.ofKind("broadcast")).to.have.length(1);
  });

  it("does not mix signatures over different observation sets", () => {
    const { role, out } = leaderAwaitingReports();
    const a = [{ observer: 1, value: 10n }, { observer: 2, value: 20n }, { observer: 0, value: 30n }];
    const b = [{ observer: 1, value: 10n }, { observer: 2, value: 21n }, { observer: 0, value: 30n }];
    role.onReport(0, reportFrom(0, a));
    role.onReport(1, reportFrom(1, b));
    expect(out.ofKind("broadcast")).to.have.length(0);
  });

  it("starts a new round every DeltaRound up to RMax+1 and then stops", () => {
    const { role, out } = leader(2);
    role.start();
    role.onTimer("round");
    role.onTimer("round");
    role.onTimer("round");
    const rounds = out.ofKind("broadcast").map((b) => (b.message.type === "observe-req" ? b.message.round : 0));
    expect(rounds).to.deep.equal([1, 2, 3]);
    expect(role.currentRound).to.equal(3);
  });
});
