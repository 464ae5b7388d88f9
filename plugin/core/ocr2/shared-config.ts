/**
 * An OCR2 config end to end: the dealer's side (a public config plus the median plugin's
 * settings become setConfig's six arguments, the shared secret encrypted to each oracle) and an
 * oracle's side (a ConfigSet becomes what its protocol instance runs on). Side by side with
 * OCR1's ../config/encoding.ts (dealing) and ../config/shared-config.ts (reading).
 *
 * OCR1 carried deltaC and alpha in its offchain config; OCR2 moves them into the plugin's own
 * config (with a second threshold, alphaAccept), adds the plugin-call time limits, and publishes
 * the answer bounds as the onchainConfig.
 */
import type { Address } from "../address.js";
import { encryptSharedSecret } from "../config/encoding.js";
import { type OracleIdentity, type PublicConfig, sharedOffchainFields } from "../config/public-config.js";
import type { SharedConfig } from "../config/shared-config.js";
import { OCR2_OFFCHAIN_CONFIG_VERSION, decodeMedianOnchainConfig, encodeMedianOnchainConfig } from "./config.js";
import { type MedianPluginConfig, decodeMedianPluginConfig, encodeMedianPluginConfig } from "./median-codec.js";
import { type Ocr2OffchainConfig, decodeOcr2OffchainConfig, encodeOcr2OffchainConfig, ocr2ConfigProblems, ocr2SharedSecretKeys } from "./offchain-config.js";

/** setConfig's arguments on an OCR2 aggregator. */
export interface Ocr2SetConfigArgs {
  readonly signers: Address[];
  readonly transmitters: Address[];
  readonly f: number;
  readonly onchainConfig: Uint8Array;
  readonly offchainConfigVersion: bigint;
  readonly offchainConfig: Uint8Array;
}

/** How long each reporting-plugin call may take. */
export interface Ocr2MaxDurations {
  readonly maxDurationQueryMs: number;
  readonly maxDurationObservationMs: number;
  readonly maxDurationReportMs: number;
  readonly maxDurationShouldAcceptFinalizedReportMs: number;
  readonly maxDurationShouldTransmitAcceptedReportMs: number;
}

/**
 * Plugin-call limits of a dealt config. Generous enough for a data source or an RPC read on a
 * local node; the three report-generation limits together stay below the default DeltaProgress
 * (2 s), as the config rules require.
 */
export const DEFAULT_OCR2_MAX_DURATIONS: Ocr2MaxDurations = {
  maxDurationQueryMs: 100,
  maxDurationObservationMs: 600,
  maxDurationReportMs: 600,
  maxDurationShouldAcceptFinalizedReportMs: 600,
  maxDurationShouldTransmitAcceptedReportMs: 600,
};

/** What OCR2 adds to OCR1's public config when dealing. */
export interface Ocr2DealOptions {
  /** The aggregator's answer bounds (its constructor's min and max; the onchainConfig repeats them). */
  readonly minAnswer: bigint;
  readonly maxAnswer: bigint;
  /** Deviation from the last accepted report that lets a new one through (default: the report threshold). */
  readonly alphaAcceptPPB?: bigint | null;
  readonly maxDurations?: Partial<Ocr2MaxDurations>;
}

/**
 * setConfig's arguments for `config` on an OCR2 aggregator: deltaC and alphaPPB go into the
 * median plugin's config, the timings and keys into the version-2 protobuf, `sharedSecret`
 * encrypted to each oracle with the dealer's randomness. Throws naming every rule it breaks.
 */
export function encodeOcr2SetConfigArgs(config: PublicConfig, options: Ocr2DealOptions, sharedSecret: Uint8Array, dealerRandomness?: Uint8Array): Ocr2SetConfigArgs {
  const median: MedianPluginConfig = {
    alphaReportPPB: config.alphaPPB,
    alphaAcceptPPB: options.alphaAcceptPPB === undefined ? config.alphaPPB : options.alphaAcceptPPB,
    deltaCMs: config.deltaCMs,
  };
  const offchain: Ocr2OffchainConfig = {
    ...sharedOffchainFields(config),
    reportingPluginConfig: encodeMedianPluginConfig(median),
    ...DEFAULT_OCR2_MAX_DURATIONS,
    ...options.maxDurations,
    sharedSecretEncryptions: encryptSharedSecret(
      config.oracles.map((o) => o.configEncryptionPublicKey),
      sharedSecret,
      dealerRandomness,
    ),
  };
  const members = {
    signers: config.oracles.map((o) => o.signerAddress),
    transmitters: config.oracles.map((o) => o.transmitterAddress),
    f: config.f,
    offchainConfigVersion: OCR2_OFFCHAIN_CONFIG_VERSION,
  };
  // Development timings below libocr's resource floors are the caller's choice, as in OCR1's dev mode.
  const problems = ocr2ConfigProblems(members, offchain, { skipResourceCheck: true });
  if (members.f < 1) problems.push(`f = ${members.f}; the OCR2 aggregator needs f >= 1`);
  if (problems.length > 0) throw new Error(`the OCR2 config is invalid: ${problems.join("; ")}`);
  return { ...members, onchainConfig: encodeMedianOnchainConfig(options.minAnswer, options.maxAnswer), offchainConfig: encodeOcr2OffchainConfig(offchain) };
}

