/**
 * The OCR1 protobuf codec: every protocol message survives the wire exactly, the bytes follow
 * libocr's field numbering, and anything malformed, truncated or oversized is refused with a
 * MessageDecodeError naming the problem (never another exception, never a half-checked message).
 */
import { create, toBinary } from "@bufbuild/protobuf";
import { expect } from "chai";

import { bytesToHex, concatBytes } from "../../plugin/core/bytes.js";
import { encodeReport, signReport } from "../../plugin/core/report.js";
import { OCR1_FILE_DESCRIPTOR, MessageWrapperSchema, MessageNewEpochSchema, MessageObserveReqSchema } from "../../plugin/p2p/ocr1-wire-schema.js";
import { MAX_WIRE_MESSAGE_BYTES, decodeWireMessage, encodeWireMessage } from "../../plugin/p2p/protobuf-codec.js";
import type { ProtocolMessage } from "../../plugin/protocol/messages.js";
import { DIGEST, committeeKeys, reportSignature, signedObservation } from "../protocol/role-support.js";
import { editedFrame, itHandlesHostileFrames, refusalOf } from "./wire-codec-support.js";

const MIN_INT192 = -(1n << 191n);
const MAX_INT192 = (1n << 191n) - 1n;

/** One message of every type for an (n, f) committee, with extreme values where a field has a range. */
function everyMessage(n: number, f: number): ProtocolMessage[] {
  const keys = committeeKeys(n, `protobuf-codec-${n}`);
  const context = { configDigest: DIGEST, epoch: 7, round: 3 };
  const values = (i: number) => (i === 0 ? MIN_INT192 : i === n - 1 ? MAX_INT192 : BigInt(i * 1000 - 1));
  const signed = Array.from({ length: n }, (_, i) => signedObservation(keys, context, i, values(i)));
  const attributed = signed.map(({ observer, value }) => ({ observer, value }));
  const signatures = Array.from({ length: f + 1 }, (_, s) => reportSignature(keys, context, attributed, s));
  const at = { epoch: context.epoch, round: context.round };
  const many = { observations: attributed, signatures };
  return [
    { type: "newepoch", epoch: 0xffff_ffff },
    { type: "observe-req", ...at },
    { type: "observe", ...at, observation: { value: MIN_INT192, signature: signed[0].signature } },
    { type: "report-req", ...at, observations: signed },
    { type: "report", ...at, report: { observations: attributed, signature: signReport(encodeReport(context, attributed), keys[1].onchainSigningKey) } },
    { type: "final", ...at, report: many },
    // The extremes: epoch 0, round 255.
    { type: "final-echo", epoch: 0, round: 255, report: many },
  ];
}

const refusal = (bytes: Uint8Array) => refusalOf(decodeWireMessage, bytes);


