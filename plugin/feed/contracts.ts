/**
 * The feed's contracts (their ABI fragments live in core/abi.ts): deploying one aggregator with
 * everything it needs (billing, bounds, payees, LINK). The committee sets the config; the proxy
 * is deployed once per feed and switched to new aggregators by `upgradeAggregator`.
 */
import { Contract, type ContractRunner, Interface, type Provider } from "ethers";

import { AGGREGATOR_ABI, LINK_ABI } from "../core/abi.js";
import type { OcrFeedConfig } from "../types.js";
import { type OfferedFees, minedBlockOf, rawSender, waitForReceipt } from "../chain/json-rpc.js";
import type { ChainTime } from "./chain-time.js";

export { AGGREGATOR_ABI, LINK_ABI, PROXY_ABI } from "../core/abi.js";

export const aggregatorInterface = new Interface(AGGREGATOR_ABI);

/** Where the proxy's round ids keep the phase: roundId = (phaseId << 64) | aggregatorRoundId. */
export const PHASE_OFFSET = 64n;

export function proxyRoundId(phaseId: number, aggregatorRoundId: bigint): bigint {
  return (BigInt(phaseId) << PHASE_OFFSET) | aggregatorRoundId;
}

/** What a deploy step needs: a way to deploy by artifact name, and the owner that signs. */
export interface Deployer {
  deployContract(name: string, args: unknown[], signer: ContractRunner): Promise<Contract>;
  readonly owner: ContractRunner & { getAddress(): Promise<string> };
  readonly chainTime: ChainTime;
}

/** Deploy `name` as the owner, one transaction in the chain-time queue. */
export async function deploy(deployer: Deployer, name: string, args: unknown[]): Promise<string> {
  return deployer.chainTime.transaction(async () => {
    const contract = await deployer.deployContract(name, args, deployer.owner);
    await contract.waitForDeployment();
    return contract.getAddress();
  });
}

/** Call a state-changing function as the owner and wait for it to be mined. */
export async function ownerCall(deployer: Deployer, contract: Contract, method: string, args: unknown[]): Promise<void> {
  await deployer.chainTime.transaction(async () => {
    const connected = contract.connect(deployer.owner) as Contract;
    const tx = await connected.getFunction(method)(...args);
    const receipt = await tx.wait();
    if (receipt?.status !== 1) throw new Error(`${method} was not mined successfully`);
  });
}

/**
 * Send `data` to `to` from the owner and wait until it is mined, one transaction in the
 * chain-time queue, through raw JSON-RPC: the node fills in gas and nonce, which spares the
 * ethers signer's own estimate, fee and nonce requests (about half the time of `ownerCall`).
 * Falls back to `ownerCall`'s route when the provider cannot send raw requests.
 *
 * With `gasLimit`, on the simulated network (where the queue's turn knows the latest block), the
 * node does not estimate either: the transaction goes with that limit and ethers' fees from the
 * known base fee. Only if it reverts is the call replayed with `eth_call` for the reason (the
 * reverted transaction stays on the simulated chain; the callers' calls revert only when the
 * owner lost the role, and this spares an EVM run and a request on every round).
 */
export async function ownerSend(
  deployer: Deployer,
  provider: Provider,
  to: string,
  data: string,
  fallback: () => Promise<void>,
  gasLimit?: bigint,
): Promise<void> {
  const send = rawSender(provider);
  if (send === null) return fallback();
  await deployer.chainTime.transaction(async ({ latestBlock, minedIn }) => {
    const from = await deployer.owner.getAddress();
    let transaction: Record<string, string> = { from, to, data };
    // The fees, when this function sets them (then the receipt tells the block's base fee).
    let offered: OfferedFees | null = null;
    if (gasLimit !== undefined && latestBlock !== undefined && latestBlock.baseFeePerGas !== null) {
      const gas = `0x${gasLimit.toString(16)}`;
      const maxFeePerGas = 2n * latestBlock.baseFeePerGas + OWNER_PRIORITY_FEE;
      offered = { maxFeePerGas, maxPriorityFeePerGas: OWNER_PRIORITY_FEE };
      transaction = { ...transaction, gas, maxFeePerGas: `0x${maxFeePerGas.toString(16)}`, maxPriorityFeePerGas: `0x${OWNER_PRIORITY_FEE.toString(16)}` };
    }
    let hash: string;
    try {
      hash = (await send("eth_sendTransaction", [transaction])) as string;
    } catch (error) {
      // Hardhat mines a reverting transaction and then throws JSON-RPC's "execution reverted" (code 3).
      if ((error as { code?: unknown }).code === EXECUTION_REVERTED) throw new TransactionReverted(to, (error as Error).message);
      throw error;
    }
    const receipt = await waitForReceipt(send, hash);
    const mined = minedBlockOf(receipt, offered);
    if (mined !== null) minedIn?.(mined);
    if (receipt.status === 1) return;
    // A reverted transaction changed nothing: the same call on the latest state gives its reason.
    let reason = "no reason given";
    try {
      await send("eth_call", [{ from, to, data, ...(transaction.gas !== undefined ? { gas: transaction.gas } : {}) }, "latest"]);
    } catch (error) {
      reason = error instanceof Error ? error.message : String(error);
    }
    throw new TransactionReverted(to, reason);
  });
}

