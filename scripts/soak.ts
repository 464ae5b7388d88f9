/**
 * Soak test: a (7, 2) committee against our OffchainAggregator on the in-process
 * Hardhat chain for R steps of seeded faults within the f bound (crashes, Byzantine oracles
 * alone or in colluding pairs, forgers, liars, failing and hanging data sources, partitions,
 * one-way cuts, slow senders, lossy/slow/duplicating/reordering links, reverted and dropped
 * transmits, transmitters out of ETH, LINK withdrawn, gas above the billing maximum, failing
 * reads, interval mining, reorgs, new configs) plus overload steps beyond f, with the safety
 * and liveness invariants checked after every step.
 *
 *   npm run soak -- --rounds 2000 --seed s1 [--json]
 *   npm run soak -- --protocol ocr2 --rounds 2000 [--json]   the OCR2 committee (testkit/soak/ocr2-soak.ts)
 *   npm run soak -- --mode deviation [--alpha-ppb 10000000] [--heartbeat-ms 8000] ...
 *
 * The default mode reports every round (alphaPPB 0) and checks that a report lands within each
 * step's bound. The deviation mode runs a feed with a deviation threshold and a heartbeat over a
 * market that only sometimes moves past it, and checks every report was due and every due report
 * came (see testkit/soak/deviation.ts).
 *
 * With --json, stdout carries only the result object; progress and any violation details go to
 * stderr. Exits 1 on any safety, duplicate, liveness or overload violation.
 */
import { type SoakResult, runSoak } from "../testkit/soak/runner.js";
import { runOcr2Soak } from "../testkit/soak/ocr2-soak.js";

interface CliOptions {
  readonly rounds: number;
  readonly seed: string;
  readonly json: boolean;
  readonly protocol: "ocr1" | "ocr2";
  readonly deviation?: { readonly alphaPPB: bigint; readonly heartbeatMs: number };
}

const USAGE = "usage: npm run soak -- [--rounds R] [--seed S] [--json] [--protocol ocr1|ocr2] [--mode median|deviation] [--alpha-ppb A] [--heartbeat-ms H]";
/** Deviation mode defaults: 1 % and 8 s of committee time. */
const DEFAULT_ALPHA_PPB = 10_000_000n;
const DEFAULT_HEARTBEAT_MS = 8_000;

/** A bad command line: reported as a message, not a stack trace. */
class UsageError extends Error {}

function parseArgs(argv: readonly string[]): CliOptions {
  let rounds = 200;
  let seed = "soak";
  let json = false;
  let mode: string | undefined;
  let alphaPPB: bigint | undefined;
  let heartbeatMs: number | undefined;
  let protocol: "ocr1" | "ocr2" = "ocr1";
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    // Both "--flag value" and "--flag=value".
    const eq = arg.indexOf("=");
    const [flag, inline] = eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    if (flag === "--json" && inline === undefined) json = true;
    else if (flag === "--rounds") {
      const text = value();
      rounds = Number(text);
      if (!Number.isInteger(rounds) || rounds < 1) throw new UsageError(`--rounds needs a positive integer, got ${text}\n${USAGE}`);
    } else if (flag === "--seed") seed = value();
    else if (flag === "--protocol") {
      const text = value();
      if (text !== "ocr1" && text !== "ocr2") throw new UsageError(`--protocol is ocr1 or ocr2, got ${text}\n${USAGE}`);
      protocol = text;
    }
    else if (flag === "--mode") {
      mode = value();
      if (mode !== "median" && mode !== "deviation") throw new UsageError(`--mode is median or deviation, got ${mode}\n${USAGE}`);
    } else if (flag === "--alpha-ppb") {
      const text = value();
      // At least 4 ppb, so that the market's quiet wobble (alpha / 4) is not zero; at most 5 %, so its jumps (3 alpha) stay inside the feed's answer range.
      if (!/^\d+$/.test(text) || BigInt(text) < 4n || BigInt(text) > 50_000_000n) throw new UsageError(`--alpha-ppb needs an integer from 4 to 50000000 (5 %), got ${text}\n${USAGE}`);
      alphaPPB = BigInt(text);
    } else if (flag === "--heartbeat-ms") {
      const text = value();
      heartbeatMs = Number(text);
      if (!Number.isInteger(heartbeatMs) || heartbeatMs < 2000 || heartbeatMs > 3_600_000) throw new UsageError(`--heartbeat-ms needs an integer from 2000 to 3600000, got ${text}\n${USAGE}`);
    } else throw new UsageError(`unknown argument ${arg}\n${USAGE}`);
  }
  if (mode === "median" && (alphaPPB !== undefined || heartbeatMs !== undefined)) throw new UsageError(`--alpha-ppb and --heartbeat-ms need --mode deviation\n${USAGE}`);
  const deviationMode = mode === "deviation" || alphaPPB !== undefined || heartbeatMs !== undefined;
  if (protocol === "ocr2" && deviationMode) throw new UsageError(`the OCR2 soak runs the median mode only\n${USAGE}`);
  return { rounds, seed, json, protocol, ...(deviationMode ? { deviation: { alphaPPB: alphaPPB ?? DEFAULT_ALPHA_PPB, heartbeatMs: heartbeatMs ?? DEFAULT_HEARTBEAT_MS } } : {}) };
}

