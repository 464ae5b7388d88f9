/**
 * Validation and defaults for the `ocr` config section. Pure functions: `validateOcrUserConfig`
 * returns every problem with the path of the field that has it, and `resolveOcrConfig` turns a
 * valid user config into a complete `OcrConfig`.
 */
import type { ConfigurationVariableResolver } from "hardhat/types/config";

import { DEFAULT_JUELS_PER_FEE_COIN, DEFAULT_PROTOCOL } from "./constants.js";
import type {
  DataSourceConfig,
  DataSourceUserConfig,
  OcrConfig,
  OcrFeedConfig,
  OcrFeedUserConfig,
  OcrUserConfig,
} from "./types.js";

export const DEFAULT_FEED_NAME = "ETH / USD";
/** HTTP data sources read at most this much of a response unless configured otherwise. */
export const DEFAULT_HTTP_RESPONSE_BYTES = 1024 * 1024;
/** The largest response limit a config may set: a price API answer is never this big. */
export const MAX_HTTP_RESPONSE_BYTES = 64 * 1024 * 1024;
const MAX_ORACLES = 31;
const INT192_MIN = -(1n << 191n);
const INT192_MAX = (1n << 191n) - 1n;
const UINT32_MAX = 0xffffffff;

/**
 * Local-chain timing. The pacemaker needs deltaGrace < deltaRound < deltaProgress. deltaStage is
 * longer than a block on an interval-mined node, so a later stage sees the earlier stage's
 * transaction mined before it decides whether to transmit. rMax 3 (as in libocr's integration test
 * config) makes the leader change every few rounds, so leader election is exercised.
 */
export const DEFAULT_TIMING = {
  deltaProgressMs: 10_000,
  deltaResendMs: 2_000,
  deltaRoundMs: 1_000,
  deltaGraceMs: 200,
  deltaStageMs: 5_000,
  rMax: 3,
} as const;

/** The billing parameters of Chainlink's OCR integration test. */
export const DEFAULT_BILLING = {
  maximumGasPriceGwei: 1000,
  reasonableGasPriceGwei: 200,
  microLinkPerEth: 36_000_000,
  linkGweiPerObservation: 100_000_000,
  linkGweiPerTransmission: 400_000_000,
} as const;

export interface ConfigIssue {
  path: string[];
  message: string;
}

type IntegerLike = bigint | number | string;

function toBigInt(value: IntegerLike): bigint | undefined {
  if (typeof value === "bigint") return value;
  if (typeof value === "number") return Number.isSafeInteger(value) ? BigInt(value) : undefined;
  if (typeof value === "string" && /^-?\d+$/.test(value.trim())) return BigInt(value.trim());
  return undefined;
}

