import { secp256k1 } from "@noble/curves/secp256k1.js";

import { bytesToHex, hexToBytes } from "./bytes.js";
import { keccak256, utf8Bytes } from "./hash.js";

/** An EIP-55 checksummed Ethereum address. */
export type Address = `0x${string}`;

/** EIP-55 mixed-case checksum of a 20-byte address. */
export function toChecksumAddress(address: string | Uint8Array): Address {
  const raw = typeof address === "string" ? hexToBytes(address) : address;
  if (raw.length !== 20) throw new Error(`an address has 20 bytes, got ${raw.length}`);
  const lower = bytesToHex(raw).slice(2);
  const hash = keccak256(utf8Bytes(lower));
  let out = "0x";
  for (let i = 0; i < 40; i++) {
    const nibble = (hash[i >> 1] >> (i % 2 === 0 ? 4 : 0)) & 15;
    out += nibble >= 8 ? lower[i].toUpperCase() : lower[i];
  }
  return out as Address;
}

/** The address of an uncompressed (65-byte, 0x04-prefixed) or compressed secp256k1 public key. */
export function addressFromPublicKey(publicKey: Uint8Array): Address {
  const uncompressed =
    publicKey.length === 65 ? publicKey : secp256k1.Point.fromBytes(publicKey).toBytes(false);
  return toChecksumAddress(keccak256(uncompressed.subarray(1)).subarray(12));
}

export function addressFromPrivateKey(privateKey: Uint8Array): Address {
  return addressFromPublicKey(secp256k1.getPublicKey(privateKey, false));
}

export function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
