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
import { deriveOracleKeys } from "../core/keys.js";
import { EthersAggregatorChain } from "../chain/ethers-aggregator-chain.js";
import type { OcrFeedConfig } from "../types.js";
import { derivedPayee } from "./committee-wiring.js";
import { LINK_ABI, PROXY_ABI, deploy, deployAggregator, deployProxy } from "./contracts.js";
import { Feed } from "./feed.js";
import { PLUGIN_ID } from "./feed-config.js";
import { contractAt, createRuntime, fundTransmitters, startPhase } from "./runtime.js";

/**
 * Deploy LINK, the aggregator (open or access-controlled), its proxy, payees and LINK funding,
 * fund the transmitters, then let the committee set its config and start.
 */
export async function deployFeedOn(ethers: HardhatEthers, simulated: boolean, config: OcrFeedConfig): Promise<Feed> {
  const runtime = await createRuntime(ethers, simulated, config.seed);
  const n = config.oracles;
  const keys = Array.from({ length: n }, (_, i) => deriveOracleKeys(config.seed, i));
  // Funding first: on a network that cannot set balances this fails before anything is deployed.
  await fundTransmitters(runtime, keys.map((k) => k.transmitterAddress));

  const linkTokenAddress = await deploy(runtime.deployer, "LinkToken", []);
  const oracles = keys.map((k, i) => ({ transmitter: k.transmitterAddress, payee: derivedPayee(config.seed, i) }));
  const aggregatorAddress = await deployAggregator(runtime.deployer, config, linkTokenAddress, oracles);
  const { proxy: proxyAddress, accessController } = await deployProxy(runtime.deployer, config, aggregatorAddress);
  const phase = await startPhase(runtime, config, aggregatorAddress, { setConfig: true, n, f: config.faultTolerance, keys });

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

async function hasCode(ethers: HardhatEthers, address: string): Promise<boolean> {
  return (await ethers.provider.getCode(address)) !== "0x";
}

/**
 * A committee for contracts already on chain. The oracle keys come from the config's seed and
 * must be the aggregator's configured signers; the committee adopts the config on chain (no new
 * setConfig), so each oracle starts above the latest epoch reported there.
 */
export async function attachFeedOn(ethers: HardhatEthers, simulated: boolean, config: OcrFeedConfig, addresses: FeedAddresses): Promise<Feed> {
  for (const [role, address] of [["aggregator", addresses.aggregator], ["proxy", addresses.proxy], ["linkToken", addresses.linkToken]] as const) {
    if (typeof address !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(address) || !(await hasCode(ethers, address))) {
      throw new HardhatPluginError(
        PLUGIN_ID,
        `No contract for the ${role} of feed "${config.name}" at ${String(address)} on this network. Deploy the feed first (ocr:deploy), or check the network and the recorded addresses.`,
      );
    }
  }
  const runtime = await createRuntime(ethers, simulated, config.seed);
  const proxyReader = new Contract(addresses.proxy, PROXY_ABI, ethers.provider);
  const current = (await proxyReader.aggregator()) as string;
  if (!sameAddress(current, addresses.aggregator)) {
    throw new HardhatPluginError(
      PLUGIN_ID,
      `The proxy ${addresses.proxy} of feed "${config.name}" reads aggregator ${current}, not ${addresses.aggregator}; the recorded addresses are stale (was the aggregator upgraded?). Attach with the proxy's current aggregator.`,
    );
  }

  const onChain = await new EthersAggregatorChain({
    provider: ethers.provider,
    aggregatorAddress: addresses.aggregator,
    transmitterSigner: () => {
      throw new Error("reading only");
    },
  }).latestConfig();
  if (onChain === null) {
    throw new HardhatPluginError(PLUGIN_ID, `The aggregator ${addresses.aggregator} of feed "${config.name}" has no config yet; deploy the feed with ocr:deploy.`);
  }
  const n = onChain.signers.length;
  const f = onChain.threshold;
  const keys = Array.from({ length: n }, (_, i) => deriveOracleKeys(config.seed, i));
  const mismatch = onChain.signers.findIndex((s, i) => !sameAddress(s, keys[i].signerAddress));
  if (mismatch >= 0) {
    throw new HardhatPluginError(
      PLUGIN_ID,
      `Oracle ${mismatch} of the aggregator ${addresses.aggregator} signs as ${onChain.signers[mismatch]}, but the configured key seed gives ${keys[mismatch].signerAddress} (the seed itself is not shown: it is the oracles' private key material). ` +
        `Attach with the seed the feed was deployed with (feed option \`seed\`).`,
    );
  }
  await fundTransmitters(runtime, keys.map((k) => k.transmitterAddress));
  const accessControlled = addresses.accessController !== undefined || config.accessControlled;
  const attachedConfig: OcrFeedConfig = { ...config, oracles: n, faultTolerance: f, accessControlled };
  const phase = await startPhase(runtime, attachedConfig, addresses.aggregator, { setConfig: false, n, f, keys });
  return new Feed({
    name: config.name,
    runtime,
    proxyAddress: getAddress(addresses.proxy),
    proxy: await contractAt(runtime, accessControlled ? "EACAggregatorProxy" : "AggregatorProxy", addresses.proxy, PROXY_ABI),
    linkTokenAddress: getAddress(addresses.linkToken),
    linkToken: await contractAt(runtime, "LinkToken", addresses.linkToken, LINK_ABI),
    ...(addresses.accessController !== undefined ? { accessController: addresses.accessController } : {}),
    phase,
    phaseId: Number(await proxyReader.phaseId()),
  });
}
