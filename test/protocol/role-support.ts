/** Shared fixtures for the protocol unit tests: deterministic keys and output collectors. */
import type { Address } from "../../plugin/core/address.js";
import { type OracleKeys, deriveOracleKeys } from "../../plugin/core/keys.js";
import { signObservation } from "../../plugin/core/observation.js";
import { type AttributedObservation, type ReportContext, encodeReport, signReport } from "../../plugin/core/report.js";
import type { AttributedSignedObservation } from "../../plugin/protocol/messages.js";
import type { ReportGenerationConfig } from "../../plugin/protocol/report-generation-config.js";

export const DIGEST = Uint8Array.from({ length: 16 }, (_, i) => i + 1);

export function committeeKeys(n: number, seed = "protocol-unit-tests"): OracleKeys[] {
  return Array.from({ length: n }, (_, i) => deriveOracleKeys(seed, i));
}

export function signersOf(keys: readonly OracleKeys[]): Address[] {
  return keys.map((k) => k.signerAddress);
}

export function publicKeysOf(keys: readonly OracleKeys[]): Uint8Array[] {
  return keys.map((k) => k.offchainPublicKey);
}

/** The config the leader and the followers of an epoch share, for a committee with `keys` and config digest DIGEST. */
export function reportGenerationConfig(keys: readonly OracleKeys[], { f, rMax }: { f: number; rMax: number }): ReportGenerationConfig {
  return { configDigest: DIGEST, f, rMax, offchainPublicKeys: publicKeysOf(keys), signerAddresses: signersOf(keys) };
}

/** Collects a role's outputs so a test can inspect and clear them. */
export class Outbox<T extends { kind: string }> {
  items: T[] = [];
  readonly emit = (output: T): void => {
    this.items.push(output);
  };
  ofKind<K extends T["kind"]>(kind: K): Extract<T, { kind: K }>[] {
    return this.items.filter((o) => o.kind === kind) as Extract<T, { kind: K }>[];
  }
  clear(): void {
    this.items = [];
  }
}

export function signedObservation(
  keys: readonly OracleKeys[],
  context: ReportContext,
  observer: number,
  value: bigint,
): AttributedSignedObservation {
  return { observer, value, signature: signObservation(context, value, keys[observer].offchainSigningKey) };
}

export function reportSignature(
  keys: readonly OracleKeys[],
  context: ReportContext,
  observations: readonly AttributedObservation[],
  signer: number,
): Uint8Array {
  return signReport(encodeReport(context, observations), keys[signer].onchainSigningKey);
}
