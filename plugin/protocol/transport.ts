/**
 * How an oracle talks to the others: one endpoint per oracle. The in-process network
 * implements it for tests and the simulated chain; a P2P transport implements the same four
 * operations between processes. The endpoint is authenticated: `from` is the true sender's
 * index in the committee, established by the transport, never read from the message.
 */

/** Called with each message that arrives, and the index of the oracle that sent it. */
export type MessageHandler<M> = (from: number, message: M) => void;

export interface Endpoint<M> {
  /** Number of oracles in the committee (valid indices are 0..size-1). */
  readonly size: number;
  /** Send to one oracle. Delivery is best effort: the protocol tolerates loss. */
  send(to: number, message: M): void;
  /** Send to every oracle, this one included. */
  broadcast(message: M): void;
  /** Deliver incoming messages to `handler` from now on (replacing any earlier handler). */
  receive(handler: MessageHandler<M>): void;
  /** Leave the network: nothing is delivered to or sent from this endpoint afterwards. */
  close(): void;
}
