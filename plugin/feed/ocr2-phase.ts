/**
 * What a feed does differently when its phase runs OCR2: the OCR2Aggregator it deploys (no
 * billing in the constructor; setBilling afterwards in OCR2's units), the committee it wires
 * (OCR2 config dealt through the six-argument setConfig, the OCR2 chain adapter), and how it
 * reads an OCR2 config and NewTransmission back. Side by side with contracts.ts and
 * committee-wiring.ts, which do the same for OCR1.
 */
import { Contract, Interface } from "ethers";

import { OCR2_DIALECT } from "../chain/ocr2-aggregator-chain.js";
import { decodeOcr2OffchainConfig } from "../core/ocr2/offchain-config.js";
import { decodeMedianPluginConfig } from "../core/ocr2/median-codec.js";
import { type Ocr2SetConfigArgs, ocr2ProtocolTiming } from "../core/ocr2/shared-config.js";
import { dataSourceFromSpec } from "../data-sources/from-spec.js";
import type { ContractConfig } from "../protocol/chain.js";
import { Committee } from "../protocol/committee.js";
import type { OcrFeedConfig } from "../types.js";
import { type CommitteeWiring, type ProtocolWiring, createCommittee, specFor } from "./committee-wiring.js";
import { type Deployer, deploy, ownerCall, setPayeesAndFund } from "./contracts.js";

/** The OCR2Aggregator functions and events a feed uses (beyond the committee's). */
export const OCR2_FEED_ABI = [
  "function setConfig(address[] signers, address[] transmitters, uint8 f, bytes onchainConfig, uint64 offchainConfigVersion, bytes offchainConfig)",
  "function setPayees(address[] transmitters, address[] payees)",
  "function setBilling(uint32 maximumGasPriceGwei, uint32 reasonableGasPriceGwei, uint32 observationPaymentGjuels, uint32 transmissionPaymentGjuels, uint24 accountingGas)",
  "function addAccess(address user)",
  "function owner() view returns (address)",
  "function owedPayment(address transmitter) view returns (uint256)",
  "function getTransmitters() view returns (address[])",
  "function requestNewRound() returns (uint80)",
  "function typeAndVersion() view returns (string)",
  "event NewTransmission(uint32 indexed aggregatorRoundId, int192 answer, address transmitter, uint32 observationsTimestamp, int192[] observations, bytes observers, int192 juelsPerFeeCoin, bytes32 configDigest, uint40 epochAndRound)",
] as const;
export const ocr2FeedInterface = new Interface(OCR2_FEED_ABI);

/**
 * Gas an OCR2 transmit is reimbursed for beyond what the contract measures itself (the 21,000
 * base cost and calldata): the value libocr's integration configs use.
 */
export const OCR2_ACCOUNTING_GAS = 25_000;

/** The OCR2Aggregator's constructor arguments (billing is set afterwards with setBilling). */
export function ocr2AggregatorConstructorArgs(config: OcrFeedConfig, linkToken: string): unknown[] {
  const zero = "0x0000000000000000000000000000000000000000";
  return [linkToken, config.minAnswer, config.maxAnswer, zero, zero, config.decimals, config.description];
}

/**
 * Deploy an (AccessControlled)OCR2Aggregator, set billing, register payees (OCR1's per-observation
 * and per-transmission LINK gwei become OCR2's Gjuels) and send it LINK. The committee sets the config.
 */
export async function deployOcr2Aggregator(
  deployer: Deployer,
  config: OcrFeedConfig,
  linkToken: string,
  oracles: readonly { transmitter: string; payee: string }[],
): Promise<string> {
  const name = config.accessControlled ? "AccessControlledOCR2Aggregator" : "OCR2Aggregator";
  const address = await deploy(deployer, name, ocr2AggregatorConstructorArgs(config, linkToken));
  const aggregator = new Contract(address, ocr2FeedInterface);
  // OCR1 takes billing in its constructor; OCR2 in setBilling (before any transmitter is set,
  // so it pays nobody out).
  const b = config.billing;
  await ownerCall(deployer, aggregator, "setBilling", [b.maximumGasPriceGwei, b.reasonableGasPriceGwei, b.linkGweiPerObservation, b.linkGweiPerTransmission, OCR2_ACCOUNTING_GAS]);
  await setPayeesAndFund(deployer, aggregator, config, linkToken, oracles);
  return address;
}

/**
 * OCR2's part of a committee's wiring: the OCR2 dialect of the chain adapter, the config dealt
 * through the six-argument setConfig, the median plugin's bounds and juelsPerFeeCoin sources.
 */
export function ocr2Wiring(config: OcrFeedConfig): ProtocolWiring {
  return {
    dialect: OCR2_DIALECT,
    admin: (deployer, aggregatorAddress) => {
      const aggregator = new Contract(aggregatorAddress, ocr2FeedInterface);
      return {
        setConfig: () => {
          throw new Error("an OCR2 aggregator takes setOcr2Config");
        },
        setOcr2Config: (a: Ocr2SetConfigArgs) =>
          ownerCall(deployer, aggregator, "setConfig", [a.signers, a.transmitters, a.f, a.onchainConfig, a.offchainConfigVersion, a.offchainConfig]),
      };
    },
    options: {
      protocol: "ocr2",
      ocr2: { minAnswer: config.minAnswer, maxAnswer: config.maxAnswer },
      juelsPerFeeCoinSource: (i) => dataSourceFromSpec(specFor(config.juelsPerFeeCoin, i)),
    },
  };
}

/** An OCR2 committee for the aggregator at `wiring.aggregator`. It is not started. */
export function createOcr2Committee(wiring: CommitteeWiring): Committee {
  return createCommittee(wiring, ocr2Wiring(wiring.config));
}

/** Protocol timing of an OCR2 config on chain (deltaC lives in the median plugin's config). */
export function ocr2TimingOf(onChain: ContractConfig) {
  const offchain = decodeOcr2OffchainConfig(onChain.encoded);
  const median = decodeMedianPluginConfig(offchain.reportingPluginConfig);
  return {
    ...ocr2ProtocolTiming(offchain, median),
    stages: offchain.s.length,
    offchainPublicKeys: offchain.offchainPublicKeys,
  };
}
