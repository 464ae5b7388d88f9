/**
 * Reusable chain fixtures for OCR1 aggregator tests: deterministic oracle committees, a fully
 * configured feed, and report/transmit builders that expose every intermediate piece so tests
 * can also produce invalid calldata on purpose.
 *
 * Everything here follows the spec (shared/docs/ocr1-spec.md §1), not the contract source, so a
 * contract that drifts from the spec makes these helpers' users fail loudly.
 */
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { AbiCoder, type Contract, type Signer, type TransactionResponse, Wallet } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";

import { type Address, addressFromPrivateKey } from "../plugin/core/address.js";
import { bytesToHex, concatBytes, hexToBytes, uintToBytesBE } from "../plugin/core/bytes.js";
import { keccak256, utf8Bytes } from "../plugin/core/hash.js";
import {
  type AttributedObservation,
  type TransmitSignatures,
  collateSignatures,
  encodeReport,
  encodeTransmitCalldata,
  signReport,
  sortAttributedObservations,
} from "../plugin/core/report.js";

export type Connection = NetworkConnection;
export type Ethers = Connection["ethers"];
export type NetworkHelpers = Connection["networkHelpers"];

/** One LINK in its smallest unit (LINK has 18 decimals). */
export const LINK = 10n ** 18n;
/** One gwei in wei; billing parameters are counted in gwei of ETH or of LINK. */
export const GWEI = 10n ** 9n;
/** The encodedConfigVersion every OCR1 node expects (spec §2.2). */
export const ENCODED_CONFIG_VERSION = 1n;
/** `encoded` is never parsed on chain, so any bytes will do; these say where they came from. */
export const TEST_ENCODED_CONFIG = bytesToHex(utf8Bytes("hardhat-ocr test config"));
/** Ether given to every transmitter and payee so that gas never gets in a test's way. */
const ACCOUNT_ETH = 1000n * 10n ** 18n;

/** The five billing parameters in constructor / setBilling order (spec §1.10). */
export interface Billing {
  /** gwei */
  readonly maximumGasPrice: bigint;
  /** gwei */
  readonly reasonableGasPrice: bigint;
  /** 1e-6 LINK per ETH */
  readonly microLinkPerEth: bigint;
  /** 1e-9 LINK per observation */
  readonly linkGweiPerObservation: bigint;
  /** 1e-9 LINK per transmission */
  readonly linkGweiPerTransmission: bigint;
}

/** The billing Chainlink's TestIntegration_OCR deploys with (spec §3). */
export const INTEGRATION_BILLING: Billing = {
  maximumGasPrice: 1000n,
  reasonableGasPrice: 200n,
  microLinkPerEth: 36_000_000n,
  linkGweiPerObservation: 100_000_000n,
  linkGweiPerTransmission: 400_000_000n,
};

export function billingArgs(b: Billing): bigint[] {
  return [b.maximumGasPrice, b.reasonableGasPrice, b.microLinkPerEth, b.linkGweiPerObservation, b.linkGweiPerTransmission];
}

/** An oracle as the chain sees it: an on-chain signing key, a transmitter EOA and a payee EOA. */
export interface Oracle {
  readonly index: number;
  /** secp256k1 secret key that signs keccak256(report). */
  readonly signerKey: Uint8Array;
  readonly signer: Address;
  /** Sends `transmit`; connected to the test chain and funded. */
  readonly transmitter: Wallet;
  /** Receives this oracle's LINK; connected and funded so it can call withdrawPayment. */
  readonly payee: Wallet;
}

/**
 * A secp256k1 secret key derived from a label: keccak256(label), re-hashed in the (astronomically
 * unlikely) case the hash is not a valid scalar. Deterministic so failures reproduce exactly.
 */
export function deriveSecretKey(label: string): Uint8Array {
  let key = keccak256(utf8Bytes(label));
  while (!secp256k1.utils.isValidSecretKey(key)) key = keccak256(key);
  return key;
}

/** Keys for oracle `index` of the committee named by `seed`, without any chain attached. */
export function oracleKeys(seed: string, index: number): { signerKey: Uint8Array; transmitterKey: Uint8Array; payeeKey: Uint8Array } {
  return {
    signerKey: deriveSecretKey(`${seed}/oracle/${index}/signer`),
    transmitterKey: deriveSecretKey(`${seed}/oracle/${index}/transmitter`),
    payeeKey: deriveSecretKey(`${seed}/oracle/${index}/payee`),
  };
}

