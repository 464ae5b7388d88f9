/**
 * Deploying a sequencer uptime feed (feed, bridge stand-in, proxy; Arbitrum also Flags) and the
 * handle that sends it status messages and reads it back through its proxy.
 */
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { type BaseContract, Contract, type ContractTransactionResponse, Interface, type Signer, getAddress, toBeHex } from "ethers";
import { HardhatPluginError } from "hardhat/plugins";

import { PLUGIN_ID } from "../constants.js";
import {
  ACCESS_CONTROLLER_ABI,
  ARBITRUM_BRIDGE_ABI,
  type ArtifactLookup,
  FLAGS_ABI,
  OPTIMISM_MESSENGER_ABI,
  type SequencerContract,
  UPTIME_FEED_ABI,
  UPTIME_PROXY_ABI,
  qualifiedName,
} from "./contracts.js";
import { type MessageTiming, earliestNextBlockTime, planMessageTiming } from "./timing.js";
import {
  SEQUENCER_FLAVOURS,
  type SequencerFlavour,
  type SequencerStatus,
  type SequencerStatusOptions,
  type SequencerStatusUpdate,
  type SequencerUpdateOutcome,
  type SequencerUptimeFeed,
  type SequencerUptimeFeedAddresses,
} from "./types.js";

/** Round ids seen through a proxy carry the phase above bit 64. */
const PHASE_OFFSET = 64n;
const AGGREGATOR_ROUND_MASK = (1n << PHASE_OFFSET) - 1n;

const feedInterface = new Interface(UPTIME_FEED_ABI);

/** How often to re-plan a message whose pinned arrival an interval-mined block overtook. */
const PIN_ATTEMPTS = 3;

/**
 * The L1 sender of an Optimism feed deployed here. On a real chain it is the OptimismValidator on
 * L1; locally no contract is there, the messenger stand-in just names it.
 */
export const OPTIMISM_L1_SENDER = getAddress("0x00000000000000000000000000000000004c3153");

/** What deploying and driving a feed needs from the connection. */
export interface SequencerRuntime {
  readonly ethers: HardhatEthers;
  /** Hardhat's artifact manager, to find our artifacts by fully qualified name. */
  readonly artifacts?: ArtifactLookup;
}

/** The flavour option checked: one of SEQUENCER_FLAVOURS, or an error naming them. */
export function checkFlavour(flavour: unknown): SequencerFlavour {
  if (SEQUENCER_FLAVOURS.includes(flavour as SequencerFlavour)) return flavour as SequencerFlavour;
  throw new HardhatPluginError(
    PLUGIN_ID,
    `Unknown sequencer uptime feed flavour ${JSON.stringify(flavour)}; use one of ${SEQUENCER_FLAVOURS.map((f) => JSON.stringify(f)).join(", ")}.`,
  );
}

async function firstSigner(ethers: HardhatEthers): Promise<Signer> {
  const [owner] = await ethers.getSigners();
  if (owner === undefined) {
    throw new HardhatPluginError(PLUGIN_ID, "This network has no accounts; configure `accounts` for it so the sequencer uptime feed has an owner to deploy it.");
  }
  return owner;
}

async function deployContract(runtime: SequencerRuntime, owner: Signer, contract: SequencerContract, args: unknown[]): Promise<string> {
  const factory = await runtime.ethers.getContractFactory(await qualifiedName(runtime.artifacts, contract), owner);
  const deployed = await factory.deploy(...args);
  await deployed.waitForDeployment();
  return deployed.getAddress();
}

async function mined(what: string, sent: Promise<ContractTransactionResponse>): Promise<NonNullable<Awaited<ReturnType<ContractTransactionResponse["wait"]>>>> {
  const receipt = await (await sent).wait();
  if (receipt === null || receipt.status !== 1) throw new Error(`${what} was not mined successfully`);
  return receipt;
}

async function ownerCall(owner: Signer, address: string, abi: readonly string[], method: string, args: unknown[]): Promise<void> {
  const contract = new Contract(address, abi, owner);
  await mined(method, contract.getFunction(method)(...args) as Promise<ContractTransactionResponse>);
}

/**
 * Deploy the contracts of a `flavour` feed, owned by the connection's first account, with the
 * sequencer up:
 * - optimism: LocalOptimismMessenger, then the feed (L1 sender: a fixed address standing for the
 *   L1 validator; round 1 at deployment);
 * - arbitrum: LocalArbitrumBridge, whose address is the alias of the feed's L1 sender; an access
 *   controller that lets the feed raise and lower flags; Flags (the feed may read it); the feed,
 *   then `initialize()` (round 1).
 * Then an EACAggregatorProxy with open reads, allowed to read the feed.
 */
