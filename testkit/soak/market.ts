/**
 * Data sources of the soak: the honest market, and the faulty sources a fault plan swaps in
 * (a liar stuck at an extreme, a source that throws, a source that never answers in time).
 */
import type { DataSource } from "../../plugin/data-sources/data-source.js";
import { seededUniform } from "../../plugin/data-sources/random-walk.js";
import { fromFunction } from "../../plugin/data-sources/simple.js";
import { utf8Bytes } from "../../plugin/core/hash.js";
import type { Clock } from "../../plugin/protocol/clock.js";
import { COMMITTEE_MAX_ANSWER, COMMITTEE_MIN_ANSWER } from "../feed-fixture.js";
import { BASE_PRICE } from "../markets.js";

/** The market moves within ±20 % of the base price: always inside the feed's [COMMITTEE_MIN_ANSWER, COMMITTEE_MAX_ANSWER]. */
const SWING_PPB = 200_000_000n;
/** Each honest oracle sees the market within ±0.05 %: honest observations differ, so the median is a real choice. */
const NOISE_PPB = 500_000n;
const PPB = 1_000_000_000n;

/** The honest market as both a data source and the function the checker recomputes it with. */
export interface SoakMarket {
  readonly source: DataSource;
  /** What honest oracle `oracle` observes in (epoch, round): the same whenever it asks. */
  valueOf(epoch: number, round: number, oracle: number): bigint;
}

/**
 * The honest market: a pure function of (epoch, round) plus a per-oracle offset, so every
 * honest oracle of a round sees about the same price whenever it asks, a seed replays it, and
 * the checker can recompute any honest observation without asking the committee.
 */
export function soakMarket(seed: string): SoakMarket {
  const seedBytes = utf8Bytes(seed);
  const valueOf = (epoch: number, round: number, oracle: number): bigint => {
    const slot = [BigInt(epoch), BigInt(round)];
    const price = BASE_PRICE + (BASE_PRICE * seededUniform(seedBytes, "soak market", slot, SWING_PPB)) / PPB;
    const noise = (price * seededUniform(seedBytes, "soak noise", [...slot, BigInt(oracle)], NOISE_PPB)) / PPB;
    return price + noise;
  };
  return { valueOf, source: marketSource(valueOf, "soak-market") };
}

/** Deviation mode: share of rounds in which the price jumps away from its level. */
const JUMP_PERMILLE = 150n;

/**
 * The market of the deviation mode, for a feed with deviation threshold `alphaPPB`: the price
 * stays within ±alpha/4 of the base price, except in about 15 % of rounds, where it jumps by
 * 3·alpha (up or down); every oracle's noise is within ±alpha/20. So a round either clearly is
 * due a report by deviation (more than 2·alpha from the last answer) or clearly is not (less than
 * 0.6·alpha), and the checker's verdict never hangs on a rounding. Still a pure function of
 * (epoch, round, oracle).
 */
export function deviationMarket(seed: string, alphaPPB: bigint): SoakMarket {
  const seedBytes = utf8Bytes(seed);
  const valueOf = (epoch: number, round: number, oracle: number): bigint => {
    const slot = [BigInt(epoch), BigInt(round)];
    const jumpDraw = seededUniform(seedBytes, "deviation jump", slot, 1000n); // in [-1000, 1000]
    const jump = jumpDraw > 1000n - JUMP_PERMILLE ? 3n * alphaPPB : jumpDraw < -1000n + JUMP_PERMILLE ? -3n * alphaPPB : 0n;
    const wobble = seededUniform(seedBytes, "deviation wobble", slot, alphaPPB / 4n);
    const price = BASE_PRICE + (BASE_PRICE * (jump + wobble)) / PPB;
    const noise = (price * seededUniform(seedBytes, "deviation noise", [...slot, BigInt(oracle)], alphaPPB / 20n)) / PPB;
    return price + noise;
  };
  return { valueOf, source: marketSource(valueOf, "soak-deviation-market") };
}

function marketSource(valueOf: SoakMarket["valueOf"], kind: string): DataSource {
  return fromFunction(({ oracleIndex, epoch, round }) => valueOf(epoch, round, oracleIndex), kind);
}

/**
 * A liar: always the same extreme value, far outside the feed's answer range (so a lie that
 * became the median would not even be accepted by the contract, and the honest-range check
 * would flag it first).
 */
export function lyingSource(high: boolean): DataSource {
  const value = high ? COMMITTEE_MAX_ANSWER * 1000n : COMMITTEE_MIN_ANSWER / 1000n;
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
      return BASE_PRICE;
    },
  };
}
