/**
 * The engine's chain interface (`OffchainAggregatorChain`) over ethers v6: what lets the
 * in-process committee drive a real OffchainAggregator on a Hardhat chain or any JSON-RPC node.
 * This is the only place where the committee touches ethers.
 */
import {
  type ContractRunner,
  type Provider,
  type Signer,
  Contract,
  Interface,
  getAddress,
  isError,
} from "ethers";

import type { Address } from "../core/address.js";
import { type Hex, hexToBytes } from "../core/bytes.js";
import type {
  ContractConfig,
  OffchainAggregatorChain,
  RoundRequest,
  TransmissionDetails,
  TransmitRequest,
  TransmitResult,
} from "../protocol/chain.js";

/** The part of the aggregator's ABI the committee uses. */
export const OFFCHAIN_AGGREGATOR_COMMITTEE_ABI = [
  "function latestConfigDetails() view returns (uint32 configCount, uint32 blockNumber, bytes16 configDigest)",
  "function latestTransmissionDetails() view returns (bytes16 configDigest, uint32 epoch, uint8 round, int192 latestAnswer, uint64 latestTimestamp)",
  "function transmit(bytes report, bytes32[] rs, bytes32[] ss, bytes32 rawVs)",
  "event ConfigSet(uint32 previousConfigBlockNumber, uint64 configCount, address[] signers, address[] transmitters, uint8 threshold, uint64 encodedConfigVersion, bytes encoded)",
  "event RoundRequested(address indexed requester, bytes16 configDigest, uint32 epoch, uint8 round)",
] as const;

const aggregatorInterface = new Interface(OFFCHAIN_AGGREGATOR_COMMITTEE_ABI);

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
}

export class EthersAggregatorChain implements OffchainAggregatorChain {
  readonly #options: EthersAggregatorChainOptions;
  readonly #aggregator: Contract;
  #configCache: { key: string; config: ContractConfig } | undefined;
  /** Per transmitter address, the end of its queue of transactions (see `transmit`). */
  readonly #sendQueues = new Map<string, Promise<unknown>>();
  /** Where the RoundRequested scan stopped, and the newest request found so far. */
  #requestScan: { configKey: string; nextBlock: number; latest: LocatedRoundRequest | null } | undefined;

  constructor(options: EthersAggregatorChainOptions) {
    this.#options = options;
    this.#aggregator = new Contract(getAddress(options.aggregatorAddress), aggregatorInterface, options.reader ?? options.provider);
  }

