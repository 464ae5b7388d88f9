/**
 * Describing a report that landed: the committee's trace says who led, who sent and at which
 * stage; the transaction and its receipt say what was sent and what the contract stored; the
 * proxy says what a consumer reads back.
 */
import { type Contract, type Provider } from "ethers";

import type { ReportReason, RoundHistoryEntry, RoundResult } from "../api-types.js";
import { type Address, sameAddress } from "../core/address.js";
import { bytesToHex, concatBytes, hexToBytes } from "../core/bytes.js";
import { decodeReport, decodeReportContext, recoverReportSigner, reportMedian } from "../core/report.js";
import type { TraceEvent } from "../protocol/trace.js";
import { aggregatorInterface, proxyRoundId } from "./contracts.js";

type LandedEvent = Extract<TraceEvent, { type: "transmit-landed" }>;

/** The leader of `epoch` as the oracles announced it when they entered it. */
export function leaderOfEpoch(trace: readonly TraceEvent[], epoch: number): number | undefined {
  for (let i = trace.length - 1; i >= 0; i--) {
    const e = trace[i];
    if (e.type === "epoch-start" && e.epoch === epoch) return e.leader;
  }
  return undefined;
}

/** Why the committee reported, most telling first (see `ReportReason`). */
const REASON_ORDER: readonly ReportReason[] = ["first", "deviation", "heartbeat", "requested", "chain-read-failed"];
const REASON_OF_DECISION: Readonly<Record<string, ReportReason>> = {
  "initial-round": "first",
  deviation: "deviation",
  heartbeat: "heartbeat",
  "round-requested": "requested",
  "chain-read-failed": "chain-read-failed",
};

/**
 * Why (epoch, round) was reported: the reasons the signing oracles gave when they decided to
 * sign (their should-report decisions), the most telling one first. A first answer beats a
 * deviation, which beats an expired heartbeat, which beats an owner's round request.
 */
export function reportReason(trace: readonly TraceEvent[], epoch: number, round: number, signerIndices: readonly number[]): ReportReason {
  const given = new Set<ReportReason>();
  for (const e of trace) {
    if (e.type !== "should-report" || e.epoch !== epoch || e.round !== round || !e.report) continue;
    if (signerIndices.length > 0 && !signerIndices.includes(e.oracle)) continue;
    for (const r of e.reasons) {
      const reason = REASON_OF_DECISION[r];
      if (reason !== undefined) given.add(reason);
    }
  }
  return REASON_ORDER.find((r) => given.has(r)) ?? "requested";
}

/** Oracle indices of the report's signers, recovered from the transmit arguments. */
export function recoverSigners(report: Uint8Array, rs: readonly string[], ss: readonly string[], rawVs: string, signers: readonly Address[]): number[] {
  const vs = hexToBytes(rawVs);
  return rs.map((r, i) => {
    const signature = concatBytes(hexToBytes(r), hexToBytes(ss[i]), Uint8Array.of(vs[i]));
    const address = recoverReportSigner(report, signature);
    const index = signers.findIndex((s) => sameAddress(s, address));
    if (index < 0) throw new Error(`report signature ${i} recovers to ${address}, which is not an oracle of this feed`);
    return index;
  });
}

export interface LandedContext {
  readonly provider: Provider;
  readonly proxy: Contract;
  readonly phaseId: number;
  readonly signerAddresses: readonly Address[];
  readonly trace: readonly TraceEvent[];
}

/** The full `RoundResult` of the transmission `landed`. */
export async function roundResultOf(landed: LandedEvent, context: LandedContext): Promise<RoundResult> {
  if (landed.txHash === undefined) throw new Error(`the transmission of epoch ${landed.epoch} round ${landed.round} has no transaction hash`);
  const { provider } = context;
  const [tx, receipt] = await Promise.all([provider.getTransaction(landed.txHash), provider.getTransactionReceipt(landed.txHash)]);
  if (tx === null || receipt === null) throw new Error(`transaction ${landed.txHash} is not on chain`);
  const call = aggregatorInterface.parseTransaction({ data: tx.data });
  if (call === null || call.name !== "transmit") throw new Error(`transaction ${landed.txHash} is not a transmit`);
  const reportHex = call.args.report as string;
  const rs = [...(call.args.rs as string[])];
  const ss = [...(call.args.ss as string[])];
  const rawVs = call.args.rawVs as string;
  const report = hexToBytes(reportHex);
  const decoded = decodeReport(report);

  const newTransmission = receipt.logs
    .map((log) => (sameAddress(log.address, tx.to ?? "") ? aggregatorInterface.parseLog(log) : null))
    .find((parsed) => parsed?.name === "NewTransmission");
  if (newTransmission == null) throw new Error(`transaction ${landed.txHash} emitted no NewTransmission`);
  const aggregatorRoundId = newTransmission.args.aggregatorRoundId as bigint;
  const block = await provider.getBlock(receipt.blockNumber);
  const roundId = proxyRoundId(context.phaseId, aggregatorRoundId);
  const [, answer] = (await context.proxy.getRoundData(roundId)) as [bigint, bigint];

  const epoch = decoded.context.epoch;
  const signers = recoverSigners(report, rs, ss, rawVs, context.signerAddresses);
  return {
    configDigest: bytesToHex(decoded.context.configDigest),
    epoch,
    round: decoded.context.round,
    leader: leaderOfEpoch(context.trace, epoch) ?? -1,
    observations: decoded.observers.map((oracle, i) => ({ oracle, value: decoded.observations[i] })),
    median: reportMedian(decoded.observations),
    report: reportHex,
    rs,
    ss,
    rawVs,
    signers,
    reason: reportReason(context.trace, epoch, decoded.context.round, signers),
    transmitter: { oracle: landed.oracle, address: landed.transmitter, stage: landed.stage },
    txHash: landed.txHash,
    gasUsed: receipt.gasUsed,
    blockNumber: receipt.blockNumber,
    timestamp: BigInt(block?.timestamp ?? 0),
    aggregatorRoundId,
    proxyRoundId: roundId,
    answer,
  };
}

/**
 * Every round stored by every phase's aggregator, oldest first, from NewTransmission events.
 * Phases come from the proxy, so aggregators replaced by earlier upgrades are included.
 */
export async function readHistory(provider: Provider, proxy: Contract): Promise<RoundHistoryEntry[]> {
  const currentPhase = Number(await proxy.phaseId());
  const topic = aggregatorInterface.getEvent("NewTransmission")!.topicHash;
  const blockTimes = new Map<number, bigint>();
  const timestampOf = async (blockNumber: number) => {
    if (!blockTimes.has(blockNumber)) blockTimes.set(blockNumber, BigInt((await provider.getBlock(blockNumber))?.timestamp ?? 0));
    return blockTimes.get(blockNumber)!;
  };
  const entries: RoundHistoryEntry[] = [];
  for (let phaseId = 1; phaseId <= currentPhase; phaseId++) {
    const aggregator = (await proxy.phaseAggregators(phaseId)) as string;
    const logs = await provider.getLogs({ address: aggregator, topics: [topic], fromBlock: 0, toBlock: "latest" });
    for (const log of logs) {
      const { args } = aggregatorInterface.parseLog(log)!;
      const context = decodeReportContext(hexToBytes(args.rawReportContext as string));
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
