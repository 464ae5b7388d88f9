/**
 * The committee's typed results: what `runRound` and `ocr:run` are built on. A landed report
 * carries exactly what went on chain (bytes, signatures, signers as the contract recovered them),
 * failures and epoch changes are reported as they happen, and nothing depends on the trace.
 */
import { expect } from "chai";

import { bytesEqual } from "../../plugin/core/bytes.js";
import { decodeReport } from "../../plugin/core/report.js";
import { Committee } from "../../plugin/protocol/committee.js";
import type { CommitteeEvent, ReportLanded } from "../../plugin/protocol/results.js";

/** A market that moves every round, so every round is worth a report. */
const rising = (i: number) => ({ kind: "rising", observe: async ({ epoch, round }: { epoch: number; round: number }) => 10n ** 8n * BigInt(epoch * 100 + round) + BigInt(i) });

function committeeWithEvents(n: number, f: number, seed: string, traceLimit?: number) {
  const committee = new Committee({ n, f, seed, dataSource: rising, ...(traceLimit !== undefined ? { traceLimit } : {}) });
  const events: CommitteeEvent[] = [];
  committee.onEvent((event) => events.push(event));
  return { committee, events, landed: () => events.filter((e): e is ReportLanded => e.kind === "report-landed") };
}

describe("committee results", () => {
  it("a landed report carries the bytes, signatures and signers the contract accepted, and the epoch's leader", async () => {
    const { committee, landed, events } = committeeWithEvents(7, 2, "results-landed");
    await committee.start();
    await committee.runUntil({ reports: 5, virtualTimeMs: 120_000 });
    committee.stopAll();
    const accepted = committee.fakeChain!.transmissions;
    expect(landed()).to.have.length(accepted.length);
    landed().forEach((event, i) => {
      const onChain = accepted[i];
      const decoded = decodeReport(event.report);
      expect({ epoch: event.epoch, round: event.round }).to.deep.equal({ epoch: onChain.epoch, round: onChain.round });
      expect(decoded.context).to.include({ epoch: event.epoch, round: event.round });
      expect(bytesEqual(decoded.context.configDigest, onChain.configDigest)).to.equal(true);
      expect(event.signers, "signers in signature order, as the contract recovered them").to.deep.equal(onChain.signers);
      expect(event.signers.length).to.equal(committee.f + 1);
      expect(event.median).to.equal(onChain.answer);
      expect(event.txHash).to.equal(onChain.txHash);
      expect(event.transmitterAddress).to.equal(onChain.transmitter);
      expect(event.reason).to.equal(i === 0 ? "first" : "deviation");
    });
    const epochs = events.filter((e) => e.kind === "epoch-changed");
    expect(epochs.length).to.be.greaterThan(0);
    for (const event of landed()) {
      const entered = epochs.filter((e) => e.kind === "epoch-changed" && e.epoch === event.epoch).at(-1);
      expect(entered, `epoch ${event.epoch} was announced`).to.not.equal(undefined);
      expect(event.leader).to.equal(entered!.kind === "epoch-changed" ? entered!.leader : -1);
    }
  });

  it("reports failed transmissions as round-failed, and the report that lands after them as landed", async () => {
    const { committee, events, landed } = committeeWithEvents(4, 1, "results-failed");
    await committee.start();
    await committee.runUntil({ reports: 1, virtualTimeMs: 60_000 });
    // Every transmitter's next transaction reverts once: the round fails at stage 0 and lands later.
    for (const k of committee.keys) committee.fakeChain!.failNextTransmit(k.transmitterAddress);
    const before = landed().length;
    await committee.runUntil({ reports: 1, virtualTimeMs: 60_000 });
    committee.stopAll();
    const failed = events.flatMap((e) => (e.kind === "round-failed" ? [e] : []));
    expect(failed.length).to.be.greaterThan(0);
    expect(failed.length).to.equal(committee.fakeChain!.reverts.length);
    for (const f of failed) expect(f.reason).to.equal("transaction failed (fault injected)");
    const next = landed()[before];
    expect(next, "a report landed despite the failures").to.not.equal(undefined);
    expect(failed.some((f) => f.timeMs <= next.timeMs)).to.equal(true);
  });

  it("stamps each report with the inputs generation at which its round was first observed", async () => {
    const { committee, landed } = committeeWithEvents(4, 1, "results-generation");
    await committee.start();
    await committee.runUntil({ reports: 2, virtualTimeMs: 60_000 });
    const generation = committee.markInputsChanged();
    await committee.runUntil({ reports: 3, virtualTimeMs: 60_000 });
    committee.stopAll();
    const stamps = landed().map((e) => e.inputsGeneration);
    expect(stamps.slice(0, 2)).to.deep.equal([0, 0]);
    expect(stamps.at(-1)).to.equal(generation);
    expect(stamps).to.deep.equal([...stamps].sort((a, b) => a - b));
  });

  it("keeps a bounded trace while results keep flowing", async () => {
    const { committee, landed } = committeeWithEvents(4, 1, "results-bounded", 200);
    await committee.start();
    await committee.runUntil({ reports: 40, virtualTimeMs: 600_000 });
    committee.stopAll();
    expect(landed()).to.have.length(40);
    expect(committee.trace.length).to.be.at.most(250);
  });
});
