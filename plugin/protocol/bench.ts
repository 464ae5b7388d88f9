/**
 * Rounds per second of virtual time, and real time per report, for the (4,1) and (31,10)
 * committees on the fake chain. Prints figures; asserts nothing.
 *
 *   npx tsx plugin/protocol/bench.ts [reports]
 */
import { Committee } from "./committee.js";
import type { DataSource } from "../data-sources/data-source.js";

/**
 * A price that swings 2 % between consecutive rounds (well past the default 0.5 % alphaPPB),
 * plus a small per-oracle offset, so every round needs a report and the median is not trivial.
 */
function swingingSource(oracleIndex: number): DataSource {
  return {
    kind: "swinging",
    observe: async ({ epoch, round }) =>
      100_000_000n + (round % 2 === 0 ? 2_000_000n : 0n) + BigInt(epoch) * 10n + BigInt(oracleIndex),
  };
}

async function bench(n: number, f: number, reports: number): Promise<void> {
  const committee = new Committee({
    n,
    f,
    seed: `bench-${n}-${f}`,
    dataSource: swingingSource,
    config: { rMax: 20, deltaCMs: 60_000 },
    network: { latency: { kind: "uniform", minMs: 5, maxMs: 50 } },
  });
  const realStart = performance.now();
  await committee.start();
  const result = await committee.runUntil({ reports, virtualTimeMs: reports * 30_000 });
  const realMs = performance.now() - realStart;
  const rounds = committee.events("round-start").length;
  const epochs = new Set(committee.events("epoch-start").map((e) => e.epoch)).size;
  const virtualSec = result.elapsedMs / 1000;
  console.log(
    `(${n},${f}): ${result.reports} reports, ${rounds} rounds, ${epochs} epochs in ${virtualSec.toFixed(1)} s virtual ` +
      `= ${(rounds / virtualSec).toFixed(2)} rounds/s virtual, ${(result.reports / virtualSec).toFixed(2)} reports/s virtual; ` +
      `real ${(realMs / 1000).toFixed(2)} s (${(realMs / Math.max(1, result.reports)).toFixed(0)} ms/report), ` +
      `${result.events} events, ${committee.network.stats.delivered} messages`,
  );
  committee.stopAll();
}

const reports = Number(process.argv[2] ?? 20);
await bench(4, 1, reports);
await bench(31, 10, reports);
