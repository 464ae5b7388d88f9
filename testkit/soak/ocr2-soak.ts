/**
 * The OCR2 soak: a (7, 2) OCR2 committee on the in-memory OCR2Aggregator (the contract's checks,
 * real Ed25519 and secp256k1 signatures) for R seeded steps. Each step makes at most f oracles
 * faulty (crashed, lying, with a failing data source, or Byzantine on OCR2's message set, one of
 * every behaviour) on a network that may lose, duplicate and reorder messages, and then checks:
 *
 * - safety: every landed answer lies within the honest observations of its round, and every
 *   honest observation in a report is what that oracle observed;
 * - no report twice, (epoch, round) strictly increasing, aggregator rounds consecutive;
 * - liveness: a report lands within the step's bound.
 *
 * It runs the engine without an EVM; the OCR1 soak (runner.ts) drives the Hardhat chain.
 */
import { decodeOcr2Report, ocr2EpochAndRound, ocr2ReportMedian } from "../../plugin/core/ocr2/report.js";
import type { DataSource } from "../../plugin/data-sources/data-source.js";
import { seededRandomWalk } from "../../plugin/data-sources/random-walk.js";
import { fixedValue, fromFunction } from "../../plugin/data-sources/simple.js";
import { BYZANTINE_BEHAVIOURS, type ByzantineBehaviour } from "../../plugin/protocol/byzantine.js";
import { Committee } from "../../plugin/protocol/committee.js";
import { Random } from "../../plugin/protocol/random.js";
import type { ReportLanded } from "../../plugin/protocol/results.js";

export interface Ocr2SoakOptions {
  readonly rounds: number;
  readonly seed: string;
  readonly n?: number;
  readonly f?: number;
  /** Called after each step (progress). */
  readonly onStep?: (step: number, reports: number) => void;
}

export interface Ocr2SoakResult {
  readonly protocol: "ocr2";
  readonly n: number;
  readonly f: number;
  readonly rounds: number;
  readonly reports: number;
  readonly violations: number;
  readonly safetyViolations: number;
  readonly duplicateReports: number;
  readonly livenessViolations: number;
  readonly maxLatencyMs: number;
  readonly faultsInjected: Record<string, number>;
  /** The first few violations, in words. */
  readonly details: readonly string[];
}

/** Committee time a step may take before a missing report counts as a liveness violation. */
const STEP_BOUND_MS = 120_000;
type FaultKind = "crash" | "lying" | "data-source-error" | `byzantine:${ByzantineBehaviour}`;
const FAULT_KINDS: readonly FaultKind[] = ["crash", "lying", "data-source-error", ...BYZANTINE_BEHAVIOURS.map((b) => `byzantine:${b}` as const)];

