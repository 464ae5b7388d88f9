/**
 * The median reporting plugin's two protobuf payloads (ocr2-spec §3.9): its config, carried in
 * the offchainConfig's reporting_plugin_config, and the observation each oracle signs and sends.
 */
import { bytesToIntBE, intToBytesBE } from "../bytes.js";
import { msToNs, nsToMs } from "../config/encoding.js";
import {
  NUMERICAL_MEDIAN_CONFIG_PROTO,
  NUMERICAL_MEDIAN_OBSERVATION_PROTO,
  type NumericalMedianConfigFields,
  type NumericalMedianObservationFields,
  decodeProto,
  encodeProto,
} from "./protobuf.js";
import { INT192_MAX, INT192_MIN } from "./report.js";

/** Bytes of one encoded int192 value (big-endian two's complement). */
export const MEDIAN_VALUE_BYTES = 24;
/** The longest observation the plugin accepts: 4 + 3·24 + 16 bytes of protobuf framing. */
export const MEDIAN_MAX_OBSERVATION_BYTES = 4 + 3 * MEDIAN_VALUE_BYTES + 16;

/** When a new median is worth reporting, accepting and transmitting. */
export interface MedianPluginConfig {
  /** Deviation (parts per billion) that triggers a report; null: never on deviation. */
  readonly alphaReportPPB: bigint | null;
  /** Deviation from the last accepted report that accepts a new one; null: never on deviation. */
  readonly alphaAcceptPPB: bigint | null;
  /** Heartbeat: report when the latest on-chain answer is older than this. */
  readonly deltaCMs: number;
}

const INT64_MAX = (1n << 63n) - 1n;

export function encodeMedianPluginConfig(config: MedianPluginConfig): Uint8Array {
  const deltaC = msToNs(config.deltaCMs);
  if (deltaC < 0n || deltaC > INT64_MAX) throw new RangeError(`deltaC ${config.deltaCMs} ms is not a non-negative duration`);
  for (const [name, v] of [["alphaReportPPB", config.alphaReportPPB], ["alphaAcceptPPB", config.alphaAcceptPPB]] as const) {
    if (v !== null && (v < 0n || v >= 1n << 64n)) throw new RangeError(`${name} ${v} is not a uint64`);
  }
  const fields: NumericalMedianConfigFields = {
    alphaReportInfinite: config.alphaReportPPB === null,
    alphaReportPpb: config.alphaReportPPB ?? 0n,
    alphaAcceptInfinite: config.alphaAcceptPPB === null,
    alphaAcceptPpb: config.alphaAcceptPPB ?? 0n,
    deltaCNanoseconds: deltaC,
  };
  return encodeProto(NUMERICAL_MEDIAN_CONFIG_PROTO, fields);
}

/** Parse reporting_plugin_config. deltaC must fit a Go int64 duration, as the plugin checks. */
export function decodeMedianPluginConfig(bytes: Uint8Array): MedianPluginConfig {
  let f: NumericalMedianConfigFields;
  try {
    f = decodeProto<NumericalMedianConfigFields>(NUMERICAL_MEDIAN_CONFIG_PROTO, bytes);
  } catch (error) {
    throw new Error(`reporting_plugin_config is not a NumericalMedianConfigProto: ${(error as Error).message}`);
  }
  if (f.deltaCNanoseconds > INT64_MAX) throw new Error(`deltaC ${f.deltaCNanoseconds} ns is negative as a duration`);
  return {
    alphaReportPPB: f.alphaReportInfinite ? null : f.alphaReportPpb,
    alphaAcceptPPB: f.alphaAcceptInfinite ? null : f.alphaAcceptPpb,
    deltaCMs: nsToMs(f.deltaCNanoseconds),
  };
}

/** What one oracle observed: its value, the fee-coin rate, and its own clock when it looked. */
export interface MedianObservation {
  /** uint32 Unix seconds from the observer's clock. */
  readonly timestamp: number;
  readonly value: bigint;
  readonly juelsPerFeeCoin: bigint;
}

/** int192 as 24 bytes big-endian two's complement. */
export function encodeMedianValue(name: string, value: bigint): Uint8Array {
  if (value < INT192_MIN || value > INT192_MAX) throw new RangeError(`${name} ${value} does not fit in int192`);
  return intToBytesBE(value, MEDIAN_VALUE_BYTES);
}

function decodeMedianValue(name: string, bytes: Uint8Array): bigint {
  if (bytes.length !== MEDIAN_VALUE_BYTES) throw new Error(`${name} is ${bytes.length} bytes; an int192 is ${MEDIAN_VALUE_BYTES}`);
  return bytesToIntBE(bytes);
}

export function encodeMedianObservation(observation: MedianObservation): Uint8Array {
  const { timestamp } = observation;
  if (!Number.isInteger(timestamp) || timestamp < 0 || timestamp > 0xffffffff) throw new RangeError(`timestamp ${timestamp} is not a uint32`);
  const fields: Omit<NumericalMedianObservationFields, "gasPriceSubunits"> = {
    timestamp,
    value: encodeMedianValue("value", observation.value),
    juelsPerFeeCoin: encodeMedianValue("juelsPerFeeCoin", observation.juelsPerFeeCoin),
  };
  return encodeProto(NUMERICAL_MEDIAN_OBSERVATION_PROTO, fields);
}

/** Parse one observation; throws naming what is wrong (the plugin drops such observations). */
export function decodeMedianObservation(bytes: Uint8Array): MedianObservation {
  if (bytes.length > MEDIAN_MAX_OBSERVATION_BYTES) throw new Error(`observation is ${bytes.length} bytes; at most ${MEDIAN_MAX_OBSERVATION_BYTES}`);
  let f: NumericalMedianObservationFields;
  try {
    f = decodeProto<NumericalMedianObservationFields>(NUMERICAL_MEDIAN_OBSERVATION_PROTO, bytes);
  } catch (error) {
    throw new Error(`not a NumericalMedianObservationProto: ${(error as Error).message}`);
  }
  return {
    timestamp: f.timestamp,
    value: decodeMedianValue("value", f.value),
    juelsPerFeeCoin: decodeMedianValue("juelsPerFeeCoin", f.juelsPerFeeCoin),
  };
}
