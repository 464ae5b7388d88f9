/**
 * A keyed pseudo-random permutation that matches libocr's `permutation.Permutation` bit for bit
 * (spec §2.7): Go's `math/rand` Shuffle, fed by an AES-128-CTR keystream instead of Go's
 * default generator. Reproducing Go exactly is not needed for on-chain validity, but it lets
 * a mixed committee (ours plus real nodes) agree on who transmits first.
 */
import { createCipheriv } from "node:crypto";

const AES_BLOCK_BYTES = 16;
const MASK_63 = (1n << 63n) - 1n;
const TWO_POW_32 = 1n << 32n;

/**
 * The first `length` bytes of the AES-128-CTR keystream under `key`, with a zero IV whose
 * full 128-bit big-endian counter starts at 0 (Go's cipher.NewCTR increments the whole block,
 * and so does OpenSSL's CTR mode). Encrypting zeros yields the keystream itself. Through
 * `node:crypto` (AES in hardware where the CPU has it): every oracle computes this once per
 * round, and AES in JavaScript took about 0.1 ms of a (4,1) round.
 */
export function aesCtrKeystream(key: Uint8Array, length: number): Uint8Array {
  if (key.length !== 16) throw new Error(`AES-128 key must be 16 bytes, got ${key.length}`);
  const cipher = createCipheriv("aes-128-ctr", key, new Uint8Array(AES_BLOCK_BYTES));
  const stream = cipher.update(new Uint8Array(length));
  cipher.final();
  return new Uint8Array(stream.buffer, stream.byteOffset, stream.length);
}

/** A source of Go `Int63` values: each is the next 8 keystream bytes, little-endian, top bit cleared. */
export type Int63Source = () => bigint;

/**
 * An Int63 source over the AES-CTR keystream. The keystream is regenerated at double length
 * when exhausted (rare: only Lemire rejections consume extra draws), which keeps the function
 * free of any per-block bookkeeping while staying deterministic.
 */
export function aesCtrInt63Source(key: Uint8Array, expectedDraws = 32): Int63Source {
  let stream = aesCtrKeystream(key, 8 * Math.max(1, expectedDraws));
  let at = 0;
  return () => {
    if (at + 8 > stream.length) stream = aesCtrKeystream(key, stream.length * 2);
    let v = 0n;
    for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(stream[at + i]);
    at += 8;
    return v & MASK_63;
  };
}

/**
 * Go's `(*Rand).int31n`: a uniform integer in [0, n) by Lemire's multiply-and-shift, with
 * v = uint32(Int63() >> 31). Only the rare low products below (2^32 − n) mod n are redrawn,
 * which removes the modulo bias.
 */
export function goInt31n(source: Int63Source, n: number): number {
  const bn = BigInt(n);
  const draw = () => (source() >> 31n) * bn;
  let product = draw();
  let low = product % TWO_POW_32;
  if (low < bn) {
    const threshold = (TWO_POW_32 - bn) % bn;
    while (low < threshold) {
      product = draw();
      low = product % TWO_POW_32;
    }
  }
  return Number(product >> 32n);
}

/** Go's `(*Rand).Shuffle` for n < 2^31: for i = n−1 down to 1, swap(i, int31n(i+1)). */
export function goShuffle<T>(items: T[], source: Int63Source): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = goInt31n(source, i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** The keyed permutation of [0, n): the identity shuffled by Go's algorithm under `key`. */
export function permutation(n: number, key: Uint8Array): number[] {
  if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) throw new RangeError(`n must be in [0, 2^31), got ${n}`);
  const identity = Array.from({ length: n }, (_, i) => i);
  return goShuffle(identity, aesCtrInt63Source(key, n + 8));
}
