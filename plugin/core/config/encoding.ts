/**
 * setConfig's arguments and the version-1 `encoded` blob (spec §2.2): the ABI encoding of one
 * tuple holding the off-chain parameters, the oracles' public keys and peer ids, and the
 * dealer's shared secret encrypted to each oracle.
 */
import { ecb } from "@noble/ciphers/aes.js";
import { x25519 } from "@noble/curves/ed25519.js";
import { randomBytes } from "@noble/hashes/utils.js";

import { type AbiValue, abiDecode, abiEncode, parseAbiType } from "../abi.js";
import { type Address } from "../address.js";
import { bytesEqual } from "../bytes.js";
import { keccak256 } from "../hash.js";
import { type PublicConfig, sharedOffchainFields, validatePublicConfig } from "./public-config.js";

/** The only `encodedConfigVersion` OCR1 nodes accept. */
export const ENCODED_CONFIG_VERSION = 1n;
/** Nodes refuse `encoded` blobs longer than this. */
export const MAX_ENCODED_CONFIG_BYTES = 20_000;
/** The shared secret is one AES-128 key's worth of bytes. */
export const SHARED_SECRET_BYTES = 16;

/** The Solidity tuple type of the v1 blob, field for field as in spec §2.2. */
export const ENCODED_CONFIG_TYPE = parseAbiType(
  "(int64,int64,int64,int64,int64,uint64,int64,uint8,uint8[],bytes32[],string,(bytes32,bytes32,bytes16[]))",
);

const NS_PER_MS = 1_000_000n;

export interface SetConfigArgs {
  readonly signers: Address[];
  readonly transmitters: Address[];
  readonly threshold: number;
  readonly encodedConfigVersion: bigint;
  readonly encoded: Uint8Array;
}

export interface SharedSecretEncryptions {
  /** The dealer's ephemeral X25519 public key. */
  readonly diffieHellmanPoint: Uint8Array;
  /** keccak256(sharedSecret): lets each oracle check its decryption. */
  readonly sharedSecretHash: Uint8Array;
  /** One 16-byte AES block per oracle, in config order. */
  readonly encryptions: readonly Uint8Array[];
}

/** Every field of the v1 blob, durations converted to milliseconds. */
export interface DecodedOffchainConfig {
  readonly deltaProgressMs: number;
  readonly deltaResendMs: number;
  readonly deltaRoundMs: number;
  readonly deltaGraceMs: number;
  readonly deltaCMs: number;
  readonly alphaPPB: bigint;
  readonly deltaStageMs: number;
  readonly rMax: number;
  readonly s: readonly number[];
  readonly offchainPublicKeys: readonly Uint8Array[];
  readonly peerIds: readonly string[];
  readonly sharedSecretEncryptions: SharedSecretEncryptions;
}

/** Milliseconds to the int64 nanoseconds of a Go time.Duration; sub-nanosecond parts are rounded. */
export function msToNs(ms: number): bigint {
  return BigInt(Math.round(ms * 1e6));
}

/** int64 nanoseconds to milliseconds (fractional when the duration is not a whole millisecond). */
export function nsToMs(ns: bigint): number {
  return Number(ns / NS_PER_MS) + Number(ns % NS_PER_MS) / 1e6;
}

/** The AES-128 key that protects oracle i's copy: keccak256(X25519 shared point)[0:16]. */
function encryptionKeyFromSharedPoint(sharedPoint: Uint8Array): Uint8Array {
  return keccak256(sharedPoint).slice(0, 16);
}

/** One raw AES-128 block; the input is exactly one block, so padding is switched off. */
function aesBlock(key: Uint8Array, block: Uint8Array, direction: "encrypt" | "decrypt"): Uint8Array {
  const cipher = ecb(key, { disablePadding: true });
  return direction === "encrypt" ? cipher.encrypt(block) : cipher.decrypt(block);
}

/**
 * Encrypt the shared secret to every oracle's X25519 key. The dealer's scalar comes from
 * `dealerRandomness` when given (reproducible configs) and from the CSPRNG otherwise.
 */
export function encryptSharedSecret(
  configEncryptionPublicKeys: readonly Uint8Array[],
  sharedSecret: Uint8Array,
  dealerRandomness: Uint8Array = randomBytes(32),
): SharedSecretEncryptions {
  if (sharedSecret.length !== SHARED_SECRET_BYTES) throw new Error(`the shared secret must be ${SHARED_SECRET_BYTES} bytes, got ${sharedSecret.length}`);
  if (dealerRandomness.length !== 32) throw new Error(`dealerRandomness must be 32 bytes, got ${dealerRandomness.length}`);
  const encryptions = configEncryptionPublicKeys.map((publicKey, i) => {
    if (publicKey.length !== 32) throw new Error(`oracle ${i}'s config encryption public key must be 32 bytes, got ${publicKey.length}`);
    const key = encryptionKeyFromSharedPoint(x25519.getSharedSecret(dealerRandomness, publicKey));
    return aesBlock(key, sharedSecret, "encrypt");
  });
  return {
    diffieHellmanPoint: x25519.getPublicKey(dealerRandomness),
    sharedSecretHash: keccak256(sharedSecret),
    encryptions,
  };
}

