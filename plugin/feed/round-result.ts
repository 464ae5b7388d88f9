/**
 * Describing a report that landed: the committee's result says what was sent, by whom, at which
 * stage, and who signed it; the receipt says what the contract stored; the proxy says what a
 * consumer reads back.
 */
import { type Contract, Interface, type Provider } from "ethers";

import type { RoundHistoryEntry, RoundResult } from "../api-types.js";
import { sameAddress } from "../core/address.js";
import { bytesToHex, hexToBytes } from "../core/bytes.js";
import { decodeReport, decodeReportContext, reportMedian } from "../core/report.js";
import type { ReportLanded } from "../protocol/results.js";
import { rawSender } from "../chain/json-rpc.js";
import { abiDecode } from "../core/abi.js";
import { decodeOcr2Report, decodeOcr2ReportContext, ocr2ReportMedian } from "../core/ocr2/report.js";
import { PROXY_ABI, aggregatorInterface, proxyRoundId } from "./contracts.js";
import { ocr2FeedInterface } from "./ocr2-phase.js";

export interface LandedContext {
  readonly provider: Provider;
  readonly proxy: Contract;
  readonly phaseId: number;
}

/** The full `RoundResult` of the report `landed`. */
export async function roundResultOf(landed: ReportLanded, context: LandedContext): Promise<RoundResult> {
  const { txHash } = landed;
  if (txHash === undefined) throw new Error(`the transmission of epoch ${landed.epoch} round ${landed.round} has no transaction hash`);
  const { gasUsed, blockNumber, aggregatorRoundId } = await landedReceipt(landed, txHash, context.provider);
  const roundId = proxyRoundId(context.phaseId, aggregatorRoundId);
  // updatedAt is the timestamp of the block the report landed in (both aggregator versions
  // store block.timestamp with the answer), so the block itself need not be fetched.
  const [, answer, startedAt, updatedAt] = await proxyRoundData(context, roundId);
  const common = {
    leader: landed.leader,
    report: bytesToHex(landed.report),
    rs: [...landed.rs],
    ss: [...landed.ss],
    rawVs: landed.rawVs,
    signers: [...landed.signers],
    reason: landed.reason,
    transmitter: { oracle: landed.transmitter, address: landed.transmitterAddress, stage: landed.stage },
    txHash,
    gasUsed,
    blockNumber,
    timestamp: updatedAt,
    aggregatorRoundId,
    proxyRoundId: roundId,
    answer,
  };
  if (landed.protocol === "ocr2" && landed.reportContext !== undefined) {
    const report = decodeOcr2Report(landed.report);
    const reportContext = decodeOcr2ReportContext(landed.reportContext.map(hexToBytes));
    return {
      protocol: "ocr2",
      configDigest: bytesToHex(reportContext.configDigest),
      epoch: landed.epoch,
      round: landed.round,
      observations: report.observers.map((oracle, i) => ({ oracle, value: report.observations[i] })),
      median: ocr2ReportMedian(report),
      ...common,
      reportContext: [...landed.reportContext] as [string, string, string],
      observationsTimestamp: BigInt(report.observationsTimestamp),
      juelsPerFeeCoin: report.juelsPerFeeCoin,
      startedAt,
      updatedAt,
    };
  }
  const decoded = decodeReport(landed.report);
  return {
    protocol: "ocr1",
    configDigest: bytesToHex(decoded.context.configDigest),
    epoch: landed.epoch,
    round: landed.round,
    observations: decoded.observers.map((oracle, i) => ({ oracle, value: decoded.observations[i] })),
    median: reportMedian(decoded.observations),
    ...common,
  };
}

/**
 * What the transmit's receipt says: carried by the committee when its chain adapter read the
 * receipt, else (another adapter) asked of the node.
 */
