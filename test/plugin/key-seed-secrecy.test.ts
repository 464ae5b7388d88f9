/**
 * A feed's secret key seed never shows: not in what the API returns (printed, inspected or
 * JSON-encoded), not in what the plugin prints, not in errors (message, stack, cause, inspect)
 * and not in the committee's trace. Checked on a `hardhat node` whose chain (4242) is not a
 * local dev chain, so the keys really come from the keySeed configuration variable.
 */
import { format, inspect } from "node:util";

import hardhatEthers from "@nomicfoundation/hardhat-ethers";
import { expect } from "chai";
import { configVariable } from "hardhat/config";
import { createHardhatRuntimeEnvironment } from "hardhat/hre";

import { deriveOracleKeys } from "../../plugin/core/keys.js";
import { OracleKeySeed, resolveOracleKeySeed } from "../../plugin/deployments/key-seed.js";
import { derivedPayee } from "../../plugin/feed/committee-wiring.js";
import hardhatOcr from "../../plugin/index.js";
import { freePort } from "../../testkit/free-port.js";
import { HardhatNodeProcess } from "../support/hardhat-node.js";

/** Every way a value may end up in front of someone: printed, formatted, inspected (hidden parts too), JSON. */
function renderings(value: unknown): string[] {
  const bigintsAsText = (_key: string, v: unknown) => (typeof v === "bigint" ? v.toString() : v);
  let json = "";
  try {
    json = JSON.stringify(value, bigintsAsText) ?? "";
  } catch {
    // Circular structures (ethers objects) are covered by inspect.
  }
  return [
    String(value),
    format("%s %o %O", value, value, value),
    inspect(value, { depth: 8, showHidden: true, getters: false }),
    json,
  ];
}

/** The error's message, stack, causes and inspection, all of it. */
function errorRenderings(error: unknown): string[] {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) parts.push(e.message, e.stack ?? "");
  return [...parts, ...renderings(error)];
}

function expectNoSecret(texts: readonly string[], secrets: readonly string[], what: string): void {
  for (const text of texts) for (const secret of secrets) expect(text.includes(secret), `${what} shows a secret key seed`).to.equal(false);
}

/** Everything written to stdout and stderr while `action` runs. */
async function capturingOutput<T>(action: () => Promise<T>): Promise<{ result: T; output: string }> {
  let output = "";
  const originals = [process.stdout.write, process.stderr.write] as const;
  const capture = (original: typeof process.stdout.write) =>
    function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
      output += typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString();
      return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    };
  process.stdout.write = capture(originals[0]) as typeof process.stdout.write;
  process.stderr.write = capture(originals[1]) as typeof process.stderr.write;
  try {
    return { result: await action(), output };
  } finally {
    [process.stdout.write, process.stderr.write] = originals;
  }
}

describe("OracleKeySeed", () => {
  const secret = "unit test key seed " + Math.random().toString(36).slice(2);

  it("derives the oracle keys and payees of its seed and shows only a placeholder", () => {
    const keySeed = OracleKeySeed.fromSecret(secret);
    expect(keySeed.committeeKeys(3).map((k) => k.signerAddress)).to.deep.equal([0, 1, 2].map((i) => deriveOracleKeys(secret, i).signerAddress));
    expect(keySeed.payee(2)).to.equal(derivedPayee(secret, 2));
    expectNoSecret([...renderings(keySeed), ...renderings({ keySeed }), `${keySeed}`, structuredClone({ keySeed }).toString()], [secret], "the key seed");
    expect(String(keySeed)).to.contain("not shown");
  });

  it("gives its text only when it is a plain (public) seed, for keys.json", () => {
    expect(OracleKeySeed.fromPlainSeed("ETH / USD").plainText()).to.equal("ETH / USD");
    expect(() => OracleKeySeed.fromSecret(secret).plainText()).to.throw("never written down");
  });

  it("keeps its kind when an upgrade names a new seed, and itself when it names none", () => {
    const keySeed = OracleKeySeed.fromSecret(secret);
    expect(keySeed.reseeded(undefined)).to.equal(keySeed);
    const renewed = keySeed.reseeded(secret + " 2");
    expect(renewed.isPlain).to.equal(false);
    expect(renewed.oracleKeys(0).signerAddress).to.equal(deriveOracleKeys(secret + " 2", 0).signerAddress);
    expect(OracleKeySeed.fromPlainSeed("ETH / USD").reseeded("BTC / USD").plainText()).to.equal("BTC / USD");
  });

  it("keeps the committee's randomness apart from a secret seed, and from the public seed", () => {
    const committeeSeed = OracleKeySeed.fromSecret(secret).committeeSeed("ETH / USD");
    expect(committeeSeed).to.not.contain(secret);
    expect(committeeSeed).to.not.equal("ETH / USD");
    expect(OracleKeySeed.fromSecret(secret).committeeSeed("ETH / USD")).to.equal(committeeSeed);
    expect(OracleKeySeed.fromPlainSeed("ETH / USD").committeeSeed("ETH / USD")).to.equal("ETH / USD");
  });
});