  get address(): Address {
    return getAddress(this.#options.aggregatorAddress) as Address;
  }

  async latestConfig(): Promise<ContractConfig | null> {
    const [configCount, blockNumber, configDigest] = (await this.#aggregator.latestConfigDetails()) as [bigint, bigint, string];
    if (configCount === 0n) return null;
    const key = `${configCount}/${blockNumber}/${configDigest}`;
    if (this.#configCache?.key === key) return this.#configCache.config;

    const logs = await this.#options.provider.getLogs({
      address: this.address,
      topics: [aggregatorInterface.getEvent("ConfigSet")!.topicHash],
      fromBlock: Number(blockNumber),
      toBlock: Number(blockNumber),
    });
    const parsed = logs.map((log) => aggregatorInterface.parseLog(log)!).filter((l) => (l.args.configCount as bigint) === configCount);
    const event = parsed.at(-1);
    if (event === undefined) {
      throw new Error(`no ConfigSet event with configCount ${configCount} in block ${blockNumber} of ${this.address}`);
    }
    const config: ContractConfig = {
      contractAddress: this.address,
      configCount,
      blockNumber: Number(blockNumber),
      configDigest: hexToBytes(configDigest),
      signers: (event.args.signers as string[]).map((a) => getAddress(a) as Address),
      transmitters: (event.args.transmitters as string[]).map((a) => getAddress(a) as Address),
      threshold: Number(event.args.threshold),
      encodedConfigVersion: event.args.encodedConfigVersion as bigint,
      encoded: hexToBytes(event.args.encoded as string),
    };
    this.#configCache = { key, config };
    return config;
  }

  async latestTransmissionDetails(): Promise<TransmissionDetails> {
    const [configDigest, epoch, round, latestAnswer, latestTimestamp] = (await this.#aggregator.latestTransmissionDetails()) as [
      string, bigint, bigint, bigint, bigint,
    ];
    return { configDigest: hexToBytes(configDigest), epoch: Number(epoch), round: Number(round), latestAnswer, latestTimestamp };
  }

  /**
   * The newest RoundRequested since the current config was set. Requests from before the config
   * carry an older digest, which shouldReport ignores anyway, so the scan starts at the config's
   * block and then only reads new blocks.
   *
   * Every oracle of a committee calls this at once each round, so scans overlap: a scan only
   * ever moves the result to a newer log (block, then log index) and the next block forward, so
   * a slow scan of older blocks finishing last cannot bring back an older request.
   */
  async latestRoundRequested(_lookbackMs: number): Promise<RoundRequest | null> {
    const config = await this.latestConfig();
    if (config === null) return null;
    const configKey = `${config.configCount}/${config.blockNumber}`;
    if (this.#requestScan?.configKey !== configKey) {
      this.#requestScan = { configKey, nextBlock: config.blockNumber, latest: null };
    }
    // A config change during the awaits below starts a new scan; this one keeps writing to its own.
    const scan = this.#requestScan;
    const fromBlock = scan.nextBlock;
    const head = await this.#options.provider.getBlockNumber();
    if (head >= fromBlock) {
      const logs = await this.#options.provider.getLogs({
        address: this.address,
        topics: [aggregatorInterface.getEvent("RoundRequested")!.topicHash],
        fromBlock,
        toBlock: head,
      });
      const last = logs.at(-1);
      if (last !== undefined && isLaterLog(last, scan.latest)) {
        const { args } = aggregatorInterface.parseLog(last)!;
        scan.latest = {
          requester: getAddress(args.requester as string),
          configDigest: hexToBytes(args.configDigest as string),
          epoch: Number(args.epoch),
          round: Number(args.round),
          blockNumber: last.blockNumber,
          logIndex: last.index,
        };
      }
      scan.nextBlock = Math.max(scan.nextBlock, head + 1);
    }
    return scan.latest === null ? null : toRoundRequest(scan.latest);
  }

  /**
   * The timestamp the next block will get. A chain that mines only on demand (Hardhat's
   * automine, an idle dev node) keeps its latest block's timestamp until someone transacts, so
   * the latest block would stop the clock for the heartbeat exactly when the feed is quiet; the
   * pending block moves with wall time and with `evm_increaseTime`. Providers that cannot ask
   * for it raw fall back to the latest block.
   */
  async nowMs(): Promise<number> {
    const latest = await this.#options.provider.getBlock("latest");
    if (latest === null) throw new Error("the node returned no latest block");
    const pendingSec = await pendingBlockTimestamp(this.#options.provider);
    return Math.max(latest.timestamp, pendingSec ?? 0) * 1000;
  }

  /**
   * Send one transmit and wait for its receipt. Transactions from the same transmitter go one
   * after another: two sent together would both take the account's pending nonce, and one of
   * them would fail (Hardhat's automine cannot queue the other behind it).
   */
  transmit(request: TransmitRequest): Promise<TransmitResult> {
    const account = request.transmitterAddress.toLowerCase();
    const previous = this.#sendQueues.get(account) ?? Promise.resolve();
    const result = previous.then(() => this.#sendTransmit(request));
    const tail = result.then(() => undefined);
    this.#sendQueues.set(account, tail);
    // Forget an idle queue so the map does not grow with every transmitter ever seen.
    void tail.then(() => {
      if (this.#sendQueues.get(account) === tail) this.#sendQueues.delete(account);
    });
    return result;
  }

  async #sendTransmit(request: TransmitRequest): Promise<TransmitResult> {
    try {
      const signer = await this.#options.transmitterSigner(request.transmitterIndex, request.transmitterAddress);
      const aggregator = this.#aggregator.connect(signer) as Contract;
      const overrides = this.#options.transmitGasLimit !== undefined ? { gasLimit: this.#options.transmitGasLimit } : {};
      const tx = await aggregator.transmit(request.report, [...request.rs], [...request.ss], request.rawVs, overrides);
      const receipt = await tx.wait();
      return { ok: receipt?.status === 1, txHash: tx.hash as Hex, gasUsed: receipt?.gasUsed };
    } catch (error) {
      return { ok: false, error: describeTransmitError(error) };
    }
  }
}

/** A RoundRequested event with where it was logged, to tell which of two is newer. */
interface LocatedRoundRequest extends RoundRequest {
  readonly blockNumber: number;
  readonly logIndex: number;
}

function isLaterLog(log: { blockNumber: number; index: number }, than: LocatedRoundRequest | null): boolean {
  if (than === null) return true;
  return log.blockNumber !== than.blockNumber ? log.blockNumber > than.blockNumber : log.index > than.logIndex;
}

function toRoundRequest({ requester, configDigest, epoch, round }: LocatedRoundRequest): RoundRequest {
  return { requester, configDigest, epoch, round };
}

/**
 * The pending block's timestamp in seconds through raw JSON-RPC, or null when the provider has
 * no `send` or the node has no pending block (ethers' own getBlock("pending") cannot format a
 * block without a hash, so the raw call is the only portable way).
 */
async function pendingBlockTimestamp(provider: Provider): Promise<number | null> {
  const send = (provider as { send?: (method: string, params: unknown[]) => Promise<unknown> }).send;
  if (typeof send !== "function") return null;
  try {
    const block = (await send.call(provider, "eth_getBlockByNumber", ["pending", false])) as { timestamp?: string } | null;
    return typeof block?.timestamp === "string" ? Number(BigInt(block.timestamp)) : null;
  } catch {
    return null;
  }
}

/** The revert reason when there is one, else the transport error's short message. */
export function describeTransmitError(error: unknown): string {
  if (isError(error, "CALL_EXCEPTION")) {
    return error.reason ?? error.shortMessage;
  }
  if (error instanceof Error) {
    const reason = /reverted with reason string '([^']*)'/.exec(error.message)?.[1];
    return reason ?? (error as { shortMessage?: string }).shortMessage ?? error.message;
  }
  return String(error);
}
