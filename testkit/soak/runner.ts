/**
 * The soak loop: a (7, 2) committee on the real in-process Hardhat chain, R steps,
 * each with seeded faults within the f bound. Per step: apply the plan, run until a report
 * lands (or give up), check every new report on the chain with the invariant checker, check
 * the latency against the step's liveness bound, then move on (faults rotate by plan).
 * Overload steps take f + 1 oracles down and check that no new round reports.
 *
 * The soak's own state is bounded, so a long run does not grow it: the committee keeps a
 * bounded trace (traceLimit), the soak follows events as they happen (onTrace) and keeps only
 * bounded windows of them, and the chain is read incrementally (only blocks not read before).
 * What still grows is outside the soak: the in-process chain (EDR keeps every block) and the
 * engine's own caches; start and end figures are part of the result.
 */
import { bytesToHex, concatBytes, hexToBytes } from "../../plugin/core/bytes.js";
import { decodeReport, epochAndRound, recoverReportSigner } from "../../plugin/core/report.js";
import { sameAddress, type Address } from "../../plugin/core/address.js";
import type { PublicConfig } from "../../plugin/core/config/public-config.js";
import type { TransmitRequest } from "../../plugin/protocol/chain.js";
import { type SignatureCheckName, plantAcceptAllCheck } from "../../plugin/protocol/signature-checks.js";
import { leaderForEpoch } from "../../plugin/core/leader-selection.js";
import { Random } from "../../plugin/protocol/random.js";
import { DEFAULT_LOCAL_CONFIG } from "../../plugin/protocol/local-config.js";
import type { TraceEvent } from "../../plugin/protocol/trace.js";
import { FaultApplier } from "./apply.js";
import { type ProtocolTiming, faultyLeaderRun, stepBoundMs } from "./bound.js";
import { revertToSnapshot, setBalance, setBaseFee, spikeBaseFee, takeSnapshot } from "./chain-faults.js";
import { InvariantChecker, type TransmissionToCheck, type Violation } from "./checker.js";
import { type SoakFeed, deploySoakFeed } from "./feed.js";
import { HonestyLedger } from "./honesty.js";
import { WireFaults, tapLeaderMessages } from "./wire.js";
import { type SoakMarket, deviationMarket, soakMarket } from "./market.js";
import { DeviationJudge } from "./deviation.js";
import type { ChainReport } from "./feed.js";
import { currentRssMb, settledMemory } from "./memory.js";
import { type FaultKind, FaultPlanner, OVERLOAD_KINDS, MAX_HOP_MS, type StepPlan, combinedLinkBehaviour, maxHopMs } from "./plan.js";

export interface SoakOptions {
  readonly rounds: number;
  readonly seed: string;
  /** Committee size and fault threshold (default 7 and 2). */
  readonly n?: number;
  readonly f?: number;
  /** Called after every step (for progress output). */
  readonly onStep?: (progress: SoakProgress) => void;
  /**
   * Deviation mode: a feed with this deviation threshold and heartbeat, a market that moves past
   * it now and then, and an independent judge of every decision (see deviation.ts).
   */
  readonly deviation?: { readonly alphaPPB: bigint; readonly heartbeatMs: number };
  /**
   * Tests only (the command line has no way to set it): make every oracle skip this signature
   * check, a planted regression the soak must notice.
   */
  readonly plantedRegression?: SignatureCheckName;
}

export interface SoakProgress {
  readonly step: number;
  readonly rounds: number;
  readonly reports: number;
  readonly violations: number;
  readonly rssMb: number;
}

/** What actually happened, as opposed to what was planned (a fault can be planned and miss). */
export interface SoakEffects {
  crashes: number;
  restarts: number;
  byzantineActs: number;
  dataSourceErrors: number;
  dataSourceTimeouts: number;
  lyingObservations: number;
  networkLost: number;
  networkDuplicated: number;
  networkPartitioned: number;
  revertedOnChain: number;
  droppedTransmits: number;
  minedByInterval: number;
  reorgedReports: number;
  progressTimeouts: number;
  /** Messages lost to one-way cuts, and delayed by slow senders (the soak's wire faults). */
  networkCutOneWay: number;
  networkDelayed: number;
  /** Chain reads made to fail; transmits that failed for want of ETH. */
  failedReads: number;
  unfundedTransmits: number;
  /** Reports that landed while the aggregator's LINK was withdrawn. */
  reportsWithoutLink: number;
}

export interface LivenessFailure {
  readonly step: number;
  readonly kind: "no-report" | "over-bound" | "overload-report" | "deviation-not-reported" | "heartbeat-not-reported";
  readonly detail: string;
  readonly plan: string;
}

