/**
 * The contracts this plugin deploys, and how to find their artifacts without colliding with a
 * user's own contracts of the same name.
 *
 * Hardhat looks a bare contract name up across every artifact of the project, so a user contract
 * named `LinkToken` would make `deployContract("LinkToken")` ambiguous (HHE1001). The plugin
 * therefore always asks for a fully qualified name: `contracts/LinkToken.sol:LinkToken` inside
 * this repository, and the npm source name of the installed package elsewhere.
 */

/** Source file (relative to the package root) of every contract the plugin deploys by name. */
export const PLUGIN_CONTRACT_SOURCES = {
  LinkToken: "contracts/LinkToken.sol",
  OffchainAggregator: "contracts/OffchainAggregator.sol",
  AccessControlledOffchainAggregator: "contracts/AccessControlledOffchainAggregator.sol",
  OCR2Aggregator: "contracts/ocr2/OCR2Aggregator.sol",
  AccessControlledOCR2Aggregator: "contracts/ocr2/AccessControlledOCR2Aggregator.sol",
  SimpleWriteAccessController: "contracts/SimpleWriteAccessController.sol",
  SimpleReadAccessController: "contracts/SimpleReadAccessController.sol",
  AggregatorProxy: "contracts/proxy/AggregatorProxy.sol",
  EACAggregatorProxy: "contracts/proxy/EACAggregatorProxy.sol",
  OptimismSequencerUptimeFeed: "contracts/l2/OptimismSequencerUptimeFeed.sol",
  ArbitrumSequencerUptimeFeed: "contracts/l2/ArbitrumSequencerUptimeFeed.sol",
  Flags: "contracts/l2/Flags.sol",
  LocalOptimismMessenger: "contracts/l2/local/LocalOptimismMessenger.sol",
  LocalArbitrumBridge: "contracts/l2/local/LocalArbitrumBridge.sol",
} as const;

export type PluginContractName = keyof typeof PLUGIN_CONTRACT_SOURCES;

/** The package's npm name, as Hardhat prefixes the source names of its files. */
export const PACKAGE_NAME = "hardhat-ocr";

/** The npm source names a project that installed the package builds (`solidity.npmFilesToBuild`). */
export const PLUGIN_NPM_FILES: readonly string[] = Object.values(PLUGIN_CONTRACT_SOURCES).map((source) => `${PACKAGE_NAME}/${source}`);

/** What the resolver needs from Hardhat's artifact manager. */
export interface ArtifactNames {
  getAllFullyQualifiedNames(): Promise<ReadonlySet<string>>;
}

export function isPluginContractName(name: string): name is PluginContractName {
  return Object.prototype.hasOwnProperty.call(PLUGIN_CONTRACT_SOURCES, name);
}

/**
 * The fully qualified name of the plugin's own `contract` among `names`: the installed package's
 * copy (source name `hardhat-ocr/...` or `npm/hardhat-ocr@<version>/...`) when there is one,
 * otherwise the repository's own `contracts/...` file. Undefined when neither was built.
 */
export function findPluginArtifact(names: ReadonlySet<string>, contract: PluginContractName): string | undefined {
  const suffix = `${PLUGIN_CONTRACT_SOURCES[contract]}:${contract}`;
  const fromPackage = new RegExp(`^(npm/)?${PACKAGE_NAME}(@[^/]+)?/${escapeRegExp(suffix)}$`);
  for (const name of names) if (fromPackage.test(name)) return name;
  return names.has(suffix) ? suffix : undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Resolves the plugin's contract names to fully qualified names, reading the artifact list once
 * per build (the list is re-read when a name is missing, e.g. after a build in the same process).
 */
export class PluginArtifacts {
  readonly #artifacts: ArtifactNames;
  #names: ReadonlySet<string> | undefined;

  constructor(artifacts: ArtifactNames) {
    this.#artifacts = artifacts;
  }

  /** The fully qualified name for `contract`; names that are not the plugin's pass through unchanged. */
  async fullyQualifiedName(contract: string): Promise<string> {
    if (!isPluginContractName(contract)) return contract;
    this.#names ??= await this.#artifacts.getAllFullyQualifiedNames();
    let found = findPluginArtifact(this.#names, contract);
    if (found === undefined) {
      this.#names = await this.#artifacts.getAllFullyQualifiedNames();
      found = findPluginArtifact(this.#names, contract);
    }
    if (found === undefined) throw new MissingPluginArtifactError(contract);
    return found;
  }
}

/** The plugin's contracts were never built in this project (no artifact at all). */
export class MissingPluginArtifactError extends Error {
  constructor(readonly contract: PluginContractName) {
    super(
      `The artifact of hardhat-ocr's ${contract} (${PLUGIN_CONTRACT_SOURCES[contract]}) is missing: the project's contracts have not been built. ` +
        `Run \`npx hardhat build\` (the ocr:* tasks and \`hardhat test\` build first on their own).`,
    );
    this.name = "MissingPluginArtifactError";
  }
}
