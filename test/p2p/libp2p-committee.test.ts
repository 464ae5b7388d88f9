/**
 * A real committee over the network: four ManagedOracles, each with its own libp2p endpoint on
 * loopback and its own wall clock, against the in-memory OffchainAggregator (OCR1) or
 * OCR2Aggregator (OCR2). Every message crosses TCP, Noise and Yamux as the protocol's protobuf
 * bytes; reports must land within a bounded time and keep the contract's invariants, also when
 * an oracle crashes and restarts from its SQLite file.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { bytesToHex } from "../../plugin/core/bytes.js";
import { encodeSetConfigArgs } from "../../plugin/core/config/encoding.js";
import { type PublicConfig, defaultPublicConfig } from "../../plugin/core/config/public-config.js";
import { encodeOcr2SetConfigArgs } from "../../plugin/core/ocr2/shared-config.js";
import type { OracleKeys } from "../../plugin/core/keys.js";
import type { DataSource } from "../../plugin/data-sources/data-source.js";
import { WallClock } from "../../plugin/feed/wall-clock.js";
import { type P2PIdentity, deriveP2PIdentity } from "../../plugin/p2p/identity.js";
import { Libp2pEndpoint, type TransportEvent } from "../../plugin/p2p/libp2p-endpoint.js";
import { SqliteOracleStore } from "../../plugin/p2p/sqlite-oracle-store.js";
import { FakeOffchainAggregator } from "../../plugin/protocol/fake-chain.js";
import { FakeOcr2Aggregator } from "../../plugin/protocol/ocr2/fake-chain.js";
import { ManagedOracle } from "../../plugin/protocol/managed-oracle.js";
import { InMemoryOracleStore, type OracleStore } from "../../plugin/protocol/persistence.js";
import type { TraceEvent } from "../../plugin/protocol/trace.js";
import { committeeKeys } from "../protocol/role-support.js";
import { portOf, waitFor } from "./p2p-support.js";

/** Oracle i observes base + i, where base moves every round so every round is worth a report. */
function risingSource(index: number): DataSource {
  return { kind: "rising", observe: async ({ epoch, round }) => 10n ** 8n * BigInt(epoch * 1000 + round) + BigInt(index) };
}

/** Fast timings for loopback (dev mode skips the public networks' minimums). */
const FAST_TIMINGS = { deltaProgressMs: 3000, deltaResendMs: 1000, deltaRoundMs: 500, deltaGraceMs: 200, deltaStageMs: 1000 };

interface RunningOracle {
  readonly oracle: ManagedOracle;
  readonly endpoint: Libp2pEndpoint;
  readonly clock: WallClock;
  readonly store: OracleStore;
}

type Protocol = "ocr1" | "ocr2";

/** n oracle "processes" in one test process: each has only what a separate process would have. */
class LoopbackCommittee {
  readonly keys: OracleKeys[];
  readonly identities: P2PIdentity[];
  readonly chain: FakeOffchainAggregator | FakeOcr2Aggregator;
  readonly config: PublicConfig;
  readonly running: (RunningOracle | null)[];
  readonly transportEvents: TransportEvent[][];
  readonly trace: TraceEvent[] = [];
  /** Where each oracle listens; fixed after its first start, as an operator's config would be. */
  readonly addresses: (string | null)[];

  constructor(
    n: number,
    f: number,
    seed: string,
    readonly protocol: Protocol,
  ) {
    this.keys = committeeKeys(n, seed);
    this.identities = Array.from({ length: n }, (_, i) => deriveP2PIdentity(seed, i));
    this.running = new Array(n).fill(null);
    this.transportEvents = this.keys.map(() => []);
    this.addresses = new Array(n).fill(null);
    const oracles = this.keys.map((k, i) => ({
      signerAddress: k.signerAddress,
      transmitterAddress: k.transmitterAddress,
      offchainPublicKey: k.offchainPublicKey,
      configEncryptionPublicKey: k.configEncryptionPublicKey,
      // The config lists each oracle's P2P identity, which its endpoint authenticates with.
      peerId: this.identities[i].peerId,
    }));
    this.config = { ...defaultPublicConfig(oracles, f), ...FAST_TIMINGS };
    const secret = crypto.getRandomValues(new Uint8Array(16));
    if (protocol === "ocr2") {
      const chain = new FakeOcr2Aggregator({ now: () => Date.now() });
      chain.setConfig(encodeOcr2SetConfigArgs(this.config, { minAnswer: chain.minAnswer, maxAnswer: chain.maxAnswer }, secret));
      this.chain = chain;
    } else {
      const chain = new FakeOffchainAggregator({ now: () => Date.now() });
      chain.setConfig(encodeSetConfigArgs(this.config, secret));
      this.chain = chain;
    }
  }

  async start(index: number, store: OracleStore): Promise<RunningOracle> {
    const endpoint = await Libp2pEndpoint.start({
      index,
      identity: this.identities[index],
      peers: this.config.oracles.map((o) => ({ peerId: o.peerId })),
      listen: [this.addresses[index] ?? "/ip4/127.0.0.1/tcp/0"],
      protocol: this.protocol,
      onEvent: (event) => this.transportEvents[index].push(event),
    });
    this.addresses[index] ??= `/ip4/127.0.0.1/tcp/${portOf(endpoint.listenAddresses[0])}`;
    this.addresses.forEach((address, j) => {
      if (address !== null && j !== index) endpoint.addPeerAddresses(j, [address]);
    });
    for (const other of this.running) other?.endpoint.addPeerAddresses(index, [this.addresses[index]!]);
    const clock = new WallClock();
    const trace = (event: TraceEvent) => this.trace.push(event);
    const oracle = new ManagedOracle({ index, keys: this.keys[index], clock, endpoint, chain: this.chain, dataSource: risingSource(index), store, trace });
    const running = { oracle, endpoint, clock, store };
    this.running[index] = running;
    oracle.start();
    return running;
  }

