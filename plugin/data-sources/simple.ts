/** Data sources for tests and scripted scenarios: constant, scripted and function-backed values. */
import { type DataSource, type ObservationRequest, assertInt192 } from "./data-source.js";

/** Always observes `value`. */
export function fixedValue(value: bigint): DataSource {
  assertInt192(value, "fixedValue");
  return { kind: "fixed", observe: async () => value };
}

/**
 * Observes `values` in order, one per call (across all oracles sharing it). An Error entry is
 * thrown instead of returned, which scripts a failed observation. Once the list is used up,
 * every further call repeats the last entry if `repeatLast` is set and throws otherwise.
 */
export function scriptedSequence(
  values: readonly (bigint | Error)[],
  options: { repeatLast?: boolean } = {},
): DataSource {
  if (values.length === 0) throw new Error("scriptedSequence needs at least one value");
  values.forEach((v, i) => v instanceof Error || assertInt192(v, `scriptedSequence value ${i}`));
  let next = 0;
  return {
    kind: "scripted",
    observe: async () => {
      if (next >= values.length && !options.repeatLast) {
        throw new Error(`scriptedSequence exhausted after ${values.length} values`);
      }
      const entry = values[Math.min(next, values.length - 1)];
      next++;
      if (entry instanceof Error) throw entry;
      return entry;
    },
  };
}

/** Observes whatever `fn` returns for the request (sync or async). */
export function fromFunction(
  fn: (request: ObservationRequest) => bigint | Promise<bigint>,
  kind = "function",
): DataSource {
  return { kind, observe: async (request) => fn(request) };
}
