/**
 * Time for the engine. Roles never read the wall clock: the oracle asks a `Clock` for `now()`
 * and for timers. `VirtualClock` makes a simulated hour take milliseconds and makes runs
 * reproducible; the feed's WallClock runs the same engine against a live chain in real time.
 */
import { Random } from "./random.js";

export type TimerHandle = number;

/** How a piece of asynchronous work ended. */
export type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

export interface Clock {
  /** Milliseconds since the Unix epoch (virtual or real). */
  now(): number;
  /** Run `callback` once after `delayMs` (≥ 0). */
  setTimer(delayMs: number, callback: () => void): TimerHandle;
  cancelTimer(handle: TimerHandle): void;
  /**
   * Run `onSettled` when `work` settles. The virtual clock does not advance while tracked work
   * is pending, so a data source or chain call answers "instantly" in virtual time.
   */
  track<T>(work: Promise<T>, onSettled: (outcome: Settled<T>) => void): void;
  /** A promise that resolves `ms` later on this clock (for sources that take simulated time). */
  sleep(ms: number): Promise<void>;
}

interface ScheduledEvent {
  readonly handle: TimerHandle;
  readonly time: number;
  /**
   * Random tie-break so simultaneous events run in a seeded, not insertion-biased, order: one
   * 64-bit draw as its high and low 32 bits (numbers compare without bigint garbage).
   */
  readonly tieBreakHi: number;
  readonly tieBreakLo: number;
  readonly callback: () => void;
}

function runsBefore(a: ScheduledEvent, b: ScheduledEvent): boolean {
  if (a.time !== b.time) return a.time < b.time;
  if (a.tieBreakHi !== b.tieBreakHi) return a.tieBreakHi < b.tieBreakHi;
  if (a.tieBreakLo !== b.tieBreakLo) return a.tieBreakLo < b.tieBreakLo;
  return a.handle < b.handle;
}

/** Binary min-heap ordered by `before`. */
export class MinHeap<T> {
  private readonly items: T[] = [];
  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }
  peek(): T | undefined {
    return this.items[0];
  }
  push(item: T): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(items[i], items[parent])) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }
  pop(): T | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0];
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && this.before(items[left], items[smallest])) smallest = left;
        if (right < items.length && this.before(items[right], items[smallest])) smallest = right;
        if (smallest === i) break;
        [items[i], items[smallest]] = [items[smallest], items[i]];
        i = smallest;
      }
    }
    return top;
  }
  toArray(): T[] {
    return [...this.items];
  }
}

export interface VirtualClockOptions {
  /** Virtual start time in ms since the Unix epoch (default 2024-01-01T00:00:00Z). */
  readonly startMs?: number;
  /** Seed for the tie-break between events scheduled for the same millisecond. */
  readonly seed?: string | bigint | number;
  /**
   * Longest real time to wait for tracked work before giving up on it and letting virtual time
   * move on (default 5000 ms). A hung data source then times out in virtual time like any other.
   */
  readonly realTimeCapMs?: number;
}

export interface RunLimits {
  /** Stop before running any event scheduled after this virtual time (the clock then reads it). */
  readonly untilMs?: number;
  /** Checked after every event and once before the first; stop when it returns true. */
  readonly stop?: () => boolean;
  /** Safety bound on events processed in this call. */
  readonly maxEvents?: number;
}

/** What `run` did. */
export interface RunSummary {
  readonly events: number;
  readonly stoppedBy: "stop" | "until" | "idle" | "max-events";
  /** Tracked work abandoned because it outlived the real-time cap. */
  readonly abandoned: number;
}

export class VirtualClock implements Clock {
  private current: number;
  private nextHandle = 1;
  private readonly queue = new MinHeap<ScheduledEvent>(runsBefore);
  private readonly cancelled = new Set<TimerHandle>();
  private readonly tieBreaks: Random;
  private readonly realTimeCapMs: number;
  /** Tracked work still running, keyed by id so abandoned work can be forgotten. */
  private readonly pendingWork = new Set<number>();
  private nextWorkId = 1;
  /** Tracked work currently inside `sleep`: waiting on virtual time, so it must not block it. */
  private sleepers = 0;
  /** Who waits for the tracked work to settle (normally one `run`); each hears true, or false at the cap. */
  private readonly waiters: ((becameIdle: boolean) => void)[] = [];
  /**
   * The real-time cap of the waits in progress. One timer, restarted when a wait starts with
   * none in progress: a round waits on tracked work a few dozen times, and a fresh timer plus a
   * race each time cost more than the waits. Unreferenced between waits, so it never holds a
   * process open; if it fires with nobody waiting, nothing happens.
   */
  private capTimer: NodeJS.Timeout | undefined;
  private abandonedTotal = 0;

