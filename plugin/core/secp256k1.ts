/**
 * secp256k1 ECDSA for report signatures: deterministic signing (RFC 6979 nonces, low-s, with the
 * recovery bit) and public-key recovery as the EVM's ecrecover does it.
 *
 * Two backends give the same bytes:
 * - libsecp256k1 (Bitcoin Core's C library) through the `secp256k1` package's prebuilt N-API
 *   binding, when it loads on this platform. Measured on the 2-core dev machine under load: a
 *   signature 0.08 ms, a recovery 0.13 ms, against 0.55 ms and 1.3 ms below. Every oracle signs
 *   every report and the leader checks each signature, so at (31,10) this is most of a round.
 * - Otherwise JavaScript: the nonce point k·G in Node's built-in OpenSSL (its constant-time
 *   ladder is about twice as fast as noble's blinded multiplication here: 0.55 ms against
 *   1.06 ms per signature), the rest in bigints, and noble for recovery. Node's ECDSA itself
 *   cannot serve: OpenSSL 3.0 draws random nonces and reports no recovery bit.
 *
 * Both derive the nonce by RFC 6979's HMAC-DRBG over SHA-256 without extra entropy, as noble and
 * go-ethereum do: same key and digest, same signature, whichever backend and machine. Tests
 * compare the backends with each other and with noble on many keys and digests.
 */
import { createECDH, createHmac, randomBytes } from "node:crypto";
import { createRequire } from "node:module";

import { secp256k1 } from "@noble/curves/secp256k1.js";

import { bytesToUintBE, uintToBytesBE } from "./bytes.js";

const { Fn } = secp256k1.Point;
const ORDER = Fn.ORDER;
const HALF_ORDER = ORDER >> 1n;

/** The part of the `secp256k1` package's API used here (its native binding, not its JS fallback). */
interface LibSecp256k1 {
  ecdsaSign(digest: Uint8Array, secretKey: Uint8Array): { signature: Uint8Array; recid: number };
  ecdsaRecover(signature: Uint8Array, recid: number, digest: Uint8Array, compressed: false): Uint8Array;
}

/**
 * The native binding, or null where it does not load (no prebuilt binary for the platform, or
 * HARDHAT_OCR_SECP256K1=js, which tests use to run the JavaScript backend). The package's own
 * entry point would fall back to the much slower `elliptic`; the JavaScript backend here is faster.
 */
function loadLibSecp256k1(): LibSecp256k1 | null {
  if (process.env.HARDHAT_OCR_SECP256K1 === "js") return null;
  try {
    return createRequire(import.meta.url)("secp256k1/bindings") as LibSecp256k1;
  } catch {
    return null;
  }
}

const libsecp256k1 = loadLibSecp256k1();

/** Which backend signs and recovers in this process. */
export const SECP256K1_BACKEND: "libsecp256k1" | "javascript" = libsecp256k1 === null ? "javascript" : "libsecp256k1";

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
  // For a digest at or above the order, the bundled libsecp256k1 feeds the unreduced digest to
  // RFC 6979 where noble and go-ethereum feed it reduced: a valid signature, but other bytes.
  // Keccak outputs land there with probability 2^-128; they take the JavaScript path.
  if (libsecp256k1 === null || bytesToUintBE(digest) >= ORDER) return signInJavaScript(digest, secretKey, d);
  const { signature, recid } = libsecp256k1.ecdsaSign(digest, secretKey);
  const out = new Uint8Array(65);
  out.set(signature, 0);
  out[64] = recid;
  return out;
}

/** The JavaScript backend of `signDigestRecoverable` (exported for the test that compares backends). */
export function signInJavaScript(digest: Uint8Array, secretKey: Uint8Array, d = bytesToUintBE(secretKey)): Uint8Array {
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

/**
 * The uncompressed public key (65 bytes) whose signature `rs ‖ recovery` is over `digest`, found
 * as ecrecover finds it: the nonce point has x = r and y parity `recovery` (0 or 1); s may be in
 * either half. Throws when no key signed it (r or s zero or not below the order, x = r not on the
 * curve).
 */
export function recoverPublicKeyFromDigest(digest: Uint8Array, signature: Uint8Array): Uint8Array {
  if (digest.length !== 32) throw new Error(`a secp256k1 digest is 32 bytes, got ${digest.length}`);
  if (signature.length !== 65) throw new Error("an on-chain signature is 65 bytes");
  const recovery = signature[64];
  if (recovery > 1) throw new Error(`v must be 0 or 1, got ${recovery}`);
  if (libsecp256k1 === null) return recoverInJavaScript(digest, signature);
  return libsecp256k1.ecdsaRecover(signature.subarray(0, 64), recovery, digest, false);
}

/** The JavaScript backend of `recoverPublicKeyFromDigest` (noble). */
export function recoverInJavaScript(digest: Uint8Array, signature: Uint8Array): Uint8Array {
  const recoveryFirst = new Uint8Array(65);
  recoveryFirst[0] = signature[64];
  recoveryFirst.set(signature.subarray(0, 64), 1);
  const compressed = secp256k1.recoverPublicKey(recoveryFirst, digest, { prehash: false });
  return secp256k1.Point.fromBytes(compressed).toBytes(false);
}
