/**
 * OCR2 messages as protobuf bytes: one `offchainreporting2.MessageWrapper` per message, with the
 * field numbers of `ocr2-wire-schema.ts`. The counterpart of OCR1's protobuf-codec.ts, with the
 * same rules: every decoded field is checked so a role only ever sees a well-formed message, and
 * signatures are left to the receiving role, which checks them as it does in process.
 *
 * Field checks, against the median plugin's limits at the largest committee (n = 31):
 * - epoch fits in uint32 and round in uint8; libocr narrows silently, we refuse (a silently
 *   changed epoch or round is a different message);
 * - query at most 0 bytes, an observation at most 92, a report at most 160 + 32·31 bytes;
 * - observation signatures are 64 bytes (Ed25519), report signatures 65 (r ‖ s ‖ v), extraHash
 *   (`h`) 32; a skip carries an empty report and signature;
 * - observer and signer ids are below 31, and no list has more than 31 entries (libocr bounds
 *   both lists by n before parsing);
 * - the frame itself is at most OCR2_MAX_WIRE_MESSAGE_BYTES: libocr's per-message limit for the
 *   largest message (a report-req: n·(maxObservation + 64) + 256), plus the protobuf tags and
 *   lengths of n entries.
 * Unknown fields are skipped, as any proto3 reader does; a wrapper with no known message is refused.
 */
import { type MessageInitShape, create, fromBinary, toBinary } from "@bufbuild/protobuf";

import { MEDIAN_MAX_OBSERVATION_BYTES } from "../core/ocr2/median-codec.js";
import { OCR2_MAX_ORACLES } from "../core/ocr2/report.js";
import { MessageDecodeError } from "../protocol/codec.js";
import { OCR2_MAX_REPORT_REQ_BYTES } from "../protocol/ocr2/codec.js";
import { MEDIAN_QUERY, medianMaxReportLength } from "../protocol/ocr2/median-plugin.js";
import type { Ocr2AttestedReportMany, Ocr2FinalMessage, Ocr2SignedObservation, Ocr2WireMessage } from "../protocol/ocr2/messages.js";
import { Ocr2MessageWrapperSchema, type Ocr2WireFinal, type Ocr2WireSignedObservation } from "./ocr2-wire-schema.js";
import { boundedList, bytesOfLength, epochOf, oracleIndexOf, roundOf } from "./wire-checks.js";

/** Tags and lengths of one attributed signed observation in a report-req, rounded up. */
const PROTOBUF_BYTES_PER_ENTRY = 16;
/** The largest OCR2 frame this codec accepts (5,588 bytes). */
export const OCR2_MAX_WIRE_MESSAGE_BYTES = OCR2_MAX_REPORT_REQ_BYTES + OCR2_MAX_ORACLES * PROTOBUF_BYTES_PER_ENTRY;

const MAX_QUERY = MEDIAN_QUERY.length;
const MAX_REPORT = medianMaxReportLength(OCR2_MAX_ORACLES);
const OBSERVATION_SIGNATURE_BYTES = 64;
const REPORT_SIGNATURE_BYTES = 65;
const EXTRA_HASH_BYTES = 32;

// -----------------------------------------------------------------------------------------
// Encoding

export function encodeOcr2WireMessage(message: Ocr2WireMessage): Uint8Array {
  return toBinary(Ocr2MessageWrapperSchema, create(Ocr2MessageWrapperSchema, { msg: wireCase(message) }));
}

/** The wrapper's oneof as plain objects (create() builds the nested messages). */
function wireCase(message: Ocr2WireMessage): MessageInitShape<typeof Ocr2MessageWrapperSchema>["msg"] {
  if (message.type === "final-echo") return { case: "messageFinalEcho", value: { final: finalToWire(message.final) } };
  const epoch = BigInt(message.epoch);
  const round = "round" in message ? message.round : 0;
  switch (message.type) {
    case "newepoch":
      return { case: "messageNewEpoch", value: { epoch } };
    case "observe-req":
      return { case: "messageObserveReq", value: { epoch, round, query: message.query } };
    case "observe":
      return { case: "messageObserve", value: { epoch, round, signedObservation: message.signedObservation } };
    case "report-req":
      return { case: "messageReportReq", value: { epoch, round, query: message.query, attributedSignedObservations: [...message.attributedSignedObservations] } };
    case "report":
      return { case: "messageReport", value: { epoch, round, attestedReport: message.attestedReport } };
    case "final":
      return { case: "messageFinal", value: finalToWire(message) };
  }
}

function finalToWire(final: Ocr2FinalMessage) {
  const { report, attributedSignatures } = final.attestedReport;
  return { epoch: BigInt(final.epoch), round: final.round, h: final.extraHash, attestedReport: { report, attributedSignatures: [...attributedSignatures] } };
}

// -----------------------------------------------------------------------------------------
// Decoding, one checked field at a time