describe("resolveOracleKeySeed: the one rule for the API and the tasks", () => {
  const secret = "resolver test key seed " + Math.random().toString(36).slice(2);
  let reads = 0;
  const variable = {
    _type: "ResolvedConfigurationVariable" as const,
    format: "{variable}",
    name: "OCR_RESOLVER_TEST_KEY_SEED",
    get: async () => {
      reads++;
      return secret;
    },
    getUrl: async () => secret,
    getBigInt: async () => 0n,
    getHexString: async () => "0x",
  };
  const feed = { name: "BTC / USD", seed: "BTC / USD", keySeed: variable };

  it("uses the plain seed on the simulated network and local dev chains, never reading keySeed", async () => {
    reads = 0;
    for (const chain of [
      { networkName: "default", chainId: 4242n, simulated: true },
      { networkName: "localhost", chainId: 31337n, simulated: false },
      { networkName: "ganache", chainId: 1337n, simulated: false },
    ]) {
      const keySeed = await resolveOracleKeySeed(feed, chain);
      expect(keySeed.isPlain).to.equal(true);
      expect(keySeed.plainText()).to.equal("BTC / USD");
    }
    expect(reads).to.equal(0);
  });

  it("uses only the keySeed variable elsewhere, and without one says how to configure it", async () => {
    const keySeed = await resolveOracleKeySeed(feed, { networkName: "sepolia", chainId: 11155111n, simulated: false });
    expect(keySeed.isPlain).to.equal(false);
    expect(keySeed.oracleKeys(0).signerAddress).to.equal(deriveOracleKeys(secret, 0).signerAddress);
    const refusal = await resolveOracleKeySeed({ name: "BTC / USD", seed: "BTC / USD" }, { networkName: "sepolia", chainId: 11155111n, simulated: false }).then(
      () => expect.fail("a plain seed must be refused off local chains"),
      (error: Error) => error,
    );
    expect(refusal.message).to.contain('Feed "BTC / USD" has no secret key seed for chain 11155111 (network "sepolia")');
    expect(refusal.message).to.contain('keySeed: configVariable("OCR_KEY_SEED")');
  });
});

describe("a feed with a keySeed on a chain that is not a local dev chain (chainId 4242)", function () {
  this.timeout(300_000);
  const secret = "secrecy test key seed " + Math.random().toString(36).slice(2);
  const wrongSecret = "wrong secrecy test key seed " + Math.random().toString(36).slice(2);
  let node: HardhatNodeProcess;

  before(async () => {
    node = new HardhatNodeProcess(await freePort(), ["--network", "otherChain"]);
    await node.start();
  });

  after(async () => {
    delete process.env.OCR_SECRECY_TEST_KEY_SEED;
    await node?.stop();
  });

  async function connect() {
    const hre = await createHardhatRuntimeEnvironment({
      plugins: [hardhatEthers, hardhatOcr],
      networks: { otherChain: { type: "http", url: node.url } },
      ocr: { feeds: { "SOL / USD": { keySeed: configVariable("OCR_SECRECY_TEST_KEY_SEED") } } },
    });
    return { hre, connection: await hre.network.connect({ network: "otherChain" }) };
  }

  it("never shows the seed: in the feed, its results and trace, its errors, or the output", async () => {
    process.env.OCR_SECRECY_TEST_KEY_SEED = secret;
    const { hre, connection } = await connect();
    try {
      const { result, output } = await capturingOutput(async () => {
        const feed = await connection.ocr.deployFeed("SOL / USD");
        const round = await feed.runRound({ observations: [100n, 100n, 100n, 100n] });
        feed.stop?.();
        return { feed, round };
      });
      const { feed, round } = result;
      expect(feed.oracles.map((o) => o.signer)).to.deep.equal([0, 1, 2, 3].map((i) => deriveOracleKeys(secret, i).signerAddress));
      expect(round.median).to.equal(100n);
      expectNoSecret([output], [secret], "the plugin's output");
      for (const [what, value] of [
        ["the feed", feed],
        ["the round result", round],
        ["the trace", feed.trace()],
        ["connection.ocr", connection.ocr],
        ["the feed config", hre.config.ocr.feeds["SOL / USD"]],
      ] as const) {
        expectNoSecret(renderings(value), [secret], what);
      }

      // A later process with the wrong secret: refused, naming neither secret.
      process.env.OCR_SECRECY_TEST_KEY_SEED = wrongSecret;
      const other = await connect();
      try {
        const refusal = await other.connection.ocr.attachFeed("SOL / USD", feed.addresses).then(
          () => expect.fail("keys from another secret must not attach"),
          (error: unknown) => error,
        );
        expect((refusal as Error).message).to.contain("but the configured key seed gives");
        expectNoSecret(errorRenderings(refusal), [secret, wrongSecret], "the error");
      } finally {
        await other.connection.close();
      }
    } finally {
      await connection.close();
    }
  });
});
