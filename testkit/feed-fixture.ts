/**
 * Deploy fixtures for OCR1 feeds: LINK, an OffchainAggregator (billing on, the plugin's default
 * billing) and its oracles on a Hardhat chain, in three shapes built from the same steps:
 *
 *   deployFeed           a configured feed on a given connection, every piece exposed, plus the
 *                        report and transmit builders below, which can also make invalid calldata
 *   deployOcrFeed        a fresh chain with a plain feed and transmit by position (smoke test,
 *                        gas benchmarks)
 *   deployCommitteeFeed  a fresh chain with a feed that an in-process committee configures
 *
 * The builders follow the spec (shared/docs/ocr1-spec.md §1), not the contract source, so a
 * contract that drifts from the spec makes their users fail loudly.
 */
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { AbiCoder, type Contract, type Provider, type Signer, type TransactionResponse, Wallet } from "ethers";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";

import type { AggregatorDialect } from "../plugin/chain/aggregator-dialect.js";
import { EthersAggregatorChain } from "../plugin/chain/ethers-aggregator-chain.js";
import { sendRaw } from "../plugin/chain/json-rpc.js";
import { ChainTime } from "../plugin/feed/chain-time.js";
import { ClockSyncedChain } from "../plugin/feed/committee-wiring.js";
import type { Clock } from "../plugin/protocol/clock.js";
import { DEFAULT_BILLING } from "../plugin/config.js";
import { type Address, addressFromPrivateKey } from "../plugin/core/address.js";
import { bytesToHex, concatBytes, hexToBytes, uintToBytesBE } from "../plugin/core/bytes.js";
import type { SetConfigArgs } from "../plugin/core/config/encoding.js";
import { keccak256, utf8Bytes } from "../plugin/core/hash.js";
import { INT192_MAX, INT192_MIN } from "../plugin/core/ocr2/report.js";
import {
  type AttributedObservation,
  type TransmitSignatures,
  collateSignatures,
  encodeReport,
  encodeTransmitCalldata,
  signReport,
  sortAttributedObservations,
} from "../plugin/core/report.js";
import type { OffchainAggregatorChain } from "../plugin/protocol/chain.js";
import { Committee, type CommitteeOptions } from "../plugin/protocol/committee.js";

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

/**
 * The billing every fixture deploys with: the plugin's default (that of Chainlink's OCR
 * integration test, spec §3), so tests and benchmarks measure what a user's feed gets.
 */
export const BILLING: Billing = {
  maximumGasPrice: BigInt(DEFAULT_BILLING.maximumGasPriceGwei),
  reasonableGasPrice: BigInt(DEFAULT_BILLING.reasonableGasPriceGwei),
  microLinkPerEth: BigInt(DEFAULT_BILLING.microLinkPerEth),
  linkGweiPerObservation: BigInt(DEFAULT_BILLING.linkGweiPerObservation),
  linkGweiPerTransmission: BigInt(DEFAULT_BILLING.linkGweiPerTransmission),
};

/** The widest answer range OCR1 allows: int192 (the same bounds as OCR2's). */
export { INT192_MAX, INT192_MIN };

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

/** The key oracle `index` of the committee named by `seed` uses for `purpose` (signer, transmitter, payee, ...). */
export function oracleKey(seed: string, index: number, purpose: string): Uint8Array {
  return deriveSecretKey(`${seed}/oracle/${index}/${purpose}`);
}

