/**
 * What `npm run bench` prints: one JSON object (`--json`) or a table for
 * people. Pure functions of the measurements, so the output format is easy to check.
 */
import type { CryptoFloorResult } from "./crypto-floor.js";
import type { FluxRoundGasResult } from "./flux-gas.js";
import { CHAINLINK_OCR2_GAS, OCR2_TARGET_FRACTION, type Ocr2TransmitGasResult } from "./ocr2-transmit-gas.js";
import type { RunRoundVsMockResult } from "./run-round-vs-mock.js";
import type { ThroughputResult } from "./throughput.js";
import { CHAINLINK_4_0_0_GAS, STEADY_TRANSMITS, TARGET_FRACTION_OF_REFERENCE, type TransmitGasResult, configKey } from "./transmit-gas.js";

/** The committee throughput targets, reports per wall-clock second. */
export const REPORTS_PER_SECOND_TARGET: Readonly<Record<string, number>> = { "4/1": 50, "31/10": 10 };
/** The most `feed.runRound()` may cost, as a multiple of a mock aggregator's update plus read. */
export const RUN_ROUND_VS_MOCK_TARGET: Readonly<Record<string, number>> = { "4/1": 4, "7/2": 6, "31/10": 15 };

export interface BenchResults {
  readonly transmitGas?: readonly TransmitGasResult[];
  readonly ocr2TransmitGas?: readonly Ocr2TransmitGasResult[];
  readonly fluxRoundGas?: readonly FluxRoundGasResult[];
  readonly throughput?: readonly ThroughputResult[];
  readonly cryptoFloor?: readonly CryptoFloorResult[];
  readonly runRoundVsMock?: readonly RunRoundVsMockResult[];
}

/** Two decimals are plenty for a rate that varies by more than that between runs. */
function rate(value: number): number {
  return Math.round(value * 100) / 100;
}

/** The JSON object; parts that were not run are left out. */
export function benchJson(results: BenchResults): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  if (results.transmitGas) out.transmitGas = Object.fromEntries(results.transmitGas.map((r) => [configKey(r.n, r.f), Math.round(r.mean)]));
  if (results.ocr2TransmitGas) {
    out.ocr2TransmitGas = Object.fromEntries(results.ocr2TransmitGas.map((r) => [configKey(r.n, r.f), Math.round(r.mean)]));
  }
  if (results.fluxRoundGas) out.fluxRoundGas = Object.fromEntries(results.fluxRoundGas.map((r) => [String(r.n), Math.round(r.mean)]));
  if (results.throughput) out.reportsPerSecond = Object.fromEntries(results.throughput.map((r) => [configKey(r.n, r.f), rate(r.reportsPerSecond)]));
  if (results.throughput) out.chainBusyMsPerReport = Object.fromEntries(results.throughput.map((r) => [configKey(r.n, r.f), rate(r.chainBusyMsPerReport)]));
  if (results.cryptoFloor) {
    out.cryptoFloorReportsPerSecond = Object.fromEntries(results.cryptoFloor.map((r) => [configKey(r.n, r.f), rate(r.roundsPerSecond)]));
  }
  if (results.runRoundVsMock) {
    out.runRoundVsMock = Object.fromEntries(results.runRoundVsMock.map((r) => [configKey(r.n, r.f), rate(r.runRoundMs / r.mockMs)]));
    out.runRoundMs = Object.fromEntries(results.runRoundVsMock.map((r) => [configKey(r.n, r.f), rate(r.runRoundMs)]));
    out.mockUpdateAndReadMs = Object.fromEntries(results.runRoundVsMock.map((r) => [configKey(r.n, r.f), rate(r.mockMs)]));
  }
  return out;
}

