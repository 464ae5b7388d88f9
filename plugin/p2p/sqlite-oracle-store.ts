/**
 * An oracle's store in an SQLite file through node:sqlite, for oracles that run as processes:
 * what it wrote survives a crash of the process or the machine. Every write is one statement
 * that SQLite commits, to the write-ahead log with a full fsync (journal_mode=WAL,
 * synchronous=FULL), before the call returns, which is the guarantee the protocol needs
 * before it sends anything that depends on the write.
 *
 * The file is opened in exclusive locking mode, so a second process cannot open the same
 * oracle's state while the first holds it: two processes running one oracle could contradict
 * each other, which is exactly what persistence is for.
 *
 * Tables: the pacemaker state per config, the latest config (OCR1's or OCR2's, with its
 * protocol and OCR2's onchainConfig), the pending transmissions (one table per protocol, since
 * their fields differ), and the round marks (the last round with a report request sent and a
 * report signed, per config; both protocols mark the same two messages).
 *
 * Values are stored losslessly: bigints as decimal text, bytes as blobs, lists as JSON. Rows
 * are checked when read back; a row that does not hold what this module wrote is an error
 * naming the table and the field, never a silently different state.
 */
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";

import type { Address } from "../core/address.js";
import { type Hex, bytesToHex, hexToBytes } from "../core/bytes.js";
import type { ContractConfig } from "../protocol/chain.js";
import type { PacemakerState } from "../protocol/pacemaker.js";
import { type EpochRound, NO_ROUND_MARKS, type OracleStore, type RoundMarkKind, type RoundMarks } from "../protocol/persistence.js";
import type { Ocr2PendingTransmission } from "../protocol/ocr2/transmission.js";
import type { PendingTransmission } from "../protocol/transmission.js";

/**
 * Bumped whenever the tables change; a file from a newer version is refused, an older one is
 * migrated when opened. Version 2 added round_marks (a version-1 file gains the empty table).
 * Version 3 added latest_config's protocol and onchain_config columns (NULL where the config has
 * no such field, as a version-2 file's OCR1 config has not) and ocr2_pending_transmissions.
 */
export const ORACLE_STORE_SCHEMA_VERSION = 3;

