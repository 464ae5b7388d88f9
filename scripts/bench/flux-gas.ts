/**
 * Gas of one FluxAggregator round, n `submit` transactions: what a feed
 * without off-chain aggregation pays for the answer one OCR report delivers.
 *
 * Chainlink's FluxAggregator (v0.6, solidity 0.6.6) is compiled here at run time from the
 * @chainlink/contracts package, never copied into the repository, and deployed on the
 * in-process Hardhat chain next to our LinkToken. The workload mirrors the transmit
 * measurement: same answers, same reward per observation, one transaction per block, and the
 * first round (which fills fresh storage slots) left out of the mean.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

import { ContractFactory, type Contract, Wallet } from "ethers";
import { network } from "hardhat";

import { bytesToHex } from "../../plugin/core/bytes.js";
import { keccak256, utf8Bytes } from "../../plugin/core/hash.js";
import { INT192_MAX as MAX_ANSWER, INT192_MIN as MIN_ANSWER } from "../../testkit/feed-fixture.js";
import { priceObservations } from "../../testkit/markets.js";
import { mean } from "./transmit-gas.js";

const require = createRequire(import.meta.url);

/** Where the v0.6 sources live; every import in FluxAggregator.sol is relative to it. */
const V06_SOURCES = path.join(path.dirname(require.resolve("@chainlink/contracts/package.json")), "src", "v0.6");

/**
 * Chainlink built its v0.6 contracts with the optimizer on and 10,000 runs: that is the
 * `compilerSettings` of smartcontractkit/chainlink `evm-contracts/app.config.json` (the
 * belt build that pinned v0.6 to solc 0.6.6, the version FluxAggregator.sol requires).
 * The EVM version is solc 0.6.6's default (istanbul), as theirs was.
 */
export const FLUX_OPTIMIZER_RUNS = 10_000;

/** 0.1 LINK per submission, the same reward our billing pays per observation. */
export const FLUX_PAYMENT_LINK_WEI = 10n ** 17n;
/** Seconds before an unfinished round may be skipped; never reached here (rounds complete). */
const FLUX_ROUND_TIMEOUT_S = 3600;
/** Rounds measured after the first one. */
export const STEADY_FLUX_ROUNDS = 3;

export interface CompiledContract {
  readonly abi: readonly object[];
  readonly bytecode: string;
}

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts?: Record<string, Record<string, { abi: object[]; evm: { bytecode: { object: string } } }>>;
}

/**
 * solc's import callback: source unit names are paths relative to src/v0.6. Names that would
 * leave that folder are refused, so the compiler only ever reads the package's own sources.
 */
export function readV06Source(unitName: string): { contents: string } | { error: string } {
  const resolved = path.resolve(V06_SOURCES, unitName);
  if (!resolved.startsWith(V06_SOURCES + path.sep)) return { error: `${unitName} is outside @chainlink/contracts/src/v0.6` };
  try {
    return { contents: readFileSync(resolved, "utf8") };
  } catch {
    return { error: `${unitName} not found in @chainlink/contracts/src/v0.6` };
  }
}

/** Standard-JSON input for FluxAggregator.sol with Chainlink's optimizer settings. */
export function fluxAggregatorCompilerInput(): object {
  return {
    language: "Solidity",
    sources: { "FluxAggregator.sol": { content: readFileSync(path.join(V06_SOURCES, "FluxAggregator.sol"), "utf8") } },
    settings: {
      optimizer: { enabled: true, runs: FLUX_OPTIMIZER_RUNS },
      outputSelection: { "FluxAggregator.sol": { FluxAggregator: ["abi", "evm.bytecode.object"] } },
    },
  };
}

