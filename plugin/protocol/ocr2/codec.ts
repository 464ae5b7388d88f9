/**
 * OCR2's messages as bytes, beside OCR1's ../codec.ts and in the same JSON style (integers as
 * numbers, bytes as 0x-hex), with `protocol: "ocr2"` on every message so neither decoder ever
 * accepts the other's. Every bytes field is checked against the median plugin's limits
 * (query 0, observation 92, report 160 + 32n bytes) and each message against the size rule of
 * libocr's limits (ocr2-spec §3.1), taken at the largest committee, n = 31.
 */
import { bytesToHex } from "../../core/bytes.js";
import { MEDIAN_MAX_OBSERVATION_BYTES } from "../../core/ocr2/median-codec.js";
import { OCR2_MAX_ORACLES } from "../../core/ocr2/report.js";
import { MessageDecodeError, type Wire, integer, list, record, variableBytes } from "../codec.js";
import { MEDIAN_QUERY, medianMaxReportLength } from "./median-plugin.js";
import type { Ocr2AttestedReportMany, Ocr2FinalMessage, Ocr2WireMessage } from "./messages.js";

const MAX_QUERY = MEDIAN_QUERY.length;
const MAX_OBSERVATION = MEDIAN_MAX_OBSERVATION_BYTES;
const MAX_REPORT = medianMaxReportLength(OCR2_MAX_ORACLES);
const OBSERVATION_SIGNATURE_BYTES = 64;
const REPORT_SIGNATURE_BYTES = 65;
/** What a message may carry besides its plugin payloads. */
const MESSAGE_OVERHEAD = 256;
/** The largest report-req and final (ocr2-spec §3.1); other messages are bounded by their fields. */
export const OCR2_MAX_REPORT_REQ_BYTES = OCR2_MAX_ORACLES * (MAX_OBSERVATION + OBSERVATION_SIGNATURE_BYTES) + MESSAGE_OVERHEAD;
export const OCR2_MAX_FINAL_BYTES = MAX_REPORT + OCR2_MAX_ORACLES * REPORT_SIGNATURE_BYTES + MESSAGE_OVERHEAD;
const MAX_EPOCH = 0xffff_ffff;
const MAX_ROUND = 0xff;
const TYPES = ["newepoch", "observe-req", "observe", "report-req", "report", "final", "final-echo"] as const;

export function ocr2ToWire(message: Ocr2WireMessage): Wire {
  const tag = { protocol: "ocr2", type: message.type };
  switch (message.type) {
    case "newepoch":
      return { ...tag, epoch: message.epoch };
    case "observe-req":
      return { ...tag, epoch: message.epoch, round: message.round, query: bytesToHex(message.query) };
    case "observe": {
      const { observation, signature } = message.signedObservation;
      return { ...tag, epoch: message.epoch, round: message.round, observation: bytesToHex(observation), signature: bytesToHex(signature) };
    }
    case "report-req":
      return {
        ...tag,
        epoch: message.epoch,
        round: message.round,
        query: bytesToHex(message.query),
        observations: message.attributedSignedObservations.map(({ observer, signedObservation: s }) => ({ observer, observation: bytesToHex(s.observation), signature: bytesToHex(s.signature) })),
      };
    case "report": {
      const { skip, report, signature } = message.attestedReport;
      return { ...tag, epoch: message.epoch, round: message.round, skip, report: bytesToHex(report), signature: bytesToHex(signature) };
    }
    case "final":
      return { ...tag, ...finalToWire(message) };
    case "final-echo":
      return { ...tag, final: finalToWire(message.final) };
  }
}

function finalToWire(final: Ocr2FinalMessage): Wire {
  const { report, attributedSignatures } = final.attestedReport;
  return {
    epoch: final.epoch,
    round: final.round,
    extraHash: bytesToHex(final.extraHash),
    report: bytesToHex(report),
    signatures: attributedSignatures.map(({ signer, signature }) => ({ signer, signature: bytesToHex(signature) })),
  };
}

