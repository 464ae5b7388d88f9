/**
 * The soak's fault plan: for each step, which faults start, which end, and what the network
 * and the chain do. Pure and seeded: the same seed (and the same leaders reported back) gives
 * the same plan, and nothing here touches a committee or a chain.
 *
 * Faults come in three families:
 * - oracle faults (crash, Byzantine behaviours, lying, a failing or hanging data source, being
 *   cut off by a partition, a one-way cut, a link so slow that its epochs fail): each makes one
 *   oracle faulty for a few steps, and at most f are active at once; a colluding pair takes two;
 * - network faults (latency, loss, duplication, reordering) for one step, kept mild enough that
 *   the honest quorum stays connected: hops stay short enough for a round to fit in DeltaRound;
 *   loss comes with a spare honest oracle beyond the quorum, or lighter with f oracles faulty;
 * - chain faults (reverted or dropped transmits, any of the step's first three; a transmitter
 *   out of ETH; the aggregator's LINK withdrawn; a gas price above the billing maximum; failing
 *   read calls; a stretch of interval mining; a reorg, which may overlap interval mining; a new
 *   config set mid-soak).
 * Plus "overload" steps beyond f, where only safety is promised: f + 1 oracles crashed, cut off,
 * cut one way, Byzantine or lying, or the honest oracles split into groups none of which can
 * form a quorum.
 *
 * Every step's main fault is dealt from a shuffled deck of all kinds, so every kind comes up
 * within the first deck of any run (a short seeded run in npm test covers them all); random
 * extras on top mix faults together.
 */
import { BYZANTINE_BEHAVIOURS, OCR2_ONLY_BEHAVIOURS, type ByzantineBehaviour } from "../../plugin/protocol/byzantine.js";
import type { LinkBehaviour } from "../../plugin/protocol/network.js";
import { Random } from "../../plugin/protocol/random.js";

export type OracleFaultKind =
  | "crash"
  | "lying"
  | "data-source-error"
  | "data-source-timeout"
  /** Cut off from the rest of the committee (counts against f like any faulty oracle). */
  | "network:partition"
  /** Its messages out (or in) are all lost, the other direction works. */
  | "network:one-way"
  /** Its messages out take so long that the rounds and epochs it leads fail. */
  | "network:slow"
  | `byzantine:${ByzantineBehaviour}`;
export type NetworkFaultKind = "network:latency" | "network:loss" | "network:duplicate" | "network:reorder";
export type ChainFaultKind =
  | "chain:revert"
  | "chain:drop"
  /** Two or three of the step's first transmits revert or vanish, whichever oracles send them. */
  | "chain:revert-many"
  | "chain:out-of-eth"
  | "chain:link-exhausted"
  | "chain:gas-spike"
  | "chain:read-failures"
  | "chain:interval-mining"
  | "chain:reorg"
  | "chain:set-config";
/** Two Byzantine oracles acting together. */
export type PairKind = "byzantine:pair";
export type OverloadKind = "overload" | "overload:partition" | "overload:one-way" | "overload:split" | "overload:byzantine" | "overload:liars";
export type FaultKind = OracleFaultKind | NetworkFaultKind | ChainFaultKind | PairKind | OverloadKind;

export const ORACLE_FAULT_KINDS: readonly OracleFaultKind[] = [
  "crash",
  "lying",
  "data-source-error",
  "data-source-timeout",
  "network:partition",
  "network:one-way",
  "network:slow",
  // The soak's committee runs OCR1: behaviours only OCR2's message set allows would leave it honest.
  ...BYZANTINE_BEHAVIOURS.filter((b) => !OCR2_ONLY_BEHAVIOURS.includes(b)).map((b) => `byzantine:${b}` as const),
];
export const NETWORK_FAULT_KINDS: readonly NetworkFaultKind[] = ["network:latency", "network:loss", "network:duplicate", "network:reorder"];
export const CHAIN_FAULT_KINDS: readonly ChainFaultKind[] = [
  "chain:revert",
  "chain:drop",
  "chain:revert-many",
  "chain:out-of-eth",
  "chain:link-exhausted",
  "chain:gas-spike",
  "chain:read-failures",
  "chain:interval-mining",
  "chain:reorg",
  "chain:set-config",
];
export const OVERLOAD_KINDS: readonly OverloadKind[] = ["overload", "overload:partition", "overload:one-way", "overload:split", "overload:byzantine", "overload:liars"];
export const ALL_FAULT_KINDS: readonly FaultKind[] = [...ORACLE_FAULT_KINDS, ...NETWORK_FAULT_KINDS, ...CHAIN_FAULT_KINDS, "byzantine:pair", ...OVERLOAD_KINDS];

