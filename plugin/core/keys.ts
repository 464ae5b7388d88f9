/**
 * The four key pairs an OCR1 oracle holds (spec §2.1), plus the Ed25519 identity its P2P
 * transport authenticates with, either derived deterministically from a seed (reproducible local
 * committees and tests) or generated at random.
 */
import { randomBytes } from "@noble/hashes/utils.js";
import { ed25519, x25519 } from "@noble/curves/ed25519.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";

import { type Address, addressFromPrivateKey } from "./address.js";
import { bytesToUintBE, concatBytes, uintToBytesBE } from "./bytes.js";
import { keccak256, utf8Bytes } from "./hash.js";

export interface OracleKeys {
  /** secp256k1 secret; signs reports (keccak256(report)). */
  readonly onchainSigningKey: Uint8Array;
  /** setConfig signers[i]. */
  readonly signerAddress: Address;
  /** Ed25519 secret (32-byte seed); signs observations. */
  readonly offchainSigningKey: Uint8Array;
  /** 32 bytes; the encoded config's offchainPublicKeys[i]. */
  readonly offchainPublicKey: Uint8Array;
  /** X25519 secret; decrypts the shared secret. */
  readonly configEncryptionKey: Uint8Array;
  /** 32 bytes; what the dealer encrypts to. */
  readonly configEncryptionPublicKey: Uint8Array;
  /** secp256k1 secret of the transmitter EOA. */
  readonly transmitterKey: Uint8Array;
  /** setConfig transmitters[i]. */
  readonly transmitterAddress: Address;
  /**
   * Ed25519 secret (32-byte seed) of the oracle's P2P identity. It is a key of its own, apart
   * from the off-chain signing key, as a Chainlink node keeps its P2P key apart from its OCR keys:
   * the transport never holds a key that signs observations or reports.
   */
  readonly p2pSecretKey: Uint8Array;
  /** libp2p peer id ("12D3KooW…") of the P2P identity: the encoded config's peerIds[i]. */
  readonly peerId: string;
}

/** The purpose tag of the P2P identity's derivation (see `seededBytes`). */
export const P2P_IDENTITY_PURPOSE = "p2p identity";

const SECP256K1_ORDER = secp256k1.Point.Fn.ORDER;

/**
 * 32 bytes that depend on the seed, the oracle index and the purpose. Distinct purpose tags
 * keep the four secrets independent even though they come from one seed.
 */
function seededBytes(seed: Uint8Array, oracleIndex: number, purpose: string): Uint8Array {
  return keccak256(
    concatBytes(utf8Bytes(`hardhat-ocr oracle key v1 ${purpose}`), uintToBytesBE(BigInt(oracleIndex), 4), seed),
  );
}

/**
 * A valid secp256k1 secret in [1, order − 1] from 32 hash bytes. Reducing mod (order − 1)
 * biases the result by less than 2^-127, which is irrelevant for test keys.
 */
function secp256k1SecretFromHash(hash: Uint8Array): Uint8Array {
  return uintToBytesBE((bytesToUintBE(hash) % (SECP256K1_ORDER - 1n)) + 1n, 32);
}

const BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/** Bitcoin-alphabet base58 (what libp2p uses for peer ids); leading zero bytes become '1'. */
export function base58Encode(bytes: Uint8Array): string {
  let value = bytesToUintBE(bytes);
  let out = "";
  while (value > 0n) {
    out = BASE58_ALPHABET[Number(value % 58n)] + out;
    value /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    out = "1" + out;
  }
  return out;
}

/**
 * The libp2p peer id of an Ed25519 public key: the identity multihash (0x00, length 0x24) of the
 * protobuf PublicKey {Type: Ed25519 = 1, Data: key}, base58-encoded. Real nodes print ids of
 * this shape ("12D3KooW…"), so configs built here look familiar to explorers and node operators.
 */
export function peerIdFromEd25519PublicKey(publicKey: Uint8Array): string {
  if (publicKey.length !== 32) throw new Error(`an Ed25519 public key is 32 bytes, got ${publicKey.length}`);
  const protobufPublicKey = concatBytes(Uint8Array.of(0x08, 0x01, 0x12, 0x20), publicKey);
  return base58Encode(concatBytes(Uint8Array.of(0x00, protobufPublicKey.length), protobufPublicKey));
}

/** Assemble the full key set, including every public part, from the five secrets. */
export function oracleKeysFromSecrets(secrets: {
  onchainSigningKey: Uint8Array;
  offchainSigningKey: Uint8Array;
  configEncryptionKey: Uint8Array;
  transmitterKey: Uint8Array;
  p2pSecretKey: Uint8Array;
}): OracleKeys {
  const offchainPublicKey = ed25519.getPublicKey(secrets.offchainSigningKey);
  return {
    onchainSigningKey: secrets.onchainSigningKey,
    signerAddress: addressFromPrivateKey(secrets.onchainSigningKey),
    offchainSigningKey: secrets.offchainSigningKey,
    offchainPublicKey,
    configEncryptionKey: secrets.configEncryptionKey,
    configEncryptionPublicKey: x25519.getPublicKey(secrets.configEncryptionKey),
    transmitterKey: secrets.transmitterKey,
    transmitterAddress: addressFromPrivateKey(secrets.transmitterKey),
    p2pSecretKey: secrets.p2pSecretKey,
    peerId: peerIdFromEd25519PublicKey(ed25519.getPublicKey(secrets.p2pSecretKey)),
  };
}

/**
 * Keys of oracle `oracleIndex` derived from `seed` (bytes, or a string taken as UTF-8).
 * The same seed and index always give the same keys; different indices give unrelated keys.
 * For local committees and tests only: anyone who knows the seed knows the secrets.
 */
export function deriveOracleKeys(seed: Uint8Array | string, oracleIndex: number): OracleKeys {
  if (!Number.isInteger(oracleIndex) || oracleIndex < 0 || oracleIndex > 0xffffffff) {
    throw new RangeError(`oracleIndex ${oracleIndex} is not a uint32`);
  }
  const seedBytes = typeof seed === "string" ? utf8Bytes(seed) : seed;
  return oracleKeysFromSecrets({
    onchainSigningKey: secp256k1SecretFromHash(seededBytes(seedBytes, oracleIndex, "onchain signing")),
    offchainSigningKey: seededBytes(seedBytes, oracleIndex, "offchain signing"),
    configEncryptionKey: seededBytes(seedBytes, oracleIndex, "config encryption"),
    transmitterKey: secp256k1SecretFromHash(seededBytes(seedBytes, oracleIndex, "transmitter")),
    p2pSecretKey: seededBytes(seedBytes, oracleIndex, P2P_IDENTITY_PURPOSE),
  });
}

/** Fresh random keys from the platform CSPRNG. */
export function generateOracleKeys(): OracleKeys {
  return oracleKeysFromSecrets({
    onchainSigningKey: secp256k1.utils.randomSecretKey(),
    offchainSigningKey: randomBytes(32),
    configEncryptionKey: randomBytes(32),
    transmitterKey: secp256k1.utils.randomSecretKey(),
    p2pSecretKey: randomBytes(32),
  });
}
