/**
 * What an oracle keeps across a crash (its database): the pacemaker state of the config it runs,
 * the latest contract config it adopted, and the transmissions it has scheduled. The protocol
 * writes each before sending anything that depends on it, so a restarted oracle never
 * contradicts what it said before. Writes are synchronous on purpose: a database behind this
 * interface (SQLite through node:sqlite, for example) commits before the call returns, and the
 * protocol needs no await between "persisted" and "sent".
 */
import type { ContractConfig } from "./chain.js";
import type { PacemakerState } from "./pacemaker.js";
import type { Ocr2PendingTransmission } from "./ocr2/transmission.js";
import type { PendingTransmission } from "./transmission.js";

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
