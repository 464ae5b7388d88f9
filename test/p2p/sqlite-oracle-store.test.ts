/**
 * The SQLite oracle store: what it wrote comes back identical after the file is closed and
 * reopened, it behaves as the in-memory store does, it refuses a file another process holds or
 * that it cannot trust, and a ManagedOracle restarted on it resumes where it left off.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";

import { expect } from "chai";

import type { Address } from "../../plugin/core/address.js";
import { bytesToHex } from "../../plugin/core/bytes.js";
import { MAX_OBSERVATION, MIN_OBSERVATION } from "../../plugin/core/report.js";
import { ORACLE_STORE_SCHEMA_VERSION, OracleStoreError, SqliteOracleStore } from "../../plugin/p2p/sqlite-oracle-store.js";
import type { ContractConfig, OffchainAggregatorChain } from "../../plugin/protocol/chain.js";
import { VirtualClock } from "../../plugin/protocol/clock.js";
import { Committee } from "../../plugin/protocol/committee.js";
import { ManagedOracle } from "../../plugin/protocol/managed-oracle.js";
import type { AnyProtocolMessage } from "../../plugin/protocol/any-message.js";
import { InProcessNetwork } from "../../plugin/protocol/network.js";
import { InMemoryOracleStore, NO_ROUND_MARKS, type OracleStore } from "../../plugin/protocol/persistence.js";
import { Random } from "../../plugin/protocol/random.js";
import type { Ocr2PendingTransmission } from "../../plugin/protocol/ocr2/transmission.js";
import type { PendingTransmission } from "../../plugin/protocol/transmission.js";

/** The tables as version 2 of the store wrote them (before OCR2 state), for the migration test. */
const VERSION_2_SCHEMA = `
  CREATE TABLE pacemaker_states (config_digest TEXT PRIMARY KEY, epoch INTEGER NOT NULL, highest_sent_epoch INTEGER NOT NULL, received_epochs TEXT NOT NULL);
  CREATE TABLE latest_config (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1), contract_address TEXT NOT NULL, config_count TEXT NOT NULL, block_number INTEGER NOT NULL,
    config_digest BLOB NOT NULL, signers TEXT NOT NULL, transmitters TEXT NOT NULL, threshold INTEGER NOT NULL, encoded_config_version TEXT NOT NULL, encoded BLOB NOT NULL
  );
  CREATE TABLE pending_transmissions (
    config_digest BLOB NOT NULL, epoch INTEGER NOT NULL, round INTEGER NOT NULL, time_ms REAL NOT NULL, stage INTEGER NOT NULL, median TEXT NOT NULL,
    leader INTEGER NOT NULL, report BLOB NOT NULL, signers TEXT NOT NULL, rs TEXT NOT NULL, ss TEXT NOT NULL, raw_vs TEXT NOT NULL, PRIMARY KEY (config_digest, epoch, round)
  );
  CREATE TABLE round_marks (
    config_digest TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('report-request', 'report-signature')), epoch INTEGER NOT NULL, round INTEGER NOT NULL,
    PRIMARY KEY (config_digest, kind)
  );
`;

const never = <T>() => new Promise<T>(() => {});
const UNREACHABLE_CHAIN: OffchainAggregatorChain = { latestConfig: never, latestTransmissionDetails: never, latestRoundRequested: never, transmit: never };

const DIGEST_A = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
const DIGEST_B = Uint8Array.from({ length: 16 }, (_, i) => 0xf0 - i);

const CONFIG: ContractConfig = {
  contractAddress: "0x00000000000000000000000000000000000FACE1" as Address,
  configCount: (1n << 64n) + 1n, // beyond a double and beyond int64
  blockNumber: 123_456,
  configDigest: DIGEST_A,
  signers: ["0x1111111111111111111111111111111111111111", "0x2222222222222222222222222222222222222222"] as Address[],
  transmitters: ["0x3333333333333333333333333333333333333333", "0x4444444444444444444444444444444444444444"] as Address[],
  threshold: 1,
  encodedConfigVersion: 1n,
  encoded: Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff),
};

