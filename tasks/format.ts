/**
 * Rendering for the `ocr:*` tasks: JSON with bigints as decimal strings, fixed-point answers,
 * and short addresses for tables.
 */

/** JSON.stringify replacer: bigints as decimal strings (JSON numbers lose precision past 2^53). */
export function bigintsAsStrings(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

/** The one JSON object a `--json` run prints. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, bigintsAsStrings, 2);
}

/** `value` in units of 10^-decimals as a decimal number: (200012345678n, 8) -> "2000.12345678". */
export function formatFixed(value: bigint, decimals: number): string {
  if (decimals === 0) return value.toString();
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(decimals + 1, "0");
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals);
  return `${negative ? "-" : ""}${whole}.${fraction}`;
}

/** LINK-wei as LINK (18 decimals), trailing zeros trimmed: 1500000000000000000n -> "1.5". */
export function formatLink(wei: bigint): string {
  const text = formatFixed(wei, 18);
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}

/** "0x1234…abcd" for table columns; full addresses are in --json. */
export function shortHex(hex: string, keep = 4): string {
  return hex.length <= 2 + 2 * keep + 1 ? hex : `${hex.slice(0, 2 + keep)}…${hex.slice(-keep)}`;
}

/** Oracle indices as "0, 2 and 3". */
export function listOracles(indices: readonly number[]): string {
  if (indices.length === 0) return "none";
  if (indices.length === 1) return `${indices[0]}`;
  return `${indices.slice(0, -1).join(", ")} and ${indices[indices.length - 1]}`;
}

/** Left-aligned text columns, two spaces apart. */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join("  "));
}
