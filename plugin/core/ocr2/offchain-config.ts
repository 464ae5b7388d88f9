/**
 * OCR2's offchainConfig (offchainConfigVersion 2): the protobuf OffchainConfigProto with the
 * protocol's timing, the oracles' off-chain keys and peer ids, the reporting plugin's own config,
 * the plugin-call time limits and the shared secret encrypted to each oracle (ocr2-spec §3.8).
 *
 * The shared secret is dealt exactly as in OCR1 (X25519 to each oracle, one AES-128 block each,
 * keccak256 check hash, "v1" key-derivation tags), so this module reuses OCR1's functions and
 * only changes the envelope they travel in.
 */
import type { Address } from "../address.js";
import { bytesToHex } from "../bytes.js";
import { type SharedSecretEncryptions, decryptSharedSecret, msToNs, nsToMs } from "../config/encoding.js";
import { deriveLeaderSelectionKey, deriveTransmissionOrderKey } from "../config/shared-config.js";
import { OCR2_OFFCHAIN_CONFIG_VERSION } from "./config.js";
import { OCR2_MAX_ORACLES } from "./report.js";
import { OFFCHAIN_CONFIG_PROTO, type OffchainConfigFields, decodeProto, encodeProto } from "./protobuf.js";

/** Nodes refuse an offchainConfig longer than this. */
export const MAX_OCR2_OFFCHAIN_CONFIG_BYTES = 2_000_000;
/** S has fewer entries than this. */
export const OCR2_MAX_SCHEDULE_ENTRIES = 1000;
/** Below these, libocr's resource check refuses a config (it can be skipped in development). */
export const OCR2_MIN_DELTA_PROGRESS_MS = 200;
export const OCR2_MIN_DELTA_RESEND_MS = 200;

/** Every field of OffchainConfigProto, durations in milliseconds. */
export interface Ocr2OffchainConfig {
  readonly deltaProgressMs: number;
  readonly deltaResendMs: number;
  readonly deltaRoundMs: number;
  readonly deltaGraceMs: number;
  readonly deltaStageMs: number;
  readonly rMax: number;
  readonly s: readonly number[];
  /** Ed25519 public keys (32 bytes), oracle order. */
  readonly offchainPublicKeys: readonly Uint8Array[];
  /** "12D3KooW…" peer ids, oracle order. */
  readonly peerIds: readonly string[];
  /** The reporting plugin's config; for the median plugin a NumericalMedianConfigProto. */
  readonly reportingPluginConfig: Uint8Array;
  readonly maxDurationQueryMs: number;
  readonly maxDurationObservationMs: number;
  readonly maxDurationReportMs: number;
  readonly maxDurationShouldAcceptFinalizedReportMs: number;
  readonly maxDurationShouldTransmitAcceptedReportMs: number;
  readonly sharedSecretEncryptions: SharedSecretEncryptions;
  /** Absent: each node uses its local default. */
  readonly maxDurationInitializationMs?: number;
}

/** The protobuf bytes, fields in number order with zero scalars omitted (as Go writes them). */
export function encodeOcr2OffchainConfig(config: Ocr2OffchainConfig): Uint8Array {
  const e = config.sharedSecretEncryptions;
  const fields: OffchainConfigFields = {
    deltaProgressNanoseconds: msToNs(config.deltaProgressMs),
    deltaResendNanoseconds: msToNs(config.deltaResendMs),
    deltaRoundNanoseconds: msToNs(config.deltaRoundMs),
    deltaGraceNanoseconds: msToNs(config.deltaGraceMs),
    deltaStageNanoseconds: msToNs(config.deltaStageMs),
    rMax: config.rMax,
    s: [...config.s],
    offchainPublicKeys: [...config.offchainPublicKeys],
    peerIds: [...config.peerIds],
    reportingPluginConfig: config.reportingPluginConfig,
    maxDurationQueryNanoseconds: msToNs(config.maxDurationQueryMs),
    maxDurationObservationNanoseconds: msToNs(config.maxDurationObservationMs),
    maxDurationReportNanoseconds: msToNs(config.maxDurationReportMs),
    maxDurationShouldAcceptFinalizedReportNanoseconds: msToNs(config.maxDurationShouldAcceptFinalizedReportMs),
    maxDurationShouldTransmitAcceptedReportNanoseconds: msToNs(config.maxDurationShouldTransmitAcceptedReportMs),
    sharedSecretEncryptions: {
      diffieHellmanPoint: e.diffieHellmanPoint,
      sharedSecretHash: e.sharedSecretHash,
      encryptions: [...e.encryptions],
    },
    ...(config.maxDurationInitializationMs !== undefined
      ? { maxDurationInitializationNanoseconds: msToNs(config.maxDurationInitializationMs) }
      : {}),
  };
  if (fields.rMax < 0 || fields.rMax > 0xffffffff || !Number.isInteger(fields.rMax)) {
    throw new RangeError(`rMax ${config.rMax} is not a uint32`);
  }
  for (const [name, ns] of Object.entries(fields)) {
    if (typeof ns === "bigint" && (ns < 0n || ns >= 1n << 63n)) throw new RangeError(`${name} ${ns} is not a non-negative int64 duration`);
  }
  return encodeProto(OFFCHAIN_CONFIG_PROTO, fields);
}

