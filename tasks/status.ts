/**
 * `ocr:status`: where a feed lives, its committee and on-chain config, the latest rounds as
 * the proxy numbers them, and the LINK each oracle is owed.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import type { OcrFeed, RoundHistoryEntry } from "../plugin/api-types.js";
import { feedConfigFor, openFeed, openTaskContext } from "./context.js";
import { ocrError, withJsonErrors } from "./errors.js";
import { formatFixed, formatLink, shortHex, table, toJson } from "./format.js";
import { type SequencerStatusJson, collectSequencerStatuses, describeSequencerStatuses } from "./sequencer.js";

export interface StatusTaskArguments {
  feed?: string;
  rounds: number;
  json: boolean;
}

export interface StatusRound {
  phaseId: number;
  proxyRoundId: string;
  aggregatorRoundId: string;
  answer: string;
  timestamp: string;
  epoch: number;
  round: number;
  transmitter: string;
  observers: number[];
  txHash: string;
}

export interface StatusOutput {
  network: string;
  chainId: string;
  feed: string;
  description: string;
  decimals: number;
  aggregator: string;
  proxy: string;
  linkToken: string;
  phaseId: number;
  /** The protocol the current phase runs. */
  protocol: "ocr2" | "ocr1";
  n: number;
  f: number;
  configDigest: string;
  configCount: number;
  configBlockNumber: number;
  /** LINK-wei the aggregator holds, and what is left after everything owed (may be negative). */
  linkBalance: string;
  linkAvailableForPayment: string;
  oracles: { index: number; signer: string; transmitter: string; payee: string; owedLink: string }[];
  /** How many rounds all phases stored, and the latest ones, newest first. */
  totalRounds: number;
  latestRounds: StatusRound[];
  /** Sequencer uptime feeds recorded on this network by `ocr:sequencer`. */
  sequencerUptimeFeeds?: SequencerStatusJson[];
}

function statusRound(entry: RoundHistoryEntry): StatusRound {
  return {
    phaseId: entry.phaseId,
    proxyRoundId: entry.proxyRoundId.toString(),
    aggregatorRoundId: entry.aggregatorRoundId.toString(),
    answer: entry.answer.toString(),
    timestamp: entry.timestamp.toString(),
    epoch: entry.epoch,
    round: entry.round,
    transmitter: entry.transmitter,
    observers: [...entry.observers],
    txHash: entry.txHash,
  };
}

async function callView<T>(contract: OcrFeed["aggregator"], name: string, ...args: unknown[]): Promise<T> {
  return (await contract.getFunction(name)(...args)) as T;
}

export async function collectStatus(network: string, chainId: bigint, feed: OcrFeed, rounds: number): Promise<StatusOutput> {
  const [configCount, configBlockNumber, configDigest] = await callView<[bigint, bigint, string]>(feed.aggregator, "latestConfigDetails");
  const [history, owed, linkBalance, linkAvailable, description] = await Promise.all([
    feed.history(),
    feed.owedPayments(),
    callView<bigint>(feed.linkToken, "balanceOf", feed.addresses.aggregator),
    callView<bigint>(feed.aggregator, "linkAvailableForPayment"),
    callView<string>(feed.aggregator, "description"),
  ]);
  return {
    network,
    chainId: chainId.toString(),
    feed: feed.name,
    description,
    decimals: feed.decimals,
    aggregator: feed.addresses.aggregator,
    proxy: feed.addresses.proxy,
    linkToken: feed.addresses.linkToken,
    phaseId: feed.phaseId,
    protocol: feed.protocol,
    n: feed.n,
    f: feed.f,
    configDigest,
    configCount: Number(configCount),
    configBlockNumber: Number(configBlockNumber),
    linkBalance: linkBalance.toString(),
    linkAvailableForPayment: linkAvailable.toString(),
    oracles: feed.oracles.map((o) => ({
      index: o.index,
      signer: o.signer,
      transmitter: o.transmitter,
      payee: o.payee,
      owedLink: (owed[o.index] ?? 0n).toString(),
    })),
    totalRounds: history.length,
    latestRounds: (rounds > 0 ? history.slice(-rounds) : []).reverse().map(statusRound),
  };
}

export function describeStatus(status: StatusOutput): string[] {
  const answer = (text: string) => formatFixed(BigInt(text), status.decimals);
  const lines = [
    `Feed ${JSON.stringify(status.feed)} on network "${status.network}" (chain ${status.chainId})`,
    `  description  ${status.description}, ${status.decimals} decimals`,
    `  proxy        ${status.proxy}  (phase ${status.phaseId})`,
    `  aggregator   ${status.aggregator}`,
    `  LINK token   ${status.linkToken}`,
    `  config       #${status.configCount} set in block ${status.configBlockNumber}, digest ${status.configDigest}`,
    `  committee    ${status.protocol.toUpperCase()}, n=${status.n}, f=${status.f}`,
    `  LINK         ${formatLink(BigInt(status.linkBalance))} held, ${formatLink(BigInt(status.linkAvailableForPayment))} left after what is owed`,
    "",
    "Oracles:",
    ...table([
      ["#", "signer", "transmitter", "payee", "owed LINK"],
      ...status.oracles.map((o) => [String(o.index), o.signer, o.transmitter, o.payee, formatLink(BigInt(o.owedLink))]),
    ]).map((line) => "  " + line),
    "",
  ];
  if (status.latestRounds.length === 0) {
    lines.push("No rounds yet: run `npx hardhat ocr:run-round` (with the same --network).");
    return lines;
  }
  lines.push(
    `Latest rounds (${status.latestRounds.length} of ${status.totalRounds}, newest first):`,
    ...table([
      ["proxy round", "phase", "agg round", "answer", "updated (UTC)", "epoch/round", "transmitter", "tx"],
      ...status.latestRounds.map((r) => [
        r.proxyRoundId,
        String(r.phaseId),
        r.aggregatorRoundId,
        answer(r.answer),
        new Date(Number(r.timestamp) * 1000).toISOString().replace(".000Z", "Z"),
        `${r.epoch}/${r.round}`,
        shortHex(r.transmitter),
        shortHex(r.txHash, 6),
      ]),
    ]).map((line) => "  " + line),
  );
  return lines;
}

export default async function statusAction(args: StatusTaskArguments, hre: HardhatRuntimeEnvironment): Promise<StatusOutput> {
  return withJsonErrors(args.json, () => status(args, hre));
}

async function status(args: StatusTaskArguments, hre: HardhatRuntimeEnvironment): Promise<StatusOutput> {
  if (!Number.isSafeInteger(args.rounds) || args.rounds < 0) {
    throw ocrError(`--rounds ${args.rounds} is not valid. Give how many of the latest rounds to show, 0 or more`);
  }
  const feedConfig = feedConfigFor(hre, args.feed);
  const ctx = await openTaskContext(hre);
  const feed = await openFeed(ctx, feedConfig, { deployIfMissing: false, readOnly: true });
  const status = await collectStatus(ctx.networkName, ctx.chainId, feed, args.rounds);
  status.sequencerUptimeFeeds = await collectSequencerStatuses(ctx);
  console.log(args.json ? toJson(status) : [...describeStatus(status), ...describeSequencerStatuses(status.sequencerUptimeFeeds)].join("\n"));
  return status;
}
