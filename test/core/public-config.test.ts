import { expect } from "chai";

import {
  type PublicConfig,
  ConfigError,
  chainMinimums,
  defaultPublicConfig,
  validatePublicConfig,
} from "../../plugin/core/config/public-config.js";
import { deriveOracleKeys } from "../../plugin/core/keys.js";
import { publicIdentity } from "../support/oracle-identity.js";

function oracles(n: number) {
  return Array.from({ length: n }, (_, i) => publicIdentity(deriveOracleKeys("validation", i)));
}

const valid = defaultPublicConfig(oracles(4), 1);

/** The ConfigError `config` raises, failing the test if it raises nothing or something else. */
function configError(config: PublicConfig, options?: { chainId?: bigint; devMode?: boolean }): ConfigError {
  try {
    validatePublicConfig(config, options);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return error as ConfigError;
  }
  expect.fail("expected a ConfigError");
}

describe("defaultPublicConfig", () => {
  it("is valid on local chains and in dev mode", () => {
    expect(() => validatePublicConfig(valid)).to.not.throw();
    expect(() => validatePublicConfig(valid, { chainId: 31337n })).to.not.throw();
    expect(() => validatePublicConfig(valid, { chainId: 1337n })).to.not.throw();
    expect(() => validatePublicConfig(valid, { chainId: 1n, devMode: true })).to.not.throw();
  });

  it("schedules one oracle per stage and uses the documented timings", () => {
    expect(valid.s).to.deep.equal([1, 1, 1, 1]);
    expect(valid.f).to.equal(1);
    expect(valid.deltaCMs).to.equal(86_400_000);
    expect(valid.alphaPPB).to.equal(5_000_000n);
    expect(valid.rMax).to.equal(3);
    expect(valid.deltaGraceMs).to.be.below(valid.deltaRoundMs);
    expect(valid.deltaRoundMs).to.be.below(valid.deltaProgressMs);
  });

  it("also works for the largest committee", () => {
    expect(() => validatePublicConfig(defaultPublicConfig(oracles(31), 10))).to.not.throw();
  });
});

