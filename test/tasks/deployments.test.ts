import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";

import { resolveOcrConfig, validateOcrUserConfig } from "../../plugin/config.js";
import {
  DEPLOYMENT_RECORD_FORMAT,
  type DeploymentRecord,
  DeploymentRecordError,
  deploymentRecordPath,
  feedSlug,
  forgetLocalKeySeed,
  isLocalDevChain,
  keySourceFor,
  networkDeploymentsDir,
  readDeploymentRecord,
  readLocalKeySeed,
  resolveDeploymentsDir,
  writeDeploymentRecord,
  writeLocalKeySeed,
} from "../../plugin/deployments/index.js";

const ADDRESS = (digit: string) => "0x" + digit.repeat(40);

function sampleRecord(overrides: Partial<DeploymentRecord> = {}): DeploymentRecord {
  return {
    format: DEPLOYMENT_RECORD_FORMAT,
    network: "localhost",
    chainId: "31337",
    feed: "ETH / USD",
    addresses: { aggregator: ADDRESS("a"), proxy: ADDRESS("b"), linkToken: ADDRESS("c") },
    n: 1,
    f: 0,
    decimals: 8,
    description: "ETH / USD",
    configDigest: "0x" + "11".repeat(16),
    oracles: [{ index: 0, signer: ADDRESS("1"), transmitter: ADDRESS("2"), payee: ADDRESS("3"), offchainPublicKey: "0x" + "44".repeat(32) }],
    keySource: "local-keys-file",
    deployedAt: new Date(0).toISOString(),
    ...overrides,
  };
}

describe("deployment records and key seeds", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "ocr-deployments-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("names files by network, chain id and feed slug", () => {
    expect(feedSlug("ETH / USD")).to.equal("eth-usd");
    expect(feedSlug("  BTC/ETH (test) ")).to.equal("btc-eth-test");
    expect(feedSlug("€")).to.equal("feed-e282ac");
    expect(deploymentRecordPath("/d", "localhost", 31337n, "ETH / USD")).to.equal("/d/localhost-31337/eth-usd.json");
    expect(networkDeploymentsDir("/d", "../evil/net", 1n)).to.equal("/d/..-evil-net-1");
    expect(resolveDeploymentsDir("/project", undefined)).to.equal("/project/ocr-deployments");
    expect(resolveDeploymentsDir("/project", "/abs")).to.equal("/abs");
  });

  it("round-trips a record and returns undefined when there is none", async () => {
    const record = sampleRecord();
    const file = await writeDeploymentRecord(dir, record);
    expect(file).to.equal(path.join(dir, "localhost-31337", "eth-usd.json"));
    expect(await readDeploymentRecord(dir, "localhost", 31337n, "ETH / USD")).to.deep.equal(record);
    expect(await readDeploymentRecord(dir, "localhost", 31337n, "BTC / USD")).to.equal(undefined);
    expect(await readDeploymentRecord(dir, "localhost", 1337n, "ETH / USD")).to.equal(undefined);
  });

  it("rejects a damaged record, or one of another feed that maps to the same file", async () => {
    await writeDeploymentRecord(dir, sampleRecord());
    const error = await readDeploymentRecord(dir, "localhost", 31337n, "eth/usd").catch((e: unknown) => e);
    expect(error).to.be.instanceOf(DeploymentRecordError);
    expect((error as Error).message).to.contain('records feed "ETH / USD"');

    const file = deploymentRecordPath(dir, "localhost", 31337n, "ETH / USD");
    const broken = { ...sampleRecord(), addresses: { aggregator: "0x12", proxy: ADDRESS("b"), linkToken: ADDRESS("c") } };
    await writeFile(file, JSON.stringify(broken));
    const brokenError = await readDeploymentRecord(dir, "localhost", 31337n, "ETH / USD").catch((e: unknown) => e);
    expect((brokenError as Error).message).to.contain("addresses.aggregator is not an address");
    await writeFile(file, "{");
    expect(((await readDeploymentRecord(dir, "localhost", 31337n, "ETH / USD").catch((e: unknown) => e)) as Error).message).to.contain("not valid JSON");
  });

  it("keeps local key seeds per feed in an owner-only, git-ignored keys.json", async () => {
    const networkDir = path.join(dir, "localhost-31337");
    await writeLocalKeySeed(networkDir, "ETH / USD", "seed-one");
    await writeLocalKeySeed(networkDir, "BTC / USD", "seed-two");
    expect(await readLocalKeySeed(networkDir, "ETH / USD")).to.equal("seed-one");
    expect(await readLocalKeySeed(networkDir, "BTC / USD")).to.equal("seed-two");
    expect(await readLocalKeySeed(networkDir, "LINK / USD")).to.equal(undefined);
    expect((await stat(path.join(networkDir, "keys.json"))).mode & 0o777).to.equal(0o600);
    expect((await readFile(path.join(networkDir, ".gitignore"), "utf8")).split("\n")).to.include("keys.json");
    await forgetLocalKeySeed(networkDir, "ETH / USD");
    expect(await readLocalKeySeed(networkDir, "ETH / USD")).to.equal(undefined);
    expect(await readLocalKeySeed(networkDir, "BTC / USD")).to.equal("seed-two");
  });

  it("uses the plain seed on local dev chains (a keySeed is not read there) and a keySeed variable elsewhere", () => {
    expect(isLocalDevChain(31337n) && isLocalDevChain(1337n)).to.equal(true);
    expect(keySourceFor(31337n, false)).to.equal("local-keys-file");
    expect(keySourceFor(1337n, true)).to.equal("local-keys-file");
    expect(keySourceFor(11155111n, true)).to.equal("config-variable");
    expect(keySourceFor(1n, false)).to.equal(undefined);
  });
});

describe("ocr config: keySeed and deploymentsDir", () => {
  const variable = { _type: "ConfigurationVariable" as const, name: "OCR_KEY_SEED" };

  it("accepts keySeed only as a configuration variable", () => {
    expect(validateOcrUserConfig({ feeds: { X: { keySeed: variable } } })).to.deep.equal([]);
    const issues = validateOcrUserConfig({ feeds: { X: { keySeed: "plain secret" } } });
    expect(issues).to.have.length(1);
    expect(issues[0].path).to.deep.equal(["ocr", "feeds", "X", "keySeed"]);
    expect(issues[0].message).to.contain("configVariable");
  });

  it("resolves keySeed through the configuration variable resolver, lazily", async () => {
    const asked: string[] = [];
    const resolver = (v: unknown) => {
      asked.push((v as { name: string }).name);
      return { _type: "ResolvedConfigurationVariable", format: "{variable}", get: async () => "the secret" } as never;
    };
    const config = resolveOcrConfig({ feeds: { X: { keySeed: variable }, Y: {} } }, resolver);
    expect(asked).to.deep.equal(["OCR_KEY_SEED"]);
    expect(await config.feeds.X.keySeed!.get()).to.equal("the secret");
    expect(config.feeds.Y.keySeed).to.equal(undefined);
    expect(config.feeds.X.seed).to.equal("X");
  });

  it("validates and keeps deploymentsDir", () => {
    expect(resolveOcrConfig({ deploymentsDir: "out/ocr" }).deploymentsDir).to.equal("out/ocr");
    expect(resolveOcrConfig({}).deploymentsDir).to.equal(undefined);
    expect(validateOcrUserConfig({ deploymentsDir: 3 })[0].path).to.deep.equal(["ocr", "deploymentsDir"]);
  });
});
