/**
 * One OCR2 epoch at (n, f) = (4, 1) with every role wired together by a synchronous in-test
 * router and the real median plugin answering the plugin calls: what a committee does, checked
 * at the level of the report the contract would receive, without a network, a clock or a chain.
 * Timers do not run by themselves here; a test fires the one it means.
 */
import { expect } from "chai";

import { decodeOcr2Report, recoverOcr2ReportSigner } from "../../../plugin/core/ocr2/report.js";
import type { Ocr2ProtocolMessage } from "../../../plugin/protocol/ocr2/messages.js";
import { type MedianChainReadings, type MedianPluginContext, MEDIAN_QUERY, MedianReportAcceptance, medianObservation, medianReport } from "../../../plugin/protocol/ocr2/median-plugin.js";
import { type Ocr2FinalizationOutput, type Ocr2FinalizedReport, Ocr2ReportFinalization } from "../../../plugin/protocol/ocr2/report-finalization.js";
import { type Ocr2FollowerOutput, Ocr2ReportGenerationFollower } from "../../../plugin/protocol/ocr2/report-generation-follower.js";
import { type Ocr2LeaderOutput, Ocr2ReportGenerationLeader } from "../../../plugin/protocol/ocr2/report-generation-leader.js";
import { DIGEST, EPOCH, F, N, followerConfig, generationConfig, keys } from "./ocr2-support.js";

const LEADER = 2;
const JUELS = 133n * 10n ** 18n;
const PLUGIN: MedianPluginContext = {
  configDigest: DIGEST,
  n: N,
  f: F,
  config: { alphaReportPPB: 5_000_000n, alphaAcceptPPB: 5_000_000n, deltaCMs: 86_400_000 },
  bounds: { min: 1n, max: 10n ** 15n },
};

interface Scenario {
  /** Each oracle's data-source value (null: the source fails). */
  values: (bigint | null)[];
  /** Each oracle's clock, ms. */
  clocksMs: number[];
  /** What latestTransmissionDetails returns. */
  chain: MedianChainReadings;
  /** Oracles that neither send nor receive. */
  down?: number[];
  /** Drop a message (after the sender emitted it). */
  drop?: (from: number, to: number, message: Ocr2ProtocolMessage) => boolean;
}

class Round {
  readonly queue: (() => void)[] = [];
  readonly leader: Ocr2ReportGenerationLeader;
  readonly followers: Ocr2ReportGenerationFollower[];
  readonly finalizations: Ocr2ReportFinalization[];
  readonly transmitted: Ocr2FinalizedReport[][] = Array.from({ length: N }, () => []);
  readonly progress = Array(N).fill(0);
  readonly armed = new Set<string>();
  readonly delivered: { from: number; to: number; type: string }[] = [];

  constructor(private readonly s: Scenario) {
    this.leader = new Ocr2ReportGenerationLeader(generationConfig(), EPOCH, (o) => this.onLeaderOutput(o));
    this.followers = keys.map((_, i) => new Ocr2ReportGenerationFollower(followerConfig(i), EPOCH, LEADER, (o) => this.onFollowerOutput(i, o)));
    this.finalizations = keys.map((_, i) => {
      const c = generationConfig();
      return new Ocr2ReportFinalization(
        { configDigest: DIGEST, rMax: c.rMax, deltaRoundMs: c.deltaRoundMs, reportQuorum: c.reportQuorum, signerAddresses: c.signerAddresses, maxReportLength: c.limits.maxReportLength },
        (o) => this.onFinalizationOutput(i, o),
      );
    });
  }

  private isDown(i: number): boolean {
    return this.s.down?.includes(i) ?? false;
  }

  private send(from: number, to: number, message: Ocr2ProtocolMessage): void {
    if (this.isDown(from) || this.isDown(to) || this.s.drop?.(from, to, message)) return;
    this.queue.push(() => {
      this.delivered.push({ from, to, type: message.type });
      this.deliver(from, to, message);
    });
  }

  private deliver(from: number, to: number, m: Ocr2ProtocolMessage): void {
    switch (m.type) {
      case "observe-req": return this.followers[to].onObserveReq(from, m);
      case "observe": return to === LEADER ? this.leader.onObserve(from, m) : undefined;
      case "report-req": return this.followers[to].onReportReq(from, m);
      case "report": return to === LEADER ? this.leader.onReport(from, m) : undefined;
      case "final": return this.followers[to].onFinal(from, m);
      case "final-echo": return this.finalizations[to].onFinalEcho(from, m);
      case "newepoch": return;
    }
  }

