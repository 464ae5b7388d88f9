/**
 * The soak's fault plan: for each step, which faults start, which end, and what the network
 * and the chain do. Pure and seeded: the same seed (and the same leaders reported back) gives
 * the same plan, and nothing here touches a committee or a chain.
 *
 * Faults come in three families:
 * - oracle faults (crash, Byzantine behaviours, lying, a failing or hanging data source, being
 *   cut off by a partition): each makes one oracle faulty for a few steps, and at most f are
 *   active at once;
 * - network faults (latency, loss, duplication, reordering) for one step, kept mild enough that
 *   the honest quorum stays connected: hops stay short enough for a round to fit in DeltaRound,
 *   and loss comes only with a spare honest oracle beyond the quorum;
 * - chain faults (a reverted or dropped transmit, a stretch of interval mining, a reorg).
 * Plus "overload" steps that take more than f oracles down on purpose.
 *
 * Every step's main fault is dealt from a shuffled deck of all kinds, so every kind comes up
 * within the first deck of any run (a short seeded run in npm test covers them all); random
 * extras on top mix faults together.
 */
import { BYZANTINE_BEHAVIOURS, type ByzantineBehaviour } from "../../plugin/protocol/byzantine.js";
import type { LinkBehaviour } from "../../plugin/protocol/network.js";
import { Random } from "../../plugin/protocol/random.js";

export type OracleFaultKind =
  | "crash"
  | "lying"
  | "data-source-error"
  | "data-source-timeout"
  /** Cut off from the rest of the committee (counts against f like any faulty oracle). */
  | "network:partition"
  | `byzantine:${ByzantineBehaviour}`;
export type NetworkFaultKind = "network:latency" | "network:loss" | "network:duplicate" | "network:reorder";
export type ChainFaultKind = "chain:revert" | "chain:drop" | "chain:interval-mining" | "chain:reorg";
export type FaultKind = OracleFaultKind | NetworkFaultKind | ChainFaultKind | "overload";

export const ORACLE_FAULT_KINDS: readonly OracleFaultKind[] = [
  "crash",
  "lying",
  "data-source-error",
  "data-source-timeout",
  "network:partition",
  ...BYZANTINE_BEHAVIOURS.map((b) => `byzantine:${b}` as const),
];
export const NETWORK_FAULT_KINDS: readonly NetworkFaultKind[] = ["network:latency", "network:loss", "network:duplicate", "network:reorder"];
export const CHAIN_FAULT_KINDS: readonly ChainFaultKind[] = ["chain:revert", "chain:drop", "chain:interval-mining", "chain:reorg"];
export const ALL_FAULT_KINDS: readonly FaultKind[] = [...ORACLE_FAULT_KINDS, ...NETWORK_FAULT_KINDS, ...CHAIN_FAULT_KINDS, "overload"];

/** Leader behaviours only bite when the faulty oracle leads, so they usually go to the leader. */
const LEADER_BEHAVIOURS: ReadonlySet<string> = new Set([
  "byzantine:equivocating-leader",
  "byzantine:withholding-leader",
  "byzantine:replaying-leader",
  "byzantine:forging-leader",
]);

/** Base link latency of the soak (the engine's default): 5-50 ms. */
export const BASE_LATENCY = { kind: "uniform", minMs: 5, maxMs: 50 } as const;
/**
 * Longest one-way delay (latency plus reordering) any step may have. A round's critical path is
 * about 5 hops plus DeltaGrace and must fit in DeltaRound (the leader starts the next round
 * regardless), so with the default 1 s / 500 ms timings hops must stay under 100 ms.
 */
export const MAX_HOP_MS = 95;

export interface OracleFault {
  readonly oracle: number;
  readonly kind: OracleFaultKind;
  /** For "lying": which extreme it reports. */
  readonly high?: boolean;
}

export interface NetworkFault {
  readonly kind: NetworkFaultKind;
  readonly behaviour: Partial<LinkBehaviour>;
}

