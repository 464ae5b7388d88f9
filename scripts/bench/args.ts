/**
 * Command-line flags of `npm run bench`:
 *   --json              print only the JSON object on stdout
 *   --reports K         measured reports per throughput config (default 100 for (4,1), 40 for (31,10))
 *   --only PART[,PART]  run only some parts: gas, flux, throughput, crypto, runround
 */
export const BENCH_PARTS = ["gas", "flux", "throughput", "crypto", "runround"] as const;
export type BenchPart = (typeof BENCH_PARTS)[number];

export interface BenchArgs {
  readonly json: boolean;
  /** null: each config's default. */
  readonly reports: number | null;
  readonly parts: ReadonlySet<BenchPart>;
}

export const BENCH_USAGE = "usage: npm run bench -- [--json] [--reports K] [--only gas|flux|throughput|crypto|runround[,...]]";

function isBenchPart(value: string): value is BenchPart {
  return (BENCH_PARTS as readonly string[]).includes(value);
}

function parseParts(value: string): Set<BenchPart> {
  const parts = new Set<BenchPart>();
  for (const name of value.split(",").map((s) => s.trim())) {
    if (!isBenchPart(name)) throw new Error(`unknown part "${name}" for --only; expected one of ${BENCH_PARTS.join(", ")}`);
    parts.add(name);
  }
  return parts;
}

function parseReports(value: string): number {
  const reports = Number(value);
  if (!Number.isInteger(reports) || reports < 1) throw new Error(`--reports needs a positive integer, got "${value}"`);
  return reports;
}

/** Parse argv (without node and the script). Throws with a readable message on bad input. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  let json = false;
  let reports: number | null = null;
  let parts: Set<BenchPart> | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    // Accept both "--flag value" and "--flag=value".
    const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[++i];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    if (flag === "--json" && inline === undefined) json = true;
    else if (flag === "--reports") reports = parseReports(value());
    else if (flag === "--only") parts = new Set([...(parts ?? []), ...parseParts(value())]);
    else throw new Error(`unknown argument "${arg}"`);
  }
  return { json, reports, parts: parts ?? new Set(BENCH_PARTS) };
}
