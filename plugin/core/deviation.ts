/**
 * The deviation test that decides whether a new median is worth a transaction (spec §2.3,
 * used by shouldReport §2.6 and shouldTransmit §2.7).
 */

/** One part per billion: alphaPPB is a fraction of this. */
export const PPB = 1_000_000_000n;

function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

/**
 * True when `newValue` differs from `oldValue` by at least alphaPPB parts per billion of
 * |oldValue|. The threshold is inclusive. From an old value of 0 any non-zero value deviates
 * (there is no relative change to measure). The comparison is done by cross-multiplying,
 * |new − old| · 1e9 ≥ alphaPPB · |old|, so it is exact for every int192 input: no division,
 * no rounding, no floats.
 */
export function deviates(oldValue: bigint, newValue: bigint, alphaPPB: bigint): boolean {
  if (oldValue === 0n) return newValue !== 0n;
  return abs(newValue - oldValue) * PPB >= alphaPPB * abs(oldValue);
}
