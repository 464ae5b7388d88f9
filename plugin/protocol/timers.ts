/**
 * The timers of one role instance, by name. A role asks for "(re)arm timer `round` in 500 ms"
 * or "cancel `grace`"; the registry keeps at most one armed timer per name on the clock and
 * calls back with the name when it fires. Dropping the registry (`cancelAll`) silences every
 * timer of the instance, so a replaced leader or config can never be woken by an old timer.
 */
import type { Clock, TimerHandle } from "./clock.js";

export class RoleTimers<Name extends string> {
  readonly #armed = new Map<Name, TimerHandle>();

  constructor(
    private readonly clock: Clock,
    private readonly onFire: (name: Name) => void,
  ) {}

  /** Arm `name` to fire after `delayMs`, replacing an armed timer of the same name. */
  set(name: Name, delayMs: number): void {
    this.cancel(name);
    const handle = this.clock.setTimer(delayMs, () => {
      if (this.#armed.get(name) !== handle) return;
      this.#armed.delete(name);
      this.onFire(name);
    });
    this.#armed.set(name, handle);
  }

  cancel(name: Name): void {
    const handle = this.#armed.get(name);
    if (handle === undefined) return;
    this.clock.cancelTimer(handle);
    this.#armed.delete(name);
  }

  cancelAll(): void {
    for (const handle of this.#armed.values()) this.clock.cancelTimer(handle);
    this.#armed.clear();
  }
}
