/**
 * The transmit fuzzer: a short seeded run against the real OffchainAggregator, plus
 * off-chain checks that the fuzzer's own parts (reference model, case builder, comparison) can
 * tell valid from invalid, so that "zero violations" means something.
 */
import { expect } from "chai";
import { network } from "hardhat";

import { bytesEqual } from "../../plugin/core/bytes.js";
import { judgeTransmit } from "../../testkit/fuzz/model.js";
import { MUTATORS, mutatorByKind } from "../../testkit/fuzz/mutators.js";
import { buildCase } from "../../testkit/fuzz/pipeline.js";
import { Prng } from "../../testkit/fuzz/prng.js";
import { type FuzzResult, classify, runFuzz } from "../../testkit/fuzz/runner.js";
import { itAgreesWithTheModel, offlineTarget } from "./fuzz-checks.js";

const CASES = 300;
const SEED = "npm-test";

/** A 4/1 committee that exists only off chain, for the model and builder checks. */
const offlineOcr1Target = () => offlineTarget("fuzz test", Uint8Array.from({ length: 16 }, (_, i) => i + 1));

describe("transmit fuzzer", function () {
  describe("off chain: the model and the builder", function () {
    it("judges unmutated cases valid and predicts the stored epoch/round and median", function () {
      const target = offlineOcr1Target();
      for (let i = 0; i < 20; i++) {
        const built = buildCase(Prng.fromLabel(`valid ${i}`), target, []);
        const verdict = judgeTransmit(built.calldata, built.sender, target);
        expect(verdict.valid, `case ${i}`).to.equal(true);
        if (!verdict.valid) continue;
        expect(verdict.epochAndRound > target.latestEpochAndRound).to.equal(true);
        const values = built.plan.entries.map((e) => e.value);
        expect(verdict.median).to.equal(values[values.length >> 1]);
      }
    });

    it("rejects single mutations with the reason the spec gives", function () {
      const target = offlineOcr1Target();
      const expected: Record<string, string> = {
        wrongConfigDigest: "configDigest mismatch",
        staleEpochRound: "stale report",
        tooFewSignatures: "not enough signatures",
        tooManySignatures: "too many signatures",
        rsSsLengthMismatch: "signatures out of registration",
        tooManyObservations: "num observations out of bounds",
        tooFewObservations: "too few values to trust median",
        repeatedObserver: "observer index repeated",
        observerIndexOutOfBounds: "observer index out of bounds",
        unauthorizedSender: "unauthorized transmitter",
        legacyV: "address not authorized to sign",
        nonSignerSignature: "address not authorized to sign",
        duplicateSignature: "non-unique signature",
        medianAboveMax: "median is out of min-max range",
        medianBelowMin: "median is out of min-max range",
        extendCalldata: "transmit message too long",
        selectorBitFlip: "",
        arrayOffsetOutOfBounds: "",
      };
      for (const [kind, reason] of Object.entries(expected)) {
        const built = buildCase(Prng.fromLabel(`single ${kind}`), target, [mutatorByKind(kind)]);
        const verdict = judgeTransmit(built.calldata, built.sender, target);
        expect(verdict, kind).to.deep.equal({ valid: false, reason });
      }
    });

    it("keeps legal oddities valid: high-s signatures, extra signatures, unpadded report last, dirty ignored bytes", function () {
      const target = offlineOcr1Target();
      const kinds = [
        ["malleateHighS"],
        ["extraValidSignatures", "reorderSignatures"],
        ["unpaddedTrailingBytes", "unpaddedReportLast"],
        ["dirtyContextPadding", "dirtyObserverTail", "dirtyObservationHighBits"],
        ["dirtyRawVsTail", "reorderedTails"],
        ["observerIndexAboveN", "outlierOutsideRange"],
      ];
      for (const chosen of kinds) {
        const built = buildCase(Prng.fromLabel(`legal ${chosen.join("+")}`), target, chosen.map(mutatorByKind));
        const verdict = judgeTransmit(built.calldata, built.sender, target);
        expect(verdict.valid, chosen.join("+")).to.equal(true);
      }
    });

    it("builds the same calldata for the same seed and different calldata for another", function () {
      const target = offlineOcr1Target();
      const kinds = [mutatorByKind("signedBitFlip"), mutatorByKind("reorderedTails")];
      const a = buildCase(Prng.fromLabel("same"), target, kinds);
      const b = buildCase(Prng.fromLabel("same"), target, kinds);
      const c = buildCase(Prng.fromLabel("other"), target, kinds);
      expect(bytesEqual(a.calldata, b.calldata)).to.equal(true);
      expect(bytesEqual(a.calldata, c.calldata)).to.equal(false);
    });

    it("classifies every kind of disagreement", function () {
      const accepted = { accepted: true as const, epochAndRound: 10n, answer: 5n };
      expect(classify({ valid: false, reason: "stale report" }, accepted)).to.equal("acceptedInvalid");
      expect(classify({ valid: true, epochAndRound: 10n, median: 5n }, { accepted: false, reason: "x" })).to.equal("rejectedValid");
      expect(classify({ valid: false, reason: "a" }, { accepted: false, reason: "b" })).to.equal("reasonMismatch");
      expect(classify({ valid: true, epochAndRound: 10n, median: 6n }, accepted)).to.equal("effectMismatch");
      expect(classify({ valid: true, epochAndRound: 10n, median: 5n }, accepted)).to.equal(null);
      expect(classify({ valid: false, reason: "a" }, { accepted: false, reason: "a" })).to.equal(null);
    });
  });

  describe(`on chain: ${CASES} seeded cases against OffchainAggregator (4/1 and 7/2)`, function () {
    let result: FuzzResult;
    before(async function () {
      const connection = await network.create();
      result = await runFuzz(connection, { cases: CASES, seed: SEED, reconfigureEvery: 100 });
    });

    itAgreesWithTheModel(() => result, CASES, MUTATORS, 2);
  });
});