export interface SoakResult {
  readonly seed: string;
  readonly n: number;
  readonly f: number;
  rounds: number;
  /** Reports on the chain as it finally is. */
  reports: number;
  /** transmit-landed events, including reports a reorg later took away. */
  reportsLanded: number;
  safetyViolations: number;
  /** Of the safety violations: observations attributed to honest oracles that they did not observe. */
  forgedObservations: number;
  /** Transmit requests of honest oracles the checker judged (signatures and observations). */
  transmissionsChecked: number;
  duplicateReports: number;
  livenessViolations: number;
  /** Reports of rounds started while more than f oracles were down. */
  overloadViolations: number;
  maxLatencyMs: number;
  /** The largest liveness bound any step had, and the step bound of a fault-free step. */
  maxBoundMs: number;
  baseBoundMs: number;
  /** The smallest margin (bound − latency) of any step: how close the bound came to being broken. */
  minSlackMs: number;
  /** Steps whose latency was judged, overload steps, reorgs done. */
  livenessChecks: number;
  overloadSteps: number;
  reorgs: number;
  faultsInjected: Record<string, number>;
  effects: SoakEffects;
  virtualSeconds: number;
  wallSeconds: number;
  /** Blocks on the final chain (EDR keeps them all in memory: part of the RSS). */
  chainBlocks: number;
  rssStartMb: number;
  rssEndMb: number;
  rssPeakMb: number;
  heapStartMb: number;
  heapEndMb: number;
  /** Live JS heap (after a full collection) at every 500th step. */
  heapByStepMb: Record<string, number>;
  /** Deviation mode only: its settings and what the judge saw. */
  deviation: (DeviationJudge["counts"] & { alphaPPB: string; heartbeatMs: number }) | null;
  /** The first violations and liveness failures, in detail. */
  violations: Violation[];
  livenessFailures: LivenessFailure[];
}

/** Committee timings: the library defaults, with alphaPPB 0 so that every round is due a report. */
const CONFIG_OVERRIDES = { alphaPPB: 0n } as const;
/**
 * Kinds the deviation mode leaves out: they make reports due for reasons of their own (a failed
 * read reports anyway, a new config starts afresh), rewind the chain under the judge, or move
 * the chain's clock off the committee's; and overloads, whose recovery owes no report when
 * nothing is due. The default mode soaks all of them.
 */
const DEVIATION_MODE_EXCLUDES: readonly FaultKind[] = [
  "chain:read-failures",
  "chain:set-config",
  "chain:reorg",
  "chain:interval-mining",
  "chain:gas-spike",
  "chain:link-exhausted",
  ...OVERLOAD_KINDS,
];

/** Committee time a dropped transaction keeps its sender waiting (the blockchain timeout). */
const DROP_WAIT_MS = DEFAULT_LOCAL_CONFIG.blockchainTimeoutMs;
/** A hanging data source answers this long after the oracle gave up on it. */
const HANG_MS = DEFAULT_LOCAL_CONFIG.dataSourceTimeoutMs + DEFAULT_LOCAL_CONFIG.dataSourceGracePeriodMs + 1000;
const TRACE_LIMIT = 20_000;
/** Round starts remembered, to tell rounds begun before an overload from rounds begun during it. */
const ROUND_STARTS_KEPT = 256;
const KEEP_FAILURES = 50;

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const n = options.n ?? 7;
  const f = options.f ?? 2;
  const seed = options.seed;
  const started = performance.now();
  const market = options.deviation === undefined ? soakMarket(seed) : deviationMarket(seed, options.deviation.alphaPPB);
  let judgeTransmission: (request: TransmitRequest) => void = () => {};
  const feed = await deploySoakFeed({
    n,
    f,
    seed: `soak ${seed}`,
    dataSource: () => market.source,
    config: options.deviation === undefined ? CONFIG_OVERRIDES : { alphaPPB: options.deviation.alphaPPB, deltaCMs: options.deviation.heartbeatMs },
    traceLimit: TRACE_LIMIT,
    dropWaitMs: DROP_WAIT_MS,
    chainFollowsCommitteeTime: options.deviation !== undefined,
    onTransmit: (request) => judgeTransmission(request),
  });
  if (options.plantedRegression !== undefined) plantAcceptAllCheck(feed.committee, options.plantedRegression);
  try {
    return await soakOn(feed, { ...options, n, f, market, setTransmissionJudge: (judge) => (judgeTransmission = judge) }, started);
  } finally {
    feed.committee.stopAll();
    await feed.connection.close();
  }
}