  private common(from: number, role: string, o: Ocr2LeaderOutput | Ocr2FollowerOutput | Ocr2FinalizationOutput): boolean {
    switch (o.kind) {
      case "send": this.send(from, o.to, o.message); return true;
      case "broadcast": for (let to = 0; to < N; to++) this.send(from, to, o.message); return true;
      case "set-timer": this.armed.add(`${from}:${role}:${o.timer}`); return true;
      case "cancel-timer": this.armed.delete(`${from}:${role}:${o.timer}`); return true;
      case "trace": return true;
      default: return false;
    }
  }

  private onLeaderOutput(o: Ocr2LeaderOutput): void {
    if (this.common(LEADER, "leader", o)) return;
    if (o.kind === "request-query") this.queue.push(() => this.leader.onQuery(o.epoch, o.round, MEDIAN_QUERY));
  }

  private onFollowerOutput(i: number, o: Ocr2FollowerOutput): void {
    if (this.common(i, "follower", o)) return;
    switch (o.kind) {
      case "request-observation": {
        const value = this.s.values[i];
        const observation = medianObservation({ query: o.query, value, juelsPerFeeCoin: JUELS, nowMs: this.s.clocksMs[i] });
        this.queue.push(() => this.followers[i].onObservation(o.epoch, o.round, observation));
        return;
      }
      case "request-report": {
        const outcome = medianReport({ context: PLUGIN, query: o.query, observations: o.observations, chain: this.s.chain, nowMs: 1_700_000_100_000 });
        const decision = outcome.report ? { shouldReport: true as const, report: outcome.bytes } : { shouldReport: false as const, reason: outcome.reason };
        this.queue.push(() => this.followers[i].onReportDecision(o.epoch, o.round, decision));
        return;
      }
      case "final-checked": this.queue.push(() => this.finalizations[i].onCheckedFinal(o.final)); return;
      case "progress": this.progress[i]++; return;
      case "change-leader": return;
    }
  }

  private onFinalizationOutput(i: number, o: Ocr2FinalizationOutput): void {
    if (this.common(i, "finalization", o)) return;
    if (o.kind === "transmit-event") this.transmitted[i].push(o);
  }

  /** Run every queued delivery and plugin answer until nothing is left (bounded). */
  settle(): void {
    for (let steps = 0; this.queue.length > 0; steps++) {
      if (steps > 10_000) throw new Error("the round did not settle");
      this.queue.shift()!();
    }
  }

  fire(oracle: number, role: "leader" | "follower", timer: string): void {
    const key = `${oracle}:${role}:${timer}`;
    if (!this.armed.delete(key)) throw new Error(`timer ${key} is not armed`);
    if (role === "leader") this.leader.onTimer(timer as "grace" | "round" | "query");
    else this.followers[oracle].onTimer(timer as "observation" | "report");
    this.settle();
  }

  start(): void {
    if (!this.isDown(LEADER)) this.leader.start();
    this.settle();
  }
}

const CLOCKS = [1_700_000_010_500, 1_700_000_012_000, 1_700_000_011_900, 1_700_000_013_000];
const INITIAL: MedianChainReadings = {
  details: { configDigest: DIGEST, epoch: 0, round: 0, latestAnswer: 0n, latestTimestamp: 0n },
  roundRequest: null,
};

