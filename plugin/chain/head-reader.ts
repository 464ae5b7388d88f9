/**
 * Reading the aggregator at the chain's head: its latest config (with the ConfigSet event's
 * arguments), its latest transmission, and the chain's "now".
 *
 * Every oracle of a committee reads the same contract each round, mostly while nothing has been
 * mined: one read per head block serves them all. The head is fetched for every call (one light
 * request instead of the reads it keys) and a cached read is made at exactly that block, so it is
 * always what a fresh call at that head returns. Keyed by block hash, so a chain rewound to the
 * same height is read afresh.
 *
 * Where the caller knows when the chain can move (the simulated network, whose blocks come only
 * from transactions), it hands in the latest block itself (HeadReaderOptions.latestBlock): an
 * oracle round then costs one head request instead of one per read.
 */
import { type ContractRunner, type Provider, Contract } from "ethers";

import { abiDecode } from "../core/abi.js";
import { type AggregatorDialect, type ConfigDetails, OCR1_DIALECT, type TransmissionDetailsWords, eventOf, transmissionDetailsAfter } from "./aggregator-dialect.js";
import type { Address } from "../core/address.js";
import { type Hex, bytesToHex, hexToBytes } from "../core/bytes.js";
import type { ContractConfig, TransmissionDetails } from "../protocol/chain.js";
import { type RawLog, type RawSend, logsOf, quantity, rawSender } from "./json-rpc.js";


export interface HeadBlock {
  readonly number: number;
  readonly hash: string;
  readonly timestampSec: number;
  /** EIP-1559 base fee; null on a chain without one. */
  readonly baseFeePerGas: bigint | null;
  /** The parent block's hash, when the node's answer was read (not set for a block known from a receipt). */
  readonly parentHash?: string;
  /**
   * Set by a feed's ChainTime: how many state edits without a transaction (hardhat_setStorageAt,
   * a rewind, ...; see chain/chain-edits.ts) the connection had seen when it learned this block.
   * What was read at a hash under one edition is not reused under another. Absent: 0.
   */
  readonly edition?: number;
  /**
   * Set by a feed's ChainTime for a head whose every log it knows, on top of a block it knew
   * before (in the same edition): a block holding one transaction of the feed's own line, from
   * that transaction's receipt (automine mines one transaction a block, and on the simulated
   * network only the feed's line transacts during a run); or a single block found on top of
   * the known head (mostly one the user's code mined between two runs), from the node's logs of
   * that block. Reads that the logs show unchanged are carried over from an ancestor
   * (HeadReader.readAt), and the round-request scan takes such blocks' logs from here.
   */
  readonly knownLogs?: { readonly parent: HeadBlock; readonly logs: readonly RawLog[] };
}

/** How many blocks with known logs a head remembers below it (ChainTime keeps the chain this short). */
export const MAX_KNOWN_ANCESTRY = 8;

/**
 * The blocks after the one whose hash is `ancestorHash`, up to and including `head`, oldest
 * first, when the logs of every one of them are known (HeadBlock.knownLogs); else null.
 * An empty list when `head` is that block.
 */
export function knownBlocksSince(head: HeadBlock, ancestorHash: string): HeadBlock[] | null {
  const blocks: HeadBlock[] = [];
  for (let at = head; at.hash !== ancestorHash; at = at.knownLogs.parent) {
    if (at.knownLogs === undefined || blocks.length >= MAX_KNOWN_ANCESTRY) return null;
    blocks.push(at);
  }
  return blocks.reverse();
}

/** `block` with at most `depth` known ancestors kept (so remembered heads cannot grow a long chain). */
export function withKnownAncestry(block: HeadBlock, depth: number): HeadBlock {
  if (block.knownLogs === undefined) return block;
  if (depth <= 0) {
    const { knownLogs: _dropped, ...rest } = block;
    return rest;
  }
  return { ...block, knownLogs: { ...block.knownLogs, parent: withKnownAncestry(block.knownLogs.parent, depth - 1) } };
}