export class OracleStoreError extends Error {
  override readonly name = "OracleStoreError";
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS pacemaker_states (
    config_digest TEXT PRIMARY KEY,
    epoch INTEGER NOT NULL,
    highest_sent_epoch INTEGER NOT NULL,
    received_epochs TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS latest_config (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    contract_address TEXT NOT NULL,
    config_count TEXT NOT NULL,
    block_number INTEGER NOT NULL,
    config_digest BLOB NOT NULL,
    signers TEXT NOT NULL,
    transmitters TEXT NOT NULL,
    threshold INTEGER NOT NULL,
    encoded_config_version TEXT NOT NULL,
    encoded BLOB NOT NULL,
    protocol TEXT CHECK (protocol IN ('ocr1', 'ocr2')),
    onchain_config BLOB
  );
  CREATE TABLE IF NOT EXISTS pending_transmissions (
    config_digest BLOB NOT NULL,
    epoch INTEGER NOT NULL,
    round INTEGER NOT NULL,
    time_ms REAL NOT NULL,
    stage INTEGER NOT NULL,
    median TEXT NOT NULL,
    leader INTEGER NOT NULL,
    report BLOB NOT NULL,
    signers TEXT NOT NULL,
    rs TEXT NOT NULL,
    ss TEXT NOT NULL,
    raw_vs TEXT NOT NULL,
    PRIMARY KEY (config_digest, epoch, round)
  );
  CREATE TABLE IF NOT EXISTS ocr2_pending_transmissions (
    config_digest BLOB NOT NULL,
    epoch INTEGER NOT NULL,
    round INTEGER NOT NULL,
    time_ms REAL NOT NULL,
    stage INTEGER NOT NULL,
    extra_hash BLOB NOT NULL,
    report BLOB NOT NULL,
    attributed_signatures TEXT NOT NULL,
    PRIMARY KEY (config_digest, epoch, round)
  );
  CREATE TABLE IF NOT EXISTS round_marks (
    config_digest TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('report-request', 'report-signature')),
    epoch INTEGER NOT NULL,
    round INTEGER NOT NULL,
    PRIMARY KEY (config_digest, kind)
  );
`;

/** Version 2 to 3: the config's protocol (an older file only ever held OCR1 configs) and OCR2's onchainConfig. */
const ADD_OCR2_CONFIG_COLUMNS = `
  ALTER TABLE latest_config ADD COLUMN protocol TEXT CHECK (protocol IN ('ocr1', 'ocr2'));
  ALTER TABLE latest_config ADD COLUMN onchain_config BLOB;
`;

type Row = Record<string, unknown>;

export class SqliteOracleStore implements OracleStore {
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #statements: ReturnType<typeof prepareStatements>;

  /** Open (creating if needed) the store at `path`; ":memory:" gives a throwaway store. */
  constructor(path: string) {
    this.path = path;
    try {
      this.#db = new DatabaseSync(path);
    } catch (error) {
      throw new OracleStoreError(`cannot open the oracle state file ${path}: ${errorText(error)}`);
    }
    try {
      this.#db.exec("PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
      const version = Number((this.#db.prepare("PRAGMA user_version").get() as Row).user_version);
      if (version > ORACLE_STORE_SCHEMA_VERSION) {
        throw new OracleStoreError(`${path} was written by a newer hardhat-ocr (state schema ${version}, this one reads ${ORACLE_STORE_SCHEMA_VERSION}); upgrade hardhat-ocr`);
      }
      // Takes the exclusive lock now (the first write does), not at the first protocol write.
      // CREATE TABLE IF NOT EXISTS leaves an older file's latest_config as it was: add its new columns.
      const migration = version > 0 && version < 3 ? ADD_OCR2_CONFIG_COLUMNS : "";
      this.#db.exec(`BEGIN IMMEDIATE; ${SCHEMA} ${migration} PRAGMA user_version = ${ORACLE_STORE_SCHEMA_VERSION}; COMMIT;`);
      const mode = String((this.#db.prepare("PRAGMA journal_mode").get() as Row).journal_mode);
      if (path !== ":memory:" && mode !== "wal") throw new OracleStoreError(`${path}: SQLite refused WAL mode (journal_mode is ${mode})`);
      this.#statements = prepareStatements(this.#db);
    } catch (error) {
      this.#db.close();
      if (error instanceof OracleStoreError) throw error;
      if (/locked|busy/i.test(errorText(error))) {
        throw new OracleStoreError(`${path} is in use by another process: only one process may run an oracle from a state file`);
      }
      throw new OracleStoreError(`cannot use the oracle state file ${path}: ${errorText(error)}`);
    }
  }

  /** The durability settings in force (journal mode and the synchronous level, 2 = FULL). */
  get durability(): { journalMode: string; synchronous: number } {
    return {
      journalMode: String((this.#db.prepare("PRAGMA journal_mode").get() as Row).journal_mode),
      synchronous: Number((this.#db.prepare("PRAGMA synchronous").get() as Row).synchronous),
    };
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  readPacemakerState(configDigest: string): PacemakerState | null {
    const row = this.#statements.readPacemaker.get(configDigest) as Row | undefined;
    if (row === undefined) return null;
    const where = `pacemaker_states[${configDigest}]`;
    return {
      epoch: uint(row.epoch, `${where}.epoch`),
      highestSentEpoch: uint(row.highest_sent_epoch, `${where}.highest_sent_epoch`),
      receivedEpochs: jsonList(row.received_epochs, `${where}.received_epochs`).map((e, i) => uint(e, `${where}.received_epochs[${i}]`)),
    };
  }

  writePacemakerState(configDigest: string, state: PacemakerState): void {
    this.#statements.writePacemaker.run(configDigest, state.epoch, state.highestSentEpoch, JSON.stringify(state.receivedEpochs));
  }

  readLatestConfig(): ContractConfig | null {
    const row = this.#statements.readConfig.get() as Row | undefined;
    if (row === undefined) return null;
    const where = "latest_config";
    return {
      contractAddress: text(row.contract_address, `${where}.contract_address`) as Address,
      configCount: decimal(row.config_count, `${where}.config_count`),
      blockNumber: uint(row.block_number, `${where}.block_number`),
      configDigest: blob(row.config_digest, `${where}.config_digest`),
      signers: jsonList(row.signers, `${where}.signers`).map((s, i) => text(s, `${where}.signers[${i}]`) as Address),
      transmitters: jsonList(row.transmitters, `${where}.transmitters`).map((s, i) => text(s, `${where}.transmitters[${i}]`) as Address),
      threshold: uint(row.threshold, `${where}.threshold`),
      encodedConfigVersion: decimal(row.encoded_config_version, `${where}.encoded_config_version`),
      encoded: blob(row.encoded, `${where}.encoded`),
      ...protocolFields(row, where),
    };
  }

  writeLatestConfig(config: ContractConfig): void {
    if (config.protocol === "ocr2" && config.onchainConfig === undefined) throw new OracleStoreError("an OCR2 config must carry its onchainConfig");
    const columns: { [K in keyof ContractConfig]-?: SQLInputValue } = {
      contractAddress: config.contractAddress,
      configCount: config.configCount.toString(),
      blockNumber: config.blockNumber,
      configDigest: config.configDigest,
      signers: JSON.stringify(config.signers),
      transmitters: JSON.stringify(config.transmitters),
      threshold: config.threshold,
      encodedConfigVersion: config.encodedConfigVersion.toString(),
      encoded: config.encoded,
      protocol: config.protocol ?? null,
      onchainConfig: config.onchainConfig ?? null,
    };
    this.#statements.writeConfig.run(columns);
  }

  readPendingTransmissions(): PendingTransmission[] {
    return pendingRows(this.#statements.readPending, "pending_transmissions", (row, where) => {
      return {
        ...scheduleOf(row, where),
        median: decimal(row.median, `${where}.median`),
        leader: uint(row.leader, `${where}.leader`),
        report: blob(row.report, `${where}.report`),
        signers: jsonList(row.signers, `${where}.signers`).map((s, i) => uint(s, `${where}.signers[${i}]`)),
        rs: jsonList(row.rs, `${where}.rs`).map((s, i) => text(s, `${where}.rs[${i}]`) as Hex),
        ss: jsonList(row.ss, `${where}.ss`).map((s, i) => text(s, `${where}.ss[${i}]`) as Hex),
        rawVs: text(row.raw_vs, `${where}.raw_vs`) as Hex,
      };
    });
  }

  writePendingTransmission(item: PendingTransmission): void {
    // Written so that adding a field to PendingTransmission fails to compile until it is stored.
    const columns: { [K in keyof PendingTransmission]-?: SQLInputValue } = {
      ...scheduleColumns(item),
      median: item.median.toString(),
      leader: item.leader,
      report: item.report,
      signers: JSON.stringify(item.signers),
      rs: JSON.stringify(item.rs),
      ss: JSON.stringify(item.ss),
      rawVs: item.rawVs,
    };
    this.#statements.writePending.run(columns);
  }

  /**
   * The store interface names a transmission by (epoch, round) only, so this removes that
   * (epoch, round) under every config digest, as the in-memory store (keyed the same way) does.
   */
  deletePendingTransmission(epoch: number, round: number): void {
    this.#statements.deletePending.run(epoch, round);
  }

  readOcr2PendingTransmissions(): Ocr2PendingTransmission[] {
    const signature = (entry: unknown, at: string) => {
      if (!Array.isArray(entry) || entry.length !== 2) corrupt(at, "a [signer, signature] pair", entry);
      return { signer: uint(entry[0], `${at}[0]`), signature: hexBytes(entry[1], `${at}[1]`) };
    };
    const parse = (row: Row, where: string): Ocr2PendingTransmission => ({
      report: blob(row.report, `${where}.report`),
      extraHash: blob(row.extra_hash, `${where}.extra_hash`),
      attributedSignatures: jsonList(row.attributed_signatures, `${where}.attributed_signatures`).map((entry, i) => signature(entry, `${where}.attributed_signatures[${i}]`)),
      ...scheduleOf(row, where),
    });
    return pendingRows(this.#statements.readOcr2Pending, "ocr2_pending_transmissions", parse);
  }

  writeOcr2PendingTransmission(item: Ocr2PendingTransmission): void {
    // As for OCR1's: a new field fails to compile until it is stored.
    const columns: { [K in keyof Ocr2PendingTransmission]-?: SQLInputValue } = {
      ...scheduleColumns(item),
      extraHash: item.extraHash,
      report: item.report,
      attributedSignatures: JSON.stringify(item.attributedSignatures.map((s) => [s.signer, bytesToHex(s.signature)])),
    };
    this.#statements.writeOcr2Pending.run(columns);
  }

  /** By (epoch, round) under every config digest, as deletePendingTransmission. */
  deleteOcr2PendingTransmission(epoch: number, round: number): void {
    this.#statements.deleteOcr2Pending.run(epoch, round);
  }

  readRoundMarks(configDigest: string): RoundMarks {
    const marks: { -readonly [K in RoundMarkKind]: EpochRound | null } = { ...NO_ROUND_MARKS };
    for (const row of this.#statements.readMarks.all(configDigest) as Row[]) {
      const kind = text(row.kind, `round_marks[${configDigest}].kind`);
      const where = `round_marks[${configDigest}, ${kind}]`;
      if (!(kind in marks)) corrupt(`${where}.kind`, "report-request or report-signature", kind);
      marks[kind as RoundMarkKind] = { epoch: uint(row.epoch, `${where}.epoch`), round: uint(row.round, `${where}.round`) };
    }
    return marks;
  }

  writeRoundMark(configDigest: string, kind: RoundMarkKind, at: EpochRound): void {
    this.#statements.writeMark.run(configDigest, kind, at.epoch, at.round);
  }
}

function prepareStatements(db: DatabaseSync) {
  return {
    readPacemaker: db.prepare("SELECT epoch, highest_sent_epoch, received_epochs FROM pacemaker_states WHERE config_digest = ?"),
    writePacemaker: db.prepare(
      `INSERT INTO pacemaker_states (config_digest, epoch, highest_sent_epoch, received_epochs) VALUES (?, ?, ?, ?)
       ON CONFLICT (config_digest) DO UPDATE SET epoch = excluded.epoch, highest_sent_epoch = excluded.highest_sent_epoch, received_epochs = excluded.received_epochs`,
    ),
    readConfig: db.prepare("SELECT * FROM latest_config WHERE singleton = 1"),
    writeConfig: db.prepare(
      `INSERT OR REPLACE INTO latest_config (singleton, contract_address, config_count, block_number, config_digest, signers, transmitters, threshold, encoded_config_version, encoded, protocol, onchain_config)
       VALUES (1, $contractAddress, $configCount, $blockNumber, $configDigest, $signers, $transmitters, $threshold, $encodedConfigVersion, $encoded, $protocol, $onchainConfig)`,
    ),
    // Rowid order is storage order: an upsert keeps its row's id, a new row gets a larger one.
    readPending: db.prepare("SELECT * FROM pending_transmissions ORDER BY rowid"),
    writePending: db.prepare(
      `INSERT INTO pending_transmissions (config_digest, epoch, round, time_ms, stage, median, leader, report, signers, rs, ss, raw_vs)
       VALUES ($configDigest, $epoch, $round, $timeMs, $stage, $median, $leader, $report, $signers, $rs, $ss, $rawVs)
       ON CONFLICT (config_digest, epoch, round) DO UPDATE SET
         time_ms = excluded.time_ms, stage = excluded.stage, median = excluded.median, leader = excluded.leader, report = excluded.report,
         signers = excluded.signers, rs = excluded.rs, ss = excluded.ss, raw_vs = excluded.raw_vs`,
    ),
    deletePending: db.prepare("DELETE FROM pending_transmissions WHERE epoch = ? AND round = ?"),
    readOcr2Pending: db.prepare("SELECT * FROM ocr2_pending_transmissions ORDER BY rowid"),
    writeOcr2Pending: db.prepare(
      `INSERT INTO ocr2_pending_transmissions (config_digest, epoch, round, time_ms, stage, extra_hash, report, attributed_signatures)
       VALUES ($configDigest, $epoch, $round, $timeMs, $stage, $extraHash, $report, $attributedSignatures)
       ON CONFLICT (config_digest, epoch, round) DO UPDATE SET
         time_ms = excluded.time_ms, stage = excluded.stage, extra_hash = excluded.extra_hash, report = excluded.report,
         attributed_signatures = excluded.attributed_signatures`,
    ),
    deleteOcr2Pending: db.prepare("DELETE FROM ocr2_pending_transmissions WHERE epoch = ? AND round = ?"),
    readMarks: db.prepare("SELECT kind, epoch, round FROM round_marks WHERE config_digest = ?"),
    // A mark only moves forward: a lower (epoch, round) leaves the row as it is.
    writeMark: db.prepare(
      `INSERT INTO round_marks (config_digest, kind, epoch, round) VALUES (?, ?, ?, ?)
       ON CONFLICT (config_digest, kind) DO UPDATE SET epoch = excluded.epoch, round = excluded.round
       WHERE (excluded.epoch, excluded.round) > (round_marks.epoch, round_marks.round)`,
    ),
  };
}

// -----------------------------------------------------------------------------------------
// Checked reads

function corrupt(what: string, expected: string, value: unknown): never {
  throw new OracleStoreError(`oracle state ${what} should be ${expected}, found ${JSON.stringify(typeof value === "bigint" ? value.toString() : value)}`);
}

function uint(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) corrupt(what, "a non-negative integer", value);
  return value;
}

function finite(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) corrupt(what, "a number", value);
  return value;
}

function text(value: unknown, what: string): string {
  if (typeof value !== "string") corrupt(what, "text", value);
  return value;
}

function decimal(value: unknown, what: string): bigint {
  if (typeof value !== "string" || !/^-?(0|[1-9][0-9]*)$/.test(value)) corrupt(what, "a decimal integer", value);
  return BigInt(value);
}

function blob(value: unknown, what: string): Uint8Array {
  if (!(value instanceof Uint8Array)) corrupt(what, "bytes", value);
  return new Uint8Array(value);
}

/** What both protocols' pending transmissions share: which config and round, and when to send. */
type Schedule = Pick<PendingTransmission, "timeMs" | "configDigest" | "epoch" | "round" | "stage">;

function scheduleColumns(item: Schedule): { [K in keyof Schedule]-?: SQLInputValue } {
  return { timeMs: item.timeMs, configDigest: item.configDigest, epoch: item.epoch, round: item.round, stage: item.stage };
}

/** Every row of a pending-transmissions table, each parsed by `parse` with its name for errors. */
function pendingRows<T>(statement: StatementSync, table: string, parse: (row: Row, where: string) => T): T[] {
  return (statement.all() as Row[]).map((row) => parse(row, `${table}[${row.epoch}, ${row.round}]`));
}

function scheduleOf(row: Row, where: string): Schedule {
  return {
    timeMs: finite(row.time_ms, `${where}.time_ms`),
    configDigest: blob(row.config_digest, `${where}.config_digest`),
    epoch: uint(row.epoch, `${where}.epoch`),
    round: uint(row.round, `${where}.round`),
    stage: uint(row.stage, `${where}.stage`),
  };
}

/** A config row's protocol and onchainConfig, each only if stored (NULL: the config had none). */
function protocolFields(row: Row, where: string): Pick<ContractConfig, "protocol" | "onchainConfig"> {
  const fields: { -readonly [K in "protocol" | "onchainConfig"]?: ContractConfig[K] } = {};
  if (row.protocol !== null) {
    const protocol = text(row.protocol, `${where}.protocol`);
    if (protocol !== "ocr1" && protocol !== "ocr2") corrupt(`${where}.protocol`, "ocr1 or ocr2", protocol);
    fields.protocol = protocol;
  }
  if (row.onchain_config !== null) fields.onchainConfig = blob(row.onchain_config, `${where}.onchain_config`);
  if (fields.protocol === "ocr2" && fields.onchainConfig === undefined) corrupt(`${where}.onchain_config`, "the OCR2 config's onchainConfig", null);
  return fields;
}

function hexBytes(value: unknown, what: string): Uint8Array {
  if (typeof value !== "string" || !/^0x([0-9a-f]{2})*$/i.test(value)) corrupt(what, "0x-hex bytes", value);
  return hexToBytes(value as Hex);
}

function jsonList(value: unknown, what: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text(value, what));
  } catch (error) {
    if (error instanceof OracleStoreError) throw error;
    corrupt(what, "a JSON list", value);
  }
  if (!Array.isArray(parsed)) corrupt(what, "a JSON list", value);
  return parsed;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
