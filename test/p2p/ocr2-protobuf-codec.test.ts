/**
 * The OCR2 protobuf codec: every OCR2 message survives the wire exactly at (4,1) and at the
 * largest committee with the median plugin's largest payloads, the bytes follow the documented
 * field numbers, and malformed or oversized frames are refused with a MessageDecodeError naming
 * the field. Signatures are real (the codec does not check them; the roles do).
 */
import { create, toBinary } from "@bufbuild/protobuf";
import { expect } from "chai";

import { bytesToHex, concatBytes } from "../../plugin/core/bytes.js";
import { MEDIAN_MAX_OBSERVATION_BYTES, encodeMedianObservation } from "../../plugin/core/ocr2/median-codec.js";
import { ocr2ExtraHash, signOcr2Observation } from "../../plugin/core/ocr2/observation-signature.js";
import { INT192_MAX, INT192_MIN, encodeOcr2Report, ocr2ReportFromObservations, signOcr2Report } from "../../plugin/core/ocr2/report.js";
import { OCR2_MAX_WIRE_MESSAGE_BYTES, decodeOcr2WireMessage, encodeOcr2WireMessage } from "../../plugin/p2p/ocr2-protobuf-codec.js";
import { OCR2_FILE_DESCRIPTOR, Ocr2MessageWrapperSchema } from "../../plugin/p2p/ocr2-wire-schema.js";
import { wireCodecFor } from "../../plugin/p2p/wire-codec.js";
import { medianMaxReportLength } from "../../plugin/protocol/ocr2/median-plugin.js";
import type { Ocr2FinalMessage, Ocr2WireMessage } from "../../plugin/protocol/ocr2/messages.js";
import { committeeKeys } from "../protocol/role-support.js";
import { editedFrame, itHandlesHostileFrames, refusalOf } from "./wire-codec-support.js";

const DIGEST = Uint8Array.from({ length: 32 }, (_, i) => (i === 1 ? 1 : i + 7));
const refusal = (bytes: Uint8Array) => refusalOf(decodeOcr2WireMessage, bytes);

/** One OCR2 message of every type for an (n, f) committee, with real signatures and extreme values. */
function everyMessage(n: number, f: number, options: { largestObservations?: boolean } = {}): Ocr2WireMessage[] {
  const keys = committeeKeys(n, `ocr2-protobuf-codec-${n}`);
  const query = new Uint8Array(0);
  const context = { configDigest: DIGEST, epoch: 7, round: 3 };
  const value = (i: number) => (i === 0 ? INT192_MIN : i === n - 1 ? INT192_MAX : BigInt(i * 1000 - 1));
  const observations = keys.map((_, i) => {
    const encoded = encodeMedianObservation({ timestamp: 1_700_000_000 + i, value: value(i), juelsPerFeeCoin: 10n ** 18n });
    // Padded to the plugin's limit where asked: the codec bounds bytes, not their meaning.
    return options.largestObservations ? concatBytes(encoded, new Uint8Array(MEDIAN_MAX_OBSERVATION_BYTES - encoded.length)) : encoded;
  });
  const attributedSignedObservations = observations.map((observation, observer) => ({
    observer,
    signedObservation: { observation, signature: signOcr2Observation(context, query, observation, keys[observer].offchainSigningKey) },
  }));
  const extraHash = ocr2ExtraHash(query, observations.map((observation, observer) => ({ observer, observation })));
  const report = encodeOcr2Report(
    ocr2ReportFromObservations({ observationsTimestamp: 1_700_000_000, observations: keys.map((_, i) => ({ observer: i, value: value(i) })), juelsPerFeeCoin: 10n ** 18n }),
  );
  expect(report.length).to.equal(medianMaxReportLength(n));
  const reportContext = { ...context, extraHash };
  const final: Ocr2FinalMessage = {
    type: "final",
    epoch: 7,
    round: 3,
    extraHash,
    attestedReport: { report, attributedSignatures: Array.from({ length: f + 1 }, (_, s) => ({ signer: s, signature: signOcr2Report(report, reportContext, keys[s].onchainSigningKey) })) },
  };
  const protocol = "ocr2" as const;
  return [
    { protocol, type: "newepoch", epoch: 0xffff_ffff },
    { protocol, type: "observe-req", epoch: 7, round: 3, query },
    { protocol, type: "observe", epoch: 7, round: 3, signedObservation: attributedSignedObservations[n - 1].signedObservation },
    { protocol, type: "report-req", epoch: 7, round: 3, query, attributedSignedObservations },
    { protocol, type: "report", epoch: 7, round: 3, attestedReport: { skip: false, report, signature: signOcr2Report(report, reportContext, keys[1].onchainSigningKey) } },
    { protocol, type: "report", epoch: 0, round: 255, attestedReport: { skip: true, report: new Uint8Array(0), signature: new Uint8Array(0) } },
    { protocol, ...final },
    { protocol, type: "final-echo", final },
  ];
}