describe("OCR1 protobuf codec", () => {
  itHandlesHostileFrames(decodeWireMessage, encodeWireMessage, () => everyMessage(4, 1), "protobuf-codec-corruption");

  for (const [n, f] of [
    [4, 1],
    [31, 10],
  ] as const) {
    for (const message of everyMessage(n, f)) {
      it(`round-trips a ${message.type} message exactly at (${n},${f})`, () => {
        const bytes = encodeWireMessage(message);
        expect(bytes.length).to.be.at.most(MAX_WIRE_MESSAGE_BYTES);
        expect(decodeWireMessage(bytes)).to.deep.equal(message);
      });
    }
  }

  it("uses libocr's field numbers, including observe-req's reversed round/epoch numbering", () => {
    // Hand-assembled from the schema: wrapper field 2 (newepoch) holding field 1 = 5.
    expect(bytesToHex(encodeWireMessage({ type: "newepoch", epoch: 5 }))).to.equal("0x12020805");
    // Wrapper field 3 (observe-req): field 1 is round (3), field 2 is epoch (7).
    expect(bytesToHex(encodeWireMessage({ type: "observe-req", epoch: 7, round: 3 }))).to.equal("0x1a0408031007");
    // A report-req with four observations is 405 bytes, as libocr's own encoder gives.
    expect(encodeWireMessage(everyMessage(4, 1)[3]).length).to.equal(405);
  });

  it("describes exactly the fourteen libocr messages in package offchainreporting", () => {
    expect(OCR1_FILE_DESCRIPTOR.package).to.equal("offchainreporting");
    expect(OCR1_FILE_DESCRIPTOR.messageType.map((m) => m.name)).to.deep.equal([
      "MessageNewEpoch",
      "MessageObserveReq",
      "Observation",
      "SignedObservation",
      "AttributedSignedObservation",
      "MessageObserve",
      "MessageReportReq",
      "AttributedObservation",
      "AttestedReportOne",
      "MessageReport",
      "AttestedReportMany",
      "MessageFinal",
      "MessageFinalEcho",
      "MessageWrapper",
    ]);
  });

  it("skips fields it does not know, as a proto3 reader must", () => {
    const message = everyMessage(4, 1)[5];
    // Field 15, varint 1, appended to the wrapper: a newer sender's extra field.
    expect(decodeWireMessage(concatBytes(encodeWireMessage(message), Uint8Array.of(0x78, 0x01)))).to.deep.equal(message);
  });

  it("refuses bytes that are not a MessageWrapper, naming the problem", () => {
    expect(refusal(new Uint8Array())).to.match(/MessageWrapper holds no known message/);
    expect(refusal(Uint8Array.of(0x08, 0x01))).to.match(/MessageWrapper holds no known message/);
    expect(refusal(Uint8Array.of(0xff, 0xff, 0xff))).to.match(/not a protobuf MessageWrapper/);
    expect(refusal(Uint8Array.of(0x12, 0x05, 0x08))).to.match(/not a protobuf MessageWrapper: premature EOF/);
    expect(refusal(Uint8Array.of(0x0f))).to.match(/not a protobuf MessageWrapper/); // wire type 7 does not exist
  });

  it("refuses a message over the size limit before parsing it", () => {
    expect(refusal(new Uint8Array(MAX_WIRE_MESSAGE_BYTES + 1))).to.match(/exceeds the 10000-byte limit/);
  });

  it("refuses out-of-range numbers instead of narrowing them", () => {
    const bigEpoch = toBinary(MessageWrapperSchema, create(MessageWrapperSchema, { msg: { case: "messageNewEpoch", value: create(MessageNewEpochSchema, { epoch: 1n << 32n }) } }));
    expect(refusal(bigEpoch)).to.match(/epoch 4294967296 does not fit in uint32/);
    const bigRound = toBinary(
      MessageWrapperSchema,
      create(MessageWrapperSchema, { msg: { case: "messageObserveReq", value: create(MessageObserveReqSchema, { epoch: 1n, round: 256n }) } }),
    );
    expect(refusal(bigRound)).to.match(/round 256 does not fit in uint8/);
    const [, , observe, reportReq, report, final, finalEcho] = everyMessage(4, 1);
    expect(refusal(edited(reportReq, (w) => (w.msg.value.attributedSignedObservations[2].observer = 31)))).to.match(
      /attributedSignedObservations\[2\]\.observer 31 is not an oracle index/,
    );
    expect(refusal(edited(final, (w) => (w.msg.value.report.attributedObservations[0].observer = 40)))).to.match(/report\.attributedObservations\[0\]\.observer 40/);
    expect(refusal(edited(finalEcho, (w) => (w.msg.value.final.round = 300n)))).to.match(/final\.round 300 does not fit in uint8/);
    expect(refusal(edited(report, (w) => (w.msg.value.epoch = 1n << 40n)))).to.match(/epoch 1099511627776 does not fit/);
    expect(refusal(edited(observe, (w) => (w.msg.value.round = 1000n)))).to.match(/round 1000/);
  });

  it("refuses wrong byte lengths, missing parts and too many entries", () => {
    const [, , observe, reportReq, report, final, finalEcho] = everyMessage(4, 1);
    expect(refusal(edited(observe, (w) => (w.msg.value.signedObservation.signature = new Uint8Array(65))))).to.match(/signedObservation\.signature must be 64 bytes, got 65/);
    expect(refusal(edited(observe, (w) => (w.msg.value.signedObservation.observation.value = new Uint8Array(23))))).to.match(
      /signedObservation\.observation\.value must be 24 bytes, got 23/,
    );
    expect(refusal(edited(observe, (w) => (w.msg.value.signedObservation = undefined)))).to.match(/signedObservation is missing/);
    expect(refusal(edited(observe, (w) => (w.msg.value.signedObservation.observation = undefined)))).to.match(/signedObservation\.observation is missing/);
    expect(refusal(edited(reportReq, (w) => (w.msg.value.attributedSignedObservations[1].signedObservation.signature = new Uint8Array())))).to.match(
      /attributedSignedObservations\[1\]\.signedObservation\.signature must be 64 bytes, got 0/,
    );
    expect(refusal(edited(report, (w) => (w.msg.value.report.signature = new Uint8Array(64))))).to.match(/report\.signature must be 65 bytes, got 64/);
    expect(refusal(edited(report, (w) => (w.msg.value.report = undefined)))).to.match(/report is missing/);
    expect(refusal(edited(final, (w) => (w.msg.value.report.signatures[1] = new Uint8Array(66))))).to.match(/report\.signatures\[1\] must be 65 bytes, got 66/);
    expect(refusal(edited(final, (w) => (w.msg.value.report.signatures = Array(32).fill(new Uint8Array(65)))))).to.match(/report\.signatures has 32 entries, more than 31/);
    expect(refusal(edited(finalEcho, (w) => (w.msg.value.final = undefined)))).to.match(/^final is missing/);
    expect(refusal(edited(finalEcho, (w) => (w.msg.value.final.report = undefined)))).to.match(/final\.report is missing/);
  });

});

const edited = (message: ProtocolMessage, edit: (wire: any) => void) => editedFrame(MessageWrapperSchema, encodeWireMessage(message), edit);
