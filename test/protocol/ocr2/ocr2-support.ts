/** Fixtures for the OCR2 role tests: a (4,1) committee's config, signed observations and reports. */
import type { OracleKeys } from "../../../plugin/core/keys.js";
import { encodeMedianObservation, MEDIAN_MAX_OBSERVATION_BYTES } from "../../../plugin/core/ocr2/median-codec.js";
import { ocr2ExtraHash, signOcr2Observation } from "../../../plugin/core/ocr2/observation-signature.js";
import { encodeOcr2Report, signOcr2Report } from "../../../plugin/core/ocr2/report.js";
import type { Ocr2AttributedSignedObservation } from "../../../plugin/protocol/ocr2/messages.js";
import { medianMaxReportLength } from "../../../plugin/protocol/ocr2/median-plugin.js";
import type { Ocr2FollowerConfig } from "../../../plugin/protocol/ocr2/report-generation-follower.js";
import { type Ocr2ReportGenerationConfig, ocr2ReportQuorum } from "../../../plugin/protocol/ocr2/report-generation-config.js";
import { committeeKeys, publicKeysOf, signersOf } from "../role-support.js";

export const N = 4;
export const F = 1;
export const EPOCH = 3;
export const DIGEST = Uint8Array.from({ length: 32 }, (_, i) => (i < 2 ? [0, 1][i] : i));
export const EMPTY_QUERY = new Uint8Array(0);
export const keys: OracleKeys[] = committeeKeys(N, "ocr2-role-tests");

export function generationConfig(overrides: Partial<Ocr2ReportGenerationConfig> = {}): Ocr2ReportGenerationConfig {
  return {
    configDigest: DIGEST,
    f: F,
    rMax: 3,
    reportQuorum: ocr2ReportQuorum(N, F, false),
    offchainPublicKeys: publicKeysOf(keys),
    signerAddresses: signersOf(keys),
    limits: { maxQueryLength: 0, maxObservationLength: MEDIAN_MAX_OBSERVATION_BYTES, maxReportLength: medianMaxReportLength(N) },
    deltaRoundMs: 1000,
    deltaGraceMs: 300,
    maxDurationQueryMs: 50,
    maxDurationObservationMs: 60,
    maxDurationReportMs: 70,
    ...overrides,
  };
}

export function followerConfig(ownIndex: number, overrides: Partial<Ocr2ReportGenerationConfig> = {}): Ocr2FollowerConfig {
  return {
    ...generationConfig(overrides),
    ownIndex,
    offchainSigningKey: keys[ownIndex].offchainSigningKey,
    onchainSigningKey: keys[ownIndex].onchainSigningKey,
  };
}

/** A median observation of `value` (timestamp and juels fixed). */
export function observationBytes(value: bigint): Uint8Array {
  return encodeMedianObservation({ timestamp: 1_700_000_000, value, juelsPerFeeCoin: 10n ** 18n });
}

export function signedObservation(observer: number, value: bigint, round = 1, epoch = EPOCH): Ocr2AttributedSignedObservation {
  const observation = observationBytes(value);
  const signature = signOcr2Observation({ configDigest: DIGEST, epoch, round }, EMPTY_QUERY, observation, keys[observer].offchainSigningKey);
  return { observer, signedObservation: { observation, signature } };
}

export function extraHashOf(observations: readonly Ocr2AttributedSignedObservation[]): Uint8Array {
  return ocr2ExtraHash(EMPTY_QUERY, observations.map(({ observer, signedObservation }) => ({ observer, observation: signedObservation.observation })));
}

/** Report bytes of the median plugin for these values, observers in value order. */
export function reportBytes(values: readonly [number, bigint][]): Uint8Array {
  const sorted = [...values].sort(([, a], [, b]) => (a < b ? -1 : a > b ? 1 : 0));
  return encodeOcr2Report({ observationsTimestamp: 1_700_000_000, observers: sorted.map(([o]) => o), observations: sorted.map(([, v]) => v), juelsPerFeeCoin: 10n ** 18n });
}

export function reportSignature(signer: number, report: Uint8Array, extraHash: Uint8Array, round = 1, epoch = EPOCH): Uint8Array {
  return signOcr2Report(report, { configDigest: DIGEST, epoch, round, extraHash }, keys[signer].onchainSigningKey);
}