/** An OCR2 config as Ocr2AggregatorChain reads it: 32-byte digest, protocol and onchainConfig. */
const OCR2_CONFIG: ContractConfig = {
  ...CONFIG,
  configDigest: Uint8Array.from({ length: 32 }, (_, i) => (i === 1 ? 1 : 0x40 + i)),
  encodedConfigVersion: 2n,
  protocol: "ocr2",
  onchainConfig: Uint8Array.from({ length: 49 }, (_, i) => (i === 0 ? 1 : i)),
};

function ocr2Pending(epoch: number, round: number, overrides: Partial<Ocr2PendingTransmission> = {}): Ocr2PendingTransmission {
  return {
    timeMs: 1_700_000_000_456.25,
    configDigest: OCR2_CONFIG.configDigest,
    epoch,
    round,
    stage: 1,
    extraHash: Uint8Array.from({ length: 32 }, (_, i) => 0xff - i - round),
    report: Uint8Array.from({ length: 160 + 32 * 4 }, (_, i) => (i * 3 + epoch) & 0xff),
    attributedSignatures: [
      { signer: 0, signature: Uint8Array.from({ length: 65 }, (_, i) => i) },
      { signer: 30, signature: Uint8Array.from({ length: 65 }, (_, i) => 0xff - i) },
    ],
    ...overrides,
  };
}

function pending(epoch: number, round: number, overrides: Partial<PendingTransmission> = {}): PendingTransmission {
  return {
    timeMs: 1_700_000_000_123.5,
    configDigest: DIGEST_A,
    epoch,
    round,
    stage: 2,
    median: MIN_OBSERVATION,
    leader: 3,
    report: Uint8Array.from({ length: 200 }, (_, i) => (i + epoch) & 0xff),
    signers: [0, 2, 3],
    rs: [`0x${"ab".repeat(32)}`, `0x${"cd".repeat(32)}`],
    ss: [`0x${"01".repeat(32)}`, `0x${"02".repeat(32)}`],
    rawVs: `0x${"00".repeat(31)}01`,
    ...overrides,
  };
}

/** Everything a store holds, as plain data (for comparing two stores or two opens). */
function snapshot(store: OracleStore, digests: readonly string[]) {
  return {
    pacemaker: digests.map((d) => store.readPacemakerState(d)),
    config: store.readLatestConfig(),
    pending: store.readPendingTransmissions(),
    ocr2Pending: store.readOcr2PendingTransmissions!(),
    roundMarks: digests.map((d) => store.readRoundMarks(d)),
  };
}

