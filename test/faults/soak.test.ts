/**
 * The soak (issue 5): a short seeded run of `npm run soak` against the real OffchainAggregator,
 * plus off-chain checks that its parts can fail: the invariant checker counts planted
 * violations, the fault plan stays within the f bound and deals every kind, and the liveness
 * bound follows the protocol timings and the leader rotation. Without these, "zero violations"
 * would mean nothing.
 */
import { expect } from "chai";

import { leaderForEpoch } from "../../plugin/core/leader-selection.js";
import { type ProtocolTiming, faultyLeaderRun, stepBoundMs } from "../../scripts/soak/bound.js";
import { InvariantChecker, type ReportToCheck } from "../../scripts/soak/checker.js";
import { ALL_FAULT_KINDS, FaultPlanner, MAX_HOP_MS, type StepPlan, combinedLinkBehaviour, maxHopMs } from "../../scripts/soak/plan.js";
import { type SoakResult, runSoak } from "../../scripts/soak/runner.js";

const ROUNDS = 40;
const SEED = "npm-test";
const DIGEST = "0x" + "ab".repeat(16);

/** A report as the chain would log it: sorted observations, the answer their median. */
function report(aggregatorRoundId: number, epoch: number, round: number, observations: bigint[], answer?: bigint): ReportToCheck {
  const sorted = [...observations].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { aggregatorRoundId, epoch, round, configDigestHex: DIGEST, observations: sorted, answer: answer ?? sorted[sorted.length >> 1] };
}

/** A checker that saw honest observations 100..104 in each of the given rounds. */
function checkerWithHonestRounds(rounds: readonly [number, number][]): InvariantChecker {
  const checker = new InvariantChecker();
  for (const [epoch, round] of rounds) for (let v = 100n; v <= 104n; v++) checker.recordHonestObservation(DIGEST, epoch, round, v);
  return checker;
}

const TIMING: ProtocolTiming = { deltaProgressMs: 2000, deltaResendMs: 1000, deltaRoundMs: 1000, deltaGraceMs: 500, deltaStageMs: 2000, rMax: 3 };

function planSteps(seed: string, steps: number): StepPlan[] {
  const planner = new FaultPlanner({ n: 7, f: 2, seed });
  return Array.from({ length: steps }, (_, i) => planner.next({ leader: i % 7 }));
}

describe("soak", function () {
  describe("off chain: checker, plan and bound", function () {
    it("accepts correct reports and counts a planted answer outside the honest range", function () {
      const checker = checkerWithHonestRounds([[1, 1], [1, 2], [1, 3]]);
      expect(checker.check(report(1, 1, 1, [1n, 101n, 102n, 103n, 10n ** 30n]))).to.deep.equal([]);
      // A median of 150 is above every honest observation of (1, 2): a lie got through.
      const found = checker.check(report(2, 1, 2, [100n, 150n, 150n, 150n, 160n]));
      expect(found.map((v) => v.kind)).to.deep.equal(["outside-honest-range"]);
      expect(checker.counts).to.deep.equal({ checked: 2, safetyViolations: 1, duplicateReports: 0 });
      // A report of a round no honest oracle observed is flagged too.
      expect(checker.check(report(3, 1, 9, [100n, 101n, 102n, 103n, 104n])).map((v) => v.kind)).to.deep.equal(["no-honest-observations"]);
      expect(checker.counts.safetyViolations).to.equal(2);
    });

    it("counts a duplicate (epoch, round), a round that does not increase, a round id gap and an answer that is not the median", function () {
      const checker = checkerWithHonestRounds([[2, 1], [2, 2], [3, 1], [3, 2]]);
      expect(checker.check(report(1, 2, 2, [100n, 101n, 102n, 103n, 104n]))).to.deep.equal([]);
      expect(checker.check(report(2, 2, 2, [100n, 101n, 102n, 103n, 104n])).map((v) => v.kind)).to.deep.equal(["duplicate"]);
      expect(checker.check(report(3, 2, 1, [100n, 101n, 102n, 103n, 104n])).map((v) => v.kind)).to.deep.equal(["not-increasing"]);
      expect(checker.check(report(5, 3, 1, [100n, 101n, 102n, 103n, 104n])).map((v) => v.kind)).to.deep.equal(["round-id-gap"]);
      expect(checker.check(report(6, 3, 2, [100n, 101n, 102n, 103n, 104n], 101n)).map((v) => v.kind)).to.deep.equal(["answer-not-median"]);
      expect(checker.counts).to.deep.equal({ checked: 5, safetyViolations: 3, duplicateReports: 1 });
    });

    it("rewinds a reorg: the reports after the snapshot are forgotten and may land once more", function () {
      const checker = checkerWithHonestRounds([[1, 1], [1, 2], [1, 3], [2, 1]]);
      checker.check(report(1, 1, 1, [100n, 101n, 102n, 103n, 104n]));
      checker.check(report(2, 1, 2, [100n, 101n, 102n, 103n, 104n]));
      checker.check(report(3, 1, 3, [100n, 101n, 102n, 103n, 104n]));
      expect(checker.rewind(1)).to.equal(2);
      expect(checker.latestRoundId).to.equal(1);
      // (1, 2) re-lands on the new chain as aggregator round 2: not a duplicate there.
      expect(checker.check(report(2, 1, 2, [100n, 101n, 102n, 103n, 104n]))).to.deep.equal([]);
      expect(checker.check(report(3, 2, 1, [100n, 101n, 102n, 103n, 104n]))).to.deep.equal([]);
      expect(checker.counts).to.deep.equal({ checked: 5, safetyViolations: 0, duplicateReports: 0 });
    });

    it("plans at most f faulty oracles, mild networks, f + 1 down in overload steps, and every kind in the first deck", function () {
      const plans = planSteps(SEED, 600);
      for (const plan of plans) {
        const where = `step ${plan.step}`;
        const faulty = plan.active.map((fa) => fa.oracle);
        expect(new Set(faulty).size, where).to.equal(faulty.length);
        expect(faulty.length, where).to.be.at.most(2);
        for (const started of plan.started) expect(faulty, where).to.include(started.oracle);
        expect(maxHopMs(combinedLinkBehaviour(plan.network)), where).to.be.at.most(MAX_HOP_MS);
        const loss = Math.max(0, ...plan.network.map((nf) => nf.behaviour.lossRate ?? 0));
        expect(loss, where).to.be.at.most(0.1);
        // Loss only with a spare honest oracle.
        if (loss > 0) expect(faulty.length, where).to.be.below(2);
        if (plan.overload !== null) {
          expect(new Set(plan.overload).size, where).to.equal(3);
          expect(plan.active, where).to.deep.equal([]);
        }
        // Interval mining and a pending reorg never overlap.
        if (plan.snapshotBefore) expect(plan.intervalMiningMs, where).to.equal(null);
      }
      const firstDeck = new Set(plans.slice(0, 30).map((p) => p.primary));
      for (const kind of ALL_FAULT_KINDS) expect(firstDeck.has(kind), kind).to.equal(true);
      const overloads = plans.filter((p) => p.overload !== null).length;
      expect(overloads / plans.length).to.be.within(0.02, 0.06);
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
    });
  });
});