/** Parse the protobuf bytes. Structural rules are checked separately (validateOcr2Config). */
export function decodeOcr2OffchainConfig(bytes: Uint8Array): Ocr2OffchainConfig {
  if (bytes.length > MAX_OCR2_OFFCHAIN_CONFIG_BYTES) {
    throw new Error(`offchainConfig is ${bytes.length} bytes; nodes accept at most ${MAX_OCR2_OFFCHAIN_CONFIG_BYTES}`);
  }
  let f: OffchainConfigFields;
  try {
    f = decodeProto<OffchainConfigFields>(OFFCHAIN_CONFIG_PROTO, bytes);
  } catch (error) {
    throw new Error(`offchainConfig is not a valid OffchainConfigProto: ${(error as Error).message}`);
  }
  for (const [name, value] of Object.entries(f)) {
    // uint64 on the wire, but Go reads each as a time.Duration (int64): the top bit makes it negative.
    if (typeof value === "bigint" && value >= 1n << 63n) throw new Error(`offchainConfig ${name} = ${value} is a negative duration`);
  }
  const e = f.sharedSecretEncryptions ?? { diffieHellmanPoint: new Uint8Array(0), sharedSecretHash: new Uint8Array(0), encryptions: [] };
  return {
    deltaProgressMs: nsToMs(f.deltaProgressNanoseconds),
    deltaResendMs: nsToMs(f.deltaResendNanoseconds),
    deltaRoundMs: nsToMs(f.deltaRoundNanoseconds),
    deltaGraceMs: nsToMs(f.deltaGraceNanoseconds),
    deltaStageMs: nsToMs(f.deltaStageNanoseconds),
    rMax: f.rMax,
    s: f.s,
    offchainPublicKeys: f.offchainPublicKeys,
    peerIds: f.peerIds,
    reportingPluginConfig: f.reportingPluginConfig,
    maxDurationQueryMs: nsToMs(f.maxDurationQueryNanoseconds),
    maxDurationObservationMs: nsToMs(f.maxDurationObservationNanoseconds),
    maxDurationReportMs: nsToMs(f.maxDurationReportNanoseconds),
    maxDurationShouldAcceptFinalizedReportMs: nsToMs(f.maxDurationShouldAcceptFinalizedReportNanoseconds),
    maxDurationShouldTransmitAcceptedReportMs: nsToMs(f.maxDurationShouldTransmitAcceptedReportNanoseconds),
    sharedSecretEncryptions: {
      diffieHellmanPoint: e.diffieHellmanPoint,
      sharedSecretHash: e.sharedSecretHash,
      encryptions: e.encryptions,
    },
    ...(f.maxDurationInitializationNanoseconds !== undefined
      ? { maxDurationInitializationMs: nsToMs(f.maxDurationInitializationNanoseconds) }
      : {}),
  };
}

/** What setConfig publishes besides the offchainConfig bytes. */
export interface Ocr2ConfigMembers {
  readonly signers: readonly Address[];
  readonly transmitters: readonly Address[];
  readonly f: number;
  readonly offchainConfigVersion: bigint;
}

/**
 * Every problem a node would find in this config (libocr's public-config checks), as messages
 * naming the rule; empty when it is acceptable. `skipResourceCheck` lifts the 200 ms floors on
 * DeltaProgress and DeltaResend, as libocr's development mode does.
 */
