/**
 * A real OCR1 feed on a fresh Hardhat chain with an in-process committee wired to it, and the
 * readers the committee tests use to check what actually landed on chain.
 */
import { type Contract, type Log, type Provider, Interface, Wallet } from "ethers";
import { network } from "hardhat";

import { EthersAggregatorChain } from "../plugin/chain/ethers-aggregator-chain.js";
import type { Address } from "../plugin/core/address.js";
import { bytesToHex, concatBytes, hexToBytes } from "../plugin/core/bytes.js";
import type { SetConfigArgs } from "../plugin/core/config/encoding.js";
import { decodeReportContext, recoverReportSigner } from "../plugin/core/report.js";
import type { DataSource } from "../plugin/data-sources/data-source.js";
import { fromFunction } from "../plugin/data-sources/simple.js";
import type { OffchainAggregatorChain } from "../plugin/protocol/chain.js";
import { Committee, type CommitteeOptions } from "../plugin/protocol/committee.js";

// ---------------------------------------------------------------------------------------------
// Feed deployment

/** Chainlink's OCR integration-test billing: 1000/200 gwei, 36 LINK/ETH, 0.1 / 0.4 LINK rewards. */
export const BILLING = [1000n, 200n, 36_000_000n, 100_000_000n, 400_000_000n] as const;
/** $1 … $1,000,000 with 8 decimals: every price these tests produce, nothing absurd. */
export const MIN_ANSWER = 1n * 10n ** 8n;
export const MAX_ANSWER = 1_000_000n * 10n ** 8n;
export const ETHER = 10n ** 18n;
export const LINK = 10n ** 18n;

/** What the tests read back: NewTransmission and AnswerUpdated, with the transmit calldata. */
const FEED_EVENTS = new Interface([
  "event NewTransmission(uint32 indexed aggregatorRoundId, int192 answer, address transmitter, int192[] observations, bytes observers, bytes32 rawReportContext)",
  "event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt)",
  "function transmit(bytes report, bytes32[] rs, bytes32[] ss, bytes32 rawVs)",
]);

/** What an adapter for the feed needs; `chain` in the setup may wrap the adapter built from it. */
export interface ChainParts {
  readonly provider: Provider;
  readonly aggregatorAddress: string;
  readonly transmitterSigner: (index: number) => Wallet;
}

export type CommitteeSetup = Omit<CommitteeOptions, "chain" | "admin" | "seed"> & {
  readonly seed: string;
  /** The committee's chain; default a plain EthersAggregatorChain over `parts`. */
  readonly chain?: (parts: ChainParts) => OffchainAggregatorChain;
};

/**
 * A fresh chain with LINK and an OffchainAggregator (billing on), and a committee wired to it:
 * its transmitters hold ETH and have payees, the aggregator holds LINK to pay them, the admin
 * is the contract owner calling the real setConfig, and each oracle transmits from its own key.
 */
export async function deployCommitteeFeed(setup: CommitteeSetup) {
  const connection = await network.create();
  const { ethers, networkHelpers } = connection;
  const [owner] = await ethers.getSigners();
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
    "ETH / USD",
  ])) as unknown as Contract;
  const aggregatorAddress = await aggregator.getAddress();

  // Each oracle sends from its own key; the committee (created below) knows the keys.
  const wallets = new Map<number, Wallet>();
  const parts: ChainParts = {
    provider,
    aggregatorAddress,
    transmitterSigner: (index): Wallet => {
      let wallet = wallets.get(index);
      if (wallet === undefined) {
        wallet = new Wallet(bytesToHex(committee.keys[index].transmitterKey), provider);
        wallets.set(index, wallet);
      }
      return wallet;
    },
  };
  const { chain: chainFor, ...committeeSetup } = setup;
  const chain = chainFor?.(parts) ?? new EthersAggregatorChain(parts);
  const admin = {
    async setConfig(args: SetConfigArgs): Promise<void> {
      const tx = await aggregator.setConfig(args.signers, args.transmitters, args.threshold, args.encodedConfigVersion, args.encoded);
      await tx.wait();
    },
  };
  const committee: Committee = new Committee({ ...committeeSetup, chain, admin });

  const transmitters = committee.keys.map((k) => k.transmitterAddress);
  // Payees are plain derived addresses: they only ever receive LINK.
  const payees = committee.keys.map((_, i) => ethers.getAddress(ethers.dataSlice(ethers.id(`${setup.seed} payee ${i}`), 12)));
  // Enough for thousands of transmits (the soak sends one per step).
  for (const t of transmitters) await networkHelpers.setBalance(t, 1000n * ETHER);
  await (await aggregator.setPayees(transmitters, payees)).wait();
  await (await link.transfer(aggregatorAddress, 1_000_000n * LINK)).wait();

  return { connection, ethers, networkHelpers, owner, provider, link, aggregator, aggregatorAddress, committee };
}