describe("validatePublicConfig", () => {
  it("names deltaGrace when it is not smaller than deltaRound", () => {
    const error = configError({ ...valid, deltaGraceMs: 600, deltaRoundMs: 500 });
    expect(error.field).to.equal("deltaGraceMs");
    expect(error.message).to.equal("deltaGraceMs (600 ms) must be smaller than deltaRoundMs (500 ms)");
    expect(configError({ ...valid, deltaGraceMs: 1000 }).field).to.equal("deltaGraceMs");
  });

  it("names deltaRound when it is not smaller than deltaProgress", () => {
    const error = configError({ ...valid, deltaRoundMs: 2000 });
    expect(error.field).to.equal("deltaRoundMs");
    expect(error.message).to.contain("deltaProgressMs (2000 ms)");
  });

  it("rejects negative or non-finite durations", () => {
    expect(configError({ ...valid, deltaResendMs: -1 }).field).to.equal("deltaResendMs");
    expect(configError({ ...valid, deltaCMs: Number.NaN }).field).to.equal("deltaCMs");
    expect(configError({ ...valid, deltaStageMs: Number.POSITIVE_INFINITY }).field).to.equal("deltaStageMs");
    expect(configError({ ...valid, deltaCMs: 1e13 }).message).to.contain("int64");
  });

  it("requires 3f < n and a positive f", () => {
    const tooHigh = configError({ ...valid, f: 2 });
    expect(tooHigh.field).to.equal("f");
    expect(tooHigh.message).to.contain("3f < n");
    expect(configError({ ...valid, f: 0 }).message).to.contain("threshold must be positive");
    expect(configError({ ...valid, f: 1.5 }).field).to.equal("f");
    expect(() => validatePublicConfig({ ...defaultPublicConfig(oracles(7), 2) })).to.not.throw();
  });

  it("allows at most 31 oracles", () => {
    const error = configError(defaultPublicConfig(oracles(32), 10));
    expect(error.field).to.equal("oracles");
    expect(error.message).to.contain("at most 31");
  });

  it("requires 0 < rMax < 255", () => {
    expect(configError({ ...valid, rMax: 0 }).field).to.equal("rMax");
    expect(configError({ ...valid, rMax: 255 }).field).to.equal("rMax");
    expect(() => validatePublicConfig({ ...valid, rMax: 254 })).to.not.throw();
  });

  it("requires alphaPPB to be a uint64", () => {
    expect(configError({ ...valid, alphaPPB: -1n }).field).to.equal("alphaPPB");
    expect(configError({ ...valid, alphaPPB: 1n << 64n }).field).to.equal("alphaPPB");
  });

  it("bounds the schedule's length and each stage, but not its sum", () => {
    expect(configError({ ...valid, s: new Array(1000).fill(1) }).field).to.equal("s");
    expect(configError({ ...valid, s: [1, 32] }).message).to.contain("s[1] (32)");
    expect(configError({ ...valid, s: [-1] }).field).to.equal("s");
    expect(() => validatePublicConfig({ ...valid, s: [1] })).to.not.throw();
    expect(() => validatePublicConfig({ ...valid, s: [31, 31] })).to.not.throw();
  });

  it("checks each oracle's addresses, key and peer id", () => {
    const list = oracles(4);
    const withOracle = (i: number, patch: object) => ({ ...valid, oracles: list.map((o, j) => (j === i ? { ...o, ...patch } : o)) });
    expect(configError(withOracle(2, { signerAddress: "0x1234" })).field).to.equal("oracles[2].signerAddress");
    expect(configError(withOracle(1, { transmitterAddress: "nope" })).field).to.equal("oracles[1].transmitterAddress");
    expect(configError(withOracle(0, { offchainPublicKey: new Uint8Array(31) })).field).to.equal("oracles[0].offchainPublicKey");
    expect(configError(withOracle(3, { peerId: "a,b" })).field).to.equal("oracles[3].peerId");
    expect(configError(withOracle(3, { peerId: "" })).field).to.equal("oracles[3].peerId");
  });

  it("rejects an address used twice, as setConfig would", () => {
    const list = oracles(4);
    const repeatedSigner = list.map((o, i) => (i === 3 ? { ...o, signerAddress: list[0].signerAddress } : o));
    const error = configError({ ...valid, oracles: repeatedSigner });
    expect(error.field).to.equal("oracles[3].signerAddress");
    expect(error.message).to.contain("oracles[0].signerAddress");
    const signerAsTransmitter = list.map((o, i) => (i === 1 ? { ...o, transmitterAddress: list[1].signerAddress.toLowerCase() as `0x${string}` } : o));
    expect(configError({ ...valid, oracles: signerAsTransmitter }).field).to.equal("oracles[1].transmitterAddress");
  });

  it("applies chain minimums outside dev mode, in the order deltaC, deltaStage, deltaRound, deltaProgress, deltaResend", () => {
    const mainnet = configError({ ...valid, deltaCMs: 599_999 }, { chainId: 1n });
    expect(mainnet.field).to.equal("deltaCMs");
    expect(mainnet.message).to.contain("600000 ms minimum for slow chain 1");
    expect(configError({ ...valid, deltaCMs: 600_000 }, { chainId: 1n }).field).to.equal("deltaStageMs");
    const slowOk: PublicConfig = { ...valid, deltaCMs: 600_000, deltaStageMs: 10_000, deltaGraceMs: 500, deltaRoundMs: 20_000, deltaProgressMs: 23_000, deltaResendMs: 10_000 };
    expect(() => validatePublicConfig(slowOk, { chainId: 1n })).to.not.throw();
    expect(configError({ ...slowOk, deltaResendMs: 9_999 }, { chainId: 1n }).field).to.equal("deltaResendMs");
    expect(configError({ ...slowOk, deltaProgressMs: 22_999 }, { chainId: 1n }).field).to.equal("deltaProgressMs");
  });

  it("treats unknown chains as slow and knows the fast and testnet classes", () => {
    expect(chainMinimums(123456789n)?.name).to.equal("slow");
    expect(chainMinimums(42161n)?.name).to.equal("fast");
    expect(chainMinimums(11155111n)?.name).to.equal("public testnet");
    expect(chainMinimums(31337n)).to.equal(null);
    const sepolia = configError(valid, { chainId: 11155111n });
    expect(sepolia.field).to.equal("deltaStageMs");
    expect(sepolia.message).to.contain("public testnet");
  });
});
