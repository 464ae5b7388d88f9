/**
 * The published package, as another Hardhat 3 project sees it: `npm pack` this repository (which
 * runs `prepack`, i.e. the TypeScript build), install the tarball into a scratch project under the
 * system temp folder, and use it there: import the Solidity sources, load the plugin, run a feed.
 *
 * It takes a minute or two (tsc, npm install, solc). The scratch project installs with
 * --prefer-offline: the tarballs this repository's own `npm install` cached are reused, and the
 * registry is asked only for package metadata a lockfile install never fetches. It runs in
 * `npm test`; `npm run test:pack` runs it alone. OCR_PACK_TEST=0 skips it.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { expect } from "chai";

const run = promisify(execFile);
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const ENABLED = process.env.OCR_PACK_TEST !== "0";

/** The scratch project's dependencies, pinned to the versions installed here so the npm cache has them. */
const SCRATCH_DEPENDENCIES = [
  "hardhat",
  "@nomicfoundation/hardhat-ethers",
  "@nomicfoundation/hardhat-ethers-chai-matchers",
  "@nomicfoundation/hardhat-mocha",
  "@nomicfoundation/edr-linux-x64-gnu",
  "chai",
  "ethers",
  "mocha",
  "solc",
] as const;

async function installedVersion(pkg: string): Promise<string> {
  const manifest = JSON.parse(await readFile(path.join(REPO_ROOT, "node_modules", pkg, "package.json"), "utf8"));
  return manifest.version as string;
}

/**
 * This process's environment without what the surrounding `hardhat test` set for itself: with
 * HARDHAT_CONFIG pointing at this repository, the scratch project's Hardhat would load our config
 * and refuse to run (HHE22, "non-local installation").
 */
function childEnvironment(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith("HARDHAT_") && key !== "NODE_OPTIONS"),
  );
  return { ...env, HARDHAT_DISABLE_TELEMETRY: "true" };
}

/** Runs a command and returns its stdout; on failure the error message carries stdout and stderr. */
async function sh(cwd: string, file: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run(file, args, { cwd, maxBuffer: 64 * 1024 * 1024, env: childEnvironment() });
    return stdout;
  } catch (error) {
    const e = error as { message: string; stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(" ")} failed in ${cwd}\n${e.message}\n--- stdout\n${e.stdout}\n--- stderr\n${e.stderr}`);
  }
}

/** Relative import specifiers of a JS module or Solidity file. */
function relativeImports(source: string): string[] {
  const specifiers = [...source.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)].map((m) => m[1]);
  return [...new Set(specifiers)];
}

/** The README's "Use it in your project" config, with mocha and the chai matchers its test example uses. */
const SCRATCH_CONFIG = `import { createRequire } from "node:module";
import hardhatEthers from "@nomicfoundation/hardhat-ethers";
import hardhatEthersChaiMatchers from "@nomicfoundation/hardhat-ethers-chai-matchers";
import hardhatMocha from "@nomicfoundation/hardhat-mocha";
import hardhatOcr from "hardhat-ocr";
import { defineConfig } from "hardhat/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  plugins: [hardhatEthers, hardhatMocha, hardhatEthersChaiMatchers, hardhatOcr],
  solidity: {
    version: "0.8.30",
    path: require.resolve("solc/soljson.js"),
    npmFilesToBuild: ["hardhat-ocr/contracts/examples/PriceConsumer.sol"],
  },
  ocr: { feeds: { "BTC / USD": { decimals: 8, dataSource: { type: "fixed", value: 6_000_000_000_000n } }, "ETH / USD": {} } },
});
`;

/** A user contract with the same name as one the plugin deploys: it must not break the plugin. */
const SCRATCH_LINK_TOKEN = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// The user's own LinkToken: nothing like the plugin's ERC-677 token.
contract LinkToken {
  function name() external pure returns (string memory) {
    return "not the plugin's token";
  }
}
`;

