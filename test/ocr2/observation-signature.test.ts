/** OCR2's observation signing hash and extraHash against the spec's derived vectors. */
import { ed25519 } from "@noble/curves/ed25519.js";
import { expect } from "chai";

import { bytesToHex, hexToBytes } from "../../plugin/core/bytes.js";
import { peerIdFromEd25519PublicKey } from "../../plugin/core/keys.js";
import { encodeMedianObservation } from "../../plugin/core/ocr2/median-codec.js";
import {
  ocr2ExtraHash,
  ocr2ObservationSigningHash,
  signOcr2Observation,
  verifyOcr2Observation,
} from "../../plugin/core/ocr2/observation-signature.js";

const hex = (b: Uint8Array) => bytesToHex(b).slice(2);
const DIGEST_A = hexToBytes("0x00010b76292a08dbfd6083138bde10d56d9bccee99f56f2552666febc3a0238c");
const SEED = new Uint8Array(32).fill(0x31);
const OBSERVATION = encodeMedianObservation({ timestamp: 1_700_000_000, value: 2000n * 10n ** 8n, juelsPerFeeCoin: 133n * 10n ** 18n });
const CONTEXT = { configDigest: DIGEST_A, epoch: 1, round: 1 };
const EMPTY = new Uint8Array(0);

describe("OCR2 observation signatures and extraHash", function () {
  it("hashes and signs the spec's observation vector", function () {
    expect(hex(ocr2ObservationSigningHash(CONTEXT, EMPTY, OBSERVATION))).to.equal("00aa24626db976ebeaad0a651b958be598874b24cbf7f34935cb91baecd96c30");
    const publicKey = ed25519.getPublicKey(SEED);
    expect(hex(publicKey)).to.equal("48075a597e721a156e2e0799de5cc0c5324dc6e7eaf1cdd46250868ec53215dd");
    expect(peerIdFromEd25519PublicKey(publicKey)).to.equal("12D3KooWEfY2TmhEWp1scTkNTgGcB6sBdaeicFJXJjeBmUpFMyg8");
    const signature = signOcr2Observation(CONTEXT, EMPTY, OBSERVATION, SEED);
    expect(hex(signature)).to.equal(
      "d93c66356322c660397580748c0ff60c52f0cfaa36fedc095f85d092632b7390340c7da43190c2f7e7b5785fa628620ef04ddcc67ab118c350f22322d10bf804",
    );
    expect(verifyOcr2Observation(CONTEXT, EMPTY, OBSERVATION, signature, publicKey)).to.equal(true);
  });

  it("binds the signature to the round, the query and the observation", function () {
    const publicKey = ed25519.getPublicKey(SEED);
    const signature = signOcr2Observation(CONTEXT, EMPTY, OBSERVATION, SEED);
    expect(verifyOcr2Observation({ ...CONTEXT, round: 2 }, EMPTY, OBSERVATION, signature, publicKey)).to.equal(false);
    expect(verifyOcr2Observation(CONTEXT, Uint8Array.of(0), OBSERVATION, signature, publicKey)).to.equal(false);
    const tampered = OBSERVATION.slice();
    tampered[tampered.length - 1] ^= 1;
    expect(verifyOcr2Observation(CONTEXT, EMPTY, tampered, signature, publicKey)).to.equal(false);
    expect(verifyOcr2Observation(CONTEXT, EMPTY, OBSERVATION, signature.subarray(1), publicKey)).to.equal(false);
  });

  it("computes the spec's extraHash and depends on the observers' order", function () {
    const attributed = [0, 1, 3].map((observer) => ({ observation: OBSERVATION, observer }));
    expect(hex(ocr2ExtraHash(EMPTY, attributed))).to.equal("eebd9e972f7075c166b8edc04e6f3b39e708e0946561222843f0442ea18a5394");
    expect(hex(ocr2ExtraHash(EMPTY, [attributed[1], attributed[0], attributed[2]]))).to.not.equal("eebd9e972f7075c166b8edc04e6f3b39e708e0946561222843f0442ea18a5394");
  });

  it("refuses a 16-byte (OCR1) digest with a reason", function () {
    expect(() => ocr2ObservationSigningHash({ ...CONTEXT, configDigest: new Uint8Array(16) }, EMPTY, OBSERVATION)).to.throw(/32 bytes, got 16/);
  });
});
