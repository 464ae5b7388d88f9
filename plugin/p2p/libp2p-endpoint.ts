/**
 * An oracle's endpoint to the rest of its committee over js-libp2p: TCP, Noise encryption and
 * authentication, Yamux multiplexing. The peer ids of the committee (from the contract config)
 * are the whole allow-list: a connection from or to any other key is refused once Noise has
 * proved who is on the other end, and the index of an authenticated peer id is the sender every
 * message is attributed to. Messages travel as protobuf bytes of the committee's protocol (OCR1's
 * or OCR2's schema, see wire-codec.ts), one length-prefixed frame each, on one outbound stream
 * per peer (so each pair's messages stay in order).
 *
 * Delivery is best effort, as the protocol expects: a peer that cannot be reached loses the
 * messages meant for it, and the protocol's own resends make up for them. Nothing a peer sends
 * can stop the endpoint: a frame that does not decode is dropped and reported, an oversized one
 * ends that stream (its framing can no longer be trusted) and is reported, and the process
 * keeps running.
 */
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { generateKeyPairFromSeed } from "@libp2p/crypto/keys";
import type { Connection, PeerId, Stream } from "@libp2p/interface";
import { peerIdFromString } from "@libp2p/peer-id";
import { tcp } from "@libp2p/tcp";
import { type LengthPrefixedStream, lpStream } from "@libp2p/utils";
import { type Multiaddr, multiaddr } from "@multiformats/multiaddr";
import { type Libp2p, createLibp2p } from "libp2p";

import { MessageDecodeError } from "../protocol/codec.js";
import type { AnyProtocolMessage } from "../protocol/any-message.js";
import type { Endpoint, MessageHandler } from "../protocol/transport.js";
import type { P2PIdentity } from "./identity.js";
import { type WireCodec, type WireProtocol, wireCodecFor } from "./wire-codec.js";

export { OCR1_PROTOCOL_ID, OCR2_PROTOCOL_ID } from "./wire-codec.js";
/** Messages waiting for one peer's stream to open; more than this are dropped. */
export const MAX_QUEUED_MESSAGES_PER_PEER = 256;
const DEFAULT_DIAL_TIMEOUT_MS = 5_000;
const DEFAULT_REDIAL_DELAY_MS = 1_000;

/** Something the transport did not deliver or did not allow, for the oracle's trace. */
export type TransportEvent =
  /** A peer's frame was refused (it does not decode, or it is too large). */
  | { readonly kind: "message-dropped"; readonly from: number; readonly reason: string }
  /** A message to a peer was not sent (unreachable, no address, queue full, stream failed). */
  | { readonly kind: "send-failed"; readonly to: number; readonly reason: string }
  /** A key outside the committee tried to connect, or was about to be dialled. */
  | { readonly kind: "peer-refused"; readonly peerId: string; readonly direction: "inbound" | "outbound" }
  /** The message handler threw; the endpoint reports it and goes on with the next message. */
  | { readonly kind: "receive-failed"; readonly from: number; readonly reason: string };

export interface CommitteePeer {
  /** The peer id the contract config lists for this oracle ("12D3KooW..."). */
  readonly peerId: string;
  /** Where to reach it, as multiaddrs ("/ip4/127.0.0.1/tcp/9000"); may be added later. */
  readonly addresses?: readonly string[];
}

export interface Libp2pEndpointOptions {
  /** This oracle's index in `peers`. */
  readonly index: number;
  readonly identity: P2PIdentity;
  /** Every oracle of the committee in config order, this one included. */
  readonly peers: readonly CommitteePeer[];
  /** Multiaddrs to listen on (default: `peers[index].addresses`). Port 0 picks a free port. */
  readonly listen?: readonly string[];
  readonly onEvent?: (event: TransportEvent) => void;
  /** The committee's protocol, from its contract config: which schema and stream (default OCR1). */
  readonly protocol?: WireProtocol;
  /** Frames over this many bytes are refused (default: the protocol codec's limit). */
  readonly maxMessageBytes?: number;
  readonly dialTimeoutMs?: number;
  /** After a failed dial, messages to that peer are dropped for this long before dialling again. */
  readonly redialDelayMs?: number;
}

