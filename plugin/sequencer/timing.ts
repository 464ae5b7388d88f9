/**
 * When a status message was sent on L1 and when it arrives on L2: pure arithmetic on block
 * timestamps (seconds), so the rules are testable without a chain.
 */

/** Block timestamps are uint64 on chain; the feeds store the L1 time as uint64 too. */
const MAX_UINT64 = (1n << 64n) - 1n;

export interface MessageTiming {
  /** The L1 time the message carries (the new round's `startedAt`). */
  readonly l1Timestamp: bigint;
  /** The timestamp of the L2 block that delivers it. */
  readonly arrivalTimestamp: bigint;
}

/** A timing option as a bigint, or a RangeError naming the option and what it accepts. */
export function wholeSeconds(name: string, value: bigint | number): bigint {
  if (typeof value === "number" && !Number.isSafeInteger(value)) {
    throw new RangeError(`${name} must be a whole number of seconds, got ${value}`);
  }
  const seconds = BigInt(value);
  if (seconds < 0n || seconds > MAX_UINT64) throw new RangeError(`${name} must be between 0 and 2^64 - 1 seconds, got ${seconds}`);
  return seconds;
}

/**
 * The L1 time and the L2 arrival time of a message. `now` is the earliest time the next L2
 * block can have (the later of the wall clock and one second after the latest block).
 * - both given: sent at `l1Timestamp`, arriving `delaySeconds` later, which must not be before `now`;
 * - only `delaySeconds`: arriving now, sent that long ago;
 * - only `l1Timestamp`: arriving now (or at `l1Timestamp` if that is later);
 * - neither: sent and arriving now.
 */
export function planMessageTiming(
  now: bigint,
  options: { readonly l1Timestamp?: bigint | number; readonly delaySeconds?: bigint | number } = {},
): MessageTiming {
  const l1 = options.l1Timestamp === undefined ? undefined : wholeSeconds("l1Timestamp", options.l1Timestamp);
  const delay = options.delaySeconds === undefined ? undefined : wholeSeconds("delaySeconds", options.delaySeconds);
  if (l1 !== undefined && delay !== undefined) {
    const arrival = l1 + delay;
    if (arrival < now) {
      throw new RangeError(
        `a message sent on L1 at ${l1} with a ${delay} s delay would arrive at ${arrival}, but the next L2 block cannot be before ${now}; ` +
          `use a later l1Timestamp or a longer delaySeconds (or leave delaySeconds out: the message then arrives now)`,
      );
    }
    return { l1Timestamp: l1, arrivalTimestamp: arrival };
  }
  if (delay !== undefined) {
    if (delay > now) throw new RangeError(`delaySeconds ${delay} reaches back before time 0 (the next L2 block is at ${now})`);
    return { l1Timestamp: now - delay, arrivalTimestamp: now };
  }
  if (l1 !== undefined) return { l1Timestamp: l1, arrivalTimestamp: l1 > now ? l1 : now };
  return { l1Timestamp: now, arrivalTimestamp: now };
}

/** The earliest timestamp the next block can get: after the latest block, and not before the wall clock. */
export function earliestNextBlockTime(latestBlockTimestamp: bigint, wallClockMs: number): bigint {
  const wall = BigInt(Math.floor(wallClockMs / 1000));
  return wall > latestBlockTimestamp ? wall : latestBlockTimestamp + 1n;
}
