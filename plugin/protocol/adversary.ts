/**
 * Where Byzantine behaviours are installed: around a faulty oracle's endpoint (what it sends)
 * and its chain (what it transmits). The oracle inside runs the honest code unchanged and never
 * learns that it is faulty; the committee wraps the boundaries of the oracles a test makes
 * Byzantine. The behaviour is read at each send, so a running oracle can turn faulty or honest.
 */
import { decodeReportContext } from "../core/report.js";
import { type AdversaryMemory, type AdversaryView, type ByzantineBehaviour, rewriteOutgoing, rewriteTransmission } from "./byzantine.js";
import type { OffchainAggregatorChain, TransmitRequest, TransmitResult } from "./chain.js";
import type { ProtocolMessage } from "./messages.js";
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
export function adversarialEndpoint(inner: Endpoint<ProtocolMessage>, control: AdversaryControl): Endpoint<ProtocolMessage> {
  const sendAsAdversary = (recipients: readonly number[], message: ProtocolMessage, honestly: () => void) => {
    const behaviour = control.behaviour();
    const view = behaviour === null ? null : control.view();
    if (behaviour === null || view === null) return honestly();
    let acted = false;
    for (const to of recipients) {
      const sent = rewriteOutgoing(behaviour, to, message, view, control.memory);
      if (sent !== message) acted = true;
      if (sent !== null) inner.send(to, sent);
    }
    if (acted && message.type !== "newepoch") {
      control.trace({ type: "byzantine-act", behaviour, message: message.type, epoch: message.epoch, round: message.round });
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
    receive: (handler) => inner.receive(handler),
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
      const { epoch, round } = decodeReportContext(request.report.subarray(0, 32));
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
