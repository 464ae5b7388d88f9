/**
 * The OCR2 transmit fuzzer: off-chain checks that its reference model tells valid from invalid
 * with the spec's reasons, then a short seeded run against the real AccessControlledOCR2Aggregator.
 */
import { expect } from "chai";

import { OCR2_MUTATORS, buildOcr2Case } from "../../testkit/fuzz/ocr2/cases.js";
import { judgeOcr2Transmit } from "../../testkit/fuzz/ocr2/model.js";
import { runOcr2Fuzz } from "../../testkit/fuzz/ocr2/runner.js";
import { Prng } from "../../testkit/fuzz/prng.js";
import type { FuzzResult } from "../../testkit/fuzz/runner.js";
import { itAgreesWithTheModel, offlineTarget } from "./fuzz-checks.js";

const CASES = 200;
const SEED = "npm-test-ocr2";

/** A 4/1 committee that exists only off chain, for the model and builder checks. */
const offlineOcr2Target = () => offlineTarget("ocr2 fuzz test", Uint8Array.from({ length: 32 }, (_, i) => (i < 2 ? [0, 1][i] : i)));

const byKind = (kind: string) => OCR2_MUTATORS.find((m) => m.kind === kind)!;

describe("OCR2 transmit fuzzer", function () {
  describe("off chain: the model and the builder", function () {
    it("judges unmutated cases valid and predicts epoch/round and median", function () {
      const target = offlineOcr2Target();
      for (let i = 0; i < 15; i++) {
        const built = buildOcr2Case(Prng.fromLabel(`valid ${i}`), target, []);
        const verdict = judgeOcr2Transmit(built.calldata, built.sender, target);
        expect(verdict.valid, `case ${i}`).to.equal(true);
        if (verdict.valid) expect(verdict.epochAndRound > target.latestEpochAndRound).to.equal(true);
      }
    });

    it("rejects single breaking mutations with the spec's reason, keeps legal oddities valid", function () {
      const target = offlineOcr2Target();
      const expected: Record<string, string> = {
        staleEpochRound: "stale report",
        unauthorizedSender: "unauthorized transmitter",
        wrongConfigDigest: "configDigest mismatch",
        extraCalldataWord: "calldata length mismatch",
        oddReportLength: "calldata length mismatch",
        tooFewSignatures: "wrong number of signatures",
        tooManySignatures: "wrong number of signatures",
        ssShorter: "signatures out of registration",
        nonSignerSignature: "signature error",
        legacyV: "signature error",
        vOverflow: "panic 0x11",
        duplicateSigner: "duplicate signer",
        trailingReportWord: "report length mismatch",
        timestampAboveUint32: "",
        unallocatableLength: "panic 0x41",
        tooManyObservations: "num observations out of bounds",
        tooFewObservations: "too few values to trust median",
        medianAboveMax: "median is out of min-max range",
        selectorBitFlip: "",
      };
      for (const [kind, reason] of Object.entries(expected)) {
        const built = buildOcr2Case(Prng.fromLabel(`single ${kind}`), target, [byKind(kind)]);
        expect(judgeOcr2Transmit(built.calldata, built.sender, target), kind).to.deep.equal({ valid: false, reason });
      }
      for (const kind of ["highS", "dirtyContextPadding", "junkRawVsTail", "unsortedObservations", "offsetReusesJuelsAsLength", "negativeJuels"]) {
        const built = buildOcr2Case(Prng.fromLabel(`legal ${kind}`), target, [byKind(kind)]);
        expect(judgeOcr2Transmit(built.calldata, built.sender, target).valid, kind).to.equal(true);
      }
    });
  });

  describe(`on chain: ${CASES} seeded cases against AccessControlledOCR2Aggregator (4/1 and 7/2)`, function () {
    let result: FuzzResult;
    before(async function () {
      result = await runOcr2Fuzz({ cases: CASES, seed: SEED, reconfigureEvery: 80 });
    });

    itAgreesWithTheModel(() => result, CASES, OCR2_MUTATORS, 2);
  });
});
