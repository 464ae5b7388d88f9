import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import { HardhatPluginError } from "hardhat/plugins";

import { resolveOcrConfig, validateOcrUserConfig } from "../../plugin/config.js";
import {
  DEPLOYMENT_RECORD_FORMAT,
  type DeploymentRecord,
  DeploymentRecordError,
  asPrevious,
  deploymentRecordPath,
  legacyDeploymentRecordPath,
  readFileIfExists,
  recordFileName,
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

  it("names files by network, chain id, feed slug and a hash of the exact name, so no two feeds share a file", () => {
    expect(feedSlug("ETH / USD")).to.equal("eth-usd");
    expect(feedSlug("  BTC/ETH (test) ")).to.equal("btc-eth-test");
    expect(feedSlug("€")).to.equal("feed-e282ac");
    expect(recordFileName("ETH / USD")).to.match(/^eth-usd-[0-9a-f]{8}\.json$/);
    expect(recordFileName("ETH/USD")).to.match(/^eth-usd-[0-9a-f]{8}\.json$/);
    expect(recordFileName("ETH/USD")).to.not.equal(recordFileName("ETH / USD"));
    expect(deploymentRecordPath("/d", "localhost", 31337n, "ETH / USD")).to.equal(`/d/localhost-31337/${recordFileName("ETH / USD")}`);
    expect(networkDeploymentsDir("/d", "../evil/net", 1n)).to.equal("/d/..-evil-net-1");
    expect(resolveDeploymentsDir("/project", undefined)).to.equal("/project/ocr-deployments");
    expect(resolveDeploymentsDir("/project", "/abs")).to.equal("/abs");
  });

  it("round-trips a record and returns undefined when there is none", async () => {
    const record = sampleRecord();
    const file = await writeDeploymentRecord(dir, record);
    expect(file).to.equal(path.join(dir, "localhost-31337", recordFileName("ETH / USD")));
    expect(await readDeploymentRecord(dir, "localhost", 31337n, "ETH / USD")).to.deep.equal(record);
    expect(await readDeploymentRecord(dir, "localhost", 31337n, "BTC / USD")).to.equal(undefined);
    expect(await readDeploymentRecord(dir, "localhost", 1337n, "ETH / USD")).to.equal(undefined);
  });

  it("keeps two feeds whose names share a slug apart, and never overwrites a file that records another feed", async () => {
    const spaced = sampleRecord();
    const unspaced = { ...sampleRecord(), feed: "ETH/USD", addresses: { aggregator: ADDRESS("d"), proxy: ADDRESS("e"), linkToken: ADDRESS("f") } };
    await writeDeploymentRecord(dir, spaced);
    await writeDeploymentRecord(dir, unspaced);
    expect(await readDeploymentRecord(dir, "localhost", 31337n, "ETH / USD")).to.deep.equal(spaced);
    expect(await readDeploymentRecord(dir, "localhost", 31337n, "ETH/USD")).to.deep.equal(unspaced);

    // A file at a feed's path that records another feed (copied by hand, say) stays as it is.
    const file = deploymentRecordPath(dir, "localhost", 31337n, "BTC / USD");
    await writeFile(file, JSON.stringify(spaced));
    const refusal = await writeDeploymentRecord(dir, { ...sampleRecord(), feed: "BTC / USD" }).catch((e: unknown) => e);
    expect(refusal).to.be.instanceOf(DeploymentRecordError);
    expect((refusal as Error).message).to.contain('records feed "ETH / USD", not "BTC / USD"; it was not overwritten');
    expect(JSON.parse(await readFile(file, "utf8"))).to.deep.equal(spaced);
  });

  it("reads a record written before file names carried a hash, and moves it to the new name when rewritten", async () => {
    const legacy = legacyDeploymentRecordPath(dir, "localhost", 31337n, "ETH / USD");
    await mkdir(path.dirname(legacy), { recursive: true });
    await writeFile(legacy, JSON.stringify(sampleRecord()));
    expect(await readDeploymentRecord(dir, "localhost", 31337n, "ETH / USD")).to.deep.equal(sampleRecord());
    // The legacy slug file is not "ETH/USD"'s, although the slug is the same.
    expect(await readDeploymentRecord(dir, "localhost", 31337n, "ETH/USD")).to.equal(undefined);
    const updated = { ...sampleRecord(), previous: asPrevious(sampleRecord(), "upgraded") };
    await writeDeploymentRecord(dir, updated);
    expect(await readFileIfExists(legacy)).to.equal(undefined);
    const reread = await readDeploymentRecord(dir, "localhost", 31337n, "ETH / USD");
    expect(reread?.previous?.[0]).to.include({ reason: "upgraded", configDigest: sampleRecord().configDigest });
    expect(reread?.previous?.[0].addresses).to.deep.equal(sampleRecord().addresses);
  });

  it("rejects a damaged record", async () => {
    const file = deploymentRecordPath(dir, "localhost", 31337n, "ETH / USD");
    await mkdir(path.dirname(file), { recursive: true });
    const broken = { ...sampleRecord(), addresses: { aggregator: "0x12", proxy: ADDRESS("b"), linkToken: ADDRESS("c") } };
    await writeFile(file, JSON.stringify(broken));
    const brokenError = await readDeploymentRecord(dir, "localhost", 31337n, "ETH / USD").catch((e: unknown) => e);
    expect((brokenError as Error).message).to.contain("addresses.aggregator is not an address");
    await writeFile(file, "{");
    expect(((await readDeploymentRecord(dir, "localhost", 31337n, "ETH / USD").catch((e: unknown) => e)) as Error).message).to.contain("not valid JSON");
  });

  it("explains a corrupt or foreign keys.json as a plugin error naming the file", async () => {
    const networkDir = path.join(dir, "localhost-31337");
    await mkdir(networkDir, { recursive: true });
    for (const [text, problem] of [
      ["{not json", "is not valid JSON"],
      [`{"format": "something-else/1", "feeds": {}}`, "is not a hardhat-ocr keys file"],
      [`{"format": "hardhat-ocr-keys/1", "feeds": {"ETH / USD": {"seed": 5}}}`, 'has no usable seed for feed "ETH / USD"'],
    ]) {
      await writeFile(path.join(networkDir, "keys.json"), text);
      const error = await readLocalKeySeed(networkDir, "ETH / USD").catch((e: unknown) => e);
      expect(HardhatPluginError.isHardhatPluginError(error), String(error)).to.equal(true);
      expect((error as Error).message).to.contain(path.join(networkDir, "keys.json"));
      expect((error as Error).message).to.contain(problem);
    }
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
