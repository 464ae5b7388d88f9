import { expect } from "chai";

import { hexToBytes } from "../../../plugin/core/bytes.js";
import { encodeOcr2Report } from "../../../plugin/core/ocr2/report.js";
import { transmissionDelayMs } from "../../../plugin/core/transmission-schedule.js";
import { MedianReportAcceptance } from "../../../plugin/protocol/ocr2/median-plugin.js";
import type { Ocr2FinalizedReport } from "../../../plugin/protocol/ocr2/report-finalization.js";
import { type Ocr2PendingTransmission, type Ocr2TransmissionOutput, Ocr2Transmission } from "../../../plugin/protocol/ocr2/transmission.js";
import { Outbox } from "../role-support.js";

const DIGEST_A = hexToBytes("0x00010b76292a08dbfd6083138bde10d56d9bccee99f56f2552666febc3a0238c");
/** TransmissionOrderKey of the integration-test secret 01..08 01..08. */
const ORDER_KEY = hexToBytes("6082a56a2138fdb22d3ad518dffd1dad");
const DELTA_STAGE = 2000;

function finalized(epoch: number, round: number, median = 1000n): Ocr2FinalizedReport {
  return {
    epoch,
    round,
    extraHash: new Uint8Array(32).fill(round),
    report: encodeOcr2Report({ observationsTimestamp: 1, observers: [0, 1, 2], observations: [median - 1n, median, median + 1n], juelsPerFeeCoin: 1n }),
    attributedSignatures: [{ signer: 0, signature: new Uint8Array(65) }, { signer: 2, signature: new Uint8Array(65) }],
  };
}

function transmission(oracleIndex = 1, s = [1, 1, 1, 1]) {
  let nowMs = 10_000;
  const out = new Outbox<Ocr2TransmissionOutput>();
  const role = new Ocr2Transmission(
    {
      configDigest: DIGEST_A,
      deltaStageMs: DELTA_STAGE,
      maxDurationShouldAcceptFinalizedReportMs: 50,
      maxDurationShouldTransmitAcceptedReportMs: 60,
      transmitterAddress: "0x00000000000000000000000000000000000000aa",
      delayFor: (epoch, round) => transmissionDelayMs({ transmissionOrderKey: ORDER_KEY, configDigest: DIGEST_A, epoch, round, oracleIndex, n: 4, s, deltaStageMs: DELTA_STAGE }),
    },
    out.emit,
    () => nowMs,
  );
  return { role, out, advance: (ms: number) => (nowMs += ms) };
}

const traces = (out: Outbox<Ocr2TransmissionOutput>) => out.ofKind("trace").map((t) => t.event);

