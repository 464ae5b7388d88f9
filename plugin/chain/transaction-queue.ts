/**
 * The one place where transactions wait their turn. Two transactions from one account sent
 * together would both take the account's pending nonce and one would fail (Hardhat's automine
 * cannot queue the second behind the first), so an account's transactions go strictly one after
 * another. A feed's `ChainTime` is a queue too: one line for all of the feed's transactions,
 * because on the simulated network each one first pins its block's timestamp.
 */
import type { HeadBlock } from "./head-reader.js";
import type { RawLog } from "./json-rpc.js";

/** Runs work strictly one after another, in call order; a failure does not stop the line. */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();
  #waiting = 0;

  run<T>(work: () => Promise<T>): Promise<T> {
    this.#waiting++;
    const result = this.#tail.then(work, work);
    this.#tail = result.then(
      () => this.#waiting--,
      () => this.#waiting--,
    );
    return result;
  }

  /** True when nothing is running or waiting. */
  get idle(): boolean {
    return this.#waiting === 0;
  }
}

/** What a queue knows about the chain when a transaction's turn comes. */
export interface QueueTurn {
  /**
   * The latest block as the turn starts, when the queue is the only thing that moves the chain
   * (a feed's line on the simulated network): nothing but this transaction will mine until it
   * is done, so its fees and nonce can be worked out without asking the node.
   */
  readonly latestBlock?: HeadBlock;
  /**
   * Where the queue wants to hear which block the transaction was mined in (from its receipt),
   * so that the head after it is known without asking the node. Only offered with latestBlock.
   */
  readonly minedIn?: (block: MinedBlock) => void;
}

/** A block a transaction of the queue was mined in, as its receipt says. */
export interface MinedBlock {
  readonly number: number;
  readonly hash: string;
  readonly baseFeePerGas: bigint | null;
  /** The transaction's logs, null when the receipt had none to give. */
  readonly logs: readonly RawLog[] | null;
}

/** Where a chain adapter sends its transactions through. */
export interface TransactionQueue {
  /** Run `send` (which sends one transaction from `account` and waits for it) in its turn. */
  enqueue<T>(account: string, send: (turn: QueueTurn) => Promise<T>): Promise<T>;
}

/** One line per account: an account's transactions in order, different accounts side by side. */
export class AccountQueues implements TransactionQueue {
  readonly #lines = new Map<string, SerialQueue>();

  enqueue<T>(account: string, send: (turn: QueueTurn) => Promise<T>): Promise<T> {
    const key = account.toLowerCase();
    let line = this.#lines.get(key);
    if (line === undefined) {
      line = new SerialQueue();
      this.#lines.set(key, line);
    }
    const result = line.run(() => send({}));
    // Forget an idle line, so the map does not grow with every account ever seen.
    const forget = () => {
      if (this.#lines.get(key)?.idle === true) this.#lines.delete(key);
    };
    result.then(forget, forget);
    return result;
  }
}
