/** What both protobuf codec tests check of a decoder fed bytes from a peer. */
import { type Message, fromBinary, toBinary } from "@bufbuild/protobuf";
import type { GenMessage } from "@bufbuild/protobuf/codegenv2";
import { expect } from "chai";

import { bytesToHex } from "../../plugin/core/bytes.js";
import { MessageDecodeError } from "../../plugin/protocol/codec.js";
import { Random } from "../../plugin/protocol/random.js";

export type Decode = (bytes: Uint8Array) => unknown;

/** The reason `decode` gives for refusing `bytes`; fails the test if it accepts them or throws anything else. */
export function refusalOf(decode: Decode, bytes: Uint8Array): string {
  let thrown: unknown = null;
  try {
    decode(bytes);
  } catch (error) {
    thrown = error;
  }
  expect(thrown, "the codec should refuse these bytes").to.be.instanceOf(MessageDecodeError);
  return (thrown as Error).message;
}

/**
 * Every truncation of every message's bytes either fails with MessageDecodeError or (a cut
 * between two top-level fields, protobuf having no end marker) decodes to something else.
 */
export function expectTruncationsRefused(decode: Decode, encoded: readonly { readonly message: { type: string }; readonly bytes: Uint8Array }[]): void {
  for (const { message, bytes } of encoded) {
    for (let length = 0; length < bytes.length; length++) {
      let decoded: unknown = null;
      try {
        decoded = decode(bytes.subarray(0, length));
      } catch (error) {
        expect(error, `${message.type} cut at ${length}`).to.be.instanceOf(MessageDecodeError);
      }
      if (decoded !== null) expect(decoded, `${message.type} cut at ${length}`).to.not.deep.equal(message);
    }
    // The wrapper's length prefix covers the whole inner message, so a cut inside it fails.
    expect(refusalOf(decode, bytes.subarray(0, bytes.length - 1))).to.match(/premature EOF|must be|missing/);
  }
}

/** Random byte flips: each corrupted frame decodes to some message or fails with MessageDecodeError. */
export function expectCorruptionContained(decode: Decode, frames: readonly Uint8Array[], seed: string, trials = 2000): void {
  const random = new Random(seed);
  for (let trial = 0; trial < trials; trial++) {
    const bytes = frames[trial % frames.length].slice();
    const flips = 1 + random.nextInt(3);
    for (let k = 0; k < flips; k++) bytes[random.nextInt(bytes.length)] = random.nextInt(256);
    try {
      decode(bytes);
    } catch (error) {
      expect(error, `trial ${trial}: ${bytesToHex(bytes)}`).to.be.instanceOf(MessageDecodeError);
    }
  }
}

/** `bytes` after `edit` changed their raw wire form (what a peer sending nonsense would send). */
export function editedFrame<T extends Message>(schema: GenMessage<T>, bytes: Uint8Array, edit: (wire: any) => void): Uint8Array {
  const wire = fromBinary(schema, bytes);
  edit(wire);
  return toBinary(schema, wire);
}

/** What `decode` returns for `bytes` does not change when the receive buffer is reused. */
export function expectDecodedIsCopy(decode: Decode, bytes: Uint8Array): void {
  const buffer = bytes.slice();
  const decoded = decode(buffer);
  buffer.fill(0);
  expect(decoded).to.deep.equal(decode(bytes));
}

/** The robustness tests both codecs get: truncations, random corruption, decoded bytes copied. */
export function itHandlesHostileFrames<M extends { type: string }>(decode: Decode, encode: (message: M) => Uint8Array, messages: () => readonly M[], seed: string): void {
  it("refuses every truncation that cuts a field, and never throws anything but MessageDecodeError", () => {
    expectTruncationsRefused(decode, messages().map((message) => ({ message, bytes: encode(message) })));
  });
  it("survives random corruption: every flipped byte gives some message or a MessageDecodeError", () => {
    expectCorruptionContained(decode, messages().map(encode), seed);
  });
  it("decoded bytes are copies, not views of the receive buffer", () => {
    for (const message of messages()) expectDecodedIsCopy(decode, encode(message));
  });
}
