import { expect } from "chai";

import { hexToBytes } from "../../plugin/core/bytes.js";
import { decodeReport, encodeReport } from "../../plugin/core/report.js";
import { transmissionDelayMs } from "../../plugin/core/transmission-schedule.js";
import type { AttestedReportMany } from "../../plugin/protocol/messages.js";
import type { TransmissionDetails } from "../../plugin/protocol/should-report.js";
import {
  type PendingTransmission,
  Transmission,
  type TransmissionOutput,
  pendingToRequeue,
  shouldTransmit,
} from "../../plugin/protocol/transmission.js";
import { Outbox, committeeKeys, reportSignature } from "./role-support.js";

// ocr1-vectors.md: TransmissionOrderKey and configDigest of the "Transmission order" table.
const ORDER_KEY = hexToBytes("0x8d986042b2df4b1b1b0b2a701ed77a20");
const VECTOR_DIGEST = hexToBytes("0x0102030405060708090a0b0c0d0e0f10");
const STAGE_MS = 2000;
const keys = committeeKeys(4);

function attested(epoch: number, round: number, values: bigint[] = [10n, 20n, 30n]): AttestedReportMany {
  const observations = values.map((value, observer) => ({ observer, value }));
  const context = { configDigest: VECTOR_DIGEST, epoch, round };
  return { observations, signatures: [0, 1].map((s) => reportSignature(keys, context, observations, s)) };
}

function contract(epoch: number, round: number, over: Partial<TransmissionDetails> = {}): TransmissionDetails {
  return { configDigest: VECTOR_DIGEST, epoch, round, latestAnswer: 0n, latestTimestamp: 0n, ...over };
}

/** Oracle `index`'s transmission role with a hand-driven clock. */
function transmissionFor(index: number, clock = { now: 1_000_000 }) {
  const out = new Outbox<TransmissionOutput>();
  const role = new Transmission(
    {
      configDigest: VECTOR_DIGEST,
      alphaPPB: 5_000_000n,
      deltaStageMs: STAGE_MS,
      transmitterAddress: keys[index].transmitterAddress,
      delayFor: (epoch, round) =>
        transmissionDelayMs({
          transmissionOrderKey: ORDER_KEY,
          configDigest: VECTOR_DIGEST,
          epoch,
          round,
          oracleIndex: index,
          n: 4,
          s: [1, 1, 1, 1],
          deltaStageMs: STAGE_MS,
        }),
    },
    out.emit,
    () => clock.now,
  );
  return { role, out, clock };
}

/** Feed a final report through the accept step against `details`. */
function accept(t: ReturnType<typeof transmissionFor>, report: AttestedReportMany, epoch: number, round: number, details: TransmissionDetails) {
  // As a follower hands it on: the report bytes it checked and the signers it found (0 and 1).
  const bytes = encodeReport({ configDigest: VECTOR_DIGEST, epoch, round }, report.observations);
  t.role.onTransmitEvent({ epoch, round, leader: 3, attested: report, report: bytes, signers: [0, 1] });
  const read = t.out.ofKind("read-chain-for-transmission").at(-1)!;
  t.role.onChainRead(read.purpose, details);
}

/** Fire the transmit timer at `atMs` and answer the staleness re-check with `details`. */
function fire(t: ReturnType<typeof transmissionFor>, atMs: number, details: TransmissionDetails) {
  t.clock.now = atMs;
  t.out.clear();
  t.role.onTimer("transmit");
  for (const read of t.out.ofKind("read-chain-for-transmission")) t.role.onChainRead(read.purpose, details);
}