/** The README's consumer test, taken from the README itself so the two cannot drift apart. */
async function readmeConsumerTest(): Promise<string> {
  const readme = await readFile(path.join(REPO_ROOT, "README.md"), "utf8");
  const block = [...readme.matchAll(/\`\`\`ts\n([\s\S]*?)\`\`\`/g)].map((m) => m[1]).find((code) => code.includes('describe("my protocol"'));
  if (block === undefined) throw new Error("README.md has no ts block with the 'my protocol' consumer test");
  return block;
}

/** A user contract that reads a feed through the shipped interface and names the shipped aggregator. */
const SCRATCH_CONTRACT = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {AggregatorV3Interface} from "hardhat-ocr/contracts/interfaces/AggregatorV3Interface.sol";
import {OffchainAggregator} from "hardhat-ocr/contracts/OffchainAggregator.sol";

contract FeedReader {
  AggregatorV3Interface public immutable feed;

  constructor(AggregatorV3Interface feed_) {
    feed = feed_;
  }

  function latest() external view returns (int256 answer) {
    (, answer, , , ) = feed.latestRoundData();
  }

  function kindOf(OffchainAggregator aggregator) external view returns (string memory) {
    return aggregator.typeAndVersion();
  }
}
`;

/** What the plugin looks like from the scratch project: config, connection.ocr, tasks. */
const SCRATCH_INSPECT_SCRIPT = `import hre from "hardhat";
const connection = await hre.network.create();
console.log(JSON.stringify({
  feeds: Object.keys(hre.config.ocr.feeds),
  defaultFeed: hre.config.ocr.defaultFeed,
  decimals: hre.config.ocr.feeds["BTC / USD"].decimals,
  hasOcrApi: typeof (connection as any).ocr?.deployFeed === "function",
  ocrTasks: [...hre.tasks.rootTasks.keys()].filter((id) => id.startsWith("ocr")).sort(),
}));
`;

/** One real round in the scratch project, read back through the user's own contract. */
const SCRATCH_ROUND_SCRIPT = `import hre from "hardhat";
const { ocr, ethers } = await hre.network.create();
const feed = await ocr.deployFeed();
const round = await feed.runRound();
const reader = await ethers.deployContract("FeedReader", [feed.addresses.proxy]);
console.log(JSON.stringify({
  answer: round.answer.toString(),
  viaReader: (await reader.latest()).toString(),
  kind: await reader.kindOf(feed.addresses.aggregator),
}));
`;

/** Both sequencer uptime feed flavours in the scratch project, built from the package's sources. */
const SCRATCH_SEQUENCER_SCRIPT = `import hre from "hardhat";
import { Contract } from "ethers";
const { ocr, ethers } = await hre.network.create();
const result = {};
for (const flavour of ["optimism", "arbitrum"]) {
  const uptime = await ocr.deploySequencerUptimeFeed({ flavour });
  const update = await uptime.setDown();
  const feed = new Contract(uptime.addresses.feed, ["function typeAndVersion() view returns (string)"], ethers.provider);
  result[flavour] = { kind: await feed.typeAndVersion(), outcome: update.outcome, status: (await uptime.status()).status };
}
console.log(JSON.stringify(result));
`;

/**
 * A Solidity test that imports the test kit by package name: the complete example of the README's
 * "Solidity tests" section, which must stay identical to this text.
 */
/**
 * The scratch project's config for that test: the OCR2 aggregator the kit deploys compiles only with
 * the optimizer on (without it solc stops with "stack too deep" in transmit), as the README says.
 */
const SCRATCH_SOLIDITY_TEST_CONFIG = `import { createRequire } from "node:module";
import { defineConfig } from "hardhat/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  solidity: { version: "0.8.30", path: require.resolve("solc/soljson.js"), settings: { optimizer: { enabled: true } } },
});
`;

const SCRATCH_SOLIDITY_TEST = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {PriceConsumer} from "hardhat-ocr/contracts/examples/PriceConsumer.sol";
import {AggregatorV3Interface} from "hardhat-ocr/contracts/interfaces/AggregatorV3Interface.sol";
import {CHEATCODE_ADDRESS, Cheatcodes} from "hardhat-ocr/contracts/testing/Cheatcodes.sol";
import {OCRFeed} from "hardhat-ocr/contracts/testing/OCRFeed.sol";

contract FeedConsumerTest {
  using OCRFeed for OCRFeed.Feed;

  Cheatcodes internal constant vm = Cheatcodes(CHEATCODE_ADDRESS);
  OCRFeed.Feed internal feed;
  PriceConsumer internal consumer;

  function setUp() public {
    // OCR2 aggregator + EACAggregatorProxy + LINK, 4 oracles tolerating f = 1 fault.
    feed.deploy();
    consumer = new PriceConsumer(AggregatorV3Interface(address(feed.proxy)), 3600, 1e8, 100_000e8);
  }

  function testReadsTheMedianThroughTheProxy() public {
    int192[] memory observations = new int192[](4);
    (observations[0], observations[1], observations[2], observations[3]) = (int192(2001e8), 1999e8, 2000e8, 9e30);
    feed.transmit(observations); // oracle 3 lies; sorted, signed by f + 1 oracles, transmitted
    (int256 price, , ) = consumer.latestPrice();
    require(price == 2001e8, "the upper median of 1999, 2000, 2001 and the lie");
  }

  function testAnswerGoesStaleWhenNoQuorumSigns() public {
    feed.transmitAnswer(2000e8);
    uint256 updatedAt = block.timestamp;

    int192[] memory observations = new int192[](4);
    OCRFeed.Report memory report = feed.report(observations);
    report.signers = OCRFeed.oracles(0, 1); // one signature; f + 1 = 2 are needed
    (bool accepted, string memory reason) = feed.submit(report);
    require(!accepted, "rejected on chain");
    require(keccak256(bytes(reason)) == keccak256("wrong number of signatures"), reason);

    OCRFeed.skip(3601); // past the consumer's heartbeat
    vm.expectRevert(abi.encodeWithSelector(PriceConsumer.StalePrice.selector, updatedAt, uint256(3600), block.timestamp));
    consumer.latestPrice();
  }

  function testFuzz_OneLiarCannotLeaveTheHonestRange(uint64 a, uint64 b, uint64 c, int192 lie) public {
    int192[] memory observations = new int192[](4);
    (observations[0], observations[1], observations[2]) = (int192(uint192(a)) + 1, int192(uint192(b)) + 1, int192(uint192(c)) + 1);
    observations[3] = lie;
    feed.transmit(observations);
    uint256 low = a < b ? (a < c ? a : c) : (b < c ? b : c);
    uint256 high = a > b ? (a > c ? a : c) : (b > c ? b : c);
    int256 answer = feed.latestAnswer();
    require(int256(low) + 1 <= answer && answer <= int256(high) + 1, "the answer stays within the honest values");
  }
}
`;

(ENABLED ? describe : describe.skip)("npm package, packed and installed in a scratch Hardhat 3 project", function () {
  this.timeout(600_000);

  let workDir: string;
  let tarball: string;
  let tarballFiles: string[];
  let project: string;
  let hardhatCli: string;

  /** Runs the scratch project's own Hardhat CLI under this Node (22). */
  const hardhat = (...args: string[]) => sh(project, process.execPath, [hardhatCli, ...args]);
  /** The last stdout line of a script run, parsed as JSON. */
  const runScript = async (file: string) => {
    const lines = (await hardhat("run", file)).trim().split("\n");
    return JSON.parse(lines[lines.length - 1]);
  };

  before(async function () {
    workDir = await mkdtemp(path.join(tmpdir(), "hardhat-ocr-pack-"));
    // npm pack runs prepack (the TypeScript build into dist/) before packing.
    await sh(REPO_ROOT, "npm", ["pack", "--pack-destination", workDir]);
    const [name] = (await readdir(workDir)).filter((f) => f.endsWith(".tgz"));
    tarball = path.join(workDir, name);
    tarballFiles = (await sh(workDir, "tar", ["-tzf", tarball]))
      .split("\n")
      .filter((line) => line !== "" && !line.endsWith("/"))
      .map((line) => line.replace(/^package\//, ""));

    project = path.join(workDir, "project");
    await mkdir(path.join(project, "contracts"), { recursive: true });
    await mkdir(path.join(project, "scripts"), { recursive: true });
    const devDependencies: Record<string, string> = { "hardhat-ocr": `file:${tarball}` };
    for (const pkg of SCRATCH_DEPENDENCIES) devDependencies[pkg] = await installedVersion(pkg);
    await writeFile(
      path.join(project, "package.json"),
      JSON.stringify({ name: "hardhat-ocr-consumer", private: true, type: "module", devDependencies }, null, 2),
    );
    await writeFile(path.join(project, "hardhat.config.ts"), SCRATCH_CONFIG);
    await writeFile(path.join(project, "contracts", "FeedReader.sol"), SCRATCH_CONTRACT);
    await writeFile(path.join(project, "contracts", "LinkToken.sol"), SCRATCH_LINK_TOKEN);
    await mkdir(path.join(project, "test"), { recursive: true });
    await writeFile(path.join(project, "test", "my-protocol.test.ts"), await readmeConsumerTest());
    await writeFile(path.join(project, "scripts", "inspect.ts"), SCRATCH_INSPECT_SCRIPT);
    await writeFile(path.join(project, "scripts", "round.ts"), SCRATCH_ROUND_SCRIPT);
    await writeFile(path.join(project, "scripts", "sequencer.ts"), SCRATCH_SEQUENCER_SCRIPT);
    await sh(project, "npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"]);

    const hardhatManifest = JSON.parse(await readFile(path.join(project, "node_modules/hardhat/package.json"), "utf8"));
    hardhatCli = path.join(project, "node_modules/hardhat", hardhatManifest.bin.hardhat);
  });

  after(async function () {
    if (workDir !== undefined && process.env.OCR_PACK_KEEP !== "1") await rm(workDir, { recursive: true, force: true });
  });

  it("ships the compiled plugin with declarations and the Solidity sources, and no tests or TypeScript sources", function () {
    for (const file of [
      "package.json",
      "README.md",
      "dist/plugin/index.js",
      "dist/plugin/index.d.ts",
      "dist/plugin/api-types.d.ts",
      "contracts/OffchainAggregator.sol",
      "contracts/AccessControlledOffchainAggregator.sol",
      "contracts/proxy/AggregatorProxy.sol",
      "contracts/proxy/EACAggregatorProxy.sol",
      "contracts/LinkToken.sol",
      "contracts/interfaces/AggregatorV3Interface.sol",
      "contracts/examples/PriceConsumer.sol",
    ]) {
      expect(tarballFiles, file).to.include(file);
    }
    const unwanted = tarballFiles.filter(
      (f) => /^(test|testkit|contracts\/test|plugin|tasks|scripts|deploy|notes)\//.test(f) || /\.test\.(ts|js)$/.test(f) || !/^(dist|contracts)\/|^(package\.json|README\.md)$/.test(f),
    );
    expect(unwanted).to.deep.equal([]);
  });

  it("every relative import inside the package resolves to a file the package ships", async function () {
    const shipped = new Set(tarballFiles);
    const unresolved: string[] = [];
    for (const file of tarballFiles.filter((f) => f.endsWith(".js") || f.endsWith(".sol"))) {
      const source = await readFile(path.join(project, "node_modules/hardhat-ocr", file), "utf8");
      for (const specifier of relativeImports(source)) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
        if (!shipped.has(target)) unresolved.push(`${file} -> ${specifier}`);
      }
    }
    expect(unresolved).to.deep.equal([]);
  });

  it("resolves the package entry point and its types through package.json exports", async function () {
    const installed = path.join(project, "node_modules/hardhat-ocr");
    const manifest = JSON.parse(await readFile(path.join(installed, "package.json"), "utf8"));
    expect(existsSync(path.join(installed, manifest.exports["."].default))).to.equal(true);
    expect(existsSync(path.join(installed, manifest.exports["."].types))).to.equal(true);
    expect(Object.keys(manifest.peerDependencies).sort()).to.deep.equal(["@nomicfoundation/hardhat-ethers", "ethers", "hardhat"]);
  });

  it("runs ocr:run-round --json before any build, beside a user contract named LinkToken", async function () {
    expect(existsSync(path.join(project, "artifacts")), "no build before this test").to.equal(false);
    const stdout = await hardhat("ocr:run-round", "--feed", "BTC / USD", "--json");
    const round = JSON.parse(stdout) as { answer: string; aggregatorRoundId: string; protocol: string };
    // The default protocol: OCR2, on the OCR2Aggregator built from the package.
    expect(round).to.include({ answer: "6000000000000", aggregatorRoundId: "1", protocol: "ocr2" });
    // Both LinkTokens were built: the user's under contracts/, the plugin's from the package.
    expect(existsSync(path.join(project, "artifacts/contracts/LinkToken.sol/LinkToken.json"))).to.equal(true);
    const built = await readdir(path.join(project, "artifacts"), { recursive: true });
    expect(built.filter((f) => String(f).endsWith("LinkToken.json")).length).to.equal(2);
  });

  it("runs the README's consumer test (PriceConsumer built through npmFilesToBuild)", async function () {
    const output = await hardhat("test", "mocha", "test/my-protocol.test.ts");
    expect(output).to.match(/1 passing/);
  });

  it("compiles a user contract that imports hardhat-ocr/contracts/...", async function () {
    await hardhat("build", "--quiet");
    const artifact = JSON.parse(await readFile(path.join(project, "artifacts/contracts/FeedReader.sol/FeedReader.json"), "utf8"));
    const functions = (artifact.abi as { type: string; name?: string }[]).filter((e) => e.type === "function").map((e) => e.name);
    expect(functions).to.include.members(["feed", "latest", "kindOf"]);
    expect(artifact.bytecode).to.match(/^0x[0-9a-f]{100,}$/);
  });

  it("loads as a plugin: the ocr config section, connection.ocr and the ocr:* tasks", async function () {
    const seen = await runScript("scripts/inspect.ts");
    expect(seen.feeds).to.deep.equal(["BTC / USD", "ETH / USD"]);
    expect(seen.defaultFeed).to.equal("BTC / USD");
    expect(seen.decimals).to.equal(8);
    expect(seen.hasOcrApi).to.equal(true);
    expect(seen.ocrTasks).to.include.members(["ocr:deploy", "ocr:run", "ocr:run-round", "ocr:status"]);
  });

  it("deploys a feed and runs a real round in the other project", async function () {
    const result = await runScript("scripts/round.ts");
    expect(result.answer).to.equal("6000000000000");
    expect(result.viaReader).to.equal("6000000000000");
    expect(result.kind).to.equal("OCR2Aggregator 1.0.0");
  });

  it("deploys and drives both sequencer uptime feed flavours from the package's contracts", async function () {
    const result = await runScript("scripts/sequencer.ts");
    expect(result.optimism).to.deep.equal({ kind: "OptimismSequencerUptimeFeed 1.0.0", outcome: "new-round", status: "down" });
    expect(result.arbitrum).to.deep.equal({ kind: "ArbitrumSequencerUptimeFeed 1.0.0", outcome: "new-round", status: "down" });
  });

  it("runs a Solidity test that imports the test kit by package name (the README's example)", async function () {
    expect(tarballFiles).to.include.members(["contracts/testing/OCRFeed.sol", "contracts/testing/Cheatcodes.sol"]);
    expect(await readFile(path.join(REPO_ROOT, "README.md"), "utf8")).to.include(SCRATCH_SOLIDITY_TEST);
    await mkdir(path.join(project, "test"), { recursive: true });
    await writeFile(path.join(project, "test", "FeedConsumer.t.sol"), SCRATCH_SOLIDITY_TEST);
    await writeFile(path.join(project, "hardhat.solidity-tests.config.ts"), SCRATCH_SOLIDITY_TEST_CONFIG);
    const output = await hardhat("--config", "hardhat.solidity-tests.config.ts", "test", "solidity", "test/FeedConsumer.t.sol");
    expect(output).to.match(/\b3 passing\b/);
    expect(output).to.not.match(/failing/);
  });
});
