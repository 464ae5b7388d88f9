/**
 * Measurements: transmit gas against Chainlink's OffchainAggregator 4.0.0 (OCR1) and
 * AccessControlledOCR2Aggregator 1.0.0 (OCR2), with random signer subsets, gas of a
 * FluxAggregator round against one OCR report, reports per second of the committee on the
 * in-process Hardhat chain, the cryptography floor those reports per second sit under, and
 * `feed.runRound()` against a mock aggregator's update, as a user would compare them.
 *
 *   npm run bench                          table for people on stdout
 *   npm run bench -- --json                only the JSON object on stdout
 *   npm run bench -- --only gas,crypto     some parts only (gas, flux, throughput, crypto, runround)
 *   npm run bench -- --reports 20          fewer measured reports per throughput config
 *
 * Benchmarks are not tests: figures are printed, never asserted; the exit code is non-zero
 * only when a measurement could not be made (a revert, a stalled committee, missing reports).
 * Progress and per-part timings go to stderr.
 */
import { BENCH_USAGE, type BenchArgs, type BenchPart, parseBenchArgs } from "./bench/args.js";
import { type CryptoFloorResult, CryptoFloorMeter, measureCryptoFloor } from "./bench/crypto-floor.js";
import { type Ocr2TransmitGasResult, OCR2_TRANSMIT_CONFIGS, measureOcr2TransmitGas } from "./bench/ocr2-transmit-gas.js";
import { type FluxRoundGasResult, FLUX_OPTIMIZER_RUNS, compileFluxAggregator, measureFluxRoundGas } from "./bench/flux-gas.js";
import { type BenchResults, benchJson, benchTable } from "./bench/format.js";
import { RUN_ROUND_CONFIGS, type RunRoundVsMockResult, measureRunRoundVsMock } from "./bench/run-round-vs-mock.js";
import { type ThroughputResult, measureThroughput } from "./bench/throughput.js";
import { measureOcr2Throughput, ocr2ThroughputLines } from "./bench/ocr2-throughput.js";
import { TRANSMIT_CONFIGS, type TransmitGasResult, configKey, measureTransmitGas } from "./bench/transmit-gas.js";

/** FluxAggregator sizes the issue compares: the smallest and the largest OCR committee. */
const FLUX_ORACLE_COUNTS = [4, 31] as const;

/** Committee sizes of the throughput targets, with the default measured reports and floor rounds. */
const RATE_CONFIGS = [
  { n: 4, f: 1, reports: 100, floorRounds: 200 },
  { n: 31, f: 10, reports: 40, floorRounds: 50 },
] as const;

function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Run `work`, log how long it took, and remember the duration under `label`. */
async function timed<T>(label: string, timings: Map<string, number>, work: () => Promise<T> | T): Promise<T> {
  const startedAt = performance.now();
  const result = await work();
  const seconds = (performance.now() - startedAt) / 1000;
  timings.set(label, (timings.get(label) ?? 0) + seconds);
  return result;
}

/**
 * While measuring in --json mode, anything a dependency writes to stdout goes to stderr, so
 * that stdout carries the JSON object and nothing else whatever a library decides to log.
 * Returns the original writer, used once for the JSON itself.
 */
function divertStdoutToStderr(): (text: string) => void {
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  return (text) => {
    process.stdout.write = original;
    original(text);
  };
}

async function runGas(timings: Map<string, number>): Promise<TransmitGasResult[]> {
  const results: TransmitGasResult[] = [];
  for (const [n, f] of TRANSMIT_CONFIGS) {
    const result = await timed("gas", timings, () => measureTransmitGas(n, f));
    progress(`transmit gas ${configKey(n, f)}: ${Math.round(result.mean)}`);
    results.push(result);
  }
  return results;
}

async function runOcr2Gas(timings: Map<string, number>): Promise<Ocr2TransmitGasResult[]> {
  const results: Ocr2TransmitGasResult[] = [];
  for (const [n, f] of OCR2_TRANSMIT_CONFIGS) {
    const result = await timed("gas", timings, () => measureOcr2TransmitGas(n, f));
    progress(`OCR2 transmit gas ${configKey(n, f)}: ${Math.round(result.mean)}`);
    results.push(result);
  }
  return results;
}

async function runFlux(timings: Map<string, number>): Promise<FluxRoundGasResult[]> {
  progress(`compiling FluxAggregator with solc 0.6.6 (optimizer on, ${FLUX_OPTIMIZER_RUNS} runs)`);
  const compiled = await timed("flux", timings, () => compileFluxAggregator());
  const results: FluxRoundGasResult[] = [];
  for (const n of FLUX_ORACLE_COUNTS) {
    const result = await timed("flux", timings, () => measureFluxRoundGas(n, compiled));
    progress(`flux round gas n=${n}: ${Math.round(result.mean)} (runtime code ${result.codeSize} bytes)`);
    results.push(result);
  }
  return results;
}

/** Slices the committee and its crypto floor are measured in, alternately, when both are asked for. */
const INTERLEAVED_SLICES = 5;

/**
 * The committee's reports/s, and with `withFloor` its crypto floor measured in alternating
 * slices: on a machine shared with other work, load then falls on both figures alike and their
 * ratio stays meaningful.
 */
