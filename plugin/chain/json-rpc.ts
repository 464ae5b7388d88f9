/**
 * Raw JSON-RPC through an ethers provider. The chain adapter asks for a few things ethers cannot
 * (the pending block's timestamp, a receipt without ethers' polling loop), and raw requests skip
 * ethers' formatting for the hot reads every oracle makes each round.
 */
import type { Provider } from "ethers";

export type RawSend = (method: string, params: unknown[]) => Promise<unknown>;

/** The provider's `send` (JsonRpcProvider, Hardhat's provider), or null when it has none. */
export function rawSender(provider: Provider): RawSend | null {
  const send = (provider as { send?: RawSend }).send;
  return typeof send === "function" ? send.bind(provider) : null;
}

/** Send one raw request; throws when the provider cannot send raw JSON-RPC. */
export function sendRaw(provider: Provider, method: string, params: unknown[]): Promise<unknown> {
  const send = rawSender(provider);
  if (send === null) throw new Error(`the provider cannot send raw JSON-RPC (${method})`);
  return send(method, params);
}

/** A JSON-RPC quantity ("0x1a") as a bigint; throws on anything else. */
export function quantity(value: unknown, what: string): bigint {
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]+$/.test(value)) throw new Error(`the node returned ${JSON.stringify(value)} as ${what}`);
  return BigInt(value);
}

/** A log as JSON-RPC returns it (only the fields read here). */
export interface RawLog {
  readonly address?: string;
  readonly topics?: readonly string[];
  readonly data?: string;
  readonly logIndex?: string;
}

/** The logs `address` emitted, with first topic `topic` when one is given. */
export function logsOf(logs: readonly RawLog[], address: string, topic?: string): RawLog[] {
  const emitter = address.toLowerCase();
  return logs.filter((log) => log.address?.toLowerCase() === emitter && (topic === undefined || log.topics?.[0] === topic));
}

interface RawReceipt {
  readonly status?: string;
  readonly gasUsed?: string;
  readonly blockNumber?: string;
  readonly blockHash?: string;
  readonly effectiveGasPrice?: string;
  readonly logs?: readonly RawLog[];
}

/** What a mined transaction's receipt says. */
export interface MinedReceipt {
  /** 1 when the transaction succeeded, 0 when it reverted. */
  readonly status: number;
  readonly gasUsed: bigint;
  /** Null when the node left it out (as the two below). */
  readonly blockNumber: number | null;
  readonly blockHash: string | null;
  readonly effectiveGasPrice: bigint | null;
  /** Null when the node left them out. */
  readonly logs: readonly RawLog[] | null;
  /** The receipt was there at the first ask, right after sending: the node mined the transaction as it came (automine). */
  readonly minedAtOnce: boolean;
}

/** The EIP-1559 fees a sender offered. */
export interface OfferedFees {
  readonly maxFeePerGas: bigint;
  readonly maxPriorityFeePerGas: bigint;
}

/**
 * The block a transaction was mined in, as its receipt tells (see QueueTurn.minedIn): the base
 * fee is what the sender paid per gas less the tip it offered, which holds when the fee cap was
 * not reached (EIP-1559: price = min(cap, base fee + tip)); null when that cannot be told. The
 * logs are given only for a transaction mined as it was sent (automine: alone in its block);
 * one the node mined later may share its block with others.
 */
export function minedBlockOf(
  receipt: MinedReceipt,
  offered: OfferedFees | null,
): { number: number; hash: string; baseFeePerGas: bigint | null; logs: readonly RawLog[] | null } | null {
  if (receipt.blockNumber === null || receipt.blockHash === null || receipt.effectiveGasPrice === null || offered === null) return null;
  if (receipt.effectiveGasPrice >= offered.maxFeePerGas) return null;
  const baseFeePerGas = receipt.effectiveGasPrice - offered.maxPriorityFeePerGas;
  if (baseFeePerGas < 0n) return null;
  return { number: receipt.blockNumber, hash: receipt.blockHash, baseFeePerGas, logs: receipt.minedAtOnce ? receipt.logs : null };
}

/** Longest wait for a sent transaction to be mined before it counts as failed. */
const RECEIPT_TIMEOUT_MS = 120_000;

/**
 * Poll for the receipt: at once (automine), then backing off to 250 ms (interval mining, a real
 * node). A transaction the node no longer knows (dropped from its pool) fails at once instead of
 * blocking this transmitter's later transactions.
 */
export async function waitForReceipt(send: RawSend, hash: string): Promise<MinedReceipt> {
  const deadline = Date.now() + RECEIPT_TIMEOUT_MS;
  for (let delayMs = 0; ; delayMs = Math.min(250, Math.max(10, delayMs * 2))) {
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const receipt = (await send("eth_getTransactionReceipt", [hash])) as RawReceipt | null;
    if (receipt !== null && typeof receipt.status === "string" && typeof receipt.gasUsed === "string") {
      return {
        status: Number(BigInt(receipt.status)),
        gasUsed: BigInt(receipt.gasUsed),
        blockNumber: typeof receipt.blockNumber === "string" ? Number(BigInt(receipt.blockNumber)) : null,
        blockHash: typeof receipt.blockHash === "string" ? receipt.blockHash : null,
        effectiveGasPrice: typeof receipt.effectiveGasPrice === "string" ? BigInt(receipt.effectiveGasPrice) : null,
        logs: Array.isArray(receipt.logs) ? receipt.logs : null,
        minedAtOnce: delayMs === 0,
      };
    }
    if (delayMs > 0 && (await send("eth_getTransactionByHash", [hash])) === null) {
      throw new Error(`transaction ${hash} was dropped by the node before it was mined`);
    }
    if (Date.now() > deadline) throw new Error(`transaction ${hash} was not mined within ${RECEIPT_TIMEOUT_MS / 1000} s`);
  }
}

