/**
 * Protocol messages as libocr's OCR1 protobuf bytes: one `MessageWrapper` per message, with the
 * field numbers of `ocr1-wire-schema.ts`. Encoding and decoding are @bufbuild/protobuf's; this
 * module maps between the engine's message objects and the wire shapes, and checks every
 * decoded field so that a role only ever sees a well-formed message. Signatures are not checked
 * here; the receiving role checks them, as it does for in-process messages.
 *
 * How the mapping relates to libocr's own (de)serialization:
 * - Observer ids are the oracle's index in the config, carried in the `observer` uint32 fields,
 *   as in libocr. We refuse an observer of 31 or more (libocr leaves that to the roles).
 * - An observation's value is the 24-byte big-endian two's-complement int192 libocr uses; any
 *   other length is refused, as libocr's observation unmarshalling does.
 * - Signatures travel as raw bytes: 64-byte Ed25519 over an observation, 65-byte r ‖ s ‖ v
 *   (v ∈ {0, 1}) over a report. libocr accepts any length at this layer and lets the signature
 *   check fail later; we refuse a wrong length here, with a reason.
 * - Epoch and round are uint64 on the wire. libocr silently narrows them to uint32 and uint8 on
 *   decode; we refuse a value that does not fit instead, since a silently changed epoch or round
 *   is a different message.
 * - A final-echo is a MessageFinalEcho wrapping a whole MessageFinal, as in libocr; the engine's
 *   final-echo object carries the same three fields directly.
 * - Fields this schema does not know are skipped, as any proto3 reader does, so a sender with a
 *   newer schema can still be understood. A wrapper with no known message set is refused.
 * - Size: libocr's OCR transport refuses payloads over 10,000 bytes; so does this codec.
 */
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";

import { bytesToIntBE } from "../core/bytes.js";
import { OBSERVATION_BYTES, OBSERVATION_SIGNATURE_BYTES, encodeObservationValue } from "../core/observation.js";
import { type AttributedObservation, MAX_ORACLES } from "../core/report.js";
import { MessageDecodeError } from "../protocol/codec.js";
import type { AttestedReportMany, AttributedSignedObservation, ProtocolMessage, SignedObservation } from "../protocol/messages.js";
import {
  AttestedReportManySchema,
  AttestedReportOneSchema,
  AttributedObservationSchema,
  AttributedSignedObservationSchema,
  MessageFinalEchoSchema,
  MessageFinalSchema,
  MessageNewEpochSchema,
  MessageObserveReqSchema,
  MessageObserveSchema,
  MessageReportReqSchema,
  MessageReportSchema,
  MessageWrapperSchema,
  ObservationSchema,
  SignedObservationSchema,
  type WireAttestedReportMany,
  type WireAttributedObservation,
  type WireFinal,
  type WireMessageCase,
  type WireObservation,
  type WireSignedObservation,
} from "./ocr1-wire-schema.js";
import { boundedList, bytesOfLength, epochOf, oracleIndexOf, roundOf } from "./wire-checks.js";

export { MessageDecodeError } from "../protocol/codec.js";

/** libocr's cap on one OCR1 message (MaxOCRMsgLength). A (31,10) final-echo is about 1.8 KB. */
export const MAX_WIRE_MESSAGE_BYTES = 10_000;
/** secp256k1 r ‖ s ‖ v over a report. */
const REPORT_SIGNATURE_BYTES = 65;

// -----------------------------------------------------------------------------------------
// Encoding

export function encodeWireMessage(message: ProtocolMessage): Uint8Array {
  return toBinary(MessageWrapperSchema, create(MessageWrapperSchema, { msg: wireCase(message) }));
}

function wireCase(message: ProtocolMessage): WireMessageCase {
  const epoch = BigInt(message.epoch);
  switch (message.type) {
    case "newepoch":
      return { case: "messageNewEpoch", value: create(MessageNewEpochSchema, { epoch }) };
    case "observe-req":
      return { case: "messageObserveReq", value: create(MessageObserveReqSchema, { epoch, round: BigInt(message.round) }) };
    case "observe":
      return {
        case: "messageObserve",
        value: create(MessageObserveSchema, { epoch, round: BigInt(message.round), signedObservation: signedObservationToWire(message.observation) }),
      };
    case "report-req":
      return {
        case: "messageReportReq",
        value: create(MessageReportReqSchema, {
          epoch,
          round: BigInt(message.round),
          attributedSignedObservations: message.observations.map((o) =>
            create(AttributedSignedObservationSchema, { signedObservation: signedObservationToWire(o), observer: o.observer }),
          ),
        }),
      };
    case "report":
      return {
        case: "messageReport",
        value: create(MessageReportSchema, {
          epoch,
          round: BigInt(message.round),
          report: create(AttestedReportOneSchema, {
            attributedObservations: message.report.observations.map(attributedObservationToWire),
            signature: message.report.signature,
          }),
        }),
      };
    case "final":
      return { case: "messageFinal", value: finalToWire(epoch, message.round, message.report) };
    case "final-echo":
      return { case: "messageFinalEcho", value: create(MessageFinalEchoSchema, { final: finalToWire(epoch, message.round, message.report) }) };
  }
}

function observationToWire(value: bigint): WireObservation {
  return create(ObservationSchema, { value: encodeObservationValue(value) });
}

function signedObservationToWire(o: SignedObservation): WireSignedObservation {
  return create(SignedObservationSchema, { observation: observationToWire(o.value), signature: o.signature });
}