export interface StepPlan {
  readonly step: number;
  /** The card dealt from the deck for this step. */
  readonly primary: FaultKind;
  /** Oracle faults that end before this step (undo these first). */
  readonly ended: readonly OracleFault[];
  /** Oracle faults that start with this step. */
  readonly started: readonly OracleFault[];
  /** Every oracle fault active during this step. */
  readonly active: readonly OracleFault[];
  /** Network faults of this step (all links); none means the base network. */
  readonly network: readonly NetworkFault[];
  /** Make the first transmit of the step revert on chain or vanish. */
  readonly transmitFault: "revert" | "drop" | null;
  /** Mine on this real-time interval during the step (null: automine). */
  readonly intervalMiningMs: number | null;
  /** A stretch of interval mining begins with this step. */
  readonly intervalMiningStarts: boolean;
  /** Take a snapshot before the step (the start of a reorg). */
  readonly snapshotBefore: boolean;
  /** Revert to that snapshot after the step (the reorg happens). */
  readonly revertAfter: boolean;
  /** Oracles to take down on purpose beyond f (an overload step), or null. */
  readonly overload: readonly number[] | null;
}

export interface PlannerOptions {
  readonly n: number;
  readonly f: number;
  readonly seed: string;
}

/** What the runner knows that the plan may use: the current leader, if any. */
export interface StepContext {
  readonly leader: number | null;
  /**
   * The leader of the next epoch, if known. A forging leader goes to it: the current epoch is
   * often at its last round (a step ends when a report lands), and the next one has all of its
   * rounds ahead.
   */
  readonly nextLeader?: number | null;
}

interface ActiveFault extends OracleFault {
  stepsLeft: number;
}

