/**
 * Price inputs for feeds under test: fixed observation sets for single transmits and a market
 * data source for committees.
 */
import type { DataSource } from "../plugin/data-sources/data-source.js";
import { fromFunction } from "../plugin/data-sources/simple.js";

/** $2000 with 8 decimals. */
export const BASE_PRICE = 2000n * 10n ** 8n;

/** n observations around 2000e8 with varying low digits, as a price feed would see. */
export function priceObservations(n: number, seed: number): bigint[] {
  return Array.from({ length: n }, (_, i) => BASE_PRICE + BigInt(((seed * 7919 + i * 104_729) % 100_000) - 50_000));
}

/**
 * A price that rises 1 % with every (epoch, round) slot, slot = epoch · rMax + round, so each
 * round deviates from the last report by at least 1 % > alpha (0.5 %) and every round reports,
 * however many slots an epoch change skips. A pure function of (epoch, round): all oracles of
 * a round see the same market, each with its own fixed offset (within ±0.01 % of the price)
 * so that the median is a real choice. It stays below COMMITTEE_MAX_ANSWER for the first ~600 slots.
 */
export function risingMarket(rMax: number): DataSource {
  return fromFunction(({ oracleIndex, epoch, round }) => {
    const slot = BigInt(epoch * rMax + round);
    const price = (BASE_PRICE * 101n ** slot) / 100n ** slot;
    const offset = ((BigInt((oracleIndex * 7919) % 201) - 100n) * price) / 1_000_000n;
    return price + offset;
  }, "rising-market");
}
