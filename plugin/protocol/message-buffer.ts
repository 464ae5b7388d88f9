/**
 * Messages from epochs this oracle has not reached yet (spec §2.4, last bullet). An oracle that
 * is a little behind would otherwise lose the new leader's first observe-req; a ring of 10 per
 * sender bounds what a faulty sender can make us hold.
 */
import type { ReportGenerationMessage } from "./messages.js";

/** libocr keeps 10 messages per sender and drops the oldest. */
export const FUTURE_MESSAGE_BUFFER = 10;

export type Admission = "current" | "buffered" | "dropped";

/** Any protocol's epoch messages (OCR1's by default; OCR2 keeps its own set apart). */
export class FutureMessageBuffer<M extends { readonly epoch: number } = ReportGenerationMessage> {
  private readonly perSender: M[][];

  constructor(senders: number, private readonly capacity = FUTURE_MESSAGE_BUFFER) {
    this.perSender = Array.from({ length: senders }, () => []);
  }

  /** Decide what to do with `message` while in `currentEpoch`; future ones are kept here. */
  admit(from: number, message: M, currentEpoch: number): Admission {
    if (message.epoch < currentEpoch) return "dropped"; // past epochs are over for good
    if (message.epoch === currentEpoch) return "current";
    const ring = this.perSender[from];
    ring.push(message);
    if (ring.length > this.capacity) ring.shift();
    return "buffered";
  }

  /**
   * After moving to `epoch`: remove and return, per sender in arrival order, the messages for
   * it; forget older ones and keep later ones.
   */
  takeForEpoch(epoch: number): { from: number; message: M }[] {
    const out: { from: number; message: M }[] = [];
    this.perSender.forEach((ring, from) => {
      for (const message of ring) if (message.epoch === epoch) out.push({ from, message });
      const later = ring.filter((m) => m.epoch > epoch);
      ring.splice(0, ring.length, ...later);
    });
    return out;
  }

  /** Messages held for `from` (for tests and tools). */
  heldFrom(from: number): readonly M[] {
    return this.perSender[from];
  }
}
