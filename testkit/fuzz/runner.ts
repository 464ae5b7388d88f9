/**
 * The fuzz loop, for either protocol: per case, a valid transmit for the next (epoch, round) of
 * one feed, 0..3 mutations, the reference model's verdict, the contract's verdict, and the
 * comparison.
 *
 * Deterministic per seed: every case draws from its own generator (seed + case index), and the
 * primary mutation of mutated cases is dealt from a shuffled deck of all kinds so that every kind
 * comes up within the first few dozen cases of any run.
 */
import { bytesToHex } from "../../plugin/core/bytes.js";
import type { Connection } from "../feed-fixture.js";
import { type ChainFeed, type ChainOutcome, deployFuzzFeeds, executeTransmit, reconfigure } from "./chain.js";
import { judgeTransmit, type Verdict } from "./model.js";
import { type AnyMutator, MUTATORS, STAGES } from "./mutators.js";
import { buildCase } from "./pipeline.js";
import { Prng } from "./prng.js";
import type { FuzzedFeed } from "./target.js";

export interface FuzzOptions {
  readonly cases: number;
  readonly seed: string;
  /** Share of cases sent unmutated, as valid controls (default 0.18). */
  readonly controlFraction?: number;
  /** setConfig one feed again after every this many cases (default 500; 0 = never). */
  readonly reconfigureEvery?: number;
  /** How many disagreements to keep with full detail (default 20). */
  readonly keepSamples?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface KindStats {
  readonly kind: string;
  readonly stage: string;
  readonly intent: string;
  cases: number;
  /** The model said valid. */
  expectedValid: number;
  accepted: number;
  rejected: number;
  /** Contract revert reason -> count ("" = no reason). */
  readonly reasons: Map<string, number>;
}

/** One disagreement between the model and the contract, with everything needed to replay it. */
export interface Disagreement {
  readonly type: "acceptedInvalid" | "rejectedValid" | "reasonMismatch" | "effectMismatch";
  readonly caseIndex: number;
  readonly feed: string;
  readonly kinds: readonly string[];
  readonly sender: string;
  readonly calldata: string;
  readonly model: string;
  readonly contract: string;
}

export interface FuzzResult {
  readonly seed: string;
  cases: number;
  accepted: number;
  rejected: number;
  acceptedInvalid: number;
  rejectedValid: number;
  /** Both rejected, with different reasons. */
  reasonMismatches: number;
  /** Both accepted, but the stored epoch/round or answer differ from the model's. */
  effectMismatches: number;
  /** Unmutated cases and how many of them the contract accepted. */
  controls: number;
  controlsAccepted: number;
  /** Mutated cases the model judged valid, and how many the contract accepted. */
  validMutants: number;
  validMutantsAccepted: number;
  reconfigurations: number;
  readonly kinds: Map<string, KindStats>;
  readonly disagreements: Disagreement[];
  /** Revert reasons over all rejected cases. */
  readonly reasons: Map<string, number>;
}

/** Which FuzzResult counter each kind of disagreement adds to. */
const COUNTER_OF = {
  acceptedInvalid: "acceptedInvalid",
  rejectedValid: "rejectedValid",
  reasonMismatch: "reasonMismatches",
  effectMismatch: "effectMismatches",
} as const satisfies Record<Disagreement["type"], keyof FuzzResult>;

const DEFAULT_CONTROL_FRACTION = 0.18;
const DEFAULT_RECONFIGURE_EVERY = 500;

/** What the loop needs of a mutation kind; the protocol's builder knows what it does. */
export interface MutatorKind<Stage extends string = string> {
  readonly kind: string;
  readonly stage: Stage;
  readonly intent: string;
}

/** Deals mutation kinds from a reshuffled deck, so coverage does not depend on luck. */
class Deck<M> {
  private cards: M[] = [];
  constructor(
    private readonly rng: Prng,
    private readonly all: readonly M[],
  ) {}
  next(): M {
    if (this.cards.length === 0) this.cards = this.rng.shuffle(this.all);
    return this.cards.pop()!;
  }
}

/** None for a control; otherwise one from the deck plus sometimes one or two random others. */
function chooseMutators<M>(rng: Prng, deck: Deck<M>, all: readonly M[], controlFraction: number): M[] {
  if (rng.chance(controlFraction)) return [];
  const primary = deck.next();
  const extras = rng.chance(0.35) ? (rng.chance(0.3) ? 2 : 1) : 0;
  const others = rng.sample(
    all.filter((m) => m !== primary),
    extras,
  );
  return [primary, ...others];
}

function emptyResult(seed: string, mutators: readonly MutatorKind[]): FuzzResult {
  const kinds = new Map<string, KindStats>();
  for (const m of mutators) {
    kinds.set(m.kind, { kind: m.kind, stage: m.stage, intent: m.intent, cases: 0, expectedValid: 0, accepted: 0, rejected: 0, reasons: new Map() });
  }
  return {
    seed, cases: 0, accepted: 0, rejected: 0, acceptedInvalid: 0, rejectedValid: 0, reasonMismatches: 0, effectMismatches: 0,
    controls: 0, controlsAccepted: 0, validMutants: 0, validMutantsAccepted: 0, reconfigurations: 0,
    kinds, disagreements: [], reasons: new Map(),
  };
}

function increment(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function describeVerdict(v: Verdict): string {
  return v.valid ? `valid (epochAndRound ${v.epochAndRound}, median ${v.median})` : `revert "${v.reason}"`;
}

function describeOutcome(o: ChainOutcome): string {
  return o.accepted ? `accepted (epochAndRound ${o.epochAndRound}, answer ${o.answer})` : `revert "${o.reason}"`;
}

/** What kind of disagreement, if any, a (model, contract) pair is. */
export function classify(verdict: Verdict, outcome: ChainOutcome): Disagreement["type"] | null {
  if (outcome.accepted && !verdict.valid) return "acceptedInvalid";
  if (!outcome.accepted && verdict.valid) return "rejectedValid";
  if (!outcome.accepted && !verdict.valid) return verdict.reason === outcome.reason ? null : "reasonMismatch";
  if (outcome.accepted && verdict.valid) {
    return verdict.epochAndRound === outcome.epochAndRound && verdict.median === outcome.answer ? null : "effectMismatch";
  }
  return null;
}

function sortByStage<M extends MutatorKind>(chosen: readonly M[], stages: readonly string[]): M[] {
  return [...chosen].sort((a, b) => stages.indexOf(a.stage) - stages.indexOf(b.stage));
}

/** Count one case into `result` (totals, per-kind stats, and a sample of each disagreement). */
function record(
  result: FuzzResult,
  caseIndex: number,
  feedName: string,
  chosen: readonly { readonly kind: string }[],
  built: { calldata: Uint8Array; sender: string },
  verdict: Verdict,
  outcome: ChainOutcome,
  keepSamples: number,
): void {
  result.cases++;
  if (outcome.accepted) result.accepted++;
  else {
    result.rejected++;
    increment(result.reasons, outcome.reason);
  }
  if (chosen.length === 0) {
    result.controls++;
    if (outcome.accepted) result.controlsAccepted++;
  } else if (verdict.valid) {
    result.validMutants++;
    if (outcome.accepted) result.validMutantsAccepted++;
  }
  for (const m of chosen) {
    const stats = result.kinds.get(m.kind)!;
    stats.cases++;
    if (verdict.valid) stats.expectedValid++;
    if (outcome.accepted) stats.accepted++;
    else {
      stats.rejected++;
      increment(stats.reasons, outcome.reason);
    }
  }
  const type = classify(verdict, outcome);
  if (type === null) return;
  result[COUNTER_OF[type]]++;
  if (result.disagreements.length < keepSamples) {
    result.disagreements.push({
      type,
      caseIndex,
      feed: feedName,
      kinds: chosen.map((m) => m.kind),
      sender: built.sender,
      calldata: bytesToHex(built.calldata),
      model: describeVerdict(verdict),
      contract: describeOutcome(outcome),
    });
  }
}

/** One protocol's side of the loop: its feeds, its mutations and how a case is built, judged and sent. */
export interface FuzzProtocol<Feed extends { readonly target: FuzzedFeed }, M extends MutatorKind> {
  /** Put before every generator label ("" for OCR1, "ocr2/" for OCR2), so protocols draw different cases. */
  readonly labelPrefix: string;
  readonly feeds: readonly Feed[];
  readonly mutators: readonly M[];
  /** Mutation stages in the order the builder runs them. */
  readonly stages: readonly M["stage"][];
  /** setConfig again with the same oracles, before case `caseIndex`. */
  reconfigure(feed: Feed, caseIndex: number): Promise<void>;
  build(rng: Prng, feed: Feed, chosen: readonly M[]): { calldata: Uint8Array; sender: string };
  judge(calldata: Uint8Array, sender: string, feed: Feed): Verdict;
  execute(feed: Feed, calldata: Uint8Array, sender: string): Promise<ChainOutcome>;
}

/** Run `options.cases` cases of `protocol`. */
export async function runCases<Feed extends { readonly target: FuzzedFeed }, M extends MutatorKind>(
  protocol: FuzzProtocol<Feed, M>,
  options: FuzzOptions,
): Promise<FuzzResult> {
  const controlFraction = options.controlFraction ?? DEFAULT_CONTROL_FRACTION;
  const reconfigureEvery = options.reconfigureEvery ?? DEFAULT_RECONFIGURE_EVERY;
  const keepSamples = options.keepSamples ?? 20;
  const { feeds, mutators, labelPrefix } = protocol;
  const deck = new Deck(Prng.fromLabel(`${options.seed}/${labelPrefix}deck`), mutators);
  const result = emptyResult(options.seed, mutators);

  for (let i = 0; i < options.cases; i++) {
    if (reconfigureEvery > 0 && i > 0 && i % reconfigureEvery === 0) {
      await protocol.reconfigure(feeds[(i / reconfigureEvery) % feeds.length], i);
      result.reconfigurations++;
    }
    const rng = Prng.fromLabel(`${options.seed}/${labelPrefix}case/${i}`);
    const feed = feeds[rng.below(feeds.length)];
    const chosen = sortByStage(chooseMutators(rng, deck, mutators, controlFraction), protocol.stages);
    const built = protocol.build(rng, feed, chosen);
    const verdict = protocol.judge(built.calldata, built.sender, feed);
    const outcome = await protocol.execute(feed, built.calldata, built.sender);
    // The chain is the truth for the next case, even if the model disagreed about this one.
    if (outcome.accepted) feed.target.latestEpochAndRound = outcome.epochAndRound;
    record(result, i, feed.target.name, chosen, built, verdict, outcome, keepSamples);
    options.onProgress?.(i + 1, options.cases);
  }
  return result;
}

/** Run `options.cases` OCR1 cases against freshly deployed feeds on `connection`. */
export async function runFuzz(connection: Connection, options: FuzzOptions): Promise<FuzzResult> {
  const protocol: FuzzProtocol<ChainFeed, AnyMutator> = {
    labelPrefix: "",
    feeds: await deployFuzzFeeds(connection),
    mutators: MUTATORS,
    stages: STAGES,
    reconfigure: (feed) => reconfigure(feed),
    build: (rng, feed, chosen) => buildCase(rng, feed.target, chosen),
    judge: (calldata, sender, feed) => judgeTransmit(calldata, sender, feed.target),
    execute: (feed, calldata, sender) => executeTransmit(connection, feed.feed.address, feed.target, calldata, sender),
  };
  return runCases(protocol, options);
}
