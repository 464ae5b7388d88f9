/** Helpers for the P2P tests: bounded waits, committees of endpoints on loopback, raw peers. */
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { generateKeyPairFromSeed } from "@libp2p/crypto/keys";
import { tcp } from "@libp2p/tcp";
import { type Libp2p, createLibp2p } from "libp2p";

import { type P2PIdentity, deriveP2PIdentity } from "../../plugin/p2p/identity.js";
import { Libp2pEndpoint, type TransportEvent } from "../../plugin/p2p/libp2p-endpoint.js";

/** Resolve once `condition()` holds; fail naming `what` after `timeoutMs` (polls every 10 ms). */
export async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const LOOPBACK_ANY_PORT = "/ip4/127.0.0.1/tcp/0";

/** The TCP port of a multiaddr such as /ip4/127.0.0.1/tcp/40123/p2p/12D3KooW... */
export function portOf(address: string): number {
  const match = /\/tcp\/(\d+)/.exec(address);
  if (match === null) throw new Error(`no TCP port in ${address}`);
  return Number(match[1]);
}

export interface LoopbackCommittee {
  readonly identities: P2PIdentity[];
  /** null for an index the test runs itself (a raw peer). */
  readonly endpoints: (Libp2pEndpoint | null)[];
  readonly events: TransportEvent[][];
  close(): Promise<void>;
}

/**
 * n endpoints on 127.0.0.1 with ports picked by the OS, each told the others' addresses.
 * Indices in `skip` get an identity in the config but no endpoint.
 */
export async function loopbackCommittee(n: number, seed: string, skip: readonly number[] = []): Promise<LoopbackCommittee> {
  const identities = Array.from({ length: n }, (_, i) => deriveP2PIdentity(seed, i));
  const peers = identities.map((identity) => ({ peerId: identity.peerId }));
  const events: TransportEvent[][] = identities.map(() => []);
  const endpoints = await Promise.all(
    identities.map((identity, index) =>
      skip.includes(index)
        ? null
        : Libp2pEndpoint.start({ index, identity, peers, listen: [LOOPBACK_ANY_PORT], onEvent: (event) => events[index].push(event) }),
    ),
  );
  for (const endpoint of endpoints) {
    if (endpoint === null) continue;
    endpoints.forEach((other, j) => {
      if (other !== null && other !== endpoint) endpoint.addPeerAddresses(j, other.listenAddresses);
    });
  }
  return {
    identities,
    endpoints,
    events,
    close: async () => {
      for (const endpoint of endpoints) endpoint?.close();
      await Promise.all(endpoints.map((endpoint) => endpoint?.closed));
    },
  };
}

/** A bare libp2p node with the same stack as the endpoint: a peer that speaks raw frames. */
export async function rawPeer(identity: P2PIdentity): Promise<Libp2p> {
  return createLibp2p({
    privateKey: await generateKeyPairFromSeed("Ed25519", identity.secretKey),
    addresses: { listen: [LOOPBACK_ANY_PORT] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
  });
}
