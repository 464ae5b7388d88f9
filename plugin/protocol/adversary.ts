/**
 * Where Byzantine behaviours are installed: around a faulty oracle's endpoint (what it sends)
 * and its chain (what it transmits). The oracle inside runs the honest code unchanged and never
 * learns that it is faulty; the committee wraps the boundaries of the oracles a test makes
 * Byzantine. The behaviour is read at each send, so a running oracle can turn faulty or honest.
 */
import { decodeReportContext } from "../core/report.js";
import { type AdversaryMemory, type AdversaryView, type ByzantineBehaviour, rewriteOutgoing, rewriteTransmission } from "./byzantine.js";
import type { OffchainAggregatorChain, TransmitRequest, TransmitResult } from "./chain.js";
import { type AnyProtocolMessage, isOcr2Message } from "./any-message.js";
import { decodeOcr2ReportContext } from "../core/ocr2/report.js";
import { hexToBytes } from "../core/bytes.js";
import { noteIncoming, ocr2MessageRound, rewriteOcr2Outgoing } from "./ocr2/byzantine.js";
import type { TraceBody } from "./trace.js";
import type { Endpoint } from "./transport.js";

export interface AdversaryControl {
  /** The behaviour to commit now, or null while the oracle is honest. */
  readonly behaviour: () => ByzantineBehaviour | null;
  /** The faulty oracle's keys and config as the adversary sees them (null: no config yet). */
  readonly view: () => AdversaryView | null;
  /** Remembered across rounds and restarts (for replays). */
  readonly memory: AdversaryMemory;
  /** Where acts of the adversary are logged (one event per message or transmission it changed). */
  readonly trace: (event: TraceBody) => void;
}

/** `inner` with every outgoing message rewritten by the adversary (broadcasts per recipient). */
export function adversarialEndpoint<M extends AnyProtocolMessage>(inner: Endpoint<M>, control: AdversaryControl): Endpoint<M> {
  const sendAsAdversary = (recipients: readonly number[], message: M, honestly: () => void) => {
    const behaviour = control.behaviour();
    const view = behaviour === null ? null : control.view();
    if (behaviour === null || view === null) return honestly();
    let acted = false;
    for (const to of recipients) {
      if (isOcr2Message(message)) {
        const sent = rewriteOcr2Outgoing(behaviour, to, message, view, control.memory);
        if (sent.length !== 1 || sent[0] !== message) acted = true;
        for (const m of sent) inner.send(to, m as M);
        continue;
      }
      const sent = rewriteOutgoing(behaviour, to, message, view, control.memory);
      if (sent !== message) acted = true;
      if (sent !== null) inner.send(to, sent as M);
    }
    if (acted && message.type !== "newepoch") {
      const { epoch, round } = isOcr2Message(message) ? ocr2MessageRound(message) : (message as { epoch: number; round: number });
      control.trace({ type: "byzantine-act", behaviour, message: message.type, epoch, round });
    }
  };
  return {
    size: inner.size,
    send: (to, message) => sendAsAdversary([to], message, () => inner.send(to, message)),
    broadcast: (message) =>
      sendAsAdversary(
        Array.from({ length: inner.size }, (_, to) => to),
        message,
        () => inner.broadcast(message),
      ),
    receive: (handler) =>
      inner.receive((from, message) => {
        // What a faulty oracle received is the adversary's to use (an OCR2 round's extraHash).
        if (control.behaviour() !== null && isOcr2Message(message)) noteIncoming(message, control.memory);
        handler(from, message);
      }),
    close: () => inner.close(),
  };
}

/** The result a withheld transmission reports to the oracle: nothing was sent. */
const WITHHELD: TransmitResult = { ok: false, error: "not sent: the transmitter withheld the transaction" };

/** `inner` with every transmit rewritten by the adversary; reads pass through. */
export function adversarialChain(inner: OffchainAggregatorChain, control: AdversaryControl): OffchainAggregatorChain {
  const transmit = (request: TransmitRequest): Promise<TransmitResult> => {
    const behaviour = control.behaviour();
    if (behaviour === null) return inner.transmit(request);
    const sent = rewriteTransmission(behaviour, request, control.memory);
    if (sent !== request) {
      const { epoch, round } =
        request.reportContext !== undefined ? decodeOcr2ReportContext(request.reportContext.map(hexToBytes)) : decodeReportContext(request.report.subarray(0, 32));
      control.trace({ type: "byzantine-act", behaviour, message: "transmit", epoch, round });
    }
    return sent === null ? Promise.resolve(WITHHELD) : inner.transmit(sent);
  };
  return {
    latestConfig: () => inner.latestConfig(),
    latestTransmissionDetails: () => inner.latestTransmissionDetails(),
    latestRoundRequested: (lookbackMs) => inner.latestRoundRequested(lookbackMs),
    ...(inner.nowMs !== undefined ? { nowMs: () => inner.nowMs!() } : {}),
    transmit,
  };
}
