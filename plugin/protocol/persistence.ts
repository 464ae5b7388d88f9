/**
 * What an oracle keeps across a crash (its database): the pacemaker state of the config it runs,
 * the latest contract config it adopted, the transmissions it has scheduled, and the last round
 * in which it sent a report request and signed a report. The protocol
 * writes each before sending anything that depends on it, so a restarted oracle never
 * contradicts what it said before. Writes are synchronous on purpose: a database behind this
 * interface (SQLite through node:sqlite, for example) commits before the call returns, and the
 * protocol needs no await between "persisted" and "sent".
 */
import type { ContractConfig } from "./chain.js";
import type { ProtocolMessage } from "./messages.js";
import type { PacemakerState } from "./pacemaker.js";
import type { Ocr2ProtocolMessage } from "./ocr2/messages.js";
import type { Ocr2PendingTransmission } from "./ocr2/transmission.js";
import type { PendingTransmission } from "./transmission.js";

/** A position in the protocol under one config. */
export interface EpochRound {
  readonly epoch: number;
  readonly round: number;
}

/**
 * The two messages an oracle must never send twice with different contents for one (epoch,
 * round): as leader, the report request (the observations it asks everyone to sign), and as
 * follower, its signature over a report.
 */
export type RoundMarkKind = "report-request" | "report-signature";

/** The highest (epoch, round) for which this oracle sent each kind of message, under one config. */
export type RoundMarks = { readonly [K in RoundMarkKind]: EpochRound | null };

export const NO_ROUND_MARKS: RoundMarks = { "report-request": null, "report-signature": null };

/**
 * The mark to store before `message` leaves, or null if the message commits to nothing. Both
 * protocols commit in the same two messages (an OCR2 follower's skip is an answer too).
 */
export function roundMarkOf(message: ProtocolMessage | Ocr2ProtocolMessage): ({ readonly kind: RoundMarkKind } & EpochRound) | null {
  if (message.type === "report-req") return { kind: "report-request", epoch: message.epoch, round: message.round };
  if (message.type === "report") return { kind: "report-signature", epoch: message.epoch, round: message.round };
  return null;
}

/**
 * The last round of `epoch` this oracle already committed to as `kind` (0 if none): after a
 * restart it acts only on later rounds of that epoch.
 */
export function markedRound(marks: RoundMarks, kind: RoundMarkKind, epoch: number): number {
  const mark = marks[kind];
  return mark !== null && mark.epoch === epoch ? mark.round : 0;
}

function isAfter(a: EpochRound, b: EpochRound | null): boolean {
  return b === null || a.epoch > b.epoch || (a.epoch === b.epoch && a.round > b.round);
}

export interface OracleStore {
  /** The pacemaker state saved under `configDigest` (hex), or null. */
  readPacemakerState(configDigest: string): PacemakerState | null;
  writePacemakerState(configDigest: string, state: PacemakerState): void;
  /** The contract config this oracle last adopted, or null if it never adopted one. */
  readLatestConfig(): ContractConfig | null;
  writeLatestConfig(config: ContractConfig): void;
  /** Every scheduled transmission, in the order they were stored. */
  readPendingTransmissions(): PendingTransmission[];
  writePendingTransmission(item: PendingTransmission): void;
  deletePendingTransmission(epoch: number, round: number): void;
  /** The round marks saved under `configDigest` (hex); NO_ROUND_MARKS if none. */
  readRoundMarks(configDigest: string): RoundMarks;
  /** Raise the `kind` mark under `configDigest` to `at`; a mark never moves back. */
  writeRoundMark(configDigest: string, kind: RoundMarkKind, at: EpochRound): void;
  /** OCR2's scheduled transmissions (optional: a store without them loses them on a crash). */
  readOcr2PendingTransmissions?(): Ocr2PendingTransmission[];
  writeOcr2PendingTransmission?(item: Ocr2PendingTransmission): void;
  deleteOcr2PendingTransmission?(epoch: number, round: number): void;
}

/** The store of the in-process committee: it outlives the oracle object, not the process. */
export class InMemoryOracleStore implements OracleStore {
  #pacemaker: { readonly configDigest: string; readonly state: PacemakerState } | null = null;
  #latestConfig: ContractConfig | null = null;
  readonly #pending = new Map<string, PendingTransmission>();
  readonly #roundMarks = new Map<string, RoundMarks>();
  readonly #ocr2Pending = new Map<string, Ocr2PendingTransmission>();

  readPacemakerState(configDigest: string): PacemakerState | null {
    return this.#pacemaker?.configDigest === configDigest ? this.#pacemaker.state : null;
  }
  writePacemakerState(configDigest: string, state: PacemakerState): void {
    this.#pacemaker = { configDigest, state };
  }
  readLatestConfig(): ContractConfig | null {
    return this.#latestConfig;
  }
  writeLatestConfig(config: ContractConfig): void {
    this.#latestConfig = config;
  }
  readPendingTransmissions(): PendingTransmission[] {
    return [...this.#pending.values()];
  }
  writePendingTransmission(item: PendingTransmission): void {
    this.#pending.set(`${item.epoch}:${item.round}`, item);
  }
  deletePendingTransmission(epoch: number, round: number): void {
    this.#pending.delete(`${epoch}:${round}`);
  }
  readRoundMarks(configDigest: string): RoundMarks {
    return this.#roundMarks.get(configDigest) ?? NO_ROUND_MARKS;
  }
  writeRoundMark(configDigest: string, kind: RoundMarkKind, at: EpochRound): void {
    const marks = this.readRoundMarks(configDigest);
    if (isAfter(at, marks[kind])) this.#roundMarks.set(configDigest, { ...marks, [kind]: { epoch: at.epoch, round: at.round } });
  }
  readOcr2PendingTransmissions(): Ocr2PendingTransmission[] {
    return [...this.#ocr2Pending.values()];
  }
  writeOcr2PendingTransmission(item: Ocr2PendingTransmission): void {
    this.#ocr2Pending.set(`${item.epoch}:${item.round}`, item);
  }
  deleteOcr2PendingTransmission(epoch: number, round: number): void {
    this.#ocr2Pending.delete(`${epoch}:${round}`);
  }
}