export async function deploySequencerContracts(runtime: SequencerRuntime, flavour: SequencerFlavour): Promise<SequencerUptimeFeedAddresses> {
  const owner = await firstSigner(runtime.ethers);
  let addresses: Omit<SequencerUptimeFeedAddresses, "proxy">;
  if (flavour === "optimism") {
    const bridge = await deployContract(runtime, owner, "optimismMessenger", []);
    const l1Sender = OPTIMISM_L1_SENDER;
    const feed = await deployContract(runtime, owner, "optimismFeed", [l1Sender, bridge, false]);
    addresses = { feed, bridge, l1Sender };
  } else {
    const bridge = await deployContract(runtime, owner, "arbitrumBridge", []);
    const l1Sender = getAddress(await new Contract(bridge, ARBITRUM_BRIDGE_ABI, owner).getFunction("l1Sender")());
    const flagWriters = await deployContract(runtime, owner, "writeAccessController", []);
    const flags = await deployContract(runtime, owner, "flags", [flagWriters, flagWriters]);
    const feed = await deployContract(runtime, owner, "arbitrumFeed", [flags, l1Sender]);
    await ownerCall(owner, flagWriters, ACCESS_CONTROLLER_ABI, "addAccess", [feed]);
    await ownerCall(owner, flags, FLAGS_ABI, "addAccess", [feed]);
    await ownerCall(owner, feed, UPTIME_FEED_ABI, "initialize", []);
    addresses = { feed, bridge, l1Sender, flags };
  }
  const proxy = await deployContract(runtime, owner, "proxy", [addresses.feed, "0x0000000000000000000000000000000000000000"]);
  await ownerCall(owner, addresses.feed, UPTIME_FEED_ABI, "addAccess", [proxy]);
  return { ...addresses, proxy };
}

/** What the feed emitted for a status message, from the delivering transaction's logs. */
export function outcomeOf(logs: readonly { address: string; topics: readonly string[]; data: string }[], feed: string): SequencerUpdateOutcome {
  const names = new Set<string>();
  for (const log of logs) {
    if (log.address.toLowerCase() !== feed.toLowerCase()) continue;
    const parsed = feedInterface.parseLog({ topics: [...log.topics], data: log.data });
    if (parsed !== null) names.add(parsed.name);
  }
  if (names.has("NewRound")) return "new-round";
  if (names.has("RoundUpdated")) return "updated";
  if (names.has("UpdateIgnored")) return "ignored";
  throw new Error("the status message was delivered but the feed emitted none of NewRound, RoundUpdated, UpdateIgnored");
}

/** The revert data an ethers call error carries, if any. */
function revertData(error: unknown): string | undefined {
  const data = (error as { data?: unknown }).data;
  return typeof data === "string" && data.startsWith("0x") ? data : undefined;
}

/** A feed's refusal of a status message as a user error that says what to check. */
export function rejectionError(error: unknown): unknown {
  const data = revertData(error);
  const parsed = data === undefined ? null : feedInterface.parseError(data);
  if (parsed?.name === "InvalidSender") {
    return new HardhatPluginError(
      PLUGIN_ID,
      "The feed rejected the status message with InvalidSender(): the bridge stand-in no longer delivers from the feed's L1 sender " +
        "(was transferL1Sender called on the feed?). Transfer the L1 sender back to the one in `addresses.l1Sender`, or deploy a new feed.",
      error as Error,
    );
  }
  if (parsed?.name === "Uninitialized") {
    return new HardhatPluginError(PLUGIN_ID, "The Arbitrum feed rejected the status message with Uninitialized(): its owner must call initialize() first.", error as Error);
  }
  return error;
}

function statusOf([roundId, answer, startedAt, updatedAt]: readonly bigint[]): SequencerStatus {
  return {
    status: answer === 0n ? "up" : "down",
    answer,
    roundId,
    aggregatorRoundId: roundId & AGGREGATOR_ROUND_MASK,
    startedAt,
    updatedAt,
  };
}

/**
 * The handle for contracts at `addresses`. Messages are sent by the connection's first account
 * through the bridge stand-in, in blocks whose timestamps it pins (evm_setNextBlockTimestamp), so
 * it needs a development chain (the Hardhat network, a Hardhat node, anvil).
 */