  constructor(options: VirtualClockOptions = {}) {
    this.current = options.startMs ?? Date.UTC(2024, 0, 1);
    this.tieBreaks = new Random(options.seed ?? "virtual-clock");
    this.realTimeCapMs = options.realTimeCapMs ?? 5000;
  }

  now(): number {
    return this.current;
  }

  setTimer(delayMs: number, callback: () => void): TimerHandle {
    if (!(delayMs >= 0)) throw new RangeError(`timer delay must be ≥ 0, got ${delayMs}`);
    const handle = this.nextHandle++;
    const [tieBreakHi, tieBreakLo] = this.tieBreaks.nextU64Halves();
    this.queue.push({ handle, time: this.current + delayMs, tieBreakHi, tieBreakLo, callback });
    return handle;
  }

  cancelTimer(handle: TimerHandle): void {
    this.cancelled.add(handle);
  }

  track<T>(work: Promise<T>, onSettled: (outcome: Settled<T>) => void): void {
    const id = this.nextWorkId++;
    this.pendingWork.add(id);
    const finish = (outcome: Settled<T>) => {
      // Run the continuation before releasing the clock, so its timers and messages are
      // scheduled at the virtual instant the work finished.
      try {
        onSettled(outcome);
      } finally {
        this.pendingWork.delete(id);
        this.notifyIfIdle();
      }
    };
    work.then(
      (value) => finish({ ok: true, value }),
      (error: unknown) => finish({ ok: false, error }),
    );
  }

  sleep(ms: number): Promise<void> {
    this.sleepers++;
    this.notifyIfIdle();
    return new Promise((resolve) =>
      this.setTimer(ms, () => {
        this.sleepers = Math.max(0, this.sleepers - 1);
        resolve();
      }),
    );
  }

  /** Virtual events not yet run (cancelled ones excluded). */
  pendingEvents(): number {
    return this.queue.toArray().filter((e) => !this.cancelled.has(e.handle)).length;
  }

  /** Process events in time order until a limit is hit or nothing is left. */
  async run(limits: RunLimits = {}): Promise<RunSummary> {
    const abandonedBefore = this.abandonedTotal;
    let events = 0;
    const summary = (stoppedBy: RunSummary["stoppedBy"]): RunSummary => ({
      events,
      stoppedBy,
      abandoned: this.abandonedTotal - abandonedBefore,
    });
    for (;;) {
      await this.settle();
      if (limits.stop?.()) return summary("stop");
      if (limits.maxEvents !== undefined && events >= limits.maxEvents) return summary("max-events");
      const next = this.popLive();
      if (next === undefined) {
        if (limits.untilMs !== undefined && limits.untilMs > this.current) this.current = limits.untilMs;
        return summary("idle");
      }
      if (limits.untilMs !== undefined && next.time > limits.untilMs) {
        this.queue.push(next);
        this.current = Math.max(this.current, limits.untilMs);
        return summary("until");
      }
      this.current = next.time;
      events++;
      next.callback();
    }
  }

  /** Run for `ms` of virtual time from now. */
  advance(ms: number): Promise<RunSummary> {
    return this.run({ untilMs: this.current + ms });
  }

  private popLive(): ScheduledEvent | undefined {
    for (;;) {
      const next = this.queue.pop();
      if (next === undefined) return undefined;
      if (this.cancelled.delete(next.handle)) continue;
      return next;
    }
  }

  private isBlocked(): boolean {
    return this.pendingWork.size - this.sleepers > 0;
  }

  private notifyIfIdle(): void {
    if (!this.isBlocked() && this.waiters.length > 0) this.releaseWaiters(true);
  }

  private releaseWaiters(becameIdle: boolean): void {
    this.capTimer?.unref();
    for (const waiter of this.waiters.splice(0)) waiter(becameIdle);
  }

  /** Wait (in real time) until no tracked work blocks the clock, or the cap expires. */
  private async settle(): Promise<void> {
    if (!this.isBlocked()) return;
    const becameIdle = await new Promise<boolean>((resolve) => {
      // A second wait joining one in progress shares its cap: when it expires, all tracked
      // work is given up for everyone anyway.
      if (this.waiters.length === 0) {
        if (this.capTimer === undefined) this.capTimer = setTimeout(() => this.releaseWaiters(false), this.realTimeCapMs);
        else this.capTimer.refresh();
        this.capTimer.ref();
      }
      this.waiters.push(resolve);
    });
    if (!becameIdle) {
      // Forget the hung work: its continuation still runs if it ever settles, but virtual
      // time (and with it every timeout racing that work) may now move on.
      this.abandonedTotal += this.pendingWork.size;
      this.pendingWork.clear();
      this.sleepers = 0;
    }
  }
}