async function landedReceipt(landed: ReportLanded, txHash: string, provider: Provider): Promise<{ gasUsed: bigint; blockNumber: number; aggregatorRoundId: bigint }> {
  if (landed.receipt !== undefined && landed.gasUsed !== undefined) return { gasUsed: landed.gasUsed, ...landed.receipt };
  const receipt = await provider.getTransactionReceipt(txHash);
  if (receipt === null) throw new Error(`transaction ${txHash} is not on chain`);
  const events = landed.protocol === "ocr2" ? ocr2FeedInterface : aggregatorInterface;
  const newTransmission = receipt.logs
    .map((log) => (sameAddress(log.address, receipt.to ?? "") ? events.parseLog(log) : null))
    .find((parsed) => parsed?.name === "NewTransmission");
  if (newTransmission == null) throw new Error(`transaction ${txHash} emitted no NewTransmission`);
  return { gasUsed: receipt.gasUsed, blockNumber: receipt.blockNumber, aggregatorRoundId: newTransmission.args.aggregatorRoundId as bigint };
}

/**
 * The proxy's getRoundData(roundId): a raw eth_call and the plugin's decoder when the provider
 * allows (an ethers contract call costs several times the request), else through ethers.
 */
async function proxyRoundData(context: LandedContext, roundId: bigint): Promise<readonly bigint[]> {
  const send = rawSender(context.provider);
  if (send === null) return (await context.proxy.getRoundData(roundId)) as bigint[];
  const to = await context.proxy.getAddress();
  // getRoundData(uint80): the selector, then the round id as one word (a proxy round id always fits).
  const data = (await send("eth_call", [{ to, data: GET_ROUND_DATA.selector + roundId.toString(16).padStart(64, "0") }, "latest"])) as string;
  return abiDecode(GET_ROUND_DATA_OUTPUTS, hexToBytes(data)) as bigint[];
}

const GET_ROUND_DATA = new Interface(PROXY_ABI).getFunction("getRoundData")!;
const GET_ROUND_DATA_OUTPUTS = GET_ROUND_DATA.outputs.map((o) => o.type);

/**
 * Every round stored by every phase's aggregator, oldest first, from NewTransmission events.
 * Phases come from the proxy, so aggregators replaced by earlier upgrades are included.
 */
export async function readHistory(provider: Provider, proxy: Contract): Promise<RoundHistoryEntry[]> {
  const currentPhase = Number(await proxy.phaseId());
  const ocr1Topic = aggregatorInterface.getEvent("NewTransmission")!.topicHash;
  const ocr2Topic = ocr2FeedInterface.getEvent("NewTransmission")!.topicHash;
  const blockTimes = new Map<number, bigint>();
  const timestampOf = async (blockNumber: number) => {
    if (!blockTimes.has(blockNumber)) blockTimes.set(blockNumber, BigInt((await provider.getBlock(blockNumber))?.timestamp ?? 0));
    return blockTimes.get(blockNumber)!;
  };
  const entries: RoundHistoryEntry[] = [];
  for (let phaseId = 1; phaseId <= currentPhase; phaseId++) {
    const aggregator = (await proxy.phaseAggregators(phaseId)) as string;
    const logs = await provider.getLogs({ address: aggregator, topics: [[ocr1Topic, ocr2Topic]], fromBlock: 0, toBlock: "latest" });
    for (const log of logs) {
      const ocr2 = log.topics[0] === ocr2Topic;
      const { args } = (ocr2 ? ocr2FeedInterface : aggregatorInterface).parseLog(log)!;
      // OCR2 packs (epoch, round) as epochAndRound = epoch << 8 | round.
      const context = ocr2
        ? { epoch: Number(BigInt(args.epochAndRound) >> 8n), round: Number(BigInt(args.epochAndRound) & 0xffn) }
        : decodeReportContext(hexToBytes(args.rawReportContext as string));
      const observations = [...(args.observations as bigint[])];
      const aggregatorRoundId = args.aggregatorRoundId as bigint;
      entries.push({
        phaseId,
        aggregator,
        aggregatorRoundId,
        proxyRoundId: proxyRoundId(phaseId, aggregatorRoundId),
        answer: args.answer as bigint,
        timestamp: await timestampOf(log.blockNumber),
        epoch: context.epoch,
        round: context.round,
        transmitter: args.transmitter as string,
        observations,
        // rawObservers is 32 bytes; only the first (number of observations) are meaningful.
        observers: [...hexToBytes(args.observers as string).subarray(0, observations.length)],
        txHash: log.transactionHash,
      });
    }
  }
  return entries;
}
