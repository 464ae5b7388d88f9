/**
 * Sending `transmit` for an oracle: build the transaction, sign it with the oracle's transmitter
 * key, send it in its turn and wait for the receipt. Reverts and transport errors come back as a
 * not-ok result with the reason, never as an exception.
 */
import { type Provider, Signature, type Signer, Transaction, type TransactionRequest, getBytes, hexlify, isError, toBigInt } from "ethers";

import { type Address, toChecksumAddress } from "../core/address.js";
import { type Hex, bytesToHex, hexToBytes } from "../core/bytes.js";
import { type Eip1559Fields, eip1559SigningHash, serializeSignedEip1559 } from "../core/eip1559.js";
import { signDigestRecoverable } from "../core/secp256k1.js";
import type { TransmitRequest, TransmitResult } from "../protocol/chain.js";
import { newTransmissionRoundId } from "./aggregator-dialect.js";
import type { HeadBlock, HeadReader } from "./head-reader.js";
import { type OfferedFees, type RawSend, minedBlockOf, quantity, rawSender, waitForReceipt } from "./json-rpc.js";
import type { QueueTurn, TransactionQueue } from "./transaction-queue.js";

export interface TransmitSenderOptions {
  readonly provider: Provider;
  readonly head: HeadReader;
  /** The signer that sends `transmit` for the oracle at `transmitterIndex`. */
  readonly transmitterSigner: (transmitterIndex: number, transmitterAddress: Address) => Signer | Promise<Signer>;
  /** Where transmits wait their turn (one line per transmitter account at least). */
  readonly queue: TransactionQueue;
  /** Gas limit for transmit; estimated (which also surfaces a revert before sending) when omitted. */
  readonly gasLimit?: bigint;
}

/** What ethers offers as priority fee when the node has no eth_maxPriorityFeePerGas. */
const DEFAULT_PRIORITY_FEE = 1_000_000_000n;

/**
 * The gas limit of a transmit whose turn knows the chain (see QueueTurn), after an `eth_call`
 * has shown it does not revert. The largest OCR1 transmit this plugin measures (31 oracles, 11
 * signatures, fresh storage) uses about 156k gas; OCR2's is of the same order. A fixed limit, as
 * Chainlink nodes configure for OCR transmissions, spares `eth_estimateGas`, which runs the call
 * several times over to search for the limit. Only gas used is paid, and reimbursed.
 */
export const SIMULATED_TRANSMIT_GAS_LIMIT = 500_000n;

export class TransmitSender {
  readonly #options: TransmitSenderOptions;
  /** The chain id, asked once: a provider's chain does not change under it. */
  #chainId: Promise<bigint> | undefined;
  /**
   * Each transmitter's next nonce, kept while the queue's turns know the chain (nothing else
   * sends from these accounts in the plugin); forgotten after any failed send, so the node is
   * asked again.
   */
  readonly #nextNonce = new Map<string, bigint>();
  /**
   * The node's priority fee suggestion, kept while the queue's turns know the chain: the
   * simulated network suggests a constant, so asking once per transmit only costs a request.
   */
  #simulatedPriorityFee: Promise<bigint> | undefined;

  constructor(options: TransmitSenderOptions) {
    this.#options = options;
  }

  transmit(request: TransmitRequest): Promise<TransmitResult> {
    return this.#options.queue.enqueue(request.transmitterAddress, (turn) => this.#send(request, turn));
  }

