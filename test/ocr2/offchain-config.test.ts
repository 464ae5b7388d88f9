/**
 * The OCR2 offchainConfig (version 2) and the median plugin's protobuf payloads, checked
 * against the spec's derived vectors, plus the rules a node applies before adopting a config.
 */
import { BinaryReader } from "@bufbuild/protobuf/wire";
import { x25519 } from "@noble/curves/ed25519.js";
import { expect } from "chai";

import type { Address } from "../../plugin/core/address.js";
import { bytesToHex, hexToBytes } from "../../plugin/core/bytes.js";
import { encryptSharedSecret } from "../../plugin/core/config/encoding.js";
import {
  decodeMedianObservation,
  decodeMedianPluginConfig,
  encodeMedianObservation,
  encodeMedianPluginConfig,
} from "../../plugin/core/ocr2/median-codec.js";
import {
  type Ocr2OffchainConfig,
  decodeOcr2OffchainConfig,
  encodeOcr2OffchainConfig,
  ocr2ConfigProblems,
  ocr2SharedSecretKeys,
} from "../../plugin/core/ocr2/offchain-config.js";

const hex = (b: Uint8Array) => bytesToHex(b).slice(2);
const filled = (byte: number, length = 32) => new Uint8Array(length).fill(byte);
const INTEGRATION_SECRET = hexToBytes("01020304050607080102030405060708");
const DEALER_SCALAR = filled(0x11);
const oracleScalar = (i: number) => filled(0x21 + i);

function exampleConfig(n = 4, overrides: Partial<Ocr2OffchainConfig> = {}): Ocr2OffchainConfig {
  const publicKeys = Array.from({ length: n }, (_, i) => x25519.getPublicKey(oracleScalar(i)));
  return {
    deltaProgressMs: 2000,
    deltaResendMs: 1000,
    deltaRoundMs: 1000,
    deltaGraceMs: 500,
    deltaStageMs: 2000,
    rMax: 3,
    s: Array(n).fill(1),
    offchainPublicKeys: Array.from({ length: n }, (_, i) => filled(0x40 + i)),
    peerIds: Array.from({ length: n }, (_, i) => `12D3KooWpeer${i}`),
    reportingPluginConfig: encodeMedianPluginConfig({ alphaReportPPB: 5_000_000n, alphaAcceptPPB: 5_000_000n, deltaCMs: 86_400_000 }),
    maxDurationQueryMs: 50,
    maxDurationObservationMs: 50,
    maxDurationReportMs: 50,
    maxDurationShouldAcceptFinalizedReportMs: 50,
    maxDurationShouldTransmitAcceptedReportMs: 50,
    sharedSecretEncryptions: encryptSharedSecret(publicKeys, INTEGRATION_SECRET, DEALER_SCALAR),
    ...overrides,
  };
}

const members = (n = 4, f = 1) => ({
  signers: Array.from({ length: n }, (_, i) => `0x${(i + 1).toString(16).padStart(40, "0")}` as Address),
  transmitters: Array.from({ length: n }, (_, i) => `0x${(i + 0x101).toString(16).padStart(40, "0")}` as Address),
  f,
  offchainConfigVersion: 2n,
});

/** Field numbers in the order they appear on the wire. */
function wireFieldNumbers(bytes: Uint8Array): number[] {
  const reader = new BinaryReader(bytes);
  const numbers: number[] = [];
  while (reader.pos < reader.len) {
    const [fieldNo, wireType] = reader.tag();
    numbers.push(fieldNo);
    reader.skip(wireType, fieldNo);
  }
  return numbers;
}

