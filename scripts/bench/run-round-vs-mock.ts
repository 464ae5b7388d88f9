/**
 * What a user compares an OCR round with: a mock aggregator's `updateAnswer` transaction plus a
 * `latestRoundData()` read, against `feed.runRound()` through `connection.ocr`, both on the same
 * in-process Hardhat chain and timed alternately, so that the machine's load falls on both alike.
 * Each figure is the median of its samples, after untimed warm-up calls (JIT, first config read).
 */
import type { BaseContract } from "ethers";
import { network } from "hardhat";

/** Committee sizes the ratios are printed for. */
export const RUN_ROUND_CONFIGS = [
  { n: 4, f: 1 },
  { n: 7, f: 2 },
  { n: 31, f: 10 },
] as const;
/** Samples per figure (the median is taken). */
export const RUN_ROUND_SAMPLES = 30;
/** Untimed calls of each kind before the samples. */
const WARMUP_CALLS = 3;

export interface RunRoundVsMockResult {
  readonly n: number;
  readonly f: number;
  readonly samples: number;
  /** Median milliseconds of one `feed.runRound()`. */
  readonly runRoundMs: number;
  /** Median milliseconds of one mock `updateAnswer` (mined) plus `latestRoundData()`. */
  readonly mockMs: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function timeMs(work: () => Promise<unknown>): Promise<number> {
  const startedAt = performance.now();
  await work();
  return performance.now() - startedAt;
}

interface MockAggregator extends BaseContract {
  updateAnswer(answer: bigint): Promise<{ wait(): Promise<unknown> }>;
  latestRoundData(): Promise<[bigint, bigint, bigint, bigint, bigint]>;
}

/**
 * Deploy a mock and an (n, f) feed on one fresh in-process chain, then time `samples` mock
 * updates and `samples` runRounds, alternating. Throws when a round or update does not show.
 */
export async function measureRunRoundVsMock(n: number, f: number, samples = RUN_ROUND_SAMPLES): Promise<RunRoundVsMockResult> {
  const { ethers, ocr } = await network.create();
  const mock = (await ethers.deployContract("MockV3StyleAggregator", [8, 2000n * 10n ** 8n])) as unknown as MockAggregator;
  const feed = await ocr.deployFeed(`bench ${n}/${f}`, { oracles: n, faultTolerance: f, seed: `bench-run-round-${n}-${f}` });
  let answer = 2000n * 10n ** 8n;
  const mockUpdate = async () => {
    answer += 1n;
    await (await mock.updateAnswer(answer)).wait();
    const [, read] = await mock.latestRoundData();
    if (read !== answer) throw new Error(`the mock read back ${read} after updating to ${answer}`);
  };
  try {
    for (let i = 0; i < WARMUP_CALLS; i++) {
      await mockUpdate();
      await feed.runRound();
    }
    const mockSamples: number[] = [];
    const roundSamples: number[] = [];
    for (let i = 0; i < samples; i++) {
      mockSamples.push(await timeMs(mockUpdate));
      roundSamples.push(await timeMs(() => feed.runRound()));
    }
    return { n, f, samples, runRoundMs: median(roundSamples), mockMs: median(mockSamples) };
  } finally {
    feed.stop?.();
  }
}
