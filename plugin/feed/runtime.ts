/**
 * What every feed on a connection shares with its phases: ethers, the owner, the clock the
 * committee runs on and the chain-time queue. Plus the two steps each phase starts with:
 * funding transmitters and bringing a committee up on an aggregator.
 */
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { type BaseContract, Contract, type Signer, formatEther, getAddress } from "ethers";
import { HardhatPluginError } from "hardhat/plugins";

import type { OracleInfo } from "../api-types.js";
import type { PluginArtifacts } from "./plugin-artifacts.js";
import { type Address } from "../core/address.js";
import { bytesToHex } from "../core/bytes.js";
import { type DecodedOffchainConfig, decodeEncodedConfig } from "../core/config/encoding.js";
import type { OracleKeys } from "../core/keys.js";
import type { ChainEdits } from "../chain/chain-edits.js";
import type { Clock } from "../protocol/clock.js";
import type { ContractConfig } from "../protocol/chain.js";
import type { Committee } from "../protocol/committee.js";
import { OracleKeySeed } from "../deployments/key-seed.js";
import type { OcrFeedConfig } from "../types.js";
import { ChainTime, JumpingVirtualClock } from "./chain-time.js";
import { createCommittee } from "./committee-wiring.js";
import { OCR2_FEED_ABI, createOcr2Committee, ocr2TimingOf } from "./ocr2-phase.js";
import { AGGREGATOR_ABI, type Deployer, aggregatorInterface } from "./contracts.js";
import { PLUGIN_ID } from "../constants.js";
import { WallClock } from "./wall-clock.js";

/** Ether each transmitter gets on chains that allow setting balances: years of local transmits. */
export const TRANSMITTER_BALANCE = 100n * 10n ** 18n;
/** Below this a transmitter on a real network is reported as unfunded. */
export const MIN_TRANSMITTER_BALANCE = 10n ** 17n;

export interface FeedRuntime {
  readonly ethers: HardhatEthers;
  /** Finds the plugin's artifacts by fully qualified name, so user contracts never collide. */
  readonly artifacts: PluginArtifacts;
  readonly deployer: Deployer;
  readonly clock: Clock;
  /** True on the simulated network: the chain's block timestamps follow `clock`. */
  readonly simulated: boolean;
}

/**
 * A clock and chain-time queue for one feed. On the simulated network the virtual clock starts
 * at the chain's latest block time, so pinned timestamps never go backwards; on a node the
 * committee runs in real time.
 */
export async function createRuntime(ethers: HardhatEthers, artifacts: PluginArtifacts, simulated: boolean, seed: string, edits?: ChainEdits): Promise<FeedRuntime> {
  const [owner] = await ethers.getSigners();
  if (owner === undefined) {
    throw new HardhatPluginError(PLUGIN_ID, "This network has no accounts; configure `accounts` for it so the feed has an owner to deploy and configure it.");
  }
  let clock: Clock;
  if (simulated) {
    const latest = await ethers.provider.getBlock("latest");
    clock = new JumpingVirtualClock({ startMs: (latest?.timestamp ?? Math.floor(Date.now() / 1000)) * 1000, seed: `${seed}/clock` });
  } else {
    clock = new WallClock();
  }
  const chainTime = new ChainTime(ethers.provider, () => clock.now(), simulated, edits);
  const deployer: Deployer = {
    deployContract: async (name, args, signer) => ethers.deployContract(await artifacts.fullyQualifiedName(name), args, signer as Signer),
    owner,
    chainTime,
  };
  return { ethers, artifacts, deployer, clock, simulated };
}

/**
 * Give each transmitter ether for gas. Development chains (the simulated network, a Hardhat
 * node, anvil) allow `hardhat_setBalance`; elsewhere the transmitters must already be funded,
 * and the error lists the ones that are not.
 */
export async function fundTransmitters(runtime: FeedRuntime, transmitters: readonly string[]): Promise<void> {
  const provider = runtime.ethers.provider;
  try {
    for (const t of transmitters) {
      if ((await provider.getBalance(t)) >= TRANSMITTER_BALANCE) continue;
      await provider.send("hardhat_setBalance", [t, "0x" + TRANSMITTER_BALANCE.toString(16)]);
    }
    return;
  } catch {
    // Not a development chain: fall through to the balance check.
  }
  const unfunded: string[] = [];
  for (const t of transmitters) {
    const balance = await provider.getBalance(t);
    if (balance < MIN_TRANSMITTER_BALANCE) unfunded.push(`${t} (${formatEther(balance)} ETH)`);
  }
  if (unfunded.length > 0) {
    throw new HardhatPluginError(
      PLUGIN_ID,
      `This network does not support hardhat_setBalance, so the oracle transmitters must be funded before the feed can run. ` +
        `Send at least ${formatEther(MIN_TRANSMITTER_BALANCE)} ETH to each of: ${unfunded.join(", ")}`,
    );
  }
}

