/**
 * Real time for committees on JSON-RPC networks. Unlike plain Node timers, the
 * committee's own timers never keep a Node process alive: a task that deployed a feed or ran a
 * round exits when its work is done, even though the oracles' resend and progress timers are
 * still armed. While `runRound`/`runFor` wait, their own polling keeps the process running.
 */
import type { Clock, Settled, TimerHandle } from "../protocol/clock.js";

export class WallClock implements Clock {
  #nextHandle = 1;
  readonly #timers = new Map<TimerHandle, NodeJS.Timeout>();

  now(): number {
    return Date.now();
  }

  setTimer(delayMs: number, callback: () => void): TimerHandle {
    const handle = this.#nextHandle++;
    const timer = setTimeout(() => {
      this.#timers.delete(handle);
      callback();
    }, delayMs);
    timer.unref();
    this.#timers.set(handle, timer);
    return handle;
  }

  cancelTimer(handle: TimerHandle): void {
    clearTimeout(this.#timers.get(handle));
    this.#timers.delete(handle);
  }

  track<T>(work: Promise<T>, onSettled: (outcome: Settled<T>) => void): void {
    work.then(
      (value) => onSettled({ ok: true, value }),
      (error: unknown) => onSettled({ ok: false, error }),
    );
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms).unref());
  }

  /** Cancel every timer still armed (a clean stop). */
  cancelAll(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}
