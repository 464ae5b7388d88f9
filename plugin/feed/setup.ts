/**
 * Creating a feed: deploying every contract and a configured committee (`deployFeedOn`), or
 * building a committee for contracts deployed earlier, possibly by another process
 * (`attachFeedOn`).
 */
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { Contract, getAddress } from "ethers";
import { HardhatPluginError } from "hardhat/plugins";

import type { FeedAddresses } from "../api-types.js";
import { sameAddress } from "../core/address.js";
import { EthersAggregatorChain } from "../chain/ethers-aggregator-chain.js";
import type { OracleKeySeed } from "../deployments/key-seed.js";
import { keysDoNotMatchAggregator } from "../messages.js";
import type { OcrFeedConfig } from "../types.js";
import type { OracleKeys } from "../core/keys.js";
import { AGGREGATOR_ABI, LINK_ABI, PROXY_ABI, deploy, deployAggregator, deployProxy, ownerCall } from "./contracts.js";
import { Feed } from "./feed.js";
import { PLUGIN_ID } from "../constants.js";
import type { PluginArtifacts } from "./plugin-artifacts.js";
import { type FeedPhase, type FeedRuntime, contractAt, createRuntime, fundTransmitters, readOnlyPhaseFromChain, startPhase } from "./runtime.js";
import type { ChainEdits } from "../chain/chain-edits.js";
import { Ocr2AggregatorChain } from "../chain/ocr2-aggregator-chain.js";
import { deployOcr2Aggregator, ocr2FeedInterface } from "./ocr2-phase.js";

/**
 * Deploy LINK, the aggregator (open or access-controlled), its proxy, payees and LINK funding,
 * fund the transmitters, then let the committee set its config and start. The oracle keys and
 * payees come from `keySeed`; `config.seed` only seeds the run's randomness.
 */
export async function deployFeedOn(
  ethers: HardhatEthers,
  artifacts: PluginArtifacts,
  simulated: boolean,
  config: OcrFeedConfig,
  keySeed: OracleKeySeed,
  edits?: ChainEdits,
): Promise<Feed> {
  const runtime = await createRuntime(ethers, artifacts, simulated, config.seed, edits);
  const n = config.oracles;
  const keys = keySeed.committeeKeys(n);
  // Funding first: on a network that cannot set balances this fails before anything is deployed.
  await fundTransmitters(runtime, keys.map((k) => k.transmitterAddress));

  const linkTokenAddress = await deploy(runtime.deployer, "LinkToken", []);
  const oracles = keys.map((k, i) => ({ transmitter: k.transmitterAddress, payee: keySeed.payee(i) }));
  const deployFor = config.protocol === "ocr2" ? deployOcr2Aggregator : deployAggregator;
  const aggregatorAddress = await deployFor(runtime.deployer, config, linkTokenAddress, oracles);
  const { proxy: proxyAddress, accessController } = await deployProxy(runtime.deployer, config, aggregatorAddress);
  const phase = await startPhase(runtime, config, aggregatorAddress, { setConfig: true, n, f: config.faultTolerance, keys, keySeed });

  return new Feed({
    name: config.name,
    runtime,
    proxyAddress,
    proxy: await contractAt(runtime, config.accessControlled ? "EACAggregatorProxy" : "AggregatorProxy", proxyAddress, PROXY_ABI),
    linkTokenAddress,
    linkToken: await contractAt(runtime, "LinkToken", linkTokenAddress, LINK_ABI),
    ...(accessController !== undefined ? { accessController } : {}),
    phase,
    phaseId: 1,
  });
}

/** "ocr2" for an (AccessControlled)OCR2Aggregator, by its typeAndVersion; otherwise "ocr1". */
export async function protocolOf(ethers: HardhatEthers, aggregator: string): Promise<"ocr1" | "ocr2"> {
  try {
    const typeAndVersion = (await new Contract(aggregator, ocr2FeedInterface, ethers.provider).typeAndVersion()) as string;
    return /OCR2Aggregator/.test(typeAndVersion) ? "ocr2" : "ocr1";
  } catch {
    return "ocr1";
  }
}

async function hasCode(ethers: HardhatEthers, address: string): Promise<boolean> {
  return (await ethers.provider.getCode(address)) !== "0x";
}

/**
 * A committee for contracts already on chain. The oracle keys come from `keySeed` and must be
 * the aggregator's configured signers; the committee adopts the config on chain (no new
 * setConfig), so each oracle starts above the latest epoch reported there. A null `keySeed`
 * attaches read-only: no committee, and no keys needed.
 */
