/**
 * Build a data source from a plain description, as found in a user's Hardhat config. The shape
 * mirrors the plugin's `DataSourceConfig` (plugin/types.ts) structurally, so the plugin can pass
 * its resolved config straight through without this folder depending on the plugin.
 */
import { type DataSource, type ObservationRequest } from "./data-source.js";
import { httpJson } from "./http-json.js";
import { seededRandomWalk } from "./random-walk.js";
import { fixedValue, fromFunction, scriptedSequence } from "./simple.js";

export type DataSourceSpec =
  | { readonly type: "fixed"; readonly value: bigint }
  | { readonly type: "sequence"; readonly values: readonly bigint[]; readonly repeatLast?: boolean }
  | {
      readonly type: "randomWalk";
      readonly start: bigint;
      readonly stepPPB: number | bigint;
      readonly seed: string | number | bigint;
      readonly noisePPB?: number | bigint;
    }
  | {
      readonly type: "http";
      readonly url: string;
      readonly path: string;
      readonly multiplier?: string | number | bigint;
      readonly timeoutMs?: number;
      readonly headers?: Readonly<Record<string, string>>;
      readonly maxResponseBytes?: number;
    }
  | {
      readonly type: "function";
      readonly observe: (request: ObservationRequest) => bigint | Promise<bigint>;
    };

export function dataSourceFromSpec(spec: DataSourceSpec): DataSource {
  switch (spec.type) {
    case "fixed":
      return fixedValue(spec.value);
    case "sequence":
      return scriptedSequence(spec.values, { repeatLast: spec.repeatLast });
    case "randomWalk":
      return seededRandomWalk({
        seed: spec.seed,
        start: spec.start,
        stepPPB: BigInt(spec.stepPPB),
        noisePPB: spec.noisePPB === undefined ? undefined : BigInt(spec.noisePPB),
      });
    case "http":
      return httpJson({
        url: spec.url,
        path: spec.path,
        multiplier: spec.multiplier,
        timeoutMs: spec.timeoutMs,
        headers: spec.headers,
        maxResponseBytes: spec.maxResponseBytes,
      });
    case "function":
      return fromFunction(spec.observe);
  }
}
