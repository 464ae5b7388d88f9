/**
 * Steady-state gas of one OCR2 `transmit` on our AccessControlledOCR2Aggregator, against
 * Chainlink's AccessControlledOCR2Aggregator 1.0.0 measured on the same workload: billing
 * (1000, 200, 1e8, 4e8, 25,000), a legacy transaction at 20 gwei, juelsPerFeeCoin 133e18, n
 * observations around 2000e8, exactly f+1 signatures from oracles drawn at random (seeded),
 * no validator, transmitters taking turns. The first transmit is left out as in the OCR1 bench.
 */
import { priceObservations } from "../../testkit/markets.js";
import { deployOcr2Feed } from "../../testkit/ocr2-fixture.js";
import { signerSubsets } from "./signer-subsets.js";
import { type GasSamples, STEADY_TRANSMITS, TRANSMIT_CONFIGS, configKey, gasSamples } from "./transmit-gas.js";

/** Total transmit gas of Chainlink's AccessControlledOCR2Aggregator 1.0.0 (reference bytecode). */
export const CHAINLINK_OCR2_GAS: Readonly<Record<string, number>> = {
  "4/1": 95_284,
  "7/2": 104_471,
  "10/3": 113_657,
  "16/5": 132_052,
  "31/10": 177_997,
};

/** Targets as fractions of the reference: 85 % at 4/1, 75 % at 31/10, cheaper everywhere. */
export const OCR2_TARGET_FRACTION: Readonly<Record<string, number>> = {
  "4/1": 0.85,
  "7/2": 1,
  "10/3": 1,
  "16/5": 1,
  "31/10": 0.75,
};

export const OCR2_TRANSMIT_CONFIGS = TRANSMIT_CONFIGS;

export interface Ocr2TransmitGasResult extends GasSamples {
  /** The signer indices of each measured transmit. */
  readonly signers: readonly (readonly number[])[];
  /** Runtime code size of the aggregator, bytes. */
  readonly codeSize: number;
}

export async function measureOcr2TransmitGas(n: number, f: number): Promise<Ocr2TransmitGasResult> {
  const feed = await deployOcr2Feed(n, f, { accessControlled: true });
  const nextSigners = signerSubsets("ocr2", n, f);
  const samples: number[] = [];
  const signers: number[][] = [];
  for (let i = 0; i <= STEADY_TRANSMITS; i++) {
    const signerIndices = nextSigners();
    const { receipt } = await feed.transmit(1, i + 1, feed.reportOf(priceObservations(n, i)), {
      transmitterIndex: i % n,
      signerIndices,
    });
    if (i === 0) continue;
    samples.push(Number(receipt.gasUsed));
    signers.push(signerIndices);
  }
  const latestRound = Number(await feed.aggregator.latestRound());
  if (latestRound !== STEADY_TRANSMITS + 1) {
    throw new Error(`(${n},${f}): expected ${STEADY_TRANSMITS + 1} rounds on chain, found ${latestRound}`);
  }
  const code = await feed.ethers.provider.getCode(feed.aggregatorAddress);
  return {
    ...gasSamples(n, f, samples),
    signers,
    codeSize: (code.length - 2) / 2,
  };
}

export { configKey };
