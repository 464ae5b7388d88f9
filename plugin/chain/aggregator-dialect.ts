/**
 * What differs between the aggregator versions the chain adapter drives, and nothing else: the
 * ABI (their views, events and `transmit` share names but not all types), how a ConfigSet event
 * becomes the engine's `ContractConfig`, and the `transmit` calldata. The head reader, the round
 * request scanner and the transmit sender are the same for every version.
 */
import { Interface, type LogDescription, getAddress } from "ethers";

import { AGGREGATOR_ABI } from "../core/abi.js";
import type { Address } from "../core/address.js";
import { type Hex, bytesToHex, hexToBytes } from "../core/bytes.js";
import { encodeTransmitCalldata } from "../core/report.js";
import type { ContractConfig, TransmitRequest } from "../protocol/chain.js";
import { type RawLog, logsOf } from "./json-rpc.js";

/** The latest config as `latestConfigDetails()` names it. */
export interface ConfigDetails {
  readonly configCount: bigint;
  readonly blockNumber: number;
  readonly configDigest: Hex;
}

export interface AggregatorDialect {
  /** Has `latestConfigDetails`, `latestTransmissionDetails`, `transmit`, `ConfigSet`, `RoundRequested` and `NewTransmission`. */
  readonly abi: Interface;
  /** Is `event` (a parsed ConfigSet) the one `details` names? */
  isConfigSetOf(event: LogDescription, details: ConfigDetails): boolean;
  /** The engine's view of the config set by `event`. */
  contractConfig(event: LogDescription, details: ConfigDetails, contractAddress: Address): ContractConfig;
  /** The calldata of `transmit` for `request`. */
  transmitCalldata(request: TransmitRequest): Hex;
}

/** What the chain adapter looks up of an event again and again, found once per dialect. */
interface EventFacts {
  readonly topic: string;
  /** The types of the arguments the log's data holds (the non-indexed ones), in order. */
  readonly dataTypes: readonly string[];
}

const eventFacts = new WeakMap<AggregatorDialect, Map<string, EventFacts>>();

/**
 * The topic hash and data types of `dialect`'s event `name`. ethers' Interface parses the
 * event's signature on every `getEvent`, which every oracle's every read used to pay.
 */
export function eventOf(dialect: AggregatorDialect, name: "ConfigSet" | "RoundRequested" | "NewTransmission"): EventFacts {
  let byName = eventFacts.get(dialect);
  if (byName === undefined) eventFacts.set(dialect, (byName = new Map()));
  let facts = byName.get(name);
  if (facts === undefined) {
    const event = dialect.abi.getEvent(name)!;
    facts = { topic: event.topicHash, dataTypes: event.inputs.filter((input) => !input.indexed).map((input) => input.type) };
    byName.set(name, facts);
  }
  return facts;
}

/**
 * The aggregator round id a transmit's receipt logs record (the first indexed argument of the
 * NewTransmission event `aggregator` emitted), or null when there is no such event.
 */
export function newTransmissionRoundId(dialect: AggregatorDialect, aggregator: Address, logs: readonly RawLog[] | null): bigint | null {
  if (logs === null) return null;
  const roundIdTopic = logsOf(logs, aggregator, eventOf(dialect, "NewTransmission").topic).find((log) => log.topics?.[1] !== undefined)?.topics?.[1];
  return roundIdTopic === undefined ? null : BigInt(roundIdTopic);
}

const ocr1Interface = new Interface(AGGREGATOR_ABI);

/** OffchainAggregator (OCR1): 16-byte digests, `transmit(report, rs, ss, rawVs)`. */
export const OCR1_DIALECT: AggregatorDialect = {
  abi: ocr1Interface,
  isConfigSetOf: (event, details) => (event.args.configCount as bigint) === details.configCount,
  contractConfig: (event, details, contractAddress) => ({
    contractAddress,
    configCount: details.configCount,
    blockNumber: details.blockNumber,
    configDigest: hexToBytes(details.configDigest),
    signers: (event.args.signers as string[]).map((a) => getAddress(a) as Address),
    transmitters: (event.args.transmitters as string[]).map((a) => getAddress(a) as Address),
    threshold: Number(event.args.threshold),
    encodedConfigVersion: event.args.encodedConfigVersion as bigint,
    encoded: hexToBytes(event.args.encoded as string),
  }),
  // The plugin's own encoder for the reports it builds (whole words), ethers' for anything else
  // (a malformed report still goes out, and the contract judges it).
  transmitCalldata: (request) =>
    request.report.length % 32 === 0
      ? bytesToHex(encodeTransmitCalldata(request.report, { rs: [...request.rs], ss: [...request.ss], rawVs: request.rawVs }))
      : (ocr1Interface.encodeFunctionData("transmit", [request.report, [...request.rs], [...request.ss], request.rawVs]) as Hex),
};
