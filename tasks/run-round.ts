/**
 * `ocr:run-round`: drive the committee through one full OCR round that lands a report on chain,
 * then show every step: who led, what each oracle observed, the median, who signed, who
 * transmitted in which stage, and the answer consumers now read through the proxy.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import type { OcrFeed, RoundResult, RunRoundOptions } from "../plugin/api-types.js";
import { feedConfigFor, openFeed, openTaskContext, withUserErrors } from "./context.js";
import { formatFixed, listOracles, table, toJson } from "./format.js";
import { parseByzantineList, parseDownList, parseObservationList } from "./parse.js";

export interface RunRoundTaskArguments {
  feed?: string;
  observations?: string;
  down?: string;
  byzantine?: string;
  json: boolean;
}

/** What `--json` prints: integers that can exceed 2^53 as decimal strings, bytes as 0x-hex. */
export interface RunRoundOutput {
  network: string;
  feed: string;
  aggregator: string;
  proxy: string;
  configDigest: string;
  epoch: number;
  round: number;
  leader: number;
  observations: { oracle: number; value: string }[];
  median: string;
  report: string;
  rs: string[];
  ss: string[];
  rawVs: string;
  signers: number[];
  transmitter: { oracle: number; address: string; stage: number };
  txHash: string;
  gasUsed: string;
  aggregatorRoundId: string;
  proxyRoundId: string;
  answer: string;
}

export function runRoundOutput(network: string, feed: OcrFeed, result: RoundResult): RunRoundOutput {
  return {
    network,
    feed: feed.name,
    aggregator: feed.addresses.aggregator,
    proxy: feed.addresses.proxy,
    configDigest: result.configDigest,
    epoch: result.epoch,
    round: result.round,
    leader: result.leader,
    observations: result.observations.map((o) => ({ oracle: o.oracle, value: o.value.toString() })),
    median: result.median.toString(),
    report: result.report,
    rs: [...result.rs],
    ss: [...result.ss],
    rawVs: result.rawVs,
    signers: [...result.signers],
    transmitter: { oracle: result.transmitter.oracle, address: result.transmitter.address, stage: result.transmitter.stage },
    txHash: result.txHash,
    gasUsed: result.gasUsed.toString(),
    aggregatorRoundId: result.aggregatorRoundId.toString(),
    proxyRoundId: result.proxyRoundId.toString(),
    answer: result.answer.toString(),
  };
}

/** The round in words, for a person at a terminal. */
export function describeRound(network: string, feed: OcrFeed, result: RoundResult, down: readonly number[]): string[] {
  const value = (v: bigint) => `${formatFixed(v, feed.decimals)} (${v})`;
  const observed = new Map(result.observations.map((o) => [o.oracle, o.value]));
  const phaseId = result.proxyRoundId >> 64n;
  const rows = Array.from({ length: feed.n }, (_, oracle) => {
    const v = observed.get(oracle);
    const notes = [
      oracle === result.leader ? "leader" : "",
      result.signers.includes(oracle) ? "signed" : "",
      oracle === result.transmitter.oracle ? `transmitted (stage ${result.transmitter.stage})` : "",
    ].filter((note) => note !== "");
    const observation = v !== undefined ? value(v) : down.includes(oracle) ? "down" : "not in report";
    return [`oracle ${oracle}`, observation, notes.join(", ")];
  });
  return [
    `Feed ${JSON.stringify(feed.name)} on network "${network}": aggregator ${feed.addresses.aggregator}, proxy ${feed.addresses.proxy}`,
    `Config ${result.configDigest}, epoch ${result.epoch}, round ${result.round}, leader oracle ${result.leader}`,
    "",
    "Observations:",
    ...table(rows).map((line) => "  " + line.trimEnd()),
    "",
    `Median (observation ${result.observations.length >> 1} of ${result.observations.length}, sorted): ${value(result.median)}`,
    `Signed by oracles ${listOracles(result.signers)} (${result.signers.length} signatures; f+1 = ${feed.f + 1} needed)`,
    `Transmitted by oracle ${result.transmitter.oracle} (${result.transmitter.address}) in stage ${result.transmitter.stage}`,
    `  tx ${result.txHash}, block ${result.blockNumber}, gas used ${result.gasUsed}`,
    `Answer through the proxy: ${value(result.answer)}`,
    `  proxy round ${result.proxyRoundId} = phase ${phaseId}, aggregator round ${result.aggregatorRoundId}`,
  ];
}

export default async function runRoundAction(args: RunRoundTaskArguments, hre: HardhatRuntimeEnvironment): Promise<RunRoundOutput> {
  const feedConfig = feedConfigFor(hre, args.feed);
  const ctx = await openTaskContext(hre);
  const feed = await openFeed(ctx, feedConfig, { deployIfMissing: true });
  // Against a node the process ends after this one round, and nothing else the committee has
  // under way may land after it. In process, virtual time stops with the round anyway.
  const options: { -readonly [K in keyof RunRoundOptions]: RunRoundOptions[K] } = { stopWhenLanded: !ctx.inProcess };
  if (args.observations !== undefined) options.observations = parseObservationList(args.observations, feed.n);
  const down = args.down !== undefined ? parseDownList(args.down, feed.n, feed.f) : [];
  if (down.length > 0) options.down = down;
  // Byzantine for this one process's round; the oracles' keys make them the feed's real oracles.
  const byzantine = args.byzantine !== undefined ? parseByzantineList(args.byzantine, feed.n, feed.f, down) : new Map();
  for (const [oracle, behaviour] of byzantine) feed.setByzantine(oracle, behaviour);
  let result: RoundResult;
  try {
    result = await withUserErrors("The round failed", () => feed.runRound(options));
  } finally {
    // Faults named on the command line are for this round only (the feed outlives it in process).
    for (const oracle of byzantine.keys()) feed.setByzantine(oracle, null);
  }
  const output = runRoundOutput(ctx.networkName, feed, result);
  console.log(args.json ? toJson(output) : describeRound(ctx.networkName, feed, result, down).join("\n"));
  return output;
}