/** The v1 `encoded` bytes: abi.encode of the single tuple (a 0x20 offset word, then the tuple). */
export function encodeOffchainConfig(config: DecodedOffchainConfig): Uint8Array {
  const e = config.sharedSecretEncryptions;
  const tuple: AbiValue[] = [
    msToNs(config.deltaProgressMs),
    msToNs(config.deltaResendMs),
    msToNs(config.deltaRoundMs),
    msToNs(config.deltaGraceMs),
    msToNs(config.deltaCMs),
    config.alphaPPB,
    msToNs(config.deltaStageMs),
    BigInt(config.rMax),
    config.s.map((x) => BigInt(x)),
    [...config.offchainPublicKeys],
    config.peerIds.join(","),
    [e.diffieHellmanPoint, e.sharedSecretHash, [...e.encryptions]],
  ];
  return abiEncode([ENCODED_CONFIG_TYPE], [tuple]);
}

/**
 * Everything setConfig needs for `config`, with `sharedSecret` encrypted to each oracle.
 * The config is validated first (structural rules only; chain minimums are the caller's call).
 */
export function encodeSetConfigArgs(
  config: PublicConfig,
  sharedSecret: Uint8Array,
  dealerRandomness?: Uint8Array,
): SetConfigArgs {
  validatePublicConfig(config);
  const encoded = encodeOffchainConfig({
    ...sharedOffchainFields(config),
    // OCR1 keeps the report rule in the offchain config; OCR2 moves it into the median plugin's.
    deltaCMs: config.deltaCMs,
    alphaPPB: config.alphaPPB,
    sharedSecretEncryptions: encryptSharedSecret(
      config.oracles.map((o) => o.configEncryptionPublicKey),
      sharedSecret,
      dealerRandomness,
    ),
  });
  if (encoded.length > MAX_ENCODED_CONFIG_BYTES) {
    throw new Error(`the encoded config is ${encoded.length} bytes; nodes reject more than ${MAX_ENCODED_CONFIG_BYTES}`);
  }
  return {
    signers: config.oracles.map((o) => o.signerAddress),
    transmitters: config.oracles.map((o) => o.transmitterAddress),
    threshold: config.f,
    encodedConfigVersion: ENCODED_CONFIG_VERSION,
    encoded,
  };
}

/** Split the joined peer id string; an empty string means no peers rather than one empty id. */
function splitPeerIds(joined: string): string[] {
  return joined === "" ? [] : joined.split(",");
}

/**
 * Parse a v1 `encoded` blob. Throws on blobs that are too long, malformed ABI, or per-oracle
 * lists of different lengths (each must have one entry per oracle).
 */
export function decodeEncodedConfig(encoded: Uint8Array): DecodedOffchainConfig {
  if (encoded.length > MAX_ENCODED_CONFIG_BYTES) {
    throw new Error(`the encoded config is ${encoded.length} bytes; at most ${MAX_ENCODED_CONFIG_BYTES} are accepted`);
  }
  const [tuple] = abiDecode([ENCODED_CONFIG_TYPE], encoded) as [AbiValue[]];
  const [dProgress, dResend, dRound, dGrace, dC, alphaPPB, dStage, rMax, s, keys, peers, secret] = tuple as [
    bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint[], Uint8Array[], string, [Uint8Array, Uint8Array, Uint8Array[]],
  ];
  const decoded: DecodedOffchainConfig = {
    deltaProgressMs: nsToMs(dProgress),
    deltaResendMs: nsToMs(dResend),
    deltaRoundMs: nsToMs(dRound),
    deltaGraceMs: nsToMs(dGrace),
    deltaCMs: nsToMs(dC),
    alphaPPB,
    deltaStageMs: nsToMs(dStage),
    rMax: Number(rMax),
    s: s.map(Number),
    offchainPublicKeys: keys,
    peerIds: splitPeerIds(peers),
    sharedSecretEncryptions: { diffieHellmanPoint: secret[0], sharedSecretHash: secret[1], encryptions: secret[2] },
  };
  const n = decoded.offchainPublicKeys.length;
  if (decoded.peerIds.length !== n || decoded.sharedSecretEncryptions.encryptions.length !== n) {
    throw new Error(
      `the encoded config lists ${n} offchain public keys, ${decoded.peerIds.length} peer ids and ` +
        `${decoded.sharedSecretEncryptions.encryptions.length} encryptions; each must have one per oracle`,
    );
  }
  return decoded;
}

/**
 * Oracle `oracleIndex`'s view of the shared secret: X25519 with the dealer's point, AES-decrypt
 * its block, and check the result against sharedSecretHash. Throws on a wrong key or index.
 */
export function decryptSharedSecret(
  decoded: Pick<DecodedOffchainConfig, "sharedSecretEncryptions">,
  oracleIndex: number,
  configEncryptionKey: Uint8Array,
): Uint8Array {
  const { diffieHellmanPoint, sharedSecretHash, encryptions } = decoded.sharedSecretEncryptions;
  if (!Number.isInteger(oracleIndex) || oracleIndex < 0 || oracleIndex >= encryptions.length) {
    throw new RangeError(`oracleIndex ${oracleIndex} is outside [0, ${encryptions.length})`);
  }
  const key = encryptionKeyFromSharedPoint(x25519.getSharedSecret(configEncryptionKey, diffieHellmanPoint));
  const secret = aesBlock(key, encryptions[oracleIndex], "decrypt");
  if (!bytesEqual(keccak256(secret), sharedSecretHash)) {
    throw new Error(`oracle ${oracleIndex} could not decrypt the shared secret: hash mismatch (wrong config encryption key?)`);
  }
  return secret;
}
