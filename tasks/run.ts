/**
 * `ocr:run`: keep the committee reporting, one line per report as it lands, until `--rounds`
 * reports landed or the user presses Ctrl-C. The first Ctrl-C lets the round in flight finish
 * (a half-sent transmission would leave the committee mid-round) and then prints a summary; a
 * second one exits at once.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import type { OcrFeed, RoundResult } from "../plugin/api-types.js";
import { feedConfigFor, openFeed, openTaskContext } from "./context.js";
import { isNoReportError, ocrError, reportWaiting, withJsonErrors } from "./errors.js";
import { bigintsAsStrings, formatFixed, formatLink, table } from "./format.js";
import { parseTimeoutSeconds } from "./parse.js";
import { type RunRoundOutput, runRoundOutput } from "./run-round.js";

export interface RunTaskArguments {
  feed?: string;
  rounds: number;
  /** Force every report with the owner's requestNewRound() (default: the committee's own rules). */
  request?: boolean;
  timeout?: string;
  json?: boolean;
}

/** Rounds in a row that may fail before the run gives up: the committee is clearly stuck. */
export const MAX_CONSECUTIVE_FAILURES = 3;

export type StopReason = "rounds" | "interrupted" | "failing" | "error";

export interface RunSummary {
  network: string;
  feed: string;
  reports: number;
  failedRounds: number;
  stoppedBy: StopReason;
  wallTimeMs: number;
  firstProxyRoundId?: string;
  lastProxyRoundId?: string;
  lastAnswer?: string;
  minAnswer?: string;
  maxAnswer?: string;
  averageGasUsed?: string;
  /** Reports each oracle transmitted (index i = oracle i). */
  transmissionsByOracle: number[];
  /** LINK-wei owed to each oracle when the run ended. */
  owedLink: string[];
}

/** Tracks a run's reports and failures and turns them into a summary. */
/**
 * What `ocr:run` has seen so far, as running totals: it keeps no result, so a run without a
 * round limit holds the same memory after an hour as after a minute.
 */
export class RunTally {
  reports = 0;
  failedRounds = 0;
  consecutiveFailures = 0;
  private readonly startedAt = Date.now();
  private readonly transmissionsByOracle: number[];
  private totalGas = 0n;
  private first: RoundResult | undefined;
  private last: RoundResult | undefined;
  private minAnswer: bigint | undefined;
  private maxAnswer: bigint | undefined;

  constructor(n: number) {
    this.transmissionsByOracle = new Array<number>(n).fill(0);
  }

  landed(result: RoundResult): void {
    this.reports++;
    this.consecutiveFailures = 0;
    this.transmissionsByOracle[result.transmitter.oracle]++;
    this.totalGas += result.gasUsed;
    this.first ??= result;
    this.last = result;
    if (this.minAnswer === undefined || result.answer < this.minAnswer) this.minAnswer = result.answer;
    if (this.maxAnswer === undefined || result.answer > this.maxAnswer) this.maxAnswer = result.answer;
  }

  failed(): void {
    this.failedRounds++;
    this.consecutiveFailures++;
  }

  summary(network: string, feedName: string, stoppedBy: StopReason, owed: readonly bigint[]): RunSummary {
    const summary: RunSummary = {
      network,
      feed: feedName,
      reports: this.reports,
      failedRounds: this.failedRounds,
      stoppedBy,
      wallTimeMs: Date.now() - this.startedAt,
      transmissionsByOracle: [...this.transmissionsByOracle],
      owedLink: owed.map((v) => v.toString()),
    };
    if (this.first !== undefined && this.last !== undefined) {
      summary.firstProxyRoundId = this.first.proxyRoundId.toString();
      summary.lastProxyRoundId = this.last.proxyRoundId.toString();
      summary.lastAnswer = this.last.answer.toString();
      summary.minAnswer = this.minAnswer!.toString();
      summary.maxAnswer = this.maxAnswer!.toString();
      summary.averageGasUsed = (this.totalGas / BigInt(this.reports)).toString();
    }
    return summary;
  }
}

