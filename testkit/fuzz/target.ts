/**
 * What the fuzzer knows about one deployed feed: the committee's keys and addresses (to build
 * valid calls and pick wrong ones on purpose) and the contract state the reference models need.
 */
import type { ContractProgress, ContractSettings } from "./model.js";

/** A feed of either protocol under fuzzing; the reference models read it as a ContractView. */
export interface FuzzedFeed extends ContractSettings, ContractProgress {
  readonly name: string;
  readonly n: number;
  /** secp256k1 keys of the configured signers, config order. Never printed. */
  readonly signerKeys: readonly Uint8Array[];
  /** Keys of nobody in this config (including another feed's signers). */
  readonly foreignKeys: readonly Uint8Array[];
  /** Lower-case addresses that are not transmitters of this config (owner, strangers, signers, payees, ...). */
  readonly outsiders: readonly string[];
}

/** An OCR1 feed: the OCR1 mutators also sign with transmitter keys and replay the previous digest. */
export interface FuzzTarget extends FuzzedFeed {
  /** Keys of the transmitters: a signature with one is a signature by the wrong role. */
  readonly transmitterKeys: readonly Uint8Array[];
  /** The digest of the config before the current one, if there was one. */
  previousDigest: Uint8Array | null;
}