/** What one oracle runs under an OCR2 config: OCR1's shared view plus what OCR2 adds. */
export interface Ocr2SharedConfig extends SharedConfig {
  readonly protocol: "ocr2";
  readonly offchain: Ocr2OffchainConfig;
  readonly median: MedianPluginConfig;
  readonly bounds: { readonly min: bigint; readonly max: bigint };
}

/** A ConfigSet's OCR2 arguments, as the engine's ContractConfig carries them. */
export interface Ocr2ContractArgs {
  readonly signers: readonly Address[];
  readonly transmitters: readonly Address[];
  /** f */
  readonly threshold: number;
  readonly onchainConfig?: Uint8Array;
  /** offchainConfigVersion */
  readonly encodedConfigVersion: bigint;
  /** offchainConfig */
  readonly encoded: Uint8Array;
  readonly configDigest: Uint8Array;
}

/** The protocol's durations as an OCR2 config sets them (deltaC lives in the median plugin's config). */
export function ocr2ProtocolTiming(offchain: Ocr2OffchainConfig, median: MedianPluginConfig) {
  return {
    deltaProgressMs: offchain.deltaProgressMs,
    deltaResendMs: offchain.deltaResendMs,
    deltaRoundMs: offchain.deltaRoundMs,
    deltaGraceMs: offchain.deltaGraceMs,
    deltaStageMs: offchain.deltaStageMs,
    deltaCMs: median.deltaCMs,
  };
}

/**
 * Oracle `oracleIndex`'s view of an OCR2 ConfigSet: the protobuf decoded and checked with every
 * rule a node applies, the plugin config and bounds parsed, its copy of the secret decrypted.
 * Throws with every problem found.
 */
export function ocr2SharedConfigFromContract(args: Ocr2ContractArgs, oracleIndex: number, configEncryptionKey: Uint8Array, options: { devMode?: boolean } = {}): Ocr2SharedConfig {
  const offchain = decodeOcr2OffchainConfig(args.encoded);
  const members = { signers: args.signers, transmitters: args.transmitters, f: args.threshold, offchainConfigVersion: args.encodedConfigVersion };
  const problems = ocr2ConfigProblems(members, offchain, { skipResourceCheck: options.devMode ?? false });
  if (problems.length > 0) throw new Error(`the OCR2 config is invalid: ${problems.join("; ")}`);
  if (args.onchainConfig === undefined) throw new Error("the OCR2 config has no onchainConfig");
  const bounds = decodeMedianOnchainConfig(args.onchainConfig);
  const median = decodeMedianPluginConfig(offchain.reportingPluginConfig);
  const keys = ocr2SharedSecretKeys(offchain, oracleIndex, configEncryptionKey);
  const oracles: OracleIdentity[] = args.signers.map((signerAddress, i) => ({
    signerAddress,
    transmitterAddress: args.transmitters[i],
    offchainPublicKey: offchain.offchainPublicKeys[i],
    configEncryptionPublicKey: new Uint8Array(0),
    peerId: offchain.peerIds[i],
  }));
  return {
    protocol: "ocr2",
    ...ocr2ProtocolTiming(offchain, median),
    alphaPPB: median.alphaReportPPB ?? 0n,
    rMax: offchain.rMax,
    s: offchain.s,
    f: args.threshold,
    oracles,
    configDigest: args.configDigest,
    ...keys,
    offchain,
    median,
    bounds,
  };
}

export function isOcr2SharedConfig(config: SharedConfig): config is Ocr2SharedConfig {
  return (config as Partial<Ocr2SharedConfig>).protocol === "ocr2";
}
