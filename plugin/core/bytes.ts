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
  // Node's decoder (checked above, so it cannot stop early at a bad digit), copied into a plain
  // Uint8Array so callers never get a Buffer.
  return new Uint8Array(Buffer.from(body, "hex"));
}

/**
 * The bytes as a latin1 string, one character per byte: a cheap exact key for a Map (one native
 * copy, half the length of hex). Not for display.
 */
export function bytesToLatin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
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
  if (value <= MAX_SAFE_BIGINT) {
    // Below 2^53 plain numbers do the work without a bigint per byte.
    let rest = Number(value);
    for (let i = length - 1; i >= 0 && rest > 0; i--) {
      out[i] = rest % 256;
      rest = Math.floor(rest / 256);
    }
    return out;
  }
  // One native conversion through hex instead of `length` bigint shifts.
  const hex = value.toString(16);
  const digits = Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, "hex");
  out.set(digits, length - digits.length);
  return out;
}

const MAX_SAFE_BIGINT = BigInt(Number.MAX_SAFE_INTEGER);

/** Unsigned little-endian encoding (Go's binary.LittleEndian.PutUint64 for length 8). */
export function uintToBytesLE(value: bigint, length: number): Uint8Array {
  return uintToBytesBE(value, length).reverse();
}

export function bytesToUintBE(bytes: Uint8Array): bigint {
  if (bytes.length <= 6) {
    // Up to 48 bits fit a number exactly: one bigint at the end instead of one per byte.
    let v = 0;
    for (let i = 0; i < bytes.length; i++) v = v * 256 + bytes[i];
    return BigInt(v);
  }
  return BigInt(`0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex")}`);
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
