/**
 * Four `ocr:oracle` processes against a `hardhat node`, talking over libp2p on loopback, as an
 * operator runs them, on an OCR2Aggregator deployed by `ocr:deploy` (the default protocol):
 * reports land; with one oracle killed (kill -9, f = 1) they go on; that
 * oracle, restarted from its state folder, rejoins and later transmits; with two killed no
 * report lands; with both back reports resume. After every step the chain's reports are checked
 * independently of the oracles: aggregator round ids consecutive, no (epoch, round) twice, every
 * observation one an honest oracle made, and the answer their median. A committee peer that sends
 * an oracle malformed and oversized frames gets them dropped and traced, and the oracle runs on.
 * An OCR1 feed's four processes then land reports on its OffchainAggregator (the shorter check:
 * the kill and restart steps are the protocol-independent part, run once).
 *
 * Every wait is bounded and named, and waits on events (process output, chain logs), never on
 * a fixed sleep. The timings of the feed are generous, as the machine may be busy.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";

import { lpStream } from "@libp2p/utils";
import { multiaddr } from "@multiformats/multiaddr";
import { expect } from "chai";
import { Contract, Interface, type JsonRpcProvider } from "ethers";
import type { Libp2p } from "libp2p";

import { deriveP2PIdentity } from "../../plugin/p2p/identity.js";
import type { LoggedReport } from "../../testkit/landed-reports.js";
import { OCR2_MAX_WIRE_MESSAGE_BYTES, encodeOcr2WireMessage } from "../../plugin/p2p/ocr2-protobuf-codec.js";
import { OCR2_PROTOCOL_ID } from "../../plugin/p2p/wire-codec.js";
import { type LocalNode, runHardhat as runHardhatWith, startLocalNode, stopLocalNode } from "../support/hardhat-node.js";
import { HONEST_VALUES } from "./fixtures/processes.config.js";
import { rawPeer } from "./p2p-support.js";

const PROJECT_ROOT = process.cwd();
const HARDHAT_CLI = path.join(PROJECT_ROOT, "node_modules", "hardhat", "dist", "src", "cli.js");
const CONFIG = path.join("test", "p2p", "fixtures", "processes.config.ts");
/** The OCR2 feed (ocr:deploy's default protocol) and the OCR1 one, with the same committee. */
const FEED = "P2P / USD";
const OCR1_FEED = "P2P OCR1 / USD";
/** The feed's key seed on a local dev chain: its `seed`, which defaults to its name. */
const FEED_SEED = FEED;
const N = 4;
const F = 1;

/** Each aggregator's NewTransmission event, and where it says which (epoch, round) reported. */
const NEW_TRANSMISSION = {
  ocr1: new Interface([
    "event NewTransmission(uint32 indexed aggregatorRoundId, int192 answer, address transmitter, int192[] observations, bytes observers, bytes32 rawReportContext)",
  ]),
  ocr2: new Interface([
    "event NewTransmission(uint32 indexed aggregatorRoundId, int192 answer, address transmitter, uint32 observationsTimestamp, int192[] observations, bytes observers, int192 juelsPerFeeCoin, bytes32 configDigest, uint40 epochAndRound)",
  ]),
};

/** A report as NewTransmission logs it (either protocol), with who sent it. */
type LandedReport = Omit<LoggedReport, "configDigestHex"> & { readonly transmitter: string };

type OracleEvent = Record<string, any> & { type: string };

/** Resolve with `check()`'s first non-undefined value; fail naming `what` after `timeoutMs`. */
async function waitUntil<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs: number, pollMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** `count` consecutive TCP ports on 127.0.0.1 that nothing listens on right now. */
async function freeConsecutivePorts(count: number): Promise<number> {
  const isFree = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    let free = true;
    for (let i = 0; i < count && free; i++) free = await isFree(base + i);
    if (free) return base;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}

/** `hardhat --config <processes fixture> <args>` to completion. */
const runHardhat = (args: string[], env: NodeJS.ProcessEnv, timeoutMs: number) => runHardhatWith(args, env, timeoutMs, CONFIG);

/** One `ocr:oracle --json` process and the events it printed. */
class OracleProcess {
  readonly events: OracleEvent[] = [];
  stderr = "";
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #child: ChildProcess;

