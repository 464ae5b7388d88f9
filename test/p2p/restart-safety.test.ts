/**
 * Restart safety inside an epoch: an oracle that sent a report request (as leader) or signed a
 * report (as follower) for an (epoch, round) before a crash never sends a different one for that
 * (epoch, round) after restarting on its store, and still takes part in later rounds. Each case
 * runs on the in-memory store and on the SQLite file, and has a control: the same restart on a
 * store without the round marks does send the conflicting message, so the marks are what stop it.
 * Both protocols run the same script: OCR1's messages, and OCR2's (a query in the requests, opaque
 * median-plugin observations signed over the query, tagged for the OCR2 wire).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { bytesToHex } from "../../plugin/core/bytes.js";
import type { OracleKeys } from "../../plugin/core/keys.js";
import { SqliteOracleStore } from "../../plugin/p2p/sqlite-oracle-store.js";
import type { ContractConfig, OffchainAggregatorChain } from "../../plugin/protocol/chain.js";
import { VirtualClock } from "../../plugin/protocol/clock.js";
import { Committee } from "../../plugin/protocol/committee.js";
import { ManagedOracle } from "../../plugin/protocol/managed-oracle.js";
import { encodeMedianObservation } from "../../plugin/core/ocr2/median-codec.js";
import { signOcr2Observation } from "../../plugin/core/ocr2/observation-signature.js";
import type { AnyProtocolMessage } from "../../plugin/protocol/any-message.js";
import { MEDIAN_QUERY } from "../../plugin/protocol/ocr2/median-plugin.js";
import { InMemoryOracleStore, type OracleStore } from "../../plugin/protocol/persistence.js";
import type { Endpoint } from "../../plugin/protocol/transport.js";
import { signedObservation } from "../protocol/role-support.js";

const N = 4;
const EPOCH = 3;
const OWN_VALUE = 3_000_00000000n;

type Protocol = "ocr1" | "ocr2";

/** An endpoint the test drives: it records what the oracle sends and delivers what the test says. */
function scriptedEndpoint() {
  const sent: { to: number | "all"; message: AnyProtocolMessage }[] = [];
  let deliver: (from: number, message: AnyProtocolMessage) => void = () => {};
  const endpoint: Endpoint<AnyProtocolMessage> = {
    size: N,
    send: (to, message) => sent.push({ to, message }),
    broadcast: (message) => sent.push({ to: "all", message }),
    receive: (handler) => {
      deliver = handler;
    },
    close: () => {},
  };
  return { endpoint, sent, deliver: (from: number, message: AnyProtocolMessage) => deliver(from, message) };
}

interface StoreKind {
  readonly name: string;
  /** A store for one life of the oracle; `restart` gives the same state after a crash. */
  open(): OracleStore;
  restart(): OracleStore;
  cleanup(): void;
}

function inMemoryStores(): StoreKind {
  const store = new InMemoryOracleStore();
  return { name: "in-memory", open: () => store, restart: () => store, cleanup() {} };
}