describe("OCR2 transmission", function () {
  it("schedules by the spec's keyed permutation over the 32-byte digest: (1,1) at n = 4 sends oracle 1, 3, 0, 2", function () {
    const delays = [0, 1, 2, 3].map((oracleIndex) =>
      transmissionDelayMs({ transmissionOrderKey: ORDER_KEY, configDigest: DIGEST_A, epoch: 1, round: 1, oracleIndex, n: 4, s: [1, 1, 1, 1], deltaStageMs: DELTA_STAGE }),
    );
    expect(delays).to.deep.equal([4000, 0, 6000, 2000]);
    const shortSchedule = [0, 1, 2, 3].map((oracleIndex) =>
      transmissionDelayMs({ transmissionOrderKey: ORDER_KEY, configDigest: DIGEST_A, epoch: 5, round: 3, oracleIndex, n: 4, s: [1, 1], deltaStageMs: DELTA_STAGE }),
    );
    // (5,3): π = [0,3,1,2]; with S = [1,1] only positions 0 and 1 transmit.
    expect(shortSchedule).to.deep.equal([0, null, 2000, null]);
  });

  it("asks ShouldAcceptFinalizedReport within its MaxDuration, then persists and schedules the accepted report", function () {
    const { role, out } = transmission(3);
    role.onTransmitEvent(finalized(1, 1));
    expect(out.ofKind("set-timer")).to.deep.equal([{ kind: "set-timer", timer: "should-accept", delayMs: 50 }]);
    expect(out.ofKind("request-should-accept").map((r) => [r.epoch, r.round])).to.deep.equal([[1, 1]]);
    out.clear();
    role.onShouldAccept(1, 1, true);
    const [persisted] = out.ofKind("persist-transmission");
    expect(persisted.item).to.deep.include({ timeMs: 12_000, epoch: 1, round: 1, stage: 1 });
    expect(out.ofKind("set-timer")).to.deep.equal([{ kind: "set-timer", timer: "transmit", delayMs: 2000 }]);
    expect(role.pending).to.have.length(1);
  });

  it("when the timer fires: deletes the item, asks ShouldTransmitAcceptedReport, and transmits on yes", function () {
    const { role, out, advance } = transmission(1);
    role.onTransmitEvent(finalized(1, 1));
    role.onShouldAccept(1, 1, true);
    out.clear();
    advance(0);
    role.onTimer("transmit");
    expect(out.ofKind("delete-transmission")).to.deep.equal([{ kind: "delete-transmission", epoch: 1, round: 1 }]);
    expect(out.ofKind("set-timer")).to.deep.equal([{ kind: "set-timer", timer: "should-transmit", delayMs: 60 }]);
    const [request] = out.ofKind("request-should-transmit");
    out.clear();
    role.onShouldTransmit(1, 1, true);
    expect(out.ofKind("transmit")).to.deep.equal([{ kind: "transmit", item: request.item }]);
    expect(request.item.extraHash).to.deep.equal(new Uint8Array(32).fill(1));
  });

  it("drops a report the plugin refuses, fails on or does not answer in time, and moves on to the next one", function () {
    const { role, out } = transmission(1);
    role.onTransmitEvent(finalized(1, 1));
    role.onTransmitEvent(finalized(1, 2));
    role.onTransmitEvent(finalized(1, 3));
    expect(out.ofKind("request-should-accept")).to.have.length(1); // one call at a time
    role.onShouldAccept(1, 1, false);
    role.onShouldAccept(1, 2, null);
    role.onTimer("should-accept");
    role.onShouldAccept(1, 3, true); // too late: ignored
    expect(out.ofKind("persist-transmission")).to.have.length(0);
    expect(traces(out).filter((t) => t.type === "transmission-dropped").map((t) => (t.type === "transmission-dropped" ? t.reason : ""))).to.deep.equal([
      "ShouldAcceptFinalizedReport is false",
      "ShouldAcceptFinalizedReport failed",
      "ShouldAcceptFinalizedReport exceeded its MaxDuration",
    ]);
  });

  it("never schedules for an oracle outside the schedule", function () {
    const { role, out } = transmission(3, [1]);
    role.onTransmitEvent(finalized(1, 1));
    role.onShouldAccept(1, 1, true);
    expect(out.ofKind("persist-transmission")).to.have.length(0);
    expect(traces(out).at(-1)).to.deep.equal({ type: "transmission-dropped", epoch: 1, round: 1, reason: "not in the transmission schedule" });
  });

  it("skips the send when ShouldTransmitAcceptedReport says no or overruns", function () {
    const { role, out, advance } = transmission(1);
    for (const round of [1, 2]) {
      role.onTransmitEvent(finalized(1, round));
      role.onShouldAccept(1, round, true);
    }
    advance(4 * DELTA_STAGE); // both due, whatever their stages
    role.onTimer("transmit");
    expect(out.ofKind("request-should-transmit")).to.have.length(1); // one check at a time
    role.onShouldTransmit(1, 1, false);
    role.onTimer("should-transmit");
    role.onShouldTransmit(1, 2, true);
    expect(out.ofKind("transmit")).to.have.length(0);
    expect(traces(out).filter((t) => t.type === "transmit-skipped")).to.have.length(2);
  });

  it("with the median plugin's hooks: a report the contract already has is not sent again", function () {
    const plugin = new MedianReportAcceptance({ configDigest: DIGEST_A, n: 4, f: 1, config: { alphaReportPPB: 0n, alphaAcceptPPB: 5_000_000n, deltaCMs: 0 }, bounds: { min: 0n, max: 10n ** 9n } });
    let contract = { configDigest: DIGEST_A, epoch: 0, round: 0 };
    const { role, out } = transmission(1);
    // Drive synchronously: accept (1,1) against a contract at (0,0); then the contract catches up before the send.
    role.onTransmitEvent(finalized(1, 1));
    const [request] = out.ofKind("request-should-accept");
    role.onShouldAccept(1, 1, plugin.shouldAcceptFinalizedReport({ configDigest: DIGEST_A, epoch: 1, round: 1 }, request.report, contract).accept);
    contract = { configDigest: DIGEST_A, epoch: 1, round: 1 }; // another oracle's transmit landed
    role.onTimer("transmit");
    const [check] = out.ofKind("request-should-transmit");
    role.onShouldTransmit(1, 1, plugin.shouldTransmitAcceptedReport({ configDigest: DIGEST_A, epoch: check.item.epoch, round: check.item.round }, contract).transmit);
    expect(out.ofKind("transmit")).to.have.length(0);
    expect(traces(out).at(-1)).to.deep.include({ type: "transmit-skipped", reason: "ShouldTransmitAcceptedReport is false" });
  });

  it("on restart re-queues only this config's unexpired items (no latest-expired rule)", function () {
    const { role } = transmission(1);
    const item = (timeMs: number, round: number, configDigest = DIGEST_A): Ocr2PendingTransmission => ({
      timeMs,
      configDigest,
      epoch: 1,
      round,
      stage: 0,
      extraHash: new Uint8Array(32),
      report: finalized(1, round).report,
      attributedSignatures: [],
    });
    const kept = role.restore([item(9_000, 1), item(10_000, 2), item(11_000, 3), item(12_000, 4, new Uint8Array(32))]);
    expect(kept.map((i) => i.round)).to.deep.equal([3]);
  });
});
