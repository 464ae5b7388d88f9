import type { Address } from "../core/address.js";
import type { SignatureChecks } from "./signature-checks.js";

/** What the leader and the followers of an epoch both know of the config. */
export interface ReportGenerationConfig {
  readonly configDigest: Uint8Array;
  readonly f: number;
  readonly rMax: number;
  /** Ed25519 public keys by oracle index. */
  readonly offchainPublicKeys: readonly Uint8Array[];
  /** On-chain signer addresses by oracle index. */
  readonly signerAddresses: readonly Address[];
  /** The signature checks to run (default: the real ones; see signature-checks.ts). */
  readonly checks?: SignatureChecks;
}
