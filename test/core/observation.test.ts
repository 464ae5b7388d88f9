import { expect } from "chai";

import { bytesToHex, hexToBytes } from "../../plugin/core/bytes.js";
import { deriveOracleKeys } from "../../plugin/core/keys.js";
import {
  observationMessage,
  signObservation,
  verifyObservation,
} from "../../plugin/core/observation.js";
import { type ReportContext } from "../../plugin/core/report.js";
import { flipBit } from "../support/tamper.js";

const context: ReportContext = {
  configDigest: hexToBytes("0x0102030405060708090a0b0c0d0e0f10"),
  epoch: 0x01020304,
  round: 5,
};
const alice = deriveOracleKeys("observation test", 0);
const bob = deriveOracleKeys("observation test", 1);

describe("observationMessage", () => {
  it("is rawReportContext (32 bytes) followed by the int192 value (24 bytes)", () => {
    const message = observationMessage(context, 0x1234n);
    expect(message.length).to.equal(56);
    expect(bytesToHex(message)).to.equal(
      "0x" + "00".repeat(11) + "0102030405060708090a0b0c0d0e0f10" + "01020304" + "05" + "00".repeat(22) + "1234",
    );
  });

  it("encodes negative values in two's complement", () => {
    expect(bytesToHex(observationMessage(context, -1n).slice(32))).to.equal("0x" + "ff".repeat(24));
  });

  it("rejects values outside int192", () => {
    expect(() => observationMessage(context, 1n << 191n)).to.throw(RangeError);
    expect(() => observationMessage(context, -(1n << 191n) - 1n)).to.throw(RangeError);
  });
});

describe("signObservation / verifyObservation", () => {
  const value = 123_456_789n;
  const signature = signObservation(context, value, alice.offchainSigningKey);

  it("produces a 64-byte signature that verifies under the signer's key", () => {
    expect(signature.length).to.equal(64);
    expect(verifyObservation(context, value, signature, alice.offchainPublicKey)).to.equal(true);
  });

  it("fails when any bit of the signature is flipped", () => {
    for (const bit of [0, 100, 255, 256, 400, 511]) {
      expect(verifyObservation(context, value, flipBit(signature, bit), alice.offchainPublicKey)).to.equal(false);
    }
  });

  it("fails for another value, epoch, round or config", () => {
    expect(verifyObservation(context, value + 1n, signature, alice.offchainPublicKey)).to.equal(false);
    expect(verifyObservation({ ...context, epoch: context.epoch + 1 }, value, signature, alice.offchainPublicKey)).to.equal(false);
    expect(verifyObservation({ ...context, round: context.round + 1 }, value, signature, alice.offchainPublicKey)).to.equal(false);
    const otherDigest = flipBit(context.configDigest, 0);
    expect(verifyObservation({ ...context, configDigest: otherDigest }, value, signature, alice.offchainPublicKey)).to.equal(false);
  });

  it("fails under another oracle's public key", () => {
    expect(verifyObservation(context, value, signature, bob.offchainPublicKey)).to.equal(false);
  });

  it("returns false rather than throwing on malformed input", () => {
    expect(verifyObservation(context, value, signature.slice(0, 63), alice.offchainPublicKey)).to.equal(false);
    expect(verifyObservation(context, value, signature, new Uint8Array(31))).to.equal(false);
    expect(verifyObservation(context, 1n << 200n, signature, alice.offchainPublicKey)).to.equal(false);
  });
});
