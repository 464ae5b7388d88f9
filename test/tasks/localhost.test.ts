/**
 * The ocr:* tasks against a real `hardhat node`, each command in its own process as a user
 * would type them: ocr:deploy records the feed, later processes attach to it. Once with an
 * automining node and once with a node that mines a block per second (automine off).
 */
import { readFile, readdir, stat } from "node:fs/promises";
import path from "node:path";

import hardhatEthers from "@nomicfoundation/hardhat-ethers";
import { expect } from "chai";
import { Contract, JsonRpcProvider } from "ethers";
import { configVariable } from "hardhat/config";
import { createHardhatRuntimeEnvironment } from "hardhat/hre";

import { deriveOracleKeys } from "../../plugin/core/keys.js";
import { recordFileName } from "../../plugin/deployments/records.js";
import hardhatOcr from "../../plugin/index.js";

import { verifyRoundJson } from "./task-support.js";
import {
  HardhatCommandProcess,
  failureOutput,
  type HardhatNodeProcess,
  type LocalNode,
  parseJson,
  runHardhat as hardhat,
  startLocalNode,
  stopLocalNode,
} from "../support/hardhat-node.js";

const PHASE_1 = 1n << 64n;

for (const scenario of [
  { title: "an automining node", nodeArgs: [] as string[], expectAutomine: true },
  { title: "a node that mines every second with automine off", nodeArgs: ["--network", "intervalMined"], expectAutomine: false },
]) {
  describe(`ocr:* tasks in separate processes against ${scenario.title}`, function () {
    this.timeout(600_000);
    let local: LocalNode | undefined;
    let deploymentsDir: string;
    let env: NodeJS.ProcessEnv;
    let provider: JsonRpcProvider;

    before(async () => {
      local = await startLocalNode("ocr-node-deployments-", scenario.nodeArgs);
      ({ deploymentsDir, env, provider } = local);
    });
    after(() => stopLocalNode(local));

    it(`the node ${scenario.expectAutomine ? "automines" : "mines on an interval"}`, async () => {
      expect(await provider.send("hardhat_getAutomine", [])).to.equal(scenario.expectAutomine);
    });

    it("ocr:deploy records the deployment and keeps the key seed in a private, git-ignored keys.json", async () => {
      const deployed = parseJson(await hardhat(["--network", "ocrTestNode", "ocr:deploy", "--json"], env));
      expect(deployed).to.include({ network: "ocrTestNode", chainId: "31337", feed: "ETH / USD", n: 4, f: 1, configCount: 1 });
      const networkDir = path.join(deploymentsDir, "ocrTestNode-31337");
      const record = JSON.parse(await readFile(path.join(networkDir, recordFileName("ETH / USD")), "utf8"));
      expect(record.addresses).to.include({ aggregator: deployed.aggregator, proxy: deployed.proxy, linkToken: deployed.linkToken });
      expect(record).to.include({ n: 4, f: 1, configDigest: deployed.configDigest, keySource: "local-keys-file" });
      expect(record.oracles).to.deep.equal(deployed.oracles);
      expect((await stat(path.join(networkDir, "keys.json"))).mode & 0o777).to.equal(0o600);
      expect(await readFile(path.join(networkDir, ".gitignore"), "utf8")).to.match(/^keys\.json$/m);
      expect(await provider.getCode(deployed.aggregator)).to.not.equal("0x");
    });

    it("three ocr:run-round processes attach to it and land aggregator rounds 1, 2, 3", async () => {
      for (const round of [1n, 2n, 3n]) {
        const json = parseJson(await hardhat(["--network", "ocrTestNode", "ocr:run-round", "--json"], env));
        await verifyRoundJson(json, provider);
        expect(json.network).to.equal("ocrTestNode");
        expect(json.aggregatorRoundId).to.equal(round.toString());
        expect(json.proxyRoundId).to.equal((PHASE_1 + round).toString());
      }
    });

    it("ocr:status in another process sees the three rounds, and changes nothing on chain", async () => {
      const recordFile = (await readdir(deploymentsDir, { recursive: true })).find((f) => String(f).endsWith(recordFileName("ETH / USD")))!;
      const record = JSON.parse(await readFile(path.join(deploymentsDir, String(recordFile)), "utf8"));
      const transmitters: string[] = record.oracles.map((o: { transmitter: string }) => o.transmitter);
      const balancesBefore = await Promise.all(transmitters.map((t) => provider.getBalance(t)));
      const noncesBefore = await Promise.all(transmitters.map((t) => provider.getTransactionCount(t)));
      const status = parseJson(await hardhat(["--network", "ocrTestNode", "ocr:status", "--json"], env));
      // Read-only: no committee started, no transmitter topped up, nothing sent.
      expect(await Promise.all(transmitters.map((t) => provider.getBalance(t)))).to.deep.equal(balancesBefore);
      expect(await Promise.all(transmitters.map((t) => provider.getTransactionCount(t)))).to.deep.equal(noncesBefore);
      expect(status.totalRounds).to.equal(3);
      expect(status.latestRounds.map((r: { aggregatorRoundId: string }) => r.aggregatorRoundId)).to.deep.equal(["3", "2", "1"]);
      expect(status.oracles.some((o: { owedLink: string }) => BigInt(o.owedLink) > 0n)).to.equal(true);
    });

    it("one ocr:run-round with --observations and --down lands exactly one report and leaves no transmit pending", async () => {
      const aggregator = new Contract(
        (parseJson(await hardhat(["--network", "ocrTestNode", "ocr:status", "--json", "--rounds", "0"], env)) as { aggregator: string }).aggregator,
        ["function latestRound() view returns (uint256)"],
        provider,
      );
      const before = (await aggregator.latestRound()) as bigint;
      const json = parseJson(await hardhat(["--network", "ocrTestNode", "ocr:run-round", "--observations", "2100e8,2101e8,2102e8,2103e8", "--down", "3", "--json"], env));
      expect(json.answer).to.equal("210100000000");
      expect(json.aggregatorRoundId).to.equal((before + 1n).toString());
      // Nothing the process sent is still waiting to be mined, and nothing more landed.
      const pending = (await provider.send("eth_getBlockByNumber", ["pending", false])) as { transactions: string[] };
      expect(pending.transactions).to.deep.equal([]);
      expect(await aggregator.latestRound()).to.equal(before + 1n);
    });

    it("a feed with no deployment on the node is an error that names ocr:deploy", async () => {
      const result = await hardhat(["--network", "ocrTestNode", "ocr:run-round", "--feed", "LINK / ETH"], env);
      expect(result.code).to.equal(1);
      expect(result.stderr + result.stdout).to.contain('Feed "LINK / ETH" has no deployment on network "ocrTestNode"');
      expect(result.stderr + result.stdout).to.contain('npx hardhat ocr:deploy --feed "LINK / ETH" --network ocrTestNode');
    });
  });
}

