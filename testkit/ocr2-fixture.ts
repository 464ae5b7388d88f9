/**
 * A deployed OCR2 feed on a fresh simulated chain, for the OCR2 contract tests, the fuzzer and
 * the gas bench: LINK, an (AccessControlled)OCR2Aggregator, payees, a config of n oracles with
 * real secp256k1 keys, billing on, funded transmitters, and functions that build, sign (exactly
 * f+1 signatures, from any chosen oracles) and send transmits. The oracles, payees, funding and
 * billing are the OCR1 fixture's (feed-fixture.ts).
 */
import { network } from "hardhat";

import type { AccessControlledOCR2Aggregator } from "../types/ethers-contracts/index.js";

import { bytesToHex, hexToBytes } from "../plugin/core/bytes.js";
import { keccak256, utf8Bytes } from "../plugin/core/hash.js";
import { OCR2_OFFCHAIN_CONFIG_VERSION, encodeMedianOnchainConfig } from "../plugin/core/ocr2/config.js";
import {
  type Ocr2Report,
  type Ocr2ReportContext,
  encodeOcr2Report,
  encodeOcr2ReportContext,
  ocr2ReportFromObservations,
  signOcr2Report,
} from "../plugin/core/ocr2/report.js";
import { collateSignatures } from "../plugin/core/report.js";
import { BILLING, LINK, deployNamed, fundWithLink, makeOracles, setPayees } from "./feed-fixture.js";

/**
 * setBilling's arguments: the OCR1 fixture's billing in OCR2's units (gwei of gas price, gwei
 * of juels per observation and per transmission) and the accountingGas of the spec's gas
 * measurements.
 */
export const OCR2_BILLING = {
  maximumGasPriceGwei: BILLING.maximumGasPrice,
  reasonableGasPriceGwei: BILLING.reasonableGasPrice,
  observationPaymentGjuels: BILLING.linkGweiPerObservation,
  transmissionPaymentGjuels: BILLING.linkGweiPerTransmission,
  accountingGas: 25_000n,
} as const;

export const MIN_ANSWER = 1n;
export const MAX_ANSWER = (1n << 176n) - 1n;
export const JUELS_PER_FEE_COIN = 133n * 10n ** 18n;
export const EXTRA_HASH = keccak256(utf8Bytes("extra"));

/** The key seed of the OCR2 fixture's oracles (see feed-fixture.ts oracleKey). */
export const OCR2_KEY_SEED = "hardhat-ocr ocr2";

export interface Ocr2FeedOptions {
  readonly accessControlled?: boolean;
  /** Skip setBilling (all billing fields stay 0). */
  readonly noBilling?: boolean;
  readonly minAnswer?: bigint;
  readonly maxAnswer?: bigint;
}

export async function deployOcr2Feed(n: number, f: number, options: Ocr2FeedOptions = {}) {
  const connection = await network.create();
  const { ethers, networkHelpers } = connection;
  const [owner, stranger] = await ethers.getSigners();
  const minAnswer = options.minAnswer ?? MIN_ANSWER;
  const maxAnswer = options.maxAnswer ?? MAX_ANSWER;

  const link = await deployNamed(ethers, "LinkToken");
  const contractName = options.accessControlled ? "AccessControlledOCR2Aggregator" : "OCR2Aggregator";
  // Typed as the access-controlled variant (a superset); the plain one lacks only the allowlist.
  const aggregator = (await deployNamed(ethers, contractName, [
    await link.getAddress(),
    minAnswer,
    maxAnswer,
    ethers.ZeroAddress,
    ethers.ZeroAddress,
    8,
    "ETH / USD",
  ])) as unknown as AccessControlledOCR2Aggregator;
  const aggregatorAddress = await aggregator.getAddress();

  const oracles = await makeOracles(connection, n, OCR2_KEY_SEED);
  const signingKeys = oracles.map((o) => o.signerKey);
  const signers = oracles.map((o) => o.signer);
  const transmitterWallets = oracles.map((o) => o.transmitter);
  const transmitters = transmitterWallets.map((w) => w.address);
  const payees = oracles.map((o) => o.payee.address);

  const onchainConfig = encodeMedianOnchainConfig(minAnswer, maxAnswer);
  await setPayees(aggregator, oracles);
  await (await aggregator.setConfig(signers, transmitters, f, onchainConfig, OCR2_OFFCHAIN_CONFIG_VERSION, "0x0a0b0c")).wait();
  if (!options.noBilling) {
    const b = OCR2_BILLING;
    await (
      await aggregator.setBilling(
        b.maximumGasPriceGwei,
        b.reasonableGasPriceGwei,
        b.observationPaymentGjuels,
        b.transmissionPaymentGjuels,
        b.accountingGas,
      )
    ).wait();
  }
  await fundWithLink(link, "LinkToken", aggregatorAddress, 100_000_000n * LINK);

  async function configDigest(): Promise<Uint8Array> {
    const [, , digestHex] = await aggregator.latestConfigDetails();
    return hexToBytes(digestHex);
  }

  /** A report of `values` (observer i observed values[i]), sorted as the committee sorts. */
  function reportOf(values: readonly bigint[], observationsTimestamp = 1_700_000_000, juelsPerFeeCoin = JUELS_PER_FEE_COIN): Ocr2Report {
    const observations = values.map((value, observer) => ({ observer, value }));
    return ocr2ReportFromObservations({ observationsTimestamp, observations, juelsPerFeeCoin });
  }

  /** Calldata arguments of transmit for `reportBytes`, signed by `signerIndices`. */
  function transmitArgs(reportBytes: Uint8Array, context: Ocr2ReportContext, signerIndices: readonly number[]) {
    const signatures = signerIndices.map((i) => signOcr2Report(reportBytes, context, signingKeys[i]));
    const { rs, ss, rawVs } = collateSignatures(signatures);
    const [c0, c1, c2] = encodeOcr2ReportContext(context).map((w) => bytesToHex(w));
    const reportContext: [string, string, string] = [c0, c1, c2];
    return { reportContext, report: bytesToHex(reportBytes), rs, ss, rawVs };
  }

  /**
   * Transmit `report` for (epoch, round), signed by `signerIndices` (default: the first f+1),
   * sent by oracle `transmitterIndex`.
   */
  async function transmit(
    epoch: number,
    round: number,
    report: Ocr2Report,
    options: { transmitterIndex?: number; signerIndices?: readonly number[]; gasPrice?: bigint } = {},
  ) {
    const context: Ocr2ReportContext = { configDigest: await configDigest(), epoch, round, extraHash: EXTRA_HASH };
    const reportBytes = encodeOcr2Report(report);
    const signerIndices = options.signerIndices ?? Array.from({ length: f + 1 }, (_, i) => i);
    const args = transmitArgs(reportBytes, context, signerIndices);
    const sender = aggregator.connect(transmitterWallets[options.transmitterIndex ?? 0]) as typeof aggregator;
    const tx = await sender.transmit(args.reportContext, args.report, args.rs, args.ss, args.rawVs, {
      gasPrice: options.gasPrice ?? 20_000_000_000n,
    });
    const receipt = await tx.wait();
    if (receipt === null) throw new Error("transmit was not mined");
    return { tx, receipt, reportBytes, context };
  }

  return {
    connection,
    ethers,
    networkHelpers,
    owner,
    stranger,
    link,
    aggregator,
    aggregatorAddress,
    signingKeys,
    signers,
    transmitters,
    transmitterWallets,
    payees,
    onchainConfig,
    configDigest,
    reportOf,
    transmitArgs,
    transmit,
  };
}