/** Colluding pairs: a forging leader with a follower forging the same way, two identical forgers, an equivocator with a wrong signer. */
const PAIRS: readonly (readonly [ByzantineBehaviour, ByzantineBehaviour])[] = [
  ["forging-leader", "forging-follower"],
  ["forging-follower", "forging-follower"],
  ["equivocating-leader", "wrong-report"],
];

/**
 * Byzantine behaviours of an overload: none forges a value. Beyond f, f + 1 colluding signers
 * can attest anything, so forgery there is not a broken promise; these test that more than f
 * misbehaving oracles stall the feed or let honest reports through, and never corrupt it.
 */
const OVERLOAD_BEHAVIOURS: readonly ByzantineBehaviour[] = [
  "bad-observation-signature",
  "withhold-observation",
  "bad-report-signature",
  "withholding-leader",
  "replaying-leader",
  "silent-transmitter",
  "stale-transmitter",
];

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
  /** For "network:one-way": which direction is cut. */
  readonly direction?: "out" | "in";
  /** For "network:slow": extra delay of every message it sends. */
  readonly delayMs?: number;
  /** For a Byzantine oracle of a pair or an overload: its behaviour (else the kind's). */
  readonly behaviour?: ByzantineBehaviour;
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
  /** The step's first transmits, in order, revert on chain or vanish (empty: none). */
  readonly transmitFaults: readonly TransmitFaultKind[];
  /** These oracles' transmitters have no ETH during the step (empty: none). */
  readonly outOfEth: readonly number[];
  /** The owner withdraws the aggregator's LINK before the step (and pays it back after). */
  readonly linkExhausted: boolean;
  /** The base fee per gas of the step, in gwei, above the billing maximum (null: as it is). */
  readonly gasSpikeGwei: number | null;
  /** Share of chain reads (config, transmission details, round requests) that fail in the step. */
  readonly readFailureRate: number;
  /** Set a new config on chain at the start of the step. */
  readonly setConfig: boolean;
  /** Mine on this real-time interval during the step (null: automine). */
  readonly intervalMiningMs: number | null;
  /** A stretch of interval mining begins with this step. */
  readonly intervalMiningStarts: boolean;
  /** Take a snapshot before the step (the start of a reorg). */
  readonly snapshotBefore: boolean;
  /** Revert to that snapshot after the step (the reorg happens). */
  readonly revertAfter: boolean;
  /** Oracles faulty beyond f on purpose (an overload step), or null. */
  readonly overload: readonly number[] | null;
  /** How the overload's oracles are faulty. */
  readonly overloadKind: OverloadKind | null;
  /** Extra epochs allowed for rounds lost to message loss (0 on a loss-free network). */
  readonly lossyEpochs: number;
}

export type TransmitFaultKind = "revert" | "drop";

export interface PlannerOptions {
  readonly n: number;
  readonly f: number;
  readonly seed: string;
  /** Kinds never dealt (a mode whose checks they would confuse). */
  readonly exclude?: readonly FaultKind[];
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
    if (isOverloadKind(primary)) return this.overloadStep(primary, ended);

    const started: OracleFault[] = [];
    const network: NetworkFault[] = [];
    const transmitFaults: TransmitFaultKind[] = [];
    let snapshotBefore = false;
    let intervalMiningStarts = false;
    let lossyEpochs = 0;
    let outOfEth: number[] = [];
    let linkExhausted = false;
    let gasSpikeGwei: number | null = null;
    let readFailureRate = 0;
    let setConfig = false;

