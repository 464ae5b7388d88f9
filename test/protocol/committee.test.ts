import { expect } from "chai";

import { bytesToHex } from "../../plugin/core/bytes.js";
import { seededRandomWalk } from "../../plugin/data-sources/random-walk.js";
import { fromFunction } from "../../plugin/data-sources/simple.js";
import type { DataSource } from "../../plugin/data-sources/data-source.js";
import { VirtualClock } from "../../plugin/protocol/clock.js";
import { Committee, type CommitteeOptions } from "../../plugin/protocol/committee.js";
import { crashNextFirstScheduledTransmitter, expectObservedValuesAndMedian, expectStageOneTookOver, observedValues } from "../support/committee-trace.js";

/** A market that moves up to 3 % per round (well past alphaPPB 0.5 %), with 0.1 % oracle noise. */
function market(seed: string): DataSource {
  return seededRandomWalk({ seed, start: 200_000_000_000n, stepPPB: 30_000_000n, noisePPB: 1_000_000n });
}

function committee(n: number, f: number, options: Partial<CommitteeOptions> = {}): Committee {
  const seed = options.seed ?? `committee-${n}-${f}`;
  const shared = market(seed);
  return new Committee({ n, f, seed, dataSource: () => shared, ...options });
}

async function expectConsecutiveCorrectReports(c: Committee, reports: number): Promise<void> {
  await c.start();
  const result = await c.runUntil({ reports, virtualTimeMs: reports * 20_000 });
  expect(result.reports).to.equal(reports);
  const chain = c.fakeChain!;
  const accepted = chain.transmissions;
  expect(accepted).to.have.length(reports);
  // Normally one transaction per report: no later stage reverted with "stale report".
  expect(chain.reverts).to.deep.equal([]);
  const observed = observedValues(c.trace);
  let previous = -1n;
  accepted.forEach((t, i) => {
    expect(t.aggregatorRoundId).to.equal(i + 1);
    const epochRound = (BigInt(t.epoch) << 8n) | BigInt(t.round);
    expect(epochRound > previous, "epoch and round strictly increase").to.equal(true);
    previous = epochRound;
    expect(t.observations.length).to.be.greaterThan(2 * c.f);
    expect(t.signers).to.have.length(c.f + 1);
    expectObservedValuesAndMedian(t, observed);
  });
}