function sqliteStores(): StoreKind {
  const dir = mkdtempSync(join(tmpdir(), "hardhat-ocr-restart-safety-"));
  const path = join(dir, "oracle.sqlite");
  let current: SqliteOracleStore | null = null;
  const open = () => {
    current?.close(); // the crash: only the file survives
    current = new SqliteOracleStore(path);
    return current;
  };
  return {
    name: "SQLite",
    open,
    restart: open,
    cleanup() {
      current?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

class Scenario {
  readonly committee: Committee;
  config!: ContractConfig;
  leader = -1;

  constructor(
    seed: string,
    readonly protocol: Protocol,
  ) {
    this.committee = new Committee({ n: N, f: 1, seed, protocol, dataSource: () => ({ kind: "fixed", observe: async () => OWN_VALUE }) });
  }

  async setUp(): Promise<void> {
    await this.committee.setConfig();
    this.config = (await this.chain.latestConfig())!;
    // Which oracle leads EPOCH under this config: ask an oracle that resumes there.
    const probe = this.oracle(0, this.seededStore(new InMemoryOracleStore()), scriptedEndpoint().endpoint);
    probe.oracle.start();
    this.leader = probe.oracle.leader!;
    probe.oracle.stop();
  }

  get chain(): OffchainAggregatorChain {
    return this.committee.fakeChain!;
  }
  get keys(): readonly OracleKeys[] {
    return this.committee.keys;
  }

  /** A store as a running oracle in EPOCH would have left it: the config and the pacemaker state. */
  seededStore(store: OracleStore): OracleStore {
    store.writeLatestConfig(this.config);
    store.writePacemakerState(bytesToHex(this.config.configDigest), { epoch: EPOCH, highestSentEpoch: EPOCH, receivedEpochs: new Array(N).fill(EPOCH) });
    return store;
  }

  oracle(index: number, store: OracleStore, endpoint: Endpoint<AnyProtocolMessage>) {
    const clock = new VirtualClock({ seed: "restart-safety" });
    const oracle = new ManagedOracle({
      index,
      keys: this.keys[index],
      clock,
      endpoint,
      chain: this.chain,
      dataSource: { kind: "fixed", observe: async () => OWN_VALUE },
      store,
      trace: () => {},
    });
    return { oracle, clock };
  }

  /** The leader's observe-req for (EPOCH, round). */
  observeRequest(round: number): AnyProtocolMessage {
    return this.protocol === "ocr2" ? { protocol: "ocr2", type: "observe-req", epoch: EPOCH, round, query: MEDIAN_QUERY } : { type: "observe-req", epoch: EPOCH, round };
  }

  /** Oracle `observer`'s observe message for (EPOCH, round): `base` + observer, signed. */
  observe(round: number, observer: number, base: bigint): AnyProtocolMessage {
    if (this.protocol === "ocr1") {
      const { value, signature } = signedObservation(this.keys, this.context(round), observer, base + BigInt(observer));
      return { type: "observe", epoch: EPOCH, round, observation: { value, signature } };
    }
    return { protocol: "ocr2", type: "observe", epoch: EPOCH, round, signedObservation: this.ocr2SignedObservation(round, observer, base) };
  }

  /** The leader's report-req for (EPOCH, round) with the observations of `observers`. */
  reportRequest(round: number, observers: readonly number[], base: bigint): AnyProtocolMessage {
    if (this.protocol === "ocr1") {
      return { type: "report-req", epoch: EPOCH, round, observations: observers.map((i) => signedObservation(this.keys, this.context(round), i, base + BigInt(i))) };
    }
    const attributedSignedObservations = observers.map((observer) => ({ observer, signedObservation: this.ocr2SignedObservation(round, observer, base) }));
    return { protocol: "ocr2", type: "report-req", epoch: EPOCH, round, query: MEDIAN_QUERY, attributedSignedObservations };
  }

  private context(round: number) {
    return { configDigest: this.config.configDigest, epoch: EPOCH, round };
  }

  private ocr2SignedObservation(round: number, observer: number, base: bigint) {
    const observation = encodeMedianObservation({ timestamp: 1_700_000_000, value: base + BigInt(observer), juelsPerFeeCoin: 10n ** 18n });
    return { observation, signature: signOcr2Observation(this.context(round), MEDIAN_QUERY, observation, this.keys[observer].offchainSigningKey) };
  }
}

type Sent = readonly { message: AnyProtocolMessage }[];

/** What the oracle sent of `type` in (EPOCH, `round`). */
function sentOf(sent: Sent, type: "report" | "report-req", round: number) {
  return sent.map((s) => s.message).filter((m) => m.type === type && m.epoch === EPOCH && m.round === round);
}
const reportsSent = (sent: Sent, round: number) => sentOf(sent, "report", round);
const reportRequestsSent = (sent: Sent, round: number) => sentOf(sent, "report-req", round);
function observeRequestRounds(sent: Sent): number[] {
  return sent.map((s) => s.message).flatMap((m) => (m.type === "observe-req" && m.epoch === EPOCH ? [m.round] : []));
}

for (const [protocol, makeStores] of [
  ["ocr1", inMemoryStores],
  ["ocr1", sqliteStores],
  ["ocr2", inMemoryStores],
  ["ocr2", sqliteStores],
] as const) {
  const storeName = makeStores().name;
  const PROTOCOL = protocol.toUpperCase();

  describe(`${PROTOCOL} restart safety inside an epoch (${storeName} store)`, () => {
    let stores: StoreKind;
    beforeEach(() => {
      stores = makeStores();
    });
    afterEach(() => stores.cleanup());

    /** A follower in (EPOCH, round): the leader asks it to observe, then sends a report-req. */
    async function followerRound(s: Scenario, index: number, store: OracleStore, round: number, base: bigint) {
      const wire = scriptedEndpoint();
      const { oracle, clock } = s.oracle(index, store, wire.endpoint);
      oracle.start();
      await clock.advance(10);
      wire.deliver(s.leader, s.observeRequest(round));
      await clock.advance(10);
      wire.deliver(s.leader, s.reportRequest(round, [0, 1, 2, 3].filter((i) => i !== s.leader), base));
      await clock.advance(10);
      return { oracle, clock, wire };
    }

    it("a follower that signed a report for (epoch, round) signs no different one after a restart, and signs later rounds", async () => {
      const s = new Scenario(`restart-safety-follower-${protocol}-${storeName}`, protocol);
      await s.setUp();
      const follower = [0, 1, 2, 3].find((i) => i !== s.leader)!;

      const first = await followerRound(s, follower, s.seededStore(stores.open()), 1, 2_000_00000000n);
      expect(reportsSent(first.wire.sent, 1), "the first life signs round 1").to.have.length(1);
      const [signed] = reportsSent(first.wire.sent, 1);
      if ("attestedReport" in signed && "skip" in signed.attestedReport) expect(signed.attestedReport.skip, "an OCR2 report, not a skip").to.equal(false);
      first.oracle.stop();

      const store = stores.restart();
      expect(store.readRoundMarks(bytesToHex(s.config.configDigest))["report-signature"]).to.deep.equal({ epoch: EPOCH, round: 1 });
      const second = await followerRound(s, follower, store, 1, 2_500_00000000n);
      expect(reportsSent(second.wire.sent, 1), "no second signature for round 1").to.have.length(0);
      expect(second.oracle.epoch).to.equal(EPOCH);
      second.wire.deliver(s.leader, s.observeRequest(2));
      await second.clock.advance(10);
      second.wire.deliver(s.leader, s.reportRequest(2, [0, 1, 2, 3].filter((i) => i !== s.leader), 2_500_00000000n));
      await second.clock.advance(10);
      expect(reportsSent(second.wire.sent, 2), "round 2 is signed").to.have.length(1);
      second.oracle.stop();

      // Control: the same restart without the marks signs the conflicting report for round 1.
      const control = await followerRound(s, follower, s.seededStore(new InMemoryOracleStore()), 1, 2_500_00000000n);
      expect(reportsSent(control.wire.sent, 1), "without the marks, round 1 is signed again").to.have.length(1);
      control.oracle.stop();
    });

    it("a leader that sent a report-req for (epoch, round) sends no different one after a restart, and leads later rounds", async () => {
      const s = new Scenario(`restart-safety-leader-${protocol}-${storeName}`, protocol);
      await s.setUp();
      const others = [0, 1, 2, 3].filter((i) => i !== s.leader);
      const deltaGraceMs = 5_000; // longer than any committee grace period

      const lead = async (store: OracleStore, base: bigint) => {
        const wire = scriptedEndpoint();
        const { oracle, clock } = s.oracle(s.leader, store, wire.endpoint);
        oracle.start();
        await clock.advance(10);
        const rounds = observeRequestRounds(wire.sent);
        expect(rounds, "the leader asks for observations at start").to.have.length(1);
        // Observations for round 1 (whatever round the leader is in) and for the round it asked for.
        for (const round of new Set([1, rounds[0]])) {
          for (const observer of others) wire.deliver(observer, s.observe(round, observer, base));
        }
        await clock.advance(deltaGraceMs);
        return { oracle, wire, firstRound: rounds[0] };
      };

      const first = await lead(s.seededStore(stores.open()), 2_000_00000000n);
      expect(first.firstRound).to.equal(1);
      expect(reportRequestsSent(first.wire.sent, 1), "the first life requests round 1's report").to.have.length(1);
      first.oracle.stop();

      const second = await lead(stores.restart(), 2_500_00000000n);
      expect(second.firstRound, "the restarted leader continues after round 1").to.equal(2);
      expect(reportRequestsSent(second.wire.sent, 1), "no second report-req for round 1").to.have.length(0);
      expect(reportRequestsSent(second.wire.sent, 2), "round 2's report is requested").to.have.length(1);
      second.oracle.stop();

      // Control: without the marks the restarted leader reruns round 1 with different observations.
      const control = await lead(s.seededStore(new InMemoryOracleStore()), 2_500_00000000n);
      expect(control.firstRound).to.equal(1);
      expect(reportRequestsSent(control.wire.sent, 1), "without the marks, round 1 is requested again").to.have.length(1);
      control.oracle.stop();
    });
  });
}
