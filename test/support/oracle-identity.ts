/** An oracle's public identity from its derived keys, as a config lists it. */
import type { OracleIdentity } from "../../plugin/core/config/public-config.js";
import type { OracleKeys } from "../../plugin/core/keys.js";

/** The public half of `keys`: a new object, so no private key travels into a config. */
export function publicIdentity(keys: OracleKeys): OracleIdentity {
  const { signerAddress, transmitterAddress, offchainPublicKey, configEncryptionPublicKey, peerId } = keys;
  return { signerAddress, transmitterAddress, offchainPublicKey, configEncryptionPublicKey, peerId };
}
