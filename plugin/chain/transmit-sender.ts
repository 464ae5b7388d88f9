/**
 * Sending `transmit` for an oracle: build the transaction, sign it with the oracle's transmitter
 * key, send it in its turn and wait for the receipt. Reverts and transport errors come back as a
 * not-ok result with the reason, never as an exception.
 */
import { type Provider, type Signer, type TransactionRequest, isError } from "ethers";

import type { Address } from "../core/address.js";
import { type Hex, bytesToHex } from "../core/bytes.js";
import { encodeTransmitCalldata } from "../core/report.js";
import type { TransmitRequest, TransmitResult } from "../protocol/chain.js";
import { type HeadReader, aggregatorInterface } from "./head-reader.js";
import { type RawSend, quantity, rawSender, waitForReceipt } from "./json-rpc.js";
import type { TransactionQueue } from "./transaction-queue.js";

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

export class TransmitSender {
  readonly #options: TransmitSenderOptions;
  /** The chain id, asked once: a provider's chain does not change under it. */
  #chainId: Promise<bigint> | undefined;

  constructor(options: TransmitSenderOptions) {
    this.#options = options;
  }

  transmit(request: TransmitRequest): Promise<TransmitResult> {
    return this.#options.queue.enqueue(request.transmitterAddress, () => this.#send(request));
  }

  async #send(request: TransmitRequest): Promise<TransmitResult> {
    try {
      const signer = await this.#options.transmitterSigner(request.transmitterIndex, request.transmitterAddress);
      const data = transmitCalldata(request);
      const send = rawSender(this.#options.provider);
      const raw = send === null ? null : await this.#signedRawTransaction(send, signer, request.transmitterAddress, data);
      if (send === null || raw === null) return await this.#sendThroughSigner(signer, data);
      const hash = (await send("eth_sendRawTransaction", [raw])) as Hex;
      const receipt = await waitForReceipt(send, hash);
      return { ok: receipt.status === 1, txHash: hash, gasUsed: receipt.gasUsed };
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
   */
  async #signedRawTransaction(send: RawSend, signer: Signer, from: Address, data: Hex): Promise<string | null> {
    if (typeof signer.signTransaction !== "function") return null;
    const to = this.#options.head.address;
    const gasLimit = this.#options.gasLimit;
    const [nonce, fees, gas, chainId] = await Promise.all([
      send("eth_getTransactionCount", [from, "pending"]).then((n) => quantity(n, "a nonce")),
      this.#fees(send),
      gasLimit ?? send("eth_estimateGas", [{ from, to, data }]).then((g) => quantity(g, "a gas estimate")),
      this.#chain(send),
    ]);
    const transaction: TransactionRequest = { to, data, nonce: Number(nonce), gasLimit: gas, chainId, ...fees };
    try {
      return await signer.signTransaction(transaction);
    } catch (error) {
      if (isError(error, "UNSUPPORTED_OPERATION")) return null;
      throw error;
    }
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

  async #fees(send: RawSend): Promise<Pick<TransactionRequest, "type" | "gasPrice" | "maxFeePerGas" | "maxPriorityFeePerGas">> {
    const { baseFeePerGas } = await this.#options.head.head();
    if (baseFeePerGas === null) return { type: 0, gasPrice: quantity(await send("eth_gasPrice", []), "a gas price") };
    const priority = await send("eth_maxPriorityFeePerGas", []).then(
      (p) => quantity(p, "a priority fee"),
      () => DEFAULT_PRIORITY_FEE,
    );
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

/**
 * The `transmit` calldata: the plugin's own encoder for the reports it builds (whole words),
 * ethers' for anything else (a malformed report still goes out, and the contract judges it).
 */
function transmitCalldata(request: TransmitRequest): Hex {
  if (request.report.length % 32 === 0) return bytesToHex(encodeTransmitCalldata(request.report, { rs: [...request.rs], ss: [...request.ss], rawVs: request.rawVs }));
  return aggregatorInterface.encodeFunctionData("transmit", [request.report, [...request.rs], [...request.ss], request.rawVs]) as Hex;
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