export async function attachFeedOn(
  ethers: HardhatEthers,
  artifacts: PluginArtifacts,
  simulated: boolean,
  config: OcrFeedConfig,
  addresses: FeedAddresses,
  keySeed: OracleKeySeed | null,
  edits?: ChainEdits,
): Promise<Feed> {
  for (const [role, address] of [["aggregator", addresses.aggregator], ["proxy", addresses.proxy], ["linkToken", addresses.linkToken]] as const) {
    if (typeof address !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(address) || !(await hasCode(ethers, address))) {
      throw new HardhatPluginError(
        PLUGIN_ID,
        `No contract for the ${role} of feed "${config.name}" at ${String(address)} on this network. Deploy the feed first (ocr:deploy), or check the network and the recorded addresses.`,
      );
    }
  }
  const runtime = await createRuntime(ethers, artifacts, simulated, config.seed, edits);
  const proxyReader = new Contract(addresses.proxy, PROXY_ABI, ethers.provider);
  const current = (await proxyReader.aggregator()) as string;
  if (!sameAddress(current, addresses.aggregator)) {
    throw new HardhatPluginError(
      PLUGIN_ID,
      `The proxy ${addresses.proxy} of feed "${config.name}" reads aggregator ${current}, not ${addresses.aggregator}; the recorded addresses are stale (was the aggregator upgraded?). Attach with the proxy's current aggregator.`,
    );
  }

  // The aggregator says which protocol it runs; the committee follows it, whatever the config says.
  const protocol = await protocolOf(ethers, addresses.aggregator);
  const reader = { provider: ethers.provider, aggregatorAddress: addresses.aggregator, transmitterSigner: () => Promise.reject(new Error("reading only")) };
  const onChain = await (protocol === "ocr2" ? new Ocr2AggregatorChain(reader) : new EthersAggregatorChain(reader)).latestConfig();
  const accessControlled = addresses.accessController !== undefined || config.accessControlled;
  config = { ...config, protocol };
  if (keySeed === null) {
    // Reading needs no keys: the oracles' public identities come from the chain.
    if (onChain === null) throw unconfiguredError(config, addresses.aggregator, "it cannot be read as a feed yet; attach without readOnly to configure it");
    const phase = await readOnlyPhaseFromChain(runtime, { ...config, accessControlled }, addresses.aggregator, onChain);
    return attachedFeed(runtime, config.name, addresses, phase, { readOnly: true });
  }
  // A fresh aggregator (e.g. from the Ignition module) gets this committee's config; otherwise
  // the committee must be the one on chain.
  const n = onChain?.signers.length ?? config.oracles;
  const f = onChain?.threshold ?? config.faultTolerance;
  const keys = keySeed.committeeKeys(n);
  const mismatch = onChain?.signers.findIndex((s, i) => !sameAddress(s, keys[i].signerAddress)) ?? -1;
  if (onChain !== null && mismatch >= 0) {
    throw new HardhatPluginError(PLUGIN_ID, keysDoNotMatchAggregator(addresses.aggregator, mismatch, onChain.signers[mismatch], keys[mismatch].signerAddress));
  }
  const attachedConfig: OcrFeedConfig = { ...config, oracles: n, faultTolerance: f, accessControlled };
  await fundTransmitters(runtime, keys.map((k) => k.transmitterAddress));
  if (onChain === null) await prepareUnconfigured(runtime, config, addresses.aggregator, keySeed, keys);
  // On a live node the oracles run in real time: they start with the first call that drives
  // them, so that call's observations and down list hold from the very first round.
  const phase = await startPhase(runtime, attachedConfig, addresses.aggregator, { setConfig: onChain === null, startOracles: simulated || onChain === null, n, f, keys, keySeed });
  return attachedFeed(runtime, config.name, addresses, phase, { deferStart: !simulated && onChain !== null });
}

/** The Feed over an attached phase: the proxy and LINK token at `addresses`, the proxy's phase id. */
async function attachedFeed(
  runtime: FeedRuntime,
  name: string,
  addresses: FeedAddresses,
  phase: FeedPhase,
  mode: { readonly readOnly?: boolean; readonly deferStart?: boolean },
): Promise<Feed> {
  const accessControlled = phase.config.accessControlled;
  return new Feed({
    name,
    runtime,
    proxyAddress: getAddress(addresses.proxy),
    proxy: await contractAt(runtime, accessControlled ? "EACAggregatorProxy" : "AggregatorProxy", addresses.proxy, PROXY_ABI),
    linkTokenAddress: getAddress(addresses.linkToken),
    linkToken: await contractAt(runtime, "LinkToken", addresses.linkToken, LINK_ABI),
    ...(addresses.accessController !== undefined ? { accessController: addresses.accessController } : {}),
    phase,
    phaseId: Number(await new Contract(addresses.proxy, PROXY_ABI, runtime.ethers.provider).phaseId()),
    ...mode,
  });
}

function unconfiguredError(config: OcrFeedConfig, aggregator: string, what: string): HardhatPluginError {
  return new HardhatPluginError(PLUGIN_ID, `The aggregator ${aggregator} of feed "${config.name}" has no config yet: ${what}.`);
}

/**
 * Before the committee configures an aggregator it did not deploy: the connection's account must
 * own it, and every transmitter needs a payee (setConfig requires one). Payees already set stay.
 */
async function prepareUnconfigured(runtime: FeedRuntime, config: OcrFeedConfig, aggregatorAddress: string, keySeed: OracleKeySeed, keys: readonly OracleKeys[]): Promise<void> {
  const aggregator = new Contract(aggregatorAddress, AGGREGATOR_ABI, runtime.ethers.provider);
  const owner = (await aggregator.owner()) as string;
  const account = await runtime.deployer.owner.getAddress();
  if (!sameAddress(owner, account)) {
    throw unconfiguredError(config, aggregatorAddress, `only its owner ${owner} can configure it, and this connection's first account is ${account}. Attach from the owner's account, or have the owner call setConfig`);
  }
  for (const [i, k] of keys.entries()) {
    try {
      await ownerCall(runtime.deployer, aggregator, "setPayees", [[k.transmitterAddress], [keySeed.payee(i)]]);
    } catch (error) {
      // A payee chosen at deployment (e.g. an Ignition parameter) stays; the contract refuses to replace it.
      if (!String((error as Error).message).includes("payee already set")) throw error;
    }
  }
}