/** One line per landed report. */
export function progressLine(feed: OcrFeed, result: RoundResult, count: number, target: number, roundMs: number): string {
  const counter = target > 0 ? `${String(count).padStart(String(target).length)}/${target}` : String(count);
  return (
    `[${counter}] round ${result.aggregatorRoundId} (proxy ${result.proxyRoundId})  ` +
    `epoch ${result.epoch}.${result.round} leader ${result.leader}  ` +
    `answer ${formatFixed(result.answer, feed.decimals)}  ` +
    `signed ${result.signers.join(",")}  sent by ${result.transmitter.oracle} (stage ${result.transmitter.stage})  ` +
    `gas ${result.gasUsed}  ${result.reason}  ${(roundMs / 1000).toFixed(1)} s`
  );
}

export function describeSummary(summary: RunSummary, decimals: number): string[] {
  const answer = (text: string | undefined) => (text === undefined ? "-" : formatFixed(BigInt(text), decimals));
  const why = {
    rounds: "all requested reports landed",
    interrupted: "stopped by Ctrl-C",
    failing: `${MAX_CONSECUTIVE_FAILURES} rounds in a row failed`,
    error: "stopped by an error",
  }[summary.stoppedBy];
  const lines = [
    "",
    `Summary (${why}): ${summary.reports} report${summary.reports === 1 ? "" : "s"} landed, ${summary.failedRounds} failed round${summary.failedRounds === 1 ? "" : "s"}, ${(summary.wallTimeMs / 1000).toFixed(1)} s`,
  ];
  if (summary.reports > 0) {
    lines.push(
      `  proxy rounds ${summary.firstProxyRoundId} .. ${summary.lastProxyRoundId}`,
      `  answers      last ${answer(summary.lastAnswer)}, min ${answer(summary.minAnswer)}, max ${answer(summary.maxAnswer)}`,
      `  gas          ${summary.averageGasUsed} per transmit on average`,
    );
  }
  lines.push(
    ...table([
      ["oracle", "transmitted", "owed LINK"],
      ...summary.transmissionsByOracle.map((count, i) => [String(i), String(count), formatLink(BigInt(summary.owedLink[i] ?? "0"))]),
    ]).map((line) => "  " + line),
  );
  return lines;
}

/**
 * A one-line status that redraws in place on a terminal ("waiting for report 3/10, 1.2 s").
 * Off when stdout is not a terminal, so piped output holds only whole lines.
 */
class LiveStatus {
  private timer: NodeJS.Timeout | undefined;
  private shown = false;
  private readonly enabled: boolean;

  constructor(wanted: boolean) {
    this.enabled = wanted && process.stdout.isTTY === true;
  }

  show(text: () => string): void {
    if (!this.enabled) return;
    this.stop();
    const draw = () => {
      process.stdout.write(`\r\x1b[2K${text()}`);
      this.shown = true;
    };
    draw();
    this.timer = setInterval(draw, 200);
    this.timer.unref();
  }