/** Protocol timing as the contract's current config has it (what the oracles actually run). */
export interface OnChainTiming {
  readonly deltaProgressMs: number;
  readonly deltaResendMs: number;
  readonly deltaRoundMs: number;
  readonly deltaGraceMs: number;
  readonly deltaStageMs: number;
  readonly deltaCMs: number;
  readonly stages: number;
}

/** The protocol timing of a decoded on-chain config. */
function timingOf(encoded: DecodedOffchainConfig): OnChainTiming {
  return {
    deltaProgressMs: encoded.deltaProgressMs,
    deltaResendMs: encoded.deltaResendMs,
    deltaRoundMs: encoded.deltaRoundMs,
    deltaGraceMs: encoded.deltaGraceMs,
    deltaStageMs: encoded.deltaStageMs,
    deltaCMs: encoded.deltaCMs,
    stages: encoded.s.length,
  };
}

/** One aggregator and the committee that reports to it. */
export interface FeedPhase {
  /** The feed's settings; its `seed` is the one the committee's randomness derives from. */
  readonly config: OcrFeedConfig;
  /** The protocol this phase's aggregator and committee run. */
  readonly protocol: "ocr2" | "ocr1";
  /** Where the committee's keys and payees come from; null for a feed attached read-only. */
  readonly keySeed: OracleKeySeed | null;
  readonly n: number;
  readonly f: number;
  /** Null for a feed attached read-only without the oracle keys. */
  readonly committee: Committee | null;
  readonly aggregatorAddress: string;
  readonly aggregator: BaseContract;
  readonly oracles: readonly OracleInfo[];
  readonly signerAddresses: readonly Address[];
  readonly configDigest: string;
  readonly timing: OnChainTiming;
}

/**
 * Build the committee for `aggregatorAddress` and bring it up. With `setConfig` the committee
 * writes a fresh config first (a new deployment); without, the oracles adopt the config already
 * on chain (attaching), and each resumes above the latest epoch reported there.
 */
export async function startPhase(
  runtime: FeedRuntime,
  config: OcrFeedConfig,
  aggregatorAddress: string,
  options: {
    readonly setConfig: boolean;
    /** Default true; false builds the committee without starting any oracle (read-only feeds). */
    readonly startOracles?: boolean;
    readonly n: number;
    readonly f: number;
    readonly keys: readonly OracleKeys[];
    /** Where `keys` came from. Default: the plain `config.seed` (keys derived from it). */
    readonly keySeed?: OracleKeySeed;
  },
): Promise<FeedPhase> {
  const keySeed = options.keySeed ?? OracleKeySeed.fromPlainSeed(config.seed);
  // A secret key seed also keeps the committee's own randomness (the config's shared secret
  // included) out of reach of the public seed; see OracleKeySeed.committeeSeed.
  const phaseConfig: OcrFeedConfig = { ...config, seed: keySeed.committeeSeed(config.seed) };
  const create = config.protocol === "ocr2" ? createOcr2Committee : createCommittee;
  const committee = create({
    config: phaseConfig,
    n: options.n,
    f: options.f,
    keys: options.keys,
    provider: runtime.ethers.provider,
    aggregator: aggregatorAddress,
    clock: runtime.clock,
    deployer: runtime.deployer,
  });
  if (options.setConfig) {
    await committee.start();
  } else if (options.startOracles ?? true) {
    for (let i = 0; i < options.n; i++) committee.bringUp(i);
  }
  const onChain = await committee.chain.latestConfig();
  if (onChain === null) throw new Error(`aggregator ${aggregatorAddress} has no config`);
  const aggregator = await contractAt(runtime, aggregatorArtifact(config), aggregatorAddress, config.protocol === "ocr2" ? OCR2_FEED_ABI : AGGREGATOR_ABI);
  return {
    protocol: config.protocol,
    config: phaseConfig,
    keySeed,
    n: options.n,
    f: options.f,
    committee,
    aggregatorAddress,
    aggregator,
    oracles: keySeed.oracleInfo(committee.keys),
    signerAddresses: committee.keys.map((k) => k.signerAddress),
    configDigest: bytesToHex(onChain.configDigest),
    timing: onChainTiming(onChain),
  };
}

