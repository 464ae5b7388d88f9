/**
 * Keeping chain time and committee time together.
 *
 * On the simulated network the committee runs on a virtual clock, and every block this plugin
 * causes is stamped with that clock's time, so a 24 h heartbeat can expire in milliseconds and
 * still be judged by `block.timestamp`. On a JSON-RPC node the committee runs in real time and
 * the node stamps its own blocks.
 */
import { type HeadBlock, MAX_KNOWN_ANCESTRY, latestBlockVia, withKnownAncestry } from "../chain/head-reader.js";
import type { ChainEdits } from "../chain/chain-edits.js";
import type { RawLog } from "../chain/json-rpc.js";
import { type MinedBlock, type QueueTurn, SerialQueue, type TransactionQueue } from "../chain/transaction-queue.js";
import { type RunLimits, type RunSummary, VirtualClock } from "../protocol/clock.js";

/** What this module needs from a JSON-RPC connection (ethers' provider has `send`). */
export interface RpcSender {
  send(method: string, params: unknown[]): Promise<unknown>;
}

/**
 * A virtual clock that can also jump: `jump(ms)` moves `now()` forward without running any
 * event, and every pending timer keeps the delay it had left. To the oracles that looks like a
 * suspended process waking up later, which is what "advance time without running the
 * committee" means.
 */
export class JumpingVirtualClock extends VirtualClock {
  /** Total time jumped over; the base clock's events stay on its own, unshifted time line. */
  #jumpedMs = 0;

  override now(): number {
    return super.now() + this.#jumpedMs;
  }

  /** Move `now()` forward by `ms` (≥ 0) without running any event. */
  jump(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`a clock can only jump forward, got ${ms} ms`);
    this.#jumpedMs += ms;
  }

  /** Move `now()` to `timeMs` if that is later; returns how far the clock moved. */
  jumpTo(timeMs: number): number {
    const ahead = timeMs - this.now();
    if (ahead > 0) this.jump(ahead);
    return Math.max(0, ahead);
  }

  // Callers speak in jumped time (what `now()` returns); the base clock in its own.
  override run(limits: RunLimits = {}): Promise<RunSummary> {
    return super.run(limits.untilMs === undefined ? limits : { ...limits, untilMs: limits.untilMs - this.#jumpedMs });
  }

  override advance(ms: number): Promise<RunSummary> {
    return this.run({ untilMs: this.now() + ms });
  }
}

/** Whole seconds of a millisecond time, rounded down, as block timestamps count them. */
export function toSeconds(ms: number): bigint {
  return BigInt(Math.floor(ms / 1000));
}

/**
 * The timestamp for the next block: the clock's second, unless the chain is already there;
 * block timestamps must strictly increase, so then one second after the latest block.
 */
export function nextBlockTimestamp(clockMs: number, latestBlockTimestamp: bigint): bigint {
  const wanted = toSeconds(clockMs);
  return wanted > latestBlockTimestamp ? wanted : latestBlockTimestamp + 1n;
}

/** The node refused a next-block timestamp that is not after its latest block. */
export function isTimestampTakenError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /timestamp .*(lower than|equal to) the previous block'?s timestamp/i.test(message);
}

async function fetchLatestBlock(rpc: RpcSender): Promise<HeadBlock> {
  const block = await latestBlockVia((method, params) => rpc.send(method, params));
  if (block === null) throw new Error("the node returned no latest block");
  return block;
}

/**
 * One feed's line of transactions and its blocks' time. Transactions go through `transaction()`
 * (the oracles' transmits through `enqueue`), one at a time: on a clock-following chain each
 * first pins the next block's timestamp to the committee clock. Serialising them also keeps two
 * oracles' transmits from racing each other's timestamps. The chain's "now" as the oracles read
 * it is `chainNowMs` (plugin/chain/head-reader.ts), given this clock when blocks follow it.
 */
export class ChainTime implements TransactionQueue {
  readonly #rpc: RpcSender;
  readonly #clock: () => number;
  readonly #followsClock: boolean;
  readonly #queue = new SerialQueue();
  /** Changes whenever the chain may have moved: before and after each transaction, at each run. */
  #generation = 0;
  /** The latest block as read at a generation and edition (simulated network only). */
  #latest: { generation: number; edition: number; block: Promise<HeadBlock> } | undefined;
  readonly #edits: ChainEdits | undefined;

  /**
   * @param followsClock true on the simulated network: blocks are stamped with the clock's time.
   *   false on a node: blocks keep the node's own time.
   * @param edits what the user's code did to the chain besides transactions (the plugin's
   *   network hook notes it): a state edit ends every carried read, and without automine a
   *   receipt's logs are not taken for its block's. Without it, receipts whose transaction was
   *   mined by the time it was first asked for are taken as automine's.
   */
  constructor(rpc: RpcSender, clock: () => number, followsClock: boolean, edits?: ChainEdits) {
    this.#rpc = rpc;
    this.#clock = clock;
    this.#followsClock = followsClock;
    this.#edits = edits;
  }

