/**
 * The soak's feed: LINK and our real OffchainAggregator (billing on) on a fresh in-process
 * Hardhat chain, and a (7, 2) committee whose chain is a `FaultyChain` around the ethers adapter,
 * so transmit faults are real transactions (or real absences of them). Same shape as the
 * committee tests' deployCommitteeFeed, with the fault wrapper in between.
 */
import { type Contract, Interface, type Log, Wallet } from "ethers";
import { network } from "hardhat";

import { EthersAggregatorChain } from "../../plugin/chain/ethers-aggregator-chain.js";
import { bytesToHex, hexToBytes } from "../../plugin/core/bytes.js";
import type { SetConfigArgs } from "../../plugin/core/config/encoding.js";
import { decodeReportContext } from "../../plugin/core/report.js";
import { VirtualClock } from "../../plugin/protocol/clock.js";
import { Committee, type CommitteeOptions } from "../../plugin/protocol/committee.js";
import { BILLING, ETHER, LINK, MAX_ANSWER, MIN_ANSWER } from "../../test/committee/committee-feed.js";
import { FaultyChain, type RpcSender } from "./chain-faults.js";

/**
 * Gas for the transmit the "revert" fault sends: above the intrinsic cost and calldata floor of
 * a (7, 2) transmit, so the node accepts and mines it, and far below what executing it takes.
 */
export const UNDERPRICED_TRANSMIT_GAS = 60_000n;

const NEW_TRANSMISSION = new Interface([
  "event NewTransmission(uint32 indexed aggregatorRoundId, int192 answer, address transmitter, int192[] observations, bytes observers, bytes32 rawReportContext)",
]);
const NEW_TRANSMISSION_TOPIC = NEW_TRANSMISSION.getEvent("NewTransmission")!.topicHash;

export type SoakFeedSetup = Omit<CommitteeOptions, "chain" | "admin" | "clock"> & {
  readonly seed: string;
  /** Committee time a dropped transaction keeps its sender waiting. */
  readonly dropWaitMs: number;
};

/** A report as the chain holds it (one NewTransmission log). */
export interface ChainReport {
  readonly aggregatorRoundId: number;
  readonly answer: bigint;
  readonly observations: readonly bigint[];
  readonly configDigestHex: string;
  readonly epoch: number;
  readonly round: number;
  readonly blockNumber: number;
}

export async function deploySoakFeed(setup: SoakFeedSetup) {
  const connection = await network.create();
  const { ethers, networkHelpers } = connection;
  const provider = ethers.provider;

  const link = (await ethers.deployContract("LinkToken")) as unknown as Contract;
  const aggregator = (await ethers.deployContract("OffchainAggregator", [
    ...BILLING,
    await link.getAddress(),
    MIN_ANSWER,
    MAX_ANSWER,
    ethers.ZeroAddress,
    ethers.ZeroAddress,
    8,
    "SOAK / USD",
  ])) as unknown as Contract;
  const aggregatorAddress = await aggregator.getAddress();

  // One wallet per oracle, shared by both adapters (the wrapper keeps their sends in order).
  const wallets = new Map<number, Wallet>();
  const transmitterSigner = (index: number): Wallet => {
    let wallet = wallets.get(index);
    if (wallet === undefined) {
      wallet = new Wallet(bytesToHex(committee.keys[index].transmitterKey), provider);
      wallets.set(index, wallet);
    }
    return wallet;
  };
  const inner = new EthersAggregatorChain({ provider, aggregatorAddress, transmitterSigner });
  const lowGas = new EthersAggregatorChain({ provider, aggregatorAddress, transmitterSigner, transmitGasLimit: UNDERPRICED_TRANSMIT_GAS });
  const clock = new VirtualClock({ seed: setup.seed + "/clock" });
  const rpc: RpcSender = provider;
  let intervalMining = false;
  const chain = new FaultyChain({ inner, lowGas, clock, dropWaitMs: setup.dropWaitMs, intervalMining: () => intervalMining });
  const admin = {
    async setConfig(args: SetConfigArgs): Promise<void> {
      const tx = await aggregator.setConfig(args.signers, args.transmitters, args.threshold, args.encodedConfigVersion, args.encoded);
      await tx.wait();
    },
  };
  const { dropWaitMs: _dropWaitMs, ...committeeOptions } = setup;
  const committee: Committee = new Committee({ ...committeeOptions, clock, chain, admin });

  const transmitters = committee.keys.map((k) => k.transmitterAddress);
  const payees = committee.keys.map((_, i) => ethers.getAddress(ethers.dataSlice(ethers.id(`${setup.seed} payee ${i}`), 12)));
  for (const t of transmitters) await networkHelpers.setBalance(t, 1000n * ETHER);
  await (await aggregator.setPayees(transmitters, payees)).wait();
  await (await link.transfer(aggregatorAddress, 1_000_000n * LINK)).wait();

  /** NewTransmission logs in blocks [fromBlock, latest], oldest first, and the latest block read. */
  async function reportsSince(fromBlock: number): Promise<{ reports: ChainReport[]; toBlock: number }> {
    const toBlock = await provider.getBlockNumber();
    if (toBlock < fromBlock) return { reports: [], toBlock };
    const logs = await provider.getLogs({ address: aggregatorAddress, topics: [NEW_TRANSMISSION_TOPIC], fromBlock, toBlock });
    return { reports: logs.map(toChainReport), toBlock };
  }

  return {
    connection,
    provider,
    rpc,
    aggregator,
    aggregatorAddress,
    committee,
    chain,
    clock,
    reportsSince,
    /** Tell the wrapper whether the node mines on an interval (for its counters). */
    setIntervalMiningFlag(on: boolean): void {
      intervalMining = on;
    },
  };
}

export type SoakFeed = Awaited<ReturnType<typeof deploySoakFeed>>;

function toChainReport(log: Log): ChainReport {
  const { args } = NEW_TRANSMISSION.parseLog(log)!;
  const context = decodeReportContext(hexToBytes(args.rawReportContext as string));
  return {
    aggregatorRoundId: Number(args.aggregatorRoundId),
    answer: args.answer as bigint,
    observations: [...(args.observations as bigint[])],
    configDigestHex: bytesToHex(context.configDigest),
    epoch: context.epoch,
    round: context.round,
    blockNumber: log.blockNumber,
  };
}
