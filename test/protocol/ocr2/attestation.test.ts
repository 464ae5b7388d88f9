/**
 * The OCR2 signature checks remember their verdicts per process. A remembered "valid" must never
 * answer for different bytes: each case below first gets the honest input accepted (so it is in
 * the memo), then changes one thing the signature covers and expects a refusal.
 */
import { expect } from "chai";

import { encodeOcr2Report, type Ocr2ReportContext, signOcr2Report } from "../../../plugin/core/ocr2/report.js";
import { checkOcr2AttestedReport, checkOcr2ReportRequest } from "../../../plugin/protocol/ocr2/attestation.js";
import type { Ocr2AttributedSignedObservation } from "../../../plugin/protocol/ocr2/messages.js";
import { DIGEST, EMPTY_QUERY, EPOCH, F, generationConfig, keys, signedObservation } from "./ocr2-support.js";

const config = generationConfig();
const context = { configDigest: DIGEST, epoch: EPOCH, round: 1 };

function reportRequest(observations: readonly Ocr2AttributedSignedObservation[], overrides: Partial<Parameters<typeof checkOcr2ReportRequest>[0]> = {}) {
  return checkOcr2ReportRequest({
    context,
    query: EMPTY_QUERY,
    observations,
    offchainPublicKeys: config.offchainPublicKeys,
    f: F,
    limits: { ...config.limits, maxQueryLength: 8 },
    ...overrides,
  });
}

describe("OCR2 signature checks, remembered verdicts", () => {
  const honest = [0, 1, 2].map((i) => signedObservation(i, 2000n + BigInt(i)));

  it("a report-req whose signed bytes changed after an accepted one is refused", () => {
    expect(reportRequest(honest).ok).to.equal(true);
    const flipped = honest.map((o, i) => {
      if (i !== 1) return o;
      const observation = o.signedObservation.observation.slice();
      observation[observation.length - 1] ^= 1;
      return { ...o, signedObservation: { ...o.signedObservation, observation } };
    });
    expect(reportRequest(flipped)).to.deep.equal({ ok: false, reason: "bad signature from observer 1" });
    expect(reportRequest(honest, { context: { ...context, epoch: EPOCH + 1 } })).to.deep.include({ ok: false });
    expect(reportRequest(honest, { context: { ...context, round: 2 } })).to.deep.include({ ok: false });
    const otherDigest = DIGEST.slice();
    otherDigest[31] ^= 1;
    expect(reportRequest(honest, { context: { ...context, configDigest: otherDigest } })).to.deep.include({ ok: false });
    expect(reportRequest(honest, { query: Uint8Array.of(0) })).to.deep.include({ ok: false });
    // The same signature presented as another observer's.
    const misattributed = [honest[0], { ...honest[1], observer: 3 }, honest[2]];
    expect(reportRequest(misattributed)).to.deep.equal({ ok: false, reason: "bad signature from observer 3" });
    // And the honest request is still accepted after all those refusals.
    expect(reportRequest(honest).ok).to.equal(true);
  });

  it("an attested report is refused once its report, context or signer attribution changes", () => {
    const report = encodeOcr2Report({
      observationsTimestamp: 1_700_000_000,
      observers: [0, 1, 2],
      observations: [2000n, 2001n, 2002n],
      juelsPerFeeCoin: 10n ** 18n,
    });
    const reportContext: Ocr2ReportContext = { ...context, extraHash: new Uint8Array(32).fill(9) };
    const quorum = 2;
    const attributedSignatures = [0, 1].map((signer) => ({ signer, signature: signOcr2Report(report, reportContext, keys[signer].onchainSigningKey) }));
    const check = (over: { report?: Uint8Array; context?: Ocr2ReportContext; signatures?: typeof attributedSignatures }) =>
      checkOcr2AttestedReport({
        context: over.context ?? reportContext,
        attested: { report: over.report ?? report, attributedSignatures: over.signatures ?? attributedSignatures },
        signerAddresses: config.signerAddresses,
        quorum,
        maxReportLength: config.limits.maxReportLength,
      });
    expect(check({})).to.deep.equal({ ok: true, signers: [0, 1] });
    const changedReport = report.slice();
    changedReport[report.length - 1] ^= 1;
    expect(check({ report: changedReport })).to.deep.equal({ ok: false, reason: "bad signature from signer 0" });
    expect(check({ context: { ...reportContext, extraHash: new Uint8Array(32).fill(8) } })).to.deep.include({ ok: false });
    expect(check({ context: { ...reportContext, round: 2 } })).to.deep.include({ ok: false });
    expect(check({ signatures: [attributedSignatures[0], { ...attributedSignatures[1], signer: 2 }] })).to.deep.equal({
      ok: false,
      reason: "bad signature from signer 2",
    });
    expect(check({})).to.deep.equal({ ok: true, signers: [0, 1] });
  });
});