async function soakOn(
  feed: SoakFeed,
  options: SoakOptions & {
    readonly n: number;
    readonly f: number;
    readonly market: SoakMarket;
    readonly setTransmissionJudge: (judge: (request: TransmitRequest) => void) => void;
  },
  startedAt: number,
): Promise<SoakResult> {
  const { committee, chain, clock, rpc } = feed;
  const { n, f, seed } = options;
  const result = emptyResult(seed, n, f);
  let digestHex = "";
  const ledger = new HonestyLedger(options.market);
  const checker = new InvariantChecker(ledger, { f });
  const wire = new WireFaults();
  const applier = new FaultApplier({ committee, clock, market: options.market.source, hangMs: HANG_MS, ledger, configDigestHex: () => digestHex, wire });
  const signers = committee.keys.map((k) => k.signerAddress);
  let configDigest: Uint8Array | null = null;
  tapLeaderMessages({ committee, checker, faults: wire, configDigest: () => configDigest });
  options.setTransmissionJudge((request) => {
    // What a Byzantine transmitter sends is its own business; honest ones must send attested reports.
    if (committee.byzantineBehaviours[request.transmitterIndex] !== null) return;
    checker.checkTransmission(transmissionToCheck(request, signers));
  });
  const deviation = options.deviation;
  const planner = new FaultPlanner({ n, f, seed, exclude: deviation === undefined ? [] : DEVIATION_MODE_EXCLUDES });
  const judge = deviation === undefined ? null : new DeviationJudge(deviation.alphaPPB, deviation.heartbeatMs, (chainMs) => chainMs - feed.chainOriginMs + feed.clockOriginMs);
  /** Reports read from the chain and not yet shown to the deviation judge. */
  const unjudged: ChainReport[] = [];
  /** Committee time each (epoch, round) landed (first landing), for the deviation judge. */
  const landedAt = new Map<string, number>();
  /** Rounds started during the current step: (epoch, round), time, leader. */
  let stepRoundStarts: { epoch: number; round: number; atMs: number; leader: number }[] = [];
  const readRandom = new Random(`soak reads ${seed}`);
  const count = (kind: FaultKind | string) => (result.faultsInjected[kind] = (result.faultsInjected[kind] ?? 0) + 1);
  const fail = (failure: LivenessFailure) => {
    if (result.livenessFailures.length < KEEP_FAILURES) result.livenessFailures.push(failure);
  };

  // ---- Following the trace (bounded state only) ----
  /** Set once the warm-up is over: from then on every oracle-up is a restart. */
  let soaking = false;
  const recentRoundStarts: string[] = [];
  /** During an overload by liars: rounds started then may leave the honest range. */
  let exemptRoundsStarted = false;
  let firstLandingAt: number | null = null;
  committee.onTrace((event: TraceEvent) => {
    switch (event.type) {
      case "observation":
        if (event.value === null) {
          if (event.error?.includes("timed out")) result.effects.dataSourceTimeouts++;
          else result.effects.dataSourceErrors++;
        } else if (!applier.isHonestObserver(event.oracle) && committee.byzantineBehaviours[event.oracle] === null) {
          result.effects.lyingObservations++;
        }
        return;
      case "round-start":
        if (judge !== null) {
          judge.roundStarted(event.epoch, event.round, event.timeMs);
          stepRoundStarts.push({ epoch: event.epoch, round: event.round, atMs: event.timeMs, leader: event.oracle });
        }
        if (exemptRoundsStarted) checker.exemptFromRange(digestHex, event.epoch, event.round);
        recentRoundStarts.push(`${event.epoch}:${event.round}`);
        if (recentRoundStarts.length > ROUND_STARTS_KEPT) recentRoundStarts.shift();
        return;
      case "transmit-landed":
        result.reportsLanded++;
        firstLandingAt ??= event.timeMs;
        if (judge !== null && !landedAt.has(`${event.epoch}:${event.round}`)) {
          landedAt.set(`${event.epoch}:${event.round}`, event.timeMs);
          if (landedAt.size > 1024) landedAt.delete(landedAt.keys().next().value!);
        }
        return;
      case "byzantine-act":
        result.effects.byzantineActs++;
        return;
      case "oracle-down":
        result.effects.crashes++;
        return;
      case "oracle-up":
        if (soaking) result.effects.restarts++;
        return;
      case "progress-timeout":
        result.effects.progressTimeouts++;
        return;
      default:
        return;
    }
  });

  // ---- Reading the chain incrementally ----
  let nextBlock = 0;
  const readChain = async (): Promise<{ key: string }[]> => {
    const { reports, toBlock } = await feed.reportsSince(nextBlock);
    nextBlock = toBlock + 1;
    for (const report of reports) checker.check(report);
    if (judge !== null) unjudged.push(...reports);
    return reports.map((r) => ({ key: `${r.epoch}:${r.round}` }));
  };

  // Config first, so the digest (part of every round's key) is known before anyone observes.
  await committee.setConfig();
  const config = await chain.latestConfig();
  if (config === null) throw new Error("soak: setConfig left no config on chain");
  digestHex = bytesToHex(config.configDigest);
  configDigest = config.configDigest;
  const timing = protocolTiming(committee.publicConfig!);
  await committee.start();
  const warmup = await committee.runUntil({ reports: 1, virtualTimeMs: 60_000 });
  if (warmup.reports < 1) throw new Error("soak warm-up: the fault-free committee did not report within 60 s of committee time");
  let leaderSelectionKey = committee.oracle(0)!.sharedConfig!.leaderSelectionKey;
  /** After a new config, until some oracle has adopted it: the leader rotation is not known yet. */
  let leaderKeyStale = false;
  const refreshLeaderKey = (): boolean => {
    for (let i = 0; i < n; i++) {
      const shared = committee.oracle(i)?.sharedConfig;
      if (shared !== null && shared !== undefined && bytesToHex(shared.configDigest) === digestHex) {
        leaderSelectionKey = shared.leaderSelectionKey;
        return true;
      }
    }
    return false;
  };
  await readChain();
  if (judge !== null) for (const report of unjudged.splice(0)) judge.onReport({ ...report, landedAtMs: null });
  soaking = true;

  const virtualStart = clock.now();
  const memoryStart = settledMemory();
  result.rssStartMb = memoryStart.rssMb;
  result.heapStartMb = memoryStart.heapMb;
  result.rssPeakMb = result.rssStartMb;
  result.baseBoundMs = stepBoundMs({ timing, hopMs: maxHopMs(combinedLinkBehaviour([])), faultyLeaderRun: 0, failingTransmitters: 0, catchingUp: false, lossyEpochs: 0 });

  let intervalMiningMs: number | null = null;
  let snapshot: { id: string; roundId: number; nextBlock: number } | null = null;

  for (let step = 1; step <= options.rounds; step++) {
    if (leaderKeyStale) leaderKeyStale = !refreshLeaderKey();
    const leader = committee.currentLeader();
    const nextLeader = leader === null || leaderKeyStale ? null : leaderForEpoch(leaderSelectionKey, leader.epoch + 1, n);
    const plan = planner.next({ leader: leader?.leader ?? null, nextLeader });

    // Chain mode first: transmits sent from now on follow it.
    if (plan.intervalMiningStarts) count("chain:interval-mining");
    if (plan.intervalMiningMs !== intervalMiningMs) {
      intervalMiningMs = plan.intervalMiningMs;
      feed.setIntervalMining(intervalMiningMs);
    }
    await readChain();
    if (plan.snapshotBefore) snapshot = { id: await takeSnapshot(rpc), roundId: checker.latestRoundId, nextBlock };

    for (const fault of plan.ended) applier.end(fault);
    if (plan.overload !== null) {
      await overloadStep(plan);
    } else {
      for (const fault of plan.started) {
        applier.start(fault);
        count(fault.kind);
      }
      if (plan.primary === "byzantine:pair") count("byzantine:pair");
      applier.setNetwork(plan.network);
      for (const nf of plan.network) count(nf.kind);
      if (plan.network.some((nf) => nf.kind === "network:loss") && plan.active.length >= f) count("network:loss-with-f-faulty");
      for (const fault of plan.transmitFaults) {
        chain.arm(fault);
        count(`chain:${fault}`);
      }
      if (plan.transmitFaults.length > 1) count("chain:revert-many");
      if (plan.setConfig) await newConfig();
      const undo = await applyChainFaults(plan);
      if (judge === null) await reportingStep(plan);
      else await deviationStep(plan, judge);
      chain.disarm();
      for (const step of undo.reverse()) await step();
    }

    if (plan.revertAfter && snapshot !== null) {
      await revertToSnapshot(rpc, snapshot.id);
      const forgotten = checker.rewind(snapshot.roundId);
      result.effects.reorgedReports += forgotten;
      result.reorgs++;
      count("chain:reorg");
      nextBlock = snapshot.nextBlock;
      snapshot = null;
    }

    result.rounds = step;
    // The live JS heap every 500 steps: flat once the bounded trace and caches have filled.
    if (step % 500 === 0) result.heapByStepMb[String(step)] = settledMemory().heapMb;
    const rss = currentRssMb();
    if (rss > result.rssPeakMb) result.rssPeakMb = rss;
    options.onStep?.({ step, rounds: options.rounds, reports: checker.latestRoundId, violations: violationCount(), rssMb: rss });
  }

  // ---- Wind down: automine back, everything honest, last reads ----
  feed.setIntervalMining(null);
  await readChain();
  const memoryEnd = settledMemory();
  result.rssEndMb = memoryEnd.rssMb;
  result.heapEndMb = memoryEnd.heapMb;
  await checkFinalChain();
  result.chainBlocks = await feed.provider.getBlockNumber();

  result.safetyViolations = checker.counts.safetyViolations + result.safetyViolations;
  result.duplicateReports = checker.counts.duplicateReports;
  result.forgedObservations = checker.counts.forgedObservations;
  result.transmissionsChecked = checker.counts.transmissionsChecked;
  if (judge !== null && deviation !== undefined) result.deviation = { alphaPPB: deviation.alphaPPB.toString(), heartbeatMs: deviation.heartbeatMs, ...judge.counts };
  result.violations = [...checker.violations, ...result.violations].slice(0, KEEP_FAILURES);
  result.reports = checker.latestRoundId;
  result.effects.networkLost = committee.network.stats.lost;
  result.effects.networkDuplicated = committee.network.stats.duplicated;
  result.effects.networkPartitioned = committee.network.stats.partitioned;
  result.effects.revertedOnChain = chain.effects.revertedOnChain;
  result.effects.droppedTransmits = chain.effects.dropped;
  result.effects.minedByInterval = chain.effects.minedByInterval;
  result.effects.failedReads = chain.effects.failedReads;
  result.effects.unfundedTransmits = chain.effects.unfundedTransmits;
  result.effects.networkCutOneWay = wire.stats.cutOneWay;
  result.effects.networkDelayed = wire.stats.delayed;
  result.virtualSeconds = Math.round((clock.now() - virtualStart) / 100) / 10;
  result.wallSeconds = Math.round((performance.now() - startedAt) / 100) / 10;
  return result;

  // ---------------------------------------------------------------------------------------

  /** A new config on chain mid-soak: new digest, epochs from the start, new leader rotation. */
  async function newConfig(): Promise<void> {
    await committee.setConfig();
    const latest = await chain.latestConfig();
    if (latest === null) throw new Error("soak: setConfig left no config on chain");
    digestHex = bytesToHex(latest.configDigest);
    configDigest = latest.configDigest;
    ledger.configChanged(digestHex);
    leaderKeyStale = true;
    count("chain:set-config");
  }

  /** The step's one-step chain faults; returns what undoes them after the step. */
  async function applyChainFaults(plan: StepPlan): Promise<(() => Promise<void>)[]> {
    const undo: (() => Promise<void>)[] = [];
    for (const oracle of plan.outOfEth) {
      const address = committee.keys[oracle].transmitterAddress;
      const before = await setBalance(rpc, address, 0n);
      chain.markUnfunded(address);
      undo.push(async () => {
        await setBalance(rpc, address, before);
        chain.markUnfunded(address, false);
      });
    }
    if (plan.outOfEth.length > 0) count("chain:out-of-eth");
    if (plan.linkExhausted) {
      // The owner takes every LINK not owed to oracles: transmits must go on, paid for by debt.
      const ownerAddress = await feed.owner.getAddress();
      const before = (await feed.link.balanceOf(ownerAddress)) as bigint;
      await (await feed.aggregator.withdrawFunds(ownerAddress, 2n ** 255n)).wait();
      const withdrawn = ((await feed.link.balanceOf(ownerAddress)) as bigint) - before;
      const roundsBefore = checker.latestRoundId;
      undo.push(async () => {
        if (checker.latestRoundId > roundsBefore) result.effects.reportsWithoutLink += checker.latestRoundId - roundsBefore;
        if (withdrawn > 0n) await (await feed.link.transfer(feed.aggregatorAddress, withdrawn)).wait();
      });
      count("chain:link-exhausted");
    }
    if (plan.gasSpikeGwei !== null) {
      const before = await spikeBaseFee(rpc, plan.gasSpikeGwei);
      undo.push(() => setBaseFee(rpc, before));
      count("chain:gas-spike");
    }
    if (plan.readFailureRate > 0) {
      chain.failReads(plan.readFailureRate, readRandom);
      undo.push(async () => chain.failReads(0, readRandom));
      count("chain:read-failures");
    }
    return undo;
  }

  function violationCount(): number {
    // result.safetyViolations holds, until the end, the deviation judge's findings.
    return checker.counts.safetyViolations + result.safetyViolations + checker.counts.duplicateReports + result.livenessViolations + result.overloadViolations;
  }

  function noteLatency(latency: number, bound: number): void {
    if (latency > result.maxLatencyMs) result.maxLatencyMs = latency;
    if (bound - latency < result.minSlackMs) result.minSlackMs = bound - latency;
  }

  /** The liveness bound of a step with at most f faulty oracles, from the plan. */
  function boundOf(plan: StepPlan): { bound: number; run: number; hopMs: number; faulty: Set<number> } {
    const hopMs = maxHopMs(combinedLinkBehaviour(plan.network));
    const catchUpWindow = timing.deltaResendMs + 3 * MAX_HOP_MS;
    const catchingUp = applier.rejoinedWithin(catchUpWindow);
    const faulty = new Set([...plan.active.map((fa) => fa.oracle), ...catchingUp]);
    // Lost messages can cost rounds, and two lost rounds an epoch: the plan says how many such
    // epochs to allow (more with f oracles faulty). Failing reads may cost one more.
    const lossyEpochs = plan.lossyEpochs + (plan.readFailureRate > 0 ? 1 : 0);
    const current = committee.currentLeader();
    // Under a config just set, the new leader rotation is not known yet: assume every faulty oracle leads first.
    const rotationUnknown = plan.setConfig || leaderKeyStale;
    const run =
      current === null ? f : rotationUnknown ? faulty.size : faultyLeaderRun({ leaderSelectionKey, n, fromEpoch: current.epoch, faulty, lookahead: 1 + lossyEpochs });
    const unfunded = plan.outOfEth.filter((i) => !faulty.has(i)).length;
    const bound = stepBoundMs({
      timing,
      hopMs,
      faultyLeaderRun: run,
      // A transmitter whose read of the chain fails drops the report: allow two such stages.
      failingTransmitters: faulty.size + plan.transmitFaults.length + unfunded + (plan.readFailureRate > 0 ? 2 : 0),
      catchingUp: catchingUp.length > 0 || rotationUnknown,
      lossyEpochs,
    });
    if (bound > result.maxBoundMs) result.maxBoundMs = bound;
    return { bound, run, hopMs, faulty };
  }

  /**
   * Run the committee until a report lands or twice `bound` (plus slack) of committee time has
   * passed, then read the chain; one liveness check. Returns when the wait began and when the
   * first report landed (null: none did).
   */
  async function livenessWait(bound: number): Promise<{ t0: number; landedAt: number | null }> {
    const t0 = clock.now();
    firstLandingAt = null;
    await committee.runUntil({ reports: 1, virtualTimeMs: 2 * bound + 30_000 });
    const landedAt = firstLandingAt as number | null;
    await readChain();
    result.livenessChecks++;
    return { t0, landedAt };
  }

  /** One step with at most f faulty oracles: a report must land within the step's bound. */
  async function reportingStep(plan: StepPlan): Promise<void> {
    const { bound, run, hopMs } = boundOf(plan);
    const { t0, landedAt } = await livenessWait(bound);
    if (landedAt === null) {
      result.livenessViolations++;
      fail({ step: plan.step, kind: "no-report", detail: `no report within ${2 * bound + 30_000} ms (bound ${bound} ms)`, plan: describePlan(plan) });
      return;
    }
    const latency = landedAt - t0;
    noteLatency(latency, bound);
    if (latency > bound) {
      result.livenessViolations++;
      fail({ step: plan.step, kind: "over-bound", detail: `report after ${latency} ms, bound ${bound} ms (faulty-leader run ${run}, hop ${hopMs} ms)`, plan: describePlan(plan) });
    }
  }

  /**
   * A step of the deviation mode: the committee runs for a fixed span (reports are due only now
   * and then), then the judge goes through what happened in time order: each report landing
   * (was it due?), and each round an honest leader started (was a report owed, and did one
   * come within the bound?), and finally whether the heartbeat was kept.
   */
  async function deviationStep(plan: StepPlan, judge: DeviationJudge): Promise<void> {
    const { bound, faulty } = boundOf(plan);
    const t0 = clock.now();
    stepRoundStarts = [];
    await committee.runUntil({ virtualTimeMs: bound + timing.deltaRoundMs, until: () => false });
    await readChain();
    result.livenessChecks++;
    // Loss may sink the very round that was due, and the market may have moved back by the next.
    const owesDeviations = plan.lossyEpochs === 0;
    type Event = { atMs: number; report?: ChainReport; start?: (typeof stepRoundStarts)[number] };
    const events: Event[] = [
      ...unjudged.splice(0).map((report): Event => ({ atMs: landedAt.get(`${report.epoch}:${report.round}`) ?? -1, report })),
      ...stepRoundStarts.map((start): Event => ({ atMs: start.atMs, start })),
    ].sort((a, b) => a.atMs - b.atMs || (a.report !== undefined ? -1 : 1));
    for (const event of events) {
      if (event.report !== undefined) {
        const r = event.report;
        const found = judge.onReport({ ...r, landedAtMs: landedAt.get(`${r.epoch}:${r.round}`) ?? null });
        for (const v of found) deviationViolation(plan, v);
      } else if (event.start !== undefined && owesDeviations) {
        const { epoch, round, atMs, leader } = event.start;
        if (round > timing.rMax || faulty.has(leader) || committee.byzantineBehaviours[leader] !== null) continue;
        const honest = Array.from({ length: n }, (_, i) => ledger.expected(digestHex, epoch, round, i)).filter((v): v is bigint => v !== null);
        judge.honestRoundStarted(epoch, round, atMs, honest, bound);
      }
    }
    judge.heartbeatOwed(t0, bound);
    for (const v of judge.overdue(clock.now())) deviationViolation(plan, v);
  }

  function deviationViolation(plan: StepPlan, v: { kind: "report-not-due" | "deviation-not-reported" | "heartbeat-not-reported"; epoch: number; round: number; detail: string }): void {
    if (v.kind === "report-not-due") {
      result.safetyViolations++;
      if (result.violations.length < KEEP_FAILURES) result.violations.push({ kind: "report-not-due", aggregatorRoundId: 0, epoch: v.epoch, round: v.round, detail: v.detail });
      return;
    }
    result.livenessViolations++;
    fail({ step: plan.step, kind: v.kind, detail: v.detail, plan: describePlan(plan) });
  }

  /**
   * f + 1 oracles faulty, beyond the bound where liveness is promised. Crashed, cut off (both
   * ways, one way, or the honest oracles split so that no group can form a quorum): for a whole
   * worst-case step bound, no round started after the faults may report (reports of rounds
   * already under way may still land). Byzantine or lying: reports may land, and only safety is
   * checked (lying rounds may move the answer out of the honest range; nothing may be forged).
   * Then everything heals, and a report must follow within the bound of a step where the f + 1
   * all catch up.
   */
  async function overloadStep(plan: StepPlan): Promise<void> {
    const down = plan.overload!;
    const kind = plan.overloadKind!;
    applier.setNetwork([]);
    count(kind);
    result.overloadSteps++;
    const safetyOnly = kind === "overload:byzantine" || kind === "overload:liars";
    if (kind === "overload") applier.crash(down);
    else if (kind === "overload:partition") applier.split([down]);
    else if (kind === "overload:split") {
      // The honest side is cut in two as well: groups of f + 1, and the rest in halves.
      const rest = Array.from({ length: n }, (_, i) => i).filter((i) => !down.includes(i));
      applier.split([down, rest.slice(0, rest.length >> 1)]);
    } else for (const fault of plan.started) applier.start(fault);
    if (kind === "overload:liars") {
      // Rounds already under way may pick up the lies too.
      for (const key of recentRoundStarts.slice(-4)) {
        const [epoch, round] = key.split(":").map(Number);
        checker.exemptFromRange(digestHex, epoch, round);
      }
      exemptRoundsStarted = true;
    }
    const startedBefore = new Set(recentRoundStarts);
    const hopMs = maxHopMs(combinedLinkBehaviour([]));
    const window = stepBoundMs({ timing, hopMs, faultyLeaderRun: f, failingTransmitters: f + 1, catchingUp: true, lossyEpochs: 0 });
    await committee.runUntil({ virtualTimeMs: window, until: () => false });
    exemptRoundsStarted = false;
    for (const { key } of await readChain()) {
      if (safetyOnly || startedBefore.has(key)) continue;
      result.overloadViolations++;
      fail({ step: plan.step, kind: "overload-report", detail: `round ${key} reported with ${down.length} of ${n} oracles faulty (${kind}: ${down.join(",")})`, plan: describePlan(plan) });
    }

    if (kind === "overload") applier.restart(down);
    else if (kind === "overload:partition" || kind === "overload:split") {
      applier.heal();
      for (const i of down) applier.markRejoined(i);
    } else for (const fault of plan.started) applier.end(fault);
    const current = committee.currentLeader();
    const recovering = new Set(kind === "overload:split" ? Array.from({ length: n }, (_, i) => i) : down);
    const run = current === null || leaderKeyStale ? f + 1 : faultyLeaderRun({ leaderSelectionKey, n, fromEpoch: current.epoch, faulty: recovering, cap: f + 1 });
    const bound = stepBoundMs({ timing, hopMs, faultyLeaderRun: run, failingTransmitters: down.length, catchingUp: true, lossyEpochs: 0 });
    if (bound > result.maxBoundMs) result.maxBoundMs = bound;
    const { t0, landedAt } = await livenessWait(bound);
    if (landedAt === null || landedAt - t0 > bound) {
      result.livenessViolations++;
      const detail = landedAt === null ? `no report after the overload (bound ${bound} ms)` : `recovered after ${landedAt - t0} ms, bound ${bound} ms`;
      fail({ step: plan.step, kind: landedAt === null ? "no-report" : "over-bound", detail, plan: describePlan(plan) });
    }
    if (landedAt !== null) noteLatency(landedAt - t0, bound);
  }

  /**
   * The whole final chain once more, independently of the incremental checks: aggregator round
   * ids 1..N with no gap, (epoch, round) strictly increasing, and as many reports as the
   * checker followed.
   */
  async function checkFinalChain(): Promise<void> {
    const { reports } = await feed.reportsSince(0);
    let previous = -1n;
    let previousDigest = "";
    reports.forEach((report, i) => {
      const epochRound = epochAndRound(report.epoch, report.round);
      // (epoch, round) starts again under a new config.
      if (report.configDigestHex !== previousDigest) previous = -1n;
      previousDigest = report.configDigestHex;
      if (report.aggregatorRoundId !== i + 1 || epochRound <= previous) {
        result.safetyViolations++;
        if (result.violations.length < KEEP_FAILURES) {
          result.violations.push({ kind: "not-increasing", aggregatorRoundId: report.aggregatorRoundId, epoch: report.epoch, round: report.round, detail: "final chain: round ids or (epoch, round) out of order" });
        }
      }
      previous = epochRound;
    });
    if (reports.length !== checker.latestRoundId) {
      result.safetyViolations++;
      result.violations.push({ kind: "round-id-gap", aggregatorRoundId: reports.length, epoch: 0, round: 0, detail: `final chain holds ${reports.length} reports, the checker followed ${checker.latestRoundId}` });
    }
  }
}

