/**
 * A price from an HTTP JSON API, the OCR equivalent of a Chainlink job's
 * http → jsonparse → multiply pipeline: GET the URL, walk a path into the JSON, and scale the
 * decimal found there to an integer exactly.
 */
import { type DataSource, type ObservationRequest, truncateText, withTimeout } from "./data-source.js";
import { multiplyToInt192 } from "./decimal.js";

export interface HttpJsonOptions {
  readonly url: string | URL;
  /** Dot path into the JSON, array indices as numbers: "data.price", "prices.0.value" (also "prices[0].value"). */
  readonly path: string;
  /** Scale factor, e.g. 10n ** 8n or "1e8" for 8 decimals. Default 1. */
  readonly multiplier?: string | number | bigint;
  /** Abort the request after this long (default 5000 ms). */
  readonly timeoutMs?: number;
  /**
   * Extra request headers (API keys and such). They go to the URL's origin only: a redirect to
   * another origin is followed without them.
   */
  readonly headers?: Readonly<Record<string, string>>;
  /** Read at most this many bytes of a response (default 1 MiB); a larger body is an error. */
  readonly maxResponseBytes?: number;
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

/** How many redirects a request follows before giving up. */
export const MAX_REDIRECTS = 5;
/** Longest numeric text accepted at the path: 78 digits already exceed int192. */
export const MAX_NUMBER_CHARACTERS = 100;
/** Deepest JSON nesting accepted: price APIs are a few levels deep; this keeps parsing cheap. */
export const MAX_JSON_DEPTH = 64;
const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

/** The deepest [ / { nesting of a JSON text (strings skipped), stopping early past `limit`. */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** The body as text, refusing (and cancelling) one longer than `maxBytes`. */
async function readBodyLimited(response: Response, maxBytes: number, what: string): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new Error(`${what} sent ${declared} bytes; at most ${maxBytes} are read (maxResponseBytes)`);
  }
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new Error(`${what} sent more than ${maxBytes} bytes; at most ${maxBytes} are read (maxResponseBytes)`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * GET `url`, following redirects by hand so that the user's headers (API keys) only ever go to
 * the origin they were configured for.
 */
async function getFollowingRedirects(options: HttpJsonOptions, signal: AbortSignal): Promise<Response> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const origin = new URL(String(options.url)).origin;
  let url = new URL(String(options.url));
  for (let redirects = 0; ; redirects++) {
    const sameOrigin = url.origin === origin;
    const response = await fetchImpl(url, {
      method: "GET",
      headers: { accept: "application/json", ...(sameOrigin ? options.headers : {}) },
      redirect: "manual",
      signal,
    });
    const location = response.headers.get("location");
    if (response.status < 300 || response.status >= 400 || location === null) return response;
    await response.body?.cancel();
    if (redirects >= MAX_REDIRECTS) throw new Error(`GET ${String(options.url)} redirected more than ${MAX_REDIRECTS} times`);
    url = new URL(location, url);
  }
}

/** Fetch, parse and scale one observation. Throws on any failure; the caller treats that as no observation. */
export async function fetchJsonValue(options: HttpJsonOptions, signal: AbortSignal): Promise<bigint> {
  const what = `GET ${String(options.url)}`;
  const response = await getFollowingRedirects(options, withTimeout(signal, options.timeoutMs ?? 5000));
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`${what} answered HTTP ${response.status}`);
  }
  const body = await readBodyLimited(response, options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, what);
  if (jsonDepth(body, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) throw new Error(`${what} returned JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  let document: unknown;
  try {
    document = parseJsonKeepingNumbers(body);
  } catch (error) {
    throw new Error(`${what} returned invalid JSON: ${truncateText((error as Error).message)}`);
  }
  const text = numericText(walkJsonPath(document, options.path), options.path);
  if (text.length > MAX_NUMBER_CHARACTERS) {
    throw new Error(`${what}: the value at ${options.path || "(root)"} has ${text.length} characters; at most ${MAX_NUMBER_CHARACTERS} are accepted`);
  }
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