/** The object --json prints: the headline fields (rounds, reports, violations, latency, faults) first, then the extras. */
function jsonSummary(result: SoakResult): Record<string, unknown> {
  return {
    rounds: result.rounds,
    reports: result.reports,
    safetyViolations: result.safetyViolations,
    forgedObservations: result.forgedObservations,
    duplicateReports: result.duplicateReports,
    maxLatencyMs: result.maxLatencyMs,
    faultsInjected: sortedRecord(result.faultsInjected),
    livenessViolations: result.livenessViolations,
    overloadViolations: result.overloadViolations,
    seed: result.seed,
    n: result.n,
    f: result.f,
    reportsLanded: result.reportsLanded,
    reorgs: result.reorgs,
    overloadSteps: result.overloadSteps,
    livenessChecks: result.livenessChecks,
    transmissionsChecked: result.transmissionsChecked,
    baseBoundMs: result.baseBoundMs,
    maxBoundMs: result.maxBoundMs,
    minSlackMs: result.minSlackMs,
    effects: result.effects,
    virtualSeconds: result.virtualSeconds,
    wallSeconds: result.wallSeconds,
    chainBlocks: result.chainBlocks,
    rssStartMb: result.rssStartMb,
    rssEndMb: result.rssEndMb,
    rssPeakMb: result.rssPeakMb,
    heapStartMb: result.heapStartMb,
    heapEndMb: result.heapEndMb,
    heapByStepMb: result.heapByStepMb,
    ...(result.deviation !== null ? { deviation: result.deviation } : {}),
  };
}

