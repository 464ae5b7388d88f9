/**
 * Protocol messages as bytes, for transports that leave the process. The format is JSON with
 * each value in a fixed shape: integers as JSON numbers, observation values as decimal strings
 * (int192 does not fit a double), bytes as 0x-hex of the exact length their field requires.
 * Decoding checks all of it and throws `MessageDecodeError` naming the first problem, so a
 * transport can drop a malformed or oversized message and keep running. Signatures are not
 * checked here; the receiving role checks them, as it does for in-process messages.
 */
import { bytesToHex, hexToBytes } from "../core/bytes.js";
import { isInt192 } from "../core/observation.js";
import { MAX_ORACLES } from "../core/report.js";
import type { AnyProtocolMessage } from "./any-message.js";
import type { AttestedReportMany, AttributedSignedObservation, MessageType, ProtocolMessage } from "./messages.js";
import { ocr2FromWire, ocr2ToWire } from "./ocr2/codec.js";
import { isOcr2Message } from "./ocr2/messages.js";
import type { Endpoint } from "./transport.js";

/** The largest encoded message accepted: a (31,10) final-echo is about 6 KiB. */
export const MAX_MESSAGE_BYTES = 64 * 1024;
/** Ed25519 signature over an observation. */
const OBSERVATION_SIGNATURE_BYTES = 64;
/** secp256k1 r ‖ s ‖ v over a report. */
const REPORT_SIGNATURE_BYTES = 65;
/** OCR1 epochs are uint32 and rounds uint8 on chain. */
const MAX_EPOCH = 0xffff_ffff;
const MAX_ROUND = 0xff;

export class MessageDecodeError extends Error {
  override readonly name = "MessageDecodeError";
}

/** Either protocol's message as bytes (OCR2's carry `protocol: "ocr2"`; see ocr2/codec.ts). */
export function encodeMessage(message: AnyProtocolMessage): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(isOcr2Message(message) ? ocr2ToWire(message) : toWire(message)));
}