  /** Erase the status line so the next printed line starts clean. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    if (this.shown) process.stdout.write("\r\x1b[2K");
    this.shown = false;
  }
}

/** One `--json` line per landed report: the round as `ocr:run-round --json` prints it. */
/** One landed report: the run-round fields, and on either protocol why the committee reported. */
export type RunReportLine = { type: "report"; count: number; reason: string } & RunRoundOutput;

export default async function runAction(args: RunTaskArguments, hre: HardhatRuntimeEnvironment): Promise<RunSummary> {
  return withJsonErrors(args.json === true, () => run(args, hre));
}

async function run(args: RunTaskArguments, hre: HardhatRuntimeEnvironment): Promise<RunSummary> {
  if (!Number.isSafeInteger(args.rounds) || args.rounds < 0) {
    throw ocrError(`--rounds ${args.rounds} is not valid. Give the number of reports to wait for, or 0 to run until Ctrl-C`);
  }
  const json = args.json === true;
  const request = args.request === true;
  const wallTimeoutMs = parseTimeoutSeconds(args.timeout);
  const feedConfig = feedConfigFor(hre, args.feed);
  const ctx = await openTaskContext(hre);
  const feed = await openFeed(ctx, feedConfig, { deployIfMissing: true });
  const tally = new RunTally(feed.n);
  const live = new LiveStatus(!json);
  // In --json mode stdout carries only JSON lines; everything for people goes to stderr.
  const say = (line: string) => (json ? console.error(line) : console.log(line));

  let interrupted = false;
  const onInterrupt = () => {
    if (interrupted) {
      live.stop();
      say("\nStopped without waiting for the round in flight.");
      process.exit(130);
    }
    interrupted = true;
    live.stop();
    say("\nStopping after the round in flight (Ctrl-C again to quit at once)...");
  };
  process.on("SIGINT", onInterrupt);

  const target = args.rounds;
  say(
    `Running the committee of feed ${JSON.stringify(feed.name)} on network "${ctx.networkName}" ` +
      `(${feed.n} oracles, f=${feed.f}, proxy ${feed.addresses.proxy}) ` +
      (target > 0 ? `until ${target} report${target === 1 ? "" : "s"} land` : "until Ctrl-C") +
      (request ? ", requesting every round." : ", reporting on deviation and heartbeat (--request forces rounds)."),
  );
  let stoppedBy: StopReason = "rounds";
  let failure: unknown;
  try {
    while (target === 0 || tally.reports < target) {
      // Let a pending Ctrl-C be handled even when the round before resolved without I/O.
      await new Promise((resolve) => setImmediate(resolve));
      if (interrupted) {
        stoppedBy = "interrupted";
        break;
      }
      const next = tally.reports + 1;
      const roundStart = Date.now();
      live.show(() => `waiting for report ${target > 0 ? `${next}/${target}` : next}, ${((Date.now() - roundStart) / 1000).toFixed(1)} s`);
      try {
        const result = await feed.runRound({
          request,
          ...(wallTimeoutMs !== undefined ? { wallTimeoutMs } : {}),
          onWaiting: (status) => {
            live.stop();
            reportWaiting(`waiting for report ${next}`, status);
          },
        });
        live.stop();
        tally.landed(result);
        if (json) {
          const line: RunReportLine = { type: "report", count: tally.reports, ...runRoundOutput(ctx.networkName, feed, result), reason: result.reason };
          console.log(JSON.stringify(line, bigintsAsStrings));
        } else {
          console.log(progressLine(feed, result, tally.reports, target, Date.now() - roundStart));
        }
      } catch (error) {
        live.stop();
        if (!isNoReportError(error)) {
          // The node died or the chain refused us: show what landed, then the error.
          failure = error;
          stoppedBy = "error";
          break;
        }
        tally.failed();
        if (json) console.log(JSON.stringify({ type: "round-failed", reason: error.reason }));
        else console.log(`round failed: ${error.reason}`);
        if (tally.consecutiveFailures >= MAX_CONSECUTIVE_FAILURES) {
          stoppedBy = "failing";
          break;
        }
      }
      if (interrupted) {
        stoppedBy = "interrupted";
        break;
      }
    }
  } finally {
    live.stop();
    process.off("SIGINT", onInterrupt);
  }
  // Ctrl-C means the user wants the oracles to stop too, not just the display.
  if (stoppedBy === "interrupted" || stoppedBy === "error") feed.stop?.();

  const owed = stoppedBy === "error" ? await feed.owedPayments().catch(() => new Array<bigint>(feed.n).fill(0n)) : await feed.owedPayments();
  const summary = tally.summary(ctx.networkName, feed.name, stoppedBy, owed);
  if (json) console.log(JSON.stringify({ type: "summary", ...summary }));
  else console.log(describeSummary(summary, feed.decimals).join("\n"));
  if (stoppedBy === "error") {
    const message = failure instanceof Error ? failure.message.split("\n")[0] : String(failure);
    throw ocrError(`ocr:run stopped after ${summary.reports} report${summary.reports === 1 ? "" : "s"}: ${message}`, failure instanceof Error ? failure : undefined);
  }
  if (stoppedBy === "failing") {
    throw ocrError(
      `The committee of feed ${JSON.stringify(feed.name)} failed ${MAX_CONSECUTIVE_FAILURES} rounds in a row. ` +
        `Check that at most f=${feed.f} oracles are down and that the data sources answer (see \`npx hardhat ocr:status\`)` +
        (request ? "" : `, or pass --request to force rounds when the price does not move`),
    );
  }
  return summary;
}
