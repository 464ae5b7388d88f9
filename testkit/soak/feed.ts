/**
 * The soak's feed: LINK and our real OffchainAggregator (billing on) on a fresh in-process
 * Hardhat chain, and a (7, 2) committee whose chain is a `FaultyChain` around the ethers adapter,
 * so transmit faults are real transactions (or real absences of them): the committee tests'
 * deployCommitteeFeed with the fault wrapper in between.
 */
import type { Log } from "ethers";

import { EthersAggregatorChain } from "../../plugin/chain/ethers-aggregator-chain.js";
import { VirtualClock } from "../../plugin/protocol/clock.js";
import type { TransmitRequest } from "../../plugin/protocol/chain.js";
import type { CommitteeOptions } from "../../plugin/protocol/committee.js";
import { deployCommitteeFeed } from "../feed-fixture.js";
import { type LandedReport, NEW_TRANSMISSION_TOPIC, decodeNewTransmission } from "../landed-reports.js";
import { type ChainTime, FaultyChain, type RpcSender } from "./chain-faults.js";

/**
 * Gas for the transmit the "revert" fault sends: above the intrinsic cost and calldata floor of
 * a (7, 2) transmit, so the node accepts and mines it, and far below what executing it takes.
 */
export const UNDERPRICED_TRANSMIT_GAS = 60_000n;

export type SoakFeedSetup = Omit<CommitteeOptions, "chain" | "admin" | "clock"> & {
  readonly seed: string;
  /** Committee time a dropped transaction keeps its sender waiting. */
  readonly dropWaitMs: number;
  /** Shown every transmit request an oracle makes. */
  readonly onTransmit?: (request: TransmitRequest) => void;
  /** Keep the chain's clock on the committee's (for heartbeats measured in committee time). */
  readonly chainFollowsCommitteeTime?: boolean;
};

/** A report as the chain holds it (one NewTransmission log). */
export interface ChainReport extends LandedReport {
  /** The block's timestamp, in seconds (what the contract records as the report's time). */
  readonly timestampSec: number;
}

export async function deploySoakFeed(setup: SoakFeedSetup) {
  const clock = new VirtualClock({ seed: setup.seed + "/clock" });
  let intervalMiningMs: number | null = null;
  let chain: FaultyChain | undefined;
  const { dropWaitMs, onTransmit, chainFollowsCommitteeTime, ...committeeOptions } = setup;
  let chainTime: ChainTime | undefined;
  const feed = await deployCommitteeFeed({
    ...committeeOptions,
    clock,
    // Both adapters share the feed's wallets (the wrapper keeps their sends in order).
    chain: (parts) => {
      const inner = new EthersAggregatorChain(parts);
      const lowGas = new EthersAggregatorChain({ ...parts, transmitGasLimit: UNDERPRICED_TRANSMIT_GAS });
      chain = new FaultyChain({ inner, lowGas, clock, dropWaitMs, intervalMiningMs: () => intervalMiningMs, onTransmit, chainTime: () => chainTime });
      return chain;
    },
  });
  const { connection, provider, aggregator, aggregatorAddress, committee, link, owner } = feed;
  const rpc: RpcSender = provider;
  if (chainFollowsCommitteeTime === true) {
    const latest = await provider.getBlock("latest");
    chainTime = { rpc, originSec: (latest?.timestamp ?? 0) + 1, clockOriginMs: clock.now(), clock };
  }

  /** NewTransmission logs in blocks [fromBlock, latest], oldest first, and the latest block read. */
  async function reportsSince(fromBlock: number): Promise<{ reports: ChainReport[]; toBlock: number }> {
    const toBlock = await provider.getBlockNumber();
    if (toBlock < fromBlock) return { reports: [], toBlock };
    const logs = await provider.getLogs({ address: aggregatorAddress, topics: [NEW_TRANSMISSION_TOPIC], fromBlock, toBlock });
    const reports: ChainReport[] = [];
    for (const log of logs) {
      const block = await provider.getBlock(log.blockNumber);
      reports.push(toChainReport(log, block?.timestamp ?? 0));
    }
    return { reports, toBlock };
  }

  return {
    connection,
    provider,
    rpc,
    aggregator,
    aggregatorAddress,
    committee,
    link,
    owner,
    chain: chain!,
    clock,
    reportsSince,
    /** With the chain's clock on the committee's: chain time origin (ms) and the committee time it stands for. */
    chainOriginMs: (chainTime?.originSec ?? 0) * 1000,
    clockOriginMs: chainTime?.clockOriginMs ?? 0,
    /** Mine a block every `ms` of committee time from now on (null: back to automine). */
    setIntervalMining(ms: number | null): void {
      intervalMiningMs = ms;
    },
  };
}

export type SoakFeed = Awaited<ReturnType<typeof deploySoakFeed>>;

function toChainReport(log: Log, timestampSec: number): ChainReport {
  return { ...decodeNewTransmission(log), timestampSec };
}
