/**
 * Figures for the P2P transport, printed, never asserted:
 * - bytes of each OCR2 and OCR1 message type as protobuf (and as the engine's JSON codec, for
 *   scale) and the bytes one report round puts on the wire, for (4,1), (7,2) and (31,10);
 * - round-trip time of a message between two libp2p endpoints on loopback;
 * - the install size the P2P dependencies add (from package-lock.json and the files on disk);
 * - against a `hardhat node` this script starts: round latency (the leader's observe-req to the
 *   report landing) of oracles as `ocr:oracle` processes and of the same oracles in this one
 *   process on the in-process network, at (4,1) and (7,2), and the time a killed oracle takes to
 *   rejoin after a restart from its state file; on feeds of `--protocol` (default ocr2, the
 *   default of ocr:deploy).
 *
 *   npx tsx scripts/p2p-figures.ts [--pings 1000] [--rounds 12] [--protocol ocr2|ocr1] [--skip-processes]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";

import { JsonRpcProvider, Wallet } from "ethers";

import { EthersAggregatorChain } from "../plugin/chain/ethers-aggregator-chain.js";
import { Ocr2AggregatorChain } from "../plugin/chain/ocr2-aggregator-chain.js";
import { bytesToHex } from "../plugin/core/bytes.js";
import { readLocalKeySeed } from "../plugin/deployments/keys.js";
import { WallClock } from "../plugin/feed/wall-clock.js";
import { encodeMessage } from "../plugin/protocol/codec.js";
import { DEFAULT_LOCAL_CONFIG } from "../plugin/protocol/local-config.js";
import { ManagedOracle } from "../plugin/protocol/managed-oracle.js";
import { InProcessNetwork } from "../plugin/protocol/network.js";
import { InMemoryOracleStore } from "../plugin/protocol/persistence.js";
import { Random } from "../plugin/protocol/random.js";
import { deriveOracleKeys } from "../plugin/core/keys.js";
import { signObservation } from "../plugin/core/observation.js";
import { encodeReport, signReport } from "../plugin/core/report.js";
import { deriveP2PIdentity } from "../plugin/p2p/identity.js";
import { Libp2pEndpoint } from "../plugin/p2p/libp2p-endpoint.js";
import { encodeMedianObservation } from "../plugin/core/ocr2/median-codec.js";
import { ocr2ExtraHash, signOcr2Observation } from "../plugin/core/ocr2/observation-signature.js";
import { encodeOcr2Report, ocr2ReportFromObservations, signOcr2Report } from "../plugin/core/ocr2/report.js";
import { encodeOcr2WireMessage } from "../plugin/p2p/ocr2-protobuf-codec.js";
import { encodeWireMessage } from "../plugin/p2p/protobuf-codec.js";
import type { AnyProtocolMessage } from "../plugin/protocol/any-message.js";
import type { MessageType, ProtocolMessage } from "../plugin/protocol/messages.js";
import { MEDIAN_QUERY } from "../plugin/protocol/ocr2/median-plugin.js";
import type { Ocr2FinalMessage, Ocr2WireMessage } from "../plugin/protocol/ocr2/messages.js";
import { freePort } from "../testkit/free-port.js";

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

/** The same round in OCR2: a median-plugin observation per oracle (value and juelsPerFeeCoin), f+1 report signatures. */
function ocr2RoundMessages(n: number, f: number): Record<MessageType, Ocr2WireMessage> {
  const keys = Array.from({ length: n }, (_, i) => deriveOracleKeys("p2p-figures", i));
  const context = { configDigest: Uint8Array.from({ length: 32 }, (_, i) => (i === 1 ? 1 : i)), epoch: 1234, round: 2 };
  const values = Array.from({ length: n }, (_, i) => 300_000_000_000n + BigInt(i) * 1_234_567n);
  const observations = values.map((value, i) => encodeMedianObservation({ timestamp: 1_700_000_000 + i, value, juelsPerFeeCoin: 10n ** 18n }));
  const attributedSignedObservations = observations.map((observation, observer) => ({
    observer,
    signedObservation: { observation, signature: signOcr2Observation(context, MEDIAN_QUERY, observation, keys[observer].offchainSigningKey) },
  }));
  const extraHash = ocr2ExtraHash(MEDIAN_QUERY, observations.map((observation, observer) => ({ observer, observation })));
  const report = encodeOcr2Report(ocr2ReportFromObservations({ observationsTimestamp: 1_700_000_000, observations: values.map((value, observer) => ({ observer, value })), juelsPerFeeCoin: 10n ** 18n }));
  const signatures = Array.from({ length: f + 1 }, (_, signer) => ({ signer, signature: signOcr2Report(report, { ...context, extraHash }, keys[signer].onchainSigningKey) }));
  const final: Ocr2FinalMessage = { type: "final", epoch: context.epoch, round: context.round, extraHash, attestedReport: { report, attributedSignatures: signatures } };
  const { epoch, round } = context;
  const protocol = "ocr2" as const;
  return {
    newepoch: { protocol, type: "newepoch", epoch },
    "observe-req": { protocol, type: "observe-req", epoch, round, query: MEDIAN_QUERY },
    observe: { protocol, type: "observe", epoch, round, signedObservation: attributedSignedObservations[0].signedObservation },
    "report-req": { protocol, type: "report-req", epoch, round, query: MEDIAN_QUERY, attributedSignedObservations },
    report: { protocol, type: "report", epoch, round, attestedReport: { skip: false, report, signature: signatures[0].signature } },
    final: { protocol, ...final },
    "final-echo": { protocol, type: "final-echo", final },
  };
}