export async function sequencerUptimeFeedAt(
  runtime: SequencerRuntime,
  flavour: SequencerFlavour,
  addresses: SequencerUptimeFeedAddresses,
): Promise<SequencerUptimeFeed> {
  const owner = await firstSigner(runtime.ethers);
  const provider = runtime.ethers.provider;
  const feed = new Contract(addresses.feed, UPTIME_FEED_ABI, owner);
  const proxy = new Contract(addresses.proxy, UPTIME_PROXY_ABI, owner);
  const bridge = new Contract(addresses.bridge, flavour === "optimism" ? OPTIMISM_MESSENGER_ABI : ARBITRUM_BRIDGE_ABI, owner);

  async function latestBlockTimestamp(): Promise<bigint> {
    const latest = await provider.getBlock("latest");
    if (latest === null) throw new Error("the node returned no latest block");
    return BigInt(latest.timestamp);
  }

  function plan(latest: bigint, options: SequencerStatusOptions): MessageTiming {
    try {
      return planMessageTiming(earliestNextBlockTime(latest, Date.now()), options);
    } catch (error) {
      if (error instanceof RangeError) throw new HardhatPluginError(PLUGIN_ID, `Cannot deliver the sequencer status message: ${error.message}.`);
      throw error;
    }
  }

  /**
   * Plan the message's times and pin the next block to its arrival. On a chain that mines on an
   * interval a block can land between reading the latest one and pinning, making the pin too
   * early; then plan again from the new latest block (a bounded number of times).
   */
  async function planAndPin(options: SequencerStatusOptions): Promise<MessageTiming> {
    for (let attempt = 1; ; attempt++) {
      const latest = await latestBlockTimestamp();
      const timing = plan(latest, options);
      try {
        await provider.send("evm_setNextBlockTimestamp", [toBeHex(timing.arrivalTimestamp)]);
        return timing;
      } catch (error) {
        if (attempt < PIN_ATTEMPTS && (await latestBlockTimestamp()) !== latest) continue;
        throw new HardhatPluginError(
          PLUGIN_ID,
          `Cannot set the arrival time of the sequencer status message: the node refused evm_setNextBlockTimestamp (${(error as Error).message.split("\n")[0]}). ` +
            "The local bridge stand-ins only work on development chains (the Hardhat network, `npx hardhat node`, anvil).",
          error as Error,
        );
      }
    }
  }

  async function send(down: boolean, options: SequencerStatusOptions = {}): Promise<SequencerStatusUpdate> {
    const timing = await planAndPin(options);
    const message = feedInterface.encodeFunctionData("updateStatus", [down, timing.l1Timestamp]);
    const sent =
      flavour === "optimism"
        ? bridge.getFunction("relayMessage")(addresses.feed, addresses.l1Sender, message)
        : bridge.getFunction("deliver")(addresses.feed, message);
    const receipt = await mined("The status message", sent as Promise<ContractTransactionResponse>).catch((error: unknown) => {
      throw rejectionError(error);
    });
    const block = await provider.getBlock(receipt.blockNumber);
    return {
      reported: down ? "down" : "up",
      l1Timestamp: timing.l1Timestamp,
      arrivedAt: BigInt(block!.timestamp),
      outcome: outcomeOf(receipt.logs, addresses.feed),
      txHash: receipt.hash,
    };
  }

  async function readRound(roundId?: bigint): Promise<SequencerStatus> {
    const result = (roundId === undefined ? await proxy.latestRoundData() : await proxy.getRoundData(roundId)) as bigint[];
    return statusOf([...result]);
  }

  return {
    flavour,
    addresses,
    feed: feed as BaseContract,
    proxy: proxy as BaseContract,
    bridge: bridge as BaseContract,
    setDown: (options) => send(true, options),
    setUp: (options) => send(false, options),
    status: () => readRound(),
    async history() {
      const latest = await readRound();
      const phase = latest.roundId >> PHASE_OFFSET;
      const rounds: SequencerStatus[] = [];
      for (let id = 1n; id <= latest.aggregatorRoundId; id++) rounds.push(await readRound((phase << PHASE_OFFSET) | id));
      return rounds;
    },
  };
}

/** Deploy a `flavour` feed (see deploySequencerContracts) and return its handle. */
export async function deploySequencerUptimeFeedOn(runtime: SequencerRuntime, flavour: SequencerFlavour): Promise<SequencerUptimeFeed> {
  return sequencerUptimeFeedAt(runtime, flavour, await deploySequencerContracts(runtime, flavour));
}