  async #send(request: TransmitRequest, turn: QueueTurn): Promise<TransmitResult> {
    const from = request.transmitterAddress;
    try {
      const signer = await this.#options.transmitterSigner(request.transmitterIndex, from);
      const data = this.#options.head.dialect.transmitCalldata(request);
      const send = rawSender(this.#options.provider);
      let raw = send === null ? null : await this.#signedRawTransaction(send, signer, from, data, turn.latestBlock);
      if (send === null || raw === null) return await this.#sendThroughSigner(signer, data);
      let hash: Hex;
      try {
        hash = (await send("eth_sendRawTransaction", [raw.signed])) as Hex;
      } catch (error) {
        this.#nextNonce.delete(from.toLowerCase());
        if (!raw.nonceWasKept || !isNonceMismatch(error)) throw error;
        // The nonce kept from this sender's last transaction is stale: the chain was rewound
        // under us (a test's snapshot revert, loadFixture). Nothing was sent; ask the node and
        // send once more.
        raw = await this.#signedRawTransaction(send, signer, from, data, turn.latestBlock);
        if (raw === null) throw error;
        hash = (await send("eth_sendRawTransaction", [raw.signed])) as Hex;
      }
      if (turn.latestBlock !== undefined) this.#nextNonce.set(from.toLowerCase(), raw.nonce + 1n);
      const receipt = await waitForReceipt(send, hash);
      const mined = minedBlockOf(receipt, raw.fees);
      if (mined !== null) turn.minedIn?.(mined);
      const aggregatorRoundId = receipt.status === 1 ? newTransmissionRoundId(this.#options.head.dialect, this.#options.head.address, receipt.logs) : null;
      return {
        ok: receipt.status === 1,
        txHash: hash,
        gasUsed: receipt.gasUsed,
        ...(aggregatorRoundId !== null && receipt.blockNumber !== null ? { receipt: { blockNumber: receipt.blockNumber, aggregatorRoundId } } : {}),
      };
    } catch (error) {
      return { ok: false, error: describeTransmitError(error) };
    }
  }

  /**
   * The transaction filled in and signed locally, or null when this signer cannot hand out
   * signed bytes. Nonce, fees and gas are asked for side by side, the chain id once; the fees
   * follow ethers' rule (twice the base fee plus the node's priority fee), so the transaction
   * pays what an ethers-populated one would. Sending the signed bytes ourselves also skips
   * ethers' broadcast wrapper, which re-derives the sender from the signature.
   *
   * When the turn knows the latest block, the base fee comes from it, the nonce from the last
   * one this sender used, and the gas limit is fixed once an `eth_call` of the same transaction
   * has run without reverting (a revert is reported with its reason and nothing is sent, as
   * with an estimate).
   */
  async #signedRawTransaction(
    send: RawSend,
    signer: Signer,
    from: Address,
    data: Hex,
    latestBlock: HeadBlock | undefined,
  ): Promise<{ signed: string; nonce: bigint; nonceWasKept: boolean; fees: OfferedFees | null } | null> {
    if (typeof signer.signTransaction !== "function") return null;
    const to = this.#options.head.address;
    const nonceWasKept = latestBlock !== undefined && this.#nextNonce.has(from.toLowerCase());
    const [nonce, fees, gas, chainId] = await Promise.all([
      this.#nonce(send, from, latestBlock !== undefined),
      this.#fees(send, latestBlock),
      this.#gasLimit(send, { from, to, data }, latestBlock !== undefined),
      this.#chain(send),
    ]);
    const transaction: TransactionRequest = { to, data, nonce: Number(nonce), gasLimit: gas, chainId, ...fees };
    try {
      const offered = fees.type === 2 ? { maxFeePerGas: fees.maxFeePerGas as bigint, maxPriorityFeePerGas: fees.maxPriorityFeePerGas as bigint } : null;
      return { signed: await signTransaction(signer, transaction), nonce, nonceWasKept, fees: offered };
    } catch (error) {
      if (isError(error, "UNSUPPORTED_OPERATION")) return null;
      throw error;
    }
  }

