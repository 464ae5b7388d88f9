import { expect } from "chai";

import type { Ocr2FinalMessage } from "../../../plugin/protocol/ocr2/messages.js";
import { type Ocr2FinalizationOutput, Ocr2ReportFinalization, finalizationExpiryRounds } from "../../../plugin/protocol/ocr2/report-finalization.js";
import { Outbox } from "../role-support.js";
import { DIGEST, generationConfig, reportBytes, reportSignature } from "./ocr2-support.js";

const RMAX = 3;
const EXTRA_HASH = new Uint8Array(32).fill(9);

function finalization(deltaRoundMs = 1000) {
  const out = new Outbox<Ocr2FinalizationOutput>();
  const c = generationConfig();
  const role = new Ocr2ReportFinalization(
    { configDigest: DIGEST, rMax: RMAX, deltaRoundMs, reportQuorum: c.reportQuorum, signerAddresses: c.signerAddresses, maxReportLength: c.limits.maxReportLength },
    out.emit,
  );
  return { role, out };
}

function final(epoch: number, round: number, signers = [0, 2]): Ocr2FinalMessage {
  const report = reportBytes([[0, BigInt(epoch * 100 + round)], [1, 7n], [2, 8n]]);
  return {
    type: "final",
    epoch,
    round,
    extraHash: EXTRA_HASH,
    attestedReport: { report, attributedSignatures: signers.map((signer) => ({ signer, signature: reportSignature(signer, report, EXTRA_HASH, round, epoch) })) },
  };
}

describe("OCR2 report finalization", function () {
  it("on a checked final echoes it to everyone and hands it to transmission, once", function () {
    const { role, out } = finalization();
    const message = final(1, 1);
    role.onCheckedFinal(message);
    expect(out.ofKind("broadcast").map((b) => b.message)).to.deep.equal([{ type: "final-echo", final: message }]);
    const [event] = out.ofKind("transmit-event");
    expect(event).to.deep.include({ epoch: 1, round: 1, extraHash: EXTRA_HASH, report: message.attestedReport.report });
    expect(event.attributedSignatures.map((s) => s.signer)).to.deep.equal([0, 2]);
    out.clear();
    role.onCheckedFinal(message);
    role.onFinalEcho(3, { type: "final-echo", final: message });
    expect(out.items).to.have.length(0);
  });

  it("finalizes on one valid echo from any oracle, for any epoch (the leader's final may have been lost)", function () {
    const { role, out } = finalization();
    role.onFinalEcho(3, { type: "final-echo", final: final(7, 2) });
    expect(out.ofKind("transmit-event")).to.have.length(1);
    expect(out.ofKind("broadcast")).to.have.length(1);
  });

  it("refuses an echo whose attestation does not check out, and says why", function () {
    const { role, out } = finalization();
    const good = final(1, 1);
    const forged: Ocr2FinalMessage = { ...good, extraHash: new Uint8Array(32) };
    role.onFinalEcho(3, { type: "final-echo", final: forged });
    role.onFinalEcho(3, { type: "final-echo", final: final(1, 2, [0]) });
    expect(out.ofKind("transmit-event")).to.have.length(0);
    expect(out.ofKind("trace").map((t) => (t.event.type === "final-rejected" ? t.event.reason : ""))).to.deep.equal([
      "echo from oracle 3: bad signature from signer 0",
      "echo from oracle 3: 1 signatures; exactly 2 are required",
    ]);
    role.onFinalEcho(3, { type: "final-echo", final: good });
    expect(out.ofKind("transmit-event")).to.have.length(1);
  });

  it("refuses rounds outside 1..RMax", function () {
    const { role, out } = finalization();
    role.onFinalEcho(3, { type: "final-echo", final: final(1, RMAX + 1) });
    role.onCheckedFinal(final(1, 0));
    expect(out.items).to.have.length(0);
  });

  it("forgets and refuses finals older than its expiry window of clamp(ceil(10 min / DeltaRound), 10, 1000) rounds", function () {
    expect(finalizationExpiryRounds(1000)).to.equal(600);
    expect(finalizationExpiryRounds(120_000)).to.equal(10);
    expect(finalizationExpiryRounds(100)).to.equal(1000);
    const { role, out } = finalization(120_000); // window: 10 rounds, i.e. RMax·epoch + round
    role.onCheckedFinal(final(10, 1)); // index 31
    out.clear();
    role.onFinalEcho(3, { type: "final-echo", final: final(6, 1) }); // index 19: 19 + 10 <= 31, expired
    expect(out.items).to.have.length(0);
    role.onFinalEcho(3, { type: "final-echo", final: final(7, 3) }); // index 24: within the window
    expect(out.ofKind("transmit-event")).to.have.length(1);
  });

  it("refuses an echo relabelled to another round than its signatures cover", function () {
    const { role, out } = finalization();
    const message = final(2, 1);
    role.onFinalEcho(0, { type: "final-echo", final: { ...message, round: 2 } });
    expect(out.ofKind("transmit-event")).to.have.length(0);
  });
});