async function runThroughput(
  args: BenchArgs,
  timings: Map<string, number>,
  withFloor: boolean,
): Promise<{ throughput: ThroughputResult[]; cryptoFloor?: CryptoFloorResult[] }> {
  const throughput: ThroughputResult[] = [];
  const cryptoFloor: CryptoFloorResult[] = [];
  for (const { n, f, reports, floorRounds } of RATE_CONFIGS) {
    const measured = args.reports ?? reports;
    progress(`committee (${n},${f}) on the Hardhat chain: warm-up, then ${measured} reports${withFloor ? `, alternating with ${floorRounds} crypto floor rounds` : ""}`);
    const meter = withFloor ? new CryptoFloorMeter(n, f) : undefined;
    const slices = withFloor ? INTERLEAVED_SLICES : 1;
    const betweenSlices = meter === undefined ? undefined : () => meter.run(Math.ceil(floorRounds / slices));
    const result = await timed("throughput", timings, () => measureThroughput(n, f, measured, { slices, ...(betweenSlices ? { betweenSlices } : {}) }));
    progress(`reports/s ${configKey(n, f)}: ${result.reportsPerSecond.toFixed(2)} (${result.wallSeconds.toFixed(2)} s)`);
    throughput.push(result);
    if (meter !== undefined) {
      const floor = meter.result();
      progress(`crypto floor ${configKey(n, f)}: ${floor.roundsPerSecond.toFixed(2)} rounds/s`);
      cryptoFloor.push(floor);
    }
  }
  return withFloor ? { throughput, cryptoFloor } : { throughput };
}

async function runCrypto(timings: Map<string, number>): Promise<CryptoFloorResult[]> {
  const results: CryptoFloorResult[] = [];
  for (const { n, f, floorRounds } of RATE_CONFIGS) {
    const result = await timed("crypto", timings, () => measureCryptoFloor(n, f, floorRounds));
    progress(`crypto floor ${configKey(n, f)}: ${result.roundsPerSecond.toFixed(2)} rounds/s`);
    results.push(result);
  }
  return results;
}

async function runRoundVsMock(timings: Map<string, number>): Promise<RunRoundVsMockResult[]> {
  const results: RunRoundVsMockResult[] = [];
  for (const { n, f } of RUN_ROUND_CONFIGS) {
    const result = await timed("runround", timings, () => measureRunRoundVsMock(n, f));
    progress(`runRound ${configKey(n, f)}: ${result.runRoundMs.toFixed(1)} ms, mock update + read ${result.mockMs.toFixed(2)} ms, ratio ${(result.runRoundMs / result.mockMs).toFixed(1)}`);
    results.push(result);
  }
  return results;
}

async function runParts(args: BenchArgs, timings: Map<string, number>): Promise<BenchResults> {
  const wants = (part: BenchPart) => args.parts.has(part);
  const transmitGas = wants("gas") ? await runGas(timings) : undefined;
  const ocr2TransmitGas = wants("gas") ? await runOcr2Gas(timings) : undefined;
  const fluxRoundGas = wants("flux") ? await runFlux(timings) : undefined;
  const rates = wants("throughput") ? await runThroughput(args, timings, wants("crypto")) : undefined;
  const throughput = rates?.throughput;
  const cryptoFloor = rates?.cryptoFloor ?? (wants("crypto") ? await runCrypto(timings) : undefined);
  const runRoundVsMockResults = wants("runround") ? await runRoundVsMock(timings) : undefined;
  return { transmitGas, ocr2TransmitGas, fluxRoundGas, throughput, cryptoFloor, runRoundVsMock: runRoundVsMockResults };
}

async function main(): Promise<void> {
  let args: BenchArgs;
  try {
    args = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${BENCH_USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const writeStdout = args.json ? divertStdoutToStderr() : (text: string) => void process.stdout.write(text);
  const timings = new Map<string, number>();
  const results = await runParts(args, timings);
  // OCR2's committee figure, with the throughput part, beside OCR1's and the floor.
  const ocr2Throughput: ThroughputResult[] = [];
  for (const { n, f, reports } of args.parts.has("throughput") ? RATE_CONFIGS : []) {
    const result = await timed("throughput", timings, () => measureOcr2Throughput(n, f, args.reports ?? reports));
    progress(`OCR2 reports/s ${configKey(n, f)}: ${result.reportsPerSecond.toFixed(2)}`);
    ocr2Throughput.push(result);
  }
  progress(`time per part: ${[...timings].map(([part, s]) => `${part} ${s.toFixed(1)} s`).join(", ")}`);
  const ocr2Lines = ocr2Throughput.length > 0 ? ocr2ThroughputLines(ocr2Throughput, results.throughput, results.cryptoFloor).join("\n") : "";
  writeStdout(args.json ? `${JSON.stringify({ ...benchJson(results), ...(ocr2Throughput.length > 0 ? { ocr2ReportsPerSecond: Object.fromEntries(ocr2Throughput.map((r) => [configKey(r.n, r.f), Math.round(r.reportsPerSecond * 100) / 100])) } : {}) })}\n` : `${benchTable(results)}${ocr2Lines}\n`);
}

try {
  await main();
} catch (error) {
  process.stderr.write(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
}