const edited = (message: Ocr2WireMessage, edit: (wire: any) => void) => editedFrame(Ocr2MessageWrapperSchema, encodeOcr2WireMessage(message), edit);

describe("OCR2 protobuf codec", () => {
  itHandlesHostileFrames(decodeOcr2WireMessage, encodeOcr2WireMessage, () => everyMessage(4, 1), "ocr2-protobuf-codec-corruption");

  for (const [n, f, largest] of [
    [4, 1, false],
    [31, 10, true],
  ] as const) {
    for (const message of everyMessage(n, f, { largestObservations: largest })) {
      it(`round-trips ${message.type === "report" && message.attestedReport.skip ? "a skip report" : `a ${message.type} message`} exactly at (${n},${f})${largest ? " with the largest payloads" : ""}`, () => {
        const bytes = encodeOcr2WireMessage(message);
        expect(bytes.length).to.be.at.most(OCR2_MAX_WIRE_MESSAGE_BYTES);
        expect(decodeOcr2WireMessage(bytes)).to.deep.equal(message);
      });
    }
  }

  it("uses the documented field numbers: epoch 1, round 2 (uint32), query 3; final's h 4 and report 5", () => {
    // Wrapper field 2 (newepoch) holding field 1 = 5.
    expect(bytesToHex(encodeOcr2WireMessage({ protocol: "ocr2", type: "newepoch", epoch: 5 }))).to.equal("0x12020805");
    // Wrapper field 3 (observe-req): epoch 7 as field 1, round 3 as field 2, an empty query omitted.
    expect(bytesToHex(encodeOcr2WireMessage({ protocol: "ocr2", type: "observe-req", epoch: 7, round: 3, query: new Uint8Array(0) }))).to.equal("0x1a0408071003");
    // A skip report: wrapper 6 { epoch 1, round 2, attested_report 3 { skip (field 3) = true } }.
    const skip = encodeOcr2WireMessage({ protocol: "ocr2", type: "report", epoch: 1, round: 2, attestedReport: { skip: true, report: new Uint8Array(0), signature: new Uint8Array(0) } });
    expect(bytesToHex(skip)).to.equal("0x3208080110021a021801");
    const final = everyMessage(4, 1)[6] as Ocr2FinalMessage;
    const bytes = encodeOcr2WireMessage({ protocol: "ocr2", ...final });
    // Wrapper 7, then epoch (08 07), round (10 03), h as field 4 (22 20 ...).
    expect(bytesToHex(bytes.subarray(3, 9))).to.equal(`0x08071003${"2220"}`);
  });

  it("declares the documented schema: package offchainreporting2, thirteen messages, their field numbers", () => {
    expect(OCR2_FILE_DESCRIPTOR.package).to.equal("offchainreporting2");
    const fieldsByMessage = Object.fromEntries(OCR2_FILE_DESCRIPTOR.messageType.map((m) => [m.name, m.field.map((f) => `${f.name}=${f.number}`).join(" ")]));
    expect(fieldsByMessage).to.deep.equal({
      MessageWrapper: "message_new_epoch=2 message_observe_req=3 message_observe=4 message_report_req=5 message_report=6 message_final=7 message_final_echo=8",
      MessageNewEpoch: "epoch=1",
      MessageObserveReq: "epoch=1 round=2 query=3",
      MessageObserve: "epoch=1 round=2 signed_observation=3",
      MessageReportReq: "epoch=1 round=2 query=3 attributed_signed_observations=4",
      MessageReport: "epoch=1 round=2 attested_report=3",
      MessageFinal: "epoch=1 round=2 h=4 attested_report=5",
      MessageFinalEcho: "final=1",
      SignedObservation: "observation=1 signature=2",
      AttributedSignedObservation: "signed_observation=1 observer=2",
      AttestedReportOne: "skip=3 report=4 signature=5",
      AttestedReportMany: "report=3 attributed_signatures=4",
      AttributedSignature: "signature=1 signer=2",
    });
  });

  it("keeps the two protocols apart: each endpoint codec refuses the other's messages and frames", () => {
    const ocr1 = wireCodecFor("ocr1");
    const ocr2 = wireCodecFor("ocr2");
    expect(ocr1.streamProtocolId).to.not.equal(ocr2.streamProtocolId);
    const observeReq = everyMessage(4, 1)[1];
    expect(() => ocr1.encode(observeReq)).to.throw(/an OCR1 endpoint cannot send the OCR2 observe-req message/);
    expect(() => ocr2.encode({ type: "newepoch", epoch: 1 })).to.throw(/an OCR2 endpoint cannot send the OCR1 newepoch message/);
    expect(ocr2.decode(ocr2.encode(observeReq))).to.deep.equal(observeReq);
  });

  it("skips fields it does not know, as a proto3 reader must", () => {
    const message = everyMessage(4, 1)[6];
    expect(decodeOcr2WireMessage(concatBytes(encodeOcr2WireMessage(message), Uint8Array.of(0x78, 0x01)))).to.deep.equal(message);
  });

  it("refuses bytes that are not a MessageWrapper, and a frame over the size limit before parsing it", () => {
    expect(refusal(new Uint8Array())).to.match(/MessageWrapper holds no known message/);
    expect(refusal(Uint8Array.of(0xff, 0xff, 0xff))).to.match(/not a protobuf offchainreporting2\.MessageWrapper/);
    expect(refusal(new Uint8Array(OCR2_MAX_WIRE_MESSAGE_BYTES + 1))).to.match(new RegExp(`exceeds the ${OCR2_MAX_WIRE_MESSAGE_BYTES}-byte OCR2 limit`));
  });

  it("refuses out-of-range numbers instead of narrowing them", () => {
    const bigEpoch = toBinary(Ocr2MessageWrapperSchema, create(Ocr2MessageWrapperSchema, { msg: { case: "messageNewEpoch", value: { epoch: 1n << 32n } } }));
    expect(refusal(bigEpoch)).to.match(/epoch 4294967296 does not fit in uint32/);
    const [, observeReq, observe, reportReq, , , final, finalEcho] = everyMessage(4, 1);
    expect(refusal(edited(observeReq, (w) => (w.msg.value.round = 256)))).to.match(/round 256 does not fit in uint8/);
    expect(refusal(edited(observe, (w) => (w.msg.value.epoch = 1n << 40n)))).to.match(/epoch 1099511627776 does not fit/);
    expect(refusal(edited(reportReq, (w) => (w.msg.value.attributedSignedObservations[2].observer = 31)))).to.match(
      /attributed_signed_observations\[2\]\.observer 31 is not an oracle index/,
    );
    expect(refusal(edited(final, (w) => (w.msg.value.attestedReport.attributedSignatures[0].signer = 40)))).to.match(/attested_report\.attributed_signatures\[0\]\.signer 40/);
    expect(refusal(edited(finalEcho, (w) => (w.msg.value.final.round = 300)))).to.match(/final\.round 300 does not fit in uint8/);
  });

  it("refuses wrong byte lengths, missing parts, a skip with content and too many entries", () => {
    const [, observeReq, observe, reportReq, report, skip, final, finalEcho] = everyMessage(4, 1);
    expect(refusal(edited(observeReq, (w) => (w.msg.value.query = new Uint8Array(1))))).to.match(/query must be 0 bytes, got 1/);
    expect(refusal(edited(observe, (w) => (w.msg.value.signedObservation.signature = new Uint8Array(65))))).to.match(/signed_observation\.signature must be 64 bytes, got 65/);
    expect(refusal(edited(observe, (w) => (w.msg.value.signedObservation.observation = new Uint8Array(MEDIAN_MAX_OBSERVATION_BYTES + 1))))).to.match(
      /signed_observation\.observation must be 0 to 92 bytes, got 93/,
    );
    expect(refusal(edited(observe, (w) => (w.msg.value.signedObservation = undefined)))).to.match(/^signed_observation is missing/);
    expect(refusal(edited(reportReq, (w) => (w.msg.value.attributedSignedObservations[1].signedObservation = undefined)))).to.match(
      /attributed_signed_observations\[1\]\.signed_observation is missing/,
    );
    expect(refusal(edited(reportReq, (w) => (w.msg.value.attributedSignedObservations = Array(32).fill(w.msg.value.attributedSignedObservations[0]))))).to.match(
      /attributed_signed_observations has 32 entries, more than 31/,
    );
    expect(refusal(edited(report, (w) => (w.msg.value.attestedReport.signature = new Uint8Array(64))))).to.match(/attested_report\.signature must be 65 bytes, got 64/);
    expect(refusal(edited(report, (w) => (w.msg.value.attestedReport = undefined)))).to.match(/attested_report is missing/);
    expect(refusal(edited(skip, (w) => (w.msg.value.attestedReport.report = new Uint8Array(1))))).to.match(/attested_report\.report must be 0 bytes, got 1/);
    expect(refusal(edited(skip, (w) => (w.msg.value.attestedReport.signature = new Uint8Array(65))))).to.match(/attested_report\.signature must be 0 bytes, got 65/);
    expect(refusal(edited(final, (w) => (w.msg.value.h = new Uint8Array(31))))).to.match(/^h must be 32 bytes, got 31/);
    expect(refusal(edited(final, (w) => (w.msg.value.attestedReport.report = new Uint8Array(medianMaxReportLength(31) + 1))))).to.match(/attested_report\.report must be 0 to 1152 bytes/);
    expect(refusal(edited(finalEcho, (w) => (w.msg.value.final = undefined)))).to.match(/^final is missing/);
    expect(refusal(edited(finalEcho, (w) => (w.msg.value.final.attestedReport = undefined)))).to.match(/final\.attested_report is missing/);
  });

});