/** One oracle's view of the stream to another: at most one open, and a queue while it opens. */
interface OutboundLink {
  readonly index: number;
  readonly peerId: PeerId;
  addresses: Multiaddr[];
  /** The open stream and its framing writer, or null. */
  stream: { readonly raw: Stream; readonly frames: LengthPrefixedStream<Stream> } | null;
  readonly queue: Uint8Array[];
  pumping: boolean;
  /** Time of the last failed dial (0 if none since the last success). */
  lastDialFailureMs: number;
}

export class Libp2pEndpoint implements Endpoint<AnyProtocolMessage> {
  readonly size: number;
  readonly index: number;
  readonly codec: WireCodec;
  readonly #node: Libp2p;
  readonly #links: (OutboundLink | null)[];
  readonly #indexByPeerId: ReadonlyMap<string, number>;
  readonly #onEvent: (event: TransportEvent) => void;
  readonly #maxMessageBytes: number;
  readonly #dialTimeoutMs: number;
  readonly #redialDelayMs: number;
  #handler: MessageHandler<AnyProtocolMessage> | null = null;
  #closed = false;
  #stopped: Promise<void> | null = null;

  private constructor(node: Libp2p, options: Libp2pEndpointOptions, peerIds: readonly PeerId[]) {
    this.#node = node;
    this.index = options.index;
    this.size = options.peers.length;
    this.#onEvent = options.onEvent ?? (() => {});
    this.codec = wireCodecFor(options.protocol ?? "ocr1");
    this.#maxMessageBytes = options.maxMessageBytes ?? this.codec.maxMessageBytes;
    this.#dialTimeoutMs = options.dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS;
    this.#redialDelayMs = options.redialDelayMs ?? DEFAULT_REDIAL_DELAY_MS;
    this.#indexByPeerId = new Map(options.peers.map((p, i) => [p.peerId, i]));
    this.#links = options.peers.map((peer, i) =>
      i === options.index
        ? null
        : { index: i, peerId: peerIds[i], addresses: [], stream: null, queue: [], pumping: false, lastDialFailureMs: 0 },
    );
    options.peers.forEach((peer, i) => {
      if (peer.addresses !== undefined && i !== options.index) this.addPeerAddresses(i, peer.addresses);
    });
  }

  /** Start listening and return the endpoint; refuses a committee it cannot serve. */
  static async start(options: Libp2pEndpointOptions): Promise<Libp2pEndpoint> {
    const { index, identity, peers } = options;
    if (!Number.isInteger(index) || index < 0 || index >= peers.length) {
      throw new RangeError(`index ${index} is not a position in the committee of ${peers.length}`);
    }
    if (peers[index].peerId !== identity.peerId) {
      throw new Error(`the committee lists ${peers[index].peerId} at index ${index}, but this oracle's P2P identity is ${identity.peerId}`);
    }
    if (new Set(peers.map((p) => p.peerId)).size !== peers.length) throw new Error("the committee lists the same peer id twice");
    const peerIds = peers.map((p, i) => {
      try {
        return peerIdFromString(p.peerId);
      } catch (error) {
        throw new Error(`peers[${i}].peerId ${JSON.stringify(p.peerId)} is not a libp2p peer id (12D3KooW...): ${errorText(error)}`);
      }
    });
    const listen = options.listen ?? peers[index].addresses ?? [];
    if (listen.length === 0) throw new Error(`no listen address for oracle ${index}: pass listen, or addresses for peers[${index}]`);
    const allowed = new Set(peers.map((p) => p.peerId));
    const onEvent = options.onEvent ?? (() => {});
    const refuse = (peerId: PeerId, direction: "inbound" | "outbound"): boolean => {
      if (allowed.has(peerId.toString())) return false;
      onEvent({ kind: "peer-refused", peerId: peerId.toString(), direction });
      return true;
    };
    const node = await createLibp2p({
      privateKey: await generateKeyPairFromSeed("Ed25519", identity.secretKey),
      addresses: { listen: [...listen] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionGater: {
        denyDialPeer: (peerId) => refuse(peerId, "outbound"),
        // Noise has proved the remote key by the time these run: the allow-list check.
        denyInboundEncryptedConnection: (peerId) => refuse(peerId, "inbound"),
        denyOutboundEncryptedConnection: (peerId) => refuse(peerId, "outbound"),
      },
    });
    try {
      const endpoint = new Libp2pEndpoint(node, options, peerIds);
      await node.handle(endpoint.codec.streamProtocolId, (stream, connection) => endpoint.#readInbound(stream, connection));
      return endpoint;
    } catch (error) {
      await node.stop(); // a bad peer address: give the listening port back before failing
      throw error;
    }
  }

  /** The addresses this endpoint listens on, each ending in /p2p/<its peer id>. */
  get listenAddresses(): string[] {
    return this.#node.getMultiaddrs().map((a) => a.toString());
  }

  /** Indices of the oracles this endpoint has an open connection with right now. */
  connectedPeers(): number[] {
    const connected = new Set<number>();
    for (const connection of this.#node.getConnections()) {
      const index = this.#indexByPeerId.get(connection.remotePeer.toString());
      if (index !== undefined && connection.status === "open") connected.add(index);
    }
    return [...connected].sort((a, b) => a - b);
  }

  /** Tell the endpoint where oracle `index` listens (multiaddrs, with or without /p2p/). */
  addPeerAddresses(index: number, addresses: readonly string[]): void {
    const link = this.#links[index];
    if (link === null || link === undefined) throw new RangeError(`oracle ${index} is not a peer of oracle ${this.index}`);
    for (const text of addresses) {
      let address = multiaddr(text);
      const stated = address.getComponents().find((c) => c.name === "p2p")?.value;
      if (stated !== undefined && stated !== link.peerId.toString()) {
        throw new Error(`address ${text} names peer ${stated}, but oracle ${index} is ${link.peerId.toString()}`);
      }
      // Dialling with the peer id in the address makes libp2p check the remote key.
      if (stated === undefined) address = address.encapsulate(`/p2p/${link.peerId.toString()}`);
      if (!link.addresses.some((a) => a.equals(address))) link.addresses.push(address);
    }
  }

  send(to: number, message: AnyProtocolMessage): void {
    if (this.#closed) return;
    if (!Number.isInteger(to) || to < 0 || to >= this.size) throw new RangeError(`no oracle ${to} in a committee of ${this.size}`);
    const bytes = this.codec.encode(message);
    if (to === this.index) {
      this.#deliverToSelf(bytes);
      return;
    }
    const link = this.#links[to]!;
    if (link.queue.length >= MAX_QUEUED_MESSAGES_PER_PEER) {
      this.#onEvent({ kind: "send-failed", to, reason: `more than ${MAX_QUEUED_MESSAGES_PER_PEER} messages waiting for the stream` });
      return;
    }
    link.queue.push(bytes);
    void this.#pump(link);
  }

  broadcast(message: AnyProtocolMessage): void {
    for (let to = 0; to < this.size; to++) this.send(to, message);
  }

  receive(handler: MessageHandler<AnyProtocolMessage>): void {
    this.#handler = handler;
  }

  /** Leave the network. Listening stops and connections close in the background; await `closed`. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#handler = null;
    for (const link of this.#links) if (link !== null) link.queue.length = 0;
    this.#stopped = Promise.resolve(this.#node.stop());
  }

  /** Resolves once the listening sockets and every connection are closed (after `close()`). */
  get closed(): Promise<void> {
    if (this.#stopped === null) throw new Error("closed is only available after close()");
    return this.#stopped;
  }

  // ---------------------------------------------------------------------------------------

  /** Through the codec, as a peer would receive it, and never re-entrantly. */
  #deliverToSelf(bytes: Uint8Array): void {
    setImmediate(() => this.#deliver(this.index, bytes));
  }

  #deliver(from: number, bytes: Uint8Array): void {
    if (this.#closed) return;
    let message: AnyProtocolMessage;
    try {
      message = this.codec.decode(bytes);
    } catch (error) {
      if (!(error instanceof MessageDecodeError)) throw error;
      this.#onEvent({ kind: "message-dropped", from, reason: error.message });
      return;
    }
    try {
      this.#handler?.(from, message);
    } catch (error) {
      this.#onEvent({ kind: "receive-failed", from, reason: errorText(error) });
    }
  }

  /** Send `link`'s queue in order over its stream, opening the stream first if needed. */
  async #pump(link: OutboundLink): Promise<void> {
    if (link.pumping) return;
    link.pumping = true;
    try {
      while (link.queue.length > 0 && !this.#closed) {
        if (link.stream === null && !(await this.#open(link))) return;
        const bytes = link.queue.shift()!;
        try {
          await link.stream!.frames.write(bytes);
        } catch (error) {
          // The stream broke (the peer restarted, or reset it after a bad frame): that message
          // is lost; the next one opens a new stream.
          link.stream?.raw.abort(error instanceof Error ? error : new Error(String(error)));
          link.stream = null;
          if (!this.#closed) this.#onEvent({ kind: "send-failed", to: link.index, reason: errorText(error) });
        }
      }
    } finally {
      link.pumping = false;
    }
  }

  /** Open `link`'s stream; on failure drop its queue and report why. */
  async #open(link: OutboundLink): Promise<boolean> {
    const fail = (reason: string) => {
      const dropped = link.queue.length;
      link.queue.length = 0;
      if (!this.#closed) this.#onEvent({ kind: "send-failed", to: link.index, reason: `${reason} (${dropped} message${dropped === 1 ? "" : "s"} dropped)` });
      return false;
    };
    const sinceFailure = Date.now() - link.lastDialFailureMs;
    if (link.lastDialFailureMs !== 0 && sinceFailure < this.#redialDelayMs) return fail(`oracle ${link.index} was unreachable ${sinceFailure} ms ago`);
    // An existing connection (either side may have opened it) is reused by libp2p.
    const target = this.#node.getConnections(link.peerId).length > 0 ? link.peerId : link.addresses;
    if (Array.isArray(target) && target.length === 0) return fail(`no address known for oracle ${link.index}`);
    try {
      const stream = await this.#node.dialProtocol(target, this.codec.streamProtocolId, { signal: AbortSignal.timeout(this.#dialTimeoutMs) });
      if (this.#closed) {
        stream.abort(new Error("endpoint closed"));
        return false;
      }
      link.stream = { raw: stream, frames: lpStream(stream, { maxDataLength: this.#maxMessageBytes }) };
      link.lastDialFailureMs = 0;
      stream.addEventListener("close", () => {
        if (link.stream?.raw === stream) link.stream = null;
      });
      return true;
    } catch (error) {
      link.lastDialFailureMs = Date.now();
      return fail(`cannot reach oracle ${link.index}: ${errorText(error)}`);
    }
  }

  /** Read one inbound stream frame by frame until it ends. */
  async #readInbound(stream: Stream, connection: Connection): Promise<void> {
    const from = this.#indexByPeerId.get(connection.remotePeer.toString());
    if (from === undefined || this.#closed) {
      // The gater admits only committee keys; this is a second line of defence.
      stream.abort(new Error("not a committee peer"));
      return;
    }
    const frames = lpStream(stream, { maxDataLength: this.#maxMessageBytes });
    try {
      for (;;) {
        const frame = await frames.read();
        this.#deliver(from, frame.subarray());
      }
    } catch (error) {
      if (this.#closed || isEndOfStream(error)) return;
      // Oversized or garbled framing: the rest of this stream cannot be split into frames.
      this.#onEvent({ kind: "message-dropped", from, reason: `${errorText(error)}; stream closed` });
      stream.abort(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

/** The stream ended between frames (the peer closed it, or the connection went away). */
function isEndOfStream(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === "UnexpectedEOFError" || name === "StreamResetError" || name === "StreamAbortedError" || name === "StreamClosedError" || name === "ConnectionClosedError";
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
