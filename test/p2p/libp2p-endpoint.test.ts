/**
 * The libp2p endpoint on loopback: a committee exchanges messages with true sender indices,
 * keys outside the committee are refused, a peer's bad frames are dropped without harming the
 * receiver, and close() gives the ports back.
 */
import { createServer } from "node:net";

import { multiaddr } from "@multiformats/multiaddr";
import { lpStream } from "@libp2p/utils";
import { expect } from "chai";

import { generateP2PIdentity } from "../../plugin/p2p/identity.js";
import { Libp2pEndpoint, OCR1_PROTOCOL_ID } from "../../plugin/p2p/libp2p-endpoint.js";
import { encodeWireMessage } from "../../plugin/p2p/protobuf-codec.js";
import type { AnyProtocolMessage } from "../../plugin/protocol/any-message.js";
import type { ProtocolMessage } from "../../plugin/protocol/messages.js";
import { DIGEST, committeeKeys, signedObservation } from "../protocol/role-support.js";
import { LOOPBACK_ANY_PORT, loopbackCommittee, portOf, rawPeer, waitFor } from "./p2p-support.js";

type Received = { from: number; message: AnyProtocolMessage };

function listen(endpoint: Libp2pEndpoint): Received[] {
  const received: Received[] = [];
  endpoint.receive((from, message) => received.push({ from, message }));
  return received;
}

/** Whether a TCP server can listen on 127.0.0.1:`port` right now. */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