    const startOracleFault = (kind: OracleFaultKind) => {
      const fault = this.startOracleFault(kind, context, ended);
      if (fault === null) return;
      // A fault taken over in the step it started never happened: drop it rather than end it.
      const replaced = started.findIndex((f) => f.oracle === fault.oracle);
      if (replaced >= 0) {
        const [dropped] = started.splice(replaced, 1);
        // Forget only the end of the fault dropped here (the takeover pushed it last). An older
        // fault of that oracle which ended in this step must still be ended, or it stays applied.
        let endedIndex = -1;
        for (let i = ended.length - 1; i >= 0 && endedIndex < 0; i--) if (ended[i].oracle === dropped.oracle && ended[i].kind === dropped.kind) endedIndex = i;
        if (endedIndex >= 0) ended.splice(endedIndex, 1);
      }
      started.push(fault);
    };
    const addNetworkFault = (kind: NetworkFaultKind, primary: boolean) => {
      if (network.some((f) => f.kind === kind)) return;
      // With f faulty the quorum is every honest oracle, and a lost message makes one more
      // oracle faulty for that round: loss then comes only as the dealt card, lighter, with one
      // more lost epoch allowed for.
      const full = kind === "network:loss" && this.active.size >= this.options.f;
      if (full && !primary) return;
      const fault = full ? { kind, behaviour: { lossRate: between(this.random, 5, 15) / 1000 } } : this.drawNetworkFault(kind, network);
      if (fault === null) return;
      network.push(fault);
      if (kind === "network:loss") lossyEpochs = full ? 3 : 2;
    };
    const lossy = () => network.some((f) => f.kind === "network:loss");

    if (isOracleFaultKind(primary)) startOracleFault(primary);
    else if (isNetworkFaultKind(primary)) addNetworkFault(primary, true);
    else if (primary === "byzantine:pair") started.push(...this.startPair(context, ended));
    else if (primary === "chain:revert" || primary === "chain:drop") transmitFaults.push(primary === "chain:revert" ? "revert" : "drop");
    else if (primary === "chain:revert-many") {
      const count = between(this.random, 2, 3);
      for (let i = 0; i < count; i++) transmitFaults.push(this.random.chance(0.5) ? "revert" : "drop");
    } else if (primary === "chain:out-of-eth") {
      // One or two accounts run dry: the first stage's transmitter is among them often enough.
      outOfEth = shuffle(Array.from({ length: this.options.n }, (_, i) => i), this.random).slice(0, between(this.random, 1, 2));
    }
    else if (primary === "chain:link-exhausted") linkExhausted = true;
    else if (primary === "chain:gas-spike") gasSpikeGwei = between(this.random, 1_500, 5_000);
    // An oracle that cannot read the chain when a report arrives drops it (its stage is lost), so
    // failures stay occasional: 5-15 % of reads.
    else if (primary === "chain:read-failures") readFailureRate = between(this.random, 5, 15) / 100;
    else if (primary === "chain:set-config") setConfig = true;
    else if (primary === "chain:interval-mining") {
      if (this.intervalMiningLeft > 0) this.defer(primary);
      else {
        this.intervalMiningLeft = between(this.random, 3, 10);
        this.intervalMiningMs = between(this.random, 15, 40);
        intervalMiningStarts = true;
      }
    } else if (primary === "chain:reorg") {
      // A reorg may begin inside a stretch of interval mining, or a stretch begin inside it.
      if (this.reorgLeft > 0) this.defer(primary);
      else {
        snapshotBefore = true;
        this.reorgLeft = between(this.random, 1, 3);
      }
    }

    // Extras on top of the dealt card, so faults also come in combinations.
    if (this.random.chance(0.35) && this.active.size < this.options.f - (lossy() ? 1 : 0)) startOracleFault(pick(ORACLE_FAULT_KINDS, this.random));
    if (this.random.chance(0.3)) addNetworkFault(pick(NETWORK_FAULT_KINDS, this.random), false);
    if (transmitFaults.length === 0 && this.random.chance(0.04)) transmitFaults.push(this.random.chance(0.5) ? "revert" : "drop");

