/**
 * Byte helpers shared by every codec in the project. Everything is a plain `Uint8Array`;
 * hex strings appear only at the edges (ABI calls, JSON output).
 */

export type Hex = `0x${string}`;

export function bytesToHex(bytes: Uint8Array): Hex {
  // Node's encoder builds one flat string; appending two digits at a time left a rope of
  // ~1.6 KB per 32 bytes in long-lived cache keys (seen in a soak's heap snapshots).
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex")}`;
}

export function hexToBytes(hex: string): Uint8Array {
  const body = hex.startsWith("0x") || hex.startsWith("0X") ? hex.slice(2) : hex;
  if (body.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(body)) {
    throw new Error(`not a hex byte string: ${hex.length > 80 ? hex.slice(0, 80) + "…" : hex}`);
  }
  const out = new Uint8Array(body.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(body.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Unsigned big-endian encoding of `value` into exactly `length` bytes. */
export function uintToBytesBE(value: bigint, length: number): Uint8Array {
  if (value < 0n || value >= 1n << BigInt(8 * length)) {
    throw new RangeError(`${value} does not fit in ${length} unsigned bytes`);
  }
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return out;
}

/** Unsigned little-endian encoding (Go's binary.LittleEndian.PutUint64 for length 8). */
export function uintToBytesLE(value: bigint, length: number): Uint8Array {
  return uintToBytesBE(value, length).reverse();
}

export function bytesToUintBE(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

/** Two's-complement big-endian encoding of a signed integer into `length` bytes. */
export function intToBytesBE(value: bigint, length: number): Uint8Array {
  const bits = BigInt(8 * length);
  const limit = 1n << (bits - 1n);
  if (value < -limit || value >= limit) {
    throw new RangeError(`${value} does not fit in ${length} signed bytes`);
  }
  return uintToBytesBE(value < 0n ? value + (1n << bits) : value, length);
}

export function bytesToIntBE(bytes: Uint8Array): bigint {
  const v = bytesToUintBE(bytes);
  const bits = BigInt(8 * bytes.length);
  return v >= 1n << (bits - 1n) ? v - (1n << bits) : v;
}
