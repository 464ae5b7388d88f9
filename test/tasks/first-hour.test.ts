/**
 * What a new user meets in the first hour, on the in-process network: `ocr:run` reports on the
 * committee's own rules (no RoundRequested unless --request), says why each report was made, and
 * prints JSON lines; waits are bounded in wall-clock time and say what they wait for; errors of a
 * `--json` run are JSON too; a keySeed is never needed on local chains.
 */
import { expect } from "chai";
import { Contract, id } from "ethers";
import { configVariable } from "hardhat/config";
import { createHardhatRuntimeEnvironment } from "hardhat/hre";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import baseConfig from "../../hardhat.config.js";
import { captureStdout } from "./task-support.js";

/** RoundRequested of OCR1 (16-byte digest) and of OCR2 (32-byte digest). */
const ROUND_REQUESTED = [id("RoundRequested(address,bytes16,uint32,uint8)"), id("RoundRequested(address,bytes32,uint32,uint8)")];
const REASONS_OF_OWN_RULES = ["first", "deviation", "heartbeat"];

async function runTask(hre: HardhatRuntimeEnvironment, task: string, args: Record<string, unknown>) {
  return captureStdout(() => hre.tasks.getTask(task).run(args) as Promise<unknown>);
}

/** Lines a --json run of ocr:run printed, parsed. */
function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function roundRequestedCount(hre: HardhatRuntimeEnvironment, aggregator: string): Promise<number> {
  const { ethers } = await hre.network.getOrCreate();
  const logs = await ethers.provider.getLogs({ address: aggregator, topics: [ROUND_REQUESTED], fromBlock: 0, toBlock: "latest" });
  return logs.length;
}