describe("OCR2 median plugin protobuf payloads", function () {
  it("encodes the spec's NumericalMedianConfigProto vector and decodes it back", function () {
    const config = { alphaReportPPB: 5_000_000n, alphaAcceptPPB: 5_000_000n, deltaCMs: 24 * 3600 * 1000 };
    const bytes = encodeMedianPluginConfig(config);
    expect(hex(bytes)).to.equal("10c096b10220c096b102288080bc8ac9d213");
    expect(decodeMedianPluginConfig(bytes)).to.deep.equal(config);
  });

  it("carries an infinite alpha as its flag and round-trips it", function () {
    const config = { alphaReportPPB: null, alphaAcceptPPB: 7n, deltaCMs: 0 };
    const bytes = encodeMedianPluginConfig(config);
    expect(wireFieldNumbers(bytes)).to.deep.equal([1, 4]);
    expect(decodeMedianPluginConfig(bytes)).to.deep.equal(config);
  });

  it("refuses a deltaC that is negative as a Go duration", function () {
    // field 5 = 2^63 (varint of 10 bytes)
    const bytes = hexToBytes("2880808080808080808001");
    expect(() => decodeMedianPluginConfig(bytes)).to.throw(/deltaC .* negative/);
  });

  it("encodes the spec's NumericalMedianObservationProto vector and decodes it back", function () {
    const observation = { timestamp: 1_700_000_000, value: 2000n * 10n ** 8n, juelsPerFeeCoin: 133n * 10n ** 18n };
    const bytes = encodeMedianObservation(observation);
    expect(hex(bytes)).to.equal(
      "0880e2cfaa061218000000000000000000000000000000000000002e90edd0001a180000000000000000000000000000000735beeb55f6f40000",
    );
    expect(decodeMedianObservation(bytes)).to.deep.equal(observation);
  });

  it("encodes int192 extremes as the spec states and refuses values outside int192", function () {
    const low = encodeMedianObservation({ timestamp: 1, value: -1n, juelsPerFeeCoin: (1n << 191n) - 1n });
    expect(hex(low)).to.contain("ff".repeat(24));
    expect(hex(low)).to.contain("7f" + "ff".repeat(23));
    expect(decodeMedianObservation(low).value).to.equal(-1n);
    expect(() => encodeMedianObservation({ timestamp: 1, value: 1n << 191n, juelsPerFeeCoin: 0n })).to.throw(/value .* int192/);
  });

  it("refuses malformed observations with a reason", function () {
    expect(() => decodeMedianObservation(hexToBytes("1203010203"))).to.throw(/value is 3 bytes/);
    expect(() => decodeMedianObservation(hexToBytes("ff"))).to.throw(/not a NumericalMedianObservationProto/);
    expect(() => decodeMedianObservation(new Uint8Array(93))).to.throw(/at most 92/);
  });
});

