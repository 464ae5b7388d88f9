/**
 * Byzantine oracles: what each behaviour does. A faulty oracle runs the honest protocol
 * modules, and the adversary rewrites what leaves it: the messages it sends and the
 * transactions it transmits (adversary.ts installs the rewrites at the oracle's endpoint and
 * chain). Every fault is one a real attacker holding that oracle's keys could commit. (Lying
 * about the market needs no code here: give the oracle a data source that lies.)
 *
 * Each behaviour is a pure rewrite of one outgoing message (or transmission) with the faulty
 * oracle's own keys; what the receivers make of it is decided by their honest checks.
 */
import { encodeReport, signReport } from "../core/report.js";
import type { ReportContext } from "../core/report.js";
import type { AttributedSignedObservation, ProtocolMessage } from "./messages.js";
import type { TransmitRequest } from "./chain.js";
import type { Ocr2AdversaryMemory } from "./ocr2/byzantine.js";

export { BYZANTINE_BEHAVIOURS, OCR2_ONLY_BEHAVIOURS, type ByzantineBehaviour, isByzantineBehaviour } from "./byzantine-behaviours.js";
import type { ByzantineBehaviour } from "./byzantine-behaviours.js";

/** What a rewrite may use: the faulty oracle's own key and the round's context. */
export interface AdversaryView {
  readonly onchainSigningKey: Uint8Array;
  readonly configDigest: Uint8Array;
  /** 2f + 1: the fewest observations a report-req may carry. */
  readonly quorum: number;
  /** The faulty oracle's own index (a forger alters someone else's observation). */
  readonly ownIndex: number;
}

/** What the adversary remembers across rounds (for replays). */
export interface AdversaryMemory extends Ocr2AdversaryMemory {
  firstReportReq?: ProtocolMessage;
  firstFinal?: ProtocolMessage;
  firstTransmission?: TransmitRequest;
}

/** Flip the lowest bit of byte `at` (a copy). */
function corrupt(bytes: Uint8Array, at = 0): Uint8Array {
  const copy = bytes.slice();
  copy[at] ^= 1;
  return copy;
}

/**
 * The message a faulty oracle actually sends to `to` in place of `message`, or null for none.
 */
export function rewriteOutgoing(
  behaviour: ByzantineBehaviour,
  to: number,
  message: ProtocolMessage,
  view: AdversaryView,
  memory: AdversaryMemory,
): ProtocolMessage | null {
  switch (behaviour) {
    case "bad-observation-signature":
      if (message.type !== "observe") return message;
      return { ...message, observation: { ...message.observation, signature: corrupt(message.observation.signature, 63) } };
    case "withhold-observation":
      return message.type === "observe" ? null : message;
    case "bad-report-signature":
      if (message.type !== "report") return message;
      return { ...message, report: { ...message.report, signature: corrupt(message.report.signature, 31) } };
    case "wrong-report": {
      if (message.type !== "report" || message.report.observations.length === 0) return message;
      const [first, ...rest] = message.report.observations;
      // Still sorted: the lowest value moves up by 1 % but not past the next one.
      const ceiling = rest.length > 0 ? rest[0].value : first.value + first.value / 100n;
      const moved = first.value + (first.value >= 0n ? first.value : -first.value) / 100n;
      const changed = moved === first.value ? first.value + 1n : moved;
      const observations = [{ observer: first.observer, value: changed <= ceiling ? changed : ceiling }, ...rest];
      const context: ReportContext = { configDigest: view.configDigest, epoch: message.epoch, round: message.round };
      try {
        const signature = signReport(encodeReport(context, observations), view.onchainSigningKey);
        return { ...message, report: { observations, signature } };
      } catch {
        return message;
      }
    }
    case "equivocating-leader": {
      if (message.type !== "report-req" || to % 2 === 0) return message;
      return { ...message, observations: equivocatedObservations(message.observations, view.quorum) };
    }
    case "withholding-leader":
      return message.type === "report-req" || message.type === "final" ? null : message;
    case "replaying-leader": {
      if (message.type === "report-req") {
        memory.firstReportReq ??= message;
        return relabel(memory.firstReportReq, message.epoch, message.round);
      }
      if (message.type === "final") {
        memory.firstFinal ??= message;
        return relabel(memory.firstFinal, message.epoch, message.round);
      }
      return message;
    }
    case "forging-leader": {
      if (message.type === "report-req" && message.round % 2 === 1) {
        const observations = forgeOneObservation(message.observations, view.ownIndex);
        return observations === null ? message : { ...message, observations };
      }
      if (message.type === "final" && message.round % 2 === 0) {
        const observations = forgeOneObservation(message.report.observations, view.ownIndex);
        return observations === null ? message : { ...message, report: { ...message.report, observations } };
      }
      return message;
    }
    case "forging-follower": {
      if (message.type !== "report") return message;
      const observations = forgeOneObservation(message.report.observations, view.ownIndex);
      if (observations === null) return message;
      const context: ReportContext = { configDigest: view.configDigest, epoch: message.epoch, round: message.round };
      try {
        return { ...message, report: { observations, signature: signReport(encodeReport(context, observations), view.onchainSigningKey) } };
      } catch {
        return message;
      }
    }
    case "skip-and-report": // OCR1 has no skips
    case "silent-transmitter":
    case "stale-transmitter":
      return message;
  }
}

/**
 * The observations with one value of another oracle moved by one unit, the list still sorted
 * (so only signatures can give the forgery away), or null if no value can move. It tries the
 * median first (the value that becomes the answer), then its neighbours outwards. The choice
 * depends only on the list, so colluding forgers given the same list forge the same way.
 */
export function forgeOneObservation<T extends { readonly observer: number; readonly value: bigint }>(
  observations: readonly T[],
  ownIndex: number,
): T[] | null {
  const middle = observations.length >> 1;
  for (let distance = 0; distance <= middle + 1; distance++) {
    for (const i of distance === 0 ? [middle] : [middle + distance, middle - distance]) {
      const target = observations[i];
      if (target === undefined || target.observer === ownIndex) continue;
      const below = observations[i - 1]?.value;
      const above = observations[i + 1]?.value;
      const forged = above === undefined || target.value + 1n <= above ? target.value + 1n : below === undefined || target.value - 1n >= below ? target.value - 1n : null;
      if (forged === null) continue;
      const copy = [...observations];
      copy[i] = { ...target, value: forged };
      return copy;
    }
  }
  return null;
}

/** Another report-req for the same round: without the highest observation if there are spare ones, else with one tampered value. */
function equivocatedObservations(observations: readonly AttributedSignedObservation[], quorum: number): AttributedSignedObservation[] {
  if (observations.length > quorum) return observations.slice(0, -1);
  if (observations.length === 0) return [];
  const [first, ...rest] = observations;
  return [{ ...first, value: first.value - 1n }, ...rest];
}

/** An old message presented as belonging to (epoch, round): its signatures still cover the old round. */
function relabel(message: ProtocolMessage, epoch: number, round: number): ProtocolMessage {
  return message.type === "newepoch" ? message : { ...message, epoch, round };
}

/**
 * The transmission a faulty transmitter actually sends in place of `item`, or null for none.
 */
export function rewriteTransmission(
  behaviour: ByzantineBehaviour,
  item: TransmitRequest,
  memory: AdversaryMemory,
): TransmitRequest | null {
  switch (behaviour) {
    case "silent-transmitter":
      return null;
    case "stale-transmitter":
      memory.firstTransmission ??= item;
      return memory.firstTransmission;
    default:
      return item;
  }
}