  /** A crash: the oracle leaves the network and loses everything but its store. */
  async crash(index: number): Promise<void> {
    const running = this.running[index];
    if (running === null) return;
    this.running[index] = null;
    running.oracle.stop();
    running.clock.cancelAll();
    await running.endpoint.closed;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.running.map((_, i) => this.crash(i)));
  }
}

/** The contract's invariants over everything that landed. */
function expectInvariants(chain: FakeOffchainAggregator | FakeOcr2Aggregator, f: number): void {
  const landed = chain.transmissions;
  expect(landed.map((t) => t.aggregatorRoundId)).to.deep.equal(landed.map((_, i) => i + 1));
  const epochRounds = landed.map((t) => BigInt(t.epoch) * 256n + BigInt(t.round));
  for (let i = 1; i < epochRounds.length; i++) expect(epochRounds[i] > epochRounds[i - 1], "(epoch, round) strictly increasing").to.equal(true);
  for (const t of landed) {
    expect(bytesToHex(t.configDigest)).to.equal(bytesToHex(chain.latestConfigDigest!));
    expect(t.observations.length).to.be.at.least(2 * f + 1);
    expect(t.signers.length).to.be.at.least(f + 1);
    // Every observation is an honest oracle's value for that round, and the answer their median.
    const base = 10n ** 8n * BigInt(t.epoch * 1000 + t.round);
    for (const [k, value] of t.observations.entries()) expect(value).to.equal(base + BigInt(t.observers[k]));
    expect(t.answer).to.equal(t.observations[Math.floor(t.observations.length / 2)]);
  }
  expect(chain.reverts).to.deep.equal([]);
}

for (const protocol of ["ocr1", "ocr2"] as const) {
  describe(`a four-oracle ${protocol.toUpperCase()} committee over libp2p`, function () {
    this.timeout(90_000);

    it("lands reports that keep the contract's invariants, every message crossing the network", async () => {
      const committee = new LoopbackCommittee(4, 1, `libp2p-committee-${protocol}`, protocol);
      try {
        for (let i = 0; i < 4; i++) await committee.start(i, new InMemoryOracleStore());
        await waitFor("three reports on chain", () => committee.chain.transmissions.length >= 3, 45_000);
      } finally {
        await committee.stopAll();
      }
      expectInvariants(committee.chain, 1);
      const events = committee.transportEvents.flat();
      expect(events.filter((e) => e.kind === "message-dropped" || e.kind === "peer-refused" || e.kind === "receive-failed")).to.deep.equal([]);
      expect(committee.trace.filter((e) => e.type === "message-dropped")).to.deep.equal([]);
    });

    it("keeps reporting while one oracle is down, and the oracle restarted from its SQLite file rejoins", async () => {
      const dir = mkdtempSync(join(tmpdir(), "hardhat-ocr-p2p-"));
      const statePath = join(dir, "oracle-3.sqlite");
      const committee = new LoopbackCommittee(4, 1, `libp2p-committee-restart-${protocol}`, protocol);
      try {
        for (let i = 0; i < 3; i++) await committee.start(i, new InMemoryOracleStore());
        const firstStore = new SqliteOracleStore(statePath);
        await committee.start(3, firstStore);
        await waitFor("two reports with all four up", () => committee.chain.transmissions.length >= 2, 45_000);

        const digest = bytesToHex(committee.chain.latestConfigDigest!);
        const epochBeforeCrash = committee.running[3]!.oracle.epoch!;
        await committee.crash(3);
        firstStore.close(); // the process is gone, and its lock on the file with it
        const reportsAtCrash = committee.chain.transmissions.length;
        await waitFor("two more reports with oracle 3 down (f = 1)", () => committee.chain.transmissions.length >= reportsAtCrash + 2, 45_000);
        for (const t of committee.chain.transmissions.slice(reportsAtCrash + 1)) expect(t.observers, "no observation from the crashed oracle").to.not.include(3);

        // The restart: a new store object on the same file, a new endpoint on the same address.
        const reopened = new SqliteOracleStore(statePath);
        const stored = reopened.readPacemakerState(digest);
        expect(stored, "the crashed oracle's pacemaker state is in its file").to.not.equal(null);
        expect(stored!.epoch).to.be.at.least(epochBeforeCrash);
        const restarted = await committee.start(3, reopened);
        expect(restarted.oracle.epoch, "resumes at least at the stored epoch, before hearing from anyone").to.be.at.least(stored!.epoch);
        const reportsAtRestart = committee.chain.transmissions.length;
        await waitFor(
          "a report carrying the restarted oracle's observation",
          () => committee.chain.transmissions.slice(reportsAtRestart).some((t) => t.observers.includes(3)),
          45_000,
        );
      } finally {
        await committee.stopAll();
        for (const running of committee.running) if (running?.store instanceof SqliteOracleStore) running.store.close();
        rmSync(dir, { recursive: true, force: true });
      }
      expectInvariants(committee.chain, 1);
      expect(committee.transportEvents.flat().filter((e) => e.kind === "message-dropped" || e.kind === "peer-refused" || e.kind === "receive-failed")).to.deep.equal([]);
    });
  });
}
