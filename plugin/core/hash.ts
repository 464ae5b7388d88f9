import { keccak_256 } from "@noble/hashes/sha3.js";

/** Keccak-256 as Ethereum uses it (not NIST SHA3-256). */
export function keccak256(data: Uint8Array): Uint8Array {
  return keccak_256(data);
}

const UTF8 = new TextEncoder();

export function utf8Bytes(text: string): Uint8Array {
  return UTF8.encode(text);
}