export interface HeadReaderOptions {
  readonly provider: Provider;
  readonly aggregatorAddress: Address;
  /** Runner for the view calls (default the provider); see EthersAggregatorChainOptions.reader. */
  readonly reader?: ContractRunner;
  /**
   * The clock the chain's blocks are stamped with, when they follow one (the simulated network,
   * where every block this plugin causes gets the committee clock's time). Omit on a node that
   * stamps its own blocks.
   */
  readonly blockClock?: () => number;
  /**
   * Where the latest block comes from when the caller knows more than the node about when it
   * changes (a feed's ChainTime on the simulated network keeps it until a transaction or a run).
   * Default: asked of the provider on every call.
   */
  readonly latestBlock?: () => Promise<HeadBlock>;
  /** The aggregator version read (default OCR1's OffchainAggregator). */
  readonly dialect?: AggregatorDialect;
}

/**
 * The chain's "now" in ms, the time a block mined now would be stamped with: on a chain whose
 * blocks follow a clock, that clock (unless the chain is already past it); on a node, its
 * pending block (which moves with its wall time and `evm_increaseTime`), or its latest block
 * when it cannot tell. A chain that only mines on demand keeps its latest block's time until
 * someone transacts, so the latest block alone would stop the clock for the heartbeat exactly
 * when the feed is quiet.
 */
export function chainNowMs(latestBlockSec: number, next: { readonly clockMs: number } | { readonly pendingBlockSec: number | null }): number {
  if ("clockMs" in next) return Math.max(next.clockMs, latestBlockSec * 1000);
  return Math.max(latestBlockSec, next.pendingBlockSec ?? 0) * 1000;
}

/** Names of the cached reads that can be carried from a parent head. */
const LATEST_CONFIG = "latestConfig";
const LATEST_TRANSMISSION_DETAILS = "latestTransmissionDetails";

export class HeadReader {
  readonly #options: HeadReaderOptions;
  readonly #aggregator: Contract;
  #configCache: { key: string; config: ContractConfig } | undefined;
  /** The head block being fetched, shared by everyone who asks meanwhile. */
  #headInFlight: Promise<HeadBlock> | undefined;
  /** Reads made at one head block (by hash and edition), shared by every oracle that asks at that head. */
  #atHeadCache: { hash: string; edition: number; reads: Map<string, Promise<unknown>> } | undefined;

  readonly dialect: AggregatorDialect;

  constructor(options: HeadReaderOptions) {
    this.#options = options;
    this.dialect = options.dialect ?? OCR1_DIALECT;
    this.#aggregator = new Contract(options.aggregatorAddress, this.dialect.abi, options.reader ?? options.provider);
  }

  get address(): Address {
    return this.#options.aggregatorAddress;
  }