export async function runOcr2Soak(options: Ocr2SoakOptions): Promise<Ocr2SoakResult> {
  const n = options.n ?? 7;
  const f = options.f ?? 2;
  const random = new Random(`${options.seed}/ocr2-soak`);
  const market: DataSource = seededRandomWalk({ seed: `${options.seed}/market`, start: 200_000_000_000n, stepPPB: 20_000_000n, noisePPB: 1_000_000n });
  // alphaPPB 0: every round is worth reporting, so every step owes a report.
  const committee = new Committee({ n, f, seed: `${options.seed}/committee`, protocol: "ocr2", dataSource: () => market, config: { alphaPPB: 0n }, traceLimit: 5_000 });

  // Observations of oracles that were honest when they observed, by round (a fault is judged at
  // the moment it acts: a round may straddle steps with different faulty oracles).
  let currentFaulty = new Set<number>();
  const observed = new Map<string, Map<number, bigint>>();
  committee.onTrace((e) => {
    if (e.type !== "observation" || e.value === null || currentFaulty.has(e.oracle)) return;
    const key = `${e.epoch}:${e.round}`;
    let round = observed.get(key);
    if (round === undefined) observed.set(key, (round = new Map()));
    round.set(e.oracle, e.value);
    if (observed.size > 4096) observed.delete(observed.keys().next().value as string);
  });
  const landed: ReportLanded[] = [];
  committee.onEvent((e) => {
    if (e.kind === "report-landed") landed.push(e);
  });

  const details: string[] = [];
  const note = (text: string) => {
    if (details.length < 20) details.push(text);
  };
  let safetyViolations = 0;
  let duplicateReports = 0;
  let livenessViolations = 0;
  let maxLatencyMs = 0;
  let lastEpochRound = -1n;
  const seen = new Set<string>();
  const faultsInjected: Record<string, number> = {};

  await committee.start();
  for (let step = 0; step < options.rounds; step++) {
    // At most f faulty oracles this step, each with one fault.
    const faulty = new Set<number>();
    const count = random.nextInt(f + 1);
    while (faulty.size < count) faulty.add(random.nextInt(n));
    currentFaulty = faulty;
    for (const oracle of faulty) {
      const kind = FAULT_KINDS[random.nextInt(FAULT_KINDS.length)];
      faultsInjected[kind] = (faultsInjected[kind] ?? 0) + 1;
      if (kind === "crash") committee.takeDown(oracle);
      else if (kind === "lying") committee.setDataSource(oracle, fixedValue(random.nextInt(2) === 0 ? 1n : 10n ** 20n));
      else if (kind === "data-source-error") committee.setDataSource(
          oracle,
          fromFunction(() => {
            throw new Error("soak: data source down");
          }, "failing"),
        );
      else committee.setByzantine(oracle, kind.slice("byzantine:".length) as ByzantineBehaviour);
    }
    const lossy = random.nextInt(4) === 0;
    committee.network.setDefaults({ lossRate: lossy ? 0.05 : 0, duplicateRate: lossy ? 0.05 : 0, reorderRate: lossy ? 0.2 : 0, reorderWindowMs: lossy ? 30 : 0 });
    if (lossy) faultsInjected["network:lossy"] = (faultsInjected["network:lossy"] ?? 0) + 1;

    const before = landed.length;
    const result = await committee.runUntil({ reports: 1, virtualTimeMs: STEP_BOUND_MS });
    if (result.reports === 0) {
      livenessViolations++;
      note(`step ${step}: no report within ${STEP_BOUND_MS} ms with oracles ${[...faulty].join(",") || "none"} faulty`);
    } else {
      maxLatencyMs = Math.max(maxLatencyMs, result.elapsedMs);
    }

    // Check every report that landed in this step against what honest oracles observed.
    for (const report of landed.slice(before)) {
      const key = `${report.epoch}:${report.round}`;
      if (seen.has(key)) {
        duplicateReports++;
        note(`step ${step}: (${key}) landed twice`);
      }
      seen.add(key);
      const epochRound = ocr2EpochAndRound(report.epoch, report.round);
      if (epochRound <= lastEpochRound) note(`step ${step}: (${key}) does not increase`);
      lastEpochRound = epochRound;
      const decoded = decodeOcr2Report(report.report);
      const round = observed.get(key) ?? new Map<number, bigint>();
      const honest = [...round.values()];
      const answer = ocr2ReportMedian(decoded);
      const inside = honest.length > 0 && honest.some((v) => v <= answer) && honest.some((v) => v >= answer);
      const forged = decoded.observers.some((observer, i) => round.has(observer) && round.get(observer) !== decoded.observations[i]);
      if (!inside || forged) {
        safetyViolations++;
        note(`step ${step}: (${key}) answer ${answer} ${forged ? "carries a forged honest observation" : "is outside the honest observations"}`);
      }
    }

    // End the step's faults.
    for (const oracle of faulty) {
      committee.bringUp(oracle);
      committee.setByzantine(oracle, null);
      committee.setDataSource(oracle, market);
    }
    currentFaulty = new Set();
    options.onStep?.(step, landed.length);
  }
  committee.stopAll();
  const chain = committee.fakeChain!;
  const rounds = chain.transmissions.map((t) => t.aggregatorRoundId);
  if (rounds.some((id, i) => id !== i + 1)) note("aggregator round ids are not consecutive");
  return {
    protocol: "ocr2",
    n,
    f,
    rounds: options.rounds,
    reports: landed.length,
    violations: safetyViolations + duplicateReports + livenessViolations,
    safetyViolations,
    duplicateReports,
    livenessViolations,
    maxLatencyMs,
    faultsInjected,
    details,
  };
}
