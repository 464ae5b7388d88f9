/**
 * A committee of oracle processes on one machine: n `ocr:oracle --json` children, their event
 * lines turned into one status per oracle, the aggregator watched for landed reports, and a
 * clean stop of every child. How a child is started and how the chain is read come in as
 * functions, so this module holds only the bookkeeping.
 */
import type { ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

import type { OracleProcessEvent } from "./oracle-process.js";

/** What `ocr:committee` reports; `--json` prints one per line. */
export type CommitteeEvent =
  | { readonly type: "process-started"; readonly oracle: number; readonly pid: number }
  | { readonly type: "oracle"; readonly oracle: number; readonly event: OracleProcessEvent }
  | { readonly type: "report"; readonly aggregatorRoundId: string; readonly answer: string; readonly updatedAt: string }
  | { readonly type: "process-exited"; readonly oracle: number; readonly pid: number; readonly code: number | null; readonly signal: string | null };

export interface LandedRound {
  readonly roundId: bigint;
  readonly answer: bigint;
  readonly updatedAt: bigint;
}

export interface CommitteeProcessesOptions {
  readonly n: number;
  /** Start oracle `index` as a child whose stdout carries its `--json` event lines. */
  spawnOracle(index: number): ChildProcess;
  /** The aggregator's latest round id (0 before the first report). */
  latestRoundId(): Promise<bigint>;
  roundData(roundId: bigint): Promise<LandedRound>;
  readonly onEvent: (event: CommitteeEvent) => void;
  /** A child's stderr line (for people; never parsed). */
  readonly onChildStderr?: (index: number, line: string) => void;
  readonly pollIntervalMs?: number;
  /** How long a child may take to exit after SIGTERM before it gets SIGKILL. */
  readonly stopGraceMs?: number;
}

export interface OracleStatus {
  pid: number | null;
  running: boolean;
  connectedPeers: readonly number[];
  epoch: number | null;
  leader: number | null;
  lastReport: { readonly epoch: number; readonly round: number } | null;
}

export class CommitteeProcesses {
  readonly statuses: OracleStatus[];
  readonly #options: CommitteeProcessesOptions;
  readonly #children: (ChildProcess | null)[];
  readonly #exits: Promise<void>[] = [];
  #lastRound: bigint | null = null;
  #poll: NodeJS.Timeout | null = null;
  #polling = false;
  #stopping: Promise<void> | null = null;

  constructor(options: CommitteeProcessesOptions) {
    this.#options = options;
    this.statuses = Array.from({ length: options.n }, () => ({ pid: null, running: false, connectedPeers: [], epoch: null, leader: null, lastReport: null }));
    this.#children = new Array(options.n).fill(null);
  }

  /** Start every oracle and the chain watch. */
  async start(): Promise<void> {
    this.#lastRound = await this.#options.latestRoundId();
    for (let i = 0; i < this.#options.n; i++) this.#startChild(i);
    const interval = this.#options.pollIntervalMs ?? 1_000;
    this.#poll = setInterval(() => void this.#checkChain(), interval);
  }

  /** Resolves when every child has exited (after `stop`, or if they all die). */
  get allExited(): Promise<void> {
    return Promise.all(this.#exits).then(() => {});
  }

  /** SIGTERM every child, SIGKILL those still running after the grace period, and stop watching. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      if (this.#poll !== null) clearInterval(this.#poll);
      this.#poll = null;
      const grace = this.#options.stopGraceMs ?? 15_000;
      const kills: NodeJS.Timeout[] = [];
      for (const child of this.#children) {
        if (child === null || child.exitCode !== null || child.signalCode !== null) continue;
        child.kill("SIGTERM");
        kills.push(setTimeout(() => child.kill("SIGKILL"), grace));
      }
      await this.allExited;
      for (const timer of kills) clearTimeout(timer);
      await this.#checkChain(); // a report that landed while stopping is still shown
    })();
    return this.#stopping;
  }

  #startChild(index: number): void {
    const child = this.#options.spawnOracle(index);
    this.#children[index] = child;
    const status = this.statuses[index];
    status.pid = child.pid ?? null;
    status.running = true;
    this.#options.onEvent({ type: "process-started", oracle: index, pid: child.pid ?? -1 });
    createInterface({ input: child.stdout! }).on("line", (line) => this.#onChildLine(index, line));
    if (child.stderr !== null) createInterface({ input: child.stderr }).on("line", (line) => this.#options.onChildStderr?.(index, line));
    this.#exits.push(
      new Promise<void>((resolve) => {
        child.once("close", (code, signal) => {
          status.running = false;
          this.#options.onEvent({ type: "process-exited", oracle: index, pid: child.pid ?? -1, code, signal });
          resolve();
        });
        child.once("error", () => resolve());
      }),
    );
  }

  #onChildLine(index: number, line: string): void {
    let event: OracleProcessEvent;
    try {
      event = JSON.parse(line) as OracleProcessEvent;
    } catch {
      this.#options.onChildStderr?.(index, line); // not an event: show it as the child's output
      return;
    }
    if (typeof event !== "object" || event === null || typeof event.type !== "string") return;
    if (event.type === "status") {
      const status = this.statuses[index];
      status.connectedPeers = event.connectedPeers;
      status.epoch = event.epoch;
      status.leader = event.leader;
      status.lastReport = event.lastReport;
    }
    this.#options.onEvent({ type: "oracle", oracle: index, event });
  }

  /** Report every aggregator round that landed since the last look. */
  async #checkChain(): Promise<void> {
    if (this.#polling) return;
    this.#polling = true;
    try {
      const latest = await this.#options.latestRoundId();
      const from = this.#lastRound ?? 0n;
      for (let id = from + 1n; id <= latest; id++) {
        const round = await this.#options.roundData(id);
        this.#lastRound = id;
        this.#options.onEvent({ type: "report", aggregatorRoundId: id.toString(), answer: round.answer.toString(), updatedAt: round.updatedAt.toString() });
      }
    } catch {
      // The node did not answer this time; the next poll tries again.
    } finally {
      this.#polling = false;
    }
  }
}

/** The status lines of a committee, one per oracle. */
export function statusLines(statuses: readonly OracleStatus[]): string[] {
  return statuses.map((s, i) => {
    if (!s.running) return `oracle ${i}  not running`;
    const peers = s.connectedPeers.length > 0 ? s.connectedPeers.join(",") : "none";
    const last = s.lastReport !== null ? `${s.lastReport.epoch}.${s.lastReport.round}` : "-";
    return `oracle ${i}  pid ${s.pid ?? "-"}  epoch ${s.epoch ?? "-"}  leader ${s.leader ?? "-"}  peers ${peers}  last report ${last}`;
  });
}
