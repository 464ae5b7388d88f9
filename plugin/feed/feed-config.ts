/**
 * Turning a configured feed plus call-site overrides (`deployFeed(name, options)`) into one
 * complete feed config, with the same validation and defaults as the `ocr` config section.
 */
import { HardhatPluginError } from "hardhat/plugins";

import { MAX_OBSERVATION, MIN_OBSERVATION } from "../core/report.js";

import { resolveOcrConfig, validateOcrUserConfig } from "../config.js";
import { PLUGIN_ID } from "../constants.js";
import type { DataSourceConfig, DataSourceUserConfig, OcrConfig, OcrFeedConfig, OcrFeedUserConfig } from "../types.js";

/** Re-exported for modules that import it from here; plugin/constants.ts defines it. */
export { PLUGIN_ID };

/** Throw a user-facing error for every issue `validateOcrUserConfig` found under `where`. */
function throwIfInvalid(userConfig: OcrFeedUserConfig, name: string, where: string): void {
  const issues = validateOcrUserConfig({ feeds: { [name]: userConfig } });
  if (issues.length === 0) return;
  const lines = issues.map((i) => `  * ${i.path.slice(3).join(".") || "(feed)"}: ${i.message}`);
  throw new HardhatPluginError(PLUGIN_ID, `Invalid ${where} for feed "${name}":\n${lines.join("\n")}`);
}

/** The configured feed called `name` (the default feed when omitted). */
export function configuredFeed(config: OcrConfig, name: string | undefined): OcrFeedConfig | undefined {
  return config.feeds[name ?? config.defaultFeed];
}

/**
 * `base` with `options` applied. A feed name that is not in the config starts from the
 * defaults. Fields not given keep the base's values; when the oracle count changes, per-oracle
 * lists (data sources, the default schedule) are rebuilt for the new count.
 */
export function mergeFeedOptions(name: string, base: OcrFeedConfig | undefined, options: OcrFeedUserConfig = {}): OcrFeedConfig {
  if (base === undefined) {
    throwIfInvalid(options, name, "options");
    return resolveOcrConfig({ feeds: { [name]: options } }).feeds[name];
  }
  const n = options.oracles ?? base.oracles;
  const oracleCountChanged = n !== base.oracles;
  const { schedule: baseSchedule, ...baseTiming } = base.timing;
  const timing = {
    ...baseTiming,
    ...(oracleCountChanged ? {} : { schedule: baseSchedule }),
    ...options.timing,
  };
  // Validate the combination: an override alone (e.g. f = 2) may only make sense with the base's n.
  const combined: OcrFeedUserConfig = {
    ...options,
    oracles: n,
    faultTolerance: options.faultTolerance ?? base.faultTolerance,
    timing,
    seed: options.seed ?? base.seed,
    decimals: options.decimals ?? base.decimals,
    minAnswer: options.minAnswer ?? base.minAnswer,
    maxAnswer: options.maxAnswer ?? base.maxAnswer,
  };
  throwIfInvalid(combined, name, "options");
  const resolved = resolveOcrConfig({ feeds: { [name]: combined } }).feeds[name];

  const dataSources: DataSourceConfig[] =
    options.dataSource !== undefined
      ? [...resolved.dataSources]
      : resolved.dataSources.map((fallback, i) => base.dataSources[i] ?? fallback);
  return {
    ...resolved,
    description: options.description ?? base.description,
    alphaPPB: options.alphaPPB !== undefined ? resolved.alphaPPB : base.alphaPPB,
    deltaCMs: options.deltaCMs ?? base.deltaCMs,
    billing: { ...base.billing, ...options.billing },
    accessControlled: options.accessControlled ?? base.accessControlled,
    linkFunding: options.linkFunding !== undefined ? resolved.linkFunding : base.linkFunding,
    dataSources,
    protocol: options.protocol ?? base.protocol,
    juelsPerFeeCoin:
      options.juelsPerFeeCoin !== undefined ? [...resolved.juelsPerFeeCoin] : resolved.juelsPerFeeCoin.map((fallback, i) => base.juelsPerFeeCoin[i] ?? fallback),
    // The secret stays with the configured feed; options cannot carry a configuration variable.
    ...(base.keySeed !== undefined ? { keySeed: base.keySeed } : {}),
  };
}

/** Resolve one data source as the config section would for oracle `oracle` of a feed seeded `seed`. */
export function resolveDataSource(source: DataSourceUserConfig, oracle: number, n: number, f: number, seed: string): DataSourceConfig {
  const feed: OcrFeedUserConfig = { oracles: n, faultTolerance: f, seed, dataSource: source };
  throwIfInvalid(feed, "data source", `data source for oracle ${oracle}`);
  return resolveOcrConfig({ feeds: { source: feed } }).feeds.source.dataSources[oracle];
}

/** Observation values from the API: bigint, safe integer or decimal string. */
export function toObservation(value: bigint | number | string, what: string): bigint {
  const integer =
    typeof value === "bigint"
      ? value
      : typeof value === "number" && Number.isSafeInteger(value)
        ? BigInt(value)
        : typeof value === "string" && /^-?\d+$/.test(value.trim())
          ? BigInt(value.trim())
          : undefined;
  if (integer !== undefined) {
    if (integer < MIN_OBSERVATION || integer > MAX_OBSERVATION) {
      throw new HardhatPluginError(
        PLUGIN_ID,
        `${what} is ${integer}, which does not fit in int192 (the report's observation type): use a value from -2^191 to 2^191 - 1, in the feed's smallest unit`,
      );
    }
    return integer;
  }
  throw new HardhatPluginError(
    PLUGIN_ID,
    `${what} must be an integer in the feed's smallest unit (bigint, safe integer or decimal string), got ${String(value)}`,
  );
}