/** Messages of each type in one report round without faults (the leader's own included); the same in OCR1 and OCR2. */
function perRound(n: number): Record<MessageType, number> {
  return { newepoch: 0, "observe-req": n, observe: n, "report-req": n, report: n, final: n, "final-echo": n * n };
}

function sizes(protocol: "ocr1" | "ocr2", n: number, f: number): void {
  const messages: Record<MessageType, AnyProtocolMessage> = protocol === "ocr2" ? ocr2RoundMessages(n, f) : roundMessages(n, f);
  const protobuf = (message: AnyProtocolMessage) => (protocol === "ocr2" ? encodeOcr2WireMessage(message as Ocr2WireMessage) : encodeWireMessage(message as ProtocolMessage));
  const counts = perRound(n);
  let payload = 0;
  let wire = 0;
  let json = 0;
  console.log(`\n${protocol.toUpperCase()} (${n},${f}) message sizes in bytes: protobuf / JSON codec; count per round`);
  for (const [type, message] of Object.entries(messages) as [MessageType, AnyProtocolMessage][]) {
    const bytes = protobuf(message).length;
    const jsonBytes = encodeMessage(message).length;
    console.log(`  ${type.padEnd(12)} ${String(bytes).padStart(6)} / ${String(jsonBytes).padStart(6)}   x ${counts[type]}`);
    payload += bytes * counts[type];
    wire += (bytes + frameOverhead(bytes)) * counts[type];
    json += jsonBytes * counts[type];
  }
  // Self-sends stay in the process: one per type, and n of the n*n final-echoes.
  const selfSends = (type: MessageType) => (type === "final-echo" ? n : 1);
  let network = 0;
  for (const [type, message] of Object.entries(messages) as [MessageType, AnyProtocolMessage][]) {
    const bytes = protobuf(message).length;
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



// ---------------------------------------------------------------------------------------------
// Install size

/**
 * Packages only the P2P code needs: everything reachable from its direct dependencies and not
 * from the plugin's other dependencies, resolved through package-lock.json the way Node finds
 * them (nested node_modules first), with each package's own files counted on disk.
 */
async function installSize(): Promise<void> {
  const P2P_ROOTS = ["libp2p", "@chainsafe/libp2p-noise", "@chainsafe/libp2p-yamux", "@libp2p/tcp", "@libp2p/crypto", "@libp2p/interface", "@libp2p/peer-id", "@libp2p/utils", "@multiformats/multiaddr", "@bufbuild/protobuf"];
  const lock = JSON.parse(readFileSync("package-lock.json", "utf8")) as { packages: Record<string, { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string>; peerDependencies?: Record<string, string>; dev?: boolean }> };
  const manifest = JSON.parse(readFileSync("package.json", "utf8")) as { dependencies: Record<string, string> };
  const resolve = (from: string, name: string): string | undefined => {
    let base = from;
    for (;;) {
      const candidate = `${base === "" ? "" : base + "/"}node_modules/${name}`;
      if (lock.packages[candidate] !== undefined) return candidate;
      const cut = base.lastIndexOf("/node_modules/");
      if (base === "") return undefined;
      base = cut >= 0 ? base.slice(0, cut) : "";
    }
  };
  const closure = (roots: readonly string[]) => {
    const seen = new Set<string>();
    const stack = roots.map((name) => resolve("", name)).filter((p): p is string => p !== undefined);
    while (stack.length > 0) {
      const at = stack.pop()!;
      if (seen.has(at)) continue;
      seen.add(at);
      const entry = lock.packages[at];
      for (const name of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies })) {
        const found = resolve(at, name);
        if (found !== undefined) stack.push(found);
      }
    }
    return seen;
  };
  const others = closure(Object.keys(manifest.dependencies).filter((name) => !P2P_ROOTS.includes(name)));
  const added = [...closure(P2P_ROOTS)].filter((p) => !others.has(p));
  const ownBytes = (dir: string): number => {
    let total = 0;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === "node_modules") continue;
      const full = path.join(dir, entry.name);
      total += entry.isDirectory() ? ownBytes(full) : entry.isFile() ? statSync(full).size : 0;
    }
    return total;
  };
  const bytes = added.reduce((sum, p) => sum + ownBytes(p), 0);
  console.log(`\ninstall size the P2P dependencies add: ${added.length} packages, ${(bytes / 1e6).toFixed(1)} MB of files (apparent size, not counting shared packages)`);
}

