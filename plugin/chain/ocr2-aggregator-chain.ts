/**
 * The chain adapter for an OCR2Aggregator: OCR1's adapter (head reader, round-request scanner,
 * transmit sender) with OCR2's dialect. What differs: the ConfigSet event (32-byte digest, f,
 * the onchainConfig, matched by digest), and `transmit`, which takes the three reportContext
 * words before the report.
 */
import { Interface } from "ethers";

import type { Address } from "../core/address.js";
import { type Hex, bytesToHex, hexToBytes } from "../core/bytes.js";
import { encodeOcr2TransmitCalldata } from "../core/ocr2/report.js";
import type { AggregatorDialect } from "./aggregator-dialect.js";
import { EthersAggregatorChain, type EthersAggregatorChainOptions } from "./ethers-aggregator-chain.js";

/** The OCR2Aggregator functions and events the committee uses. */
export const OCR2_AGGREGATOR_ABI = [
  "function latestConfigDetails() view returns (uint32 configCount, uint32 blockNumber, bytes32 configDigest)",
  "function latestTransmissionDetails() view returns (bytes32 configDigest, uint32 epoch, uint8 round, int192 latestAnswer, uint64 latestTimestamp)",
  "function transmit(bytes32[3] reportContext, bytes report, bytes32[] rs, bytes32[] ss, bytes32 rawVs)",
  "function setConfig(address[] signers, address[] transmitters, uint8 f, bytes onchainConfig, uint64 offchainConfigVersion, bytes offchainConfig)",
  "function requestNewRound() returns (uint80)",
  "event ConfigSet(uint32 previousConfigBlockNumber, bytes32 configDigest, uint64 configCount, address[] signers, address[] transmitters, uint8 f, bytes onchainConfig, uint64 offchainConfigVersion, bytes offchainConfig)",
  "event RoundRequested(address indexed requester, bytes32 configDigest, uint32 epoch, uint8 round)",
  "event NewTransmission(uint32 indexed aggregatorRoundId, int192 answer, address transmitter, uint32 observationsTimestamp, int192[] observations, bytes observers, int192 juelsPerFeeCoin, bytes32 configDigest, uint40 epochAndRound)",
] as const;

const ocr2Interface = new Interface(OCR2_AGGREGATOR_ABI);

/** OCR2Aggregator: 32-byte digests, f in place of OCR1's threshold, `transmit(reportContext, report, rs, ss, rawVs)`. */
export const OCR2_DIALECT: AggregatorDialect = {
  abi: ocr2Interface,
  isConfigSetOf: (event, details) => (event.args.configDigest as string).toLowerCase() === details.configDigest.toLowerCase(),
  contractConfig: (event, details, contractAddress) => ({
    protocol: "ocr2",
    contractAddress,
    configCount: event.args.configCount as bigint,
    blockNumber: details.blockNumber,
    configDigest: hexToBytes(details.configDigest),
    signers: [...(event.args.signers as string[])] as Address[],
    transmitters: [...(event.args.transmitters as string[])] as Address[],
    threshold: Number(event.args.f),
    onchainConfig: hexToBytes(event.args.onchainConfig as string),
    encodedConfigVersion: event.args.offchainConfigVersion as bigint,
    encoded: hexToBytes(event.args.offchainConfig as string),
  }),
  // The plugin's own encoder for well-formed requests (all it builds), ethers' for anything else
  // (a malformed request still goes out, or fails with ethers' error, as before).
  transmitCalldata: (request) => {
    if (request.reportContext === undefined) throw new Error("an OCR2 transmit needs the reportContext words");
    const words = [...request.reportContext, ...request.rs, ...request.ss, request.rawVs].map(wordOrNull);
    if (request.reportContext.length === 3 && request.report.length % 32 === 0 && words.every((w) => w !== null)) {
      const k = request.rs.length;
      return bytesToHex(
        encodeOcr2TransmitCalldata({ reportContext: words.slice(0, 3), report: request.report, rs: words.slice(3, 3 + k), ss: words.slice(3 + k, -1), rawVs: words.at(-1)! }),
      );
    }
    return ocr2Interface.encodeFunctionData("transmit", [[...request.reportContext], request.report, [...request.rs], [...request.ss], request.rawVs]) as Hex;
  },
  epochAndRoundArgument: "epochAndRound",
  transmissionTimestampBits: 32,
};

/** A 32-byte hex word's bytes, or null if it is not one. */
function wordOrNull(hex: string): Uint8Array | null {
  if (!/^0x[0-9a-fA-F]{64}$/.test(hex)) return null;
  return hexToBytes(hex);
}

export type Ocr2AggregatorChainOptions = Omit<EthersAggregatorChainOptions, "dialect">;

/** The engine's chain over ethers for an OCR2Aggregator. */
export class Ocr2AggregatorChain extends EthersAggregatorChain {
  constructor(options: Ocr2AggregatorChainOptions) {
    super({ ...options, dialect: OCR2_DIALECT });
  }
}
