/**
 * The cryptographic shortcuts the committee takes for speed must give exactly the answers of
 * the slow, obvious way: Node's Ed25519 against noble's, the secp256k1 signer whose nonce point
 * OpenSSL computes against noble's signer, and the prepared-key check of a report signature
 * against ecrecover-style recovery.
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { expect } from "chai";

import { concatBytes, uintToBytesBE } from "../../plugin/core/bytes.js";
import { ed25519Sign, ed25519Verify } from "../../plugin/core/ed25519.js";
import { keccak256 } from "../../plugin/core/hash.js";
import { SECP256K1_BACKEND, recoverInJavaScript, recoverPublicKeyFromDigest, signDigestRecoverable, signInJavaScript } from "../../plugin/core/secp256k1.js";
import { deriveOracleKeys } from "../../plugin/core/keys.js";
import {
  isReportSignatureBy,
  prepareReportSigner,
  recoverReportSigner,
  recoverReportSignerKey,
  reportDigest,
  signReport,
} from "../../plugin/core/report.js";
import { flipBit } from "../support/tamper.js";

const N = secp256k1.Point.Fn.ORDER;

describe("ed25519Sign / ed25519Verify (node:crypto)", () => {
  it("produce noble's signatures byte for byte, and agree with noble on every tampered input", () => {
    for (let i = 0; i < 20; i++) {
      const keys = deriveOracleKeys("fast ed25519", i);
      const message = keccak256(Uint8Array.of(i)).subarray(0, 24 + i);
      const signature = ed25519Sign(message, keys.offchainSigningKey);
      expect(signature).to.deep.equal(ed25519.sign(message, keys.offchainSigningKey));
      expect(ed25519Verify(signature, message, keys.offchainPublicKey)).to.equal(true);
      const tamperedSignature = flipBit(signature, (i * 37) % 512);
      const tamperedMessage = flipBit(message, i % (message.length * 8));
      for (const [sig, msg] of [
        [tamperedSignature, message],
        [signature, tamperedMessage],
      ] as const) {
        expect(ed25519Verify(sig, msg, keys.offchainPublicKey)).to.equal(ed25519.verify(sig, msg, keys.offchainPublicKey)).and.to.equal(false);
      }
    }
  });

  it("rejects malformed keys and signatures instead of throwing", () => {
    const keys = deriveOracleKeys("fast ed25519", 0);
    const signature = ed25519Sign(Uint8Array.of(1, 2, 3), keys.offchainSigningKey);
    expect(ed25519Verify(signature.subarray(0, 63), Uint8Array.of(1, 2, 3), keys.offchainPublicKey)).to.equal(false);
    expect(ed25519Verify(signature, Uint8Array.of(1, 2, 3), keys.offchainPublicKey.subarray(1))).to.equal(false);
    expect(ed25519Verify(signature, Uint8Array.of(1, 2, 3), new Uint8Array(32).fill(0xff))).to.equal(false);
    expect(() => ed25519Sign(Uint8Array.of(1), new Uint8Array(31))).to.throw(/32 bytes/);
  });
});

describe("signDigestRecoverable (RFC 6979, nonce point through node:crypto)", () => {
  it("gives noble's recoverable signature byte for byte, for digests below and above the order", () => {
    for (let i = 0; i < 200; i++) {
      const secretKey = deriveOracleKeys("fast secp256k1", i % 20).onchainSigningKey;
      // Every 10th digest is at least the group order, which both must reduce the same way.
      const digest = i % 10 === 0 ? uintToBytesBE(N + BigInt(i), 32) : keccak256(Uint8Array.of(i, i >> 8));
      const vrs = secp256k1.sign(digest, secretKey, { prehash: false, format: "recovered" });
      expect(signDigestRecoverable(digest, secretKey)).to.deep.equal(concatBytes(vrs.subarray(1), vrs.subarray(0, 1)));
    }
  });

  it("signs reports the contract's ecrecover attributes to the oracle, the same every time", () => {
    const keys = deriveOracleKeys("fast secp256k1", 3);
    const report = keccak256(utf8("a report")).slice();
    const signature = signReport(report, keys.onchainSigningKey);
    expect(signature[64]).to.be.oneOf([0, 1]);
    expect(recoverReportSigner(report, signature)).to.equal(keys.signerAddress);
    expect(signReport(report, keys.onchainSigningKey)).to.deep.equal(signature);
  });

  it("refuses digests and keys of the wrong size or range, naming the problem", () => {
    const key = deriveOracleKeys("fast secp256k1", 0).onchainSigningKey;
    expect(() => signDigestRecoverable(new Uint8Array(31), key)).to.throw(/digest is 32 bytes/);
    expect(() => signDigestRecoverable(new Uint8Array(32), key.subarray(1))).to.throw(/secret key is 32 bytes/);
    expect(() => signDigestRecoverable(new Uint8Array(32), new Uint8Array(32))).to.throw(/out of range/);
    expect(() => signDigestRecoverable(new Uint8Array(32), uintToBytesBE(N, 32))).to.throw(/out of range/);
  });
});

const utf8 = (text: string) => new TextEncoder().encode(text);

describe("secp256k1 backends: libsecp256k1 and JavaScript give the same answers", () => {
  it("loads libsecp256k1 where the package ships a prebuilt binary (linux x64), so reports are signed natively", function () {
    if (!(process.platform === "linux" && process.arch === "x64") || process.env.HARDHAT_OCR_SECP256K1 === "js") this.skip();
    expect(SECP256K1_BACKEND).to.equal("libsecp256k1");
  });

  it("sign the same bytes and recover the same keys, for honest, tampered, high-s and out-of-range signatures", () => {
    const outcome = (recover: () => Uint8Array): string => {
      try {
        return Buffer.from(recover()).toString("hex");
      } catch {
        return "throws";
      }
    };
    for (let i = 0; i < 100; i++) {
      const secretKey = deriveOracleKeys("secp256k1 backends", i % 10).onchainSigningKey;
      const digest = i % 10 === 0 ? uintToBytesBE(N + BigInt(i), 32) : keccak256(Uint8Array.of(i, 7));
      const signature = signDigestRecoverable(digest, secretKey);
      expect(signInJavaScript(digest, secretKey)).to.deep.equal(signature);
      const s = BigInt("0x" + Buffer.from(signature.subarray(32, 64)).toString("hex"));
      const variants = [
        signature,
        flipBit(signature, (i * 61) % 512),
        flipBit(signature, 512), // v flipped
        concatBytes(signature.subarray(0, 32), uintToBytesBE(N - s, 32), Uint8Array.of(signature[64] ^ 1)), // high-s twin
        concatBytes(new Uint8Array(32), signature.subarray(32)), // r = 0
        concatBytes(signature.subarray(0, 32), uintToBytesBE(N, 32), signature.subarray(64)), // s = n
      ];
      for (const [k, candidate] of variants.entries()) {
        expect(outcome(() => recoverPublicKeyFromDigest(digest, candidate)), `case ${i}, variant ${k}`).to.equal(outcome(() => recoverInJavaScript(digest, candidate)));
      }
      expect(outcome(() => recoverPublicKeyFromDigest(digest, variants[3]))).to.equal(outcome(() => recoverPublicKeyFromDigest(digest, signature)));
    }
  });
});

for (const withTable of [false, true]) describe(`isReportSignatureBy (prepared signer key${withTable ? ", JavaScript table" : ", recovery"})`, () => {
  const oracles = [0, 1, 2].map((i) => deriveOracleKeys("fast report signatures", i));
  const prepared = oracles.map((k) => prepareReportSigner(recoverReportSignerKey(reportDigest(Uint8Array.of(9)), signReport(Uint8Array.of(9), k.onchainSigningKey)), withTable));

  it("accepts exactly the signatures whose recovered signer is that oracle", () => {
    expect(prepared.map((p) => p.address)).to.deep.equal(oracles.map((k) => k.signerAddress));
    for (let i = 0; i < 30; i++) {
      const report = keccak256(uintToBytesBE(BigInt(i), 8));
      const digest = reportDigest(report);
      const signature = signReport(report, oracles[i % 3].onchainSigningKey);
      const variants = [signature, flipBit(signature, (i * 53) % 512), flipBit(signature, 512) /* v flipped */];
      for (const candidate of variants) {
        let recovered: string | null;
        try {
          recovered = recoverReportSigner(report, candidate);
        } catch {
          recovered = null;
        }
        for (const p of prepared) expect(isReportSignatureBy(digest, candidate, p), `case ${i}`).to.equal(recovered === p.address);
      }
    }
  });

  it("accepts the high-s twin (n − s with v flipped), as ecrecover does, and rejects r or s out of range", () => {
    const report = Uint8Array.of(1, 2, 3);
    const digest = reportDigest(report);
    const signature = signReport(report, oracles[0].onchainSigningKey);
    const s = BigInt("0x" + Buffer.from(signature.subarray(32, 64)).toString("hex"));
    const twin = concatBytes(signature.subarray(0, 32), uintToBytesBE(N - s, 32), Uint8Array.of(signature[64] ^ 1));
    expect(recoverReportSigner(report, twin)).to.equal(oracles[0].signerAddress);
    expect(isReportSignatureBy(digest, twin, prepared[0])).to.equal(true);
    const zeroR = concatBytes(new Uint8Array(32), signature.subarray(32));
    const bigS = concatBytes(signature.subarray(0, 32), uintToBytesBE(N, 32), signature.subarray(64));
    expect(isReportSignatureBy(digest, zeroR, prepared[0])).to.equal(false);
    expect(isReportSignatureBy(digest, bigS, prepared[0])).to.equal(false);
    expect(isReportSignatureBy(digest, signature.subarray(0, 64), prepared[0])).to.equal(false);
  });
});