describe("a new user's first hour (in-process network)", function () {
  this.timeout(300_000);

  it("ocr:run --rounds 4 --json reports on deviation and heartbeat only: 4 report lines with their reason, no RoundRequested", async () => {
    const hre = await createHardhatRuntimeEnvironment({ ...baseConfig }, {}, process.cwd());
    const { stdout } = await runTask(hre, "ocr:run", { rounds: 4, json: true });
    const lines = jsonLines(stdout);
    const reports = lines.filter((l) => l.type === "report");
    expect(reports.length).to.equal(4);
    expect(reports[0].reason).to.equal("first");
    for (const report of reports) expect(REASONS_OF_OWN_RULES).to.include(report.reason);
    expect(reports.map((r) => r.aggregatorRoundId)).to.deep.equal(["1", "2", "3", "4"]);
    const summary = lines.at(-1)!;
    expect(summary.type).to.equal("summary");
    expect(summary.reports).to.equal(4);
    expect(await roundRequestedCount(hre, reports[0].aggregator as string)).to.equal(0);
  });

  it("ocr:run --request forces every report: one RoundRequested per report, and the text output names the reason", async () => {
    const hre = await createHardhatRuntimeEnvironment({ ...baseConfig }, {}, process.cwd());
    const { value, stdout } = await runTask(hre, "ocr:run", { rounds: 3, request: true });
    const summary = value as { reports: number };
    expect(summary.reports).to.equal(3);
    const progress = stdout.split("\n").filter((line) => line.startsWith("["));
    expect(progress.length).to.equal(3);
    // The first round is "first"; a requested round that also deviates says "deviation".
    expect(progress[0]).to.match(/\bfirst\b/);
    for (const line of progress) expect(line).to.match(/\b(first|deviation|heartbeat|requested)\b/);
    const feed = (await hre.network.getOrCreate()).ocr.feeds.get("ETH / USD")!;
    expect(await roundRequestedCount(hre, feed.addresses.aggregator)).to.be.at.least(3);
  });

  it("a data source that never answers fails the round within the wall-clock bound, saying which oracles wait for it", async () => {
    const hre = await createHardhatRuntimeEnvironment(
      {
        ...baseConfig,
        ocr: { feeds: { "HANG / USD": { dataSource: { type: "function", observe: () => new Promise<bigint>(() => {}) } } } },
      },
      {},
      process.cwd(),
    );
    const connection = await hre.network.getOrCreate();
    const feed = await connection.ocr.deployFeed("HANG / USD");
    const waiting: string[] = [];
    const started = Date.now();
    const error = await feed
      .runRound({ wallTimeoutMs: 8_000, progressIntervalMs: 2_000, onWaiting: (status) => waiting.push(status.waitingFor) })
      .then(
        () => expect.fail("a round whose every data source hangs cannot land"),
        (e: Error & { code?: string }) => e,
      );
    const elapsedMs = Date.now() - started;
    expect(error.code).to.equal("OCR_NO_REPORT");
    expect(error.message).to.match(/wall-clock time/);
    expect(error.message).to.match(/data source/);
    // Bounded: the 8 s wall bound plus at most one engine wait for abandoned work (5 s), not minutes.
    expect(elapsedMs).to.be.below(30_000);
    expect(waiting.length).to.be.greaterThan(0);
    expect(waiting.join("\n")).to.match(/oracles? [\d, ]+ ha(s|ve) not observed yet: (its|their) function data source has not answered/);
  });

  it("ocr:run-round --json prints a JSON error object on stdout when it fails", async () => {
    const hre = await createHardhatRuntimeEnvironment({ ...baseConfig }, {}, process.cwd());
    let failure: Error | undefined;
    const { stdout } = await captureStdout(() =>
      (hre.tasks.getTask("ocr:run-round").run({ json: true, feed: "NO / SUCH" }) as Promise<unknown>).catch((e: Error) => (failure = e)),
    );
    expect(failure, "an unknown feed must fail").to.not.equal(undefined);
    const parsed = JSON.parse(stdout) as { error: { plugin: string; message: string } };
    expect(parsed.error.plugin).to.equal("hardhat-ocr");
    expect(parsed.error.message).to.equal(failure!.message);
    expect(parsed.error.message).to.contain('Unknown feed "NO / SUCH"');
  });

  it("a feed with a keySeed variable that is not set still runs on local chains (the plain seed is used there)", async () => {
    delete process.env.OCR_FIRST_HOUR_UNSET_SEED;
    const hre = await createHardhatRuntimeEnvironment(
      { ...baseConfig, ocr: { feeds: { "ETH / USD": { keySeed: configVariable("OCR_FIRST_HOUR_UNSET_SEED") } } } },
      {},
      process.cwd(),
    );
    const { value } = await runTask(hre, "ocr:run-round", { json: true });
    expect((value as { aggregatorRoundId: string }).aggregatorRoundId).to.equal("1");
  });

  it("ocr:run-round deploys in process with --oracles, --faulty and --decimals", async () => {
    const hre = await createHardhatRuntimeEnvironment({ ...baseConfig }, {}, process.cwd());
    const { value } = await runTask(hre, "ocr:run-round", { json: true, oracles: "7", faulty: "2", decimals: "18", observations: "1e18,2e18,3e18,4e18,5e18,6e18,7e18" });
    const round = value as { answer: string; signers: number[] };
    expect(round.answer).to.equal((4n * 10n ** 18n).toString());
    expect(round.signers.length).to.equal(3);
    const feed = (await hre.network.getOrCreate()).ocr.feeds.get("ETH / USD")!;
    expect([feed.n, feed.f, feed.decimals]).to.deep.equal([7, 2, 18]);
    const decimals = await new Contract(feed.addresses.proxy, ["function decimals() view returns (uint8)"], (await hre.network.getOrCreate()).ethers.provider).decimals();
    expect(decimals).to.equal(18n);
  });

  it("a 2|2 partition is explained as a partition, and setObservations refuses values outside int192 with a plugin error", async () => {
    const hre = await createHardhatRuntimeEnvironment({ ...baseConfig }, {}, process.cwd());
    const feed = await (await hre.network.getOrCreate()).ocr.deployFeed();
    expect(() => feed.setObservations([10n ** 60n])).to.throw(/does not fit in int192/);
    feed.setNetwork({ partition: [[0, 1], [2, 3]] });
    const error = await feed.runRound().then(
      () => expect.fail("no report can land across a 2|2 partition"),
      (e: Error & { reason?: string }) => e,
    );
    expect(error.reason).to.match(/partitioned into 0,1 \| 2,3; the largest group .* has 2 running oracles, and a report needs 2f\+1 = 3/);
    feed.setNetwork({ partition: [] });
    expect((await feed.runRound()).aggregatorRoundId).to.equal(1n);
  });
});
