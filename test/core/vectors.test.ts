import { createCipheriv } from "node:crypto";

import { expect } from "chai";

import { bytesToHex, hexToBytes, uintToBytesBE } from "../../plugin/core/bytes.js";
import { deriveLeaderSelectionKey, deriveTransmissionOrderKey } from "../../plugin/core/config/shared-config.js";
import { leaderForEpoch } from "../../plugin/core/leader-selection.js";
import { aesCtrKeystream, permutation } from "../../plugin/core/permutation.js";
import {
  transmissionDelayMs,
  transmissionOrderPermutationKey,
  transmissionStage,
} from "../../plugin/core/transmission-schedule.js";

// Golden values from shared/docs/ocr1-vectors.md.
const SHARED_SECRET = hexToBytes("0x000102030405060708090a0b0c0d0e0f");
const LEADER_SELECTION_KEY = "0xdf0c52fb203fd67038d721841a60a91f";
const TRANSMISSION_ORDER_KEY = "0x8d986042b2df4b1b1b0b2a701ed77a20";
const CONFIG_DIGEST = hexToBytes("0x0102030405060708090a0b0c0d0e0f10");
const EPOCHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

const parse = (list: string) => list.split(" ").map(Number);

const ORDER_VECTORS = [
  {
    epoch: 1, round: 1, key: "0xaf802a298d9f1514b7825245c1aa87b7",
    n4: "0 2 1 3",
    n31: "1 12 8 18 5 4 19 14 26 21 10 13 11 3 23 22 25 15 27 6 7 24 28 9 2 20 0 30 16 17 29",
  },
  {
    epoch: 1, round: 2, key: "0xa907f2ea9b3c0419cefa1ff0ba4da89c",
    n4: "3 1 0 2",
    n31: "15 22 4 1 18 11 2 17 20 12 26 25 24 5 29 3 13 16 19 7 30 9 14 6 28 8 10 21 27 0 23",
  },
  {
    epoch: 7, round: 3, key: "0x221008b610633a7681e494ac141a4034",
    n4: "2 3 1 0",
    n31: "12 28 17 21 14 16 11 25 26 13 19 22 27 24 23 1 4 18 9 29 30 20 15 7 6 0 3 8 2 10 5",
  },
];

describe("OCR1 vectors: derived keys", () => {
  it("derives the leader selection key from the shared secret", () => {
    expect(bytesToHex(deriveLeaderSelectionKey(SHARED_SECRET))).to.equal(LEADER_SELECTION_KEY);
  });

  it("derives the transmission order key from the shared secret", () => {
    expect(bytesToHex(deriveTransmissionOrderKey(SHARED_SECRET))).to.equal(TRANSMISSION_ORDER_KEY);
  });
});

describe("OCR1 vectors: leader selection", () => {
  const key = hexToBytes(LEADER_SELECTION_KEY);

  it("picks Leader(1..10) for N = 4", () => {
    expect(EPOCHS.map((e) => leaderForEpoch(key, e, 4))).to.deep.equal([1, 2, 1, 3, 3, 0, 1, 0, 3, 1]);
  });

  it("picks Leader(1..10) for N = 31", () => {
    expect(EPOCHS.map((e) => leaderForEpoch(key, e, 31))).to.deep.equal([20, 5, 4, 26, 2, 13, 20, 2, 17, 9]);
  });

  it("rejects a key that is not 16 bytes", () => {
    expect(() => leaderForEpoch(new Uint8Array(32), 1, 4)).to.throw(/16 bytes/);
  });
});

describe("OCR1 vectors: permutation", () => {
  it("reproduces the plain-key shuffle for N = 4 and N = 31", () => {
    expect(permutation(4, SHARED_SECRET)).to.deep.equal(parse("1 3 2 0"));
    expect(permutation(31, SHARED_SECRET)).to.deep.equal(
      parse("12 22 19 23 7 25 24 5 1 20 18 30 9 14 26 3 17 13 15 4 21 10 8 16 11 29 27 2 6 28 0"),
    );
  });

  it("draws from the AES-128-CTR keystream with a 128-bit counter that starts at zero", () => {
    // Independent reference: node's AES-128-ECB applied to the counter blocks 0, 1 and 2.
    const aesBlock = (counter: bigint) => {
      const cipher = createCipheriv("aes-128-ecb", SHARED_SECRET, null).setAutoPadding(false);
      return new Uint8Array(cipher.update(uintToBytesBE(counter, 16)));
    };
    const stream = aesCtrKeystream(SHARED_SECRET, 16 * 3);
    expect(stream.slice(0, 16)).to.deep.equal(aesBlock(0n));
    expect(stream.slice(16, 32)).to.deep.equal(aesBlock(1n));
    expect(stream.slice(32, 48)).to.deep.equal(aesBlock(2n));
  });

  it("always returns a permutation of 0..n-1", () => {
    for (let n = 0; n <= 31; n++) {
      const p = permutation(n, SHARED_SECRET);
      expect([...p].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: n }, (_, i) => i));
    }
  });
});

describe("OCR1 vectors: transmission order", () => {
  const orderKey = hexToBytes(TRANSMISSION_ORDER_KEY);

  for (const v of ORDER_VECTORS) {
    it(`derives the permutation key and π for epoch ${v.epoch}, round ${v.round}`, () => {
      const key = transmissionOrderPermutationKey(orderKey, CONFIG_DIGEST, v.epoch, v.round);
      expect(bytesToHex(key)).to.equal(v.key);
      expect(permutation(4, key)).to.deep.equal(parse(v.n4));
      expect(permutation(31, key)).to.deep.equal(parse(v.n31));
    });
  }

  const delay = (oracleIndex: number, s: readonly number[], n = 4) =>
    transmissionDelayMs({
      transmissionOrderKey: orderKey,
      configDigest: CONFIG_DIGEST,
      epoch: 1,
      round: 2,
      oracleIndex,
      n,
      s,
      deltaStageMs: 2000,
    });

  it("staggers S = [1,1,1,1] as in the vectors' example (π = [3,1,0,2])", () => {
    expect([0, 1, 2, 3].map((i) => delay(i, [1, 1, 1, 1]))).to.deep.equal([6000, 2000, 0, 4000]);
  });

  it("lets nobody past sum(S) transmit when the schedule covers fewer than n oracles", () => {
    // S = [1, 1]: positions 0 and 1 transmit (oracles 2 and 1); positions 2 and 3 never do.
    expect([0, 1, 2, 3].map((i) => delay(i, [1, 1]))).to.deep.equal([null, 2000, 0, null]);
  });

  it("groups several oracles into one stage", () => {
    // S = [2, 2]: positions 0,1 at once, positions 2,3 one stage later.
    expect([0, 1, 2, 3].map((i) => delay(i, [2, 2]))).to.deep.equal([2000, 0, 0, 2000]);
  });

  it("skips empty stages", () => {
    expect(transmissionStage(0, [0, 0, 1])).to.equal(2);
    expect(transmissionStage(1, [0, 0, 1])).to.equal(null);
    expect(transmissionStage(0, [])).to.equal(null);
  });

  it("rejects an oracle index outside the committee", () => {
    expect(() => delay(4, [1, 1, 1, 1])).to.throw(RangeError);
  });
});