describe("OCR2 report generation at (4, 1), all roles with the median plugin", function () {
  it("happy path: every oracle finalizes the same report once; it carries the median, the median clock and exactly f+1 configured signers", function () {
    const round = new Round({ values: [2003n, 2001n, 2004n, 2002n], clocksMs: CLOCKS, chain: INITIAL });
    round.start();
    expect(round.armed.has(`${LEADER}:leader:grace`)).to.equal(true);
    round.fire(LEADER, "leader", "grace");

    const finalized = round.transmitted.map((t) => t.length);
    expect(finalized).to.deep.equal([1, 1, 1, 1]);
    const event = round.transmitted[0][0];
    for (const t of round.transmitted) expect(t[0]).to.deep.equal(event);
    expect(round.progress).to.deep.equal([1, 1, 1, 1]);

    const report = decodeOcr2Report(event.report);
    expect(report.observations).to.deep.equal([2001n, 2002n, 2003n, 2004n]);
    expect(report.observers).to.deep.equal([1, 3, 0, 2]);
    expect(report.observations[N >> 1]).to.equal(2003n);
    expect(report.observationsTimestamp).to.equal(1_700_000_012); // element n/2 of the sorted clocks, in seconds
    expect(report.juelsPerFeeCoin).to.equal(JUELS);

    const context = { configDigest: DIGEST, epoch: EPOCH, round: 1, extraHash: event.extraHash };
    const recovered = event.attributedSignatures.map((s) => recoverOcr2ReportSigner(event.report, context, s.signature));
    expect(recovered).to.have.length(F + 1);
    expect(new Set(recovered).size).to.equal(F + 1);
    expect(recovered).to.deep.equal(event.attributedSignatures.map((s) => keys[s.signer].signerAddress));

    const acceptance = new MedianReportAcceptance(PLUGIN);
    expect(acceptance.shouldAcceptFinalizedReport({ configDigest: DIGEST, epoch: EPOCH, round: 1 }, event.report, INITIAL!.details).accept).to.equal(true);
  });

  it("one oracle down (f): the other three still produce the report", function () {
    const round = new Round({ values: [2003n, 2001n, 2004n, 2002n], clocksMs: CLOCKS, chain: INITIAL, down: [0] });
    round.start();
    round.fire(LEADER, "leader", "grace");
    expect(round.transmitted.map((t) => t.length)).to.deep.equal([0, 1, 1, 1]);
    expect(decodeOcr2Report(round.transmitted[1][0].report).observers).to.deep.equal([1, 3, 2]);
  });

  it("too few observations (two data sources fail): the leader never sends a report-req and nothing is finalized", function () {
    const round = new Round({ values: [null, 2001n, null, 2002n], clocksMs: CLOCKS, chain: INITIAL });
    round.start();
    expect(round.armed.has(`${LEADER}:leader:grace`)).to.equal(false);
    expect(round.delivered.filter((d) => d.type === "report-req")).to.have.length(0);
    expect(round.transmitted.flat()).to.have.length(0);
    expect(round.progress).to.deep.equal([0, 0, 0, 0]);
  });

  it("a lost final: the oracle it missed still finalizes from another oracle's echo", function () {
    const round = new Round({
      values: [2003n, 2001n, 2004n, 2002n],
      clocksMs: CLOCKS,
      chain: INITIAL,
      drop: (from, to, m) => m.type === "final" && to === 0,
    });
    round.start();
    round.fire(LEADER, "leader", "grace");
    expect(round.transmitted.map((t) => t.length)).to.deep.equal([1, 1, 1, 1]);
    expect(round.progress).to.deep.equal([0, 1, 1, 1]); // oracle 0's generation never saw the round complete
  });

  it("nothing to report: every follower skips, the round completes without a final, and the next round may start", function () {
    const upToDate: MedianChainReadings = {
      details: { configDigest: DIGEST, epoch: 1, round: 1, latestAnswer: 2002n, latestTimestamp: 1_700_000_000n },
      roundRequest: null,
    };
    const round = new Round({ values: [2003n, 2001n, 2004n, 2002n], clocksMs: CLOCKS, chain: upToDate });
    round.start();
    round.fire(LEADER, "leader", "grace");
    expect(round.delivered.filter((d) => d.type === "final")).to.have.length(0);
    expect(round.transmitted.flat()).to.have.length(0);
    expect(round.progress).to.deep.equal([1, 1, 1, 1]);
    expect(round.leader.currentPhase).to.equal("final");
    round.fire(LEADER, "leader", "round");
    expect(round.leader.currentRound).to.equal(2);
  });

  it("reports from only f followers reach the leader: no quorum, no final, and the round blocks the next one", function () {
    const round = new Round({ values: [2003n, 2001n, 2004n, 2002n], clocksMs: CLOCKS, chain: INITIAL, drop: (from, to, m) => m.type === "report" && from !== 3 });
    round.start();
    round.fire(LEADER, "leader", "grace");
    expect(round.transmitted.flat()).to.have.length(0);
    expect(round.leader.currentPhase).to.equal("report");
    round.fire(LEADER, "leader", "round"); // DeltaRound alone does not start round 2 (OCR1 would have)
    expect(round.leader.currentRound).to.equal(1);
  });
});
