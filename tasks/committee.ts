/**
 * `ocr:committee`: every oracle of a recorded feed as its own `ocr:oracle` process on loopback,
 * a live status line per oracle, one line per report that lands, and on Ctrl-C (or SIGTERM) a
 * clean stop of every process, each closing its state file.
 */
import { spawn } from "node:child_process";

import { Contract } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { type CommitteeEvent, CommitteeProcesses, statusLines } from "../plugin/p2p/committee-processes.js";
import { withJsonErrors } from "./errors.js";
import { describeOracleEvent, recordedFeedOnNode } from "./oracle.js";

export interface CommitteeTaskArguments {
  feed?: string;
  stateDir?: string;
  json?: boolean;
}

const ROUNDS_ABI = [
  "function latestRound() view returns (uint256)",
  "function getRoundData(uint80 roundId) view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)",
];

export default async function committeeAction(args: CommitteeTaskArguments, hre: HardhatRuntimeEnvironment): Promise<void> {
  return withJsonErrors(args.json === true, () => runCommittee(args, hre));
}

async function runCommittee(args: CommitteeTaskArguments, hre: HardhatRuntimeEnvironment): Promise<void> {
  const json = args.json === true;
  const { feed, ctx, record, protocol } = await recordedFeedOnNode(hre, args.feed, { build: true });
  const aggregator = new Contract(record.addresses.aggregator, ROUNDS_ABI, ctx.connection.ethers.provider);
  // The children run this same Hardhat CLI with this config, on this network.
  const cli = process.argv[1];
  const configFile = hre.config.paths.config;
  const childArgs = (index: number) => [
    ...process.execArgv,
    cli,
    ...(configFile !== undefined ? ["--config", configFile] : []),
    "--network",
    ctx.networkName,
    "ocr:oracle",
    "--feed",
    feed.name,
    "--index",
    String(index),
    "--json",
    ...(args.stateDir !== undefined && args.stateDir.trim() !== "" ? ["--state-dir", args.stateDir] : []),
  ];

  const live = new StatusBlock(!json && process.stdout.isTTY === true);
  const show = (event: CommitteeEvent) => {
    if (json) {
      console.log(JSON.stringify(event));
      return;
    }
    const line = describeCommitteeEvent(event);
    if (line !== null) live.print(line);
    live.redraw(statusLines(committee.statuses));
  };
  const committee: CommitteeProcesses = new CommitteeProcesses({
    n: record.n,
    spawnOracle: (index) => spawn(process.execPath, childArgs(index), { cwd: hre.config.paths.root, stdio: ["ignore", "pipe", "pipe"], env: process.env }),
    latestRoundId: async () => BigInt(await aggregator.latestRound()),
    roundData: async (roundId) => {
      const [, answer, , updatedAt] = (await aggregator.getRoundData(roundId)) as [bigint, bigint, bigint, bigint, bigint];
      return { roundId, answer, updatedAt };
    },
    onEvent: show,
    onChildStderr: (index, line) => {
      if (line.trim() !== "") live.printError(`[oracle ${index}] ${line}`);
    },
  });

  const say = (text: string) => (json ? console.error(text) : live.print(text));
  say(`Starting ${record.n} oracle processes of ${protocol.toUpperCase()} feed ${JSON.stringify(feed.name)} on network "${ctx.networkName}" (aggregator ${record.addresses.aggregator}); Ctrl-C stops them all.`);
  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    say("Stopping every oracle process...");
    void committee.stop();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    await committee.start();
    await committee.allExited;
    await committee.stop();
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    live.done();
  }
}

/** A line for people, or null for events the status block already shows. */
export function describeCommitteeEvent(event: CommitteeEvent): string | null {
  switch (event.type) {
    case "process-started":
      return `oracle ${event.oracle} started (pid ${event.pid})`;
    case "process-exited":
      return `oracle ${event.oracle} exited (pid ${event.pid}, ${event.signal !== null ? `signal ${event.signal}` : `code ${event.code}`})`;
    case "report":
      return `report landed: aggregator round ${event.aggregatorRoundId}, answer ${event.answer}`;
    case "oracle":
      return event.event.type === "status" ? null : describeOracleEvent(event.event);
  }
}

/**
 * The status lines at the bottom of a terminal, redrawn in place as events arrive; other lines
 * scroll above them. Off a terminal, status changes print as plain lines instead.
 */
class StatusBlock {
  #drawn = 0;
  #last: string[] = [];
  constructor(private readonly inPlace: boolean) {}

  print(line: string): void {
    this.#erase();
    console.log(line);
    this.#draw();
  }
  printError(line: string): void {
    this.#erase();
    console.error(line);
    this.#draw();
  }
  redraw(lines: string[]): void {
    if (!this.inPlace) {
      for (let i = 0; i < lines.length; i++) if (lines[i] !== this.#last[i]) console.log(lines[i]);
      this.#last = lines;
      return;
    }
    this.#erase();
    this.#last = lines;
    this.#draw();
  }
  done(): void {
    this.#drawn = 0;
  }
  #erase(): void {
    if (!this.inPlace || this.#drawn === 0) return;
    process.stdout.write(`\x1b[${this.#drawn}A\x1b[0J`);
    this.#drawn = 0;
  }
  #draw(): void {
    if (!this.inPlace || this.#last.length === 0) return;
    process.stdout.write(this.#last.join("\n") + "\n");
    this.#drawn = this.#last.length;
  }
}