/** Compile FluxAggregator with solc 0.6.6 (solcjs, WASM: takes a few seconds). */
export function compileFluxAggregator(): CompiledContract {
  const solc = require("solc-0.6.6") as { compile(input: string, callbacks: object): string; version(): string };
  const output = JSON.parse(solc.compile(JSON.stringify(fluxAggregatorCompilerInput()), { import: readV06Source })) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(`solc ${solc.version()} failed:\n${errors.map((e) => e.formattedMessage).join("\n")}`);
  const contract = output.contracts?.["FluxAggregator.sol"]?.FluxAggregator;
  if (contract === undefined) throw new Error("solc produced no FluxAggregator");
  return { abi: contract.abi, bytecode: "0x" + contract.evm.bytecode.object };
}

/** A deterministic private key per oracle and purpose, so runs are reproducible. */
function benchKey(purpose: string, index: number): string {
  return bytesToHex(keccak256(utf8Bytes(`hardhat-ocr bench flux ${purpose} ${index}`)));
}

export interface FluxRoundGasResult {
  readonly n: number;
  /** Total gas of the n submits of each measured round (rounds 2..STEADY_FLUX_ROUNDS+1). */
  readonly roundGas: readonly number[];
  readonly mean: number;
  /** Runtime bytecode size, to show the compiler settings produced a deployable contract. */
  readonly codeSize: number;
}

/**
 * A fresh chain with LINK and a FluxAggregator that has n oracles (each its own funded EOA)
 * and needs all n submissions per round (min = max = n, restartDelay 0). Runs
 * 1 + STEADY_FLUX_ROUNDS complete rounds and averages the total gas of all but the first.
 */
export async function measureFluxRoundGas(n: number, compiled: CompiledContract): Promise<FluxRoundGasResult> {
  const { ethers, networkHelpers } = await network.create();
  const [owner] = await ethers.getSigners();

  const link = (await ethers.deployContract("LinkToken")) as unknown as Contract;
  const factory = new ContractFactory(compiled.abi as object[], compiled.bytecode, owner);
  const flux = (await factory.deploy(
    await link.getAddress(),
    FLUX_PAYMENT_LINK_WEI,
    FLUX_ROUND_TIMEOUT_S,
    ethers.ZeroAddress,
    MIN_ANSWER,
    MAX_ANSWER,
    8,
    "ETH / USD",
  )) as unknown as Contract;
  await flux.waitForDeployment();
  const fluxAddress = await flux.getAddress();

  // Funds first: adding oracles requires a reserve of two rounds of payments.
  await (await link.transfer(fluxAddress, 10n ** 24n)).wait();
  await (await flux.updateAvailableFunds()).wait();

  const oracles = Array.from({ length: n }, (_, i) => new Wallet(benchKey("oracle", i), ethers.provider));
  const admins = Array.from({ length: n }, (_, i) => new Wallet(benchKey("admin", i)).address);
  for (const oracle of oracles) await networkHelpers.setBalance(oracle.address, 10n ** 20n);
  await (await flux.changeOracles([], oracles.map((o) => o.address), admins, n, n, 0)).wait();

  const roundGas: number[] = [];
  for (let round = 1; round <= 1 + STEADY_FLUX_ROUNDS; round++) {
    const answers = priceObservations(n, round - 1);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const sender = flux.connect(oracles[i]) as Contract;
      const receipt = await (await sender.submit(round, answers[i])).wait();
      if (receipt === null) throw new Error(`flux submit ${round}/${i} was not mined`);
      total += Number(receipt.gasUsed);
    }
    if (round > 1) roundGas.push(total);
  }
  // Each round must have completed with all n answers, or we measured something else.
  const latestRound = Number(await flux.latestRound());
  if (latestRound !== 1 + STEADY_FLUX_ROUNDS) {
    throw new Error(`FluxAggregator n=${n}: expected ${1 + STEADY_FLUX_ROUNDS} answered rounds, found ${latestRound}`);
  }
  const code = await ethers.provider.getCode(fluxAddress);
  return { n, roundGas, mean: mean(roundGas), codeSize: (code.length - 2) / 2 };
}
