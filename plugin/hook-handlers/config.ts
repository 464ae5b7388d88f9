import { readFile } from "node:fs/promises";
import path from "node:path";

import type { HardhatConfig } from "hardhat/types/config";
import type { ConfigHooks } from "hardhat/types/hooks";

import { resolveOcrConfig, validateOcrUserConfig } from "../config.js";

/**
 * The contracts the plugin deploys by artifact name. Hardhat only makes artifacts for root source
 * files, so in a project that installed hardhat-ocr they are added as npm files to build.
 */
export const DEPLOYED_CONTRACT_FILES = [
  "hardhat-ocr/contracts/LinkToken.sol",
  "hardhat-ocr/contracts/OffchainAggregator.sol",
  "hardhat-ocr/contracts/AccessControlledOffchainAggregator.sol",
  "hardhat-ocr/contracts/SimpleWriteAccessController.sol",
  "hardhat-ocr/contracts/SimpleReadAccessController.sol",
  "hardhat-ocr/contracts/proxy/AggregatorProxy.sol",
  "hardhat-ocr/contracts/proxy/EACAggregatorProxy.sol",
  "hardhat-ocr/contracts/l2/OptimismSequencerUptimeFeed.sol",
  "hardhat-ocr/contracts/l2/ArbitrumSequencerUptimeFeed.sol",
  "hardhat-ocr/contracts/l2/Flags.sol",
  "hardhat-ocr/contracts/l2/local/LocalOptimismMessenger.sol",
  "hardhat-ocr/contracts/l2/local/LocalArbitrumBridge.sol",
] as const;

/** True inside the hardhat-ocr repository itself, where `contracts/` is already a source root. */
async function isHardhatOcrItself(projectRoot: string): Promise<boolean> {
  try {
    const manifest = JSON.parse(await readFile(path.join(projectRoot, "package.json"), "utf8")) as { name?: string };
    return manifest.name === "hardhat-ocr";
  } catch {
    return false;
  }
}

/**
 * The optimizer settings the deployed contracts are built and measured with. Without the optimizer
 * OffchainAggregator exceeds the 24,576-byte EIP-170 code size limit, and Hardhat's default build
 * profile has it off, so the plugin pins these settings for its own files only.
 */
const DEPLOYED_CONTRACT_SETTINGS = { optimizer: { enabled: true, runs: 1000 } };

type ResolvedSolidity = HardhatConfig["solidity"];

/** The newest compiler of a profile that can build our `pragma ^0.8.20` sources. */
function newestCompatibleCompiler(compilers: ResolvedSolidity["profiles"][string]["compilers"]) {
  const compatible = compilers.filter((c) => {
    const [major, minor, patch] = c.version.split(".").map(Number);
    return major === 0 && minor === 8 && patch >= 20;
  });
  return compatible.sort((a, b) => Number(b.version.split(".")[2]) - Number(a.version.split(".")[2]))[0];
}

/** Per-profile overrides that build each deployed contract with the optimizer on. */
function withDeployedContractOverrides(solidity: ResolvedSolidity): ResolvedSolidity["profiles"] {
  const profiles: ResolvedSolidity["profiles"] = {};
  for (const [name, profile] of Object.entries(solidity.profiles)) {
    const compiler = newestCompatibleCompiler(profile.compilers);
    const overrides = { ...profile.overrides };
    if (compiler !== undefined) {
      for (const file of DEPLOYED_CONTRACT_FILES) {
        overrides[file] ??= { ...compiler, settings: { ...compiler.settings, ...DEPLOYED_CONTRACT_SETTINGS } };
      }
    }
    profiles[name] = { ...profile, overrides };
  }
  return profiles;
}

export default async (): Promise<Partial<ConfigHooks>> => ({
  async validateUserConfig(userConfig) {
    return validateOcrUserConfig(userConfig.ocr);
  },

  async resolveUserConfig(userConfig, resolveConfigurationVariable, next) {
    const resolved = await next(userConfig, resolveConfigurationVariable);
    const ocr = resolveOcrConfig(userConfig.ocr, resolveConfigurationVariable);
    if (await isHardhatOcrItself(resolved.paths.root)) return { ...resolved, ocr };
    const npmFilesToBuild = [...resolved.solidity.npmFilesToBuild];
    for (const file of DEPLOYED_CONTRACT_FILES) if (!npmFilesToBuild.includes(file)) npmFilesToBuild.push(file);
    const profiles = withDeployedContractOverrides(resolved.solidity);
    return { ...resolved, ocr, solidity: { ...resolved.solidity, npmFilesToBuild, profiles } };
  },
});