/** JSON-RPC's error code for a call or transaction that reverted (EIP-1474). */
const EXECUTION_REVERTED = 3;

/** A transaction that was mined but reverted, with the reason the node gives for it. */
export class TransactionReverted extends Error {
  constructor(
    readonly to: string,
    readonly reason: string,
  ) {
    super(`the transaction to ${to} reverted: ${reason}`);
    this.name = "TransactionReverted";
  }
}

/** The priority fee of the owner's transactions sent with a known gas limit (ethers' default). */
const OWNER_PRIORITY_FEE = 1_000_000_000n;

/** Gas for `requestNewRound` on the plugin's aggregators (it uses under 60k on OCR1 and OCR2). */
export const REQUEST_NEW_ROUND_GAS_LIMIT = 150_000n;

/** The aggregator's constructor arguments from a feed config (billing first, as in OCR1). */
export function aggregatorConstructorArgs(config: OcrFeedConfig, linkToken: string): unknown[] {
  const zero = "0x0000000000000000000000000000000000000000";
  const b = config.billing;
  return [
    b.maximumGasPriceGwei,
    b.reasonableGasPriceGwei,
    b.microLinkPerEth,
    b.linkGweiPerObservation,
    b.linkGweiPerTransmission,
    linkToken,
    config.minAnswer,
    config.maxAnswer,
    // No billing or requester access controller: only the owner changes billing or requests rounds.
    zero,
    zero,
    config.decimals,
    config.description,
  ];
}

/**
 * Deploy an aggregator for `config` (access-controlled or open), register payees and send it
 * LINK. The config itself is set later by the committee, which holds the oracle keys.
 */
export async function deployAggregator(
  deployer: Deployer,
  config: OcrFeedConfig,
  linkToken: string,
  oracles: readonly { transmitter: string; payee: string }[],
): Promise<string> {
  const name = config.accessControlled ? "AccessControlledOffchainAggregator" : "OffchainAggregator";
  const address = await deploy(deployer, name, aggregatorConstructorArgs(config, linkToken));
  await setPayeesAndFund(deployer, new Contract(address, AGGREGATOR_ABI), config, linkToken, oracles);
  return address;
}

/**
 * What every aggregator needs before its committee takes over, OCR1 or OCR2: each transmitter's
 * payee registered, and the feed's LINK funding sent to it.
 */
export async function setPayeesAndFund(
  deployer: Deployer,
  aggregator: Contract,
  config: OcrFeedConfig,
  linkToken: string,
  oracles: readonly { transmitter: string; payee: string }[],
): Promise<void> {
  await ownerCall(deployer, aggregator, "setPayees", [oracles.map((o) => o.transmitter), oracles.map((o) => o.payee)]);
  if (config.linkFunding > 0n) {
    await ownerCall(deployer, new Contract(linkToken, LINK_ABI), "transfer", [await aggregator.getAddress(), config.linkFunding]);
  }
}

/**
 * Deploy the proxy in front of `aggregator`. An access-controlled feed gets an EAC proxy with
 * its own read access controller (people reading with eth_call always pass it; contracts must
 * be added), and the aggregator lets the proxy read.
 */
export async function deployProxy(
  deployer: Deployer,
  config: OcrFeedConfig,
  aggregator: string,
): Promise<{ proxy: string; accessController?: string }> {
  if (!config.accessControlled) {
    return { proxy: await deploy(deployer, "AggregatorProxy", [aggregator]) };
  }
  const accessController = await deploy(deployer, "SimpleReadAccessController", []);
  const proxy = await deploy(deployer, "EACAggregatorProxy", [aggregator, accessController]);
  await ownerCall(deployer, new Contract(aggregator, AGGREGATOR_ABI), "addAccess", [proxy]);
  return { proxy, accessController };
}