// ---------------------------------------------------------------------------------------------
// Oracle processes against a hardhat node

const HARDHAT_CLI = path.join("node_modules", "hardhat", "dist", "src", "cli.js");
const FIGURES_CONFIG = path.join("scripts", "p2p-figures.config.ts");
const FIGURES_NETWORK = "figuresNode";

/** Resolve with `check()`'s first non-undefined value, or fail naming `what` after `timeoutMs`. */
async function until<T>(what: string, check: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

type Event = Record<string, any> & { type: string };

function hardhat(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [HARDHAT_CLI, "--config", FIGURES_CONFIG, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
}

function lines(child: ChildProcess, onEvent: (event: Event) => void): void {
  createInterface({ input: child.stdout! }).on("line", (line) => {
    try {
      onEvent(JSON.parse(line) as Event);
    } catch {
      // not an event line
    }
  });
  child.stderr!.resume();
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once("close", () => resolve()));
}

/** Latency of each round from the leader's round-start to the landing, skipping warm-up rounds. */
function roundLatencies(starts: Map<string, number>, landed: Map<string, number>, skip: number): number[] {
  const keys = [...landed.keys()].filter((k) => starts.has(k));
  return keys.slice(skip).map((k) => landed.get(k)! - starts.get(k)!);
}

function describe(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return `p50 ${q(0.5)} ms, p90 ${q(0.9)} ms, max ${sorted.at(-1)} ms over ${sorted.length} rounds`;
}

async function processFigures(rounds: number, protocol: "ocr1" | "ocr2"): Promise<void> {
  const nodePort = await freePort();
  const deploymentsDir = await mkdtemp(path.join(tmpdir(), "p2p-figures-"));
  const basePort = 20_000 + Math.floor(Math.random() * 30_000);
  const env = { ...process.env, HARDHAT_DISABLE_TELEMETRY: "true", P2P_FIGURES_NODE_URL: `http://127.0.0.1:${nodePort}`, P2P_FIGURES_DEPLOYMENTS_DIR: deploymentsDir, P2P_FIGURES_BASE_PORT: String(basePort), P2P_FIGURES_PROTOCOL: protocol };
  const node = hardhat(["node", "--hostname", "127.0.0.1", "--port", String(nodePort)], env);
  const children: ChildProcess[] = [node];
  try {
    await new Promise<void>((resolve, reject) => {
      let output = "";
      const timer = setTimeout(() => reject(new Error(`hardhat node did not start:\n${output}`)), 120_000);
      node.stdout!.on("data", (d) => {
        output += d;
        if (output.includes("Started HTTP and WebSocket JSON-RPC server")) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    node.stdout!.resume();
    node.stderr!.resume();
    console.log(`\n${protocol.toUpperCase()} oracle processes against a hardhat node on loopback (${rounds} rounds each after 2 warm-up rounds; rounds every 2 s, fixed observations):`);
    for (const [n, f] of [[4, 1], [7, 2]] as const) {
      const feed = `P2P ${n}/${f}`;
      const deploy = hardhat(["--network", FIGURES_NETWORK, "ocr:deploy", "--feed", feed, "--json"], env);
      let deployed = "";
      deploy.stdout!.on("data", (d) => (deployed += d));
      deploy.stderr!.resume();
      await exited(deploy);
      const record = JSON.parse(deployed) as { aggregator: string };

      // n processes.
      const starts = new Map<string, number>();
      const landed = new Map<string, number>();
      const events: Event[][] = Array.from({ length: n }, () => []);
      const stateDir = path.join(deploymentsDir, `state-${n}`);
      const spawnOracle = (i: number) => {
        const child = hardhat(["--network", FIGURES_NETWORK, "ocr:oracle", "--feed", feed, "--index", String(i), "--state-dir", stateDir, "--json"], env);
        children.push(child);
        lines(child, (event) => {
          events[i].push({ ...event, receivedMs: Date.now() });
          if (event.type === "trace" && event.event.type === "round-start") starts.set(`${event.event.epoch}.${event.event.round}`, event.event.timeMs);
          if (event.type === "transmitted") landed.set(`${event.epoch}.${event.round}`, event.timeMs);
        });
        return child;
      };
      const oracles = Array.from({ length: n }, (_, i) => spawnOracle(i));
      await until(`${rounds + 2} reports from the ${feed} processes`, () => (landed.size >= rounds + 2 ? true : undefined), 600_000);
      const processLatency = roundLatencies(starts, landed, 2);

      // Rejoin: kill -9 the last oracle, restart it from its state file.
      const victim = n - 1;
      oracles[victim].kill("SIGKILL");
      await exited(oracles[victim]);
      events[victim] = [];
      const restartedAt = Date.now();
      oracles[victim] = spawnOracle(victim);
      const started = await until("the restarted oracle's start", () => events[victim].find((e) => e.type === "started"), 120_000);
      const connected = await until("the restarted oracle's peers", () => events[victim].find((e) => e.type === "status" && e.connectedPeers.length === n - 1), 120_000);
      const rejoined = await until("the restarted oracle's first completed round", () => events[victim].find((e) => e.type === "status" && e.lastReport !== null), 300_000);
      for (const child of oracles) child.kill("SIGTERM");
      await Promise.all(oracles.map(exited));

      // The same oracles in this one process, on the in-process network, against the same aggregator.
      const inProcessLatency = await inProcessRounds(protocol, n, feed, record.aggregator, nodePort, deploymentsDir, rounds);

      console.log(`  (${n},${f}) round latency, processes over libp2p: ${describe(processLatency)}`);
      console.log(`  (${n},${f}) round latency, one process, in-process network: ${describe(inProcessLatency)}`);
      console.log(
        `  (${n},${f}) rejoin after kill -9 and restart: process up (state file open, listening) ${started.receivedMs - restartedAt} ms, ` +
          `all ${n - 1} peers connected ${connected.receivedMs - restartedAt} ms, first round completed with the committee ${rejoined.receivedMs - restartedAt} ms` +
          ` (resumed epoch ${started.resumedEpoch})`,
      );
    }
  } finally {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await Promise.all(children.map(exited));
    await rm(deploymentsDir, { recursive: true, force: true });
  }
}

/** `rounds` reports from n ManagedOracles in this process on a zero-latency in-process network. */
async function inProcessRounds(protocol: "ocr1" | "ocr2", n: number, feed: string, aggregator: string, nodePort: number, deploymentsDir: string, rounds: number): Promise<number[]> {
  const provider = new JsonRpcProvider(`http://127.0.0.1:${nodePort}`, undefined, { staticNetwork: true });
  const networkDir = readdirSync(deploymentsDir).find((d) => d.startsWith(`${FIGURES_NETWORK}-`))!;
  const seed = (await readLocalKeySeed(path.join(deploymentsDir, networkDir), feed))!;
  const clock = new WallClock();
  const network = new InProcessNetwork<AnyProtocolMessage>(n, clock, new Random("p2p-figures"), { latency: { kind: "constant", ms: 0 } });
  const starts = new Map<string, number>();
  const landed = new Map<string, number>();
  const oracles = Array.from({ length: n }, (_, index) => {
    const keys = deriveOracleKeys(seed, index);
    const chainOptions = { provider, aggregatorAddress: aggregator, transmitterSigner: () => new Wallet(bytesToHex(keys.transmitterKey), provider) };
    return new ManagedOracle({
      index,
      keys,
      clock,
      endpoint: network.endpoint(index),
      chain: protocol === "ocr2" ? new Ocr2AggregatorChain(chainOptions) : new EthersAggregatorChain(chainOptions),
      dataSource: { kind: "fixed", observe: async () => 3000_00000000n },
      store: new InMemoryOracleStore(),
      localConfig: { ...DEFAULT_LOCAL_CONFIG, chainId: 31337n, configPollIntervalMs: 5_000 },
      trace: (event) => {
        if (event.type === "round-start") starts.set(`${event.epoch}.${event.round}`, event.timeMs);
      },
      listener: {
        epochStarted() {},
        decided() {},
        transmission: (outcome) => {
          if (outcome.type === "landed") landed.set(`${outcome.item.epoch}.${outcome.item.round}`, Date.now());
        },
      },
    });
  });
  for (const oracle of oracles) oracle.start();
  try {
    await until(`${rounds + 2} in-process reports`, () => (landed.size >= rounds + 2 ? true : undefined), 600_000);
  } finally {
    for (const oracle of oracles) oracle.stop();
    clock.cancelAll();
    provider.destroy();
  }
  return roundLatencies(starts, landed, 2);
}

// At the end: the functions above read constants that are defined between them.
const numberArg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const protocolArg = process.argv.includes("--protocol") ? process.argv[process.argv.indexOf("--protocol") + 1] : "ocr2";
if (protocolArg !== "ocr1" && protocolArg !== "ocr2") throw new Error(`--protocol must be ocr2 or ocr1, got ${protocolArg}`);
for (const protocol of ["ocr2", "ocr1"] as const) for (const [n, f] of [[4, 1], [7, 2], [31, 10]] as const) sizes(protocol, n, f);
console.log("\nloopback, two endpoints in one process:");
await rtt(numberArg("--pings", 1000));
await installSize();
if (!process.argv.includes("--skip-processes")) await processFigures(numberArg("--rounds", 12), protocolArg);
