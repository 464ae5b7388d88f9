/**
 * What a committee tells its callers, as typed events: a report landed on chain, a transmission
 * of a round failed, the committee moved to a new epoch. `runRound`, `ocr:run` and tools wait on
 * these; the trace stays a diagnostic log that may be trimmed.
 */
import type { Hex } from "../core/bytes.js";
import type { TransmitReceipt } from "./chain.js";

/** Why the committee reported, most telling first (see the API's `ReportReason`). */
export type ReportReason = "first" | "deviation" | "heartbeat" | "requested" | "chain-read-failed";

/** Where in the protocol a result belongs, and when (committee clock, ms). */
interface RoundCoordinates {
  readonly epoch: number;
  readonly round: number;
  readonly timeMs: number;
}

export interface ReportLanded extends RoundCoordinates {
  readonly kind: "report-landed";
  /** The protocol that made the report. */
  readonly protocol: "ocr1" | "ocr2";
  /** OCR2: transmit's three reportContext words (digest; epoch and round; extraHash). */
  readonly reportContext?: readonly [Hex, Hex, Hex];
  /** Leader of the epoch that made the report. */
  readonly leader: number;
  /** Index of the oracle whose transaction landed, its address and its schedule stage. */
  readonly transmitter: number;
  readonly transmitterAddress: string;
  readonly stage: number;
  readonly txHash?: string;
  readonly gasUsed?: bigint;
  /** Block and aggregator round id, when the chain adapter read them from the receipt. */
  readonly receipt?: TransmitReceipt;
  readonly median: bigint;
  /** The report bytes and the signature arguments exactly as transmitted. */
  readonly report: Uint8Array;
  readonly rs: readonly Hex[];
  readonly ss: readonly Hex[];
  readonly rawVs: Hex;
  /** Oracle index of each signature's signer, in signature order. */
  readonly signers: readonly number[];
  /** Why the signing oracles reported. */
  readonly reason: ReportReason;
  /**
   * The committee's inputs generation when the round's first observation was asked for (see
   * `Committee.markInputsChanged`): a report observed before a change of inputs has a lower one.
   */
  readonly inputsGeneration: number;
}

export interface TransmitAttempted extends RoundCoordinates {
  readonly kind: "transmit-attempted";
  readonly transmitter: number;
  readonly stage: number;
  readonly inputsGeneration: number;
}

export interface RoundFailed extends RoundCoordinates {
  readonly kind: "round-failed";
  /** The oracle whose transmission failed, and why (a revert reason or a transport error). */
  readonly transmitter: number;
  readonly stage: number;
  readonly reason: string;
}

export interface EpochChanged {
  readonly kind: "epoch-changed";
  readonly epoch: number;
  readonly leader: number;
  readonly timeMs: number;
}

export type CommitteeEvent = ReportLanded | TransmitAttempted | RoundFailed | EpochChanged;
export type CommitteeEventKind = CommitteeEvent["kind"];

/** The reasons a follower's should-report decision gives, by what they mean for a reader. */
const REASON_OF_DECISION: Readonly<Record<string, ReportReason>> = {
  "initial-round": "first",
  deviation: "deviation",
  heartbeat: "heartbeat",
  "round-requested": "requested",
  "chain-read-failed": "chain-read-failed",
};
const REASON_ORDER: readonly ReportReason[] = ["first", "deviation", "heartbeat", "requested", "chain-read-failed"];

/**
 * The most telling reason among the decisions of the oracles that signed: a first answer beats
 * a deviation, which beats an expired heartbeat, which beats an owner's round request. With no
 * decision known (the signers' decisions were not seen), "requested".
 */
export function mostTellingReason(decisionReasons: Iterable<readonly string[]>): ReportReason {
  const given = new Set<ReportReason>();
  for (const reasons of decisionReasons) {
    for (const r of reasons) {
      const reason = REASON_OF_DECISION[r];
      if (reason !== undefined) given.add(reason);
    }
  }
  return REASON_ORDER.find((r) => given.has(r)) ?? "requested";
}