/** The OCR2 message `wire` holds (already known to carry protocol "ocr2"); throws MessageDecodeError. */
export function ocr2FromWire(m: Wire): Ocr2WireMessage {
  const type = m.type;
  if (typeof type !== "string" || !(TYPES as readonly string[]).includes(type)) throw new MessageDecodeError(`unknown OCR2 message type ${JSON.stringify(type)}`);
  if (type === "final-echo") return { protocol: "ocr2", type, final: finalFromWire(record(m.final, "final")) };
  if (type === "final") return { protocol: "ocr2", ...finalFromWire(m) };
  const epoch = integer(m.epoch, "epoch", 0, MAX_EPOCH);
  if (type === "newepoch") return { protocol: "ocr2", type, epoch };
  const round = integer(m.round, "round", 0, MAX_ROUND);
  switch (type as "observe-req" | "observe" | "report-req" | "report") {
    case "observe-req":
      return { protocol: "ocr2", type: "observe-req", epoch, round, query: variableBytes(m.query, "query", 0, MAX_QUERY) };
    case "observe":
      return {
        protocol: "ocr2",
        type: "observe",
        epoch,
        round,
        signedObservation: {
          observation: variableBytes(m.observation, "observation", 0, MAX_OBSERVATION),
          signature: variableBytes(m.signature, "signature", OBSERVATION_SIGNATURE_BYTES, OBSERVATION_SIGNATURE_BYTES),
        },
      };
    case "report-req": {
      const query = variableBytes(m.query, "query", 0, MAX_QUERY);
      let size = query.length;
      const attributedSignedObservations = list(m.observations, "observations", OCR2_MAX_ORACLES).map((o, i) => {
        const entry = record(o, `observations[${i}]`);
        const observation = variableBytes(entry.observation, `observations[${i}].observation`, 0, MAX_OBSERVATION);
        const signature = variableBytes(entry.signature, `observations[${i}].signature`, OBSERVATION_SIGNATURE_BYTES, OBSERVATION_SIGNATURE_BYTES);
        size += observation.length + signature.length + 1;
        return { observer: integer(entry.observer, `observations[${i}].observer`, 0, OCR2_MAX_ORACLES - 1), signedObservation: { observation, signature } };
      });
      if (size > OCR2_MAX_REPORT_REQ_BYTES) throw new MessageDecodeError(`report-req carries ${size} bytes, more than ${OCR2_MAX_REPORT_REQ_BYTES}`);
      return { protocol: "ocr2", type: "report-req", epoch, round, query, attributedSignedObservations };
    }
    case "report": {
      if (typeof m.skip !== "boolean") throw new MessageDecodeError("skip must be true or false");
      const skip = m.skip;
      const report = variableBytes(m.report, "report", 0, skip ? 0 : MAX_REPORT);
      const signatureLength = skip ? 0 : REPORT_SIGNATURE_BYTES;
      const signature = variableBytes(m.signature, "signature", signatureLength, signatureLength);
      return { protocol: "ocr2", type: "report", epoch, round, attestedReport: { skip, report, signature } };
    }
  }
}

function finalFromWire(m: Wire): Ocr2FinalMessage {
  const epoch = integer(m.epoch, "epoch", 0, MAX_EPOCH);
  const round = integer(m.round, "round", 0, MAX_ROUND);
  const extraHash = variableBytes(m.extraHash, "extraHash", 32, 32);
  const report = variableBytes(m.report, "report", 0, MAX_REPORT);
  const attributedSignatures: Ocr2AttestedReportMany["attributedSignatures"] = list(m.signatures, "signatures", OCR2_MAX_ORACLES).map((s, i) => {
    const entry = record(s, `signatures[${i}]`);
    return {
      signer: integer(entry.signer, `signatures[${i}].signer`, 0, OCR2_MAX_ORACLES - 1),
      signature: variableBytes(entry.signature, `signatures[${i}].signature`, REPORT_SIGNATURE_BYTES, REPORT_SIGNATURE_BYTES),
    };
  });
  const size = report.length + attributedSignatures.length * (REPORT_SIGNATURE_BYTES + 1) + extraHash.length;
  if (size > OCR2_MAX_FINAL_BYTES) throw new MessageDecodeError(`final carries ${size} bytes, more than ${OCR2_MAX_FINAL_BYTES}`);
  return { type: "final", epoch, round, extraHash, attestedReport: { report, attributedSignatures } };
}
