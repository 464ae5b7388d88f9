/**
 * The OCR2 wire schema as protobuf descriptors (built as OCR1's is, see proto-descriptors.ts).
 * Package, message names, field names (snake_case, as libocr's offchainreporting2 messages spell
 * them; the runtime objects use their camelCase forms) and field numbers follow libocr's OCR2 serialization as far as it is known to this
 * project; where a number is not known the choice is ours and says so below. In .proto form:
 *
 *   syntax = "proto3";
 *   package offchainreporting2;
 *
 *   message MessageWrapper {
 *     oneof msg {                                // no field 1, as in OCR1
 *       MessageNewEpoch   message_new_epoch   = 2;
 *       MessageObserveReq message_observe_req = 3;
 *       MessageObserve    message_observe     = 4;
 *       MessageReportReq  message_report_req  = 5;
 *       MessageReport     message_report      = 6;
 *       MessageFinal      message_final       = 7;
 *       MessageFinalEcho  message_final_echo  = 8;
 *     }
 *   }
 *   message MessageNewEpoch   { uint64 epoch = 1; }
 *   message MessageObserveReq { uint64 epoch = 1; uint32 round = 2; bytes query = 3; }
 *   message MessageObserve    { uint64 epoch = 1; uint32 round = 2; SignedObservation signed_observation = 3; }
 *   message MessageReportReq  { uint64 epoch = 1; uint32 round = 2; bytes query = 3;
 *                               repeated AttributedSignedObservation attributed_signed_observations = 4; }
 *   message MessageReport     { uint64 epoch = 1; uint32 round = 2; AttestedReportOne attested_report = 3; }
 *   message MessageFinal      { uint64 epoch = 1; uint32 round = 2; bytes h = 4;   // h: the extraHash
 *                               AttestedReportMany attested_report = 5; }        // 3 unused
 *   message MessageFinalEcho  { MessageFinal final = 1; }
 *   message SignedObservation { bytes observation = 1; bytes signature = 2; }    // 64-byte Ed25519
 *   message AttributedSignedObservation { SignedObservation signed_observation = 1; uint32 observer = 2; }
 *   message AttestedReportOne { bool skip = 3; bytes report = 4; bytes signature = 5; }  // 1-2 unused
 *   message AttestedReportMany { bytes report = 3; repeated AttributedSignature attributed_signatures = 4; }  // 1-2 unused
 *   message AttributedSignature { bytes signature = 1; uint32 signer = 2; }      // 65-byte r ‖ s ‖ v
 *
 * Known from libocr: the wrapper's oneof numbers, every message's field list and order, round as
 * uint32 (OCR1 used uint64), and the numbers given in the spec's message table. The gaps (final's
 * 3, the attested reports' 1 and 2) are where OCR1's fields were; they stay unused. The
 * wrapper's oneof member names are ours (the wire never carries names).
 */
import type { Message } from "@bufbuild/protobuf";

import { type MessageInit, fieldsOf, protoFile } from "./proto-descriptors.js";

/** The protobuf package of libocr's OCR2 messages. */
export const OCR2_PROTO_PACKAGE = "offchainreporting2";

type Typed<Name extends string> = Message<`offchainreporting2.${Name}`>;

export interface Ocr2WireSignedObservation extends Typed<"SignedObservation"> { observation: Uint8Array; signature: Uint8Array }
export interface Ocr2WireAttributedSignedObservation extends Typed<"AttributedSignedObservation"> { signedObservation?: Ocr2WireSignedObservation; observer: number }
export interface Ocr2WireAttestedReportOne extends Typed<"AttestedReportOne"> { skip: boolean; report: Uint8Array; signature: Uint8Array }
export interface Ocr2WireAttributedSignature extends Typed<"AttributedSignature"> { signature: Uint8Array; signer: number }
export interface Ocr2WireAttestedReportMany extends Typed<"AttestedReportMany"> { report: Uint8Array; attributedSignatures: Ocr2WireAttributedSignature[] }
export interface Ocr2WireNewEpoch extends Typed<"MessageNewEpoch"> { epoch: bigint }
export interface Ocr2WireObserveReq extends Typed<"MessageObserveReq"> { epoch: bigint; round: number; query: Uint8Array }
export interface Ocr2WireObserve extends Typed<"MessageObserve"> { epoch: bigint; round: number; signedObservation?: Ocr2WireSignedObservation }
export interface Ocr2WireReportReq extends Typed<"MessageReportReq"> {
  epoch: bigint;
  round: number;
  query: Uint8Array;
  attributedSignedObservations: Ocr2WireAttributedSignedObservation[];
}
export interface Ocr2WireReport extends Typed<"MessageReport"> { epoch: bigint; round: number; attestedReport?: Ocr2WireAttestedReportOne }
export interface Ocr2WireFinal extends Typed<"MessageFinal"> { epoch: bigint; round: number; h: Uint8Array; attestedReport?: Ocr2WireAttestedReportMany }
export interface Ocr2WireFinalEcho extends Typed<"MessageFinalEcho"> { final?: Ocr2WireFinal }