describe("libp2p endpoint", function () {
  this.timeout(30_000);

  it("lets four oracles on loopback exchange messages, each attributed to its true sender", async () => {
    const committee = await loopbackCommittee(4, "endpoint-exchange");
    try {
      const endpoints = committee.endpoints.map((e) => e!);
      const inboxes = endpoints.map(listen);
      endpoints.forEach((endpoint, i) => endpoint.broadcast({ type: "newepoch", epoch: 100 + i }));
      await waitFor("every broadcast at every oracle", () => inboxes.every((inbox) => inbox.length === 4));
      for (const inbox of inboxes) {
        const byEpoch = [...inbox].sort((a, b) => a.from - b.from);
        expect(byEpoch).to.deep.equal([0, 1, 2, 3].map((i) => ({ from: i, message: { type: "newepoch", epoch: 100 + i } })));
      }
      // A larger message, point to point, arrives intact and in order after the first.
      const keys = committeeKeys(4);
      const context = { configDigest: DIGEST, epoch: 9, round: 2 };
      const reportReq: ProtocolMessage = { type: "report-req", epoch: 9, round: 2, observations: [0, 1, 2, 3].map((i) => signedObservation(keys, context, i, 10n ** 20n * BigInt(i))) };
      endpoints[2].send(1, { type: "observe-req", epoch: 9, round: 2 });
      endpoints[2].send(1, reportReq);
      await waitFor("two messages from 2 at 1", () => inboxes[1].length === 6);
      expect(inboxes[1].slice(4)).to.deep.equal([
        { from: 2, message: { type: "observe-req", epoch: 9, round: 2 } },
        { from: 2, message: reportReq },
      ]);
      for (const endpoint of endpoints) expect(endpoint.connectedPeers()).to.have.length(3);
      expect(committee.events.flat()).to.deep.equal([]);
    } finally {
      await committee.close();
    }
  });

  it("refuses a peer whose key is not in the committee, in either direction", async () => {
    const committee = await loopbackCommittee(2, "endpoint-unknown", [1]);
    const stranger = generateP2PIdentity();
    const intruder = await rawPeer(stranger);
    try {
      const endpoint = committee.endpoints[0]!;
      const received = listen(endpoint);
      let refusal: unknown = null;
      try {
        const stream = await intruder.dialProtocol(multiaddr(endpoint.listenAddresses[0]), OCR1_PROTOCOL_ID, { signal: AbortSignal.timeout(5_000) });
        // Should the handshake complete before the gater's verdict arrives, nothing may get through.
        await lpStream(stream).write(encodeWireMessage({ type: "newepoch", epoch: 1 }));
      } catch (error) {
        refusal = error;
      }
      await waitFor("the refusal to be reported", () => committee.events[0].some((e) => e.kind === "peer-refused"));
      expect(committee.events[0]).to.deep.include({ kind: "peer-refused", peerId: stranger.peerId, direction: "inbound" });
      expect(refusal, "the stranger's dial must fail").to.be.instanceOf(Error);
      expect(received).to.deep.equal([]);
      expect(endpoint.connectedPeers()).to.deep.equal([]);
      // Nor does the endpoint accept an address that claims another oracle's key...
      expect(() => endpoint.addPeerAddresses(1, [`/ip4/127.0.0.1/tcp/1/p2p/${stranger.peerId}`])).to.throw(/names peer .* but oracle 1 is/);
      // ...and an address of oracle 1 that leads to the stranger fails the handshake's key check.
      endpoint.addPeerAddresses(1, [`/ip4/127.0.0.1/tcp/${portOf(intruder.getMultiaddrs()[0].toString())}`]);
      endpoint.send(1, { type: "newepoch", epoch: 2 });
      await waitFor("the misdirected send to fail", () => committee.events[0].some((e) => e.kind === "send-failed"));
      const failure = committee.events[0].find((e) => e.kind === "send-failed") as { to: number; reason: string };
      expect(failure.to).to.equal(1);
      expect(failure.reason).to.match(/cannot reach oracle 1/);
      expect(endpoint.connectedPeers()).to.deep.equal([]);
    } finally {
      await intruder.stop();
      await committee.close();
    }
  });

  it("drops a committee peer's malformed or oversized frames, reports them, and keeps receiving", async () => {
    // Oracle 2 is a raw libp2p node holding oracle 2's key: an authenticated peer sending junk.
    const committee = await loopbackCommittee(3, "endpoint-malformed", [2]);
    const faulty = await rawPeer(committee.identities[2]);
    try {
      const endpoint = committee.endpoints[0]!;
      const received = listen(endpoint);
      const target = multiaddr(endpoint.listenAddresses[0]);
      const frames = lpStream(await faulty.dialProtocol(target, OCR1_PROTOCOL_ID));
      await frames.write(Uint8Array.of(0xff, 0xff, 0xff)); // not protobuf
      await frames.write(encodeWireMessage({ type: "newepoch", epoch: 1 }).subarray(0, 3)); // truncated
      await frames.write(encodeWireMessage({ type: "observe-req", epoch: 4, round: 1 }));
      await waitFor("the good frame after two bad ones", () => received.length === 1);
      expect(received).to.deep.equal([{ from: 2, message: { type: "observe-req", epoch: 4, round: 1 } }]);
      const drops = () => committee.events[0].filter((e) => e.kind === "message-dropped");
      expect(drops()).to.have.length(2);
      expect(drops()[0]).to.deep.include({ from: 2 });
      expect((drops()[0] as { reason: string }).reason).to.match(/not a protobuf MessageWrapper/);
      expect((drops()[1] as { reason: string }).reason).to.match(/premature EOF/);

      // A frame announcing more than the 10,000-byte limit ends that stream; a new one works.
      await frames.write(new Uint8Array(10_001));
      await waitFor("the oversized frame to be reported", () => drops().length === 3);
      expect((drops()[2] as { reason: string }).reason).to.match(/too long - 10001 > 10000; stream closed/);
      const fresh = lpStream(await faulty.dialProtocol(target, OCR1_PROTOCOL_ID));
      await fresh.write(encodeWireMessage({ type: "newepoch", epoch: 5 }));
      await waitFor("a message on a new stream", () => received.length === 2);
      expect(received[1]).to.deep.equal({ from: 2, message: { type: "newepoch", epoch: 5 } });
      // And the honest peer was never affected.
      committee.endpoints[1]!.send(0, { type: "newepoch", epoch: 6 });
      await waitFor("the honest peer's message", () => received.length === 3);
      expect(received[2]).to.deep.equal({ from: 1, message: { type: "newepoch", epoch: 6 } });
    } finally {
      await faulty.stop();
      await committee.close();
    }
  });

  it("reports messages to an unreachable peer as not sent, and reaches it once it is up", async () => {
    const committee = await loopbackCommittee(2, "endpoint-unreachable", [1]);
    let late: Libp2pEndpoint | null = null;
    try {
      const endpoint = committee.endpoints[0]!;
      endpoint.send(1, { type: "newepoch", epoch: 1 });
      await waitFor("the failure to be reported", () => committee.events[0].length > 0);
      expect(committee.events[0][0]).to.deep.include({ kind: "send-failed", to: 1 });
      expect((committee.events[0][0] as { reason: string }).reason).to.match(/no address known for oracle 1 \(1 message dropped\)/);
      // Oracle 1 comes up later; once its address is known the next message gets through.
      late = await Libp2pEndpoint.start({
        index: 1,
        identity: committee.identities[1],
        peers: committee.identities.map((identity) => ({ peerId: identity.peerId })),
        listen: [LOOPBACK_ANY_PORT],
      });
      const received = listen(late);
      endpoint.addPeerAddresses(1, late.listenAddresses);
      endpoint.send(1, { type: "newepoch", epoch: 2 });
      await waitFor("the message to the late oracle", () => received.length === 1);
      expect(received).to.deep.equal([{ from: 0, message: { type: "newepoch", epoch: 2 } }]);
    } finally {
      late?.close();
      await late?.closed;
      await committee.close();
    }
  });

  it("frees its ports on close(), and sends or delivers nothing afterwards", async () => {
    const committee = await loopbackCommittee(2, "endpoint-close");
    const endpoints = committee.endpoints.map((e) => e!);
    const ports = endpoints.map((e) => portOf(e.listenAddresses[0]));
    const received = listen(endpoints[1]);
    endpoints[0].send(1, { type: "newepoch", epoch: 1 });
    await waitFor("a message before close", () => received.length === 1);
    for (const port of ports) expect(await canListen(port), `port ${port} in use while open`).to.equal(false);
    await committee.close();
    for (const port of ports) expect(await canListen(port), `port ${port} after close`).to.equal(true);
    endpoints[0].send(1, { type: "newepoch", epoch: 2 }); // a no-op, not an error
    expect(received).to.have.length(1);
  });

  it("refuses a committee it cannot serve", async () => {
    const identity = generateP2PIdentity();
    const other = generateP2PIdentity();
    const start = (options: Partial<Parameters<typeof Libp2pEndpoint.start>[0]>) =>
      Libp2pEndpoint.start({ index: 0, identity, peers: [{ peerId: identity.peerId }, { peerId: other.peerId }], listen: [LOOPBACK_ANY_PORT], ...options });
    await expectRejection(start({ index: 2 }), /index 2 is not a position in the committee of 2/);
    await expectRejection(start({ peers: [{ peerId: other.peerId }, { peerId: identity.peerId }] }), /lists .* at index 0, but this oracle's P2P identity is/);
    await expectRejection(start({ peers: [{ peerId: identity.peerId }, { peerId: identity.peerId }] }), /same peer id twice/);
    await expectRejection(start({ listen: [] }), /no listen address for oracle 0/);
    await expectRejection(start({ peers: [{ peerId: identity.peerId }, { peerId: "12D3KooWnotapeerid" }] }), /peers\[1\]\.peerId "12D3KooWnotapeerid" is not a libp2p peer id/);
    await expectRejection(
      start({ peers: [{ peerId: identity.peerId }, { peerId: other.peerId, addresses: [`/ip4/127.0.0.1/tcp/1/p2p/${identity.peerId}`] }] }),
      /names peer .* but oracle 1 is/,
    );
  });
});

async function expectRejection(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    const value = await promise;
    if (value instanceof Libp2pEndpoint) {
      value.close();
      await value.closed;
    }
  } catch (error) {
    expect((error as Error).message).to.match(pattern);
    return;
  }
  expect.fail(`expected a rejection matching ${pattern}`);
}
