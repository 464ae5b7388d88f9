/**
 * What the fuzzer knows about one deployed feed: the committee's keys and addresses (to build
 * valid calls and pick wrong ones on purpose) and the contract state the reference model needs.
 */
import type { ContractView } from "./model.js";

export interface FuzzTarget {
  readonly name: string;
  readonly n: number;
  readonly f: number;
  /** secp256k1 keys of the configured signers, config order. Never printed. */
  readonly signerKeys: readonly Uint8Array[];
  /** Lower-case hex, config order. */
  readonly signers: readonly string[];
  readonly transmitters: readonly string[];
  /** Keys of the transmitters: a signature with one is a signature by the wrong role. */
  readonly transmitterKeys: readonly Uint8Array[];
  /** Keys of nobody in this config (including another feed's signers). */
  readonly foreignKeys: readonly Uint8Array[];
  /** Lower-case addresses that are not transmitters of this config (owner, strangers, signers, payees, ...). */
  readonly outsiders: readonly string[];
  readonly minAnswer: bigint;
  readonly maxAnswer: bigint;
  /** Current config digest (16 bytes). */
  configDigest: Uint8Array;
  /** The digest of the config before the current one, if there was one. */
  previousDigest: Uint8Array | null;
  /** epoch << 8 | round of the latest accepted report; 0 after setConfig. */
  latestEpochAndRound: bigint;
}

export function contractView(target: FuzzTarget): ContractView {
  return {
    configDigest: target.configDigest,
    latestEpochAndRound: target.latestEpochAndRound,
    f: target.f,
    signers: target.signers,
    transmitters: target.transmitters,
    minAnswer: target.minAnswer,
    maxAnswer: target.maxAnswer,
  };
}