/** The aggregator artifact a feed config deploys. */
export function aggregatorArtifact(config: Pick<OcrFeedConfig, "protocol" | "accessControlled">): string {
  if (config.protocol === "ocr2") return config.accessControlled ? "AccessControlledOCR2Aggregator" : "OCR2Aggregator";
  return config.accessControlled ? "AccessControlledOffchainAggregator" : "OffchainAggregator";
}

/** The timing of either protocol's config on chain. */
function onChainTiming(onChain: ContractConfig): OnChainTiming {
  if (onChain.protocol === "ocr2") {
    const { offchainPublicKeys: _keys, ...timing } = ocr2TimingOf(onChain);
    return timing;
  }
  return timingOf(decodeEncodedConfig(onChain.encoded));
}

/**
 * A phase for reading only, built from the chain alone: no keys, no committee. The oracles'
 * identities come from the aggregator (signers from the config, transmitters from
 * `transmitters()`, payees from PayeeshipTransferred events), so `ocr:status` works without the
 * secret key seed.
 */
export async function readOnlyPhaseFromChain(runtime: FeedRuntime, config: OcrFeedConfig, aggregatorAddress: string, onChain: ContractConfig): Promise<FeedPhase> {
  const ocr2 = onChain.protocol === "ocr2";
  const offchainPublicKeys = ocr2 ? ocr2TimingOf(onChain).offchainPublicKeys : decodeEncodedConfig(onChain.encoded).offchainPublicKeys;
  const protocol = ocr2 ? "ocr2" : "ocr1";
  const aggregator = await contractAt(runtime, aggregatorArtifact({ ...config, protocol }), aggregatorAddress, ocr2 ? OCR2_FEED_ABI : AGGREGATOR_ABI);
  const reader = new Contract(aggregatorAddress, ocr2 ? OCR2_FEED_ABI : AGGREGATOR_ABI, runtime.ethers.provider);
  const transmitters = (await (ocr2 ? reader.getTransmitters() : reader.transmitters())) as string[];
  const payees = await payeesFromEvents(runtime, aggregatorAddress);
  const oracles: OracleInfo[] = onChain.signers.map((signer, index) => ({
    index,
    signer: getAddress(signer),
    transmitter: getAddress(transmitters[index]),
    payee: payees.get(transmitters[index].toLowerCase()) ?? "unknown",
    offchainPublicKey: bytesToHex(offchainPublicKeys[index]),
  }));
  return {
    protocol,
    config: { ...config, protocol },
    keySeed: null,
    n: onChain.signers.length,
    f: onChain.threshold,
    committee: null,
    aggregatorAddress,
    aggregator,
    oracles,
    signerAddresses: onChain.signers,
    configDigest: bytesToHex(onChain.configDigest),
    timing: onChainTiming(onChain),
  };
}

/** Each transmitter's current payee, from the aggregator's PayeeshipTransferred events (empty if the node refuses the query). */
async function payeesFromEvents(runtime: FeedRuntime, aggregatorAddress: string): Promise<Map<string, string>> {
  const payees = new Map<string, string>();
  const event = aggregatorInterface.getEvent("PayeeshipTransferred")!;
  try {
    const logs = await runtime.ethers.provider.getLogs({ address: aggregatorAddress, topics: [event.topicHash], fromBlock: 0, toBlock: "latest" });
    for (const log of logs) {
      const parsed = aggregatorInterface.parseLog(log);
      if (parsed !== null) payees.set((parsed.args.transmitter as string).toLowerCase(), getAddress(parsed.args.current as string));
    }
  } catch {
    // Public RPCs may refuse log queries over the whole chain: payees then show as unknown.
  }
  return payees;
}

/**
 * A handle with the artifact's full ABI when the project has it (connected to the owner), or
 * the plugin's own fragments when it does not (e.g. a project that never built the contracts).
 */
export async function contractAt(runtime: FeedRuntime, artifactName: string, address: string, fallbackAbi: readonly string[] = AGGREGATOR_ABI): Promise<BaseContract> {
  try {
    const name = await runtime.artifacts.fullyQualifiedName(artifactName);
    return (await runtime.ethers.getContractAt(name, address, runtime.deployer.owner as Signer)) as BaseContract;
  } catch {
    return new Contract(address, fallbackAbi, runtime.deployer.owner);
  }
}