describe("ocr:* tasks when the node goes away", function () {
  this.timeout(600_000);
  let local: LocalNode | undefined;
  let node: HardhatNodeProcess;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    local = await startLocalNode("ocr-node-deployments-");
    ({ node, env } = local);
  });
  after(() => stopLocalNode(local));

  it("ocr:run stops cleanly on Ctrl-C and prints a summary", async () => {
    parseJson(await hardhat(["--network", "ocrTestNode", "ocr:deploy", "--json"], env));
    const run = new HardhatCommandProcess(["--network", "ocrTestNode", "ocr:run"], env);
    await run.waitForStdout(/^\[1\] round 1 /m, 90_000);
    run.kill("SIGINT");
    expect(await run.exitWithin(60_000), run.output).to.equal(0);
    expect(run.stdout).to.contain("Stopping after the round in flight");
    expect(run.stdout).to.match(/Summary \(stopped by Ctrl-C\): \d+ reports? landed/);
  });

  it("ocr:run whose node dies prints the summary of what landed, then the error", async () => {
    const run = new HardhatCommandProcess(["--network", "ocrTestNode", "ocr:run", "--request"], env);
    await run.waitForStdout(/^\[1\] round \d+ /m, 90_000);
    await node.stop();
    expect(await run.exitWithin(120_000), run.output).to.equal(1);
    expect(run.stdout).to.match(/Summary \(stopped by an error\): \d+ reports? landed/);
    expect(run.stderr).to.match(/ocr:run stopped after \d+ reports?: /);
    expect(run.stderr).to.not.contain("An unexpected error occurred");
    await node.start();
  });

  it("a record whose contracts are gone (node restarted) says to run ocr:deploy", async () => {
    await node.stop();
    await node.start();
    const result = await hardhat(["--network", "ocrTestNode", "ocr:run-round"], env);
    const output = failureOutput(result);
    expect(output).to.contain('The recorded deployment of feed "ETH / USD" on network "ocrTestNode" is gone');
    expect(output).to.contain("npx hardhat ocr:deploy --network ocrTestNode");
    expect(output).to.not.contain("An unexpected error occurred");
  });

  it("a node that is not running is an error that says to start it", async () => {
    await node.stop();
    const result = await hardhat(["--network", "ocrTestNode", "ocr:status"], env);
    const output = failureOutput(result);
    expect(output).to.contain(`Cannot reach network "ocrTestNode" at ${node.url}`);
    expect(output).to.contain("npx hardhat node");
    expect(output).to.not.contain("An unexpected error occurred");
  });
});

