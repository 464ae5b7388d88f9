/**
 * Exact decimal arithmetic for turning API prices ("1234.56789") into integer observations,
 * like a Chainlink job's multiply task. Values are parsed from their decimal text, never via
 * floating point, so 0.1 × 10 is exactly 1.
 */
import { assertInt192 } from "./data-source.js";

/** value = coefficient · 10^(−scale); scale may be negative for large exponents. */
export interface Decimal {
  readonly coefficient: bigint;
  readonly scale: number;
}

/** Exponents beyond this are refused: 10^100000 would take a long time and fit nowhere anyway. */
const MAX_EXPONENT = 1000;
const DECIMAL_PATTERN = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Parse "-12.5", "1e8", "0.000001", "+3.", ".5". Throws on anything else (including "", "NaN", "1,5"). */
export function parseDecimal(text: string): Decimal {
  const match = DECIMAL_PATTERN.exec(text.trim());
  const whole = match?.[2] ?? "";
  const fraction = match?.[3] ?? "";
  if (!match || whole.length + fraction.length === 0) throw new Error(`not a decimal number: ${JSON.stringify(text)}`);
  const exponent = match[4] === undefined ? 0 : Number(match[4]);
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > MAX_EXPONENT) {
    throw new Error(`decimal exponent out of range in ${JSON.stringify(text)}`);
  }
  const magnitude = BigInt(whole + fraction || "0");
  return { coefficient: match[1] === "-" ? -magnitude : magnitude, scale: fraction.length - exponent };
}

/** A decimal from text, a finite JS number (via its shortest round-trip text) or a bigint. */
export function toDecimal(value: string | number | bigint): Decimal {
  if (typeof value === "bigint") return { coefficient: value, scale: 0 };
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
    return parseDecimal(String(value));
  }
  return parseDecimal(value);
}

/**
 * a · b as an integer, dropping any fractional part (rounding toward zero, as converting a
 * decimal result to an integer does in a Chainlink job). Throws if the result is not an int192.
 */
export function multiplyToInt192(a: string | number | bigint, b: string | number | bigint): bigint {
  const x = toDecimal(a);
  const y = toDecimal(b);
  const coefficient = x.coefficient * y.coefficient;
  const scale = x.scale + y.scale;
  const product = scale <= 0 ? coefficient * 10n ** BigInt(-scale) : coefficient / 10n ** BigInt(scale);
  return assertInt192(product, `${String(a)} × ${String(b)}`);
}