/** The `msg` oneof of MessageWrapper. */
export type Ocr2WireMessageCase =
  | { case: "messageNewEpoch"; value: Ocr2WireNewEpoch }
  | { case: "messageObserveReq"; value: Ocr2WireObserveReq }
  | { case: "messageObserve"; value: Ocr2WireObserve }
  | { case: "messageReportReq"; value: Ocr2WireReportReq }
  | { case: "messageReport"; value: Ocr2WireReport }
  | { case: "messageFinal"; value: Ocr2WireFinal }
  | { case: "messageFinalEcho"; value: Ocr2WireFinalEcho }
  | { case: undefined; value?: undefined };

export interface Ocr2WireMessageWrapper extends Typed<"MessageWrapper"> { msg: Ocr2WireMessageCase }

const { uint64, uint32, bool, bytes, message, repeatedMessage, oneofMessage } = fieldsOf(OCR2_PROTO_PACKAGE);

const MESSAGES: MessageInit[] = [
  {
    name: "MessageWrapper",
    field: [
      oneofMessage("message_new_epoch", 2, "MessageNewEpoch"),
      oneofMessage("message_observe_req", 3, "MessageObserveReq"),
      oneofMessage("message_observe", 4, "MessageObserve"),
      oneofMessage("message_report_req", 5, "MessageReportReq"),
      oneofMessage("message_report", 6, "MessageReport"),
      oneofMessage("message_final", 7, "MessageFinal"),
      oneofMessage("message_final_echo", 8, "MessageFinalEcho"),
    ],
    oneofDecl: [{ name: "msg" }],
  },
  { name: "MessageNewEpoch", field: [uint64("epoch", 1)] },
  { name: "MessageObserveReq", field: [uint64("epoch", 1), uint32("round", 2), bytes("query", 3)] },
  { name: "MessageObserve", field: [uint64("epoch", 1), uint32("round", 2), message("signed_observation", 3, "SignedObservation")] },
  {
    name: "MessageReportReq",
    field: [uint64("epoch", 1), uint32("round", 2), bytes("query", 3), repeatedMessage("attributed_signed_observations", 4, "AttributedSignedObservation")],
  },
  { name: "MessageReport", field: [uint64("epoch", 1), uint32("round", 2), message("attested_report", 3, "AttestedReportOne")] },
  { name: "MessageFinal", field: [uint64("epoch", 1), uint32("round", 2), bytes("h", 4), message("attested_report", 5, "AttestedReportMany")] },
  { name: "MessageFinalEcho", field: [message("final", 1, "MessageFinal")] },
  { name: "SignedObservation", field: [bytes("observation", 1), bytes("signature", 2)] },
  { name: "AttributedSignedObservation", field: [message("signed_observation", 1, "SignedObservation"), uint32("observer", 2)] },
  { name: "AttestedReportOne", field: [bool("skip", 3), bytes("report", 4), bytes("signature", 5)] },
  { name: "AttestedReportMany", field: [bytes("report", 3), repeatedMessage("attributed_signatures", 4, "AttributedSignature")] },
  { name: "AttributedSignature", field: [bytes("signature", 1), uint32("signer", 2)] },
];

const file = protoFile("offchainreporting2_messages.proto", OCR2_PROTO_PACKAGE, MESSAGES);
const schema = file.schema;

/** The schema as a FileDescriptorProto. */
export const OCR2_FILE_DESCRIPTOR = file.descriptor;

export const Ocr2MessageWrapperSchema = schema<Ocr2WireMessageWrapper>("MessageWrapper");
export const Ocr2MessageNewEpochSchema = schema<Ocr2WireNewEpoch>("MessageNewEpoch");
export const Ocr2MessageObserveReqSchema = schema<Ocr2WireObserveReq>("MessageObserveReq");
export const Ocr2MessageObserveSchema = schema<Ocr2WireObserve>("MessageObserve");
export const Ocr2MessageReportReqSchema = schema<Ocr2WireReportReq>("MessageReportReq");
export const Ocr2MessageReportSchema = schema<Ocr2WireReport>("MessageReport");
export const Ocr2MessageFinalSchema = schema<Ocr2WireFinal>("MessageFinal");
export const Ocr2MessageFinalEchoSchema = schema<Ocr2WireFinalEcho>("MessageFinalEcho");
export const Ocr2SignedObservationSchema = schema<Ocr2WireSignedObservation>("SignedObservation");
export const Ocr2AttributedSignedObservationSchema = schema<Ocr2WireAttributedSignedObservation>("AttributedSignedObservation");
export const Ocr2AttestedReportOneSchema = schema<Ocr2WireAttestedReportOne>("AttestedReportOne");
export const Ocr2AttestedReportManySchema = schema<Ocr2WireAttestedReportMany>("AttestedReportMany");
export const Ocr2AttributedSignatureSchema = schema<Ocr2WireAttributedSignature>("AttributedSignature");
