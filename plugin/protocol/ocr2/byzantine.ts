/**
 * The Byzantine behaviours on OCR2's message set, beside OCR1's ../byzantine.ts. Same rule: a
 * faulty oracle runs the honest roles, and its adversary rewrites what leaves it, with nothing
 * but that oracle's own keys and what it received. OCR2 adds one behaviour its message set
 * makes possible: a follower that answers a report-req with a skip *and* a signed report.
 *
 * Signing a different report needs the round's extraHash, which only the report-req gives; the
 * adversary remembers it from what the oracle received (`noteIncoming`).
 */
import { ocr2ExtraHash } from "../../core/ocr2/observation-signature.js";
import { decodeOcr2Report, encodeOcr2Report, signOcr2Report } from "../../core/ocr2/report.js";
import type { ByzantineBehaviour } from "../byzantine-behaviours.js";
import type { AdversaryView } from "../byzantine.js";
import type { Ocr2AttributedSignedObservation, Ocr2ReportMessage, Ocr2WireMessage } from "./messages.js";

/** What an OCR2 adversary remembers across rounds and restarts. */
export interface Ocr2AdversaryMemory {
  ocr2FirstReportReq?: Ocr2WireMessage;
  ocr2FirstFinal?: Ocr2WireMessage;
  /** extraHash of the latest report-req received, by "epoch:round". */
  ocr2ExtraHashes?: Map<string, Uint8Array>;
}

/** Flip the lowest bit of byte `at` (a copy). */
function corrupt(bytes: Uint8Array, at: number): Uint8Array {
  const copy = bytes.slice();
  if (copy.length > 0) copy[Math.min(at, copy.length - 1)] ^= 1;
  return copy;
}

/** Remember what the faulty oracle received that a rewrite may need (report-reqs' extraHash). */
export function noteIncoming(message: Ocr2WireMessage, memory: Ocr2AdversaryMemory): void {
  if (message.type !== "report-req") return;
  const hashes = (memory.ocr2ExtraHashes ??= new Map());
  const observations = message.attributedSignedObservations.map(({ observer, signedObservation }) => ({ observer, observation: signedObservation.observation }));
  hashes.set(`${message.epoch}:${message.round}`, ocr2ExtraHash(message.query, observations));
  if (hashes.size > 16) hashes.delete(hashes.keys().next().value as string);
}

/** A validly signed report with the median observation (of another oracle if possible) moved by one unit. */
function forgedReport(message: Ocr2ReportMessage, view: AdversaryView, memory: Ocr2AdversaryMemory): Ocr2ReportMessage | null {
  const extraHash = memory.ocr2ExtraHashes?.get(`${message.epoch}:${message.round}`);
  if (extraHash === undefined || message.attestedReport.skip) return null;
  try {
    const report = decodeOcr2Report(message.attestedReport.report);
    const middle = report.observations.length >> 1;
    const observations = [...report.observations];
    observations[middle] = observations[middle] + 1n;
    const bytes = encodeOcr2Report({ ...report, observations });
    const signature = signOcr2Report(bytes, { configDigest: view.configDigest, epoch: message.epoch, round: message.round, extraHash }, view.onchainSigningKey);
    return { ...message, attestedReport: { skip: false, report: bytes, signature } };
  } catch {
    return null;
  }
}

function withOneFewer(observations: readonly Ocr2AttributedSignedObservation[], quorum: number): Ocr2AttributedSignedObservation[] {
  if (observations.length > quorum) return observations.slice(0, -1);
  return observations.map((o, i) => (i === 0 ? { ...o, signedObservation: { ...o.signedObservation, observation: corrupt(o.signedObservation.observation, 27) } } : o));
}

function relabel(message: Ocr2WireMessage, epoch: number, round: number): Ocr2WireMessage {
  if (message.type === "newepoch" || message.type === "final-echo") return message;
  return { ...message, epoch, round };
}

/** The messages a faulty OCR2 oracle sends to `to` in place of `message` (none, one or more). */
export function rewriteOcr2Outgoing(
  behaviour: ByzantineBehaviour,
  to: number,
  message: Ocr2WireMessage,
  view: AdversaryView,
  memory: Ocr2AdversaryMemory,
): Ocr2WireMessage[] {
  const m = message;
  switch (behaviour) {
    case "bad-observation-signature":
      return m.type === "observe" ? [{ ...m, signedObservation: { ...m.signedObservation, signature: corrupt(m.signedObservation.signature, 63) } }] : [m];
    case "withhold-observation":
      return m.type === "observe" ? [] : [m];
    case "bad-report-signature":
      return m.type === "report" && !m.attestedReport.skip ? [{ ...m, attestedReport: { ...m.attestedReport, signature: corrupt(m.attestedReport.signature, 31) } }] : [m];
    case "wrong-report":
    case "forging-follower": {
      if (m.type !== "report") return [m];
      const forged = forgedReport(m, view, memory);
      return forged === null ? [m] : [{ ...forged, protocol: "ocr2" }];
    }
    case "skip-and-report": {
      if (m.type !== "report" || m.attestedReport.skip) return [m];
      const skip: Ocr2WireMessage = { ...m, attestedReport: { skip: true, report: new Uint8Array(0), signature: new Uint8Array(0) } };
      return [skip, m];
    }
    case "equivocating-leader":
      return m.type === "report-req" && to % 2 === 1 ? [{ ...m, attributedSignedObservations: withOneFewer(m.attributedSignedObservations, view.quorum) }] : [m];
    case "withholding-leader":
      return m.type === "report-req" || m.type === "final" ? [] : [m];
    case "replaying-leader":
      if (m.type === "report-req") return [relabel((memory.ocr2FirstReportReq ??= m), m.epoch, m.round)];
      if (m.type === "final") return [relabel((memory.ocr2FirstFinal ??= m), m.epoch, m.round)];
      return [m];
    case "forging-leader": {
      if (m.type === "report-req" && m.round % 2 === 1) {
        const i = m.attributedSignedObservations.findIndex((o) => o.observer !== view.ownIndex);
        if (i < 0) return [m];
        const forged = m.attributedSignedObservations.map((o, j) => (j === i ? { ...o, signedObservation: { ...o.signedObservation, observation: corrupt(o.signedObservation.observation, 51) } } : o));
        return [{ ...m, attributedSignedObservations: forged }];
      }
      if (m.type === "final" && m.round % 2 === 0) return [{ ...m, attestedReport: { ...m.attestedReport, report: corrupt(m.attestedReport.report, 191) } }];
      return [m];
    }
    case "silent-transmitter":
    case "stale-transmitter":
      return [m];
  }
}

/** For the trace: the (epoch, round) a message belongs to. */
export function ocr2MessageRound(message: Ocr2WireMessage): { epoch: number; round: number } {
  if (message.type === "newepoch") return { epoch: message.epoch, round: 0 };
  if (message.type === "final-echo") return { epoch: message.final.epoch, round: message.final.round };
  return { epoch: message.epoch, round: message.round };
}