function shuffle<T>(items: readonly T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.nextInt(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function pick<T>(items: readonly T[], random: Random): T {
  return items[random.nextInt(items.length)];
}

/** Uniform integer in [lo, hi]. */
function between(random: Random, lo: number, hi: number): number {
  return lo + random.nextInt(hi - lo + 1);
}

/** The link behaviour of a step's network faults together (on top of the base network). */
export function combinedLinkBehaviour(faults: readonly NetworkFault[]): Partial<LinkBehaviour> {
  return Object.assign({ latency: BASE_LATENCY, lossRate: 0, duplicateRate: 0, reorderRate: 0, reorderWindowMs: 0 }, ...faults.map((f) => f.behaviour));
}

/** The longest one-way delay a link behaviour allows (latency maximum plus reorder window). */
export function maxHopMs(behaviour: Partial<LinkBehaviour>): number {
  const latency = behaviour.latency ?? BASE_LATENCY;
  const latencyMax = latency.kind === "constant" ? latency.ms : latency.kind === "uniform" ? latency.maxMs : Number.POSITIVE_INFINITY;
  return latencyMax + ((behaviour.reorderRate ?? 0) > 0 ? (behaviour.reorderWindowMs ?? 0) : 0);
}

export class FaultPlanner {
  private readonly random: Random;
  private readonly deckRandom: Random;
  private deck: FaultKind[] = [];
  private decksDealt = 0;
  private step = 0;
  private readonly active = new Map<number, ActiveFault>();
  private intervalMiningLeft = 0;
  private intervalMiningMs = 0;
  private reorgLeft = 0;

  constructor(private readonly options: PlannerOptions) {
    const root = new Random(`soak plan ${options.seed}`);
    this.random = root.fork("draws");
    this.deckRandom = root.fork("deck");
  }

  /** The plan of the next step. */
  next(context: StepContext): StepPlan {
    this.step++;
    const ended = this.expireFaults();
    const primary = this.deal();
    if (primary === "overload") return this.overloadStep(ended);

    const started: OracleFault[] = [];
    const network: NetworkFault[] = [];
    let transmitFault: StepPlan["transmitFault"] = null;
    let snapshotBefore = false;
    let intervalMiningStarts = false;

    const startOracleFault = (kind: OracleFaultKind) => {
      const fault = this.startOracleFault(kind, context, ended);
      if (fault !== null) started.push(fault);
    };
    const addNetworkFault = (kind: NetworkFaultKind, primary: boolean) => {
      if (network.some((f) => f.kind === kind)) return;
      // Loss needs a spare honest oracle: with f faulty the quorum is every honest oracle, and
      // a lost message would make one more oracle faulty for that round.
      if (kind === "network:loss" && this.active.size >= this.options.f) {
        if (!primary) return;
        this.endOneEarly(ended);
      }
      const fault = this.drawNetworkFault(kind, network);
      if (fault !== null) network.push(fault);
    };
    const lossy = () => network.some((f) => f.kind === "network:loss");

    if (isOracleFaultKind(primary)) startOracleFault(primary);
    else if (isNetworkFaultKind(primary)) addNetworkFault(primary, true);
    else if (primary === "chain:revert" || primary === "chain:drop") transmitFault = primary === "chain:revert" ? "revert" : "drop";
    else if (primary === "chain:interval-mining") {
      if (this.reorgLeft > 0 || this.intervalMiningLeft > 0) this.defer(primary);
      else {
        this.intervalMiningLeft = between(this.random, 3, 10);
        this.intervalMiningMs = between(this.random, 15, 40);
        intervalMiningStarts = true;
      }
    } else if (primary === "chain:reorg") {
      if (this.reorgLeft > 0 || this.intervalMiningLeft > 0) this.defer(primary);
      else {
        snapshotBefore = true;
        this.reorgLeft = between(this.random, 1, 3);
      }
    }

    // Extras on top of the dealt card, so faults also come in combinations.
    if (this.random.chance(0.35) && this.active.size < this.options.f - (lossy() ? 1 : 0)) startOracleFault(pick(ORACLE_FAULT_KINDS, this.random));
    if (this.random.chance(0.3)) addNetworkFault(pick(NETWORK_FAULT_KINDS, this.random), false);
    if (transmitFault === null && this.random.chance(0.04)) transmitFault = this.random.chance(0.5) ? "revert" : "drop";

    const { intervalMiningMs, revertAfter } = this.advanceChainStretches();
    return {
      step: this.step,
      primary,
      ended,
      started,
      active: [...this.active.values()].map(toOracleFault),
      network,
      transmitFault,
      intervalMiningMs,
      intervalMiningStarts,
      snapshotBefore,
      revertAfter,
      overload: null,
    };
  }

  /** More than f oracles down: every oracle fault ends first, so exactly f + 1 are down. */
  private overloadStep(endedByTime: OracleFault[]): StepPlan {
    const ended = [...endedByTime, ...[...this.active.values()].map(toOracleFault)];
    this.active.clear();
    const oracles = Array.from({ length: this.options.n }, (_, i) => i);
    const down = shuffle(oracles, this.random).slice(0, this.options.f + 1).sort((a, b) => a - b);
    const { intervalMiningMs, revertAfter } = this.advanceChainStretches();
    return {
      step: this.step,
      primary: "overload",
      ended,
      started: [],
      active: [],
      network: [],
      transmitFault: null,
      intervalMiningMs,
      intervalMiningStarts: false,
      snapshotBefore: false,
      revertAfter,
      overload: down,
    };
  }

  /** One step of the running interval-mining stretch and of the pending reorg, if any. */
  private advanceChainStretches(): { intervalMiningMs: number | null; revertAfter: boolean } {
    const intervalMiningMs = this.intervalMiningLeft > 0 ? this.intervalMiningMs : null;
    if (this.intervalMiningLeft > 0) this.intervalMiningLeft--;
    let revertAfter = false;
    if (this.reorgLeft > 0) {
      this.reorgLeft--;
      revertAfter = this.reorgLeft === 0;
    }
    return { intervalMiningMs, revertAfter };
  }

  private expireFaults(): OracleFault[] {
    const ended: OracleFault[] = [];
    for (const [oracle, fault] of this.active) {
      fault.stepsLeft--;
      if (fault.stepsLeft <= 0) {
        this.active.delete(oracle);
        ended.push(toOracleFault(fault));
      }
    }
    return ended;
  }

  /**
   * Start `kind` on some oracle. With the budget (f) used up, one active fault ends early to
   * make room: faults rotate rather than the dealt card being lost.
   */
  private startOracleFault(kind: OracleFaultKind, context: StepContext, ended: OracleFault[]): OracleFault | null {
    const forging = kind === "byzantine:forging-leader";
    const leader = forging ? (context.nextLeader ?? context.leader) : context.leader;
    // A forging leader must lead to bite: a leader that is faulty some other way switches to it.
    const takeOverLeader = forging && leader !== null && this.active.has(leader);
    if (takeOverLeader) {
      ended.push(toOracleFault(this.active.get(leader)!));
      this.active.delete(leader);
    } else if (this.active.size >= this.options.f) this.endOneEarly(ended);
    // An oracle whose fault just ended is otherwise left alone for this step, so "ended" and
    // "started" name the same oracle only for a leader taken over.
    const endedNow = new Set(ended.map((f) => f.oracle));
    if (takeOverLeader) endedNow.delete(leader);
    const free = Array.from({ length: this.options.n }, (_, i) => i).filter((i) => !this.active.has(i) && !endedNow.has(i));
    if (free.length === 0) return null;
    // A forging leader always goes to the leader: the forged-observation check needs it to bite.
    const wantsLeader = forging ? 1 : LEADER_BEHAVIOURS.has(kind) ? 0.75 : kind === "crash" || kind === "network:partition" ? 0.3 : 0;
    const oracle = leader !== null && free.includes(leader) && this.random.chance(wantsLeader) ? leader : pick(free, this.random);
    const fault: ActiveFault = {
      oracle,
      kind,
      // A forging leader stays at least two steps: into the epoch it leads.
      stepsLeft: between(this.random, forging ? 2 : 1, 4),
      ...(kind === "lying" ? { high: this.random.chance(0.5) } : {}),
    };
    this.active.set(oracle, fault);
    return toOracleFault(fault);
  }

  /** End a random active oracle fault now, to make room for another. */
  private endOneEarly(ended: OracleFault[]): void {
    const victim = pick([...this.active.keys()], this.random);
    ended.push(toOracleFault(this.active.get(victim)!));
    this.active.delete(victim);
  }

  private drawNetworkFault(kind: NetworkFaultKind, others: readonly NetworkFault[]): NetworkFault | null {
    const hopWithout = maxHopMs(combinedLinkBehaviour(others));
    switch (kind) {
      case "network:latency": {
        const room = MAX_HOP_MS - (hopWithout - BASE_LATENCY.maxMs);
        if (room <= BASE_LATENCY.maxMs) return null;
        const maxMs = between(this.random, BASE_LATENCY.maxMs + 1, Math.min(85, room));
        return { kind, behaviour: { latency: { kind: "uniform", minMs: between(this.random, 5, 20), maxMs } } };
      }
      case "network:loss":
        return { kind, behaviour: { lossRate: between(this.random, 1, 5) / 100 } };
      case "network:duplicate":
        return { kind, behaviour: { duplicateRate: between(this.random, 5, 50) / 100 } };
      case "network:reorder": {
        const room = MAX_HOP_MS - hopWithout;
        if (room < 10) return null;
        return { kind, behaviour: { reorderRate: between(this.random, 10, 60) / 100, reorderWindowMs: between(this.random, 10, Math.min(40, room)) } };
      }
    }
  }

  /** The next card; a fresh shuffled deck of every kind when the last one is used up. */
  private deal(): FaultKind {
    if (this.deck.length === 0) {
      // The first deck holds every kind; later ones hold the rarer kinds only sometimes, so
      // overloads come up in about 3 % of steps and reorgs about every hundred.
      const first = this.decksDealt === 0;
      const kinds = ALL_FAULT_KINDS.filter(
        (k) => first || (k === "overload" ? this.deckRandom.chance(0.7) : k === "chain:reorg" ? this.deckRandom.chance(0.25) : true),
      );
      this.deck = shuffle(kinds, this.deckRandom);
      this.decksDealt++;
    }
    return this.deck.shift()!;
  }

  /** A card that cannot be played now goes back a few places down the deck. */
  private defer(kind: FaultKind): void {
    this.deck.splice(Math.min(this.deck.length, 3), 0, kind);
  }
}

function toOracleFault(fault: ActiveFault): OracleFault {
  return { oracle: fault.oracle, kind: fault.kind, ...(fault.high !== undefined ? { high: fault.high } : {}) };
}

export function isOracleFaultKind(kind: string): kind is OracleFaultKind {
  return (ORACLE_FAULT_KINDS as readonly string[]).includes(kind);
}

function isNetworkFaultKind(kind: string): kind is NetworkFaultKind {
  return (NETWORK_FAULT_KINDS as readonly string[]).includes(kind);
}

/** The Byzantine behaviour of an oracle fault kind, or null. */
export function byzantineBehaviourOf(kind: OracleFaultKind): ByzantineBehaviour | null {
  return kind.startsWith("byzantine:") ? (kind.slice("byzantine:".length) as ByzantineBehaviour) : null;
}