describe("SqliteOracleStore", () => {
  let dir: string;
  const opened: SqliteOracleStore[] = [];
  const open = (name = "oracle.sqlite") => {
    const store = new SqliteOracleStore(join(dir, name));
    opened.push(store);
    return store;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "hardhat-ocr-store-"));
  });
  afterEach(() => {
    for (const store of opened.splice(0)) store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reads back exactly what it wrote after the file is closed and reopened", () => {
    const digests = [bytesToHex(DIGEST_A), bytesToHex(DIGEST_B)];
    const first = open();
    expect(snapshot(first, digests)).to.deep.equal({ pacemaker: [null, null], config: null, pending: [], ocr2Pending: [], roundMarks: [NO_ROUND_MARKS, NO_ROUND_MARKS] });
    first.writeLatestConfig(CONFIG);
    first.writePacemakerState(digests[0], { epoch: 5, highestSentEpoch: 6, receivedEpochs: [5, 6, 5, 0] });
    first.writePacemakerState(digests[1], { epoch: 0xffff_ffff, highestSentEpoch: 0xffff_ffff, receivedEpochs: [] });
    first.writePendingTransmission(pending(7, 1));
    first.writePendingTransmission(pending(7, 2, { median: MAX_OBSERVATION, configDigest: DIGEST_B, signers: [], rs: [], ss: [] }));
    first.writePendingTransmission(pending(8, 255, { median: 0n, timeMs: 0 }));
    first.writeRoundMark(digests[0], "report-request", { epoch: 5, round: 3 });
    first.writeRoundMark(digests[0], "report-signature", { epoch: 5, round: 2 });
    first.writeRoundMark(digests[1], "report-signature", { epoch: 0xffff_ffff, round: 255 });
    const written = snapshot(first, digests);
    expect(existsSync(join(dir, "oracle.sqlite-wal")), "writes go through a write-ahead log").to.equal(true);
    first.close();

    const reopened = open();
    expect(snapshot(reopened, digests)).to.deep.equal(written);
    expect(reopened.readLatestConfig()).to.deep.equal(CONFIG);
    expect(reopened.readPacemakerState(digests[0])).to.deep.equal({ epoch: 5, highestSentEpoch: 6, receivedEpochs: [5, 6, 5, 0] });
    expect(reopened.readPendingTransmissions()).to.deep.equal([
      pending(7, 1),
      pending(7, 2, { median: MAX_OBSERVATION, configDigest: DIGEST_B, signers: [], rs: [], ss: [] }),
      pending(8, 255, { median: 0n, timeMs: 0 }),
    ]);
  });

  it("keeps an OCR2 config (protocol, onchainConfig) and OCR2 pending transmissions across reopening", () => {
    const first = open();
    first.writeLatestConfig(OCR2_CONFIG);
    first.writeOcr2PendingTransmission(ocr2Pending(3, 1));
    first.writeOcr2PendingTransmission(ocr2Pending(3, 2, { attributedSignatures: [], stage: 0 }));
    first.writeOcr2PendingTransmission(ocr2Pending(3, 3));
    first.writeOcr2PendingTransmission(ocr2Pending(3, 1, { stage: 4 }));
    first.deleteOcr2PendingTransmission(3, 3);
    // The two protocols' queues are apart: deleting an OCR1 item leaves OCR2's alone.
    first.writePendingTransmission(pending(3, 2));
    first.deletePendingTransmission(3, 2);
    first.close();
    const reopened = open();
    expect(reopened.readLatestConfig()).to.deep.equal(OCR2_CONFIG);
    expect(reopened.readOcr2PendingTransmissions()).to.deep.equal([ocr2Pending(3, 1, { stage: 4 }), ocr2Pending(3, 2, { attributedSignatures: [], stage: 0 })]);
    expect(reopened.readPendingTransmissions()).to.deep.equal([]);
    // An OCR1 config written after it reads back without OCR2's fields.
    reopened.writeLatestConfig(CONFIG);
    expect(reopened.readLatestConfig()).to.deep.equal(CONFIG);
    expect(() => reopened.writeLatestConfig({ ...OCR2_CONFIG, onchainConfig: undefined })).to.throw(OracleStoreError, /must carry its onchainConfig/);
  });

  it("migrates a version-2 file: its OCR1 config, pending transmissions and round marks read back, and OCR2 state can be added", () => {
    const path = join(dir, "v2.sqlite");
    const raw = new DatabaseSync(path);
    raw.exec(VERSION_2_SCHEMA);
    raw.prepare(
      `INSERT INTO latest_config VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(CONFIG.contractAddress, CONFIG.configCount.toString(), CONFIG.blockNumber, CONFIG.configDigest, JSON.stringify(CONFIG.signers), JSON.stringify(CONFIG.transmitters), CONFIG.threshold, "1", CONFIG.encoded);
    const item = pending(7, 1);
    raw.prepare(`INSERT INTO pending_transmissions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
      item.configDigest, item.epoch, item.round, item.timeMs, item.stage, item.median.toString(), item.leader, item.report, JSON.stringify(item.signers), JSON.stringify(item.rs), JSON.stringify(item.ss), item.rawVs,
    );
    raw.exec(`INSERT INTO round_marks VALUES ('${bytesToHex(DIGEST_A)}', 'report-signature', 6, 4); PRAGMA user_version = 2;`);
    raw.close();

    const migrated = open("v2.sqlite");
    expect(migrated.readLatestConfig()).to.deep.equal(CONFIG);
    expect(migrated.readPendingTransmissions()).to.deep.equal([item]);
    expect(migrated.readRoundMarks(bytesToHex(DIGEST_A))).to.deep.equal({ "report-request": null, "report-signature": { epoch: 6, round: 4 } });
    expect(migrated.readOcr2PendingTransmissions()).to.deep.equal([]);
    migrated.writeLatestConfig(OCR2_CONFIG);
    migrated.writeOcr2PendingTransmission(ocr2Pending(1, 1));
    migrated.close();
    const check = new DatabaseSync(path);
    expect(Number((check.prepare("PRAGMA user_version").get() as { user_version: number }).user_version)).to.equal(ORACLE_STORE_SCHEMA_VERSION);
    check.close();
    const reopened = open("v2.sqlite");
    expect(reopened.readLatestConfig()).to.deep.equal(OCR2_CONFIG);
    expect(reopened.readOcr2PendingTransmissions()).to.deep.equal([ocr2Pending(1, 1)]);
  });

  it("keeps a rewritten transmission in its place and forgets a deleted one across reopening", () => {
    const first = open();
    first.writePendingTransmission(pending(1, 1));
    first.writePendingTransmission(pending(1, 2));
    first.writePendingTransmission(pending(1, 3));
    first.writePendingTransmission(pending(1, 1, { stage: 9 }));
    first.deletePendingTransmission(1, 2);
    first.close();
    const reopened = open();
    expect(reopened.readPendingTransmissions()).to.deep.equal([pending(1, 1, { stage: 9 }), pending(1, 3)]);
  });

  it("answers every read as the in-memory store does, over a random sequence of writes", () => {
    const random = new Random("sqlite-vs-memory");
    const sqlite = open();
    const memory = new InMemoryOracleStore();
    const digest = bytesToHex(DIGEST_A);
    for (let step = 0; step < 300; step++) {
      const epoch = 1 + random.nextInt(4);
      const round = 1 + random.nextInt(3);
      const op = random.nextInt(9);
      for (const store of [sqlite, memory] as OracleStore[]) {
        if (op === 0) store.writePacemakerState(digest, { epoch, highestSentEpoch: epoch + round, receivedEpochs: [epoch, round, 0, step] });
        if (op === 1) store.writePendingTransmission(pending(epoch, round, { stage: step }));
        if (op === 2) store.deletePendingTransmission(epoch, round);
        if (op === 3) store.writeLatestConfig({ ...CONFIG, blockNumber: step });
        // Marks only move forward: a lower (epoch, round) must leave the stored mark alone.
        if (op === 4) store.writeRoundMark(digest, "report-request", { epoch, round });
        if (op === 5) store.writeRoundMark(digest, "report-signature", { epoch, round });
        if (op === 6) store.writeOcr2PendingTransmission!(ocr2Pending(epoch, round, { stage: step }));
        if (op === 7) store.deleteOcr2PendingTransmission!(epoch, round);
        if (op === 8) store.writeLatestConfig({ ...OCR2_CONFIG, blockNumber: step });
      }
      expect(snapshot(sqlite, [digest]), `after step ${step}`).to.deep.equal(snapshot(memory, [digest]));
    }
  });

  it("keeps each round mark at the highest (epoch, round) written, across reopening", () => {
    const digest = bytesToHex(DIGEST_A);
    const first = open();
    first.writeRoundMark(digest, "report-signature", { epoch: 4, round: 2 });
    first.writeRoundMark(digest, "report-signature", { epoch: 4, round: 1 });
    first.writeRoundMark(digest, "report-signature", { epoch: 3, round: 9 });
    first.writeRoundMark(digest, "report-request", { epoch: 4, round: 1 });
    first.writeRoundMark(digest, "report-request", { epoch: 5, round: 1 });
    first.close();
    const reopened = open();
    expect(reopened.readRoundMarks(digest)).to.deep.equal({ "report-request": { epoch: 5, round: 1 }, "report-signature": { epoch: 4, round: 2 } });
    expect(reopened.readRoundMarks(bytesToHex(DIGEST_B))).to.deep.equal(NO_ROUND_MARKS);
  });

  it("commits through a write-ahead log with a full sync on every write", () => {
    expect(open().durability).to.deep.equal({ journalMode: "wal", synchronous: 2 });
  });

  it("refuses a state file another process holds, naming the reason", () => {
    const path = join(dir, "oracle.sqlite");
    open().writePacemakerState("0xaa", { epoch: 1, highestSentEpoch: 1, receivedEpochs: [] });
    expect(() => new SqliteOracleStore(path)).to.throw(OracleStoreError, /is in use by another process: only one process may run an oracle/);
    // A real second process cannot write it either.
    const child = spawnSync(
      process.execPath,
      ["--no-warnings", "-e", `const { DatabaseSync } = require("node:sqlite"); new DatabaseSync(${JSON.stringify(path)}).exec("DELETE FROM pacemaker_states")`],
      { encoding: "utf8", timeout: 20_000 },
    );
    expect(child.status, child.stderr).to.not.equal(0);
    expect(child.stderr).to.match(/database is locked/);
    expect(opened[0].readPacemakerState("0xaa")).to.deep.equal({ epoch: 1, highestSentEpoch: 1, receivedEpochs: [] });
  });

  it("refuses a file from a newer schema, and rows it did not write", () => {
    const path = join(dir, "newer.sqlite");
    const raw = new DatabaseSync(path);
    raw.exec(`PRAGMA user_version = ${ORACLE_STORE_SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => new SqliteOracleStore(path)).to.throw(OracleStoreError, /written by a newer hardhat-ocr .*upgrade hardhat-ocr/);

    const store = open("tampered.sqlite");
    store.writePacemakerState("0xaa", { epoch: 1, highestSentEpoch: 2, receivedEpochs: [1] });
    store.writeLatestConfig(CONFIG);
    store.close();
    const tamper = new DatabaseSync(join(dir, "tampered.sqlite"));
    tamper.exec(`UPDATE pacemaker_states SET received_epochs = '[1, -3]'; UPDATE latest_config SET config_count = '12abc'`);
    tamper.close();
    const reopened = open("tampered.sqlite");
    expect(() => reopened.readPacemakerState("0xaa")).to.throw(OracleStoreError, /pacemaker_states\[0xaa\]\.received_epochs\[1\] should be a non-negative integer, found -3/);
    expect(() => reopened.readLatestConfig()).to.throw(OracleStoreError, /latest_config\.config_count should be a decimal integer, found "12abc"/);
  });

  for (const protocol of ["ocr1", "ocr2"] as const) {
    it(`a restarted ${protocol.toUpperCase()} oracle on it resumes at once from the file: the stored config and pacemaker epoch, before any chain read`, async () => {
      const committee = new Committee({ n: 4, f: 1, seed: `sqlite-restart-${protocol}`, protocol, dataSource: () => ({ kind: "none", observe: never }) });
      await committee.setConfig();
      const onChain = (await committee.fakeChain!.latestConfig())!;
      expect(onChain.protocol ?? "ocr1").to.equal(protocol);
      const beforeCrash = open();
      beforeCrash.writeLatestConfig(onChain);
      beforeCrash.writePacemakerState(bytesToHex(onChain.configDigest), { epoch: 5, highestSentEpoch: 6, receivedEpochs: [5, 6, 5, 0] });
      beforeCrash.close(); // the crash: only the file remains

      const events: string[] = [];
      const restarted = new ManagedOracle({
        index: 1,
        keys: committee.keys[1],
        clock: new VirtualClock({ seed: "sqlite-restart" }),
        endpoint: new InProcessNetwork<AnyProtocolMessage>(4, new VirtualClock({ seed: "net" }), new Random("net")).endpoint(1),
        chain: UNREACHABLE_CHAIN,
        dataSource: { kind: "none", observe: never },
        store: open(),
        trace: ({ type }) => events.push(type),
      });
      restarted.start();
      try {
        expect(events).to.include.members(["config-adopted", "epoch-start"]);
        expect([restarted.protocol, restarted.epoch, bytesToHex(restarted.sharedConfig!.configDigest)]).to.deep.equal([protocol, 5, bytesToHex(onChain.configDigest)]);
      } finally {
        restarted.stop();
      }
    });
  }
});
