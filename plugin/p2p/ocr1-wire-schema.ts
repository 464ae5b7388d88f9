/**
 * The OCR1 wire schema as protobuf descriptors, built at load time with @bufbuild/protobuf's
 * runtime API (no code generator, no .proto file to compile). Package, message names, field
 * names and field numbers follow the schema libocr's OCR1 nodes serialize with
 * (`offchainreporting` package, proto3), so the bytes this produces are the bytes such a node
 * would produce for the same message. Field names are kept as libocr spells them (camelCase),
 * so a descriptor dump compares one-to-one.
 *
 * Note the one irregular message: MessageObserveReq numbers `round` 1 and `epoch` 2, the reverse
 * of every other message. That is libocr's numbering and is kept on purpose.
 */
import type { Message } from "@bufbuild/protobuf";

import { type MessageInit, fieldsOf, protoFile, wrapperMessage } from "./proto-descriptors.js";

/** The protobuf package of libocr's OCR1 messages. */
export const OCR1_PROTO_PACKAGE = "offchainreporting";

// -----------------------------------------------------------------------------------------
// Runtime shapes (what @bufbuild/protobuf's code generator would declare for the schema)

type Typed<Name extends string> = Message<`offchainreporting.${Name}`>;

export type WireObservation = Typed<"Observation"> & { value: Uint8Array };
export type WireSignedObservation = Typed<"SignedObservation"> & { observation?: WireObservation; signature: Uint8Array };
export type WireAttributedSignedObservation = Typed<"AttributedSignedObservation"> & {
  signedObservation?: WireSignedObservation;
  observer: number;
};
export type WireAttributedObservation = Typed<"AttributedObservation"> & { observation?: WireObservation; observer: number };
export type WireAttestedReportOne = Typed<"AttestedReportOne"> & { attributedObservations: WireAttributedObservation[]; signature: Uint8Array };
export type WireAttestedReportMany = Typed<"AttestedReportMany"> & { attributedObservations: WireAttributedObservation[]; signatures: Uint8Array[] };
export type WireNewEpoch = Typed<"MessageNewEpoch"> & { epoch: bigint };
export type WireObserveReq = Typed<"MessageObserveReq"> & { round: bigint; epoch: bigint };
export type WireObserve = Typed<"MessageObserve"> & { epoch: bigint; round: bigint; signedObservation?: WireSignedObservation };
export type WireReportReq = Typed<"MessageReportReq"> & {
  epoch: bigint;
  round: bigint;
  attributedSignedObservations: WireAttributedSignedObservation[];
};
export type WireReport = Typed<"MessageReport"> & { epoch: bigint; round: bigint; report?: WireAttestedReportOne };
export type WireFinal = Typed<"MessageFinal"> & { epoch: bigint; round: bigint; report?: WireAttestedReportMany };
export type WireFinalEcho = Typed<"MessageFinalEcho"> & { final?: WireFinal };

/** The `msg` oneof of MessageWrapper: exactly one of the seven protocol messages, or none. */
export type WireMessageCase =
  | { case: "messageNewEpoch"; value: WireNewEpoch }
  | { case: "messageObserveReq"; value: WireObserveReq }
  | { case: "messageObserve"; value: WireObserve }
  | { case: "messageReportReq"; value: WireReportReq }
  | { case: "messageReport"; value: WireReport }
  | { case: "messageFinal"; value: WireFinal }
  | { case: "messageFinalEcho"; value: WireFinalEcho }
  | { case: undefined; value?: undefined };

export type WireMessageWrapper = Typed<"MessageWrapper"> & { msg: WireMessageCase };

// -----------------------------------------------------------------------------------------
// Descriptors

const { uint64, uint32, bytes, repeatedBytes, message, repeatedMessage } = fieldsOf(OCR1_PROTO_PACKAGE);

/** In libocr's declaration order, so descriptor indices match theirs. */
const MESSAGES: MessageInit[] = [
  { name: "MessageNewEpoch", field: [uint64("epoch", 1)] },
  { name: "MessageObserveReq", field: [uint64("round", 1), uint64("epoch", 2)] },
  { name: "Observation", field: [bytes("value", 1)] },
  { name: "SignedObservation", field: [message("observation", 1, "Observation"), bytes("signature", 2)] },
  { name: "AttributedSignedObservation", field: [message("signedObservation", 1, "SignedObservation"), uint32("observer", 2)] },
  { name: "MessageObserve", field: [uint64("epoch", 1), uint64("round", 2), message("signedObservation", 3, "SignedObservation")] },
  {
    name: "MessageReportReq",
    field: [uint64("epoch", 1), uint64("round", 2), repeatedMessage("attributedSignedObservations", 3, "AttributedSignedObservation")],
  },
  { name: "AttributedObservation", field: [message("observation", 1, "Observation"), uint32("observer", 2)] },
  { name: "AttestedReportOne", field: [repeatedMessage("attributedObservations", 1, "AttributedObservation"), bytes("signature", 2)] },
  { name: "MessageReport", field: [uint64("epoch", 1), uint64("round", 2), message("report", 3, "AttestedReportOne")] },
  { name: "AttestedReportMany", field: [repeatedMessage("attributedObservations", 1, "AttributedObservation"), repeatedBytes("signatures", 2)] },
  { name: "MessageFinal", field: [uint64("epoch", 1), uint64("round", 2), message("report", 3, "AttestedReportMany")] },
  { name: "MessageFinalEcho", field: [message("final", 1, "MessageFinal")] },
  // There is no field 1 in libocr's wrapper; the oneof starts at 2.
  wrapperMessage(
    OCR1_PROTO_PACKAGE,
    [
      ["messageNewEpoch", "MessageNewEpoch"],
      ["messageObserveReq", "MessageObserveReq"],
      ["messageObserve", "MessageObserve"],
      ["messageReportReq", "MessageReportReq"],
      ["messageReport", "MessageReport"],
      ["messageFinal", "MessageFinal"],
      ["messageFinalEcho", "MessageFinalEcho"],
    ],
    2,
  ),
];

const file = protoFile("cl_offchainreporting_messages.proto", OCR1_PROTO_PACKAGE, MESSAGES);
const schema = file.schema;

/** The schema as a FileDescriptorProto, the form protoc hands to code generators. */
export const OCR1_FILE_DESCRIPTOR = file.descriptor;

export const MessageWrapperSchema = schema<WireMessageWrapper>("MessageWrapper");
export const MessageNewEpochSchema = schema<WireNewEpoch>("MessageNewEpoch");
export const MessageObserveReqSchema = schema<WireObserveReq>("MessageObserveReq");
export const MessageObserveSchema = schema<WireObserve>("MessageObserve");
export const MessageReportReqSchema = schema<WireReportReq>("MessageReportReq");
export const MessageReportSchema = schema<WireReport>("MessageReport");
export const MessageFinalSchema = schema<WireFinal>("MessageFinal");
export const MessageFinalEchoSchema = schema<WireFinalEcho>("MessageFinalEcho");
export const ObservationSchema = schema<WireObservation>("Observation");
export const SignedObservationSchema = schema<WireSignedObservation>("SignedObservation");
export const AttributedSignedObservationSchema = schema<WireAttributedSignedObservation>("AttributedSignedObservation");
export const AttributedObservationSchema = schema<WireAttributedObservation>("AttributedObservation");
export const AttestedReportOneSchema = schema<WireAttestedReportOne>("AttestedReportOne");
export const AttestedReportManySchema = schema<WireAttestedReportMany>("AttestedReportMany");
