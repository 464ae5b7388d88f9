/**
 * The part of transmission OCR1 and OCR2 share: reports waiting for their stage of the schedule,
 * earliest first, with exactly one "transmit" timer armed for the earliest. What happens to a
 * report before it is queued and when it is due differs by protocol (transmission.ts,
 * ocr2/transmission.ts) and stays in each role.
 */
import { MinHeap } from "./clock.js";

/** What the queue needs of a scheduled transmission. */
export interface ScheduledTransmission {
  /** Virtual or real ms at which to send. */
  readonly timeMs: number;
  readonly epoch: number;
  readonly round: number;
}

/** The timer outputs a queue emits (both protocols' transmission outputs include them). */
export type TransmitTimerOutput =
  | { readonly kind: "set-timer"; readonly timer: "transmit"; readonly delayMs: number }
  | { readonly kind: "cancel-timer"; readonly timer: "transmit" };

/** Earlier send time first; at the same time the logically earlier (epoch, round). */
function earlierFirst(a: ScheduledTransmission, b: ScheduledTransmission): boolean {
  if (a.timeMs !== b.timeMs) return a.timeMs < b.timeMs;
  return a.epoch !== b.epoch ? a.epoch < b.epoch : a.round < b.round;
}

/** The stage of the schedule a delay puts a transmission in (0 when stages take no time). */
export function stageOfDelay(delayMs: number, deltaStageMs: number): number {
  return deltaStageMs > 0 ? Math.round(delayMs / deltaStageMs) : 0;
}

export class TransmitQueue<Item extends ScheduledTransmission> {
  readonly #heap = new MinHeap<Item>(earlierFirst);
  /** The time the transmit timer is armed for, if any. */
  #armedFor: number | null = null;

  constructor(
    private readonly emit: (output: TransmitTimerOutput) => void,
    private readonly now: () => number,
  ) {}

  /** Pending items, earliest first (for tools and tests). */
  get pending(): readonly Item[] {
    return this.#heap.toArray().sort((a, b) => (earlierFirst(a, b) ? -1 : 1));
  }

  /** Queue items and keep the timer on the earliest. */
  push(...items: readonly Item[]): void {
    for (const item of items) this.#heap.push(item);
    this.#rearm();
  }

  /**
   * The transmit timer fired: hand each item due now to `take`, earliest first (each leaves the
   * queue before its turn), then arm the timer for the next.
   */
  forEachDue(take: (item: Item) => void): void {
    this.#armedFor = null;
    const now = this.now();
    while (this.#heap.size > 0 && this.#heap.peek()!.timeMs <= now) take(this.#heap.pop()!);
    this.#rearm();
  }

  /** Keep exactly one timer, armed for the earliest pending item. */
  #rearm(): void {
    const next = this.#heap.peek();
    if (next === undefined) {
      if (this.#armedFor !== null) this.emit({ kind: "cancel-timer", timer: "transmit" });
      this.#armedFor = null;
      return;
    }
    if (this.#armedFor === next.timeMs) return;
    this.#armedFor = next.timeMs;
    this.emit({ kind: "set-timer", timer: "transmit", delayMs: Math.max(0, next.timeMs - this.now()) });
  }
}