function sortedRecord(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

function failureLines(result: SoakResult): string[] {
  return [
    ...result.violations.map((v) => `safety: ${v.kind} at aggregator round ${v.aggregatorRoundId} (epoch ${v.epoch}, round ${v.round}): ${v.detail}`),
    ...result.livenessFailures.map((l) => `liveness: ${l.kind} at step ${l.step}: ${l.detail}\n  plan: ${l.plan}`),
  ];
}

function humanSummary(result: SoakResult): string {
  const faults = Object.entries(sortedRecord(result.faultsInjected))
    .map(([kind, count]) => `${kind} ×${count}`)
    .join(", ");
  const effects = Object.entries(result.effects)
    .map(([kind, count]) => `${kind} ${count}`)
    .join(", ");
  return [
    `seed ${JSON.stringify(result.seed)}, (n, f) = (${result.n}, ${result.f}): ${result.rounds} steps in ${result.wallSeconds} s wall, ${result.virtualSeconds} s committee time`,
    `reports on the final chain ${result.reports} (landed ${result.reportsLanded}, ${result.effects.reorgedReports} taken back by ${result.reorgs} reorgs)`,
    `safety violations ${result.safetyViolations} (forged observations ${result.forgedObservations}; ${result.transmissionsChecked} honest transmissions checked), duplicate reports ${result.duplicateReports}, ` +
      `liveness violations ${result.livenessViolations} of ${result.livenessChecks} checks, overload violations ${result.overloadViolations} in ${result.overloadSteps} overload steps`,
    `max latency ${result.maxLatencyMs} ms (bound of a fault-free step ${result.baseBoundMs} ms, largest bound ${result.maxBoundMs} ms, smallest margin to a step's bound ${result.minSlackMs} ms)`,
    `faults injected: ${faults}`,
    `effects: ${effects}`,
    `RSS ${result.rssStartMb} MB at start, ${result.rssEndMb} MB at end (peak ${result.rssPeakMb} MB); ` +
      `live JS heap ${result.heapStartMb} -> ${result.heapEndMb} MB; ${result.chainBlocks} blocks on the in-process chain`,
    ...(result.deviation !== null
      ? [
          `deviation mode (alpha ${result.deviation.alphaPPB} ppb, heartbeat ${result.deviation.heartbeatMs} ms): ${result.deviation.reportsJudged} reports judged, ` +
            `${result.deviation.dueByDeviation} due by deviation, ${result.deviation.dueByHeartbeat} by heartbeat; ${result.deviation.deviationObligations} deviations and ${result.deviation.heartbeatObligations} heartbeats owed a report`,
        ]
      : []),
    ...failureLines(result),
  ].join("\n");
}

function hasViolations(result: SoakResult): boolean {
  return result.safetyViolations + result.duplicateReports + result.livenessViolations + result.overloadViolations > 0;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const progressEvery = Math.max(1, Math.floor(options.rounds / 20));
  if (options.protocol === "ocr2") {
    const startedAt = performance.now();
    const result = await runOcr2Soak({
      rounds: options.rounds,
      seed: options.seed,
      onStep: (step, reports) => {
        if ((step + 1) % progressEvery === 0) process.stderr.write(`  step ${step + 1}/${options.rounds}: ${reports} reports\n`);
      },
    });
    const { details, ...summary } = result;
    const wallSeconds = Math.round((performance.now() - startedAt) / 100) / 10;
    process.stdout.write(options.json ? JSON.stringify({ ...summary, faultsInjected: sortedRecord(summary.faultsInjected), seed: options.seed, wallSeconds }) + "\n" : `OCR2 soak, seed ${JSON.stringify(options.seed)}: ${JSON.stringify({ ...summary, wallSeconds })}\n`);
    if (details.length > 0) process.stderr.write(details.join("\n") + "\n");
    process.exitCode = result.violations > 0 ? 1 : 0;
    return;
  }
  const result = await runSoak({
    rounds: options.rounds,
    seed: options.seed,
    ...(options.deviation !== undefined ? { deviation: options.deviation } : {}),
    onStep: (p) => {
      if (p.step % progressEvery === 0 || p.step === p.rounds) {
        process.stderr.write(`  step ${p.step}/${p.rounds}: ${p.reports} reports on chain, ${p.violations} violations, RSS ${p.rssMb} MB\n`);
      }
    },
  });
  if (options.json) {
    process.stdout.write(JSON.stringify(jsonSummary(result)) + "\n");
    const lines = failureLines(result);
    if (lines.length > 0) process.stderr.write(lines.join("\n") + "\n");
  } else {
    process.stdout.write(humanSummary(result) + "\n");
  }
  process.exitCode = hasViolations(result) ? 1 : 0;
}

main().catch((error: unknown) => {
  const text = error instanceof UsageError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`${text}\n`);
  process.exitCode = 2;
});