describe("ocr:* tasks on a chain that is not a local dev chain (chainId 4242)", function () {
  this.timeout(600_000);
  const secret = "test-only key seed " + Math.random().toString(36).slice(2);
  let local: LocalNode | undefined;
  let node: HardhatNodeProcess;
  let deploymentsDir: string;
  let env: NodeJS.ProcessEnv;
  let provider: JsonRpcProvider;

  before(async () => {
    local = await startLocalNode("ocr-node-deployments-", ["--network", "otherChain"]);
    ({ node, deploymentsDir, env, provider } = local);
    delete env.OCR_TEST_KEY_SEED;
  });
  after(() => stopLocalNode(local));

  it("refuses to derive oracle keys from a plain seed and says how to configure keySeed", async () => {
    const result = await hardhat(["--network", "ocrTestNode", "ocr:deploy"], env);
    const output = failureOutput(result);
    expect(output).to.contain('Feed "ETH / USD" has no secret key seed for chain 4242');
    expect(output).to.contain('keySeed: configVariable("OCR_KEY_SEED")');
  });

  it("connection.ocr itself refuses a plain seed there and takes the keys from the feed's keySeed variable", async () => {
    const hre = await createHardhatRuntimeEnvironment({
      plugins: [hardhatEthers, hardhatOcr],
      networks: { otherChain: { type: "http", url: node.url } },
      ocr: { feeds: { "ETH / USD": {}, "SOL / USD": { keySeed: configVariable("OCR_API_TEST_KEY_SEED") } } },
    });
    const connection = await hre.network.connect({ network: "otherChain" });
    let refusal = "";
    await connection.ocr.deployFeed().catch((e: Error) => (refusal = e.message));
    expect(refusal).to.contain('Feed "ETH / USD" has no secret key seed for chain 4242 (network "otherChain")');
    expect(refusal).to.contain('keySeed: configVariable("OCR_KEY_SEED")');

    const apiSecret = "api test key seed " + Math.random().toString(36).slice(2);
    process.env.OCR_API_TEST_KEY_SEED = apiSecret;
    try {
      const feed = await connection.ocr.deployFeed("SOL / USD");
      feed.stop?.();
      expect(feed.oracles.map((o) => o.signer)).to.deep.equal(feed.oracles.map((_, i) => deriveOracleKeys(apiSecret, i).signerAddress));
      const configCount = BigInt((await provider.call({ to: feed.addresses.aggregator, data: "0x81ff7048" })).slice(0, 66));
      expect(configCount).to.equal(1n);
    } finally {
      delete process.env.OCR_API_TEST_KEY_SEED;
      await connection.close();
    }
  });

  it("takes the keys from the keySeed variable, records no secret, and later processes attach with it", async () => {
    const withSecret = { ...env, OCR_TEST_KEY_SEED: secret };
    const deployResult = await hardhat(["--network", "ocrTestNode", "ocr:deploy", "--feed", "BTC / USD", "--json"], withSecret);
    const deployed = parseJson(deployResult);
    expect(deployed.chainId).to.equal("4242");
    const networkDir = path.join(deploymentsDir, "ocrTestNode-4242");
    const record = JSON.parse(await readFile(path.join(networkDir, recordFileName("BTC / USD")), "utf8"));
    expect(record.keySource).to.equal("config-variable");
    expect(JSON.stringify(record)).to.not.contain(secret);
    expect(deployResult.stdout + deployResult.stderr).to.not.contain(secret);
    await stat(path.join(networkDir, "keys.json")).then(
      () => expect.fail("keys.json must not be written for a keySeed feed"),
      (error: NodeJS.ErrnoException) => expect(error.code).to.equal("ENOENT"),
    );

    const roundResult = await hardhat(["--network", "ocrTestNode", "ocr:run-round", "--feed", "BTC / USD", "--json"], withSecret);
    const round = parseJson(roundResult);
    const config = await verifyRoundJson(round, provider);
    expect(config.signers).to.deep.equal(deployed.oracles.map((o: { signer: string }) => o.signer));
    expect(round.proxyRoundId).to.equal((PHASE_1 + 1n).toString());
    expect(roundResult.stdout + roundResult.stderr).to.not.contain(secret);
  });

  it("ocr:status reads that feed without the secret: reading needs no oracle keys", async () => {
    const result = await hardhat(["--network", "ocrTestNode", "ocr:status", "--feed", "BTC / USD", "--json"], env);
    const status = parseJson(result);
    const record = JSON.parse(await readFile(path.join(deploymentsDir, "ocrTestNode-4242", recordFileName("BTC / USD")), "utf8"));
    expect(status.oracles.map((o: { signer: string }) => o.signer)).to.deep.equal(record.oracles.map((o: { signer: string }) => o.signer));
    expect(status.oracles.map((o: { payee: string }) => o.payee)).to.deep.equal(record.oracles.map((o: { payee: string }) => o.payee));
    expect(status.totalRounds).to.equal(1);
  });

  it("without the variable, or with a different secret, it fails without printing any secret", async () => {
    const missing = await hardhat(["--network", "ocrTestNode", "ocr:run-round", "--feed", "BTC / USD"], env);
    expect(missing.code).to.equal(1);
    expect(missing.stderr + missing.stdout).to.contain('Cannot read the keySeed of feed "BTC / USD"');

    const wrongSecret = "another secret " + Math.random().toString(36).slice(2);
    const wrong = await hardhat(["--network", "ocrTestNode", "ocr:run-round", "--feed", "BTC / USD"], { ...env, OCR_TEST_KEY_SEED: wrongSecret });
    const output = failureOutput(wrong);
    expect(output).to.contain("The oracle keys from the keySeed configuration variable do not match the deployment");
    expect(output).to.not.contain(wrongSecret);
    expect(output).to.not.contain(secret);
  });
});

