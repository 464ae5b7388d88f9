/**
 * The message codec: every protocol message survives encoding exactly, and anything malformed or
 * oversized is refused with a reason instead of reaching a role.
 */
import { expect } from "chai";

import { bytesToHex } from "../../plugin/core/bytes.js";
import { encodeReport, signReport } from "../../plugin/core/report.js";
import { MAX_MESSAGE_BYTES, MessageDecodeError, decodeMessage, encodeMessage } from "../../plugin/protocol/codec.js";
import { Committee } from "../../plugin/protocol/committee.js";
import type { ProtocolMessage } from "../../plugin/protocol/messages.js";
import { DIGEST, committeeKeys, reportSignature, signedObservation } from "./role-support.js";

const keys = committeeKeys(4);
const context = { configDigest: DIGEST, epoch: 7, round: 3 };
const MIN_INT192 = -(1n << 191n);
const MAX_INT192 = (1n << 191n) - 1n;
const signed = [signedObservation(keys, context, 2, MIN_INT192), signedObservation(keys, context, 0, 5n), signedObservation(keys, context, 1, MAX_INT192)];
const attributed = signed.map(({ observer, value }) => ({ observer, value }));
const signatures = [0, 3].map((s) => reportSignature(keys, context, attributed, s));

/** One message of every type, with extreme values where a field has a range. */
const EVERY_MESSAGE: readonly ProtocolMessage[] = [
  { type: "newepoch", epoch: 0xffff_ffff },
  { type: "observe-req", epoch: 7, round: 3 },
  { type: "observe", epoch: 7, round: 3, observation: { value: MIN_INT192, signature: signed[0].signature } },
  { type: "report-req", epoch: 7, round: 3, observations: signed },
  { type: "report", epoch: 7, round: 3, report: { observations: attributed, signature: signReport(encodeReport(context, attributed), keys[1].onchainSigningKey) } },
  { type: "final", epoch: 7, round: 3, report: { observations: attributed, signatures } },
  { type: "final-echo", epoch: 7, round: 255, report: { observations: attributed, signatures } },
];

/** Bytes of `wire` (any JSON value) as a transport would receive them. */
const bytesOf = (wire: unknown) => new TextEncoder().encode(JSON.stringify(wire));

function refusal(bytes: Uint8Array): string {
  try {
    decodeMessage(bytes);
  } catch (error) {
    expect(error).to.be.instanceOf(MessageDecodeError);
    return (error as Error).message;
  }
  expect.fail("expected the codec to refuse the message");
}

describe("message codec", () => {
  for (const message of EVERY_MESSAGE) {
    it(`round-trips a ${message.type} message exactly`, () => {
      expect(decodeMessage(encodeMessage(message))).to.deep.equal(message);
    });
  }

  it("refuses malformed messages, naming what is wrong", () => {
    const observe = JSON.parse(new TextDecoder().decode(encodeMessage(EVERY_MESSAGE[2])));
    expect(refusal(new Uint8Array([0xff, 0xfe]))).to.match(/not a JSON message/);
    expect(refusal(bytesOf([1, 2]))).to.match(/message must be an object/);
    expect(refusal(bytesOf({ type: "hello", epoch: 1 }))).to.match(/unknown message type "hello"/);
    expect(refusal(bytesOf({ type: "newepoch", epoch: -1 }))).to.match(/epoch must be an integer from 0/);
    expect(refusal(bytesOf({ type: "newepoch", epoch: 2 ** 32 }))).to.match(/epoch/);
    expect(refusal(bytesOf({ type: "observe-req", epoch: 1, round: 256 }))).to.match(/round must be an integer from 0 to 255/);
    expect(refusal(bytesOf({ ...observe, value: (MAX_INT192 + 1n).toString() }))).to.match(/value does not fit in int192/);
    expect(refusal(bytesOf({ ...observe, value: "1e3" }))).to.match(/value must be a decimal integer string/);
    expect(refusal(bytesOf({ ...observe, value: 12 }))).to.match(/value must be a decimal integer string/);
    expect(refusal(bytesOf({ ...observe, signature: bytesToHex(new Uint8Array(65)) }))).to.match(/signature must be 64 bytes/);
    const final = JSON.parse(new TextDecoder().decode(encodeMessage(EVERY_MESSAGE[5])));
    expect(refusal(bytesOf({ ...final, signatures: Array(32).fill(final.signatures[0]) }))).to.match(/signatures has 32 entries, more than 31/);
    expect(refusal(bytesOf({ ...final, observations: [{ observer: 31, value: "1" }] }))).to.match(/observations\[0\]\.observer must be an integer from 0 to 30/);
  });

  it("refuses a message over the size limit before parsing it", () => {
    const huge = new Uint8Array(MAX_MESSAGE_BYTES + 1).fill(0x20);
    expect(refusal(huge)).to.match(new RegExp(`exceeds the ${MAX_MESSAGE_BYTES}-byte limit`));
  });

  it("a committee whose messages all cross the codec runs exactly as one passing objects", async () => {
    const run = async (wireFormat: boolean) => {
      // A market that moves every round, so that every round is worth a report.
      const rising = (i: number) => ({ kind: "rising", observe: async ({ epoch, round }: { epoch: number; round: number }) => 10n ** 8n * BigInt(epoch * 100 + round) + BigInt(i) });
      const c = new Committee({ n: 4, f: 1, seed: "codec-committee", wireFormat, dataSource: rising });
      await c.start();
      const result = await c.runUntil({ reports: 6, virtualTimeMs: 120_000 });
      c.stopAll();
      return { reports: result.reports, trace: c.formatTrace() };
    };
    const objects = await run(false);
    const bytes = await run(true);
    expect(bytes.reports).to.equal(6);
    expect(bytes.trace.some((line) => line.includes("message-dropped"))).to.equal(false);
    expect(bytes.trace).to.deep.equal(objects.trace);
  });
});