function attributedObservationToWire(o: AttributedObservation): WireAttributedObservation {
  return create(AttributedObservationSchema, { observation: observationToWire(o.value), observer: o.observer });
}

function finalToWire(epoch: bigint, round: number, report: AttestedReportMany): WireFinal {
  return create(MessageFinalSchema, {
    epoch,
    round: BigInt(round),
    report: create(AttestedReportManySchema, {
      attributedObservations: report.observations.map(attributedObservationToWire),
      signatures: [...report.signatures],
    }),
  });
}

// -----------------------------------------------------------------------------------------
// Decoding, one checked field at a time

/** The message `bytes` encode; throws MessageDecodeError naming the first problem. */
export function decodeWireMessage(bytes: Uint8Array): ProtocolMessage {
  if (bytes.length > MAX_WIRE_MESSAGE_BYTES) {
    throw new MessageDecodeError(`message of ${bytes.length} bytes exceeds the ${MAX_WIRE_MESSAGE_BYTES}-byte limit`);
  }
  let wrapper;
  try {
    // The depth limit is far above the schema's own nesting (five levels) and far below the
    // call stack's, so a deeply nested hostile message is refused cheaply.
    wrapper = fromBinary(MessageWrapperSchema, bytes, { readUnknownFields: false, recursionLimit: 16 });
  } catch (error) {
    throw new MessageDecodeError(`not a protobuf MessageWrapper: ${error instanceof Error ? error.message : String(error)}`);
  }
  const msg = wrapper.msg;
  switch (msg.case) {
    case undefined:
      throw new MessageDecodeError("MessageWrapper holds no known message (fields 2-8 are all absent)");
    case "messageNewEpoch":
      return { type: "newepoch", epoch: epochOf(msg.value.epoch) };
    case "messageObserveReq":
      return { type: "observe-req", epoch: epochOf(msg.value.epoch), round: roundOf(msg.value.round) };
    case "messageObserve":
      return {
        type: "observe",
        epoch: epochOf(msg.value.epoch),
        round: roundOf(msg.value.round),
        observation: signedObservationOf(msg.value.signedObservation, "signedObservation"),
      };
    case "messageReportReq": {
      const { epoch, round, attributedSignedObservations } = msg.value;
      return {
        type: "report-req",
        epoch: epochOf(epoch),
        round: roundOf(round),
        observations: boundedList(attributedSignedObservations, MAX_ORACLES, "attributedSignedObservations").map((o, i): AttributedSignedObservation => {
          const what = `attributedSignedObservations[${i}]`;
          return { observer: oracleIndexOf(o.observer, MAX_ORACLES, `${what}.observer`), ...signedObservationOf(o.signedObservation, `${what}.signedObservation`) };
        }),
      };
    }
    case "messageReport": {
      const { epoch, round, report } = msg.value;
      if (report === undefined) throw new MessageDecodeError("report is missing");
      return {
        type: "report",
        epoch: epochOf(epoch),
        round: roundOf(round),
        report: {
          observations: attributedObservationsOf(report.attributedObservations, "report.attributedObservations"),
          signature: bytesOfLength(report.signature, "report.signature", REPORT_SIGNATURE_BYTES),
        },
      };
    }
    case "messageFinal":
      return { type: "final", ...finalOf(msg.value, "") };
    case "messageFinalEcho":
      if (msg.value.final === undefined) throw new MessageDecodeError("final is missing");
      return { type: "final-echo", ...finalOf(msg.value.final, "final.") };
  }
}

function finalOf(final: WireFinal, prefix: string): { epoch: number; round: number; report: AttestedReportMany } {
  const report: WireAttestedReportMany | undefined = final.report;
  if (report === undefined) throw new MessageDecodeError(`${prefix}report is missing`);
  return {
    epoch: epochOf(final.epoch, `${prefix}epoch`),
    round: roundOf(final.round, `${prefix}round`),
    report: {
      observations: attributedObservationsOf(report.attributedObservations, `${prefix}report.attributedObservations`),
      signatures: boundedList(report.signatures, MAX_ORACLES, `${prefix}report.signatures`).map((s, i) => bytesOfLength(s, `${prefix}report.signatures[${i}]`, REPORT_SIGNATURE_BYTES)),
    },
  };
}

function observationValueOf(observation: WireObservation | undefined, what: string): bigint {
  if (observation === undefined) throw new MessageDecodeError(`${what} is missing`);
  // Every 24-byte string is an int192, so the length check is the whole range check.
  return bytesToIntBE(bytesOfLength(observation.value, `${what}.value`, OBSERVATION_BYTES));
}

function signedObservationOf(signed: WireSignedObservation | undefined, what: string): SignedObservation {
  if (signed === undefined) throw new MessageDecodeError(`${what} is missing`);
  return {
    value: observationValueOf(signed.observation, `${what}.observation`),
    signature: bytesOfLength(signed.signature, `${what}.signature`, OBSERVATION_SIGNATURE_BYTES),
  };
}

function attributedObservationsOf(items: readonly WireAttributedObservation[], what: string): AttributedObservation[] {
  return boundedList(items, MAX_ORACLES, what).map((o, i) => ({
    observer: oracleIndexOf(o.observer, MAX_ORACLES, `${what}[${i}].observer`),
    value: observationValueOf(o.observation, `${what}[${i}].observation`),
  }));
}