  /** How many state edits the connection had seen: heads read at different editions are unrelated. */
  #edition(): number {
    return this.#edits?.count ?? 0;
  }

  get followsClock(): boolean {
    return this.#followsClock;
  }

  /** Latest block timestamp, seconds. */
  async latestBlockTimestamp(): Promise<bigint> {
    return BigInt((await this.latestBlock()).timestampSec);
  }

  /**
   * The latest block. On the simulated network blocks come only from transactions: this line's
   * own (the generation moves before and after each) and whatever the user's code sent between
   * two runs of a committee (`noteOutsideChanges`, which every run calls first). So the block
   * read last stays the head until the generation moves, and every oracle's read in between is
   * answered without asking the node. A node mines on its own: asked every time.
   */
  latestBlock(): Promise<HeadBlock> {
    if (!this.#followsClock) return fetchLatestBlock(this.#rpc);
    const known = this.#latest;
    const edition = this.#edition();
    if (known !== undefined && known.generation === this.#generation && known.edition === edition) return known.block;
    const relate = (read: HeadBlock) => {
      const fetched = { ...read, edition };
      // After a state edit nothing read before holds, whatever the hashes say.
      if (known === undefined || known.edition !== edition) return fetched;
      return known.block.then((before) => this.#relateToKnown(fetched, before), () => fetched);
    };
    const entry = { generation: this.#generation, edition, block: fetchLatestBlock(this.#rpc).then(relate) };
    this.#latest = entry;
    entry.block.catch(() => {
      if (this.#latest === entry) this.#latest = undefined;
    });
    return entry.block;
  }

  /**
   * The head just fetched, tied to the head known before it (no state edit in between). The
   * same block (nothing mined since): what our receipts told about it is kept. One block on top
   * of it (mostly the user's code between two runs: a mock update, a consumer's call, `mine()`;
   * or our own transaction whose receipt did not tell its block): its logs are asked for, one
   * request, so that reads its logs show unchanged are carried over instead of made again (the
   * config, the latest transmission, the round-request scan: three requests a run). Any other
   * head is taken as it is.
   */
  async #relateToKnown(fetched: HeadBlock, before: HeadBlock): Promise<HeadBlock> {
    if (before.hash === fetched.hash) return before;
    if (fetched.parentHash !== before.hash || fetched.number !== before.number + 1) return fetched;
    let logs: unknown;
    try {
      logs = await this.#rpc.send("eth_getLogs", [{ blockHash: fetched.hash }]);
    } catch {
      return fetched; // a node without EIP-234 filters: read as before
    }
    if (!Array.isArray(logs)) return fetched;
    return { ...fetched, knownLogs: { parent: withKnownAncestry(before, MAX_KNOWN_ANCESTRY - 1), logs: logs as RawLog[] } };
  }

  /** The committee clock the blocks are stamped with, or undefined on a node that stamps its own. */
  get blockClock(): (() => number) | undefined {
    return this.#followsClock ? this.#clock : undefined;
  }

  /** Transactions or mining outside this line may have happened since the last run. */
  noteOutsideChanges(): void {
    this.#generation++;
  }

  /**
   * Run `send` (which sends and waits for one transaction) after the ones before it. On the
   * simulated network it learns the latest block as its turn starts (see QueueTurn).
   */
  transaction<T>(send: (turn: QueueTurn) => Promise<T>): Promise<T> {
    return this.#queue.run(async () => {
      // Read before this transaction counts as a change: the head known since the last change
      // is still the head, and pinning the next block's time does not mine.
      const latestBlock = this.#followsClock ? await this.latestBlock() : undefined;
      this.#generation++;
      let minedHead: HeadBlock | undefined;
      try {
        if (latestBlock === undefined) return await send({});
        const pinnedSec = await this.pinNextBlock(latestBlock);
        const minedIn = (block: MinedBlock) => {
          // The block right after the head read above, stamped with the pinned second, is the
          // new head: on this chain only this line mines. Anything else (a block in between,
          // no pin) and the head is asked for again.
          if (pinnedSec === null || block.number !== latestBlock.number + 1 || latestBlock.edition !== this.#edition()) return;
          const { logs: receiptLogs, ...header } = block;
          // Only automine mines the transaction alone in its block: then its logs are the block's.
          const logs = this.#edits === undefined || this.#edits.automine ? receiptLogs : null;
          const parent = withKnownAncestry(latestBlock, MAX_KNOWN_ANCESTRY - 1);
          minedHead = { ...header, timestampSec: pinnedSec, edition: latestBlock.edition, ...(logs !== null ? { knownLogs: { parent, logs } } : {}) };
        };
        return await send({ latestBlock, minedIn });
      } finally {
        this.#generation++;
        if (minedHead !== undefined) this.#latest = { generation: this.#generation, edition: minedHead.edition ?? 0, block: Promise.resolve(minedHead) };
      }
    });
  }

  /** A transaction from any account joins the feed's one line (TransactionQueue). */
  enqueue<T>(_account: string, send: (turn: QueueTurn) => Promise<T>): Promise<T> {
    return this.transaction(send);
  }

  /**
   * Mine an empty block at the clock's time, so `block.timestamp` of the latest block (and every
   * view that reads it) shows time that passed without transactions. Only on a clock-following
   * chain; a node's own clock decides there.
   */
  mineAtClock(): Promise<void> {
    return this.transaction(async () => {
      await this.#rpc.send("evm_mine", []);
    });
  }

  /**
   * Returns the timestamp pinned, or null when there was nothing to pin.
   *
   * With automine off and interval mining on, the node mines blocks of its own between reading
   * the latest block and pinning the next one. If one of them already took the pinned second (or
   * a later one), the chain is ahead of the committee clock: there is nothing to pin, and the
   * node's next block gets a later timestamp by itself. Any other refusal is a real error.
   */
  private async pinNextBlock(latest: HeadBlock): Promise<number | null> {
    const timestamp = nextBlockTimestamp(this.#clock(), BigInt(latest.timestampSec));
    try {
      await this.#rpc.send("evm_setNextBlockTimestamp", [Number(timestamp)]);
      return Number(timestamp);
    } catch (error) {
      if (isTimestampTakenError(error) && (await this.latestBlockTimestamp()) >= timestamp) return null;
      throw error;
    }
  }
}