export type Feed = Awaited<ReturnType<typeof deployCommitteeFeed>>;

// ---------------------------------------------------------------------------------------------
// Data sources

export const BASE_PRICE = 2000n * 10n ** 8n;

/**
 * A price that rises 1 % with every (epoch, round) slot, slot = epoch · rMax + round, so each
 * round deviates from the last report by at least 1 % > alpha (0.5 %) and every round reports,
 * however many slots an epoch change skips. A pure function of (epoch, round): all oracles of
 * a round see the same market, each with its own fixed offset (within ±0.01 % of the price)
 * so that the median is a real choice. It stays below MAX_ANSWER for the first ~600 slots.
 */
export function risingMarket(rMax: number): DataSource {
  return fromFunction(({ oracleIndex, epoch, round }) => {
    const slot = BigInt(epoch * rMax + round);
    const price = (BASE_PRICE * 101n ** slot) / 100n ** slot;
    const offset = ((BigInt((oracleIndex * 7919) % 201) - 100n) * price) / 1_000_000n;
    return price + offset;
  }, "rising-market");
}

// ---------------------------------------------------------------------------------------------
// Reading the chain

export interface LandedReport {
  readonly aggregatorRoundId: number;
  readonly answer: bigint;
  readonly transmitter: Address;
  readonly observations: readonly bigint[];
  readonly observers: readonly number[];
  readonly configDigest: Uint8Array;
  readonly epoch: number;
  readonly round: number;
  readonly txHash: string;
  readonly blockNumber: number;
}

/** Every NewTransmission the aggregator emitted, oldest first. */
export async function landedReports(feed: Feed): Promise<LandedReport[]> {
  const logs = await feed.provider.getLogs({
    address: feed.aggregatorAddress,
    topics: [FEED_EVENTS.getEvent("NewTransmission")!.topicHash],
    fromBlock: 0,
    toBlock: "latest",
  });
  return logs.map((log: Log) => {
    const { args } = FEED_EVENTS.parseLog(log)!;
    const context = decodeReportContext(hexToBytes(args.rawReportContext as string));
    return {
      aggregatorRoundId: Number(args.aggregatorRoundId),
      answer: args.answer as bigint,
      transmitter: args.transmitter as Address,
      observations: [...(args.observations as bigint[])],
      observers: [...hexToBytes(args.observers as string)],
      configDigest: context.configDigest,
      epoch: context.epoch,
      round: context.round,
      txHash: log.transactionHash,
      blockNumber: log.blockNumber,
    };
  });
}

/** AnswerUpdated (answer, roundId) pairs, oldest first. */
export async function answerUpdates(feed: Feed): Promise<{ answer: bigint; roundId: bigint }[]> {
  const logs = await feed.provider.getLogs({
    address: feed.aggregatorAddress,
    topics: [FEED_EVENTS.getEvent("AnswerUpdated")!.topicHash],
    fromBlock: 0,
    toBlock: "latest",
  });
  return logs.map((log) => {
    const { args } = FEED_EVENTS.parseLog(log)!;
    return { answer: args.current as bigint, roundId: args.roundId as bigint };
  });
}

/** The signers of the report a transmit transaction carried, recovered from its calldata. */
export async function reportSignersOf(feed: Feed, txHash: string): Promise<Address[]> {
  const tx = await feed.provider.getTransaction(txHash);
  const { args } = FEED_EVENTS.parseTransaction({ data: tx!.data })!;
  const report = hexToBytes(args.report as string);
  const rawVs = hexToBytes(args.rawVs as string);
  return (args.rs as string[]).map((r, i) =>
    recoverReportSigner(report, concatBytes(hexToBytes(r), hexToBytes((args.ss as string[])[i]), Uint8Array.of(rawVs[i]))),
  );
}
