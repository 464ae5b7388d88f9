/**
 * Reading back what landed on an OCR1 aggregator: NewTransmission and AnswerUpdated logs, and
 * the signers of a transmit recovered from its calldata.
 */
import { type Log, type Provider, Interface } from "ethers";

import { AGGREGATOR_ABI } from "../plugin/core/abi.js";
import type { Address } from "../plugin/core/address.js";
import { bytesToHex, concatBytes, hexToBytes } from "../plugin/core/bytes.js";
import { decodeReportContext, recoverReportSigner } from "../plugin/core/report.js";

/** What the readers decode (NewTransmission and AnswerUpdated, with the transmit calldata): the plugin's aggregator ABI. */
const FEED_EVENTS = new Interface(AGGREGATOR_ABI);
export const NEW_TRANSMISSION_TOPIC = FEED_EVENTS.getEvent("NewTransmission")!.topicHash;
const ANSWER_UPDATED_TOPIC = FEED_EVENTS.getEvent("AnswerUpdated")!.topicHash;

/** Where the readers look: the chain and the aggregator. */
export interface FeedOnChain {
  readonly provider: Provider;
  readonly aggregatorAddress: string;
}

/** A report as the aggregator logs it in NewTransmission. */
export interface LoggedReport {
  readonly aggregatorRoundId: number;
  readonly answer: bigint;
  /** As logged by the contract (sorted). */
  readonly observations: readonly bigint[];
  /** The oracle index of each observation, in the same order (the logged `observers` bytes). */
  readonly observers: readonly number[];
  /** Lower-case hex. */
  readonly configDigestHex: string;
  readonly epoch: number;
  readonly round: number;
}

/** One NewTransmission log, decoded, with where it landed. */
export interface LandedReport extends LoggedReport {
  readonly transmitter: Address;
  readonly txHash: string;
  readonly blockNumber: number;
}

/** Decode one NewTransmission log. */
export function decodeNewTransmission(log: Log): LandedReport {
  const { args } = FEED_EVENTS.parseLog(log)!;
  const context = decodeReportContext(hexToBytes(args.rawReportContext as string));
  const observations = [...(args.observations as bigint[])];
  return {
    aggregatorRoundId: Number(args.aggregatorRoundId),
    answer: args.answer as bigint,
    transmitter: args.transmitter as Address,
    observations,
    observers: [...hexToBytes(args.observers as string)].slice(0, observations.length),
    configDigestHex: bytesToHex(context.configDigest),
    epoch: context.epoch,
    round: context.round,
    txHash: log.transactionHash,
    blockNumber: log.blockNumber,
  };
}

/** Every NewTransmission the aggregator emitted, oldest first. */
export async function landedReports(feed: FeedOnChain): Promise<LandedReport[]> {
  const logs = await feed.provider.getLogs({ address: feed.aggregatorAddress, topics: [NEW_TRANSMISSION_TOPIC], fromBlock: 0, toBlock: "latest" });
  return logs.map(decodeNewTransmission);
}

/** AnswerUpdated (answer, roundId) pairs, oldest first. */
export async function answerUpdates(feed: FeedOnChain): Promise<{ answer: bigint; roundId: bigint }[]> {
  const logs = await feed.provider.getLogs({ address: feed.aggregatorAddress, topics: [ANSWER_UPDATED_TOPIC], fromBlock: 0, toBlock: "latest" });
  return logs.map((log) => {
    const { args } = FEED_EVENTS.parseLog(log)!;
    return { answer: args.current as bigint, roundId: args.roundId as bigint };
  });
}

/** The signers of the report a transmit transaction carried, recovered from its calldata. */
export async function reportSignersOf(feed: FeedOnChain, txHash: string): Promise<Address[]> {
  const tx = await feed.provider.getTransaction(txHash);
  const { args } = FEED_EVENTS.parseTransaction({ data: tx!.data })!;
  const report = hexToBytes(args.report as string);
  const rawVs = hexToBytes(args.rawVs as string);
  return (args.rs as string[]).map((r, i) =>
    recoverReportSigner(report, concatBytes(hexToBytes(r), hexToBytes((args.ss as string[])[i]), Uint8Array.of(rawVs[i]))),
  );
}