describe("Transmission", () => {
  it("schedules the vectors' example order: epoch 1 round 2, π = [3,1,0,2] → oracles 2,1,3,0", () => {
    const delays = [0, 1, 2, 3].map((i) => {
      const t = transmissionFor(i);
      accept(t, attested(1, 2), 1, 2, contract(0, 0));
      const [timer] = t.out.ofKind("set-timer");
      const [scheduled] = t.out.ofKind("trace").filter((o) => o.event.type === "transmission-scheduled");
      expect(scheduled.event).to.include({ stage: timer.delayMs / STAGE_MS });
      return timer.delayMs;
    });
    expect(delays).to.deep.equal([3 * STAGE_MS, 1 * STAGE_MS, 0, 2 * STAGE_MS]);
  });

  it("transmits a stage-0 report at once with the report and signatures collated", () => {
    const t = transmissionFor(2);
    const report = attested(1, 2);
    accept(t, report, 1, 2, contract(0, 0));
    expect(t.out.ofKind("persist-transmission")).to.have.length(1);
    fire(t, t.clock.now, contract(0, 0));
    const [{ item }] = t.out.ofKind("transmit");
    expect(decodeReport(item.report).observations).to.deep.equal([10n, 20n, 30n]);
    expect(item.rs).to.have.length(2);
    expect(item.median).to.equal(20n);
    expect(item.signers, "the signers the follower found travel with the report").to.deep.equal([0, 1]);
    expect(item.leader).to.equal(3);
    expect(t.out.ofKind("outcome").map((o) => o.outcome.type)).to.deep.equal(["attempted"]);
    expect(t.out.ofKind("delete-transmission")).to.deep.equal([{ kind: "delete-transmission", epoch: 1, round: 2 }]);
  });

  it("re-checks the contract right before sending and stands down if the report landed", () => {
    const t = transmissionFor(1); // stage 1 for (1, 2)
    accept(t, attested(1, 2), 1, 2, contract(0, 0));
    fire(t, t.clock.now + STAGE_MS, contract(1, 2)); // stage 0 landed it meanwhile
    expect(t.out.ofKind("transmit")).to.have.length(0);
    const skipped = t.out.ofKind("trace").filter((o) => o.event.type === "transmit-skipped");
    expect(skipped).to.have.length(1);
    expect(skipped[0].event).to.include({ reason: "already on chain" });
  });

  it("steps in from the next stage exactly DeltaStage later when stage 0 failed", () => {
    const start = 5_000_000;
    const t = transmissionFor(1, { now: start });
    accept(t, attested(1, 2), 1, 2, contract(0, 0));
    const [timer] = t.out.ofKind("set-timer");
    expect(timer.delayMs).to.equal(STAGE_MS);
    fire(t, start + STAGE_MS, contract(0, 0)); // nothing landed
    const [{ item }] = t.out.ofKind("transmit");
    expect(item.timeMs).to.equal(start + STAGE_MS);
    expect(item.stage).to.equal(1);
  });

  it("does not fire before the item is due", () => {
    const t = transmissionFor(0); // stage 3
    accept(t, attested(1, 2), 1, 2, contract(0, 0));
    fire(t, t.clock.now + STAGE_MS, contract(0, 0));
    expect(t.out.ofKind("transmit")).to.have.length(0);
    expect(t.out.ofKind("set-timer")[0].delayMs).to.equal(2 * STAGE_MS);
  });

  it("drops a report for another config or one the contract already has", () => {
    const t = transmissionFor(2);
    accept(t, attested(1, 2), 1, 2, contract(1, 2));
    accept(t, attested(1, 2), 1, 2, contract(9, 9, { configDigest: new Uint8Array(16) }));
    expect(t.out.ofKind("persist-transmission")).to.have.length(0);
    expect(t.out.ofKind("trace").map((o) => (o.event.type === "transmission-dropped" ? o.event.reason : ""))).to.deep.equal([
      "shouldTransmit is false",
      "contract has another config",
    ]);
  });

  it("reports the transaction's outcome in the trace", () => {
    const t = transmissionFor(2);
    accept(t, attested(1, 2), 1, 2, contract(0, 0));
    fire(t, t.clock.now, contract(0, 0));
    const [{ item }] = t.out.ofKind("transmit");
    t.out.clear();
    t.role.onTransmitResult(item, { ok: false, transmitter: "0xabc", error: "stale report" });
    expect(t.out.ofKind("trace")[0].event).to.include({ type: "transmit-reverted", reason: "stale report", stage: 0 });
  });
});

describe("shouldTransmit", () => {
  const args = { epoch: 2, round: 1, median: 100n, contract: { epoch: 1, round: 3 }, localLatest: null, alphaPPB: 10_000_000n };

  it("accepts a report newer than the contract when nothing is scheduled locally", () => {
    expect(shouldTransmit(args)).to.equal(true);
  });
  it("refuses a report at or below the contract's (epoch, round)", () => {
    expect(shouldTransmit({ ...args, epoch: 1, round: 3 })).to.equal(false);
  });
  it("refuses a report at or below the latest one scheduled locally", () => {
    expect(shouldTransmit({ ...args, localLatest: { epoch: 2, round: 1, median: 1n } })).to.equal(false);
  });
  it("accepts a newer report if the pending one's median deviates or nothing is pending", () => {
    const pending = { epoch: 1, round: 5, median: 100n };
    expect(shouldTransmit({ ...args, epoch: 2, round: 2, localLatest: pending })).to.equal(false);
    expect(shouldTransmit({ ...args, epoch: 2, round: 2, median: 120n, localLatest: pending })).to.equal(true);
    const landed = { epoch: 1, round: 2, median: 100n };
    expect(shouldTransmit({ ...args, epoch: 2, round: 2, localLatest: landed })).to.equal(true);
  });
});

describe("pendingToRequeue", () => {
  const item = (epoch: number, round: number, timeMs: number) => ({ epoch, round, timeMs }) as PendingTransmission;
  it("keeps unexpired items and only the logically latest expired one", () => {
    const kept = pendingToRequeue([item(1, 1, 10), item(1, 3, 20), item(1, 2, 30), item(2, 1, 500)], 100);
    expect(kept.map((i) => `${i.epoch}:${i.round}`).sort()).to.deep.equal(["1:3", "2:1"]);
  });
});
