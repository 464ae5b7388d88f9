/**
 * `ocr:run-round`: drive the committee through one full OCR round that lands a report on chain,
 * then show every step: who led, what each oracle observed, the median, who signed, who
 * transmitted in which stage, and the answer consumers now read through the proxy.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import type { OcrFeed, RoundResult, RunRoundOptions } from "../plugin/api-types.js";
import { feedConfigFor, openFeed, openTaskContext, withUserErrors } from "./context.js";
import { deployOverrides } from "./deploy.js";
import { ocrError, reportWaiting, withJsonErrors } from "./errors.js";
import { formatFixed, listOracles, table, toJson } from "./format.js";
import { givenText, parseByzantineList, parseDownList, parseObservationList, parseTimeoutSeconds } from "./parse.js";

export interface RunRoundTaskArguments {
  feed?: string;
  protocol?: string;
  observations?: string;
  down?: string;
  byzantine?: string;
  oracles?: string;
  faulty?: string;
  decimals?: string;
  timeout?: string;
  json: boolean;
}

/**
 * What `--json` prints, the same for both protocols: integers that can exceed 2^53 as decimal
 * strings, bytes as 0x-hex. The keys come in this order; each protocol adds its own fields
 * between the parts (see `Ocr1RunRoundOutput` and `Ocr2RunRoundOutput`).
 */
interface RoundOrigin {
  network: string;
  feed: string;
}
interface RoundHeader {
  aggregator: string;
  proxy: string;
  /** 16 bytes (OCR1) or 32 bytes (OCR2). */
  configDigest: string;
  epoch: number;
  round: number;
  leader: number;
}
interface RoundReport {
  observations: { oracle: number; value: string }[];
  median: string;
  report: string;
}
interface RoundLanding {
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

/** OCR1: the shared parts, then why the committee reported (first, deviation, heartbeat or requested). */
export type Ocr1RunRoundOutput = RoundOrigin & { protocol: "ocr1" } & RoundHeader & RoundReport & RoundLanding & { reason: string };

/** OCR2: the shared parts with what an OCR2 report adds and what an OCR2 consumer reads. */
export type Ocr2RunRoundOutput = RoundOrigin & { protocol: "ocr2" } & RoundHeader & {
  /** The median of the oracles' observation clocks, Unix seconds (what startedAt reads). */
  observationsTimestamp: string;
  juelsPerFeeCoin: string;
} & RoundReport & {
  /** transmit's three words: config digest; epoch and round; extraHash. */
  reportContext: string[];
} & RoundLanding & {
  startedAt: string;
  updatedAt: string;
};

export type RunRoundOutput = Ocr1RunRoundOutput | Ocr2RunRoundOutput;

export function runRoundOutput(network: string, feed: OcrFeed, result: RoundResult): RunRoundOutput {
  const { protocol } = result;
  const origin: RoundOrigin = { network, feed: feed.name };
  const header: RoundHeader = {
    aggregator: feed.addresses.aggregator,
    proxy: feed.addresses.proxy,
    configDigest: result.configDigest,
    epoch: result.epoch,
    round: result.round,
    leader: result.leader,
  };
  const report: RoundReport = {
    observations: result.observations.map((o) => ({ oracle: o.oracle, value: o.value.toString() })),
    median: result.median.toString(),
    report: result.report,
  };
  const landing: RoundLanding = {
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
  if (protocol === "ocr1") return { ...origin, protocol, ...header, ...report, ...landing, reason: result.reason };
  return {
    ...origin,
    protocol,
    ...header,
    observationsTimestamp: String(result.observationsTimestamp ?? 0n),
    juelsPerFeeCoin: String(result.juelsPerFeeCoin ?? 0n),
    ...report,
    reportContext: [...(result.reportContext ?? [])],
    ...landing,
    startedAt: String(result.startedAt ?? 0n),
    updatedAt: String(result.updatedAt ?? 0n),
  };
}

/** Each report reason as a person reads it. */
export const REASON_TEXT: Readonly<Record<RoundResult["reason"], string>> = {
  first: "first (the aggregator had no answer under this config)",
  deviation: "deviation (the median moved more than alphaPPB from the latest answer)",
  heartbeat: "heartbeat (deltaC passed since the latest answer)",
  requested: "requested (the owner called requestNewRound)",
  "chain-read-failed": "chain-read-failed (the oracles could not read the chain and reported to be safe)",
};

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
    `${result.protocol.toUpperCase()} config ${result.configDigest}, epoch ${result.epoch}, round ${result.round}, leader oracle ${result.leader}`,
    "",
    "Observations:",
    ...table(rows).map((line) => "  " + line.trimEnd()),
    "",
    `Median (observation ${result.observations.length >> 1} of ${result.observations.length}, sorted): ${value(result.median)}`,
    `Signed by oracles ${listOracles(result.signers)} (${result.signers.length} signatures; f+1 = ${feed.f + 1} needed)`,
    `Reported because: ${REASON_TEXT[result.reason]}`,
    `Transmitted by oracle ${result.transmitter.oracle} (${result.transmitter.address}) in stage ${result.transmitter.stage}`,
    `  tx ${result.txHash}, block ${result.blockNumber}, gas used ${result.gasUsed}`,
    `Answer through the proxy: ${value(result.answer)}`,
    `  proxy round ${result.proxyRoundId} = phase ${phaseId}, aggregator round ${result.aggregatorRoundId}`,
    ...(result.protocol === "ocr2"
      ? [`  startedAt ${result.startedAt} (the oracles' clocks), updatedAt ${result.updatedAt} (the block); juelsPerFeeCoin ${result.juelsPerFeeCoin}`]
      : []),
  ];
}