/** n deterministic oracles whose transmitters and payees are funded wallets on this chain. */
export async function makeOracles(connection: Connection, n: number, seed = "hardhat-ocr"): Promise<Oracle[]> {
  const { ethers, networkHelpers } = connection;
  const oracles: Oracle[] = [];
  for (let i = 0; i < n; i++) {
    const keys = oracleKeys(seed, i);
    const transmitter = new Wallet(bytesToHex(keys.transmitterKey), ethers.provider);
    const payee = new Wallet(bytesToHex(keys.payeeKey), ethers.provider);
    await networkHelpers.setBalance(transmitter.address, ACCOUNT_ETH);
    await networkHelpers.setBalance(payee.address, ACCOUNT_ETH);
    oracles.push({ index: i, signerKey: keys.signerKey, signer: addressFromPrivateKey(keys.signerKey), transmitter, payee });
  }
  return oracles;
}

export interface FeedOptions {
  /** Number of oracles (default 4). */
  readonly n?: number;
  /** Faulty-oracle threshold (default 1). */
  readonly f?: number;
  readonly minAnswer?: bigint;
  readonly maxAnswer?: bigint;
  readonly decimals?: number;
  readonly description?: string;
  readonly billing?: Billing;
  /** Deploy AccessControlledOffchainAggregator instead of OffchainAggregator. */
  readonly accessControlled?: boolean;
  /** "LinkToken" (default; the real ERC-677 token) or "ToggleLinkToken" (can make transfers return false). */
  readonly link?: "LinkToken" | "ToggleLinkToken";
  /** LINK sent to the aggregator after deployment (default 1000 LINK). */
  readonly linkFunding?: bigint;
  /** Deploy billing/requester access controllers (default true); false passes address(0). */
  readonly accessControllers?: boolean;
  /** Run setPayees + setConfig (default true). */
  readonly configure?: boolean;
  /** Seed for the oracle keys (default "hardhat-ocr"). */
  readonly seed?: string;
}

/** Everything a test needs to drive one deployed feed. */
export interface Feed {
  readonly connection: Connection;
  readonly ethers: Ethers;
  readonly networkHelpers: NetworkHelpers;
  readonly aggregator: Contract;
  readonly address: Address;
  readonly link: Contract;
  /** address(0) when deployed with accessControllers: false. */
  readonly billingAccessController: Contract | undefined;
  readonly requesterAccessController: Contract | undefined;
  /** Deployer and owner of everything. */
  readonly owner: Signer;
  /** Funded accounts with no role anywhere. */
  readonly strangers: Signer[];
  readonly oracles: Oracle[];
  readonly f: number;
  readonly billing: Billing;
  readonly minAnswer: bigint;
  readonly maxAnswer: bigint;
  readonly decimals: number;
  readonly description: string;
  readonly deployTx: TransactionResponse;
}

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

async function deployNamed(ethers: Ethers, name: string, args: unknown[] = [], from?: Signer): Promise<Contract> {
  const contract = await ethers.deployContract(name, args, from);
  await contract.waitForDeployment();
  return contract as unknown as Contract;
}

/**
 * Deploy LINK, the access controllers and an aggregator, then (unless told otherwise) set payees,
 * set the config (version 1, TEST_ENCODED_CONFIG) and fund the aggregator with LINK.
 */
export async function deployFeed(connection: Connection, options: FeedOptions = {}): Promise<Feed> {
  const { ethers, networkHelpers } = connection;
  const n = options.n ?? 4;
  const f = options.f ?? 1;
  const billing = options.billing ?? INTEGRATION_BILLING;
  const minAnswer = options.minAnswer ?? -(1n << 191n);
  const maxAnswer = options.maxAnswer ?? (1n << 191n) - 1n;
  const decimals = options.decimals ?? 8;
  const description = options.description ?? "TEST / USD";
  const [owner, ...strangers] = await ethers.getSigners();

  const linkName = options.link ?? "LinkToken";
  const link = await deployNamed(ethers, linkName);
  const withControllers = options.accessControllers ?? true;
  const billingAccessController = withControllers ? await deployNamed(ethers, "SimpleWriteAccessController") : undefined;
  const requesterAccessController = withControllers ? await deployNamed(ethers, "SimpleWriteAccessController") : undefined;

  const aggregatorName = options.accessControlled ? "AccessControlledOffchainAggregator" : "OffchainAggregator";
  const aggregator = await deployNamed(ethers, aggregatorName, [
    ...billingArgs(billing),
    await link.getAddress(),
    minAnswer,
    maxAnswer,
    billingAccessController ? await billingAccessController.getAddress() : ZERO_ADDRESS,
    requesterAccessController ? await requesterAccessController.getAddress() : ZERO_ADDRESS,
    decimals,
    description,
  ]);
  const deployTx = aggregator.deploymentTransaction()!;
  const address = (await aggregator.getAddress()) as Address;

  const oracles = await makeOracles(connection, n, options.seed);
  if (options.configure ?? true) {
    await setPayees(aggregator, oracles);
    await setConfig(aggregator, oracles, f);
  }
  const funding = options.linkFunding ?? 1000n * LINK;
  if (funding > 0n) await fundWithLink(link, linkName, address, funding);

  return {
    connection, ethers, networkHelpers, aggregator, address, link,
    billingAccessController, requesterAccessController,
    owner, strangers, oracles, f, billing, minAnswer, maxAnswer, decimals, description, deployTx,
  };
}