/** Rows of cells as left-aligned first column and right-aligned numbers. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells: readonly string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)];
}

const gas = (value: number) => Math.round(value).toLocaleString("en-US");
const ratio = (value: number) => value.toFixed(3);

function transmitGasSection(results: readonly TransmitGasResult[]): string[] {
  const rows = results.map((r) => {
    const reference = CHAINLINK_4_0_0_GAS[configKey(r.n, r.f)];
    const target = Math.floor(reference * TARGET_FRACTION_OF_REFERENCE);
    return [configKey(r.n, r.f), gas(r.mean), `${gas(r.min)}-${gas(r.max)}`, gas(reference), ratio(r.mean / reference), gas(target), r.mean <= target ? "yes" : "no"];
  });
  return [
    `OCR1 transmit gas: total tx gas, mean of transmits 2..${STEADY_TRANSMITS + 1} (billing on, f+1 random signers)`,
    ...formatTable(["n/f", "ours", "min-max", "Chainlink 4.0.0", "ratio", `target (${TARGET_FRACTION_OF_REFERENCE * 100}%)`, "<= target"], rows),
  ];
}

function ocr2TransmitGasSection(results: readonly Ocr2TransmitGasResult[], ocr1: readonly TransmitGasResult[] | undefined): string[] {
  const rows = results.map((r) => {
    const key = configKey(r.n, r.f);
    const reference = CHAINLINK_OCR2_GAS[key];
    const fraction = OCR2_TARGET_FRACTION[key] ?? 1;
    const target = Math.floor(reference * fraction);
    const ocr1Mean = ocr1?.find((o) => o.n === r.n && o.f === r.f)?.mean;
    return [
      key,
      gas(r.mean),
      `${gas(r.min)}-${gas(r.max)}`,
      gas(reference),
      ratio(r.mean / reference),
      `${gas(target)} (${Math.round(fraction * 100)}%)`,
      r.mean <= target ? "yes" : "no",
      ocr1Mean === undefined ? "-" : gas(ocr1Mean),
    ];
  });
  const codeSize = results[0]?.codeSize;
  return [
    `OCR2 transmit gas (AccessControlledOCR2Aggregator): total tx gas, mean of transmits 2..${STEADY_TRANSMITS + 1} (billing on, f+1 random signers)`,
    ...formatTable(["n/f", "ours", "min-max", "Chainlink OCR2 1.0.0", "ratio", "target", "<= target", "our OCR1"], rows),
    ...(codeSize === undefined ? [] : [`  runtime code: ${codeSize.toLocaleString("en-US")} bytes`]),
  ];
}

function fluxSection(flux: readonly FluxRoundGasResult[], transmit: readonly TransmitGasResult[] | undefined): string[] {
  const rows = flux.map((r) => {
    const ours = transmit?.find((t) => t.n === r.n);
    return [
      String(r.n),
      gas(r.mean),
      gas(r.mean / r.n),
      ours ? `${gas(ours.mean)} (${configKey(ours.n, ours.f)})` : "-",
      ours ? ratio(ours.mean / r.mean) : "-",
    ];
  });
  return [
    "FluxAggregator (Chainlink v0.6, solc 0.6.6): one round = n submits, mean total gas of rounds 2..4",
    ...formatTable(["n", "flux per round", "flux per submit", "ours per report", "ours / flux"], rows),
  ];
}

function throughputSection(throughput: readonly ThroughputResult[] | undefined, floor: readonly CryptoFloorResult[] | undefined): string[] {
  const keys = [...new Set([...(throughput ?? []), ...(floor ?? [])].map((r) => configKey(r.n, r.f)))];
  const rows = keys.map((key) => {
    const t = throughput?.find((r) => configKey(r.n, r.f) === key);
    const c = floor?.find((r) => configKey(r.n, r.f) === key);
    const target = REPORTS_PER_SECOND_TARGET[key];
    return [
      key,
      t ? `${t.reports} in ${t.wallSeconds.toFixed(2)} s` : "-",
      t ? t.reportsPerSecond.toFixed(2) : "-",
      target === undefined ? "-" : `>= ${target}`,
      c ? `${c.roundsPerSecond.toFixed(2)} (${c.rounds} rounds)` : "-",
      t && c ? `${((100 * t.reportsPerSecond) / c.roundsPerSecond).toFixed(1)} %` : "-",
    ];
  });
  const lines = [
    "Throughput: committee on the in-process Hardhat chain (virtual clock, transmit included) vs the cryptography floor",
    ...formatTable(["n/f", "measured", "reports/s", "target", "crypto floor rounds/s", "of floor"], rows),
  ];
  for (const t of throughput ?? []) {
    lines.push(
      `  (${t.n},${t.f}): ${t.rounds} rounds started, ${t.reverted} transmits reverted, latestRound ${t.chainRoundBefore} -> ${t.chainRoundAfter}, ${t.virtualSeconds.toFixed(1)} s virtual`,
      `    per report ${(1000 / t.reportsPerSecond).toFixed(2)} ms, of which ${t.chainBusyMsPerReport.toFixed(2)} ms with a JSON-RPC request open (EDR executing or answering)`,
    );
  }
  for (const c of floor ?? []) {
    const ms = c.msPerOperation;
    lines.push(
      `  floor (${c.n},${c.f}) counts per round: ${c.counted}`,
      `    ms per operation: Ed25519 sign ${ms.observationSign.toFixed(3)}, verify ${ms.observationVerify.toFixed(3)}; ` +
        `secp256k1 sign ${ms.reportSign.toFixed(3)}, check ${ms.signerCheck.toFixed(3)}`,
    );
  }
  return lines;
}

function runRoundSection(results: readonly RunRoundVsMockResult[]): string[] {
  const rows = results.map((r) => {
    const key = configKey(r.n, r.f);
    const target = RUN_ROUND_VS_MOCK_TARGET[key];
    const ratioToMock = r.runRoundMs / r.mockMs;
    return [
      key,
      r.runRoundMs.toFixed(1),
      r.mockMs.toFixed(2),
      `${ratioToMock.toFixed(1)}x`,
      target === undefined ? "-" : `<= ${target}x`,
      target === undefined ? "-" : ratioToMock <= target ? "yes" : "no",
    ];
  });
  const samples = results[0]?.samples ?? 0;
  return [
    `feed.runRound() through connection.ocr vs a mock aggregator's updateAnswer + latestRoundData(), same in-process chain, median of ${samples} each, alternating`,
    ...formatTable(["n/f", "runRound ms", "mock ms", "ratio", "target", "<= target"], rows),
  ];
}

/** The human-readable report: one section per part that was run. */
export function benchTable(results: BenchResults): string {
  const sections: string[][] = [];
  if (results.transmitGas) sections.push(transmitGasSection(results.transmitGas));
  if (results.ocr2TransmitGas) sections.push(ocr2TransmitGasSection(results.ocr2TransmitGas, results.transmitGas));
  if (results.fluxRoundGas) sections.push(fluxSection(results.fluxRoundGas, results.transmitGas));
  if (results.throughput || results.cryptoFloor) sections.push(throughputSection(results.throughput, results.cryptoFloor));
  if (results.runRoundVsMock) sections.push(runRoundSection(results.runRoundVsMock));
  return sections.map((s) => s.join("\n")).join("\n\n");
}
