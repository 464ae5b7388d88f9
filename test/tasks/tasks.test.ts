/**
 * The ocr:* tasks on the in-process network, run the way the CLI runs them
 * (`hre.tasks.getTask(id).run(args)`), with their printed JSON checked against the report
 * bytes and the chain.
 */
import { expect } from "chai";
import { createHardhatRuntimeEnvironment } from "hardhat/hre";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { Contract } from "ethers";

import baseConfig from "../../hardhat.config.js";
import { bytesToHex } from "../../plugin/core/bytes.js";
import { deriveOracleKeys } from "../../plugin/core/keys.js";
import { captureStdout, expectPluginError, readOnchainConfig, verifyRoundJson } from "./task-support.js";

const PHASE_1 = 1n << 64n;

describe("ocr:* tasks on the in-process network", function () {
  this.timeout(300_000);
  let hre: HardhatRuntimeEnvironment;

  const run = async (task: string, args: Record<string, unknown>) =>
    captureStdout(() => hre.tasks.getTask(task).run(args) as Promise<unknown>);
  const runJson = async (task: string, args: Record<string, unknown>) => {
    const { value, stdout } = await run(task, { ...args, json: true });
    const parsed = JSON.parse(stdout);
    // What the action returns is exactly what it printed.
    expect(JSON.parse(JSON.stringify(value))).to.deep.equal(parsed);
    return { json: parsed, stdout };
  };
  const provider = async () => (await hre.network.getOrCreate()).ethers.provider;

  before(async () => {
    hre = await createHardhatRuntimeEnvironment(
      // OCR1 feeds: the checks below read OCR1's report layout and ConfigSet (OCR2's: ocr2-tasks.test.ts).
      { ...baseConfig, ocr: { feeds: { "ETH / USD": { protocol: "ocr1" }, "BTC / USD": { protocol: "ocr1", oracles: 7, faultTolerance: 2, seed: "btc test seed" } } } },
      {},
      process.cwd(),
    );
  });

  it("ocr:status on the in-process network before any deployment says how to keep a feed", async () => {
    await expectPluginError(hre.tasks.getTask("ocr:status").run({}), /not deployed on the in-process network "default".*npx hardhat node/s);
  });

  it("ocr:run-round --json works as the very first command and its JSON holds up", async () => {
    const { json } = await runJson("ocr:run-round", {});
    expect(json.network).to.equal("default");
    expect(json.feed).to.equal("ETH / USD");
    const config = await verifyRoundJson(json, await provider());
    expect(config.signers).to.have.length(4);
    expect(json.aggregatorRoundId).to.equal("1");
    expect(json.proxyRoundId).to.equal((PHASE_1 + 1n).toString());
    expect(json.observations).to.have.length.at.least(3);
  });

  it("--observations fixes each oracle's value; the answer is the sorted observation at n/2", async () => {
    const { json } = await runJson("ocr:run-round", { observations: "100e8, 400e8,200e8,300e8" });
    await verifyRoundJson(json, await provider());
    const given = new Map([[0, 100e8], [1, 400e8], [2, 200e8], [3, 300e8]].map(([o, v]) => [o, BigInt(v)]));
    for (const { oracle, value } of json.observations) expect(value).to.equal(given.get(oracle)!.toString());
    expect(json.observations.map((o: { value: string }) => o.value)).to.deep.equal(["10000000000", "20000000000", "30000000000", "40000000000"]);
    // Upper middle of four, never an average.
    expect(json.answer).to.equal("30000000000");
    expect(json.aggregatorRoundId).to.equal("2");
  });

  it("--down keeps an oracle out of the round: no observation, signature or transmission from it", async () => {
    const { json } = await runJson("ocr:run-round", { down: "1" });
    await verifyRoundJson(json, await provider());
    expect(json.observations.map((o: { oracle: number }) => o.oracle)).to.not.include(1);
    expect(json.observations).to.have.length(3);
    expect(json.signers).to.not.include(1);
    expect(json.transmitter.oracle).to.not.equal(1);
    expect(json.leader).to.not.equal(1);
    expect(json.aggregatorRoundId).to.equal("3");
  });

  it("rejects bad --down, --observations and --feed values with a fix in the message", async () => {
    await expectPluginError(hre.tasks.getTask("ocr:run-round").run({ down: "0,1" }), /tolerates at most 1 faulty oracle.*Take at most 1 down/s);
    await expectPluginError(hre.tasks.getTask("ocr:run-round").run({ down: "9" }), /oracles are 0 to 3/);
    await expectPluginError(hre.tasks.getTask("ocr:run-round").run({ observations: "1,2" }), /has 2 values but the feed has 4 oracles/);
    await expectPluginError(hre.tasks.getTask("ocr:run-round").run({ feed: "DOGE / USD" }), /Unknown feed "DOGE \/ USD".*"ETH \/ USD", "BTC \/ USD"/s);
    await expectPluginError(hre.tasks.getTask("ocr:deploy").run({ feed: "BTC / USD", oracles: "6" }), /6 oracles cannot tolerate 2 faulty ones.*--oracles 7/s);
  });

  it("ocr:deploy --json lists the contracts and public oracle identities, never a key", async () => {
    const { json, stdout } = await runJson("ocr:deploy", { feed: "BTC / USD", decimals: "6", description: "BTC in USD" });
    expect(Object.keys(json)).to.have.members([
      "network", "chainId", "feed", "aggregator", "proxy", "linkToken", "protocol", "n", "f", "configDigest", "configCount", "oracles",
    ]);
    expect(json).to.include({ network: "default", chainId: "31337", feed: "BTC / USD", n: 7, f: 2, configCount: 1 });
    const onchain = await readOnchainConfig(await provider(), json.aggregator);
    expect(json.configDigest.toLowerCase()).to.equal(onchain.configDigest.toLowerCase());
    expect(json.oracles.map((o: { signer: string }) => o.signer)).to.deep.equal(onchain.signers);
    expect(json.oracles.map((o: { transmitter: string }) => o.transmitter)).to.deep.equal(onchain.transmitters);
    expect(json.oracles.map((o: { index: number }) => o.index)).to.deep.equal([0, 1, 2, 3, 4, 5, 6]);
    const aggregator = new Contract(json.aggregator, ["function decimals() view returns (uint8)", "function description() view returns (string)"], await provider());
    expect(await aggregator.decimals()).to.equal(6n);
    expect(await aggregator.description()).to.equal("BTC in USD");

    const secrets = Array.from({ length: 7 }, (_, i) => deriveOracleKeys("btc test seed", i)).flatMap((k) =>
      [k.onchainSigningKey, k.offchainSigningKey, k.configEncryptionKey, k.transmitterKey].map((s) => bytesToHex(s).slice(2)),
    );
    for (const secret of secrets) expect(stdout.toLowerCase()).to.not.contain(secret);
  });

  it("a 7-oracle feed with f=2 lands a round with two oracles down and three signatures", async () => {
    const { json } = await runJson("ocr:run-round", { feed: "BTC / USD", down: "0,5" });
    await verifyRoundJson(json, await provider());
    expect(json.signers).to.have.length(3);
    for (const down of [0, 5]) {
      expect(json.signers).to.not.include(down);
      expect(json.observations.map((o: { oracle: number }) => o.oracle)).to.not.include(down);
    }
  });

  it("--byzantine makes oracles Byzantine for that round only; the answer stays within the honest observations", async () => {
    const { json } = await runJson("ocr:run-round", { feed: "BTC / USD", byzantine: "2:wrong-report,4:bad-report-signature" });
    await verifyRoundJson(json, await provider());
    // Their report signatures never count: the f+1 signers are honest oracles.
    for (const faulty of [2, 4]) expect(json.signers).to.not.include(faulty);
    const feed = (await hre.network.getOrCreate()).ocr.feeds.get("BTC / USD")!;
    const trace = feed.trace();
    expect(trace.some((e) => e.type === "byzantine-act" && e.behaviour === "wrong-report")).to.equal(true);
    // Honest again afterwards: the next round may use their signatures.
    const acts = trace.filter((e) => e.type === "byzantine-act").length;
    await runJson("ocr:run-round", { feed: "BTC / USD" });
    expect(feed.trace().filter((e) => e.type === "byzantine-act").length).to.equal(acts);
  });

  it("ocr:status --json shows the latest rounds newest first and what each oracle is owed", async () => {
    const { json } = await runJson("ocr:status", { rounds: 2 });
    expect(json).to.include({ feed: "ETH / USD", n: 4, f: 1, totalRounds: 3, phaseId: 1, configCount: 1 });
    expect(json.latestRounds.map((r: { proxyRoundId: string }) => r.proxyRoundId)).to.deep.equal([(PHASE_1 + 3n).toString(), (PHASE_1 + 2n).toString()]);
    expect(json.latestRounds[1].answer).to.equal("30000000000");
    const aggregator = new Contract(json.aggregator, ["function owedPayment(address) view returns (uint256)"], await provider());
    for (const oracle of json.oracles) {
      const owed = (await aggregator.owedPayment(oracle.transmitter)) as bigint;
      expect(oracle.owedLink).to.equal(owed.toString());
      // Every oracle observed in at least two of the three rounds.
      expect(owed > 0n).to.equal(true);
    }
  });

  it("ocr:run --rounds 3 --request prints a line per report and a summary", async () => {
    const { value, stdout } = await run("ocr:run", { rounds: 3, request: true });
    const summary = value as { reports: number; stoppedBy: string; firstProxyRoundId: string; lastProxyRoundId: string; transmissionsByOracle: number[] };
    expect(summary.reports).to.equal(3);
    expect(summary.stoppedBy).to.equal("rounds");
    expect(summary.firstProxyRoundId).to.equal((PHASE_1 + 4n).toString());
    expect(summary.lastProxyRoundId).to.equal((PHASE_1 + 6n).toString());
    expect(summary.transmissionsByOracle.reduce((a, b) => a + b, 0)).to.equal(3);
    const progress = stdout.split("\n").filter((line) => /^\[\d\/3\] round \d+ \(proxy \d+\)/.test(line));
    expect(progress).to.have.length(3);
    expect(stdout).to.contain("Summary (all requested reports landed): 3 reports landed");
  });

  it("ocr:run-round without --json explains the round in words", async () => {
    const { stdout } = await run("ocr:run-round", { json: false });
    expect(stdout).to.match(/epoch \d+, round \d+, leader oracle \d/);
    expect(stdout).to.match(/Median \(observation \d of \d, sorted\): \d+\.\d{8}/);
    expect(stdout).to.match(/Transmitted by oracle \d \(0x[0-9a-fA-F]{40}\) in stage \d/);
    expect(stdout).to.contain(`proxy round ${PHASE_1 + 7n} = phase 1, aggregator round 7`);
  });

  it("ocr:status without --json prints the config, the oracles' owed LINK and the latest rounds", async () => {
    const { stdout } = await run("ocr:status", { rounds: 2, json: false });
    expect(stdout).to.match(/config {7}#1 set in block \d+, digest 0x[0-9a-f]{32}/);
    expect(stdout).to.contain("committee    OCR1, n=4, f=1");
    expect(stdout).to.match(/^ {2}#\s+signer\s+transmitter\s+payee\s+owed LINK$/m);
    expect(stdout).to.contain(`Latest rounds (2 of 7, newest first):`);
    expect(stdout).to.match(new RegExp(`^  ${PHASE_1 + 7n}\\s+1\\s+7\\s+\\d+\\.\\d{8}`, "m"));
  });
});
