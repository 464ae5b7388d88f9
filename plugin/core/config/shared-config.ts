/**
 * What an oracle knows once it has read a ConfigSet and decrypted its copy of the shared
 * secret: the public config, the digest, and the two keys derived from the secret that only
 * committee members can compute (spec §2.2).
 */
import { type Address } from "../address.js";
import { concatBytes } from "../bytes.js";
import { keccak256, utf8Bytes } from "../hash.js";
import { computeConfigDigest } from "./digest.js";
import { type SetConfigArgs, ENCODED_CONFIG_VERSION, decodeEncodedConfig, decryptSharedSecret } from "./encoding.js";
import { type PublicConfig, validatePublicConfig } from "./public-config.js";

export interface SharedConfig extends PublicConfig {
  readonly configDigest: Uint8Array;
  readonly sharedSecret: Uint8Array;
  readonly leaderSelectionKey: Uint8Array;
  readonly transmissionOrderKey: Uint8Array;
}

const LEADER_SELECTION_TAG = utf8Bytes("chainlink offchain reporting v1 leader selection key");
const TRANSMISSION_ORDER_TAG = utf8Bytes("chainlink offchain reporting v1 transmission order key");

function deriveKey(sharedSecret: Uint8Array, tag: Uint8Array): Uint8Array {
  return keccak256(concatBytes(sharedSecret, tag)).slice(0, 16);
}

/** keccak256(secret ‖ "chainlink offchain reporting v1 leader selection key")[0:16]. */
export function deriveLeaderSelectionKey(sharedSecret: Uint8Array): Uint8Array {
  return deriveKey(sharedSecret, LEADER_SELECTION_TAG);
}

/** keccak256(secret ‖ "chainlink offchain reporting v1 transmission order key")[0:16]. */
export function deriveTransmissionOrderKey(sharedSecret: Uint8Array): Uint8Array {
  return deriveKey(sharedSecret, TRANSMISSION_ORDER_TAG);
}

/**
 * What one oracle learns from a ConfigSet: everything public plus the secret it decrypts itself.
 * Throws if the version is not 1, if the per-oracle lists disagree with the signers, if the
 * secret does not decrypt, or (ConfigError) if the config breaks a structural rule.
 * Config encryption public keys are not published on chain, so they are empty here.
 */
export function sharedConfigFromContract(
  args: SetConfigArgs & { contractAddress: Address; configCount: bigint },
  oracleIndex: number,
  configEncryptionKey: Uint8Array,
  options: { chainId?: bigint; devMode?: boolean } = {},
): SharedConfig {
  if (args.encodedConfigVersion !== ENCODED_CONFIG_VERSION) {
    throw new Error(`encodedConfigVersion ${args.encodedConfigVersion} is not supported; OCR1 uses ${ENCODED_CONFIG_VERSION}`);
  }
  const decoded = decodeEncodedConfig(args.encoded);
  const n = args.signers.length;
  if (args.transmitters.length !== n || decoded.offchainPublicKeys.length !== n) {
    throw new Error(
      `config lists ${n} signers, ${args.transmitters.length} transmitters and ` +
        `${decoded.offchainPublicKeys.length} offchain public keys; all must match`,
    );
  }
  const config: PublicConfig = {
    deltaProgressMs: decoded.deltaProgressMs,
    deltaResendMs: decoded.deltaResendMs,
    deltaRoundMs: decoded.deltaRoundMs,
    deltaGraceMs: decoded.deltaGraceMs,
    deltaCMs: decoded.deltaCMs,
    deltaStageMs: decoded.deltaStageMs,
    alphaPPB: decoded.alphaPPB,
    rMax: decoded.rMax,
    s: decoded.s,
    f: args.threshold,
    oracles: args.signers.map((signerAddress, i) => ({
      signerAddress,
      transmitterAddress: args.transmitters[i],
      offchainPublicKey: decoded.offchainPublicKeys[i],
      configEncryptionPublicKey: new Uint8Array(0),
      peerId: decoded.peerIds[i],
    })),
  };
  validatePublicConfig(config, options);
  const sharedSecret = decryptSharedSecret(decoded, oracleIndex, configEncryptionKey);
  return {
    ...config,
    configDigest: computeConfigDigest(args),
    sharedSecret,
    leaderSelectionKey: deriveLeaderSelectionKey(sharedSecret),
    transmissionOrderKey: deriveTransmissionOrderKey(sharedSecret),
  };
}
