/**
 * Contract-level fixtures for the sequencer uptime feed tests: deploying each contract by its
 * fully qualified name, and comparing an ABI with Chainlink's published one.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

import { type Contract, Interface } from "ethers";
import type { network } from "hardhat";

export type Connection = Awaited<ReturnType<typeof network.create>>;

export const FQN = {
  optimismFeed: "contracts/l2/OptimismSequencerUptimeFeed.sol:OptimismSequencerUptimeFeed",
  arbitrumFeed: "contracts/l2/ArbitrumSequencerUptimeFeed.sol:ArbitrumSequencerUptimeFeed",
  flags: "contracts/l2/Flags.sol:Flags",
  messenger: "contracts/l2/local/LocalOptimismMessenger.sol:LocalOptimismMessenger",
  arbitrumBridge: "contracts/l2/local/LocalArbitrumBridge.sol:LocalArbitrumBridge",
  writeAccessController: "contracts/SimpleWriteAccessController.sol:SimpleWriteAccessController",
  proxy: "contracts/proxy/EACAggregatorProxy.sol:EACAggregatorProxy",
  reader: "contracts/test/AggregatorReader.sol:AggregatorReader",
  consumer: "contracts/examples/SequencerAwarePriceReader.sol:SequencerAwarePriceReader",
} as const;

export const ZERO = "0x0000000000000000000000000000000000000000";
export const ALIAS_OFFSET = 0x1111000000000000000000000000000000001111n;
export const PHASE_1 = 1n << 64n;

export async function deploy(connection: Connection, name: keyof typeof FQN, args: unknown[] = []): Promise<Contract> {
  const contract = await connection.ethers.deployContract(FQN[name], args);
  await contract.waitForDeployment();
  return contract as unknown as Contract;
}

export async function blockTimeOf(connection: Connection, tx: { wait(): Promise<{ blockNumber: number } | null> }): Promise<bigint> {
  const receipt = await tx.wait();
  return BigInt((await connection.ethers.provider.getBlock(receipt!.blockNumber))!.timestamp);
}

export async function latestBlockTime(connection: Connection): Promise<bigint> {
  return BigInt((await connection.ethers.provider.getBlock("latest"))!.timestamp);
}

/** A canonical signature per ABI entry: kind, name, input types (with `indexed` for events), mutability. */
export function abiSignatures(abi: Interface | readonly unknown[]): string[] {
  const iface = abi instanceof Interface ? abi : new Interface(abi as never);
  const out: string[] = [];
  iface.forEachFunction((f) => out.push(`function ${f.format("sighash")} ${f.stateMutability} -> (${f.outputs.map((o) => o.type).join(",")})`));
  iface.forEachEvent((e) => out.push(`event ${e.name}(${e.inputs.map((i) => `${i.type}${i.indexed ? " indexed" : ""}`).join(",")})`));
  iface.forEachError((e) => out.push(`error ${e.format("sighash")}`));
  if (iface.deploy.inputs.length > 0) out.push(`constructor(${iface.deploy.inputs.map((i) => i.type).join(",")})`);
  return out.sort();
}

/** Chainlink's published ABI of `contractName` from @chainlink/contracts 0.8.0. */
export function chainlinkAbi(contractName: string): unknown[] {
  return JSON.parse(readFileSync(path.join("node_modules", "@chainlink", "contracts", "abi", "v0.8", `${contractName}.json`), "utf8"));
}