/** Give `to` some LINK: the real token's supply sits with its deployer; the toggle token mints. */
export async function fundWithLink(link: Contract, linkName: string, to: string, amount: bigint): Promise<void> {
  const tx = linkName === "ToggleLinkToken" ? await link.mint(to, amount) : await link.transfer(to, amount);
  await tx.wait();
}

/** setPayees(transmitter_i -> payee_i) for every oracle. */
export async function setPayees(aggregator: Contract, oracles: readonly Oracle[]): Promise<TransactionResponse> {
  const tx = await aggregator.setPayees(
    oracles.map((o) => o.transmitter.address),
    oracles.map((o) => o.payee.address),
  );
  await tx.wait();
  return tx;
}

/** setConfig with the oracles in index order. */
export async function setConfig(
  aggregator: Contract,
  oracles: readonly Oracle[],
  f: number,
  encoded: string = TEST_ENCODED_CONFIG,
): Promise<TransactionResponse> {
  const tx = await aggregator.setConfig(
    oracles.map((o) => o.signer),
    oracles.map((o) => o.transmitter.address),
    f,
    ENCODED_CONFIG_VERSION,
    encoded,
  );
  await tx.wait();
  return tx;
}

/**
 * The config digest computed independently of the contract (spec §1.4): the top 16 bytes of
 * keccak256(abi.encode(aggregator, uint64 configCount, signers, transmitters, uint8 f, uint64 version, encoded)).
 */
export function computeConfigDigest(args: {
  aggregator: string;
  configCount: bigint;
  signers: readonly string[];
  transmitters: readonly string[];
  threshold: number;
  encodedConfigVersion?: bigint;
  encoded?: string;
}): Uint8Array {
  const encodedArgs = AbiCoder.defaultAbiCoder().encode(
    ["address", "uint64", "address[]", "address[]", "uint8", "uint64", "bytes"],
    [
      args.aggregator,
      args.configCount,
      args.signers,
      args.transmitters,
      args.threshold,
      args.encodedConfigVersion ?? ENCODED_CONFIG_VERSION,
      args.encoded ?? TEST_ENCODED_CONFIG,
    ],
  );
  return keccak256(hexToBytes(encodedArgs)).slice(0, 16);
}

/** The digest the aggregator currently expects in reports. */
export async function currentConfigDigest(aggregator: Contract): Promise<Uint8Array> {
  const details = await aggregator.latestConfigDetails();
  return hexToBytes(details[2] as string);
}

export interface ReportSpec {
  readonly configDigest: Uint8Array;
  readonly epoch: number;
  readonly round: number;
  /** Encoded in the order given: sort them first for a report the contract accepts. */
  readonly observations: readonly AttributedObservation[];
}

/** The report bytes (spec §1.5). */
export function buildReport(spec: ReportSpec): Uint8Array {
  return encodeReport({ configDigest: spec.configDigest, epoch: spec.epoch, round: spec.round }, spec.observations);
}

/** values[i] is oracle i's observation; the result is sorted the way the leader sorts it. */
export function observationsFromValues(values: readonly bigint[]): AttributedObservation[] {
  return sortAttributedObservations(values.map((value, observer) => ({ observer, value })));
}

/** The raw pieces of one transmit, exposed so tests can corrupt any of them. */
export interface TransmitPieces {
  report: Uint8Array;
  /** 65-byte r ‖ s ‖ v signatures, v ∈ {0, 1}, in calldata order. */
  signatures: Uint8Array[];
}

