/**
 * Steady-state transmit gas of our OffchainAggregator against Chainlink's 4.0.0, and the
 * deployed bytecode sizes.
 *
 *   npx hardhat run scripts/measure-transmit-gas.ts
 *
 * The workload and the steady-state method are those of scripts/bench/transmit-gas.ts (also
 * what `npm run bench` reports). Also prints the gas spent after the accounting `gasleft()`
 * (from an opcode trace), which is what OffchainAggregatorBilling.ACCOUNTING_GAS_COST must equal.
 */
import {
  CHAINLINK_4_0_0_GAS,
  TARGET_FRACTION_OF_REFERENCE,
  TRANSMIT_CONFIGS,
  type OcrFeed,
  configKey,
  measureTransmitGas,
} from "./bench/transmit-gas.js";

/** Runtime (deployed) code size in bytes of the contract at `address`. */
async function runtimeSize(feed: OcrFeed, address: string): Promise<number> {
  const code = await feed.ethers.provider.getCode(address);
  return (code.length - 2) / 2;
}

async function main() {
  console.log(`n/f    ours(mean)  min-max            4.0.0     ratio   target(${TARGET_FRACTION_OF_REFERENCE * 100}%)  after-gasleft`);
  let lastFeed: OcrFeed | undefined;
  for (const [n, f] of TRANSMIT_CONFIGS) {
    const key = configKey(n, f);
    const result = await measureTransmitGas(n, f, { traceAccounting: true });
    lastFeed = result.feed;
    const reference = CHAINLINK_4_0_0_GAS[key];
    console.log(
      `${key.padEnd(6)} ${result.mean.toFixed(0).padStart(10)}  ${`${result.min}-${result.max}`.padEnd(17)}  ${String(reference).padStart(7)}  ${(result.mean / reference).toFixed(3).padStart(6)}  ${String(Math.floor(reference * TARGET_FRACTION_OF_REFERENCE)).padStart(11)}  ${String(result.gasAfterAccounting).padStart(13)}`,
    );
  }
  const feed = lastFeed!;
  const { ethers } = feed;
  const sizes: [string, number][] = [["OffchainAggregator", await runtimeSize(feed, await feed.aggregator.getAddress())]];
  for (const name of ["AccessControlledOffchainAggregator", "LinkToken", "SimpleReadAccessController"]) {
    // Deploy to read the runtime size (the artifact's creation code includes the constructor).
    const args =
      name === "AccessControlledOffchainAggregator"
        ? [1000, 200, 1, 1, 1, ethers.ZeroAddress, -1, 1, ethers.ZeroAddress, ethers.ZeroAddress, 8, "x"]
        : [];
    const contract = await ethers.deployContract(name, args);
    sizes.push([name, await runtimeSize(feed, await contract.getAddress())]);
  }
  for (const [name, size] of sizes) console.log(`runtime bytecode ${name}: ${size} bytes (EIP-170 limit 24576)`);
}

await main();
