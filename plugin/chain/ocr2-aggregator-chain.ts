/**
 * The engine's chain interface over ethers for an OCR2Aggregator, beside the OCR1 adapter
 * (ethers-aggregator-chain.ts). What differs: the config comes from OCR2's ConfigSet event (six
 * arguments, 32-byte digest, the onchainConfig), RoundRequested carries a bytes32 digest, and
 * transmit takes the three reportContext words before the report.
 */
import { Contract, type ContractRunner, Interface, type Provider, type Signer, getAddress } from "ethers";

import type { Address } from "../core/address.js";
import { type Hex, hexToBytes } from "../core/bytes.js";
import type { ContractConfig, OffchainAggregatorChain, RoundRequest, TransmissionDetails, TransmitRequest, TransmitResult } from "../protocol/chain.js";
import { chainNowMs } from "./head-reader.js";
import type { TransactionQueue } from "./transaction-queue.js";
import { describeTransmitError } from "./transmit-sender.js";

/** The OCR2Aggregator functions and events the committee uses. */
export const OCR2_AGGREGATOR_ABI = [
  "function latestConfigDetails() view returns (uint32 configCount, uint32 blockNumber, bytes32 configDigest)",
  "function latestTransmissionDetails() view returns (bytes32 configDigest, uint32 epoch, uint8 round, int192 latestAnswer, uint64 latestTimestamp)",
  "function transmit(bytes32[3] reportContext, bytes report, bytes32[] rs, bytes32[] ss, bytes32 rawVs)",
  "function setConfig(address[] signers, address[] transmitters, uint8 f, bytes onchainConfig, uint64 offchainConfigVersion, bytes offchainConfig)",
  "function requestNewRound() returns (uint80)",
  "event ConfigSet(uint32 previousConfigBlockNumber, bytes32 configDigest, uint64 configCount, address[] signers, address[] transmitters, uint8 f, bytes onchainConfig, uint64 offchainConfigVersion, bytes offchainConfig)",
  "event RoundRequested(address indexed requester, bytes32 configDigest, uint32 epoch, uint8 round)",
] as const;

const OCR2_INTERFACE = new Interface(OCR2_AGGREGATOR_ABI);
/** How far back RoundRequested is searched (blocks); deltaC decides what is recent enough. */
const ROUND_REQUEST_SCAN_BLOCKS = 10_000;

export interface Ocr2AggregatorChainOptions {
  readonly provider: Provider;
  readonly aggregatorAddress: string;
  readonly transmitterSigner: (transmitterIndex: number, transmitterAddress: Address) => Signer | Promise<Signer>;
  /** Where transmits wait their turn (e.g. the feed's chain-time queue); default: sent at once. */
  readonly queue?: TransactionQueue;
  /** The clock the chain's blocks are stamped with, if they follow one. */
  readonly blockClock?: () => number;
  readonly reader?: ContractRunner;
}

export class Ocr2AggregatorChain implements OffchainAggregatorChain {
  readonly address: Address;
  readonly #options: Ocr2AggregatorChainOptions;
  readonly #reader: Contract;

  constructor(options: Ocr2AggregatorChainOptions) {
    this.address = getAddress(options.aggregatorAddress) as Address;
    this.#options = options;
    this.#reader = new Contract(this.address, OCR2_INTERFACE, options.reader ?? options.provider);
  }

  async latestConfig(): Promise<ContractConfig | null> {
    const [configCount, blockNumber, digest] = (await this.#reader.getFunction("latestConfigDetails").staticCall()) as [bigint, bigint, string];
    if (configCount === 0n) return null;
    const logs = await this.#options.provider.getLogs({
      address: this.address,
      topics: [OCR2_INTERFACE.getEvent("ConfigSet")!.topicHash],
      fromBlock: Number(blockNumber),
      toBlock: Number(blockNumber),
    });
    const log = logs.map((l) => OCR2_INTERFACE.parseLog(l)!).find((l) => l.args.configDigest === digest);
    if (log === undefined) throw new Error(`no ConfigSet event for digest ${digest} in block ${blockNumber}`);
    const a = log.args;
    return {
      protocol: "ocr2",
      contractAddress: this.address,
      configCount: a.configCount as bigint,
      blockNumber: Number(blockNumber),
      configDigest: hexToBytes(digest),
      signers: [...(a.signers as string[])] as Address[],
      transmitters: [...(a.transmitters as string[])] as Address[],
      threshold: Number(a.f),
      onchainConfig: hexToBytes(a.onchainConfig as string),
      encodedConfigVersion: a.offchainConfigVersion as bigint,
      encoded: hexToBytes(a.offchainConfig as string),
    };
  }

  async latestTransmissionDetails(): Promise<TransmissionDetails> {
    const [configDigest, epoch, round, latestAnswer, latestTimestamp] = (await this.#reader.getFunction("latestTransmissionDetails").staticCall()) as [string, bigint, bigint, bigint, bigint];
    return { configDigest: hexToBytes(configDigest), epoch: Number(epoch), round: Number(round), latestAnswer, latestTimestamp };
  }

  async latestRoundRequested(lookbackMs: number): Promise<RoundRequest | null> {
    const provider = this.#options.provider;
    const latest = await provider.getBlock("latest");
    if (latest === null) return null;
    const logs = await provider.getLogs({
      address: this.address,
      topics: [OCR2_INTERFACE.getEvent("RoundRequested")!.topicHash],
      fromBlock: Math.max(0, latest.number - ROUND_REQUEST_SCAN_BLOCKS),
      toBlock: latest.number,
    });
    const last = logs.at(-1);
    if (last === undefined) return null;
    const block = await provider.getBlock(last.blockNumber);
    if (block === null || block.timestamp * 1000 < latest.timestamp * 1000 - lookbackMs) return null;
    const a = OCR2_INTERFACE.parseLog(last)!.args;
    return { requester: a.requester as Address, configDigest: hexToBytes(a.configDigest as string), epoch: Number(a.epoch), round: Number(a.round) };
  }

  /** The time a block mined now would get (see chainNowMs): the block clock, or the node's pending block. */
  async nowMs(): Promise<number> {
    const provider = this.#options.provider;
    const latest = (await provider.getBlock("latest"))?.timestamp ?? 0;
    const blockClock = this.#options.blockClock;
    if (blockClock !== undefined) return chainNowMs(latest, { clockMs: blockClock() });
    const pending = await provider.getBlock("pending").then(
      (b) => b?.timestamp ?? null,
      () => null,
    );
    return chainNowMs(latest, { pendingBlockSec: pending });
  }

  async transmit(request: TransmitRequest): Promise<TransmitResult> {
    if (request.reportContext === undefined) return { ok: false, error: "an OCR2 transmit needs the reportContext words" };
    const send = async (): Promise<TransmitResult> => {
      try {
        const signer = await this.#options.transmitterSigner(request.transmitterIndex, request.transmitterAddress);
        const contract = new Contract(this.address, OCR2_INTERFACE, signer);
        const tx = await contract.getFunction("transmit")([...request.reportContext!], request.report, [...request.rs], [...request.ss], request.rawVs);
        const receipt = await tx.wait();
        return { ok: receipt?.status === 1, txHash: tx.hash as Hex, gasUsed: receipt?.gasUsed };
      } catch (error) {
        return { ok: false, error: describeTransmitError(error) };
      }
    };
    return this.#options.queue !== undefined ? this.#options.queue.enqueue(request.transmitterAddress, send) : send();
  }
}