    const { intervalMiningMs, revertAfter } = this.advanceChainStretches();
    return {
      step: this.step,
      primary,
      ended,
      started,
      active: [...this.active.values()].map(toOracleFault),
      network,
      transmitFaults,
      outOfEth,
      linkExhausted,
      gasSpikeGwei,
      readFailureRate,
      setConfig,
      intervalMiningMs,
      intervalMiningStarts,
      snapshotBefore,
      revertAfter,
      overload: null,
      overloadKind: null,
      lossyEpochs,
    };
  }

  /** Two Byzantine oracles acting together: every other fault ends, the pair uses the budget. */
  private startPair(context: StepContext, ended: OracleFault[]): OracleFault[] {
    for (const fault of this.active.values()) ended.push(toOracleFault(fault));
    this.active.clear();
    const [first, second] = pick(PAIRS, this.random);
    const endedNow = new Set(ended.map((f) => f.oracle));
    const leader = first === "forging-leader" ? (context.nextLeader ?? context.leader) : context.leader;
    const free = Array.from({ length: this.options.n }, (_, i) => i).filter((i) => !endedNow.has(i) || i === leader);
    const a = leader !== null && free.includes(leader) ? leader : pick(free, this.random);
    const b = pick(free.filter((i) => i !== a), this.random);
    const stepsLeft = between(this.random, 2, 4);
    const pair: ActiveFault[] = [
      { oracle: a, kind: `byzantine:${first}`, behaviour: first, stepsLeft },
      { oracle: b, kind: `byzantine:${second}`, behaviour: second, stepsLeft },
    ];
    for (const fault of pair.slice(0, this.options.f)) this.active.set(fault.oracle, fault);
    return pair.slice(0, this.options.f).map(toOracleFault);
  }

  /**
   * More than f oracles faulty: every oracle fault ends first, then f + 1 oracles are faulty in
   * the overload's way (for a split, the smaller side of a cut through the honest committee).
   */
  private overloadStep(kind: OverloadKind, endedByTime: OracleFault[]): StepPlan {
    const ended = [...endedByTime, ...[...this.active.values()].map(toOracleFault)];
    this.active.clear();
    const oracles = Array.from({ length: this.options.n }, (_, i) => i);
    const down = shuffle(oracles, this.random).slice(0, this.options.f + 1).sort((a, b) => a - b);
    const behaviours = kind === "overload:byzantine" ? down.map(() => pick(OVERLOAD_BEHAVIOURS, this.random)) : [];
    const high = this.random.chance(0.5);
    const started: OracleFault[] =
      kind === "overload:byzantine"
        ? down.map((oracle, i) => ({ oracle, kind: `byzantine:${behaviours[i]}` as OracleFaultKind, behaviour: behaviours[i] }))
        : kind === "overload:liars"
          ? down.map((oracle) => ({ oracle, kind: "lying" as const, high }))
          : kind === "overload:one-way"
            ? down.map((oracle) => ({ oracle, kind: "network:one-way" as const, direction: this.random.chance(0.5) ? ("out" as const) : ("in" as const) }))
            : [];
    const { intervalMiningMs, revertAfter } = this.advanceChainStretches();
    return {
      step: this.step,
      primary: kind,
      ended,
      started,
      active: [],
      network: [],
      transmitFaults: [],
      outOfEth: [],
      linkExhausted: false,
      gasSpikeGwei: null,
      readFailureRate: 0,
      setConfig: false,
      intervalMiningMs,
      intervalMiningStarts: false,
      snapshotBefore: false,
      revertAfter,
      overload: down,
      overloadKind: kind,
      lossyEpochs: 0,
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
      ...(kind === "network:one-way" ? { direction: this.random.chance(0.5) ? ("out" as const) : ("in" as const) } : {}),
      // Past DeltaRound minus DeltaGrace, a round it leads cannot finish before the next starts.
      ...(kind === "network:slow" ? { delayMs: between(this.random, 550, 900) } : {}),
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
      // overloads (of any kind) come up in about 3 % of steps, reorgs and new configs about
      // every hundred and fifty.
      const first = this.decksDealt === 0;
      const kinds = ALL_FAULT_KINDS.filter((k) => !(this.options.exclude ?? []).includes(k)).filter(
        (k) => first || (isOverloadKind(k) ? this.deckRandom.chance(0.2) : k === "chain:reorg" || k === "chain:set-config" ? this.deckRandom.chance(0.25) : true),
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
  const { stepsLeft: _, ...rest } = fault;
  return rest;
}

export function isOverloadKind(kind: string): kind is OverloadKind {
  return (OVERLOAD_KINDS as readonly string[]).includes(kind);
}

export function isOracleFaultKind(kind: string): kind is OracleFaultKind {
  return (ORACLE_FAULT_KINDS as readonly string[]).includes(kind);
}

function isNetworkFaultKind(kind: string): kind is NetworkFaultKind {
  return (NETWORK_FAULT_KINDS as readonly string[]).includes(kind);
}

/** The Byzantine behaviour of an oracle fault, or null. */
export function byzantineBehaviourOf(fault: OracleFault): ByzantineBehaviour | null {
  if (fault.behaviour !== undefined) return fault.behaviour;
  const kind = fault.kind;
  return kind.startsWith("byzantine:") ? (kind.slice("byzantine:".length) as ByzantineBehaviour) : null;
}
