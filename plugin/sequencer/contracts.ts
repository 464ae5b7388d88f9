/**
 * The contracts of a sequencer uptime feed: their artifact names, the ABI fragments this plugin
 * calls, and Arbitrum's L1-to-L2 address aliasing.
 */
import { HardhatPluginError } from "hardhat/plugins";

import { PLUGIN_ID } from "../feed/feed-config.js";

/** The package name: in a project that installed the plugin, its sources are built under it. */
const PACKAGE_NAME = "hardhat-ocr";

/** Source path and contract name of every contract a sequencer uptime feed deploys. */
export const SEQUENCER_CONTRACTS = {
  optimismFeed: { source: "contracts/l2/OptimismSequencerUptimeFeed.sol", name: "OptimismSequencerUptimeFeed" },
  arbitrumFeed: { source: "contracts/l2/ArbitrumSequencerUptimeFeed.sol", name: "ArbitrumSequencerUptimeFeed" },
  flags: { source: "contracts/l2/Flags.sol", name: "Flags" },
  optimismMessenger: { source: "contracts/l2/local/LocalOptimismMessenger.sol", name: "LocalOptimismMessenger" },
  arbitrumBridge: { source: "contracts/l2/local/LocalArbitrumBridge.sol", name: "LocalArbitrumBridge" },
  writeAccessController: { source: "contracts/SimpleWriteAccessController.sol", name: "SimpleWriteAccessController" },
  proxy: { source: "contracts/proxy/EACAggregatorProxy.sol", name: "EACAggregatorProxy" },
} as const;

export type SequencerContract = keyof typeof SEQUENCER_CONTRACTS;

/** What resolving an artifact name needs from Hardhat's artifact manager. */
export interface ArtifactLookup {
  artifactExists(fullyQualifiedName: string): Promise<boolean>;
}

/**
 * The fully qualified artifact name of one of our contracts. Installed as a package, our sources
 * are built as `hardhat-ocr/contracts/...`; inside this repository as `contracts/...`. The package
 * name is tried first, so a user contract of the same name (even at the same path) is never
 * picked instead of ours.
 */
export async function qualifiedName(artifacts: ArtifactLookup | undefined, contract: SequencerContract): Promise<string> {
  const { source, name } = SEQUENCER_CONTRACTS[contract];
  const local = `${source}:${name}`;
  if (artifacts === undefined) return local;
  const fromPackage = `${PACKAGE_NAME}/${local}`;
  if (await artifacts.artifactExists(fromPackage)) return fromPackage;
  if (await artifacts.artifactExists(local)) return local;
  throw new HardhatPluginError(PLUGIN_ID, `The artifact ${fromPackage} is missing. Run \`npx hardhat build\` and try again.`);
}

/** What Arbitrum adds to an L1 contract's address to make its sender address on L2. */
export const L1_TO_L2_ALIAS_OFFSET = 0x1111000000000000000000000000000000001111n;
const ADDRESS_SPACE = 1n << 160n;

/** The L2 sender address of messages from L1 address `l1Address` on Arbitrum. */
export function applyL1ToL2Alias(l1Address: string): bigint {
  return (BigInt(l1Address) + L1_TO_L2_ALIAS_OFFSET) % ADDRESS_SPACE;
}

/** The L1 address whose messages arrive from `l2Address` on Arbitrum. */
export function undoL1ToL2Alias(l2Address: string): bigint {
  return (BigInt(l2Address) - L1_TO_L2_ALIAS_OFFSET + ADDRESS_SPACE) % ADDRESS_SPACE;
}

export const UPTIME_FEED_ABI = [
  "function updateStatus(bool status, uint64 timestamp)",
  "function addAccess(address user)",
  "function initialize()",
  "function l1Sender() view returns (address)",
  "function typeAndVersion() pure returns (string)",
  "function latestRound() view returns (uint256)",
  "event NewRound(uint256 indexed roundId, address indexed startedBy, uint256 startedAt)",
  "event RoundUpdated(int256 status, uint64 updatedAt)",
  "event UpdateIgnored(bool latestStatus, uint64 latestTimestamp, bool incomingStatus, uint64 incomingTimestamp)",
  "error InvalidSender()",
  "error Uninitialized()",
] as const;

export const UPTIME_PROXY_ABI = [
  "function phaseId() view returns (uint16)",
  "function aggregator() view returns (address)",
  "function latestRound() view returns (uint256)",
  "function latestRoundData() view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)",
  "function getRoundData(uint80 roundId) view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)",
] as const;

export const OPTIMISM_MESSENGER_ABI = ["function relayMessage(address target, address l1Sender, bytes message)"] as const;
export const ARBITRUM_BRIDGE_ABI = ["function deliver(address target, bytes message)", "function l1Sender() view returns (address)"] as const;
export const FLAGS_ABI = ["function addAccess(address user)"] as const;
export const ACCESS_CONTROLLER_ABI = ["function addAccess(address user)"] as const;
