import { expect } from "chai";

import { Pacemaker, type PacemakerOutput, kthLargest } from "../../plugin/protocol/pacemaker.js";
import { Outbox } from "./role-support.js";

const leaderOf = (epoch: number) => epoch % 4;

function pacemaker(f = 1, n = 3 * f + 1) {
  const out = new Outbox<PacemakerOutput>();
  const pm = new Pacemaker({ n, f, deltaProgressMs: 2000, deltaResendMs: 1000, leaderOf }, out.emit);
  return { pm, out };
}

/** A (4,1) pacemaker that started in epoch 1; its start-up output is cleared. */
function startedPacemaker() {
  const { pm, out } = pacemaker(1);
  pm.start();
  out.clear();
  return { pm, out };
}

function newEpochBroadcasts(out: Outbox<PacemakerOutput>): number[] {
  return out.ofKind("broadcast").map((o) => (o.message.type === "newepoch" ? o.message.epoch : -1));
}

describe("Pacemaker", () => {
  it("starts in epoch 1 with Leader(1), arms both timers and announces newepoch(1)", () => {
    const { pm, out } = pacemaker();
    pm.start();
    expect(out.ofKind("start-epoch")).to.deep.equal([{ kind: "start-epoch", epoch: 1, leader: 1 }]);
    expect(newEpochBroadcasts(out)).to.deep.equal([1]);
    const timers = out.ofKind("set-timer").map((t) => [t.timer, t.delayMs]);
    expect(timers).to.deep.include.members([["progress", 2000], ["resend", 1000]]);
  });

  it("joins an epoch change only once more than f oracles ask (f+1 rule)", () => {
    const { pm, out } = startedPacemaker();
    pm.onNewEpoch(0, 3);
    expect(newEpochBroadcasts(out)).to.deep.equal([]); // one oracle could be faulty
    pm.onNewEpoch(1, 5);
    // (f+1)-th largest of {3, 5} is 3: the highest epoch at least one honest oracle asked for.
    expect(newEpochBroadcasts(out)).to.deep.equal([3]);
    expect(out.ofKind("start-epoch")).to.have.length(0);
  });

  it("moves to the (2f+1)-th largest requested epoch once more than 2f oracles ask (2f+1 rule)", () => {
    const { pm, out } = startedPacemaker();
    pm.onNewEpoch(0, 7);
    pm.onNewEpoch(1, 5);
    expect(out.ofKind("start-epoch")).to.have.length(0);
    pm.onNewEpoch(2, 4);
    expect(out.ofKind("start-epoch")).to.deep.equal([{ kind: "start-epoch", epoch: 4, leader: leaderOf(4) }]);
    expect(pm.currentEpoch).to.equal(4);
    expect(pm.state.highestSentEpoch).to.be.at.least(4);
    // The progress timer restarts for the new epoch.
    expect(out.ofKind("set-timer").some((t) => t.timer === "progress")).to.equal(true);
  });

  it("ignores a repeated or lower newepoch from the same sender", () => {
    const { pm, out } = startedPacemaker();
    pm.onNewEpoch(0, 3);
    pm.onNewEpoch(0, 3);
    pm.onNewEpoch(0, 2);
    pm.onNewEpoch(1, 3);
    pm.onNewEpoch(1, 3);
    expect(out.ofKind("start-epoch")).to.have.length(0);
    expect(pm.state.receivedEpochs).to.deep.equal([3, 3, 0, 0]);
  });

  it("on progress timeout broadcasts newepoch(e+1), and resends it every DeltaResend", () => {
    const { pm, out } = startedPacemaker();
    pm.onTimer("progress");
    expect(newEpochBroadcasts(out)).to.deep.equal([2]);
    expect(out.ofKind("trace").map((t) => t.event.type)).to.include("progress-timeout");
    out.clear();
    pm.onTimer("resend");
    expect(newEpochBroadcasts(out)).to.deep.equal([2]);
    expect(out.ofKind("set-timer").map((t) => t.timer)).to.deep.equal(["resend"]);
  });

  it("a progress event re-arms the progress timer instead of changing epoch", () => {
    const { pm, out } = startedPacemaker();
    pm.onProgress();
    expect(out.items).to.deep.equal([{ kind: "set-timer", timer: "progress", delayMs: 2000 }]);
  });

  it("change-leader asks for the next epoch like a timeout", () => {
    const { pm, out } = startedPacemaker();
    pm.onChangeLeader();
    expect(newEpochBroadcasts(out)).to.deep.equal([2]);
  });

  it("restores its state after a restart and never reuses an epoch already on chain", () => {
    const { pm, out } = pacemaker(1);
    pm.start({ restored: { epoch: 6, highestSentEpoch: 6, receivedEpochs: [6, 6, 6, 5] }, contractEpoch: 9 });
    expect(out.ofKind("start-epoch")).to.deep.equal([{ kind: "start-epoch", epoch: 6, leader: leaderOf(6) }]);
    expect(newEpochBroadcasts(out)).to.deep.equal([10]);
    expect(out.ofKind("persist-pacemaker").at(-1)!.state.highestSentEpoch).to.equal(10);
  });

  it("persists every epoch change", () => {
    const { pm, out } = startedPacemaker();
    for (const j of [0, 1, 2]) pm.onNewEpoch(j, 2);
    expect(out.ofKind("persist-pacemaker").at(-1)!.state.epoch).to.equal(2);
  });

  it("kthLargest picks the k-th value from the top", () => {
    expect(kthLargest([3, 9, 1, 7], 1)).to.equal(9);
    expect(kthLargest([3, 9, 1, 7], 3)).to.equal(3);
  });
});
