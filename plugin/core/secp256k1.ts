/**
 * Deterministic secp256k1 ECDSA signing (RFC 6979 nonces, low-s, with the recovery bit) whose
 * one costly step, the nonce point k·G, runs in Node's built-in OpenSSL.
 *
 * Why: every oracle signs every report, so at (31,10) a round costs 31 signatures. noble's
 * `sign` spends most of its time on k·G in JavaScript bigints (a blinded constant-time
 * multiplication); OpenSSL's constant-time ladder does the same multiplication in about half the
 * time here, so a signature costs about half (measured on the 2-core dev machine under load:
 * 0.55 ms against 1.06 ms). Node's ECDSA itself cannot serve: OpenSSL 3.0 draws random nonces
 * (deterministic ones came in 3.2) and reports no recovery bit.
 *
 * The nonce is RFC 6979's HMAC-DRBG over SHA-256 (HMAC also from node:crypto), exactly as noble
 * derives it, so the bytes are exactly noble's (and go-ethereum's): same key and digest, same
 * signature, whatever the machine. A test compares both on many keys and digests.
 */
import { createECDH, createHmac, randomBytes } from "node:crypto";

import { secp256k1 } from "@noble/curves/secp256k1.js";

import { bytesToUintBE, uintToBytesBE } from "./bytes.js";

const { Fn } = secp256k1.Point;
const ORDER = Fn.ORDER;
const HALF_ORDER = ORDER >> 1n;

/** One OpenSSL context, reused: setting its private key computes k·G. */
const nonceMultiplier = createECDH("secp256k1");

function hmac(key: Uint8Array, ...parts: Uint8Array[]): Buffer {
  const mac = createHmac("sha256", key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/**
 * The candidate nonces of RFC 6979 §3.2 for a 256-bit order and SHA-256, in order: the first
 * one in [1, n) is used; the next is drawn only if it yields r = 0 or s = 0.
 */
function* rfc6979Nonces(secretKey: Uint8Array, digestModN: bigint): Generator<bigint> {
  const seed = [secretKey, uintToBytesBE(digestModN, 32)];
  let v: Uint8Array = Buffer.alloc(32, 1);
  let k: Uint8Array = Buffer.alloc(32, 0);
  k = hmac(k, v, Uint8Array.of(0), ...seed);
  v = hmac(k, v);
  k = hmac(k, v, Uint8Array.of(1), ...seed);
  v = hmac(k, v);
  for (;;) {
    v = hmac(k, v);
    const candidate = bytesToUintBE(v);
    if (candidate >= 1n && candidate < ORDER) yield candidate;
    k = hmac(k, v, Uint8Array.of(0));
    v = hmac(k, v);
  }
}

/** A random multiplier in [1, n) that hides the nonce while it is inverted in bigint arithmetic. */
function inversionBlind(): bigint {
  for (;;) {
    const b = bytesToUintBE(randomBytes(32));
    if (b >= 1n && b < ORDER) return b;
  }
}

/**
 * Sign a 32-byte digest (no hashing here) with a 32-byte secret key. Returns 65 bytes
 * r ‖ s ‖ recovery, s in the lower half of the order, recovery bit 0 the nonce point's y parity
 * (bit 1 set only if its x exceeded the order, which never happens in practice).
 */
export function signDigestRecoverable(digest: Uint8Array, secretKey: Uint8Array): Uint8Array {
  if (digest.length !== 32) throw new Error(`a secp256k1 digest is 32 bytes, got ${digest.length}`);
  if (secretKey.length !== 32) throw new Error(`a secp256k1 secret key is 32 bytes, got ${secretKey.length}`);
  const d = bytesToUintBE(secretKey);
  if (d < 1n || d >= ORDER) throw new Error("the secp256k1 secret key is out of range");
  const h = Fn.create(bytesToUintBE(digest));
  for (const k of rfc6979Nonces(secretKey, h)) {
    nonceMultiplier.setPrivateKey(uintToBytesBE(k, 32));
    const point = nonceMultiplier.getPublicKey(); // 0x04 ‖ x ‖ y
    const x = bytesToUintBE(point.subarray(1, 33));
    const r = Fn.create(x);
    if (r === 0n) continue;
    // s = k⁻¹(h + r·d), computed as (b·k)⁻¹·b·(h + r·d) so the inversion never sees k itself.
    const blind = inversionBlind();
    let s = Fn.mul(Fn.inv(Fn.mul(k, blind)), Fn.mul(blind, Fn.add(h, Fn.mul(r, d))));
    if (s === 0n) continue;
    let recovery = (x === r ? 0 : 2) | (point[64] & 1);
    if (s > HALF_ORDER) {
      s = ORDER - s;
      recovery ^= 1;
    }
    const signature = new Uint8Array(65);
    signature.set(uintToBytesBE(r, 32), 0);
    signature.set(uintToBytesBE(s, 32), 32);
    signature[64] = recovery;
    return signature;
  }
  throw new Error("unreachable: the RFC 6979 nonce generator never ends");
}
