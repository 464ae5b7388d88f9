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

import { type MessageInit, fieldsOf, protoFile, wrapperMessage } from "./proto-descriptors.js";

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

/** The wrapper's oneof members by their runtime (camelCase) name. */
interface Ocr2WrappedMessages {
  messageNewEpoch: Ocr2WireNewEpoch;
  messageObserveReq: Ocr2WireObserveReq;
  messageObserve: Ocr2WireObserve;
  messageReportReq: Ocr2WireReportReq;
  messageReport: Ocr2WireReport;
  messageFinal: Ocr2WireFinal;
  messageFinalEcho: Ocr2WireFinalEcho;
}

/** The `msg` oneof of MessageWrapper: one of the seven messages, or none. */
export type Ocr2WireMessageCase = { [K in keyof Ocr2WrappedMessages]: { case: K; value: Ocr2WrappedMessages[K] } }[keyof Ocr2WrappedMessages] | { case: undefined; value?: undefined };

export interface Ocr2WireMessageWrapper extends Typed<"MessageWrapper"> { msg: Ocr2WireMessageCase }

const { uint64, uint32, bool, bytes, message, repeatedMessage } = fieldsOf(OCR2_PROTO_PACKAGE);

const MESSAGES: MessageInit[] = [
  wrapperMessage(
    OCR2_PROTO_PACKAGE,
    [
      ["message_new_epoch", "MessageNewEpoch"],
      ["message_observe_req", "MessageObserveReq"],
      ["message_observe", "MessageObserve"],
      ["message_report_req", "MessageReportReq"],
      ["message_report", "MessageReport"],
      ["message_final", "MessageFinal"],
      ["message_final_echo", "MessageFinalEcho"],
    ],
    2,
  ),
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

/** The schema as a FileDescriptorProto. */
export const OCR2_FILE_DESCRIPTOR = file.descriptor;

/**
 * The wrapper's schema: all a codec needs, since @bufbuild/protobuf builds the nested messages
 * from plain objects of the shapes above.
 */
export const Ocr2MessageWrapperSchema = file.schema<Ocr2WireMessageWrapper>("MessageWrapper");
