/**
 * Who was honest when: the soak's own record of each oracle's faults, in the oracle's epochs.
 *
 * An oracle observes only for its own current epoch, and its epochs only grow, so the epochs it
 * was in when a fault began and when it ended bound every observation it made while faulty. The
 * record comes from the soak's fault plan as it applies it (never from the committee's trace),
 * and with the market function it tells the checker what an honest oracle observed.
 */
import type { ObservationTruth } from "./checker.js";
import type { SoakMarket } from "./market.js";

interface Span {
  readonly configDigestHex: string;
  readonly fromEpoch: number;
  /** Infinity while the fault lasts. */
  toEpoch: number;
}

/** Spans remembered per oracle: far more than the rounds a report can lag behind. */
const KEEP_SPANS = 64;

export class HonestyLedger implements ObservationTruth {
  private readonly spans = new Map<number, Span[]>();
  private readonly open = new Map<number, Span>();

  constructor(private readonly market: SoakMarket) {}

  /** Oracle `oracle` stops being honest now; it is in `epoch` (null: no epoch yet) of the config. */
  markFaulty(oracle: number, configDigestHex: string, epoch: number | null): void {
    if (this.open.has(oracle)) return;
    const span: Span = { configDigestHex, fromEpoch: epoch ?? 0, toEpoch: Number.POSITIVE_INFINITY };
    const list = this.spans.get(oracle) ?? [];
    list.push(span);
    if (list.length > KEEP_SPANS) list.shift();
    this.spans.set(oracle, list);
    this.open.set(oracle, span);
  }

  /** Oracle `oracle` is honest again from now; it is in `epoch` (null: unknown, so the span stays open-ended). */
  markHonest(oracle: number, epoch: number | null): void {
    const span = this.open.get(oracle);
    if (span === undefined) return;
    if (epoch !== null) span.toEpoch = epoch;
    this.open.delete(oracle);
  }

  /** A new config: faults that last carry over into it from its first epoch. */
  configChanged(configDigestHex: string): void {
    for (const oracle of [...this.open.keys()]) {
      this.open.delete(oracle);
      this.markFaulty(oracle, configDigestHex, 0);
    }
  }

  isFaultyNow(oracle: number): boolean {
    return this.open.has(oracle);
  }

  wasHonest(oracle: number, configDigestHex: string, epoch: number): boolean {
    const list = this.spans.get(oracle);
    if (list === undefined) return true;
    return !list.some((s) => s.configDigestHex === configDigestHex && epoch >= s.fromEpoch && epoch <= s.toEpoch);
  }

  expected(configDigestHex: string, epoch: number, round: number, observer: number): bigint | null {
    return this.wasHonest(observer, configDigestHex, epoch) ? this.market.valueOf(epoch, round, observer) : null;
  }
}
