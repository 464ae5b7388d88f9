/**
 * Steady-state transmit gas of our OffchainAggregator against Chainlink's 4.0.0, and the
 * deployed bytecode sizes.
 *
 *   npx hardhat run scripts/measure-transmit-gas.ts
 *
 * For each (n, f): a fresh chain, billing on, n observations around 2000e8 with varying low
 * digits, f+1 signatures, transmitters taking turns. The first transmit fills fresh slots, so
 * the figure is the mean of transmits 2..6 (total transaction gas, 21,000 base included). Also
 * prints the gas spent after the accounting `gasleft()` (from an opcode trace), which is what
 * OffchainAggregatorBilling.ACCOUNTING_GAS_COST must equal.
 */
import { deployOcrFeed, priceObservations } from "../test/contracts/ocr-setup.js";

/** Total transmit gas of OffchainAggregator 4.0.0 for the same workload (spec figures). */
const CHAINLINK_4_0_0_GAS: Record<string, number> = {
  "4/1": 129_170,
  "7/2": 141_024,
  "10/3": 152_890,
  "16/5": 176_599,
  "31/10": 238_673,
};

const CONFIGS: [number, number][] = [
  [4, 1],
  [7, 2],
  [10, 3],
  [16, 5],
  [31, 10],
];
const STEADY_TRANSMITS = 5;

interface StructLog {
  op: string;
  gas: number;
  gasCost: number;
  depth: number;
}

/** Gas used from the last GAS opcode (the accounting gasleft()) to the end of the transaction. */
function gasAfterLastGasleft(structLogs: StructLog[]): number {
  const last = structLogs.length - 1;
  let index = last;
  while (index >= 0 && structLogs[index].op !== "GAS") index--;
  if (index < 0) throw new Error("no GAS opcode in the trace");
  const returnedByGasleft = structLogs[index].gas - structLogs[index].gasCost;
  const remainingAtEnd = structLogs[last].gas - structLogs[last].gasCost;
  return returnedByGasleft - remainingAtEnd;
}

async function measure(n: number, f: number) {
  const feed = await deployOcrFeed(n, f);
  const gas: bigint[] = [];
  let accounting = 0;
  for (let i = 0; i <= STEADY_TRANSMITS; i++) {
    const { receipt, tx } = await feed.transmit(1, i + 1, priceObservations(n, i), i % n);
    if (i === 0) continue;
    gas.push(receipt.gasUsed);
    if (i === STEADY_TRANSMITS) {
      const trace = await feed.ethers.provider.send("debug_traceTransaction", [tx.hash]);
      accounting = gasAfterLastGasleft(trace.structLogs as StructLog[]);
    }
  }
  const mean = Number(gas.reduce((a, b) => a + b, 0n)) / gas.length;
  const aggregatorCode = await feed.ethers.provider.getCode(await feed.aggregator.getAddress());
  return { mean, min: Math.min(...gas.map(Number)), max: Math.max(...gas.map(Number)), accounting, codeSize: (aggregatorCode.length - 2) / 2, feed };
}

async function main() {
  console.log("n/f    ours(mean)  min-max            4.0.0     ratio   target(75%)  after-gasleft");
  let codeSize = 0;
  let feedForSizes: Awaited<ReturnType<typeof deployOcrFeed>> | undefined;
  for (const [n, f] of CONFIGS) {
    const key = `${n}/${f}`;
    const result = await measure(n, f);
    codeSize = result.codeSize;
    feedForSizes = result.feed;
    const reference = CHAINLINK_4_0_0_GAS[key];
    console.log(
      `${key.padEnd(6)} ${result.mean.toFixed(0).padStart(10)}  ${`${result.min}-${result.max}`.padEnd(17)}  ${String(reference).padStart(7)}  ${(result.mean / reference).toFixed(3).padStart(6)}  ${String(Math.floor(reference * 0.75)).padStart(11)}  ${String(result.accounting).padStart(13)}`,
    );
  }
  const { ethers } = feedForSizes!;
  const sizes: [string, number][] = [["OffchainAggregator", codeSize]];
  for (const name of ["AccessControlledOffchainAggregator", "LinkToken", "SimpleReadAccessController"]) {
    // Deploy to read the runtime size (the artifact's creation code includes the constructor).
    const args =
      name === "AccessControlledOffchainAggregator"
        ? [1000, 200, 1, 1, 1, ethers.ZeroAddress, -1, 1, ethers.ZeroAddress, ethers.ZeroAddress, 8, "x"]
        : [];
    const contract = await ethers.deployContract(name, args);
    const code = await ethers.provider.getCode(await contract.getAddress());
    sizes.push([name, (code.length - 2) / 2]);
  }
  for (const [name, size] of sizes) console.log(`runtime bytecode ${name}: ${size} bytes (EIP-170 limit 24576)`);
}

await main();