function isIntegerLike(value: unknown): value is IntegerLike {
  return (
    (typeof value === "bigint" || typeof value === "number" || typeof value === "string") &&
    toBigInt(value) !== undefined
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Checks a user config; returns an empty list when it is valid. */
export function validateOcrUserConfig(config: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (config === undefined) return issues;
  if (!isObject(config)) return [{ path: ["ocr"], message: "Expected an object with `feeds` and `defaultFeed`" }];
  const known = new Set(["feeds", "defaultFeed", "deploymentsDir"]);
  for (const key of Object.keys(config)) {
    if (!known.has(key)) issues.push({ path: ["ocr", key], message: `Unknown field; expected one of ${[...known].join(", ")}` });
  }
  const feeds = config.feeds;
  if (feeds !== undefined && !isObject(feeds)) {
    issues.push({ path: ["ocr", "feeds"], message: "Expected an object mapping feed names to feed configs" });
  } else if (feeds !== undefined) {
    for (const [name, feed] of Object.entries(feeds)) issues.push(...validateFeed(name, feed));
  }
  if (config.deploymentsDir !== undefined && (typeof config.deploymentsDir !== "string" || config.deploymentsDir.trim() === "")) {
    issues.push({ path: ["ocr", "deploymentsDir"], message: "Expected a folder path (relative to the project root or absolute)" });
  }
  if (config.defaultFeed !== undefined) {
    const names = feeds !== undefined && isObject(feeds) ? Object.keys(feeds) : [DEFAULT_FEED_NAME];
    if (typeof config.defaultFeed !== "string" || !names.includes(config.defaultFeed)) {
      issues.push({
        path: ["ocr", "defaultFeed"],
        message: `Expected the name of a configured feed (${names.map((n) => JSON.stringify(n)).join(", ")})`,
      });
    }
  }
  return issues;
}

const FEED_FIELDS = new Set([
  "description", "decimals", "minAnswer", "maxAnswer", "oracles", "faultTolerance", "alphaPPB",
  "deltaCMs", "timing", "dataSource", "billing", "accessControlled", "linkFunding", "seed", "keySeed",
  "p2pBasePort",
  "protocol", "juelsPerFeeCoin",
]);

function validateFeed(name: string, feed: unknown): ConfigIssue[] {
  const base = ["ocr", "feeds", name];
  if (!isObject(feed)) return [{ path: base, message: "Expected a feed config object" }];
  const issues: ConfigIssue[] = [];
  const at = (field: string, message: string, ...more: string[]) =>
    issues.push({ path: [...base, field, ...more], message });

  for (const key of Object.keys(feed)) {
    if (!FEED_FIELDS.has(key)) at(key, `Unknown field; expected one of ${[...FEED_FIELDS].join(", ")}`);
  }
  if (name.trim() === "") issues.push({ path: base, message: "A feed needs a non-empty name" });
  if (feed.description !== undefined && typeof feed.description !== "string") at("description", "Expected a string");
  if (feed.decimals !== undefined && !(Number.isInteger(feed.decimals) && (feed.decimals as number) >= 0 && (feed.decimals as number) <= 255)) {
    at("decimals", "Expected an integer from 0 to 255 (uint8)");
  }
  for (const field of ["minAnswer", "maxAnswer"] as const) {
    const v = feed[field];
    if (v === undefined) continue;
    const b = isIntegerLike(v) ? toBigInt(v) : undefined;
    if (b === undefined || b < INT192_MIN || b > INT192_MAX) at(field, "Expected an integer that fits in int192");
  }
  const min = isIntegerLike(feed.minAnswer) ? toBigInt(feed.minAnswer)! : 1n;
  const max = isIntegerLike(feed.maxAnswer) ? toBigInt(feed.maxAnswer)! : INT192_MAX;
  if (min > max) at("minAnswer", `minAnswer (${min}) must not be greater than maxAnswer (${max})`);

  const n = feed.oracles ?? 4;
  const f = feed.faultTolerance ?? 1;
  if (!Number.isInteger(n) || (n as number) < 1 || (n as number) > MAX_ORACLES) {
    at("oracles", `Expected an integer from 4 to ${MAX_ORACLES} (the aggregator accepts at most ${MAX_ORACLES} oracles)`);
  } else if (!Number.isInteger(f) || (f as number) < 1) {
    at("faultTolerance", "Expected an integer of at least 1 (the aggregator rejects threshold 0)");
  } else if (3 * (f as number) >= (n as number)) {
    at("faultTolerance", `OCR needs more than 3f oracles: with oracles = ${n}, faultTolerance must be at most ${Math.floor(((n as number) - 1) / 3)} (or use at least ${3 * (f as number) + 1} oracles)`);
  }
  if (feed.alphaPPB !== undefined) {
    const a = isIntegerLike(feed.alphaPPB) ? toBigInt(feed.alphaPPB) : undefined;
    if (a === undefined || a < 0n || a >= 1n << 64n) at("alphaPPB", "Expected a non-negative integer (uint64 parts per billion; 1e7 = 1 %)");
  }
  if (feed.deltaCMs !== undefined && !isNonNegativeInteger(feed.deltaCMs)) at("deltaCMs", "Expected a non-negative whole number of milliseconds");

  if (feed.timing !== undefined) {
    if (!isObject(feed.timing)) at("timing", "Expected an object");
    else issues.push(...validateTiming(base, feed.timing, Number.isInteger(n) ? (n as number) : 4));
  }
  if (feed.billing !== undefined) {
    if (!isObject(feed.billing)) at("billing", "Expected an object");
    else {
      for (const [key, value] of Object.entries(feed.billing)) {
        if (!(key in DEFAULT_BILLING)) at("billing", `Unknown field; expected one of ${Object.keys(DEFAULT_BILLING).join(", ")}`, key);
        else if (!isNonNegativeInteger(value) || (value as number) > UINT32_MAX) at("billing", "Expected an integer from 0 to 4294967295 (uint32)", key);
      }
    }
  }
  if (feed.accessControlled !== undefined && typeof feed.accessControlled !== "boolean") at("accessControlled", "Expected true or false");
  if (feed.linkFunding !== undefined && !(isIntegerLike(feed.linkFunding) && toBigInt(feed.linkFunding)! >= 0n)) {
    at("linkFunding", "Expected a non-negative integer amount of LINK-wei (1 LINK = 10^18)");
  }
  if (feed.seed !== undefined && typeof feed.seed !== "string") at("seed", "Expected a string");
  if (feed.keySeed !== undefined && !isConfigurationVariable(feed.keySeed)) {
    at("keySeed", 'Expected configVariable("NAME") (from "hardhat/config"), so the secret seed stays out of the config file');
  }

  if (feed.p2pBasePort !== undefined && !(Number.isInteger(feed.p2pBasePort) && (feed.p2pBasePort as number) >= 1 && (feed.p2pBasePort as number) + MAX_ORACLES - 1 <= 65535)) {
    at("p2pBasePort", `Expected a TCP port from 1 to ${65535 - MAX_ORACLES + 1} (oracle i listens on p2pBasePort + i)`);
  }

  if (feed.protocol !== undefined && feed.protocol !== "ocr2" && feed.protocol !== "ocr1") {
    at("protocol", `Expected "ocr2" or "ocr1", got ${JSON.stringify(feed.protocol)}`);
  }
  if (feed.juelsPerFeeCoin !== undefined) {
    if (Array.isArray(feed.juelsPerFeeCoin)) {
      if (Number.isInteger(n) && feed.juelsPerFeeCoin.length !== n) {
        at("juelsPerFeeCoin", `Expected one source per oracle (${n}), got ${feed.juelsPerFeeCoin.length}; or give a single source for all`);
      }
      feed.juelsPerFeeCoin.forEach((ds, i) => issues.push(...validateDataSource([...base, "juelsPerFeeCoin", String(i)], ds)));
    } else {
      issues.push(...validateDataSource([...base, "juelsPerFeeCoin"], feed.juelsPerFeeCoin));
    }
  }
  if (feed.dataSource !== undefined) {
    if (Array.isArray(feed.dataSource)) {
      if (Number.isInteger(n) && feed.dataSource.length !== n) {
        at("dataSource", `Expected one data source per oracle (${n}), got ${feed.dataSource.length}; or give a single data source for all`);
      }
      feed.dataSource.forEach((ds, i) => issues.push(...validateDataSource([...base, "dataSource", String(i)], ds)));
    } else {
      issues.push(...validateDataSource([...base, "dataSource"], feed.dataSource));
    }
  }
  return issues;
}

function isConfigurationVariable(value: unknown): boolean {
  return isObject(value) && value._type === "ConfigurationVariable" && typeof value.name === "string";
}

function isNonNegativeInteger(value: unknown): boolean {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function validateTiming(base: string[], timing: Record<string, unknown>, n: number): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const at = (field: string, message: string) => issues.push({ path: [...base, "timing", field], message });
  const known = new Set([...Object.keys(DEFAULT_TIMING), "schedule"]);
  for (const key of Object.keys(timing)) if (!known.has(key)) at(key, `Unknown field; expected one of ${[...known].join(", ")}`);
  for (const key of ["deltaProgressMs", "deltaResendMs", "deltaRoundMs", "deltaGraceMs", "deltaStageMs"] as const) {
    if (timing[key] !== undefined && !isNonNegativeInteger(timing[key])) at(key, "Expected a non-negative whole number of milliseconds");
  }
  const t = { ...DEFAULT_TIMING, ...timing } as Record<string, unknown>;
  if (isNonNegativeInteger(t.deltaGraceMs) && isNonNegativeInteger(t.deltaRoundMs) && (t.deltaGraceMs as number) >= (t.deltaRoundMs as number)) {
    at("deltaGraceMs", `deltaGraceMs (${t.deltaGraceMs}) must be smaller than deltaRoundMs (${t.deltaRoundMs})`);
  }
  if (isNonNegativeInteger(t.deltaRoundMs) && isNonNegativeInteger(t.deltaProgressMs) && (t.deltaRoundMs as number) >= (t.deltaProgressMs as number)) {
    at("deltaRoundMs", `deltaRoundMs (${t.deltaRoundMs}) must be smaller than deltaProgressMs (${t.deltaProgressMs})`);
  }
  if (timing.rMax !== undefined && !(Number.isInteger(timing.rMax) && (timing.rMax as number) > 0 && (timing.rMax as number) < 255)) {
    at("rMax", "Expected an integer from 1 to 254");
  }
  if (timing.schedule !== undefined) {
    const s = timing.schedule;
    if (!Array.isArray(s) || s.length === 0 || s.length >= 1000 || !s.every((x) => Number.isInteger(x) && x >= 0 && x <= MAX_ORACLES)) {
      at("schedule", "Expected a non-empty list (under 1000 stages) of integers from 0 to 31: how many oracles transmit in each stage");
    } else if (s.reduce((a: number, b: number) => a + b, 0) === 0) {
      at("schedule", `The schedule lets no oracle transmit; its entries should add up to ${n}`);
    }
  }
  return issues;
}

function validateDataSource(path: string[], ds: unknown): ConfigIssue[] {
  const issue = (message: string, ...more: string[]) => [{ path: [...path, ...more], message }];
  if (!isObject(ds) || typeof ds.type !== "string") {
    return issue('Expected a data source: { type: "fixed" | "sequence" | "randomWalk" | "http" | "function", ... }');
  }
  switch (ds.type) {
    case "fixed":
      return isIntegerLike(ds.value) ? [] : issue("Expected an integer observation value (in the feed's smallest unit)", "value");
    case "sequence":
      return Array.isArray(ds.values) && ds.values.length > 0 && ds.values.every(isIntegerLike)
        ? []
        : issue("Expected a non-empty list of integer observation values", "values");
    case "randomWalk":
      if (!isIntegerLike(ds.start)) return issue("Expected an integer start value", "start");
      if (ds.stepPPB !== undefined && !isNonNegativeInteger(ds.stepPPB)) return issue("Expected a non-negative integer (parts per billion)", "stepPPB");
      if (ds.noisePPB !== undefined && !isNonNegativeInteger(ds.noisePPB)) return issue("Expected a non-negative integer (parts per billion)", "noisePPB");
      return [];
    case "http":
      if (typeof ds.url !== "string" || !/^https?:\/\//.test(ds.url)) return issue("Expected an http(s) URL", "url");
      if (typeof ds.path !== "string") return issue('Expected a JSON path such as "data.price"', "path");
      if (ds.multiplier !== undefined && !isIntegerLike(ds.multiplier)) return issue("Expected an integer multiplier, e.g. 100000000 for 8 decimals", "multiplier");
      if (ds.timeoutMs !== undefined && !(isNonNegativeInteger(ds.timeoutMs) && (ds.timeoutMs as number) > 0)) return issue("Expected a positive number of milliseconds", "timeoutMs");
      if (ds.headers !== undefined && !(isObject(ds.headers) && Object.values(ds.headers).every((v) => typeof v === "string"))) {
        return issue("Expected an object of header names to string values", "headers");
      }
      if (ds.maxResponseBytes !== undefined && !(isNonNegativeInteger(ds.maxResponseBytes) && (ds.maxResponseBytes as number) > 0 && (ds.maxResponseBytes as number) <= MAX_HTTP_RESPONSE_BYTES)) {
        return issue(`Expected a positive whole number of bytes, at most ${MAX_HTTP_RESPONSE_BYTES}`, "maxResponseBytes");
      }
      return [];
    case "function":
      return typeof ds.observe === "function" ? [] : issue("Expected a function (request) => bigint", "observe");
    default:
      return issue(`Unknown data source type ${JSON.stringify(ds.type)}; expected fixed, sequence, randomWalk, http or function`, "type");
  }
}

/**
 * Applies defaults. Call only on a config that `validateOcrUserConfig` accepted.
 * `resolveConfigurationVariable` (from the resolveUserConfig hook) turns each `keySeed` into a
 * lazily read secret; without it `keySeed` is left out of the result.
 */
export function resolveOcrConfig(
  user: OcrUserConfig | undefined,
  resolveConfigurationVariable?: ConfigurationVariableResolver,
): OcrConfig {
  const userFeeds = user?.feeds ?? {};
  const entries = Object.keys(userFeeds).length > 0 ? Object.entries(userFeeds) : [[DEFAULT_FEED_NAME, {}] as const];
  const feeds: Record<string, OcrFeedConfig> = {};
  for (const [name, feed] of entries as [string, OcrFeedUserConfig][]) {
    feeds[name] = resolveFeed(name, feed);
    if (feed.keySeed !== undefined && resolveConfigurationVariable !== undefined) {
      feeds[name].keySeed = resolveConfigurationVariable(feed.keySeed);
    }
  }
  const resolved: OcrConfig = { feeds, defaultFeed: user?.defaultFeed ?? entries[0][0] };
  if (user?.deploymentsDir !== undefined) resolved.deploymentsDir = user.deploymentsDir;
  return resolved;
}

function resolveFeed(name: string, feed: OcrFeedUserConfig): OcrFeedConfig {
  const decimals = feed.decimals ?? 8;
  const oracles = feed.oracles ?? 4;
  const seed = feed.seed ?? name;
  const timing = { ...DEFAULT_TIMING, ...feed.timing };
  const userSources = feed.dataSource;
  const dataSources: DataSourceConfig[] = [];
  for (let i = 0; i < oracles; i++) {
    const ds = Array.isArray(userSources) ? userSources[i] : (userSources as DataSourceUserConfig | undefined);
    dataSources.push(ds === undefined ? defaultDataSource(decimals, seed) : resolveDataSource(ds, seed));
  }
  const userJuels = feed.juelsPerFeeCoin;
  const juelsPerFeeCoin: DataSourceConfig[] = Array.from({ length: oracles }, (_, i) => {
    const ds = Array.isArray(userJuels) ? userJuels[i] : (userJuels as DataSourceUserConfig | undefined);
    return ds === undefined ? { type: "fixed", value: DEFAULT_JUELS_PER_FEE_COIN } : resolveDataSource(ds, seed);
  });
  return {
    name,
    protocol: feed.protocol ?? DEFAULT_PROTOCOL,
    juelsPerFeeCoin,
    description: feed.description ?? name,
    decimals,
    minAnswer: feed.minAnswer !== undefined ? toBigInt(feed.minAnswer)! : 1n,
    maxAnswer: feed.maxAnswer !== undefined ? toBigInt(feed.maxAnswer)! : INT192_MAX,
    oracles,
    faultTolerance: feed.faultTolerance ?? 1,
    alphaPPB: feed.alphaPPB !== undefined ? BigInt(feed.alphaPPB) : 5_000_000n,
    deltaCMs: feed.deltaCMs ?? 86_400_000,
    timing: { ...timing, schedule: timing.schedule ?? Array.from({ length: oracles }, () => 1) },
    dataSources,
    billing: { ...DEFAULT_BILLING, ...feed.billing },
    accessControlled: feed.accessControlled ?? false,
    linkFunding: feed.linkFunding !== undefined ? toBigInt(feed.linkFunding)! : 1000n * 10n ** 18n,
    seed,
    ...(feed.p2pBasePort !== undefined ? { p2pBasePort: feed.p2pBasePort } : {}),
  };
}

/**
 * Without a configured source all oracles watch one simulated market starting at 2000 units
 * (moving up to 0.1 % a round), each with its own noise of up to 0.05 %, so observations differ a
 * little between oracles from the first round on (as real ones do) and the median is visible.
 */
function defaultDataSource(decimals: number, seed: string): DataSourceConfig {
  return { type: "randomWalk", start: 2000n * 10n ** BigInt(decimals), stepPPB: 1_000_000, noisePPB: 500_000, seed: `${seed}/market` };
}

function resolveDataSource(ds: DataSourceUserConfig, seed: string): DataSourceConfig {
  switch (ds.type) {
    case "fixed":
      return { type: "fixed", value: toBigInt(ds.value)! };
    case "sequence":
      return { type: "sequence", values: ds.values.map((v) => toBigInt(v)!), repeatLast: ds.repeatLast ?? true };
    case "randomWalk":
      return { type: "randomWalk", start: toBigInt(ds.start)!, stepPPB: ds.stepPPB ?? 1_000_000, noisePPB: ds.noisePPB ?? 500_000, seed: ds.seed ?? `${seed}/market` };
    case "http":
      return {
        type: "http",
        url: ds.url,
        path: ds.path,
        multiplier: ds.multiplier !== undefined ? toBigInt(ds.multiplier)! : 1n,
        timeoutMs: ds.timeoutMs ?? 5_000,
        ...(ds.headers !== undefined ? { headers: { ...ds.headers } } : {}),
        maxResponseBytes: ds.maxResponseBytes ?? DEFAULT_HTTP_RESPONSE_BYTES,
      };
    case "function":
      return ds;
  }
}