describe("deployment records on a node are never lost and follow upgrades", function () {
  this.timeout(600_000);
  let local: LocalNode | undefined;
  let node: HardhatNodeProcess;
  let deploymentsDir: string;
  let env: NodeJS.ProcessEnv;
  const recordFile = () => path.join(deploymentsDir, "ocrTestNode-31337", recordFileName("ETH / USD"));
  const readRecord = async () => JSON.parse(await readFile(recordFile(), "utf8"));

  before(async () => {
    local = await startLocalNode("ocr-node-records-");
    ({ node, deploymentsDir, env } = local);
  });
  after(() => stopLocalNode(local));

  it("a second ocr:deploy of a live recorded feed refuses; --force deploys anew and keeps the old addresses under previous", async () => {
    const first = parseJson(await hardhat(["--network", "ocrTestNode", "ocr:deploy", "--json"], env));
    const again = await hardhat(["--network", "ocrTestNode", "ocr:deploy"], env);
    expect(again.code).to.equal(1);
    expect(again.stderr + again.stdout).to.contain(`Feed "ETH / USD" is already deployed on network "ocrTestNode" (proxy ${first.proxy}`);
    expect(again.stderr + again.stdout).to.contain("--force");
    expect((await readRecord()).addresses.proxy).to.equal(first.proxy);

    const forced = parseJson(await hardhat(["--network", "ocrTestNode", "ocr:deploy", "--force", "--json"], env));
    expect(forced.proxy).to.not.equal(first.proxy);
    expect(forced.replaced).to.deep.equal({ aggregator: first.aggregator, proxy: first.proxy, linkToken: first.linkToken });
    const record = await readRecord();
    expect(record.addresses.proxy).to.equal(forced.proxy);
    expect(record.previous).to.have.length(1);
    expect(record.previous[0]).to.include({ reason: "redeployed", configDigest: first.configDigest });
    expect(record.previous[0].addresses).to.include({ aggregator: first.aggregator, proxy: first.proxy });
  });

  it("ocr:upgrade moves the feed to a new aggregator (phase 2); the record, ocr:run-round and ocr:status follow", async () => {
    const before = await readRecord();
    const upgraded = parseJson(await hardhat(["--network", "ocrTestNode", "ocr:upgrade", "--oracles", "7", "--faulty", "2", "--json"], env));
    expect(upgraded).to.include({ phaseId: 2, n: 7, f: 2, previousAggregator: before.addresses.aggregator, proxy: before.addresses.proxy });
    const record = await readRecord();
    expect(record.addresses.aggregator).to.equal(upgraded.aggregator);
    expect(record.n).to.equal(7);
    expect(record.previous[0]).to.include({ reason: "upgraded" });
    expect(record.previous[0].addresses.aggregator).to.equal(before.addresses.aggregator);
    expect(record.previous[1]).to.include({ reason: "redeployed" });

    const round = parseJson(await hardhat(["--network", "ocrTestNode", "ocr:run-round", "--json"], env));
    expect(round.aggregator).to.equal(upgraded.aggregator);
    expect(round.proxyRoundId).to.equal(((2n << 64n) + 1n).toString());
    const status = parseJson(await hardhat(["--network", "ocrTestNode", "ocr:status", "--json", "--rounds", "0"], env));
    expect(status).to.include({ aggregator: upgraded.aggregator, phaseId: 2, n: 7, f: 2 });
    expect(status.latestRounds).to.deep.equal([]);
  });

  it("after upgradeAggregator through connection.ocr, the next task follows the proxy and updates the record", async () => {
    const before = await readRecord();
    const keys = JSON.parse(await readFile(path.join(deploymentsDir, "ocrTestNode-31337", "keys.json"), "utf8"));
    const hre = await createHardhatRuntimeEnvironment({
      plugins: [hardhatEthers, hardhatOcr],
      networks: { ocrTestNode: { type: "http", url: node.url } },
      ocr: { feeds: { "ETH / USD": {} } },
    });
    const connection = await hre.network.connect({ network: "ocrTestNode" });
    try {
      const feed = await connection.ocr.attachFeed("ETH / USD", before.addresses, { seed: keys.feeds["ETH / USD"].seed });
      await feed.upgradeAggregator();
      feed.stop?.();
      expect(feed.phaseId).to.equal(3);
    } finally {
      await connection.close();
    }
    const result = await hardhat(["--network", "ocrTestNode", "ocr:run-round", "--json"], env);
    const round = parseJson(result);
    expect(round.proxyRoundId).to.equal(((3n << 64n) + 1n).toString());
    expect(result.stderr).to.contain("now reads aggregator");
    const record = await readRecord();
    expect(record.addresses.aggregator).to.equal(round.aggregator);
    expect(record.previous[0].addresses.aggregator).to.equal(before.addresses.aggregator);
    expect(record.previous.length).to.equal(before.previous.length + 1);
  });

  it("a record whose addresses now hold another feed (node restarted, other feed deployed) is called stale", async () => {
    await node.stop();
    await node.start();
    // The same deployment sequence on a fresh chain: "ETH / USD" first, as recorded...
    const fresh = parseJson(await hardhat(["--network", "ocrTestNode", "ocr:deploy", "--json"], env));
    // ...then a restart, and another feed takes exactly those addresses.
    await node.stop();
    await node.start();
    const other = parseJson(await hardhat(["--network", "ocrTestNode", "ocr:deploy", "--feed", "LINK / ETH", "--json"], env));
    expect(other.aggregator).to.equal(fresh.aggregator);
    const result = await hardhat(["--network", "ocrTestNode", "ocr:run-round"], env);
    const output = failureOutput(result);
    expect(output).to.contain('The deployment record of feed "ETH / USD" on network "ocrTestNode" is stale');
    expect(output).to.contain("--force");
    expect(output).to.not.contain("do not match");
  });
});
