/**
 * Parsing of the `ocr:*` task options that are lists or numbers. Each parser either returns the
 * value or throws a HardhatPluginError that says what is wrong and what to type instead.
 */
import { BYZANTINE_BEHAVIOURS, type ByzantineBehaviour, isByzantineBehaviour } from "../plugin/protocol/byzantine-behaviours.js";
import { ocrError } from "./errors.js";

/** The committee sizes the aggregator accepts: f >= 1 needs n > 3, and n is at most 31. */
export const MIN_ORACLES = 4;
export const MAX_ORACLES = 31;

const INT192_MIN = -(1n << 191n);
const INT192_MAX = (1n << 191n) - 1n;

/** A string option the user did not give arrives as "" (Hardhat needs a default); treat it as absent. */
export function givenText(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

/**
 * One observation: an integer in the feed's smallest unit, optionally with an `e<k>` exponent,
 * so `2000e8` means 2000 with 8 decimals; a decimal point is fine as long as the exponent makes
 * the value whole (`2000.5e8` = 200050000000). Undefined when it is not a whole int192.
 */
export function parseObservationValue(text: string): bigint | undefined {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e(\d{1,3}))?$/i.exec(text.trim().replaceAll("_", ""));
  if (match === null) return undefined;
  const [, sign, whole, fraction = "", exponentText = "0"] = match;
  const exponent = Number(exponentText);
  const significantFraction = fraction.replace(/0+$/, "");
  if (significantFraction.length > exponent) return undefined; // not a whole number
  const digits = whole + significantFraction.padEnd(exponent, "0");
  const value = (sign === "-" ? -1n : 1n) * BigInt(digits);
  return value >= INT192_MIN && value <= INT192_MAX ? value : undefined;
}

/** `--timeout SECONDS`: a positive number of wall-clock seconds, as milliseconds. */
export function parseTimeoutSeconds(text: string | undefined): number | undefined {
  const given = givenText(text);
  if (given === undefined) return undefined;
  const seconds = /^\d+(\.\d+)?$/.test(given.trim()) ? Number(given) : NaN;
  if (!(Number.isFinite(seconds) && seconds > 0 && seconds <= 30 * 86_400)) {
    throw ocrError(`--timeout ${JSON.stringify(given)} is not valid. Give the wall-clock seconds to wait, a number above 0 and at most 2592000 (30 days), e.g. --timeout 120`);
  }
  return Math.round(seconds * 1000);
}

/** `--observations v0,v1,...`: exactly one integer per oracle. */
export function parseObservationList(text: string, n: number): bigint[] {
  const parts = text.split(",");
  if (parts.length !== n) {
    throw ocrError(
      `--observations has ${parts.length} value${parts.length === 1 ? "" : "s"} but the feed has ${n} oracles. ` +
        `Give one integer per oracle, in the feed's smallest unit, e.g. --observations ${exampleObservations(n)}`,
    );
  }
  return parts.map((part, i) => {
    const value = parseObservationValue(part);
    if (value === undefined) {
      throw ocrError(
        `--observations value ${i} (${JSON.stringify(part.trim())}) is not an integer that fits in int192. ` +
          `Write whole numbers in the feed's smallest unit (e.g. 200012345678, or 2000e8 for 2000.00000000 and 2000.5e8 for 2000.50000000 with 8 decimals)`,
      );
    }
    return value;
  });
}

function exampleObservations(n: number): string {
  return Array.from({ length: n }, (_, i) => `${2000 + i}e8`).join(",");
}

/**
 * `--down i,j`: distinct oracle indices below n, at most f of them (with more than f oracles
 * down no report can gather f+1 signatures from a 2f+1 quorum, so the round could never land).
 */
export function parseDownList(text: string, n: number, f: number): number[] {
  const trimmed = text.trim();
  if (trimmed === "") return [];
  const indices = trimmed.split(",").map((part) => {
    const t = part.trim();
    const index = /^\d+$/.test(t) ? Number(t) : NaN;
    if (!Number.isSafeInteger(index) || index >= n) {
      throw ocrError(`--down ${JSON.stringify(t)} is not an oracle index: the feed's oracles are 0 to ${n - 1}. List indices separated by commas, e.g. --down 0,2`);
    }
    return index;
  });
  const duplicate = indices.find((index, i) => indices.indexOf(index) !== i);
  if (duplicate !== undefined) throw ocrError(`--down lists oracle ${duplicate} twice. List each oracle once`);
  if (indices.length > f) {
    throw ocrError(
      `--down takes ${indices.length} oracles down but the feed (n=${n}, f=${f}) tolerates at most ${f} faulty oracle${f === 1 ? "" : "s"}, ` +
        `so no report could land. Take at most ${f} down, or deploy with more oracles (--oracles ${3 * indices.length + 1} --faulty ${indices.length})`,
    );
  }
  return indices.sort((a, b) => a - b);
}

