/**
 * Where oracles get the values they observe. A data source is asked once per oracle and round;
 * whatever goes wrong inside it (an exception, a timeout, a value the chain cannot hold) means
 * that oracle simply has no observation this round, exactly as a failed Chainlink job run does.
 */
import { MAX_OBSERVATION, MIN_OBSERVATION } from "../core/report.js";

export interface ObservationRequest {
  readonly oracleIndex: number;
  readonly epoch: number;
  readonly round: number;
  /** Aborted when the caller stops waiting (round over, timeout, shutdown). */
  readonly signal: AbortSignal;
}

export interface DataSource {
  /** A short label for logs, e.g. "fixed" or "http-json". */
  readonly kind: string;
  observe(request: ObservationRequest): Promise<bigint>;
}

/** Longest error text kept from a data source: errors are traced every round and shown to users. */
export const MAX_ERROR_TEXT = 300;

/** `text` cut to `max` characters, saying how much was cut. */
export function truncateText(text: string, max: number = MAX_ERROR_TEXT): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** Throws unless `value` is an int192 bigint: anything else could never reach the contract. */
export function assertInt192(value: unknown, what: string): bigint {
  if (typeof value !== "bigint") throw new TypeError(`${what} must be a bigint, got ${typeof value}`);
  if (value < MIN_OBSERVATION || value > MAX_OBSERVATION) throw new RangeError(`${what} ${value} does not fit in int192`);
  return value;
}

/** An abort signal that fires when `parent` does or after `timeoutMs`, whichever comes first. */
export function withTimeout(parent: AbortSignal, timeoutMs: number): AbortSignal {
  return AbortSignal.any([parent, AbortSignal.timeout(timeoutMs)]);
}

/**
 * Ask `source` for a value, giving up after `timeoutMs`. Resolves to undefined, and never
 * rejects, when the source throws, times out, is aborted through `request.signal`, or returns
 * something that is not an int192. `onError` (optional) sees why, for logging.
 */
export async function observeOrUndefined(
  source: DataSource,
  request: ObservationRequest,
  timeoutMs: number,
  onError?: (error: unknown) => void,
): Promise<bigint | undefined> {
  const controller = new AbortController();
  const relayAbort = () => controller.abort(request.signal.reason);
  if (request.signal.aborted) relayAbort();
  else request.signal.addEventListener("abort", relayAbort, { once: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  // The source gets a signal that fires on timeout too, so well-behaved sources stop their work;
  // the race below makes sure even a source that ignores its signal cannot hold the caller up.
  const stopped = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`${source.kind} data source timed out after ${timeoutMs} ms`);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
    if (controller.signal.aborted) reject(controller.signal.reason);
    else controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true });
  });
  try {
    const value = await Promise.race([
      Promise.resolve().then(() => source.observe({ ...request, signal: controller.signal })),
      stopped,
    ]);
    return assertInt192(value, `${source.kind} observation`);
  } catch (error) {
    onError?.(error);
    return undefined;
  } finally {
    clearTimeout(timer);
    request.signal.removeEventListener("abort", relayAbort);
    stopped.catch(() => {}); // the losing side of the race must not surface as an unhandled rejection
    if (!controller.signal.aborted) controller.abort(new Error("observation finished"));
  }
}