/** A transmit request as the checker judges it: decoded, and each signature's signer found (independently of the engine's memos). */
export function transmissionToCheck(request: TransmitRequest, signers: readonly Address[]): TransmissionToCheck {
  const decoded = decodeReport(request.report);
  const vs = hexToBytes(request.rawVs);
  const signerIndices = request.rs.map((r, i) => {
    try {
      const signature = concatBytes(hexToBytes(r), hexToBytes(request.ss[i]), Uint8Array.of(vs[i]));
      const signer = recoverReportSigner(request.report, signature);
      return signers.findIndex((s) => sameAddress(s, signer));
    } catch {
      return -1;
    }
  });
  return {
    transmitter: request.transmitterIndex,
    configDigestHex: bytesToHex(decoded.context.configDigest),
    epoch: decoded.context.epoch,
    round: decoded.context.round,
    observers: decoded.observers,
    observations: decoded.observations,
    signerIndices,
  };
}

function protocolTiming(config: PublicConfig): ProtocolTiming {
  const { deltaProgressMs, deltaResendMs, deltaRoundMs, deltaGraceMs, deltaStageMs, rMax } = config;
  return { deltaProgressMs, deltaResendMs, deltaRoundMs, deltaGraceMs, deltaStageMs, rMax };
}

/** A one-line summary of a step's plan, for failure reports. */
export function describePlan(plan: StepPlan): string {
  const parts = [`step ${plan.step} [${plan.primary}]`];
  if (plan.active.length > 0) parts.push(`faulty ${plan.active.map((fa) => `${fa.oracle}:${fa.kind}`).join(" ")}`);
  if (plan.network.length > 0) parts.push(`network ${plan.network.map((nf) => nf.kind).join(" ")}`);
  if (plan.transmitFaults.length > 0) parts.push(`transmits ${plan.transmitFaults.join(",")}`);
  if (plan.outOfEth.length > 0) parts.push(`out of ETH ${plan.outOfEth.join(",")}`);
  if (plan.linkExhausted) parts.push("LINK withdrawn");
  if (plan.gasSpikeGwei !== null) parts.push(`base fee ${plan.gasSpikeGwei} gwei`);
  if (plan.readFailureRate > 0) parts.push(`${Math.round(plan.readFailureRate * 100)} % of reads fail`);
  if (plan.setConfig) parts.push("new config");
  if (plan.intervalMiningMs !== null) parts.push(`interval mining ${plan.intervalMiningMs} ms`);
  if (plan.snapshotBefore) parts.push("snapshot");
  if (plan.revertAfter) parts.push("revert");
  if (plan.overload !== null) parts.push(`${plan.overloadKind} ${plan.overload.join(",")}`);
  return parts.join("; ");
}

