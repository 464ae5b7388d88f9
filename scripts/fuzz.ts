/**
 * Transmit fuzzer: mutates valid transmit calls and checks that the aggregator accepts exactly
 * the calls the reference model (written from the spec) calls valid, with the revert reason the
 * model expects. OCR1 (OffchainAggregator, testkit/fuzz/model.ts) by default; OCR2
 * (AccessControlledOCR2Aggregator, testkit/fuzz/ocr2/model.ts) with --protocol ocr2.
 *
 *   npm run fuzz -- --cases 10000 --seed s1 [--json] [--reconfigure-every 500] [--protocol ocr1|ocr2]
 *
 * With --json, stdout carries only {cases, rejected, acceptedInvalid, rejectedValid}; anything
 * else (disagreements) goes to stderr. Exits 1 unless acceptedInvalid and rejectedValid are 0.
 */
import { network } from "hardhat";

import { runOcr2Fuzz } from "../testkit/fuzz/ocr2/runner.js";
import { type FuzzResult, runFuzz } from "../testkit/fuzz/runner.js";

interface CliOptions {
  readonly cases: number;
  readonly seed: string;
  readonly json: boolean;
  readonly reconfigureEvery: number | undefined;
  readonly protocol: "ocr1" | "ocr2";
}

const USAGE = "usage: tsx scripts/fuzz.ts [--cases C] [--seed S] [--json] [--reconfigure-every K] [--protocol ocr1|ocr2]";

/** A bad command line: reported as a message, not a stack trace. */
class UsageError extends Error {}

function parsePositiveInt(flag: string, text: string | undefined, allowZero = false): number {
  const value = Number(text);
  if (text === undefined || !Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new UsageError(`${flag} needs a ${allowZero ? "non-negative" : "positive"} integer, got ${text ?? "nothing"}\n${USAGE}`);
  }
  return value;
}

function parseArgs(argv: readonly string[]): CliOptions {
  let cases = 1000;
  let seed = "fuzz";
  let json = false;
  let reconfigureEvery: number | undefined;
  let protocol: "ocr1" | "ocr2" = "ocr1";
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--cases") cases = parsePositiveInt(arg, argv[++i]);
    else if (arg === "--seed") {
      const value = argv[++i];
      if (value === undefined) throw new UsageError(`--seed needs a value\n${USAGE}`);
      seed = value;
    } else if (arg === "--json") json = true;
    else if (arg === "--reconfigure-every") reconfigureEvery = parsePositiveInt(arg, argv[++i], true);
    else if (arg === "--protocol") {
      const value = argv[++i];
      if (value !== "ocr1" && value !== "ocr2") throw new UsageError(`--protocol must be ocr1 or ocr2, got ${value ?? "nothing"}\n${USAGE}`);
      protocol = value;
    }
    else throw new UsageError(`unknown argument ${arg}\n${USAGE}`);
  }
  return { cases, seed, json, reconfigureEvery, protocol };
}

function topReasons(reasons: Map<string, number>, limit: number): string {
  return [...reasons.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([reason, count]) => `${reason === "" ? "(no reason)" : reason} ×${count}`)
    .join(", ");
}

function kindTable(result: FuzzResult): string {
  const header = ["kind", "stage", "intent", "cases", "valid", "accepted", "rejected", "revert reasons (contract)"];
  const rows = [...result.kinds.values()].map((k) => [
    k.kind,
    k.stage,
    k.intent,
    String(k.cases),
    String(k.expectedValid),
    String(k.accepted),
    String(k.rejected),
    topReasons(k.reasons, 4),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const numeric = new Set([3, 4, 5, 6]);
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === cells.length - 1 ? cell : numeric.has(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join("  ");
  return [line(header), ...rows.map(line)].join("\n");
}

function disagreementLines(result: FuzzResult): string[] {
  return result.disagreements.map(
    (d) =>
      `${d.type} case ${d.caseIndex} feed ${d.feed} [${d.kinds.join(", ") || "control"}]\n` +
      `  model:    ${d.model}\n  contract: ${d.contract}\n  sender:   ${d.sender}\n  calldata: ${d.calldata}`,
  );
}

function summary(result: FuzzResult, seconds: number): string {
  return [
    `seed ${JSON.stringify(result.seed)}: ${result.cases} cases in ${seconds.toFixed(1)} s` +
      ` (${result.reconfigurations} reconfigurations)`,
    `accepted ${result.accepted}, rejected ${result.rejected}`,
    `valid controls ${result.controlsAccepted}/${result.controls} accepted; mutants the model calls valid ${result.validMutantsAccepted}/${result.validMutants} accepted`,
    `acceptedInvalid ${result.acceptedInvalid}, rejectedValid ${result.rejectedValid}, ` +
      `reason mismatches ${result.reasonMismatches}, effect mismatches ${result.effectMismatches}`,
    `revert reasons: ${topReasons(result.reasons, 30)}`,
    "",
    kindTable(result),
    ...(result.disagreements.length > 0 ? ["", "disagreements:", ...disagreementLines(result)] : []),
  ].join("\n");
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const progressStep = Math.max(1, Math.floor(options.cases / 10));
  const runOptions = {
    cases: options.cases,
    seed: options.seed,
    reconfigureEvery: options.reconfigureEvery,
    onProgress: options.json
      ? undefined
      : (done: number, total: number) => {
          if (done % progressStep === 0) process.stderr.write(`  ${done}/${total} cases\n`);
        },
  };
  let result: FuzzResult;
  if (options.protocol === "ocr2") {
    result = await runOcr2Fuzz(runOptions);
  } else {
    const connection = await network.create();
    result = await runFuzz(connection, runOptions);
    await connection.close();
  }
  const seconds = (Date.now() - started) / 1000;

  if (options.json) {
    const { cases, rejected, acceptedInvalid, rejectedValid } = result;
    process.stdout.write(JSON.stringify({ cases, rejected, acceptedInvalid, rejectedValid }) + "\n");
    // stdout stays a single JSON object; the details of any disagreement go to stderr.
    if (result.disagreements.length > 0) {
      process.stderr.write(`reason mismatches ${result.reasonMismatches}, effect mismatches ${result.effectMismatches}\n`);
      process.stderr.write(disagreementLines(result).join("\n") + "\n");
    }
  } else {
    process.stdout.write(summary(result, seconds) + "\n");
  }
  process.exitCode = result.acceptedInvalid === 0 && result.rejectedValid === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
  const text = error instanceof UsageError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`${text}\n`);
  process.exitCode = 2;
});