/** The OCR2 message `bytes` encode (tagged `protocol: "ocr2"`); throws MessageDecodeError naming the first problem. */
export function decodeOcr2WireMessage(bytes: Uint8Array): Ocr2WireMessage {
  if (bytes.length > OCR2_MAX_WIRE_MESSAGE_BYTES) {
    throw new MessageDecodeError(`message of ${bytes.length} bytes exceeds the ${OCR2_MAX_WIRE_MESSAGE_BYTES}-byte OCR2 limit`);
  }
  let wrapper;
  try {
    // The schema nests five levels (wrapper, final-echo, final, report, signature).
    wrapper = fromBinary(Ocr2MessageWrapperSchema, bytes, { readUnknownFields: false, recursionLimit: 16 });
  } catch (error) {
    throw new MessageDecodeError(`not a protobuf offchainreporting2.MessageWrapper: ${error instanceof Error ? error.message : String(error)}`);
  }
  const msg = wrapper.msg;
  const protocol = "ocr2" as const;
  switch (msg.case) {
    case undefined:
      throw new MessageDecodeError("MessageWrapper holds no known message (fields 2-8 are all absent)");
    case "messageNewEpoch":
      return { protocol, type: "newepoch", epoch: epochOf(msg.value.epoch) };
    case "messageObserveReq":
      return { protocol, type: "observe-req", epoch: epochOf(msg.value.epoch), round: roundOf(msg.value.round), query: bytesOfLength(msg.value.query, "query", 0, MAX_QUERY) };
    case "messageObserve":
      return {
        protocol,
        type: "observe",
        epoch: epochOf(msg.value.epoch),
        round: roundOf(msg.value.round),
        signedObservation: signedObservationOf(msg.value.signedObservation, "signed_observation"),
      };
    case "messageReportReq": {
      const { epoch, round, query, attributedSignedObservations } = msg.value;
      return {
        protocol,
        type: "report-req",
        epoch: epochOf(epoch),
        round: roundOf(round),
        query: bytesOfLength(query, "query", 0, MAX_QUERY),
        attributedSignedObservations: boundedList(attributedSignedObservations, OCR2_MAX_ORACLES, "attributed_signed_observations").map((o, i) => {
          const what = `attributed_signed_observations[${i}]`;
          return { observer: oracleIndexOf(o.observer, OCR2_MAX_ORACLES, `${what}.observer`), signedObservation: signedObservationOf(o.signedObservation, `${what}.signed_observation`) };
        }),
      };
    }
    case "messageReport": {
      const { epoch, round, attestedReport } = msg.value;
      if (attestedReport === undefined) throw new MessageDecodeError("attested_report is missing");
      const { skip } = attestedReport;
      const report = bytesOfLength(attestedReport.report, "attested_report.report", 0, skip ? 0 : MAX_REPORT);
      const signatureBytes = skip ? 0 : REPORT_SIGNATURE_BYTES;
      const signature = bytesOfLength(attestedReport.signature, "attested_report.signature", signatureBytes, signatureBytes);
      return { protocol, type: "report", epoch: epochOf(epoch), round: roundOf(round), attestedReport: { skip, report, signature } };
    }
    case "messageFinal":
      return { protocol, ...finalOf(msg.value, "") };
    case "messageFinalEcho":
      if (msg.value.final === undefined) throw new MessageDecodeError("final is missing");
      return { protocol, type: "final-echo", final: finalOf(msg.value.final, "final.") };
  }
}

function finalOf(final: Ocr2WireFinal, prefix: string): Ocr2FinalMessage {
  const attested = final.attestedReport;
  if (attested === undefined) throw new MessageDecodeError(`${prefix}attested_report is missing`);
  const attributedSignatures: Ocr2AttestedReportMany["attributedSignatures"] = boundedList(attested.attributedSignatures, OCR2_MAX_ORACLES, `${prefix}attested_report.attributed_signatures`).map((s, i) => {
    const what = `${prefix}attested_report.attributed_signatures[${i}]`;
    return { signature: bytesOfLength(s.signature, `${what}.signature`, REPORT_SIGNATURE_BYTES), signer: oracleIndexOf(s.signer, OCR2_MAX_ORACLES, `${what}.signer`) };
  });
  return {
    type: "final",
    epoch: epochOf(final.epoch, `${prefix}epoch`),
    round: roundOf(final.round, `${prefix}round`),
    extraHash: bytesOfLength(final.h, `${prefix}h`, EXTRA_HASH_BYTES),
    attestedReport: { report: bytesOfLength(attested.report, `${prefix}attested_report.report`, 0, MAX_REPORT), attributedSignatures },
  };
}

function signedObservationOf(signed: Ocr2WireSignedObservation | undefined, what: string): Ocr2SignedObservation {
  if (signed === undefined) throw new MessageDecodeError(`${what} is missing`);
  return {
    observation: bytesOfLength(signed.observation, `${what}.observation`, 0, MEDIAN_MAX_OBSERVATION_BYTES),
    signature: bytesOfLength(signed.signature, `${what}.signature`, OBSERVATION_SIGNATURE_BYTES),
  };
}