describe("OCR2 offchainConfig (version 2)", function () {
  it("round-trips every field, fields written in number order with zero scalars left out", function () {
    const config = exampleConfig();
    const bytes = encodeOcr2OffchainConfig(config);
    expect(wireFieldNumbers(bytes)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 8, 8, 8, 9, 9, 9, 9, 10, 11, 12, 13, 14, 15, 16]);
    expect(decodeOcr2OffchainConfig(bytes)).to.deep.equal(config);
    const lean = encodeOcr2OffchainConfig({ ...config, deltaGraceMs: 0, maxDurationQueryMs: 0 });
    expect(wireFieldNumbers(lean)).to.not.include.members([4, 11]);
  });

  it("packs S as one length-delimited field (proto3 packed repeated)", function () {
    const bytes = encodeOcr2OffchainConfig(exampleConfig(4, { s: [1, 2, 1] }));
    // tag (7 << 3 | 2) = 0x3a, length 3, then the three varints
    expect(hex(bytes)).to.contain("3a03010201");
  });

  it("tells an absent MaxDurationInitialization from an explicit zero", function () {
    const absent = decodeOcr2OffchainConfig(encodeOcr2OffchainConfig(exampleConfig()));
    expect(absent).to.not.have.property("maxDurationInitializationMs");
    const zero = encodeOcr2OffchainConfig(exampleConfig(4, { maxDurationInitializationMs: 0 }));
    expect(wireFieldNumbers(zero).at(-1)).to.equal(17);
    expect(decodeOcr2OffchainConfig(zero).maxDurationInitializationMs).to.equal(0);
  });

  it("refuses bytes that are not an OffchainConfigProto, or too long, naming the problem", function () {
    expect(() => decodeOcr2OffchainConfig(hexToBytes("0a0b0c"))).to.throw(/not a valid OffchainConfigProto/);
    expect(() => decodeOcr2OffchainConfig(new Uint8Array(2_000_001))).to.throw(/at most 2000000/);
    // field 1 (delta_progress_nanoseconds) = 2^63: negative as a Go duration
    expect(() => decodeOcr2OffchainConfig(hexToBytes("0880808080808080808001"))).to.throw(/deltaProgressNanoseconds = 9223372036854775808 is a negative duration/);
  });

  it("carries the spec's shared-secret encryptions, and each oracle decrypts the secret and derives OCR1's keys", function () {
    const config = decodeOcr2OffchainConfig(encodeOcr2OffchainConfig(exampleConfig()));
    const e = config.sharedSecretEncryptions;
    expect(hex(e.diffieHellmanPoint)).to.equal("7b4e909bbe7ffe44c465a220037d608ee35897d31ef972f07f74892cb0f73f13");
    expect(hex(e.sharedSecretHash)).to.equal("1a1bf753c2505dab5204b284f1fefd7dc4eb83f6304664c9c2f43cbf42566660");
    expect(e.encryptions.map(hex)).to.deep.equal([
      "ae35ad6e0a3c1c25579b1ecf745f35bb",
      "eeac72126e6981d924fa5ab3c2cb1200",
      "49dab2986c9e5fe22cb5d85d7d2690fe",
      "41bcee106ea0451e7f289a0c89b32fae",
    ]);
    for (let i = 0; i < 4; i++) {
      const keys = ocr2SharedSecretKeys(config, i, oracleScalar(i));
      expect(hex(keys.sharedSecret)).to.equal(hex(INTEGRATION_SECRET));
      expect(hex(keys.leaderSelectionKey)).to.equal("91554b03f11148695c0043b969497b5c");
      expect(hex(keys.transmissionOrderKey)).to.equal("6082a56a2138fdb22d3ad518dffd1dad");
    }
    expect(() => ocr2SharedSecretKeys(config, 1, oracleScalar(2))).to.throw(/could not decrypt/);
  });

  it("accepts the integration-test shape and names every rule a config breaks", function () {
    expect(ocr2ConfigProblems(members(), exampleConfig())).to.deep.equal([]);
    const cases: [string, Partial<Ocr2OffchainConfig>, RegExp][] = [
      ["DeltaRound < DeltaProgress", { deltaRoundMs: 2000 }, /DeltaRound \(2000 ms\) must be less than DeltaProgress/],
      ["max durations", { maxDurationObservationMs: 1900 }, /MaxDurationQuery \+ MaxDurationObservation \+ MaxDurationReport \(2000 ms\)/],
      ["rMax 0", { rMax: 0 }, /rMax 0 must satisfy/],
      ["rMax 255", { rMax: 255 }, /rMax 255 must satisfy/],
      ["S entry", { s: [1, 32] }, /S\[1\] = 32/],
      ["S length", { s: Array(1000).fill(1) }, /S has 1000 entries/],
      ["peer ids", { peerIds: ["a", "b", "c"] }, /4 signers but 3 peer ids/],
      ["duplicate key", { offchainPublicKeys: [filled(1), filled(1), filled(2), filled(3)] }, /offchain public key appears twice/],
      ["short key", { offchainPublicKeys: [filled(1, 31), filled(2), filled(3), filled(4)] }, /offchain public key 0 is 31 bytes/],
      ["resource check", { deltaProgressMs: 199, deltaRoundMs: 100, maxDurationQueryMs: 0, maxDurationObservationMs: 0, maxDurationReportMs: 0 }, /DeltaProgress 199 ms is below 200 ms/],
    ];
    for (const [name, override, pattern] of cases) {
      const problems = ocr2ConfigProblems(members(), exampleConfig(4, override));
      expect(problems.join("\n"), name).to.match(pattern);
    }
    expect(ocr2ConfigProblems(members(), exampleConfig(4, { deltaProgressMs: 199, deltaRoundMs: 100, maxDurationQueryMs: 0, maxDurationObservationMs: 0, maxDurationReportMs: 0 }), { skipResourceCheck: true })).to.deep.equal([]);
    expect(ocr2ConfigProblems(members(4, 2), exampleConfig()).join()).to.match(/f = 2 with n = 4/);
    expect(ocr2ConfigProblems({ ...members(), offchainConfigVersion: 1n }, exampleConfig()).join()).to.match(/OCR2 uses 2/);
    const m = members();
    expect(ocr2ConfigProblems({ ...m, transmitters: [m.transmitters[0], m.transmitters[0], m.transmitters[2], m.transmitters[3]] }, exampleConfig()).join()).to.match(/transmitter appears twice/);
  });
});