  constructor(
    readonly index: number,
    stateDir: string,
    env: NodeJS.ProcessEnv,
    feed = FEED,
  ) {
    this.#child = spawn(
      process.execPath,
      [HARDHAT_CLI, "--config", CONFIG, "--network", "ocrTestNode", "ocr:oracle", "--feed", feed, "--index", String(index), "--state-dir", stateDir, "--json"],
      { cwd: PROJECT_ROOT, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    createInterface({ input: this.#child.stdout! }).on("line", (line) => {
      try {
        this.events.push(JSON.parse(line) as OracleEvent);
      } catch {
        this.stderr += `(stdout) ${line}\n`;
      }
    });
    this.#child.stderr!.on("data", (d) => (this.stderr += d));
    this.exit = new Promise((resolve) => this.#child.once("close", (code, signal) => resolve({ code, signal })));
  }

  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** The first event from position `from` on that `match`es; fails if the process exits first. */
  event(what: string, match: (event: OracleEvent) => boolean, timeoutMs: number, from = 0): Promise<OracleEvent> {
    return waitUntil(`oracle ${this.index}: ${what}`, () => {
      const found = this.events.slice(from).find(match);
      if (found === undefined && !this.running) throw new Error(`oracle ${this.index} exited before ${what}:\n${this.stderr}`);
      return found;
    }, timeoutMs);
  }

  kill(signal: NodeJS.Signals): void {
    if (this.running) this.#child.kill(signal);
  }
}

/** Every report on the aggregator so far, read from its NewTransmission logs. */
async function landedReports(provider: JsonRpcProvider, aggregator: string, protocol: "ocr1" | "ocr2" = "ocr2"): Promise<LandedReport[]> {
  const event = NEW_TRANSMISSION[protocol];
  const topic = event.getEvent("NewTransmission")!.topicHash;
  const logs = await provider.getLogs({ address: aggregator, topics: [topic], fromBlock: 0, toBlock: "latest" });
  return logs.map((log) => {
    const parsed = event.parseLog(log)!;
    // OCR1's rawReportContext and OCR2's epochAndRound both end in epoch (32 bits), round (8 bits).
    const context = BigInt(protocol === "ocr2" ? parsed.args.epochAndRound : parsed.args.rawReportContext);
    return {
      aggregatorRoundId: Number(parsed.args.aggregatorRoundId),
      answer: BigInt(parsed.args.answer),
      transmitter: String(parsed.args.transmitter),
      observations: (parsed.args.observations as bigint[]).map(BigInt),
      observers: [...Buffer.from(String(parsed.args.observers).slice(2), "hex")],
      epoch: Number((context >> 8n) & 0xffffffffn),
      round: Number(context & 0xffn),
    };
  });
}

/** The safety invariants over every report on chain, checked without the oracles' word. */
function checkInvariants(reports: readonly LandedReport[]): void {
  reports.forEach((report, i) => {
    const where = `aggregator round ${report.aggregatorRoundId}`;
    expect(report.aggregatorRoundId, `${where}: round ids are consecutive`).to.equal(i + 1);
    if (i > 0) {
      const before = reports[i - 1];
      const later = report.epoch > before.epoch || (report.epoch === before.epoch && report.round > before.round);
      expect(later, `${where}: (epoch, round) (${report.epoch}, ${report.round}) follows (${before.epoch}, ${before.round}), never repeats`).to.equal(true);
    }
    expect(report.observations.length, `${where}: more than 2f observations`).to.be.greaterThan(2 * F);
    expect(new Set(report.observers).size, `${where}: each observer once`).to.equal(report.observers.length);
    report.observers.forEach((observer, j) => {
      expect(report.observations[j], `${where}: oracle ${observer}'s observation is the one it made`).to.equal(HONEST_VALUES[observer]);
    });
    expect(report.answer, `${where}: the answer is the median`).to.equal(report.observations[report.observations.length >> 1]);
  });
}

/**
 * The environment of a user's terminal: Hardhat prints stack traces with its errors when it sees
 * a CI variable (by design, for CI logs), and what these tests check is what a user sees.
 */
function asUserTerminal(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const userEnv = { ...env };
  for (const name of ["CI", "CONTINUOUS_INTEGRATION", "GITHUB_ACTIONS", "BUILD_NUMBER", "RUN_ID", "NOW", "DEPLOYMENT_ID", "CODEBUILD_BUILD_NUMBER"]) delete userEnv[name];
  return userEnv;
}

/** SIGTERM to every oracle; each must close its state file and exit 0 within a minute. */
async function stopCleanly(oracles: readonly OracleProcess[]): Promise<void> {
  for (const oracle of oracles) oracle.kill("SIGTERM");
  for (const oracle of oracles) {
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([
      oracle.exit,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`oracle ${oracle.index} did not exit within 60 s of SIGTERM`)), 60_000))),
    ]).finally(() => clearTimeout(timer));
    expect(exit.code, oracle.stderr).to.equal(0);
    expect(oracle.events.at(-1)).to.deep.include({ type: "stopped", reason: "SIGTERM" });
  }
}