  /** The latest block; callers asking while a fetch is under way share it. */
  head(): Promise<HeadBlock> {
    if (this.#options.latestBlock !== undefined) return this.#options.latestBlock();
    this.#headInFlight ??= latestHeadBlock(this.#options.provider).finally(() => {
      this.#headInFlight = undefined;
    });
    return this.#headInFlight;
  }

  /** `read` made once per head block for all callers (see the module comment). */
  async readAtHead<T>(name: string, read: (head: HeadBlock) => Promise<T>): Promise<T> {
    return this.readAt(await this.head(), name, read);
  }

  /** `read` made once at `head` for all callers. A failed read is not remembered. */
  readAt<T>(head: HeadBlock, name: string, read: (head: HeadBlock) => Promise<T>): Promise<T> {
    const edition = head.edition ?? 0;
    if (this.#atHeadCache?.hash !== head.hash || this.#atHeadCache.edition !== edition) {
      this.#atHeadCache = { hash: head.hash, edition, reads: this.#carriedTo(head) };
    }
    const cache = this.#atHeadCache;
    let value = cache.reads.get(name) as Promise<T> | undefined;
    if (value === undefined) {
      value = read(head);
      cache.reads.set(name, value);
      value.catch(() => {
        if (cache.reads.get(name) === value) cache.reads.delete(name);
      });
    }
    return value;
  }

  /**
   * The reads of the head read last that stay true at `head`, when every block since it has
   * known logs (HeadBlock.knownLogs) and the same edition (no state edit in between): the
   * config until the aggregator logs a ConfigSet; the latest transmission until it logs a
   * ConfigSet, and past NewTransmission logs as the last of them shows it
   * (transmissionDetailsAfter). Only its transactions, which log these events, write what those
   * views return; state edited without a transaction starts a new edition. Everything else is
   * read again.
   */
  #carriedTo(head: HeadBlock): Map<string, Promise<unknown>> {
    const carried = new Map<string, Promise<unknown>>();
    const parent = this.#atHeadCache;
    const since = parent === undefined || parent.edition !== (head.edition ?? 0) ? null : knownBlocksSince(head, parent.hash);
    if (parent === undefined || since === null) return carried;
    const ofThis = (name: "ConfigSet" | "NewTransmission") =>
      since.flatMap((block) => logsOf(block.knownLogs!.logs, this.address, eventOf(this.dialect, name).topic).map((log) => ({ block, log })));
    if (ofThis("ConfigSet").length > 0) return carried;
    const carry = (name: string, read: Promise<unknown>) => {
      carried.set(name, read);
      // A read still under way that fails is forgotten here too, as readAt forgets its own.
      read.catch(() => {
        if (carried.get(name) === read) carried.delete(name);
      });
    };
    const config = parent.reads.get(LATEST_CONFIG);
    if (config !== undefined) carry(LATEST_CONFIG, config);
    const transmission = parent.reads.get(LATEST_TRANSMISSION_DETAILS);
    if (transmission === undefined) return carried;
    const lastTransmission = ofThis("NewTransmission").at(-1);
    if (lastTransmission === undefined) carry(LATEST_TRANSMISSION_DETAILS, transmission);
    else {
      const { log, block } = lastTransmission;
      // A log this reader cannot make sense of (or a failed read before it) costs a fresh read, not a failed one.
      const derived = transmission
        .then((before) => transmissionDetailsAfter(this.dialect, log, block.timestampSec, before as TransmissionDetailsWords))
        .catch(() => this.#view("latestTransmissionDetails", head));
      carry(LATEST_TRANSMISSION_DETAILS, derived);
    }
    return carried;
  }

  latestConfig(): Promise<ContractConfig | null> {
    return this.readAtHead(LATEST_CONFIG, (head) => this.#configAt(head));
  }

  /** The config as of `head` (shared with every caller at that head). */
  latestConfigAt(head: HeadBlock): Promise<ContractConfig | null> {
    return this.readAt(head, LATEST_CONFIG, (at) => this.#configAt(at));
  }

  /**
   * A view function without arguments at `head`. Raw eth_call and the plugin's own decoder when
   * the provider allows (no reader given): ethers' contract call costs about three times the
   * request itself, and every oracle makes these calls every round.
   */
  async #view(name: "latestConfigDetails" | "latestTransmissionDetails", head: HeadBlock): Promise<unknown[]> {
    const send: RawSend | null = this.#options.reader === undefined ? rawSender(this.#options.provider) : null;
    if (send === null) return [...((await this.#aggregator.getFunction(name).staticCall({ blockTag: head.number })) as unknown[])];
    const fn = this.dialect.abi.getFunction(name)!;
    const data = (await send("eth_call", [{ to: this.address, data: fn.selector }, `0x${head.number.toString(16)}`])) as string;
    return abiDecode(
      fn.outputs.map((o) => o.type),
      hexToBytes(data),
    );
  }

  async #configAt(head: HeadBlock): Promise<ContractConfig | null> {
    const [configCount, blockNumber, digest] = (await this.#view("latestConfigDetails", head)) as [bigint, bigint, Uint8Array | string];
    const details: ConfigDetails = { configCount, blockNumber: Number(blockNumber), configDigest: typeof digest === "string" ? (digest as Hex) : bytesToHex(digest) };
    if (configCount === 0n) return null;
    const key = `${configCount}/${blockNumber}/${details.configDigest}`;
    if (this.#configCache?.key === key) return this.#configCache.config;

    const abi = this.dialect.abi;
    const logs = await this.#options.provider.getLogs({
      address: this.address,
      topics: [abi.getEvent("ConfigSet")!.topicHash],
      fromBlock: details.blockNumber,
      toBlock: details.blockNumber,
    });
    const event = logs
      .map((log) => abi.parseLog(log)!)
      .filter((parsed) => this.dialect.isConfigSetOf(parsed, details))
      .at(-1);
    if (event === undefined) {
      throw new Error(`no ConfigSet event with configCount ${configCount} in block ${blockNumber} of ${this.address}`);
    }
    const config = this.dialect.contractConfig(event, details, this.address);
    this.#configCache = { key, config };
    return config;
  }

  async latestTransmissionDetails(): Promise<TransmissionDetails> {
    const [digest, epoch, round, latestAnswer, latestTimestamp] = await this.readAtHead(
      LATEST_TRANSMISSION_DETAILS,
      async (head) => (await this.#view("latestTransmissionDetails", head)) as unknown as TransmissionDetailsWords,
    );
    const configDigest = typeof digest === "string" ? hexToBytes(digest) : digest.slice();
    return { configDigest, epoch: Number(epoch), round: Number(round), latestAnswer, latestTimestamp };
  }

  /** The chain's "now" ({@link chainNowMs}). */
  async nowMs(): Promise<number> {
    if (this.#options.blockClock !== undefined) return this.nowMsAt(await this.head());
    const [latest, pendingBlockSec] = await Promise.all([this.head(), pendingBlockTimestamp(this.#options.provider)]);
    return chainNowMs(latest.timestampSec, { pendingBlockSec });
  }

  /** The chain's "now" with `head` as the latest block. */
  async nowMsAt(head: HeadBlock): Promise<number> {
    const blockClock = this.#options.blockClock;
    if (blockClock !== undefined) return chainNowMs(head.timestampSec, { clockMs: blockClock() });
    return chainNowMs(head.timestampSec, { pendingBlockSec: await pendingBlockTimestamp(this.#options.provider) });
  }
}

/** The latest block's number, hash, time and base fee: raw JSON-RPC when the provider allows (cheaper), else ethers' getBlock. */
export async function latestHeadBlock(provider: Provider): Promise<HeadBlock> {
  const send = rawSender(provider);
  const raw = send === null ? null : await latestBlockVia(send);
  if (raw !== null) return raw;
  const block = await provider.getBlock("latest");
  if (block === null || block.hash === null) throw new Error("the node returned no latest block");
  return { number: block.number, hash: block.hash, timestampSec: block.timestamp, baseFeePerGas: block.baseFeePerGas };
}

/** The latest block through raw JSON-RPC, or null when the node's answer lacks a field. */
export async function latestBlockVia(send: RawSend): Promise<HeadBlock | null> {
  const block = (await send("eth_getBlockByNumber", ["latest", false])) as {
    number?: string;
    hash?: string;
    parentHash?: string;
    timestamp?: string;
    baseFeePerGas?: string;
  } | null;
  if (typeof block?.number !== "string" || typeof block.hash !== "string" || typeof block.timestamp !== "string") {
    return null;
  }
  return {
    number: Number(quantity(block.number, "a block number")),
    hash: block.hash,
    timestampSec: Number(quantity(block.timestamp, "a block timestamp")),
    baseFeePerGas: typeof block.baseFeePerGas === "string" ? quantity(block.baseFeePerGas, "a base fee") : null,
    ...(typeof block.parentHash === "string" ? { parentHash: block.parentHash } : {}),
  };
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