/** The message `bytes` encode; throws MessageDecodeError for anything malformed or oversized. */
export function decodeMessage(bytes: Uint8Array): AnyProtocolMessage {
  if (bytes.length > MAX_MESSAGE_BYTES) throw new MessageDecodeError(`message of ${bytes.length} bytes exceeds the ${MAX_MESSAGE_BYTES}-byte limit`);
  let wire: unknown;
  try {
    wire = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (error) {
    throw new MessageDecodeError(`not a JSON message: ${(error as Error).message}`);
  }
  const m = record(wire, "message");
  if (m.protocol === "ocr2") return ocr2FromWire(m);
  if (m.protocol !== undefined) throw new MessageDecodeError(`unknown protocol ${JSON.stringify(m.protocol)}`);
  return fromWire(m);
}

// -----------------------------------------------------------------------------------------
// Encoding

export type Wire = Record<string, unknown>;

function toWire(message: ProtocolMessage): Wire {
  switch (message.type) {
    case "newepoch":
      return { type: message.type, epoch: message.epoch };
    case "observe-req":
      return { type: message.type, epoch: message.epoch, round: message.round };
    case "observe":
      return { type: message.type, epoch: message.epoch, round: message.round, value: message.observation.value.toString(), signature: bytesToHex(message.observation.signature) };
    case "report-req":
      return {
        type: message.type,
        epoch: message.epoch,
        round: message.round,
        observations: message.observations.map((o) => ({ observer: o.observer, value: o.value.toString(), signature: bytesToHex(o.signature) })),
      };
    case "report":
      return {
        type: message.type,
        epoch: message.epoch,
        round: message.round,
        observations: message.report.observations.map((o) => ({ observer: o.observer, value: o.value.toString() })),
        signature: bytesToHex(message.report.signature),
      };
    case "final":
    case "final-echo":
      return { type: message.type, epoch: message.epoch, round: message.round, ...attestedToWire(message.report) };
  }
}

function attestedToWire(report: AttestedReportMany): Wire {
  return {
    observations: report.observations.map((o) => ({ observer: o.observer, value: o.value.toString() })),
    signatures: report.signatures.map(bytesToHex),
  };
}

// -----------------------------------------------------------------------------------------
// Decoding, one checked field at a time

const MESSAGE_TYPES: readonly MessageType[] = ["newepoch", "observe-req", "observe", "report-req", "report", "final", "final-echo"];

function fromWire(wire: unknown): ProtocolMessage {
  const m = record(wire, "message");
  const type = m.type;
  if (typeof type !== "string" || !(MESSAGE_TYPES as readonly string[]).includes(type)) throw new MessageDecodeError(`unknown message type ${JSON.stringify(type)}`);
  const epoch = integer(m.epoch, "epoch", 0, MAX_EPOCH);
  if (type === "newepoch") return { type, epoch };
  const round = integer(m.round, "round", 0, MAX_ROUND);
  switch (type as Exclude<MessageType, "newepoch">) {
    case "observe-req":
      return { type: "observe-req", epoch, round };
    case "observe":
      return { type: "observe", epoch, round, observation: { value: observationValue(m.value, "value"), signature: bytes(m.signature, "signature", OBSERVATION_SIGNATURE_BYTES) } };
    case "report-req":
      return {
        type: "report-req",
        epoch,
        round,
        observations: list(m.observations, "observations", MAX_ORACLES).map((o, i): AttributedSignedObservation => {
          const entry = record(o, `observations[${i}]`);
          return { ...attributedEntry(entry, i), signature: bytes(entry.signature, `observations[${i}].signature`, OBSERVATION_SIGNATURE_BYTES) };
        }),
      };
    case "report":
      return { type: "report", epoch, round, report: { observations: attributed(m.observations), signature: bytes(m.signature, "signature", REPORT_SIGNATURE_BYTES) } };
    case "final":
    case "final-echo":
      return {
        type: type as "final" | "final-echo",
        epoch,
        round,
        report: {
          observations: attributed(m.observations),
          signatures: list(m.signatures, "signatures", MAX_ORACLES).map((s, i) => bytes(s, `signatures[${i}]`, REPORT_SIGNATURE_BYTES)),
        },
      };
  }
}

function attributed(value: unknown): { observer: number; value: bigint }[] {
  return list(value, "observations", MAX_ORACLES).map((o, i) => attributedEntry(record(o, `observations[${i}]`), i));
}

/** Observation `i` of a list: its observer id and value, each checked. */
function attributedEntry(entry: Wire, i: number): { observer: number; value: bigint } {
  return { observer: integer(entry.observer, `observations[${i}].observer`, 0, MAX_ORACLES - 1), value: observationValue(entry.value, `observations[${i}].value`) };
}

export function record(value: unknown, what: string): Wire {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new MessageDecodeError(`${what} must be an object`);
  return value as Wire;
}

export function list(value: unknown, what: string, max: number): unknown[] {
  if (!Array.isArray(value)) throw new MessageDecodeError(`${what} must be a list`);
  if (value.length > max) throw new MessageDecodeError(`${what} has ${value.length} entries, more than ${max}`);
  return value;
}

export function integer(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new MessageDecodeError(`${what} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function observationValue(value: unknown, what: string): bigint {
  // At most 58 digits and a sign: int192 needs 58 decimal digits, so longer text is never valid.
  if (typeof value !== "string" || !/^-?(0|[1-9][0-9]{0,57})$/.test(value)) throw new MessageDecodeError(`${what} must be a decimal integer string`);
  const parsed = BigInt(value);
  if (!isInt192(parsed)) throw new MessageDecodeError(`${what} does not fit in int192`);
  return parsed;
}

/** Between `min` and `max` bytes of 0x-hex. */
export function variableBytes(value: unknown, what: string, min: number, max: number): Uint8Array {
  if (typeof value !== "string" || !/^0x([0-9a-f]{2})*$/i.test(value)) throw new MessageDecodeError(`${what} must be 0x-hex bytes`);
  const length = (value.length - 2) / 2;
  if (length < min || length > max) throw new MessageDecodeError(min === max ? `${what} must be ${min} bytes, got ${length}` : `${what} must be ${min} to ${max} bytes, got ${length}`);
  return hexToBytes(value);
}

function bytes(value: unknown, what: string, length: number): Uint8Array {
  if (typeof value !== "string" || value.length !== 2 + 2 * length || !/^0x[0-9a-f]*$/i.test(value)) {
    throw new MessageDecodeError(`${what} must be ${length} bytes of 0x-hex`);
  }
  return hexToBytes(value);
}

/**
 * `inner` with every message sent through the byte codec, as a transport between processes
 * sends it: receivers get a decoded copy, never the sender's object. A message the codec
 * refuses is dropped and reported to `onDropped`.
 */
export function throughCodec<M extends AnyProtocolMessage>(inner: Endpoint<M>, onDropped: (reason: string) => void): Endpoint<M> {
  const overTheWire = (message: M): M | null => {
    try {
      return decodeMessage(encodeMessage(message)) as M;
    } catch (error) {
      onDropped(error instanceof Error ? error.message : String(error));
      return null;
    }
  };
  return {
    size: inner.size,
    send: (to, message) => {
      const copy = overTheWire(message);
      if (copy !== null) inner.send(to, copy);
    },
    broadcast: (message) => {
      // One decoded copy per recipient, as each would decode its own bytes.
      for (let to = 0; to < inner.size; to++) {
        const copy = overTheWire(message);
        if (copy !== null) inner.send(to, copy);
      }
    },
    receive: (handler) => inner.receive(handler),
    close: () => inner.close(),
  };
}
