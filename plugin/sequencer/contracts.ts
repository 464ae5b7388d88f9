/**
 * The contracts of a sequencer uptime feed: their artifact names, the ABI fragments this plugin
 * calls, and Arbitrum's L1-to-L2 address aliasing.
 */
import { HardhatPluginError } from "hardhat/plugins";

import { PLUGIN_ID } from "../constants.js";
import { MissingPluginArtifactError, type PluginArtifacts } from "../feed/plugin-artifacts.js";

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

/** What resolving an artifact name needs: the plugin's resolver (see feed/plugin-artifacts.ts). */
export type ArtifactLookup = Pick<PluginArtifacts, "fullyQualifiedName">;

/**
 * The fully qualified artifact name of one of our contracts: the installed package's copy when
 * there is one, this repository's `contracts/...` otherwise, so a user contract of the same name
 * is never picked instead of ours. Without a lookup, the repository's name.
 */
export async function qualifiedName(artifacts: ArtifactLookup | undefined, contract: SequencerContract): Promise<string> {
  const { source, name } = SEQUENCER_CONTRACTS[contract];
  if (artifacts === undefined) return `${source}:${name}`;
  try {
    return await artifacts.fullyQualifiedName(name);
  } catch (error) {
    if (error instanceof MissingPluginArtifactError) throw new HardhatPluginError(PLUGIN_ID, error.message);
    throw error;
  }
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
