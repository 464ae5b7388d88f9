/**
 * The soak: a short seeded run of `npm run soak` against the real OffchainAggregator,
 * plus off-chain checks that its parts can fail: the invariant checker counts planted
 * violations, the fault plan stays within the f bound and deals every kind, and the liveness
 * bound follows the protocol timings and the leader rotation. Without these, "zero violations"
 * would mean nothing.
 */
import { expect } from "chai";

import { leaderForEpoch } from "../../plugin/core/leader-selection.js";
import { type ProtocolTiming, faultyLeaderRun, stepBoundMs } from "../../testkit/soak/bound.js";
import { SIGNATURE_CHECK_NAMES, type SignatureCheckName } from "../../plugin/protocol/signature-checks.js";
import { InvariantChecker, type ObservationTruth, type ReportToCheck, type ViolationKind } from "../../testkit/soak/checker.js";
import { DeviationJudge, movedMoreThan } from "../../testkit/soak/deviation.js";
import { HonestyLedger } from "../../testkit/soak/honesty.js";
import { soakMarket } from "../../testkit/soak/market.js";
import { ALL_FAULT_KINDS, FaultPlanner, MAX_HOP_MS, type StepPlan, combinedLinkBehaviour, maxHopMs } from "../../testkit/soak/plan.js";
import { type SoakResult, runSoak } from "../../testkit/soak/runner.js";

const ROUNDS = 50;
const PLANTED_ROUNDS = 60;
const DEVIATION_ROUNDS = 30;
const SEED = "npm-test";
const DIGEST = "0x" + "ab".repeat(16);

/** The truth the checker is given: oracle i observes 100 + i in every round, except the `faulty` ones. */
function truth(faulty: ReadonlySet<number> = new Set()): ObservationTruth {
  return { expected: (_digest, _epoch, _round, observer) => (faulty.has(observer) ? null : 100n + BigInt(observer)) };
}

/**
 * A report as the chain would log it: observations given as [observer, value] pairs, sorted by
 * value; the answer their median unless given.
 */
function report(aggregatorRoundId: number, epoch: number, round: number, pairs: [number, bigint][], answer?: bigint): ReportToCheck {
  const sorted = [...pairs].sort(([, a], [, b]) => (a < b ? -1 : a > b ? 1 : 0));
  const observations = sorted.map(([, v]) => v);
  return { aggregatorRoundId, epoch, round, configDigestHex: DIGEST, observers: sorted.map(([o]) => o), observations, answer: answer ?? observations[observations.length >> 1] };
}

/** Oracles 0-4 each reporting what they observed. */
const HONEST: [number, bigint][] = [[0, 100n], [1, 101n], [2, 102n], [3, 103n], [4, 104n]];

const TIMING: ProtocolTiming = { deltaProgressMs: 2000, deltaResendMs: 1000, deltaRoundMs: 1000, deltaGraceMs: 500, deltaStageMs: 2000, rMax: 3 };

function planSteps(seed: string, steps: number): StepPlan[] {
  const planner = new FaultPlanner({ n: 7, f: 2, seed });
  return Array.from({ length: steps }, (_, i) => planner.next({ leader: i % 7, nextLeader: (i + 3) % 7 }));
}

