/**
 * Figures for the P2P transport, printed, never asserted:
 * - bytes of each OCR1 message type as protobuf (and as the engine's JSON codec, for scale)
 *   and the bytes one report round puts on the wire, for (4,1) and (31,10);
 * - round-trip time of a message between two libp2p endpoints on loopback.
 *
 *   npx tsx scripts/p2p-figures.ts [--pings 1000]
 */
import { encodeMessage } from "../plugin/protocol/codec.js";
import { deriveOracleKeys } from "../plugin/core/keys.js";
import { signObservation } from "../plugin/core/observation.js";
import { encodeReport, signReport } from "../plugin/core/report.js";
import { deriveP2PIdentity } from "../plugin/p2p/identity.js";
import { Libp2pEndpoint } from "../plugin/p2p/libp2p-endpoint.js";
import { encodeWireMessage } from "../plugin/p2p/protobuf-codec.js";
import type { MessageType, ProtocolMessage } from "../plugin/protocol/messages.js";

/**
 * Per-frame cost below the protobuf payload, from the formats (not measured): a varint length
 * prefix (1-2 bytes), a 12-byte Yamux data header, and per Noise transport message a 2-byte
 * length and a 16-byte ChaCha20-Poly1305 tag. One frame per Noise message is the worst case
 * (a busy stream can pack several frames into one).
 */
function frameOverhead(payload: number): number {
  return (payload < 128 ? 1 : 2) + 12 + 2 + 16;
}

/** One realistic message of each type for an (n, f) committee with real signatures. */
function roundMessages(n: number, f: number): Record<MessageType, ProtocolMessage> {
  const keys = Array.from({ length: n }, (_, i) => deriveOracleKeys("p2p-figures", i));
  const context = { configDigest: Uint8Array.from({ length: 16 }, (_, i) => i), epoch: 1234, round: 2 };
  // Prices around 3,000 with 8 decimals, as a typical feed reports.
  const values = Array.from({ length: n }, (_, i) => 300_000_000_000n + BigInt(i) * 1_234_567n);
  const signed = values.map((value, observer) => ({ observer, value, signature: signObservation(context, value, keys[observer].offchainSigningKey) }));
  const attributed = signed.map(({ observer, value }) => ({ observer, value }));
  const report = encodeReport(context, attributed);
  const signatures = Array.from({ length: f + 1 }, (_, s) => signReport(report, keys[s].onchainSigningKey));
  const { epoch, round } = context;
  return {
    newepoch: { type: "newepoch", epoch },
    "observe-req": { type: "observe-req", epoch, round },
    observe: { type: "observe", epoch, round, observation: signed[0] },
    "report-req": { type: "report-req", epoch, round, observations: signed },
    report: { type: "report", epoch, round, report: { observations: attributed, signature: signatures[0] } },
    final: { type: "final", epoch, round, report: { observations: attributed, signatures } },
    "final-echo": { type: "final-echo", epoch, round, report: { observations: attributed, signatures } },
  };
}

/** Messages of each type in one report round without faults (the leader's own included). */
function perRound(n: number): Record<MessageType, number> {
  return { newepoch: 0, "observe-req": n, observe: n, "report-req": n, report: n, final: n, "final-echo": n * n };
}

function sizes(n: number, f: number): void {
  const messages = roundMessages(n, f);
  const counts = perRound(n);
  let payload = 0;
  let wire = 0;
  let json = 0;
  console.log(`\n(${n},${f}) message sizes in bytes: protobuf / JSON codec; count per round`);
  for (const [type, message] of Object.entries(messages) as [MessageType, ProtocolMessage][]) {
    const bytes = encodeWireMessage(message).length;
    const jsonBytes = encodeMessage(message).length;
    console.log(`  ${type.padEnd(12)} ${String(bytes).padStart(6)} / ${String(jsonBytes).padStart(6)}   x ${counts[type]}`);
    payload += bytes * counts[type];
    wire += (bytes + frameOverhead(bytes)) * counts[type];
    json += jsonBytes * counts[type];
  }
  // Self-sends stay in the process: one per type, and n of the n*n final-echoes.
  const selfSends = (type: MessageType) => (type === "final-echo" ? n : 1);
  let network = 0;
  for (const [type, message] of Object.entries(messages) as [MessageType, ProtocolMessage][]) {
    const bytes = encodeWireMessage(message).length;
    network += (bytes + frameOverhead(bytes)) * (counts[type] - selfSends(type));
  }
  console.log(`  protobuf payload per round, all sends: ${payload} B; JSON codec: ${json} B`);
  console.log(`  on the network per round (self-sends excluded, framing + Yamux + Noise added): ${network} B (all sends with overhead: ${wire} B)`);
}

async function rtt(pings: number): Promise<void> {
  const identities = [0, 1].map((i) => deriveP2PIdentity("p2p-figures", i));
  const peers = identities.map((identity) => ({ peerId: identity.peerId }));
  const [a, b] = await Promise.all(identities.map((identity, index) => Libp2pEndpoint.start({ index, identity, peers, listen: ["/ip4/127.0.0.1/tcp/0"] })));
  a.addPeerAddresses(1, b.listenAddresses);
  b.addPeerAddresses(0, a.listenAddresses);
  b.receive((from, message) => b.send(from, message)); // echo
  const bigMessage = roundMessages(31, 10)["final-echo"];
  for (const [label, message] of [
    ["newepoch", { type: "newepoch", epoch: 1 } as ProtocolMessage],
    ["(31,10) final-echo", bigMessage],
  ] as const) {
    const samples: number[] = [];
    let resolveEcho: (() => void) | null = null;
    a.receive(() => resolveEcho?.());
    for (let i = 0; i < pings + 20; i++) {
      const start = performance.now();
      await new Promise<void>((resolve, reject) => {
        resolveEcho = resolve;
        setTimeout(() => reject(new Error("no echo within 5 s")), 5_000).unref();
        a.send(1, message);
      });
      if (i >= 20) samples.push(performance.now() - start); // the first few include the dial
    }
    samples.sort((x, y) => x - y);
    const q = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))].toFixed(3);
    console.log(`  RTT ${label.padEnd(20)} (${encodeWireMessage(message).length} B): p50 ${q(0.5)} ms, p90 ${q(0.9)} ms, p99 ${q(0.99)} ms over ${pings}`);
  }
  a.close();
  b.close();
  await Promise.all([a.closed, b.closed]);
}

const pingsArg = process.argv.indexOf("--pings");
const pings = pingsArg >= 0 ? Number(process.argv[pingsArg + 1]) : 1000;
sizes(4, 1);
sizes(31, 10);
console.log("\nloopback, two endpoints in one process:");
await rtt(pings);
