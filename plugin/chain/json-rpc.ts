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
