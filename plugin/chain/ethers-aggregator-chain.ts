/**
 * The engine's chain interface (`OffchainAggregatorChain`) over ethers v6: what lets the
 * in-process committee drive a real OffchainAggregator on a Hardhat chain or any JSON-RPC node.
 * This is the only place where the committee touches ethers. It is three parts: a head reader
 * (config, latest transmission, the chain's now), a round-request scanner and a transmit sender.
 */
import { type ContractRunner, type Provider, type Signer, getAddress } from "ethers";

import type { Address } from "../core/address.js";
import type {
  ContractConfig,
  OffchainAggregatorChain,
  RoundRequest,
  TransmissionDetails,
  TransmitRequest,
  TransmitResult,
} from "../protocol/chain.js";
import type { AggregatorDialect } from "./aggregator-dialect.js";
import { type HeadBlock, HeadReader } from "./head-reader.js";
import { RoundRequestScanner } from "./round-request-scanner.js";
import { AccountQueues, type TransactionQueue } from "./transaction-queue.js";
import { TransmitSender } from "./transmit-sender.js";

export { describeTransmitError } from "./transmit-sender.js";

export interface EthersAggregatorChainOptions {
  readonly provider: Provider;
  readonly aggregatorAddress: string;
  /** The signer that sends `transmit` for the oracle at `transmitterIndex`. */
  readonly transmitterSigner: (transmitterIndex: number, transmitterAddress: Address) => Signer | Promise<Signer>;
  /**
   * The transmitter's view-call runner for `latestTransmissionDetails`, which reverts unless
   * msg.sender == tx.origin; a plain provider call has no sender, which satisfies that.
   */
  readonly reader?: ContractRunner;
  /** Gas limit for transmit; estimated when omitted. */
  readonly transmitGasLimit?: bigint;
  /**
   * Where transmits wait their turn. Default: one line per transmitter account. A feed passes
   * its `ChainTime`, the line all of its transactions share.
   */
  readonly queue?: TransactionQueue;
  /** The clock the chain's blocks are stamped with, if they follow one (see HeadReaderOptions). */
  readonly blockClock?: () => number;
  /** The aggregator version driven (default OCR1's OffchainAggregator). */
  readonly dialect?: AggregatorDialect;
  /** The latest block, when the caller keeps it (see HeadReaderOptions.latestBlock). */
  readonly latestBlock?: () => Promise<HeadBlock>;
}

export class EthersAggregatorChain implements OffchainAggregatorChain {
  readonly #head: HeadReader;
  readonly #requests: RoundRequestScanner;
  readonly #sender: TransmitSender;

  constructor(options: EthersAggregatorChainOptions) {
    const aggregatorAddress = getAddress(options.aggregatorAddress) as Address;
    this.#head = new HeadReader({
      provider: options.provider,
      aggregatorAddress,
      ...(options.reader !== undefined ? { reader: options.reader } : {}),
      ...(options.blockClock !== undefined ? { blockClock: options.blockClock } : {}),
      ...(options.latestBlock !== undefined ? { latestBlock: options.latestBlock } : {}),
      ...(options.dialect !== undefined ? { dialect: options.dialect } : {}),
    });
    this.#requests = new RoundRequestScanner(options.provider, this.#head);
    this.#sender = new TransmitSender({
      provider: options.provider,
      head: this.#head,
      transmitterSigner: options.transmitterSigner,
      queue: options.queue ?? new AccountQueues(),
      ...(options.transmitGasLimit !== undefined ? { gasLimit: options.transmitGasLimit } : {}),
    });
  }

  get address(): Address {
    return this.#head.address;
  }

  latestConfig(): Promise<ContractConfig | null> {
    return this.#head.latestConfig();
  }

  latestTransmissionDetails(): Promise<TransmissionDetails> {
    return this.#head.latestTransmissionDetails();
  }

  latestRoundRequested(lookbackMs: number): Promise<RoundRequest | null> {
    return this.#requests.latestRoundRequested(lookbackMs);
  }

  nowMs(): Promise<number> {
    return this.#head.nowMs();
  }

  transmit(request: TransmitRequest): Promise<TransmitResult> {
    return this.#sender.transmit(request);
  }
}
