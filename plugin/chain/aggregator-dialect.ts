/**
 * What differs between the aggregator versions the chain adapter drives, and nothing else: the
 * ABI (their views, events and `transmit` share names but not all types), how a ConfigSet event
 * becomes the engine's `ContractConfig`, and the `transmit` calldata. The head reader, the round
 * request scanner and the transmit sender are the same for every version.
 */
import { Interface, type LogDescription, getAddress } from "ethers";

import { AGGREGATOR_ABI } from "../core/abi.js";
import type { Address } from "../core/address.js";
import { type Hex, bytesToHex, bytesToUintBE, hexToBytes } from "../core/bytes.js";
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
  /**
   * The NewTransmission argument whose low 40 bits are the report's epoch and round as
   * `epoch << 8 | round`: OCR1 logs the whole report context word, OCR2 the packed value alone.
   */
  readonly epochAndRoundArgument: "rawReportContext" | "epochAndRound";
  /** How many bits of `block.timestamp` a transmission stores (and latestTransmissionDetails returns). */
  readonly transmissionTimestampBits: 32 | 64;
}

/** What the chain adapter looks up of an event again and again, found once per dialect. */
interface EventFacts {
  readonly topic: string;
  /** The types of the arguments the log's data holds (the non-indexed ones), in order. */
  readonly dataTypes: readonly string[];
  /** Their names, in the same order. */
  readonly dataNames: readonly string[];
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
    const data = event.inputs.filter((input) => !input.indexed);
    facts = { topic: event.topicHash, dataTypes: data.map((input) => input.type), dataNames: data.map((input) => input.name) };
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

/** What `latestTransmissionDetails()` returns, as decoded from the call's output. */
export type TransmissionDetailsWords = readonly [configDigest: Uint8Array | string, epoch: bigint, round: bigint, latestAnswer: bigint, latestTimestamp: bigint];

/**
 * What `latestTransmissionDetails()` returns once the transmission that `newTransmission` (a
 * NewTransmission log of the aggregator) records is stored, in a block stamped `blockTimestampSec`,
 * given what it returned before with no config change in between. Both aggregator versions store
 * the logged answer, the report's epoch and round, and the block's timestamp (OCR2 its low 32
 * bits), and return the current config's digest, which only a ConfigSet changes (a report under
 * another digest reverts, so it logs nothing).
 */
export function transmissionDetailsAfter(
  dialect: AggregatorDialect,
  newTransmission: RawLog,
  blockTimestampSec: number,
  before: TransmissionDetailsWords,
): TransmissionDetailsWords {
  const { dataNames } = eventOf(dialect, "NewTransmission");
  if (newTransmission.data === undefined) throw new Error("a NewTransmission log without data");
  const data = hexToBytes(newTransmission.data);
  // Both arguments sit in the data's head, one 32-byte word each (a dynamic argument before
  // them takes one word there too, its offset), so they are read in place: decoding the whole
  // log (observations included) cost more than the request this saves.
  const word = (name: string) => {
    const index = dataNames.indexOf(name);
    if (index < 0) throw new Error(`this aggregator version's NewTransmission event has no ${name} argument`);
    if (32 * index + 32 > data.length) throw new Error(`a NewTransmission log of ${data.length} bytes is too short for its ${name}`);
    return bytesToUintBE(data.subarray(32 * index, 32 * index + 32));
  };
  const answer = BigInt.asIntN(192, word("answer")); // int192, sign-extended in its word
  const epochAndRound = word(dialect.epochAndRoundArgument) & 0xff_ffff_ffffn;
  const timestamp = BigInt.asUintN(dialect.transmissionTimestampBits, BigInt(blockTimestampSec));
  return [before[0], epochAndRound >> 8n, epochAndRound & 0xffn, answer, timestamp];
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
  epochAndRoundArgument: "rawReportContext",
  transmissionTimestampBits: 64,
};
