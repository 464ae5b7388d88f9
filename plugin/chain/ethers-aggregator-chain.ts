/**
 * The engine's chain interface (`OffchainAggregatorChain`) over ethers v6: what lets the
 * in-process committee drive a real OffchainAggregator on a Hardhat chain or any JSON-RPC node.
 * This is the only place where the committee touches ethers.
 */
import {
  type ContractRunner,
  type Provider,
  type Signer,
  type TransactionRequest,
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
  #requestScan: { configKey: string; nextBlock: number; scannedHead: HeadBlock | null; latest: LocatedRoundRequest | null } | undefined;
  /** The head block being fetched, shared by everyone who asks meanwhile. */
  #headInFlight: Promise<HeadBlock> | undefined;
  /** Reads made at one head block (by hash), shared by every oracle that asks at that head. */
  #atHeadCache: { hash: string; reads: Map<string, Promise<unknown>> } | undefined;

  constructor(options: EthersAggregatorChainOptions) {
    this.#options = options;
    this.#aggregator = new Contract(getAddress(options.aggregatorAddress), aggregatorInterface, options.reader ?? options.provider);
  }

  get address(): Address {
    return getAddress(this.#options.aggregatorAddress) as Address;
  }

  async latestConfig(): Promise<ContractConfig | null> {
    const [configCount, blockNumber, configDigest] = await this.#readAtHead("latestConfigDetails", (blockTag) =>
      this.#aggregator.latestConfigDetails({ blockTag }) as Promise<[bigint, bigint, string]>,
    );
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
    const [configDigest, epoch, round, latestAnswer, latestTimestamp] = await this.#readAtHead("latestTransmissionDetails", (blockTag) =>
      this.#aggregator.latestTransmissionDetails({ blockTag }) as Promise<[string, bigint, bigint, bigint, bigint]>,
    );
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
    return this.#readAtHead(`latestRoundRequested ${configKey}`, (_blockTag, head) => this.#scanRoundRequests(configKey, config.blockNumber, head));
  }

  async #scanRoundRequests(configKey: string, configBlock: number, head: HeadBlock): Promise<RoundRequest | null> {
    const previous = this.#requestScan;
    // A head at or below the one scanned last, but a different block, means the chain was
    // rewound (evm_revert, a reorg): logs seen in the dropped blocks may be gone, so start over.
    const rewound = previous?.scannedHead != null && head.number <= previous.scannedHead.number && head.hash !== previous.scannedHead.hash;
    if (previous?.configKey !== configKey || rewound) {
      this.#requestScan = { configKey, nextBlock: configBlock, scannedHead: null, latest: null };
    }
    // A config change during the awaits below starts a new scan; this one keeps writing to its own.
    const scan = this.#requestScan!;
    const fromBlock = scan.nextBlock;
    if (head.number >= fromBlock) {
      const logs = await this.#options.provider.getLogs({
        address: this.address,
        topics: [aggregatorInterface.getEvent("RoundRequested")!.topicHash],
        fromBlock,
        toBlock: head.number,
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
      scan.nextBlock = Math.max(scan.nextBlock, head.number + 1);
    }
    if (scan.scannedHead === null || head.number >= scan.scannedHead.number) scan.scannedHead = head;
    return scan.latest === null ? null : toRoundRequest(scan.latest);
  }

  /**
   * Every oracle of the committee reads the same contract each round, mostly while nothing has
   * been mined: one read per head block serves them all. The head is fetched for every call (one
   * light request instead of the three to five a round's reads take) and the cached read is made
   * at exactly that block, so a cached value is always what a fresh call at that head returns.
   * Keyed by block hash, so a chain rewound to the same height is read afresh.
   */
  async #readAtHead<T>(name: string, read: (blockTag: number, head: HeadBlock) => Promise<T>): Promise<T> {
    const head = await this.#head();
    if (this.#atHeadCache?.hash !== head.hash) this.#atHeadCache = { hash: head.hash, reads: new Map() };
    const cache = this.#atHeadCache;
    let value = cache.reads.get(name) as Promise<T> | undefined;
    if (value === undefined) {
      value = read(head.number, head);
      cache.reads.set(name, value);
      // A failed read is not remembered: the next caller tries again.
      value.catch(() => {
        if (cache.reads.get(name) === value) cache.reads.delete(name);
      });
    }
    return value;
  }

  #head(): Promise<HeadBlock> {
    this.#headInFlight ??= latestHeadBlock(this.#options.provider).finally(() => {
      this.#headInFlight = undefined;
    });
    return this.#headInFlight;
  }

  /**
   * The timestamp the next block will get. A chain that mines only on demand (Hardhat's
   * automine, an idle dev node) keeps its latest block's timestamp until someone transacts, so
   * the latest block would stop the clock for the heartbeat exactly when the feed is quiet; the
   * pending block moves with wall time and with `evm_increaseTime`. Providers that cannot ask
   * for it raw fall back to the latest block.
   */
  async nowMs(): Promise<number> {
    const [latest, pendingSec] = await Promise.all([this.#head(), pendingBlockTimestamp(this.#options.provider)]);
    return Math.max(latest.timestampSec, pendingSec ?? 0) * 1000;
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
      const overrides = this.#options.transmitGasLimit !== undefined ? { gasLimit: this.#options.transmitGasLimit } : {};
      const args = [request.report, [...request.rs], [...request.ss], request.rawVs] as const;
      const raw = await signedRawTransaction(signer, await this.#aggregator.transmit.populateTransaction(...args, overrides));
      if (raw === null) {
        // A signer that cannot hand out signed bytes (e.g. a node-managed account): the usual way.
        const tx = await (this.#aggregator.connect(signer) as Contract).transmit(...args, overrides);
        const receipt = await tx.wait();
        return { ok: receipt?.status === 1, txHash: tx.hash as Hex, gasUsed: receipt?.gasUsed };
      }
      const hash = (await sendRaw(this.#options.provider, "eth_sendRawTransaction", [raw])) as Hex;
      const receipt = await waitForReceipt(this.#options.provider, hash);
      return { ok: receipt.status === 1, txHash: hash, gasUsed: receipt.gasUsed };
    } catch (error) {
      return { ok: false, error: describeTransmitError(error) };
    }
  }
}

type RawSend = (method: string, params: unknown[]) => Promise<unknown>;

function rawSender(provider: Provider): RawSend | null {
  const send = (provider as { send?: RawSend }).send;
  return typeof send === "function" ? send.bind(provider) : null;
}

function sendRaw(provider: Provider, method: string, params: unknown[]): Promise<unknown> {
  const send = rawSender(provider);
  if (send === null) throw new Error(`the provider cannot send raw JSON-RPC (${method})`);
  return send(method, params);
}

/**
 * The transmit transaction signed locally, or null when this signer or provider cannot do that.
 * Sending the signed bytes ourselves skips ethers' broadcast wrapper, which re-derives the
 * sender from the signature (a secp256k1 recovery, ~2 ms) for every transaction.
 */
async function signedRawTransaction(signer: Signer, transaction: TransactionRequest): Promise<string | null> {
  if (rawSender(signer.provider as Provider) === null) return null;
  const populated = await signer.populateTransaction(transaction);
  try {
    return await signer.signTransaction(populated);
  } catch (error) {
    if (isError(error, "UNSUPPORTED_OPERATION")) return null;
    throw error;
  }
}

/** Longest wait for a sent transmit to be mined before it counts as failed. */
const RECEIPT_TIMEOUT_MS = 120_000;

/**
 * Poll for the receipt: at once (automine), then backing off to 250 ms (interval mining, a real
 * node). A transaction the node no longer knows (dropped from its pool) fails at once instead of
 * blocking this transmitter's later transactions.
 */
async function waitForReceipt(provider: Provider, hash: string): Promise<{ status: number; gasUsed: bigint }> {
  const deadline = Date.now() + RECEIPT_TIMEOUT_MS;
  for (let delayMs = 0; ; delayMs = Math.min(250, Math.max(10, delayMs * 2))) {
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const receipt = (await sendRaw(provider, "eth_getTransactionReceipt", [hash])) as { status?: string; gasUsed?: string } | null;
    if (receipt !== null && typeof receipt.status === "string" && typeof receipt.gasUsed === "string") {
      return { status: Number(BigInt(receipt.status)), gasUsed: BigInt(receipt.gasUsed) };
    }
    if (delayMs > 0 && (await sendRaw(provider, "eth_getTransactionByHash", [hash])) === null) {
      throw new Error(`transaction ${hash} was dropped by the node before it was mined`);
    }
    if (Date.now() > deadline) throw new Error(`transaction ${hash} was not mined within ${RECEIPT_TIMEOUT_MS / 1000} s`);
  }
}

interface HeadBlock {
  readonly number: number;
  readonly hash: string;
  readonly timestampSec: number;
}

/** The latest block's number, hash and time: raw JSON-RPC when the provider allows (cheaper), else ethers' getBlock. */
async function latestHeadBlock(provider: Provider): Promise<HeadBlock> {
  const send = rawSender(provider);
  if (send !== null) {
    const block = (await send("eth_getBlockByNumber", ["latest", false])) as { number?: string; hash?: string; timestamp?: string } | null;
    if (typeof block?.number === "string" && typeof block.hash === "string" && typeof block.timestamp === "string") {
      return { number: Number(BigInt(block.number)), hash: block.hash, timestampSec: Number(BigInt(block.timestamp)) };
    }
  }
  const block = await provider.getBlock("latest");
  if (block === null || block.hash === null) throw new Error("the node returned no latest block");
  return { number: block.number, hash: block.hash, timestampSec: block.timestamp };
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
  const send = rawSender(provider);
  if (send === null) return null;
  try {
    const block = (await send("eth_getBlockByNumber", ["pending", false])) as { timestamp?: string } | null;
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