function emptyResult(seed: string, n: number, f: number): SoakResult {
  return {
    seed,
    n,
    f,
    rounds: 0,
    reports: 0,
    reportsLanded: 0,
    safetyViolations: 0,
    forgedObservations: 0,
    transmissionsChecked: 0,
    duplicateReports: 0,
    livenessViolations: 0,
    overloadViolations: 0,
    maxLatencyMs: 0,
    maxBoundMs: 0,
    baseBoundMs: 0,
    minSlackMs: Number.POSITIVE_INFINITY,
    livenessChecks: 0,
    overloadSteps: 0,
    reorgs: 0,
    faultsInjected: {},
    effects: {
      crashes: 0,
      restarts: 0,
      byzantineActs: 0,
      dataSourceErrors: 0,
      dataSourceTimeouts: 0,
      lyingObservations: 0,
      networkLost: 0,
      networkDuplicated: 0,
      networkPartitioned: 0,
      revertedOnChain: 0,
      droppedTransmits: 0,
      minedByInterval: 0,
      reorgedReports: 0,
      progressTimeouts: 0,
      networkCutOneWay: 0,
      networkDelayed: 0,
      failedReads: 0,
      unfundedTransmits: 0,
      reportsWithoutLink: 0,
    },
    virtualSeconds: 0,
    wallSeconds: 0,
    chainBlocks: 0,
    rssStartMb: 0,
    rssEndMb: 0,
    rssPeakMb: 0,
    heapStartMb: 0,
    heapEndMb: 0,
    heapByStepMb: {},
    deviation: null,
    violations: [],
    livenessFailures: [],
  };
}
