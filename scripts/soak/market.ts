/**
 * Data sources of the soak: the honest market, and the faulty sources a fault plan swaps in
 * (a liar stuck at an extreme, a source that throws, a source that never answers in time).
 */
import type { DataSource } from "../../plugin/data-sources/data-source.js";
import { seededUniform } from "../../plugin/data-sources/random-walk.js";
import { fromFunction } from "../../plugin/data-sources/simple.js";
import { utf8Bytes } from "../../plugin/core/hash.js";
import type { Clock } from "../../plugin/protocol/clock.js";
import { MAX_ANSWER, MIN_ANSWER } from "../../test/committee/committee-feed.js";

/** $2000 with 8 decimals. */
export const SOAK_BASE_PRICE = 2000n * 10n ** 8n;
/** The market moves within ±20 % of the base price: always inside the feed's [MIN_ANSWER, MAX_ANSWER]. */
const SWING_PPB = 200_000_000n;
/** Each honest oracle sees the market within ±0.05 %: honest observations differ, so the median is a real choice. */
const NOISE_PPB = 500_000n;
const PPB = 1_000_000_000n;

/**
 * The honest market: a pure function of (epoch, round) plus a per-oracle offset, so every
 * honest oracle of a round sees about the same price whenever it asks, and a seed replays it.
 */
export function soakMarket(seed: string): DataSource {
  const seedBytes = utf8Bytes(seed);
  return fromFunction(({ oracleIndex, epoch, round }) => {
    const slot = [BigInt(epoch), BigInt(round)];
    const price = SOAK_BASE_PRICE + (SOAK_BASE_PRICE * seededUniform(seedBytes, "soak market", slot, SWING_PPB)) / PPB;
    const noise = (price * seededUniform(seedBytes, "soak noise", [...slot, BigInt(oracleIndex)], NOISE_PPB)) / PPB;
    return price + noise;
  }, "soak-market");
}

/**
 * A liar: always the same extreme value, far outside the feed's answer range (so a lie that
 * became the median would not even be accepted by the contract, and the honest-range check
 * would flag it first).
 */
export function lyingSource(high: boolean): DataSource {
  const value = high ? MAX_ANSWER * 1000n : MIN_ANSWER / 1000n;
  return fromFunction(() => value, high ? "liar-high" : "liar-low");
}

/** A source whose every call fails (an API that is down). */
export function failingSource(): DataSource {
  return {
    kind: "failing",
    observe: () => Promise.reject(new Error("soak: data source unavailable")),
  };
}

/**
 * A source that answers only after `delayMs` of committee time, longer than the oracle waits
 * (DataSourceTimeout + grace), so every request times out. It waits on the committee's clock
 * rather than never settling: the virtual clock would otherwise stall for its real-time cap on
 * every request.
 */
export function hangingSource(clock: Clock, delayMs: number): DataSource {
  return {
    kind: "hanging",
    observe: async () => {
      await clock.sleep(delayMs);
      return SOAK_BASE_PRICE;
    },
  };
}