  #nonce(send: RawSend, from: Address, keptLocally: boolean): Promise<bigint> {
    const kept = keptLocally ? this.#nextNonce.get(from.toLowerCase()) : undefined;
    if (kept !== undefined) return Promise.resolve(kept);
    return send("eth_getTransactionCount", [from, "pending"]).then((n) => quantity(n, "a nonce"));
  }

  async #gasLimit(send: RawSend, call: { from: Address; to: Address; data: Hex }, chainKnown: boolean): Promise<bigint> {
    if (this.#options.gasLimit !== undefined) return this.#options.gasLimit;
    if (!chainKnown) return quantity(await send("eth_estimateGas", [call]), "a gas estimate");
    await send("eth_call", [{ ...call, gas: `0x${SIMULATED_TRANSMIT_GAS_LIMIT.toString(16)}` }, "pending"]);
    return SIMULATED_TRANSMIT_GAS_LIMIT;
  }

  #chain(send: RawSend): Promise<bigint> {
    if (this.#chainId === undefined) {
      const asked = send("eth_chainId", []).then((id) => quantity(id, "the chain id"));
      asked.catch(() => {
        if (this.#chainId === asked) this.#chainId = undefined;
      });
      this.#chainId = asked;
    }
    return this.#chainId;
  }

  async #fees(send: RawSend, latestBlock: HeadBlock | undefined): Promise<Pick<TransactionRequest, "type" | "gasPrice" | "maxFeePerGas" | "maxPriorityFeePerGas">> {
    const { baseFeePerGas } = latestBlock ?? (await this.#options.head.head());
    if (baseFeePerGas === null) return { type: 0, gasPrice: quantity(await send("eth_gasPrice", []), "a gas price") };
    const askPriorityFee = () =>
      send("eth_maxPriorityFeePerGas", []).then(
        (p) => quantity(p, "a priority fee"),
        () => DEFAULT_PRIORITY_FEE,
      );
    const priority = await (latestBlock === undefined ? askPriorityFee() : (this.#simulatedPriorityFee ??= askPriorityFee()));
    return { type: 2, maxFeePerGas: 2n * baseFeePerGas + priority, maxPriorityFeePerGas: priority };
  }

  /** A signer that cannot hand out signed bytes (e.g. a node-managed account): the usual way. */
  async #sendThroughSigner(signer: Signer, data: Hex): Promise<TransmitResult> {
    const overrides = this.#options.gasLimit !== undefined ? { gasLimit: this.#options.gasLimit } : {};
    const tx = await signer.sendTransaction({ to: this.#options.head.address, data, ...overrides });
    const receipt = await tx.wait();
    return { ok: receipt?.status === 1, txHash: tx.hash as Hex, gasUsed: receipt?.gasUsed };
  }
}

/** The node refused a transaction for its nonce (Hardhat: "Nonce too high/low", geth: "nonce too low"). */
function isNonceMismatch(error: unknown): boolean {
  return /nonce too (high|low)/i.test(error instanceof Error ? error.message : String(error));
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

/** The request's fields when it is a complete EIP-1559 call (no legacy gas price), else null. */
function eip1559FieldsOf(transaction: TransactionRequest): Eip1559Fields | null {
  const { to, data, nonce, gasLimit, chainId, maxFeePerGas, maxPriorityFeePerGas, gasPrice, value, type } = transaction;
  if (gasPrice != null || (type != null && Number(type) !== 2)) return null;
  if (nonce == null || gasLimit == null || chainId == null || maxFeePerGas == null || maxPriorityFeePerGas == null) return null;
  if (typeof to !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(to)) return null;
  // A mixed-case address must carry a valid checksum; ethers refuses one that does not.
  if (to !== to.toLowerCase() && to.slice(2) !== to.slice(2).toUpperCase() && toChecksumAddress(to) !== to) return null;
  if (data != null && (typeof data !== "string" || !/^0x([0-9a-fA-F]{2})*$/.test(data))) return null;
  const fields = {
    chainId: toBigInt(chainId),
    nonce: toBigInt(nonce),
    maxPriorityFeePerGas: toBigInt(maxPriorityFeePerGas),
    maxFeePerGas: toBigInt(maxFeePerGas),
    gasLimit: toBigInt(gasLimit),
    to: hexToBytes(to),
    value: value == null ? 0n : toBigInt(value),
    data: data == null ? new Uint8Array(0) : hexToBytes(data),
  };
  // Out-of-range numbers: ethers says what is wrong with them.
  if (fields.nonce > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  for (const n of [fields.chainId, fields.nonce, fields.maxPriorityFeePerGas, fields.maxFeePerGas, fields.gasLimit, fields.value]) {
    if (n < 0n || n >= 1n << 256n) return null;
  }
  return fields;
}

/** What signTransaction carries into the transaction it signs; a request with anything else goes to ethers whole. */
const SIGNED_HERE_FIELDS = new Set(["to", "data", "nonce", "gasLimit", "chainId", "maxFeePerGas", "maxPriorityFeePerGas", "gasPrice", "value", "type"]);

/** An ethers Wallet, recognised by shape (the user's ethers may be another copy than ours). */
interface KeyHoldingSigner extends Signer {
  readonly signingKey: { readonly privateKey: string };
}

function holdsKey(signer: Signer): signer is KeyHoldingSigner {
  const signingKey = (signer as Partial<KeyHoldingSigner>).signingKey;
  return typeof signingKey === "object" && signingKey !== null && typeof signingKey.privateKey === "string";
}

/**
 * `signer.signTransaction(transaction)`, with the signature made by the project's secp256k1
 * signer when the signer holds its key: the same bytes as ethers' (both RFC 6979, low-s), but
 * through libsecp256k1 where it loads (ethers signs in JavaScript; about 1 ms of a transmit).
 * The request must be complete (addresses as hex, nonce, fees, gas and chain id filled in).
 * A complete EIP-1559 request (what a transmit is) is also serialized here (eip1559.ts); any
 * other kind goes through ethers' Transaction.
 */
export async function signTransaction(signer: Signer, transaction: TransactionRequest): Promise<string> {
  // Fields this function does not carry over (an access list, blobs...): ethers does it all.
  const unknownField = Object.entries(transaction).some(([name, value]) => value != null && !SIGNED_HERE_FIELDS.has(name));
  if (!holdsKey(signer) || typeof transaction.to !== "string" || unknownField) return signer.signTransaction(transaction);
  const fields = eip1559FieldsOf(transaction);
  if (fields !== null) {
    const signature = signDigestRecoverable(eip1559SigningHash(fields), getBytes(signer.signingKey.privateKey));
    return bytesToHex(serializeSignedEip1559(fields, signature));
  }
  const { to, data, nonce, gasLimit, chainId, maxFeePerGas, maxPriorityFeePerGas, gasPrice, value } = transaction;
  const tx = Transaction.from({
    to,
    ...(data != null ? { data } : {}),
    ...(nonce != null ? { nonce } : {}),
    ...(gasLimit != null ? { gasLimit } : {}),
    ...(chainId != null ? { chainId } : {}),
    ...(maxFeePerGas != null ? { maxFeePerGas } : {}),
    ...(maxPriorityFeePerGas != null ? { maxPriorityFeePerGas } : {}),
    ...(gasPrice != null ? { gasPrice } : {}),
    ...(value != null ? { value } : {}),
  });
  const signature = signDigestRecoverable(getBytes(tx.unsignedHash), getBytes(signer.signingKey.privateKey));
  tx.signature = Signature.from({ r: hexlify(signature.subarray(0, 32)), s: hexlify(signature.subarray(32, 64)), v: 27 + signature[64] });
  return tx.serialized;
}