export default async function runRoundAction(args: RunRoundTaskArguments, hre: HardhatRuntimeEnvironment): Promise<RunRoundOutput> {
  return withJsonErrors(args.json, () => runRound(args, hre));
}

async function runRound(args: RunRoundTaskArguments, hre: HardhatRuntimeEnvironment): Promise<RunRoundOutput> {
  const feedConfig = feedConfigFor(hre, givenText(args.feed));
  const sizeOptions = { oracles: args.oracles, faulty: args.faulty, decimals: args.decimals, protocol: args.protocol };
  const overrides = deployOverrides({ ...sizeOptions, json: args.json }, feedConfig);
  const wallTimeoutMs = parseTimeoutSeconds(args.timeout);
  const ctx = await openTaskContext(hre);
  if (!ctx.inProcess && Object.values(sizeOptions).some((v) => givenText(v) !== undefined)) {
    throw ocrError(
      `--oracles, --faulty, --decimals and --protocol only apply where ocr:run-round deploys the feed itself (the in-process chain). ` +
        `On network "${ctx.networkName}" the recorded deployment decides; deploy with \`npx hardhat ocr:deploy --network ${ctx.networkName} --oracles ...\` instead`,
    );
  }
  const feed = await openFeed(ctx, feedConfig, { deployIfMissing: true, deployOverrides: overrides });
  // Against a node the process ends after this one round, and nothing else the committee has
  // under way may land after it. In process, virtual time stops with the round anyway.
  const options: { -readonly [K in keyof RunRoundOptions]: RunRoundOptions[K] } = {
    stopWhenLanded: !ctx.inProcess,
    onWaiting: (status) => reportWaiting(`waiting for a report of feed ${JSON.stringify(feed.name)}`, status),
  };
  if (wallTimeoutMs !== undefined) options.wallTimeoutMs = wallTimeoutMs;
  const observations = givenText(args.observations);
  if (observations !== undefined) options.observations = parseObservationList(observations, feed.n);
  const downText = givenText(args.down);
  const down = downText !== undefined ? parseDownList(downText, feed.n, feed.f) : [];
  if (down.length > 0) options.down = down;
  // Byzantine for this one process's round; the oracles' keys make them the feed's real oracles.
  const byzantineText = givenText(args.byzantine);
  const byzantine = byzantineText !== undefined ? parseByzantineList(byzantineText, feed.n, feed.f, down) : new Map();
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
