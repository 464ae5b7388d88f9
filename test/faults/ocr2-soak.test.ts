/**
 * A short seeded OCR2 soak in `npm test` (the long one: `npm run soak -- --protocol ocr2`): a
 * (7, 2) OCR2 committee under at most f faulty oracles per step, every OCR2 Byzantine behaviour
 * among them, with no safety, duplicate or liveness violation.
 */
import { expect } from "chai";

import { runOcr2Soak } from "../../testkit/soak/ocr2-soak.js";

describe("OCR2 soak (short, seeded)", function () {
  this.timeout(300_000);

  it("60 steps of faults within f: every step reports, answers stay within the honest observations", async function () {
    const result = await runOcr2Soak({ rounds: 60, seed: "npm-test" });
    expect(result.details).to.deep.equal([]);
    expect(result.violations).to.equal(0);
    expect(result.reports).to.be.at.least(60);
    const kinds = Object.keys(result.faultsInjected);
    expect(kinds.filter((k) => k.startsWith("byzantine:")).length, "Byzantine behaviours injected").to.be.at.least(6);
    expect(kinds).to.include.members(["lying", "data-source-error", "network:lossy"]);
  });
});
