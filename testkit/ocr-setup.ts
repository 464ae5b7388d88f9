/**
 * A deployed OCR1 feed on a fresh simulated chain, for the contracts smoke test and the
 * transmit gas measurement: LINK, an OffchainAggregator with billing on, payees, a config of n
 * oracles with real secp256k1 signing keys, funded transmitters, and a function that builds,
 * signs (f+1 signatures) and transmits a report.
 */
import { network } from "hardhat";

import { hexToBytes } from "../plugin/core/bytes.js";
import { addressFromPrivateKey } from "../plugin/core/address.js";
import { keccak256, utf8Bytes } from "../plugin/core/hash.js";
import {
  type AttributedObservation,
  collateSignatures,
  encodeReport,
  signReport,
  sortAttributedObservations,
} from "../plugin/core/report.js";

/** Billing of Chainlink's OCR integration test: max 1000 gwei, reasonable 200 gwei, 36 LINK/ETH,
 * 0.1 LINK per observation, 0.4 LINK per transmission. */
export const BILLING = {
  maximumGasPrice: 1000n,
  reasonableGasPrice: 200n,
  microLinkPerEth: 36_000_000n,
  linkGweiPerObservation: 100_000_000n,
  linkGweiPerTransmission: 400_000_000n,
} as const;

export const MIN_ANSWER = -(1n << 191n);
export const MAX_ANSWER = (1n << 191n) - 1n;

/** A deterministic private key per oracle and purpose, so runs are reproducible. */
function testKey(purpose: string, index: number): Uint8Array {
  return keccak256(utf8Bytes(`hardhat-ocr test ${purpose} ${index}`));
}

export async function deployOcrFeed(n: number, f: number) {
  const connection = await network.create();
  const { ethers, networkHelpers } = connection;
  const [owner] = await ethers.getSigners();

  const link = await ethers.deployContract("LinkToken");
  const aggregator = await ethers.deployContract("OffchainAggregator", [
    BILLING.maximumGasPrice,
    BILLING.reasonableGasPrice,
    BILLING.microLinkPerEth,
    BILLING.linkGweiPerObservation,
    BILLING.linkGweiPerTransmission,
    await link.getAddress(),
    MIN_ANSWER,
    MAX_ANSWER,
    ethers.ZeroAddress,
    ethers.ZeroAddress,
    8,
    "ETH / USD",
  ]);

  const signingKeys = Array.from({ length: n }, (_, i) => testKey("signer", i));
  const signers = signingKeys.map((k) => addressFromPrivateKey(k));
  const transmitterWallets = Array.from({ length: n }, (_, i) =>
    new ethers.Wallet(ethers.hexlify(testKey("transmitter", i)), ethers.provider),
  );
  const transmitters = transmitterWallets.map((w) => w.address);
  const payees = Array.from({ length: n }, (_, i) => addressFromPrivateKey(testKey("payee", i)));
  for (const t of transmitters) await networkHelpers.setBalance(t, 10n ** 20n);

  await (await aggregator.setPayees(transmitters, payees)).wait();
  await (await aggregator.setConfig(signers, transmitters, f, 1, "0x")).wait();
  await (await link.transfer(await aggregator.getAddress(), 10n ** 24n)).wait();
  const [, , digestHex] = await aggregator.latestConfigDetails();
  const configDigest = hexToBytes(digestHex);

  /**
   * Build the report for (epoch, round) from `values` (observer i observed values[i]), sign it
   * with the oracles `signerIndices` (default: the first f+1) and send it from oracle
   * `transmitterIndex`.
   */
  async function transmit(
    epoch: number,
    round: number,
    values: bigint[],
    transmitterIndex = 0,
    signerIndices: readonly number[] = Array.from({ length: f + 1 }, (_, i) => i),
  ) {
    const observations: AttributedObservation[] = sortAttributedObservations(
      values.map((value, observer) => ({ observer, value })),
    );
    // The current digest, so transmits keep working after a reconfiguration.
    const [, , currentDigest] = await aggregator.latestConfigDetails();
    const report = encodeReport({ configDigest: hexToBytes(currentDigest), epoch, round }, observations);
    const signatures = signerIndices.map((i) => signReport(report, signingKeys[i]));
    const { rs, ss, rawVs } = collateSignatures(signatures);
    const sender = aggregator.connect(transmitterWallets[transmitterIndex]) as typeof aggregator;
    const tx = await sender.transmit(report, rs, ss, rawVs);
    const receipt = await tx.wait();
    if (receipt === null) throw new Error("transmit was not mined");
    return { tx, receipt, report, observations };
  }

  return {
    connection,
    ethers,
    networkHelpers,
    owner,
    link,
    aggregator,
    signers,
    signingKeys,
    transmitters,
    transmitterWallets,
    payees,
    configDigest,
    transmit,
  };
}

/** n observations around 2000e8 with varying low digits, as a price feed would see. */
export function priceObservations(n: number, seed: number): bigint[] {
  return Array.from({ length: n }, (_, i) => 200_000_000_000n + BigInt(((seed * 7919 + i * 104_729) % 100_000) - 50_000));
}