/**
 * `--byzantine 1:wrong-report,3:silent-transmitter`: oracle index and behaviour per entry. Together
 * with `down` they may not exceed f, since beyond f the protocol promises nothing.
 */
export function parseByzantineList(text: string, n: number, f: number, down: readonly number[]): Map<number, ByzantineBehaviour> {
  const faulty = new Map<number, ByzantineBehaviour>();
  for (const part of text.split(",").map((p) => p.trim()).filter((p) => p !== "")) {
    const match = /^(\d+):([a-z-]+)$/.exec(part);
    const index = match === null ? NaN : Number(match[1]);
    if (match === null || !Number.isSafeInteger(index) || index >= n) {
      throw ocrError(`--byzantine ${JSON.stringify(part)} is not ORACLE:BEHAVIOUR with an oracle from 0 to ${n - 1}, e.g. --byzantine 1:wrong-report`);
    }
    if (!isByzantineBehaviour(match[2])) {
      throw ocrError(`--byzantine ${JSON.stringify(part)}: unknown behaviour ${JSON.stringify(match[2])}. Use one of: ${BYZANTINE_BEHAVIOURS.join(", ")}`);
    }
    if (faulty.has(index)) throw ocrError(`--byzantine lists oracle ${index} twice. Give each oracle one behaviour`);
    if (down.includes(index)) throw ocrError(`--byzantine: oracle ${index} is also in --down. An oracle is either down or Byzantine`);
    faulty.set(index, match[2]);
  }
  if (faulty.size + down.length > f) {
    throw ocrError(
      `--byzantine and --down make ${faulty.size + down.length} oracles faulty but the feed (n=${n}, f=${f}) tolerates at most ${f}. ` +
        `Name at most ${f} in total, or deploy with more oracles`,
    );
  }
  return faulty;
}

/** An optional integer option given as text, checked against [min, max]. */
export function parseIntegerOption(option: string, text: string | undefined, min: number, max: number): number | undefined {
  if (givenText(text) === undefined) return undefined;
  text = text!;
  const t = text.trim();
  const value = /^-?\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw ocrError(`--${option} ${JSON.stringify(text)} is not valid. Expected a whole number from ${min} to ${max}`);
  }
  return value;
}

/** Committee size checks the aggregator enforces, phrased for the CLI. */
export function checkCommitteeSize(n: number, f: number): void {
  if (n < MIN_ORACLES || n > MAX_ORACLES) {
    throw ocrError(`--oracles ${n} is out of range. An OCR committee has ${MIN_ORACLES} to ${MAX_ORACLES} oracles (the aggregator needs f >= 1 and more than 3f oracles)`);
  }
  if (f < 1) throw ocrError(`--faulty ${f} is not allowed: the aggregator rejects a fault tolerance of 0. Use --faulty 1 or more`);
  if (3 * f >= n) {
    const largestF = Math.floor((n - 1) / 3);
    const fix = largestF >= 1 && largestF !== f ? `Use --faulty ${largestF} or --oracles ${3 * f + 1}` : `Use --oracles ${3 * f + 1}`;
    throw ocrError(`${n} oracles cannot tolerate ${f} faulty one${f === 1 ? "" : "s"}: OCR needs more than 3f oracles. ${fix}`);
  }
}

/** `--protocol`: "ocr2" or "ocr1" (empty: the feed's config decides). */
export function parseProtocol(text: string | undefined): "ocr2" | "ocr1" | undefined {
  const given = givenText(text);
  if (given === undefined) return undefined;
  const protocol = given.toLowerCase();
  if (protocol === "ocr2" || protocol === "ocr1") return protocol;
  throw ocrError(`--protocol ${JSON.stringify(given)}: use ocr2 (OCR2Aggregator, the default) or ocr1 (OffchainAggregator)`);
}
