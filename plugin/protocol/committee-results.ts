/**
 * How a committee turns what its oracles report (epochs entered, should-report decisions,
 * transmissions) into typed results for its callers: a landed report carries the epoch's leader,
 * the signers, the bytes sent, the reason the signers gave and the inputs generation of its round.
 */
import type { Hex } from "../core/bytes.js";
import type { InstanceListener } from "./protocol-instance.js";
import { type CommitteeEvent, mostTellingReason } from "./results.js";

/** Rounds whose first-observation generation and signers' decisions are remembered. */
const REMEMBERED_ROUNDS = 1024;

export class CommitteeResults {
  readonly #listeners: ((event: CommitteeEvent) => void)[] = [];
  /** Bumped by `markInputsChanged`; stamped on each round when it is first observed. */
  #generation = 0;
  readonly #firstObservedGeneration = new Map<string, number>();
  /** Should-report reasons of each oracle that decided to report, by round. */
  readonly #reportDecisions = new Map<string, Map<number, readonly string[]>>();
  #highestEpoch = 0;

  constructor(private readonly now: () => number) {}

  onEvent(listener: (event: CommitteeEvent) => void): void {
    this.#listeners.push(listener);
  }

  offEvent(listener: (event: CommitteeEvent) => void): void {
    const index = this.#listeners.indexOf(listener);
    if (index >= 0) this.#listeners.splice(index, 1);
  }

  get inputsGeneration(): number {
    return this.#generation;
  }

  markInputsChanged(): number {
    return ++this.#generation;
  }

  /** Some oracle asked its data source for (epoch, round): stamp the round if it is the first. */
  observationRequested(epoch: number, round: number): void {
    const key = `${epoch}:${round}`;
    if (!this.#firstObservedGeneration.has(key)) remember(this.#firstObservedGeneration, key, this.#generation);
  }

  /** What oracle `index` is told to report to. */
  listenerFor(index: number): InstanceListener {
    return {
      epochStarted: (epoch, leader) => {
        if (epoch <= this.#highestEpoch) return;
        this.#highestEpoch = epoch;
        this.#emit({ kind: "epoch-changed", epoch, leader, timeMs: this.now() });
      },
      decided: (epoch, round, report, reasons) => {
        if (!report) return;
        const key = `${epoch}:${round}`;
        let decisions = this.#reportDecisions.get(key);
        if (decisions === undefined) {
          decisions = new Map();
          remember(this.#reportDecisions, key, decisions);
        }
        decisions.set(index, reasons);
      },
      transmission: (outcome) => {
        const { item } = outcome;
        const key = `${item.epoch}:${item.round}`;
        const where = { epoch: item.epoch, round: item.round, timeMs: this.now(), transmitter: index, stage: item.stage };
        const inputsGeneration = this.#firstObservedGeneration.get(key) ?? -1;
        switch (outcome.type) {
          case "attempted":
            return this.#emit({ kind: "transmit-attempted", ...where, inputsGeneration });
          case "failed":
            return this.#emit({ kind: "round-failed", ...where, reason: outcome.reason });
          case "landed": {
            const decisions = this.#reportDecisions.get(key);
            const signersReasons = item.signers.flatMap((signer) => {
              const given = decisions?.get(signer);
              return given === undefined ? [] : [given];
            });
            const reportContext = (item as { reportContext?: readonly [Hex, Hex, Hex] }).reportContext;
            return this.#emit({
              kind: "report-landed",
              protocol: reportContext === undefined ? "ocr1" : "ocr2",
              ...(reportContext !== undefined ? { reportContext } : {}),
              ...where,
              leader: item.leader,
              transmitterAddress: outcome.transmitter,
              ...(outcome.txHash !== undefined ? { txHash: outcome.txHash } : {}),
              ...(outcome.gasUsed !== undefined ? { gasUsed: outcome.gasUsed } : {}),
              ...(outcome.receipt !== undefined ? { receipt: outcome.receipt } : {}),
              median: item.median,
              report: item.report,
              rs: item.rs,
              ss: item.ss,
              rawVs: item.rawVs,
              signers: item.signers,
              reason: mostTellingReason(signersReasons),
              inputsGeneration,
            });
          }
        }
      },
    };
  }

  #emit(event: CommitteeEvent): void {
    for (const listener of [...this.#listeners]) listener(event);
  }
}

/** Set `key` in `map`, forgetting the oldest entries beyond REMEMBERED_ROUNDS. */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.set(key, value);
  if (map.size > REMEMBERED_ROUNDS) map.delete(map.keys().next().value as string);
}