describe("soak", function () {
  describe("off chain: checker, plan and bound", function () {
    it("accepts correct reports and counts a forged honest observation, an answer outside the honest range and a report with no honest observation", function () {
      const checker = new InvariantChecker(truth(new Set([5, 6])));
      // Oracles 5 and 6 are faulty: their values are not judged, and a median among honest ones is fine.
      expect(checker.check(report(1, 1, 1, [[5, 1n], [1, 101n], [2, 102n], [3, 103n], [6, 10n ** 30n]]))).to.deep.equal([]);
      // Oracle 2 observed 102: a report saying 150 forged it.
      const forged = checker.check(report(2, 1, 2, [[0, 100n], [1, 101n], [2, 150n], [3, 103n], [4, 104n]]));
      expect(forged.map((v) => v.kind)).to.deep.equal(["forged-observation"]);
      expect(forged[0].detail).to.include("oracle 2 observed 102");
      // An answer that is not the median and above every honest value.
      const lied = checker.check(report(3, 1, 3, [[0, 100n], [1, 101n], [2, 102n], [5, 500n], [6, 600n]], 500n));
      expect(lied.map((v) => v.kind)).to.deep.equal(["answer-not-median", "outside-honest-range"]);
      // More than f values of faulty oracles: beyond f the range is not promised, so not judged.
      const beyondF = checker.check(report(4, 1, 6, [[0, 100n], [1, 101n], [5, 500n], [6, 600n], [6, 700n]]));
      expect(beyondF).to.deep.equal([]);
      // A round can be exempt (started beyond f with liars): then the range is not judged.
      checker.exemptFromRange(DIGEST, 1, 7);
      expect(checker.check(report(5, 1, 7, [[0, 100n], [1, 101n], [5, 500n], [6, 600n], [2, 102n]], 600n)).map((v) => v.kind)).to.deep.equal(["answer-not-median"]);
      expect(checker.check(report(6, 1, 8, [[5, 100n], [6, 101n], [5, 102n]])).map((v) => v.kind)).to.deep.equal(["no-honest-observations"]);
      expect(checker.counts).to.include({ checked: 6, safetyViolations: 5, forgedObservations: 1, duplicateReports: 0 });
    });

    it("counts transmissions of unattested reports and of forged observations, and honest leaders' unsigned forwards and unattested finals", function () {
      const checker = new InvariantChecker(truth(), { f: 2 });
      const transmission = { transmitter: 3, configDigestHex: DIGEST, epoch: 2, round: 1, observers: HONEST.map(([o]) => o), observations: HONEST.map(([, v]) => v) };
      expect(checker.checkTransmission({ ...transmission, signerIndices: [0, 1, 2] })).to.deep.equal([]);
      expect(checker.checkTransmission({ ...transmission, signerIndices: [0, 1] }).map((v) => v.kind)).to.deep.equal(["unattested-transmit"]);
      expect(checker.checkTransmission({ ...transmission, signerIndices: [0, 1, 1] }).map((v) => v.kind)).to.deep.equal(["unattested-transmit"]);
      expect(checker.checkTransmission({ ...transmission, signerIndices: [0, -1, 2] }).map((v) => v.kind)).to.deep.equal(["unattested-transmit"]);
      const forgedValues = [100n, 101n, 103n, 103n, 104n];
      expect(checker.checkTransmission({ ...transmission, observations: forgedValues, signerIndices: [0, 1, 2] }).map((v) => v.kind)).to.deep.equal(["forged-observation"]);
      const where = { configDigestHex: DIGEST, epoch: 2, round: 1, leader: 0 };
      expect(checker.checkForwardedObservations({ ...where, unsignedObservers: [] })).to.deep.equal([]);
      expect(checker.checkForwardedObservations({ ...where, unsignedObservers: [4] }).map((v) => v.kind)).to.deep.equal(["unsigned-observation-forwarded"]);
      expect(checker.checkFinal({ ...where, signerIndices: [0, 1, 2] })).to.deep.equal([]);
      expect(checker.checkFinal({ ...where, signerIndices: [0, 1, -1] }).map((v) => v.kind)).to.deep.equal(["unattested-final"]);
      expect(checker.counts).to.include({ transmissionsChecked: 5, safetyViolations: 6, forgedObservations: 1 });
    });

    it("counts a duplicate (epoch, round), a round that does not increase, a round id gap and an answer that is not the median", function () {
      const checker = new InvariantChecker(truth());
      expect(checker.check(report(1, 2, 2, HONEST))).to.deep.equal([]);
      expect(checker.check(report(2, 2, 2, HONEST)).map((v) => v.kind)).to.deep.equal(["duplicate"]);
      expect(checker.check(report(3, 2, 1, HONEST)).map((v) => v.kind)).to.deep.equal(["not-increasing"]);
      expect(checker.check(report(5, 3, 1, HONEST)).map((v) => v.kind)).to.deep.equal(["round-id-gap"]);
      expect(checker.check(report(6, 3, 2, HONEST, 101n)).map((v) => v.kind)).to.deep.equal(["answer-not-median"]);
      expect(checker.counts).to.include({ checked: 5, safetyViolations: 3, duplicateReports: 1 });
    });

    it("rewinds a reorg: the reports after the snapshot are forgotten and may land once more", function () {
      const checker = new InvariantChecker(truth());
      checker.check(report(1, 1, 1, HONEST));
      checker.check(report(2, 1, 2, HONEST));
      checker.check(report(3, 1, 3, HONEST));
      expect(checker.rewind(1)).to.equal(2);
      expect(checker.latestRoundId).to.equal(1);
      // (1, 2) re-lands on the new chain as aggregator round 2: not a duplicate there.
      expect(checker.check(report(2, 1, 2, HONEST))).to.deep.equal([]);
      expect(checker.check(report(3, 2, 1, HONEST))).to.deep.equal([]);
      expect(checker.counts).to.include({ checked: 5, safetyViolations: 0, duplicateReports: 0 });
    });

    it("recomputes honest observations from the market and the fault record, never from the committee", function () {
      const market = soakMarket("ledger");
      const ledger = new HonestyLedger(market);
      expect(ledger.expected(DIGEST, 3, 1, 4)).to.equal(market.valueOf(3, 1, 4));
      // Oracle 4 lies from its epoch 5 to its epoch 7: its values there are not judged.
      ledger.markFaulty(4, DIGEST, 5);
      expect(ledger.expected(DIGEST, 9, 2, 4)).to.equal(null);
      ledger.markHonest(4, 7);
      expect([4, 5, 6, 7, 8].map((e) => ledger.expected(DIGEST, e, 1, 4) === null)).to.deep.equal([false, true, true, true, false]);
      // Another config's epochs are another matter; a fault lasting over a config change carries over.
      expect(ledger.expected("0x" + "cd".repeat(16), 6, 1, 4)).to.equal(market.valueOf(6, 1, 4));
      ledger.markFaulty(2, DIGEST, 1);
      ledger.configChanged("0x" + "cd".repeat(16));
      expect(ledger.expected("0x" + "cd".repeat(16), 0, 1, 2)).to.equal(null);
      // The market is a pure function: the same value whenever asked, different oracles differ.
      expect(market.valueOf(8, 2, 1)).to.equal(soakMarket("ledger").valueOf(8, 2, 1));
      expect(market.valueOf(8, 2, 1)).to.not.equal(market.valueOf(8, 2, 2));
    });

    it("deviation mode: judges each report due or not and each deviation and heartbeat owed, on its own arithmetic", function () {
      const alpha = 10_000_000n; // 1 %
      const judge = new DeviationJudge(alpha, 8000, (chainMs) => chainMs);
      const landed = (epoch: number, round: number, answer: bigint, timestampSec: number, landedAtMs: number) => ({ configDigestHex: DIGEST, epoch, round, answer, timestampSec, landedAtMs });
      expect(movedMoreThan(1000n, 1011n, alpha)).to.equal(true);
      expect(movedMoreThan(1000n, 1010n, alpha)).to.equal(false);
      expect(judge.onReport(landed(1, 1, 1000n, 100, 100_000))).to.deep.equal([]);
      // Moved 5 %: due by deviation.
      judge.roundStarted(1, 2, 101_000);
      expect(judge.onReport(landed(1, 2, 1050n, 101, 101_500))).to.deep.equal([]);
      // Moved 0.5 %, 2 s later: not due.
      judge.roundStarted(1, 3, 102_000);
      expect(judge.onReport(landed(1, 3, 1055n, 103, 103_000)).map((v) => v.kind)).to.deep.equal(["report-not-due"]);
      // Same move 9 s later: the heartbeat had expired.
      judge.roundStarted(2, 1, 111_000);
      expect(judge.onReport(landed(2, 1, 1056n, 112, 112_000))).to.deep.equal([]);
      // A round started before the last report landed may have decided against the one before it.
      judge.roundStarted(2, 2, 112_500);
      judge.roundStarted(2, 3, 111_500);
      expect(judge.onReport(landed(2, 2, 1200n, 113, 113_000))).to.deep.equal([]);
      expect(judge.onReport(landed(2, 3, 1200n, 113, 113_100))).to.deep.equal([]);
      expect(judge.counts).to.include({ reportsJudged: 6, dueByDeviation: 3, dueByHeartbeat: 1 });
      // An honest round whose observations all moved past alpha owes a report within the bound.
      judge.honestRoundStarted(3, 1, 120_000, [1300n, 1301n, 1299n], 2000);
      expect(judge.overdue(121_000)).to.deep.equal([]);
      expect(judge.overdue(122_001).map((v) => v.kind)).to.deep.equal(["deviation-not-reported"]);
      // Observations within alpha owe nothing; the heartbeat does, once it expires.
      judge.honestRoundStarted(3, 2, 123_000, [1201n, 1199n], 2000);
      judge.heartbeatOwed(123_000, 2000);
      expect(judge.overdue(124_000)).to.deep.equal([]);
      // It expired at 121 s, before this step began (123 s): owed by the step's start plus the bound.
      expect(judge.overdue(125_001).map((v) => v.kind)).to.deep.equal(["heartbeat-not-reported"]);
    });

    it("plans at most f faulty oracles, mild networks, f + 1 down in overload steps, and every kind in the first deck", function () {
      const plans = planSteps(SEED, 600);
      for (const plan of plans) {
        const where = `step ${plan.step}`;
        const faulty = plan.active.map((fa) => fa.oracle);
        expect(new Set(faulty).size, where).to.equal(faulty.length);
        expect(faulty.length, where).to.be.at.most(2);
        if (plan.overload === null) for (const started of plan.started) expect(faulty, where).to.include(started.oracle);
        expect(maxHopMs(combinedLinkBehaviour(plan.network)), where).to.be.at.most(MAX_HOP_MS);
        const loss = Math.max(0, ...plan.network.map((nf) => nf.behaviour.lossRate ?? 0));
        expect(loss, where).to.be.at.most(0.1);
        // Loss with f faulty only light (at most 1.5 %), and then with one more lost epoch allowed.
        if (loss > 0 && faulty.length >= 2) {
          expect(loss, where).to.be.at.most(0.015);
          expect(plan.lossyEpochs, where).to.equal(3);
        }
        if (plan.overload !== null) {
          expect(new Set(plan.overload).size, where).to.equal(3);
          expect(plan.active, where).to.deep.equal([]);
        }
        // A slow sender is slow enough that the rounds it leads cannot finish in DeltaRound.
        for (const fault of plan.started) if (fault.kind === "network:slow") expect(fault.delayMs, where).to.be.at.least(550);
        // Overload Byzantine oracles never forge (beyond f, f + 1 forgers could attest a forgery).
        if (plan.overloadKind === "overload:byzantine") for (const fault of plan.started) expect(fault.behaviour, where).to.not.match(/forging|wrong|equivocating/);
      }
      const firstDeck = new Set(plans.slice(0, ALL_FAULT_KINDS.length).map((p) => p.primary));
      for (const kind of ALL_FAULT_KINDS) expect(firstDeck.has(kind), kind).to.equal(true);
      const overloads = plans.filter((p) => p.overload !== null).length;
      expect(overloads / plans.length).to.be.within(0.02, 0.06);
      // A reorg overlaps interval mining somewhere, and pairs take two oracles.
      expect(plans.some((p) => p.snapshotBefore && p.intervalMiningMs !== null)).to.equal(true);
      for (const p of plans.filter((q) => q.primary === "byzantine:pair")) expect(p.started.length, `step ${p.step}`).to.equal(2);
    });

    it("ends every oracle fault it starts: what the plan says is active is what its starts and ends leave", function () {
      // probe-19, -23 and -34 once lost the end of a fault whose oracle a forging leader took over
      // in the next step (steps 512, 1145, 1270): the oracle then stayed cut off for good.
      for (const seed of [SEED, "S", "soak", "probe-19", "probe-23", "probe-34"]) {
        const active = new Map<number, string>();
        for (const plan of planSteps(seed, 2000)) {
          const where = `${seed} step ${plan.step}`;
          for (const fault of plan.ended) {
            expect(active.get(fault.oracle), where).to.equal(fault.kind);
            active.delete(fault.oracle);
          }
          if (plan.overload !== null) {
            expect(active.size, where).to.equal(0);
            continue;
          }
          for (const fault of plan.started) {
            expect(active.has(fault.oracle), where).to.equal(false);
            active.set(fault.oracle, fault.kind);
          }
          expect([...active.entries()].sort(), where).to.deep.equal(plan.active.map((fa) => [fa.oracle, fa.kind]).sort());
        }
      }
    });

    it("replays the plan for a seed and draws another one for another seed", function () {
      expect(planSteps(SEED, 200)).to.deep.equal(planSteps(SEED, 200));
      expect(planSteps("another seed", 200)).to.not.deep.equal(planSteps(SEED, 200));
    });

    it("derives the step bound from the timings: faulty leaders, failing transmitters, catch-up and loss each cost their share", function () {
      const base = { timing: TIMING, hopMs: 50, faultyLeaderRun: 0, failingTransmitters: 0, catchingUp: false, lossyEpochs: 0 };
      // Next round (DeltaRound + 2 hops), then DeltaGrace and six hops.
      expect(stepBoundMs(base)).to.equal(1000 + 100 + 500 + 300);
      expect(stepBoundMs({ ...base, faultyLeaderRun: 2 }) - stepBoundMs(base)).to.equal(2 * (2000 + 150));
      expect(stepBoundMs({ ...base, failingTransmitters: 3 }) - stepBoundMs(base)).to.equal(3 * 2000);
      expect(stepBoundMs({ ...base, catchingUp: true }) - stepBoundMs(base)).to.equal(1000 + 100);
      expect(stepBoundMs({ ...base, lossyEpochs: 1 }) - stepBoundMs(base)).to.equal(2000 + 150);
    });

    it("counts the run of faulty leaders from the current epoch or the next one", function () {
      const key = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
      const leader = (e: number) => leaderForEpoch(key, e, 7);
      expect(faultyLeaderRun({ leaderSelectionKey: key, n: 7, fromEpoch: 5, faulty: new Set() })).to.equal(0);
      const run = faultyLeaderRun({ leaderSelectionKey: key, n: 7, fromEpoch: 5, faulty: new Set([leader(5), leader(6)]) });
      expect(run).to.be.at.least(2);
      expect(faultyLeaderRun({ leaderSelectionKey: key, n: 7, fromEpoch: 5, faulty: new Set([leader(6)]) })).to.be.at.least(1);
      // Epoch 8's leader leads none of epochs 5-7: it counts only with a lookahead of 3 (lost epochs).
      expect([leader(5), leader(6), leader(7)]).to.not.include(leader(8));
      const later = new Set([leader(8)]);
      expect(faultyLeaderRun({ leaderSelectionKey: key, n: 7, fromEpoch: 5, faulty: later })).to.equal(0);
      expect(faultyLeaderRun({ leaderSelectionKey: key, n: 7, fromEpoch: 5, faulty: later, lookahead: 3 })).to.be.at.least(1);
      expect(faultyLeaderRun({ leaderSelectionKey: key, n: 7, fromEpoch: 5, faulty: new Set([0, 1, 2, 3, 4, 5, 6]), cap: 10 })).to.equal(10);
    });
  });

  describe(`on chain: ${ROUNDS} seeded steps of a (7, 2) committee on the Hardhat chain`, function () {
    this.timeout(120_000);
    let result: SoakResult;
    before(async function () {
      result = await runSoak({ rounds: ROUNDS, seed: SEED });
    });

    it("finds no safety, duplicate, liveness or overload violation, and keeps reporting", function () {
      expect(result.violations).to.deep.equal([]);
      expect(result.livenessFailures).to.deep.equal([]);
      expect(result.safetyViolations).to.equal(0);
      expect(result.duplicateReports).to.equal(0);
      expect(result.livenessViolations).to.equal(0);
      expect(result.overloadViolations).to.equal(0);
      expect(result.rounds).to.equal(ROUNDS);
      expect(result.livenessChecks).to.equal(ROUNDS);
      // Every step but the overload ones lands at least one report; reorgs take some back.
      expect(result.reports).to.be.at.least(ROUNDS - result.overloadSteps - result.effects.reorgedReports);
      expect(result.maxLatencyMs).to.be.greaterThan(0).and.at.most(result.maxBoundMs);
    });

    it("injected every fault kind", function () {
      for (const kind of ALL_FAULT_KINDS) expect(result.faultsInjected[kind] ?? 0, kind).to.be.greaterThan(0);
    });

    it("saw every fault category take effect", function () {
      const e = result.effects;
      expect(e.crashes, "oracles crashed").to.be.greaterThan(0);
      expect(e.restarts, "oracles restarted").to.be.greaterThan(0);
      expect(e.byzantineActs, "Byzantine oracles acted").to.be.greaterThan(0);
      expect(e.lyingObservations, "liars observed").to.be.greaterThan(0);
      expect(e.dataSourceErrors, "data sources failed").to.be.greaterThan(0);
      expect(e.dataSourceTimeouts, "data sources timed out").to.be.greaterThan(0);
      expect(e.networkLost, "messages lost").to.be.greaterThan(0);
      expect(e.networkDuplicated, "messages duplicated").to.be.greaterThan(0);
      expect(e.networkPartitioned, "messages cut by a partition").to.be.greaterThan(0);
      expect(e.revertedOnChain, "transmits reverted on chain").to.be.greaterThan(0);
      expect(e.droppedTransmits, "transmits dropped").to.be.greaterThan(0);
      expect(e.minedByInterval, "reports mined by the interval miner").to.be.greaterThan(0);
      expect(result.reorgs, "reorgs").to.be.greaterThan(0);
      expect(e.reorgedReports, "reports taken back by a reorg").to.be.greaterThan(0);
      expect(result.overloadSteps, "overload steps").to.be.greaterThan(0);
      expect(e.progressTimeouts, "epochs abandoned after DeltaProgress").to.be.greaterThan(0);
      expect(e.networkCutOneWay, "messages lost to one-way cuts").to.be.greaterThan(0);
      expect(e.networkDelayed, "messages of slow senders delayed").to.be.greaterThan(0);
      expect(e.failedReads, "chain reads failed").to.be.greaterThan(0);
      expect(e.reportsWithoutLink, "reports landed with the aggregator's LINK withdrawn").to.be.greaterThan(0);
      expect(result.transmissionsChecked, "honest transmissions judged").to.be.greaterThan(0);
    });
  });

  describe(`deviation mode: ${DEVIATION_ROUNDS} seeded steps with alpha 1 % and an 8 s heartbeat`, function () {
    this.timeout(120_000);
    it("finds every report due and every due report in time, with reports due both ways", async function () {
      const result = await runSoak({ rounds: DEVIATION_ROUNDS, seed: SEED, deviation: { alphaPPB: 10_000_000n, heartbeatMs: 8000 } });
      expect(result.violations).to.deep.equal([]);
      expect(result.livenessFailures).to.deep.equal([]);
      expect(result.safetyViolations + result.livenessViolations).to.equal(0);
      const d = result.deviation!;
      expect(d.dueByDeviation, "reports due by deviation").to.be.greaterThan(0);
      expect(d.dueByHeartbeat, "reports due by heartbeat").to.be.greaterThan(0);
      expect(d.deviationObligations, "deviations that owed a report").to.be.greaterThan(0);
      // Quiet rounds: far fewer reports than rounds.
      expect(result.reports).to.be.below(result.virtualSeconds);
    });
  });

  /**
   * Each signature check of the roles, planted as a regression that accepts everything: the
   * soak must report violations for every one (and none without, above). The forging leader,
   * forging follower and bad-signature adversaries give each check something to catch.
   */
  describe(`planted regressions: ${PLANTED_ROUNDS} seeded steps with one signature check disabled`, function () {
    this.timeout(120_000);
    const expected: Record<SignatureCheckName, ViolationKind> = {
      leaderObservation: "unsigned-observation-forwarded",
      leaderReport: "unattested-final",
      followerObservation: "forged-observation",
      followerAttestation: "unattested-transmit",
    };
    for (const check of SIGNATURE_CHECK_NAMES) {
      it(`${check} disabled: the soak reports ${expected[check]} violations`, async function () {
        const result = await runSoak({ rounds: PLANTED_ROUNDS, seed: SEED, plantedRegression: check });
        const kinds = new Set(result.violations.map((v) => v.kind));
        expect(result.safetyViolations, check).to.be.greaterThan(0);
        expect([...kinds], check).to.include(expected[check]);
        if (check === "followerObservation" || check === "followerAttestation") expect(result.forgedObservations, check).to.be.greaterThan(0);
      });
    }
  });
});
