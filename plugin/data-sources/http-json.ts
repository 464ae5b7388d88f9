/**
 * A price from an HTTP JSON API, the OCR equivalent of a Chainlink job's
 * http → jsonparse → multiply pipeline: GET the URL, walk a path into the JSON, and scale the
 * decimal found there to an integer exactly.
 */
import { type DataSource, type ObservationRequest, withTimeout } from "./data-source.js";
import { multiplyToInt192 } from "./decimal.js";

export interface HttpJsonOptions {
  readonly url: string | URL;
  /** Dot path into the JSON, array indices as numbers: "data.price", "prices.0.value" (also "prices[0].value"). */
  readonly path: string;
  /** Scale factor, e.g. 10n ** 8n or "1e8" for 8 decimals. Default 1. */
  readonly multiplier?: string | number | bigint;
  /** Abort the request after this long (default 5000 ms). */
  readonly timeoutMs?: number;
  /** Extra request headers (API keys and such). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Injected fetch, for proxies or tests; defaults to the global fetch. */
  readonly fetch?: typeof globalThis.fetch;
}

/** A JSON number kept as its source text, so large or long numbers are not rounded to a double. */
class JsonNumberText {
  constructor(readonly text: string) {}
}

/**
 * JSON.parse, but numbers come back as their exact source text. Node 22's reviver receives the
 * source (`context.source`); on older engines the double's shortest text is the best available.
 */
export function parseJsonKeepingNumbers(text: string): unknown {
  const reviver = (_key: string, value: unknown, context?: { source?: string }) =>
    typeof value === "number" ? new JsonNumberText(context?.source ?? String(value)) : value;
  return JSON.parse(text, reviver as (key: string, value: unknown) => unknown);
}

/** The path's segments: "a.b[2].c" → ["a", "b", "2", "c"]. An empty path is the whole document. */
export function splitJsonPath(path: string): string[] {
  // "[0].value" at the very start becomes ".0.value": drop that one leading dot.
  const normalized = path.replace(/\[(\d+)\]/g, ".$1").replace(/^\./, "");
  return normalized === "" ? [] : normalized.split(".");
}

/** Follow `path` through parsed JSON; throws naming the first segment that does not exist. */
export function walkJsonPath(document: unknown, path: string): unknown {
  let node = document;
  const walked: string[] = [];
  for (const segment of splitJsonPath(path)) {
    walked.push(segment);
    const here = walked.join(".");
    if (Array.isArray(node)) {
      if (!/^\d+$/.test(segment) || Number(segment) >= node.length) throw new Error(`JSON path ${here} does not exist (array of ${node.length})`);
      node = node[Number(segment)];
    } else if (node !== null && typeof node === "object" && !(node instanceof JsonNumberText) && Object.hasOwn(node, segment)) {
      node = (node as Record<string, unknown>)[segment];
    } else {
      throw new Error(`JSON path ${here} does not exist`);
    }
  }
  return node;
}

/** The decimal text at the end of the path: a JSON number or a numeric string. */
function numericText(value: unknown, path: string): string {
  if (value instanceof JsonNumberText) return value.text;
  if (typeof value === "string") return value;
  throw new Error(`JSON value at ${path || "(root)"} is ${value === null ? "null" : Array.isArray(value) ? "an array" : typeof value}, not a number`);
}

/** Fetch, parse and scale one observation. Throws on any failure; the caller treats that as no observation. */
export async function fetchJsonValue(options: HttpJsonOptions, signal: AbortSignal): Promise<bigint> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const response = await fetchImpl(options.url, {
    method: "GET",
    headers: { accept: "application/json", ...options.headers },
    signal: withTimeout(signal, options.timeoutMs ?? 5000),
  });
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`GET ${String(options.url)} answered HTTP ${response.status}`);
  }
  const body = await response.text();
  let document: unknown;
  try {
    document = parseJsonKeepingNumbers(body);
  } catch (error) {
    throw new Error(`GET ${String(options.url)} returned invalid JSON: ${(error as Error).message}`);
  }
  const text = numericText(walkJsonPath(document, options.path), options.path);
  return multiplyToInt192(text, options.multiplier ?? 1n);
}

/** A data source that GETs `url` on every observation. */
export function httpJson(options: HttpJsonOptions): DataSource {
  // Fail on a bad multiplier now rather than in every round.
  multiplyToInt192(1n, options.multiplier ?? 1n);
  return {
    kind: "http-json",
    observe: (request: ObservationRequest) => fetchJsonValue(options, request.signal),
  };
}