describe("Committee", function () {
  this.timeout(60_000);

  it("(4,1) produces 20 consecutive reports, each answer the median of the oracles' observations", async () => {
    await expectConsecutiveCorrectReports(committee(4, 1), 20);
  });

  it("(31,10) produces 20 consecutive reports, each answer the median of the oracles' observations", async () => {
    await expectConsecutiveCorrectReports(committee(31, 10, { config: { rMax: 10 } }), 20);
  });

  it("lands the report from the next stage one DeltaStage later when the first-scheduled transmitter is down", async () => {
    const c = committee(4, 1, {
      // Rounds slower than a stage: no later round's report can land before stage 1 sends this one.
      config: { rMax: 50, deltaStageMs: 2000, deltaRoundMs: 5000, deltaProgressMs: 20_000 },
      network: { latency: { kind: "constant", ms: 10 } },
    });
    await c.start();
    await c.runUntil({ reports: 2 });
    const crashed = crashNextFirstScheduledTransmitter(c);
    await c.runUntil({ reports: 1 });
    expect(crashed()).to.not.equal(null);
    const v = crashed()!;
    const { landed, stageOne } = expectStageOneTookOver(c, v);
    expect(landed.timeMs - stageOne.timeMs).to.equal(2000);
    // Relative to the crashed stage-0 oracle it is one DeltaStage, give or take one network hop.
    expect(Math.abs(landed.timeMs - v.atMs - 2000)).to.be.at.most(10);
    expect(c.events("transmit-attempted").filter((e) => e.epoch === v.epoch && e.round === v.round)).to.have.length(1);
  });

  it("a transmitter that crashes after scheduling restores the pending transmission and sends it on time", async () => {
    const c = committee(4, 1, {
      config: { rMax: 50, deltaStageMs: 2000 },
      network: { latency: { kind: "constant", ms: 10 } },
    });
    await c.start();
    await c.runUntil({ reports: 2 });
    let target: { epoch: number; round: number } | null = null;
    let stageOne: { oracle: number; dueMs: number } | null = null;
    c.onTrace((e) => {
      if (e.type !== "transmission-scheduled") return;
      target ??= { epoch: e.epoch, round: e.round };
      if (e.epoch !== target.epoch || e.round !== target.round) return;
      if (e.stage === 0) {
        c.fakeChain!.dropNextTransmit(c.keys[e.oracle].transmitterAddress); // stage 0's tx is lost
      } else if (e.stage === 1) {
        stageOne = { oracle: e.oracle, dueMs: e.timeMs + e.delayMs };
        c.takeDown(e.oracle);
        c.clock.setTimer(500, () => c.bringUp(e.oracle));
      }
    });
    await c.runUntil({ until: () => c.fakeChain!.transmissions.some((t) => t.epoch === target?.epoch && t.round === target?.round), virtualTimeMs: 10_000 });
    expect(stageOne).to.not.equal(null);
    const landed = c.events("transmit-landed").find((e) => e.epoch === target!.epoch && e.round === target!.round)!;
    expect(landed.oracle).to.equal(stageOne!.oracle);
    expect(landed.stage).to.equal(1);
    expect(landed.timeMs).to.equal(stageOne!.dueMs);
  });

  it("moves to a new epoch within DeltaProgress when the leader goes down, and reports again", async () => {
    const deltaProgressMs = 2000;
    const maxLatencyMs = 50;
    const c = committee(4, 1, {
      config: { rMax: 50, deltaProgressMs },
      network: { latency: { kind: "uniform", minMs: 5, maxMs: maxLatencyMs } },
    });
    await c.start();
    await c.runUntil({ reports: 2 });
    const before = c.currentLeader()!;
    const downAt = c.clock.now();
    c.takeDown(before.leader);
    const newEpoch = () => c.events("epoch-start").find((e) => e.epoch > before.epoch && e.timeMs >= downAt);
    await c.runUntil({ until: () => newEpoch() !== undefined, virtualTimeMs: 10_000 });
    const switched = newEpoch()!;
    expect(switched, "a new epoch started").to.not.equal(undefined);
    expect(switched.timeMs - downAt).to.be.at.most(deltaProgressMs + maxLatencyMs);
    expect(c.events("progress-timeout").some((e) => e.timeMs >= downAt)).to.equal(true);
    const after = await c.runUntil({ reports: 3, virtualTimeMs: 30_000 });
    expect(after.reports).to.equal(3);
    expect(c.fakeChain!.transmissions.at(-1)!.epoch).to.be.greaterThan(before.epoch);
  });

  it("replays the same trace, message for message, from the same seed (and a different one from another seed)", async () => {
    const run = async (seed: string) => {
      const c = committee(4, 1, {
        seed,
        network: {
          latency: { kind: "exponential", minMs: 5, meanExtraMs: 40 },
          lossRate: 0.05, duplicateRate: 0.05, reorderRate: 0.1, reorderWindowMs: 200,
        },
      });
      await c.start();
      await c.runUntil({ reports: 8, virtualTimeMs: 120_000 });
      return { trace: c.formatTrace(), stats: { ...c.network.stats } };
    };
    const a = await run("determinism");
    const b = await run("determinism");
    expect(a.trace.length).to.be.greaterThan(100);
    expect(b.trace).to.deep.equal(a.trace);
    expect(b.stats).to.deep.equal(a.stats);
    expect(a.stats.lost).to.be.greaterThan(0);
    const other = await run("determinism-2");
    expect(other.trace).to.not.deep.equal(a.trace);
  });

  it("keeps reporting over a lossy, duplicating, reordering network", async () => {
    const c = committee(7, 2, {
      network: {
        latency: { kind: "uniform", minMs: 5, maxMs: 80 },
        lossRate: 0.1, duplicateRate: 0.1, reorderRate: 0.2, reorderWindowMs: 300,
      },
    });
    await c.start();
    const result = await c.runUntil({ reports: 10, virtualTimeMs: 120_000 });
    expect(result.reports).to.equal(10);
    expect(c.network.stats.lost).to.be.greaterThan(0);
    expect(c.network.stats.duplicated).to.be.greaterThan(0);
  });

  it("reports without oracles whose data source throws or never answers, and never crashes", async () => {
    const clock = new VirtualClock({ seed: "sources", realTimeCapMs: 100 });
    const c = committee(4, 1, {
      clock,
      config: { rMax: 50 },
      localConfig: { dataSourceTimeoutMs: 400, dataSourceGracePeriodMs: 50, blockchainTimeoutMs: 1000, devMode: true },
    });
    c.setDataSource(0, fromFunction(() => { throw new Error("feed offline"); }));
    c.setDataSource(1, fromFunction(() => new Promise<bigint>(() => {}))); // hangs for ever
    const slow = market("slow");
    // Takes 10 s of virtual time: past DataSourceTimeout + grace, so it counts as a timeout.
    c.setDataSource(2, { kind: "slow", observe: async (r) => { await clock.sleep(10_000); return slow.observe(r); } });
    await c.start();
    // Only 1 of 4 oracles observes: no report can be made (needs > 2f = 2 observations).
    await c.runUntil({ virtualTimeMs: 15_000 });
    expect(c.fakeChain!.transmissions).to.have.length(0);
    const errors = c.events("observation").filter((e) => e.value === null).map((e) => `${e.oracle}:${e.error}`);
    expect(errors.some((e) => e.startsWith("0:feed offline"))).to.equal(true);
    expect(errors.some((e) => e.startsWith("1:") && e.includes("timed out"))).to.equal(true);
    expect(errors.some((e) => e.startsWith("2:") && e.includes("timed out"))).to.equal(true);
    // One healthy source again is enough for 2f+1 = 3.
    c.setDataSource(0, market("recovered"));
    c.setDataSource(2, market("recovered-2"));
    const result = await c.runUntil({ reports: 2, virtualTimeMs: 60_000 });
    expect(result.reports).to.equal(2);
    for (const t of c.fakeChain!.transmissions) expect(t.observers).to.not.include(1);
  });

  it("a restarted oracle resumes its epoch from its database and takes part again", async () => {
    const c = committee(4, 1, { config: { rMax: 2 } });
    await c.start();
    await c.runUntil({ reports: 3 });
    const leader = c.currentLeader()!.leader;
    const victim = (leader + 1) % 4;
    c.takeDown(victim);
    await c.runUntil({ reports: 4 });
    const epochBeforeRestart = c.currentLeader()!.epoch;
    c.bringUp(victim);
    await c.runUntil({ virtualTimeMs: 1 });
    const resumed = c.events("epoch-start").filter((e) => e.oracle === victim).at(-1)!;
    expect(resumed.epoch, "does not start over at epoch 1").to.be.greaterThan(1);
    await c.runUntil({ reports: 6, virtualTimeMs: 60_000 });
    expect(c.oracle(victim)!.epoch).to.be.at.least(epochBeforeRestart);
    const later = c.fakeChain!.transmissions.slice(-3);
    expect(later.some((t) => t.observers.includes(victim))).to.equal(true);
  });

  it("survives a partition of f oracles and recovers a minority that rejoins", async () => {
    const c = committee(4, 1, { config: { rMax: 50 } });
    await c.start();
    await c.runUntil({ reports: 1 });
    const leader = c.currentLeader()!.leader;
    c.network.isolate([(leader + 1) % 4]);
    expect((await c.runUntil({ reports: 3, virtualTimeMs: 30_000 })).reports).to.equal(3);
    c.network.heal();
    expect((await c.runUntil({ reports: 3, virtualTimeMs: 30_000 })).reports).to.equal(3);
  });

  it("switches to a new config set on chain and reports under its digest", async () => {
    const c = committee(4, 1, { config: { rMax: 50 } });
    await c.start();
    await c.runUntil({ reports: 2 });
    const oldDigest = bytesToHex(c.fakeChain!.latestConfigDigest!);
    await c.setConfig({ rMax: 50, alphaPPB: 1_000_000n });
    const newDigest = bytesToHex(c.fakeChain!.latestConfigDigest!);
    expect(newDigest).to.not.equal(oldDigest);
    await c.runUntil({ reports: 2, virtualTimeMs: 30_000 });
    const last = c.fakeChain!.transmissions.at(-1)!;
    expect(bytesToHex(last.configDigest)).to.equal(newDigest);
  });
});