export function ocr2ConfigProblems(
  members: Ocr2ConfigMembers,
  config: Ocr2OffchainConfig,
  options: { skipResourceCheck?: boolean } = {},
): string[] {
  const problems: string[] = [];
  const n = members.signers.length;
  if (members.offchainConfigVersion !== OCR2_OFFCHAIN_CONFIG_VERSION) {
    problems.push(`offchainConfigVersion is ${members.offchainConfigVersion}; OCR2 uses ${OCR2_OFFCHAIN_CONFIG_VERSION}`);
  }
  const lists: [string, number][] = [
    ["transmitters", members.transmitters.length],
    ["offchain public keys", config.offchainPublicKeys.length],
    ["peer ids", config.peerIds.length],
    ["shared secret encryptions", config.sharedSecretEncryptions.encryptions.length],
  ];
  for (const [name, length] of lists) {
    if (length !== n) problems.push(`config lists ${n} signers but ${length} ${name}; give one per oracle`);
  }
  const duplicates: [string, readonly (string | Uint8Array)[]][] = [
    ["signer", members.signers.map((a) => a.toLowerCase())],
    ["transmitter", members.transmitters.map((a) => a.toLowerCase())],
    ["peer id", config.peerIds],
    ["offchain public key", config.offchainPublicKeys.map(bytesToHex)],
  ];
  for (const [name, values] of duplicates) {
    if (new Set(values as string[]).size !== values.length) problems.push(`a ${name} appears twice; each oracle needs its own`);
  }
  config.offchainPublicKeys.forEach((k, i) => {
    if (k.length !== 32) problems.push(`offchain public key ${i} is ${k.length} bytes; Ed25519 keys are 32`);
  });
  config.sharedSecretEncryptions.encryptions.forEach((c, i) => {
    if (c.length !== 16) problems.push(`shared secret encryption ${i} is ${c.length} bytes; each is one 16-byte AES block`);
  });
  for (const [name, v] of [
    ["diffieHellmanPoint", config.sharedSecretEncryptions.diffieHellmanPoint],
    ["sharedSecretHash", config.sharedSecretEncryptions.sharedSecretHash],
  ] as const) {
    if (v.length !== 32) problems.push(`${name} is ${v.length} bytes; it must be 32`);
  }
  if (!Number.isInteger(members.f) || members.f < 0 || !(3 * members.f < n) || n > OCR2_MAX_ORACLES) {
    problems.push(`f = ${members.f} with n = ${n} oracles breaks 0 <= f and 3f < n <= ${OCR2_MAX_ORACLES}`);
  }
  if (!(config.deltaRoundMs < config.deltaProgressMs)) {
    problems.push(`DeltaRound (${config.deltaRoundMs} ms) must be less than DeltaProgress (${config.deltaProgressMs} ms)`);
  }
  const reportGenerationMs = config.maxDurationQueryMs + config.maxDurationObservationMs + config.maxDurationReportMs;
  if (!(reportGenerationMs < config.deltaProgressMs)) {
    problems.push(
      `MaxDurationQuery + MaxDurationObservation + MaxDurationReport (${reportGenerationMs} ms) must be less than DeltaProgress (${config.deltaProgressMs} ms)`,
    );
  }
  if (!(config.rMax > 0 && config.rMax < 255)) problems.push(`rMax ${config.rMax} must satisfy 0 < rMax < 255`);
  if (config.s.length >= OCR2_MAX_SCHEDULE_ENTRIES) problems.push(`S has ${config.s.length} entries; fewer than ${OCR2_MAX_SCHEDULE_ENTRIES} are allowed`);
  config.s.forEach((x, i) => {
    if (x < 0 || x > OCR2_MAX_ORACLES) problems.push(`S[${i}] = ${x} is outside [0, ${OCR2_MAX_ORACLES}]`);
  });
  if (!options.skipResourceCheck) {
    if (config.deltaProgressMs < OCR2_MIN_DELTA_PROGRESS_MS) problems.push(`DeltaProgress ${config.deltaProgressMs} ms is below ${OCR2_MIN_DELTA_PROGRESS_MS} ms`);
    if (config.deltaResendMs < OCR2_MIN_DELTA_RESEND_MS) problems.push(`DeltaResend ${config.deltaResendMs} ms is below ${OCR2_MIN_DELTA_RESEND_MS} ms`);
  }
  return problems;
}

/** The secret-derived keys one oracle learns from a version-2 config. */
export interface Ocr2SharedSecretKeys {
  readonly sharedSecret: Uint8Array;
  readonly leaderSelectionKey: Uint8Array;
  readonly transmissionOrderKey: Uint8Array;
}

/**
 * Oracle `oracleIndex` decrypts its copy of the shared secret (OCR1's scheme) and derives the
 * leader-selection and transmission-order keys. Throws when the key or index is wrong.
 */
export function ocr2SharedSecretKeys(config: Ocr2OffchainConfig, oracleIndex: number, configEncryptionKey: Uint8Array): Ocr2SharedSecretKeys {
  const sharedSecret = decryptSharedSecret(config, oracleIndex, configEncryptionKey);
  return {
    sharedSecret,
    leaderSelectionKey: deriveLeaderSelectionKey(sharedSecret),
    transmissionOrderKey: deriveTransmissionOrderKey(sharedSecret),
  };
}