describe("oracles as separate processes over libp2p, against a hardhat node", function () {
  this.timeout(900_000);
  let local: LocalNode | undefined;
  let env: NodeJS.ProcessEnv;
  let stateRoot: string;
  let basePort: number;
  let aggregator: string;
  let ocr1Aggregator: string;
  let transmitters: string[];
  const oracles: (OracleProcess | null)[] = new Array(N).fill(null);
  const ocr1Oracles: OracleProcess[] = [];
  let raw: Libp2p | null = null;
  let failed = false;

  const reports = () => landedReports(local!.provider, aggregator);
  /** Wait until the chain holds a report `accept`s, landed after the first `after` reports. */
  const reportAfter = (what: string, after: number, accept: (r: LandedReport) => boolean, timeoutMs: number) =>
    waitUntil(what, async () => (await reports()).slice(after).find(accept), timeoutMs, 500);
  const start = (i: number) => {
    oracles[i] = new OracleProcess(i, path.join(stateRoot, `oracle-${i}`), env);
    return oracles[i]!;
  };

  before(async () => {
    local = await startLocalNode("ocr-p2p-processes-");
    basePort = await freeConsecutivePorts(2 * N); // the OCR2 feed's four, then the OCR1 feed's
    stateRoot = await mkdtemp(path.join(tmpdir(), "ocr-p2p-state-"));
    env = { ...local.env, OCR_TEST_P2P_BASE_PORT: String(basePort) };
    // No --protocol: OCR2 is ocr:deploy's default.
    const deployed = await runHardhat(["--network", "ocrTestNode", "ocr:deploy", "--feed", FEED, "--json"], env, 180_000);
    expect(deployed.code, deployed.stderr).to.equal(0);
    const json = JSON.parse(deployed.stdout);
    aggregator = json.aggregator;
    transmitters = json.oracles.map((o: { transmitter: string }) => o.transmitter);
    expect(await new Contract(aggregator, ["function typeAndVersion() view returns (string)"], local.provider).typeAndVersion()).to.match(/OCR2Aggregator/);
    // The OCR1 feed's config says protocol "ocr1".
    const ocr1Deployed = await runHardhat(["--network", "ocrTestNode", "ocr:deploy", "--feed", OCR1_FEED, "--json"], env, 180_000);
    expect(ocr1Deployed.code, ocr1Deployed.stderr).to.equal(0);
    ocr1Aggregator = JSON.parse(ocr1Deployed.stdout).aggregator;
  });

  beforeEach(function () {
    // Each OCR2 step builds on the one before; the OCR1 check and the error cases stand alone.
    if (failed && /^OCR2/.test(this.currentTest?.title ?? "")) this.skip();
  });
  afterEach(function () {
    if (this.currentTest?.state === "failed") failed = true;
  });

  after(async () => {
    await raw?.stop();
    for (const oracle of [...oracles, ...ocr1Oracles]) oracle?.kill("SIGKILL");
    await Promise.all([...oracles, ...ocr1Oracles].map((oracle) => oracle?.exit));
    await stopLocalNode(local);
    if (stateRoot !== undefined) await rm(stateRoot, { recursive: true, force: true });
  });

  it("OCR2: four oracle processes find each other and land reports", async () => {
    for (let i = 0; i < N; i++) start(i);
    for (const oracle of oracles) {
      const started = await oracle!.event("started", (e) => e.type === "started", 120_000);
      expect(started.peerId).to.equal(deriveP2PIdentity(FEED_SEED, oracle!.index).peerId);
      expect(started.listen[0]).to.contain(`/tcp/${basePort + oracle!.index}/`);
    }
    await reportAfter("two reports from the four processes", 0, (r) => r.aggregatorRoundId >= 2, 180_000);
    const all = oracles.map((o) => o!);
    await Promise.all(all.map((o) => o.event("a status with all three peers connected", (e) => e.type === "status" && e.connectedPeers.length === N - 1, 60_000)));
    checkInvariants(await reports());
  });

  it("OCR2: with one oracle killed (kill -9), reports go on without it; junk frames from a committee key are dropped and traced", async () => {
    const killed = 3;
    oracles[killed]!.kill("SIGKILL");
    await oracles[killed]!.exit;
    const before = (await reports()).length;

    // Oracle 3's key, now free, in a raw libp2p node: an authenticated peer that sends junk.
    const target = oracles[0]!;
    const from = target.events.length;
    raw = await rawPeer(deriveP2PIdentity(FEED_SEED, killed));
    const address = multiaddr(`/ip4/127.0.0.1/tcp/${basePort}/p2p/${deriveP2PIdentity(FEED_SEED, 0).peerId}`);
    const frames = lpStream(await raw.dialProtocol(address, OCR2_PROTOCOL_ID));
    await frames.write(Uint8Array.of(0xff, 0xff, 0xff)); // not protobuf
    await frames.write(encodeOcr2WireMessage({ protocol: "ocr2", type: "newepoch", epoch: 1 }).subarray(0, 3)); // truncated
    await frames.write(new Uint8Array(OCR2_MAX_WIRE_MESSAGE_BYTES + 1)); // over the OCR2 frame limit
    const dropped = (e: OracleEvent) => e.type === "transport" && e.event.kind === "message-dropped" && e.event.from === killed;
    await target.event("the malformed frame traced as dropped", (e) => dropped(e) && /protobuf/.test(e.event.reason), 30_000, from);
    await target.event("the oversized frame traced as dropped", (e) => dropped(e) && /too long/.test(e.event.reason), 30_000, from);
    await raw.stop();
    raw = null;
    expect(target.running, "the oracle that got the junk is still running").to.equal(true);

    await reportAfter("two reports made without oracle 3", before, (r) => !r.observers.includes(killed) && r.aggregatorRoundId >= before + 2, 240_000);
    const withoutIt = (await reports()).slice(before).filter((r) => !r.observers.includes(killed));
    expect(withoutIt.length).to.be.at.least(1);
    checkInvariants(await reports());
  });

  it("OCR2: the killed oracle, restarted from its state folder, resumes its epoch, rejoins, and later transmits", async () => {
    const restarted = 3;
    const before = (await reports()).length;
    const oracle = start(restarted);
    const started = await oracle.event("started", (e) => e.type === "started", 120_000);
    expect(started.resumedEpoch, "it resumes from its state file").to.be.a("number");
    await reportAfter("a report with the restarted oracle's observation", before, (r) => r.observers.includes(restarted), 240_000);
    await reportAfter("a report the restarted oracle transmitted", before, (r) => r.transmitter.toLowerCase() === transmitters[restarted].toLowerCase(), 420_000);
    checkInvariants(await reports());
  });

  it("OCR2: with two oracles killed (more than f), no report lands", async () => {
    const killed = [1, 3];
    const survivors = [0, 2];
    const from = survivors.map((i) => oracles[i]!.events.length);
    for (const i of killed) oracles[i]!.kill("SIGKILL");
    await Promise.all(killed.map((i) => oracles[i]!.exit));
    // Each survivor's progress timer (20 s) runs out: nothing completed since the kill.
    await Promise.all(survivors.map((i, k) => oracles[i]!.event("a progress timeout", (e) => e.type === "trace" && e.event.type === "progress-timeout", 240_000, from[k])));
    const stalled = (await reports()).length;
    // Another 10 s or more: each survivor reports its failed sends to a dead peer again.
    const later = survivors.map((i) => oracles[i]!.events.length);
    await Promise.all(
      survivors.map((i, k) =>
        oracles[i]!.event("repeated failed sends to a killed oracle", (e) => e.type === "transport" && e.event.kind === "send-failed" && (e.suppressed ?? 0) > 0, 120_000, later[k]),
      ),
    );
    expect((await reports()).length, "no report landed with two of four oracles down").to.equal(stalled);
    checkInvariants(await reports());
  });

  it("OCR2: with both back, reports resume", async () => {
    const before = (await reports()).length;
    for (const i of [1, 3]) start(i);
    await Promise.all([1, 3].map((i) => oracles[i]!.event("started", (e) => e.type === "started", 120_000)));
    await reportAfter("two reports after both came back", before, (r) => r.aggregatorRoundId >= before + 2, 360_000);
    checkInvariants(await reports());
  });

  it("OCR2: SIGTERM stops every oracle cleanly: it closes its state file and exits 0", async () => {
    await stopCleanly(oracles.map((o) => o!));
  });

  it("OCR1: four oracle processes of an OCR1 feed land reports on its OffchainAggregator, and stop cleanly", async () => {
    for (let i = 0; i < N; i++) ocr1Oracles.push(new OracleProcess(i, path.join(stateRoot, "ocr1", `oracle-${i}`), env, OCR1_FEED));
    for (const oracle of ocr1Oracles) {
      const started = await oracle.event("started", (e) => e.type === "started", 120_000);
      expect(started.peerId).to.equal(deriveP2PIdentity(OCR1_FEED, oracle.index).peerId);
      expect(started.listen[0]).to.contain(`/tcp/${basePort + N + oracle.index}/`);
    }
    const ocr1Reports = () => landedReports(local!.provider, ocr1Aggregator, "ocr1");
    await waitUntil("two reports on the OCR1 aggregator", async () => ((await ocr1Reports()).length >= 2 ? true : undefined), 180_000, 500);
    checkInvariants(await ocr1Reports());
    await stopCleanly(ocr1Oracles);
  });

  it("a wrong --index, a committee peer list of the wrong length and the simulated network are errors that say what to do", async () => {
    const userEnv = asUserTerminal(env);
    const badIndex = await runHardhat(["--network", "ocrTestNode", "ocr:oracle", "--feed", FEED, "--index", "4"], userEnv, 120_000);
    expect(badIndex.code, badIndex.stderr).to.equal(1);
    expect(badIndex.stderr).to.match(/--index "4" is not an oracle of feed "P2P \/ USD", which has 4 oracles\. Pass --index with a number from 0 to 3/);
    const badPeers = await runHardhat(["--network", "ocrTestNode", "ocr:oracle", "--feed", FEED, "--index", "0", "--peers", "127.0.0.1:1,127.0.0.1:2"], userEnv, 120_000);
    expect(badPeers.code, badPeers.stderr).to.equal(1);
    expect(badPeers.stderr).to.match(/--peers lists 2 addresses, but the committee has 4 oracles/);
    const simulated = await runHardhat(["ocr:oracle", "--feed", FEED, "--index", "0"], userEnv, 120_000);
    expect(simulated.code, simulated.stderr).to.equal(1);
    expect(simulated.stderr).to.match(/simulated inside this one process.*--network localhost/);
    for (const result of [badIndex, badPeers, simulated]) expect(result.stderr).to.not.match(/\n\s+at /); // no stack trace
  });

  it("a state file of the other protocol's feed is refused with what to do, not resumed", async () => {
    // The OCR2 feed's oracle 0 state (stopped above), handed to the OCR1 feed's oracle 0.
    const borrowed = path.join(stateRoot, "borrowed");
    await cp(path.join(stateRoot, "oracle-0"), borrowed, { recursive: true });
    const refused = await runHardhat(["--network", "ocrTestNode", "ocr:oracle", "--feed", OCR1_FEED, "--index", "0", "--state-dir", borrowed], asUserTerminal(env), 120_000);
    expect(refused.code, refused.stderr).to.equal(1);
    expect(refused.stderr).to.match(/oracle-0\.sqlite holds an OCR2 config, but the feed's aggregator now runs OCR1 .*Give another --state-dir, or delete that file/s);
    expect(refused.stderr).to.not.match(/\n\s+at /);
  });
});