export interface TransmitOptions {
  readonly epoch: number;
  readonly round: number;
  /** values[i] is observed by oracle i; sorted before encoding. Ignored if `observations` is given. */
  readonly values?: readonly bigint[];
  /** Attributed observations, encoded exactly in this order (no sorting). */
  readonly observations?: readonly AttributedObservation[];
  /** Oracle indices whose keys sign (default: the first f+1). */
  readonly signers?: readonly number[];
  /** Extra secp256k1 keys that sign after `signers` (e.g. keys of nobody in the config). */
  readonly foreignSignerKeys?: readonly Uint8Array[];
  /** Oracle index whose transmitter sends (default 0). */
  readonly transmitter?: number;
  /** Send from this account instead of an oracle's transmitter. */
  readonly from?: Signer;
  /** Digest to put in the report (default: the aggregator's current one). */
  readonly configDigest?: Uint8Array;
  /** Edit the signed pieces before they are encoded into calldata. */
  readonly mutate?: (pieces: TransmitPieces) => void;
  /** Edit the collated rs/ss/rawVs (e.g. drop an s, or put v = 27 in rawVs). */
  readonly mutateSignatures?: (signatures: TransmitSignatures) => TransmitSignatures;
  /** Edit the final calldata bytes (e.g. to make its length wrong). */
  readonly mutateCalldata?: (calldata: Uint8Array) => Uint8Array;
  /** Legacy (type 0) transaction at this gas price in wei. */
  readonly gasPrice?: bigint;
  readonly gasLimit?: bigint;
}

export interface PreparedTransmit {
  readonly pieces: TransmitPieces;
  readonly calldata: Uint8Array;
  readonly sender: Signer;
}

/** Build, sign and encode a transmit without sending it. */
export async function prepareTransmit(feed: Feed, options: TransmitOptions): Promise<PreparedTransmit> {
  const configDigest = options.configDigest ?? (await currentConfigDigest(feed.aggregator));
  const observations = options.observations ?? observationsFromValues(options.values ?? []);
  const report = buildReport({ configDigest, epoch: options.epoch, round: options.round, observations });
  const signerIndices = options.signers ?? Array.from({ length: feed.f + 1 }, (_, i) => i);
  const signatures = [
    ...signerIndices.map((i) => signReport(report, feed.oracles[i].signerKey)),
    ...(options.foreignSignerKeys ?? []).map((key) => signReport(report, key)),
  ];
  const pieces: TransmitPieces = { report, signatures };
  options.mutate?.(pieces);
  let collated = collateSignatures(pieces.signatures);
  if (options.mutateSignatures) collated = options.mutateSignatures(collated);
  let calldata = encodeTransmitCalldata(pieces.report, collated);
  if (options.mutateCalldata) calldata = options.mutateCalldata(calldata);
  const sender = options.from ?? feed.oracles[options.transmitter ?? 0].transmitter;
  return { pieces, calldata, sender };
}

/** Send already-encoded calldata to the aggregator. */
export async function sendTransmitCalldata(
  feed: Feed,
  sender: Signer,
  calldata: Uint8Array,
  tx: { gasPrice?: bigint; gasLimit?: bigint } = {},
): Promise<TransactionResponse> {
  return sender.sendTransaction({
    to: feed.address,
    data: bytesToHex(calldata),
    ...(tx.gasPrice !== undefined ? { type: 0, gasPrice: tx.gasPrice } : {}),
    ...(tx.gasLimit !== undefined ? { gasLimit: tx.gasLimit } : {}),
  });
}

/** Build, sign and send one transmit (spec §1.5). Returns the transaction (or rejects on revert). */
export async function transmit(feed: Feed, options: TransmitOptions): Promise<TransactionResponse> {
  const prepared = await prepareTransmit(feed, options);
  return sendTransmitCalldata(feed, prepared.sender, prepared.calldata, options);
}

/** Transmit and wait for the receipt; for tests that only need the effects. */
export async function transmitAndWait(feed: Feed, options: TransmitOptions) {
  const tx = await transmit(feed, options);
  const receipt = await tx.wait();
  if (receipt === null) throw new Error("transmit was not mined");
  return { tx, receipt };
}

/** rawReportContext word as bytes32 hex, for comparing with NewTransmission. */
export function rawReportContextHex(configDigest: Uint8Array, epoch: number, round: number): string {
  return bytesToHex(concatBytes(new Uint8Array(11), configDigest, uintToBytesBE(BigInt(epoch), 4), Uint8Array.of(round)));
}
