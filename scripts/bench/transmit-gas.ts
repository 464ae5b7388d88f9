/**
 * Steady-state gas of one OCR1 `transmit` on our OffchainAggregator.
 *
 * For each (n, f): a fresh chain, billing on, n observations around 2000e8 with varying low
 * digits, f+1 signatures from oracles drawn at random (seeded), transmitters taking turns. The first transmit writes storage slots
 * for the first time (zero → non-zero costs far more than non-zero → non-zero), which a live
 * feed pays once in its life, so the figure is the mean of the transmits after it.
 */
import { deployOcrFeed } from "../../testkit/feed-fixture.js";
import { priceObservations } from "../../testkit/markets.js";
import { signerSubsets } from "./signer-subsets.js";

/** Total transmit gas of OffchainAggregator 4.0.0 for the same workload (spec figures). */
export const CHAINLINK_4_0_0_GAS: Readonly<Record<string, number>> = {
  "4/1": 129_170,
  "7/2": 141_024,
  "10/3": 152_890,
  "16/5": 176_599,
  "31/10": 238_673,
};

/** The target: at most 70 % of the reference at every size, whichever oracles sign. */
export const TARGET_FRACTION_OF_REFERENCE = 0.7;

export const TRANSMIT_CONFIGS: readonly (readonly [n: number, f: number])[] = [
  [4, 1],
  [7, 2],
  [10, 3],
  [16, 5],
  [31, 10],
];

/** How many transmits after the first one are averaged. */
export const STEADY_TRANSMITS = 5;

export type OcrFeed = Awaited<ReturnType<typeof deployOcrFeed>>;

/** Gas of the steady transmits of an (n, f) feed, and its summary. */
export interface GasSamples {
  readonly n: number;
  readonly f: number;
  /** Total transaction gas (21,000 base included) of transmits 2..STEADY_TRANSMITS+1. */
  readonly samples: readonly number[];
  readonly mean: number;
  readonly min: number;
  readonly max: number;
}

/** The summary of `samples` (at least one). */
export function gasSamples(n: number, f: number, samples: readonly number[]): GasSamples {
  return { n, f, samples, mean: mean(samples), min: Math.min(...samples), max: Math.max(...samples) };
}

export interface TransmitGasResult extends GasSamples {
  /** Gas spent after the accounting gasleft() in the last transmit, when asked for. */
  readonly gasAfterAccounting: number | null;
  /** The feed the transmits went to, for callers that want to read more from its chain. */
  readonly feed: OcrFeed;
}

/** "n/f", the key the reference table and the JSON output use. */
export function configKey(n: number, f: number): string {
  return `${n}/${f}`;
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) throw new Error("mean of no values");
  return values.reduce((a, b) => a + b, 0) / values.length;
}

export interface StructLog {
  readonly op: string;
  readonly gas: number;
  readonly gasCost: number;
  readonly depth: number;
}

/**
 * Gas used from the last GAS opcode (the accounting gasleft()) to the end of the transaction,
 * which is what OffchainAggregatorBilling.ACCOUNTING_GAS_COST must equal.
 */
export function gasAfterLastGasleft(structLogs: readonly StructLog[]): number {
  const last = structLogs.length - 1;
  let index = last;
  while (index >= 0 && structLogs[index].op !== "GAS") index--;
  if (index < 0) throw new Error("no GAS opcode in the trace");
  const returnedByGasleft = structLogs[index].gas - structLogs[index].gasCost;
  const remainingAtEnd = structLogs[last].gas - structLogs[last].gasCost;
  return returnedByGasleft - remainingAtEnd;
}

/**
 * Deploy a fresh (n, f) feed, transmit 1 + STEADY_TRANSMITS reports and average all but the
 * first. `traceAccounting` adds an opcode trace of the last transmit (slow for large n, so
 * only the detailed measurement script asks for it).
 */
export async function measureTransmitGas(
  n: number,
  f: number,
  options: { traceAccounting?: boolean } = {},
): Promise<TransmitGasResult> {
  const feed = await deployOcrFeed(n, f);
  const nextSigners = signerSubsets("ocr1", n, f);
  const samples: number[] = [];
  let gasAfterAccounting: number | null = null;
  for (let i = 0; i <= STEADY_TRANSMITS; i++) {
    const { receipt, tx } = await feed.transmit(1, i + 1, priceObservations(n, i), i % n, nextSigners());
    if (i === 0) continue;
    samples.push(Number(receipt.gasUsed));
    if (i === STEADY_TRANSMITS && options.traceAccounting === true) {
      const trace = await feed.ethers.provider.send("debug_traceTransaction", [tx.hash]);
      gasAfterAccounting = gasAfterLastGasleft(trace.structLogs as StructLog[]);
    }
  }
  // Every transmit must have landed as a new round, or the figures measure a revert path.
  const latestRound = Number(await feed.aggregator.latestRound());
  if (latestRound !== STEADY_TRANSMITS + 1) {
    throw new Error(`(${n},${f}): expected ${STEADY_TRANSMITS + 1} rounds on chain, found ${latestRound}`);
  }
  return { ...gasSamples(n, f, samples), gasAfterAccounting, feed };
}
