/**
 * The feed's contracts: the ABI fragments this plugin calls, and deploying one aggregator with
 * everything it needs (billing, bounds, payees, LINK). The committee sets the config; the proxy
 * is deployed once per feed and switched to new aggregators by `upgradeAggregator`.
 *
 * Calls go through small human-readable ABIs rather than artifact types, so the plugin works
 * the same with and without TypeChain.
 */
import { Contract, type ContractRunner, Interface } from "ethers";

import type { OcrFeedConfig } from "../types.js";
import type { ChainTime } from "./chain-time.js";

export const AGGREGATOR_ABI = [
  "function setPayees(address[] transmitters, address[] payees)",
  "function setConfig(address[] signers, address[] transmitters, uint8 threshold, uint64 encodedConfigVersion, bytes encoded)",
  "function latestConfigDetails() view returns (uint32 configCount, uint32 blockNumber, bytes16 configDigest)",
  "function latestTransmissionDetails() view returns (bytes16 configDigest, uint32 epoch, uint8 round, int192 latestAnswer, uint64 latestTimestamp)",
  "function transmitters() view returns (address[])",
  "function requestNewRound() returns (uint80)",
  "function owedPayment(address transmitter) view returns (uint256)",
  "function owner() view returns (address)",
  "function addAccess(address user)",
  "function transmit(bytes report, bytes32[] rs, bytes32[] ss, bytes32 rawVs)",
  "event ConfigSet(uint32 previousConfigBlockNumber, uint64 configCount, address[] signers, address[] transmitters, uint8 threshold, uint64 encodedConfigVersion, bytes encoded)",
  "event PayeeshipTransferred(address indexed transmitter, address indexed previous, address indexed current)",
  "event NewTransmission(uint32 indexed aggregatorRoundId, int192 answer, address transmitter, int192[] observations, bytes observers, bytes32 rawReportContext)",
] as const;

export const PROXY_ABI = [
  "function aggregator() view returns (address)",
  "function phaseId() view returns (uint16)",
  "function phaseAggregators(uint16 phaseId) view returns (address)",
  "function proposeAggregator(address aggregator)",
  "function confirmAggregator(address aggregator)",
  "function latestRoundData() view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)",
  "function getRoundData(uint80 roundId) view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)",
] as const;

export const LINK_ABI = ["function transfer(address to, uint256 amount) returns (bool)", "function balanceOf(address) view returns (uint256)"] as const;

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
  const aggregator = new Contract(address, AGGREGATOR_ABI);
  await ownerCall(deployer, aggregator, "setPayees", [oracles.map((o) => o.transmitter), oracles.map((o) => o.payee)]);
  if (config.linkFunding > 0n) {
    await ownerCall(deployer, new Contract(linkToken, LINK_ABI), "transfer", [address, config.linkFunding]);
  }
  return address;
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
