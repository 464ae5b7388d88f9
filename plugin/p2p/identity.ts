/**
 * An oracle's P2P identity: the Ed25519 key its transport authenticates with. It is separate
 * from the four protocol keys (a Chainlink node keeps its P2P key apart from its OCR keys too),
 * so the transport never holds a key that signs observations or reports. Its peer id, in the
 * usual `12D3KooW...` form, is what the contract config lists for the oracle and what every
 * other oracle checks a connection against.
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { randomBytes } from "@noble/hashes/utils.js";

import { type OracleKeys, deriveOracleKeys, peerIdFromEd25519PublicKey } from "../core/keys.js";

/** An Ed25519 secret key is its 32-byte seed (RFC 8032). */
export const P2P_SECRET_KEY_BYTES = 32;

export interface P2PIdentity {
  /** Ed25519 secret (32-byte seed). Never print it. */
  readonly secretKey: Uint8Array;
  /** 32 bytes. */
  readonly publicKey: Uint8Array;
  /** libp2p peer id of the public key ("12D3KooW..."). */
  readonly peerId: string;
}

export function p2pIdentityFromSecretKey(secretKey: Uint8Array): P2PIdentity {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== P2P_SECRET_KEY_BYTES) {
    throw new TypeError(`a P2P secret key is ${P2P_SECRET_KEY_BYTES} bytes (an Ed25519 seed)`);
  }
  const publicKey = ed25519.getPublicKey(secretKey);
  return { secretKey, publicKey, peerId: peerIdFromEd25519PublicKey(publicKey) };
}

/** The P2P identity in an oracle's key set; its peer id is `keys.peerId`. */
export function p2pIdentityOf(keys: OracleKeys): P2PIdentity {
  return p2pIdentityFromSecretKey(keys.p2pSecretKey);
}

/**
 * The P2P identity of oracle `oracleIndex` derived from `seed` (bytes, or a string taken as
 * UTF-8): the one `deriveOracleKeys(seed, oracleIndex)` holds, so the same seed and index always
 * give the same identity. As with the protocol keys, anyone who knows the seed knows the secret.
 */
export function deriveP2PIdentity(seed: Uint8Array | string, oracleIndex: number): P2PIdentity {
  return p2pIdentityOf(deriveOracleKeys(seed, oracleIndex));
}

/** A fresh identity from the platform CSPRNG. */
export function generateP2PIdentity(): P2PIdentity {
  return p2pIdentityFromSecretKey(randomBytes(P2P_SECRET_KEY_BYTES));
}