/** Keys for oracle `index` of the committee named by `seed`, without any chain attached. */
export function oracleKeys(seed: string, index: number): { signerKey: Uint8Array; transmitterKey: Uint8Array; payeeKey: Uint8Array } {
  return {
    signerKey: oracleKey(seed, index, "signer"),
    transmitterKey: oracleKey(seed, index, "transmitter"),
    payeeKey: oracleKey(seed, index, "payee"),
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

export async function deployNamed(ethers: Ethers, name: string, args: unknown[] = [], from?: Signer): Promise<Contract> {
  const contract = await ethers.deployContract(name, args, from);
  await contract.waitForDeployment();
  return contract as unknown as Contract;
}

/** The contracts of a feed before it has oracles: LINK, the access controllers and the aggregator. */
interface FeedContracts {
  readonly link: Contract;
  readonly linkName: "LinkToken" | "ToggleLinkToken";
  readonly billingAccessController: Contract | undefined;
  readonly requesterAccessController: Contract | undefined;
  readonly aggregator: Contract;
  readonly address: Address;
}

type ContractOptions = Pick<
  FeedOptions,
  "billing" | "minAnswer" | "maxAnswer" | "decimals" | "description" | "accessControlled" | "link" | "accessControllers"
>;

/** Deploy LINK, the access controllers (unless turned off) and an aggregator with `options`' parameters. */
async function deployFeedContracts(ethers: Ethers, options: ContractOptions): Promise<FeedContracts> {
  const linkName = options.link ?? "LinkToken";
  const link = await deployNamed(ethers, linkName);
  const withControllers = options.accessControllers ?? true;
  const billingAccessController = withControllers ? await deployNamed(ethers, "SimpleWriteAccessController") : undefined;
  const requesterAccessController = withControllers ? await deployNamed(ethers, "SimpleWriteAccessController") : undefined;

  const aggregatorName = options.accessControlled ? "AccessControlledOffchainAggregator" : "OffchainAggregator";
  const aggregator = await deployNamed(ethers, aggregatorName, [
    ...billingArgs(options.billing ?? BILLING),
    await link.getAddress(),
    options.minAnswer ?? INT192_MIN,
    options.maxAnswer ?? INT192_MAX,
    billingAccessController ? await billingAccessController.getAddress() : ZERO_ADDRESS,
    requesterAccessController ? await requesterAccessController.getAddress() : ZERO_ADDRESS,
    options.decimals ?? 8,
    options.description ?? "TEST / USD",
  ]);
  const address = (await aggregator.getAddress()) as Address;
  return { link, linkName, billingAccessController, requesterAccessController, aggregator, address };
}

/**
 * Deploy LINK, the access controllers and an aggregator, then (unless told otherwise) set payees,
 * set the config (version 1, TEST_ENCODED_CONFIG) and fund the aggregator with LINK.
 */
export async function deployFeed(connection: Connection, options: FeedOptions = {}): Promise<Feed> {
  const { ethers, networkHelpers } = connection;
  const f = options.f ?? 1;
  const [owner, ...strangers] = await ethers.getSigners();
  const contracts = await deployFeedContracts(ethers, options);
  const { aggregator, address, link, linkName } = contracts;
  const deployTx = aggregator.deploymentTransaction()!;

  const oracles = await makeOracles(connection, options.n ?? 4, options.seed);
  if (options.configure ?? true) {
    await setPayees(aggregator, oracles);
    await setConfig(aggregator, oracles, f);
  }
  const funding = options.linkFunding ?? 1000n * LINK;
  if (funding > 0n) await fundWithLink(link, linkName, address, funding);

  return {
    connection, ethers, networkHelpers, aggregator, address, link,
    billingAccessController: contracts.billingAccessController,
    requesterAccessController: contracts.requesterAccessController,
    owner, strangers, oracles, f,
    billing: options.billing ?? BILLING,
    minAnswer: options.minAnswer ?? INT192_MIN,
    maxAnswer: options.maxAnswer ?? INT192_MAX,
    decimals: options.decimals ?? 8,
    description: options.description ?? "TEST / USD",
    deployTx,
  };
}

/** Give `to` some LINK: the real token's supply sits with its deployer; the toggle token mints. */
export async function fundWithLink(link: Contract, linkName: string, to: string, amount: bigint): Promise<void> {
  const tx = linkName === "ToggleLinkToken" ? await link.mint(to, amount) : await link.transfer(to, amount);
  await tx.wait();
}

/** An OCR1 or OCR2 aggregator: both take setPayees(transmitters, payees). */
type PayeeRegistry = Contract | { setPayees(transmitters: string[], payees: string[]): Promise<TransactionResponse> };

/** setPayees(transmitter_i -> payee_i) for every oracle. */
export async function setPayees(
  aggregator: PayeeRegistry,
  oracles: readonly { readonly transmitter: { readonly address: string }; readonly payee: { readonly address: string } }[],
): Promise<TransactionResponse> {
  const tx = await aggregator.setPayees(
    oracles.map((o) => o.transmitter.address),
    oracles.map((o) => o.payee.address),
  );
  await tx.wait();
  return tx;
}

// ---------------------------------------------------------------------------------------------
// A plain feed with transmit by position

/** Ample LINK for thousands of transmits (each owes its oracles about 0.5-3.5 LINK). */
const LARGE_LINK_FUNDING = 1_000_000n * LINK;

/**
 * A fresh chain with a configured (n, f) OffchainAggregator without access controllers, and
 * `transmit(epoch, round, values, transmitterIndex, signerIndices)`: the report of `values`
 * (observer i observed values[i]) signed by `signerIndices` (default: the first f+1) and sent
 * by oracle `transmitterIndex`, for the current config digest.
 */
export async function deployOcrFeed(n: number, f: number) {
  const connection = await network.create();
  const feed = await deployFeed(connection, { n, f, accessControllers: false, description: "ETH / USD", linkFunding: LARGE_LINK_FUNDING });
  const { oracles } = feed;

  async function transmitByPosition(
    epoch: number,
    round: number,
    values: bigint[],
    transmitterIndex = 0,
    signerIndices: readonly number[] = Array.from({ length: f + 1 }, (_, i) => i),
  ) {
    const observations = observationsFromValues(values);
    const prepared = await prepareTransmit(feed, { epoch, round, observations, signers: signerIndices, transmitter: transmitterIndex });
    const tx = await sendTransmitCalldata(feed, prepared.sender, prepared.calldata);
    const receipt = await tx.wait();
    if (receipt === null) throw new Error("transmit was not mined");
    return { tx, receipt, report: prepared.pieces.report, observations };
  }

  return {
    ...feed,
    signingKeys: oracles.map((o) => o.signerKey),
    signers: oracles.map((o) => o.signer),
    transmitterWallets: oracles.map((o) => o.transmitter),
    transmitters: oracles.map((o) => o.transmitter.address),
    payees: oracles.map((o) => o.payee.address),
    transmit: transmitByPosition,
  };
}

// ---------------------------------------------------------------------------------------------
// A feed driven by an in-process committee

/** $1 … $1,000,000 with 8 decimals: every price the committee tests produce, nothing absurd. */
export const COMMITTEE_MIN_ANSWER = 1n * 10n ** 8n;
export const COMMITTEE_MAX_ANSWER = 1_000_000n * 10n ** 8n;

/** What an adapter for the feed needs; `chain` in the setup may wrap the adapter built from it. */
export interface ChainParts {
  readonly provider: Provider;
  readonly aggregatorAddress: string;
  readonly transmitterSigner: (index: number) => Wallet;
}

/**
 * The chain as a feed on the simulated network wires it: a ClockSyncedChain over a ChainTime
 * whose blocks are stamped with `clock`'s time (one line of transactions). The ChainTime comes
 * back too, for a caller that changes the chain between runs (`noteOutsideChanges`).
 */
export function clockSyncedChain(parts: ChainParts, clock: Clock, dialect?: AggregatorDialect): { chain: ClockSyncedChain; time: ChainTime } {
  const time = new ChainTime({ send: (method, params) => sendRaw(parts.provider, method, params) }, () => clock.now(), true);
  return { chain: new ClockSyncedChain(dialect === undefined ? parts : { ...parts, dialect }, time), time };
}

export type CommitteeSetup = Omit<CommitteeOptions, "chain" | "admin" | "seed"> & {
  readonly seed: string;
  /** The committee's chain; default a plain EthersAggregatorChain over `parts`. */
  readonly chain?: (parts: ChainParts) => OffchainAggregatorChain;
};

/**
 * A fresh chain with LINK and an OffchainAggregator (billing on), and a committee wired to it:
 * its transmitters hold ETH and have payees, the aggregator holds LINK to pay them, the admin
 * is the contract owner calling the real setConfig, and each oracle transmits from its own key.
 */
export async function deployCommitteeFeed(setup: CommitteeSetup) {
  const connection = await network.create();
  const { ethers, networkHelpers } = connection;
  const [owner] = await ethers.getSigners();
  const provider = ethers.provider;
  const { link, aggregator, address: aggregatorAddress } = await deployFeedContracts(ethers, {
    minAnswer: COMMITTEE_MIN_ANSWER,
    maxAnswer: COMMITTEE_MAX_ANSWER,
    accessControllers: false,
    description: "ETH / USD",
  });

  // Each oracle sends from its own key; the committee (created below) knows the keys.
  const wallets = new Map<number, Wallet>();
  const parts: ChainParts = {
    provider,
    aggregatorAddress,
    transmitterSigner: (index): Wallet => {
      let wallet = wallets.get(index);
      if (wallet === undefined) {
        wallet = new Wallet(bytesToHex(committee.keys[index].transmitterKey), provider);
        wallets.set(index, wallet);
      }
      return wallet;
    },
  };
  const { chain: chainFor, ...committeeSetup } = setup;
  const chain = chainFor?.(parts) ?? new EthersAggregatorChain(parts);
  const admin = {
    async setConfig(args: SetConfigArgs): Promise<void> {
      const tx = await aggregator.setConfig(args.signers, args.transmitters, args.threshold, args.encodedConfigVersion, args.encoded);
      await tx.wait();
    },
  };
  const committee: Committee = new Committee({ ...committeeSetup, chain, admin });

  // Payees are plain derived addresses: they only ever receive LINK. Transmitters get enough
  // ETH for thousands of transmits (the soak sends one per step).
  const oracles = committee.keys.map((k, i) => ({
    transmitter: { address: k.transmitterAddress },
    payee: { address: addressFromPrivateKey(oracleKey(setup.seed, i, "payee")) },
  }));
  for (const o of oracles) await networkHelpers.setBalance(o.transmitter.address, ACCOUNT_ETH);
  await setPayees(aggregator, oracles);
  await fundWithLink(link, "LinkToken", aggregatorAddress, LARGE_LINK_FUNDING);

  return { connection, ethers, networkHelpers, owner, provider, link, aggregator, aggregatorAddress, committee };
}

export type CommitteeFeed = Awaited<ReturnType<typeof deployCommitteeFeed>>;

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

/**
 * A fixture for `networkHelpers.loadFixture`: deploys a feed with `options` the first time and
 * returns to that snapshot afterwards. Keep the returned function: loadFixture knows a fixture by
 * its identity (and refuses anonymous ones, hence the named function).
 */
export function feedFixture(options: FeedOptions = {}): (connection: Connection) => Promise<Feed> {
  return function deployFeedFixture(connection: Connection): Promise<Feed> {
    return deployFeed(connection, options);
  };
}
