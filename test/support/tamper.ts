/** Tampering with bytes in tests: every helper returns a changed copy and leaves its input alone. */

/** A copy of `bytes` with bit `bit` flipped (bit 0 is the lowest bit of byte 0). */
export function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  out[bit >> 3] ^= 1 << (bit & 7);
  return out;
}
