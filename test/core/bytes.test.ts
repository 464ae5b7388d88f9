import { expect } from "chai";

import { bytesToIntBE, bytesToLatin1, bytesToUintBE, hexToBytes, intToBytesBE, uintToBytesBE } from "../../plugin/core/bytes.js";
import { Random } from "../../plugin/protocol/random.js";

// Byte-at-a-time references: the encoders under test take shortcuts (plain numbers below 2^53,
// native hex conversions above), and every report, context and observation goes through them.
function referenceUintToBytes(value: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return out;
}

function referenceBytesToUint(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return value;
}

describe("big-endian integers and bytes", () => {
  const random = new Random("bytes-test");
  const randomBelow = (bits: number) => {
    let value = 0n;
    for (let i = 0; i < bits; i += 64) value = (value << 64n) | random.nextU64();
    return value & ((1n << BigInt(bits)) - 1n);
  };

  it("encodes and decodes unsigned values of every width like the byte-at-a-time reference", () => {
    for (let length = 0; length <= 40; length++) {
      const edges = length === 0 ? [0n] : [0n, 1n, 255n, (1n << BigInt(8 * length)) - 1n, BigInt(Number.MAX_SAFE_INTEGER) & ((1n << BigInt(8 * length)) - 1n)];
      const values = [...edges, ...Array.from({ length: 25 }, () => randomBelow(8 * length))];
      for (const value of values) {
        const bytes = uintToBytesBE(value, length);
        expect(bytes, `${value} in ${length} bytes`).to.deep.equal(referenceUintToBytes(value, length));
        expect(Object.getPrototypeOf(bytes)).to.equal(Uint8Array.prototype);
        expect(bytesToUintBE(bytes), `decode ${value}`).to.equal(value);
        expect(bytesToUintBE(bytes)).to.equal(referenceBytesToUint(bytes));
      }
    }
  });

  it("refuses values that do not fit, and signed values round-trip in two's complement", () => {
    expect(() => uintToBytesBE(256n, 1)).to.throw(RangeError, "does not fit in 1 unsigned bytes");
    expect(() => uintToBytesBE(-1n, 8)).to.throw(RangeError);
    expect(() => intToBytesBE(1n << 191n, 24)).to.throw(RangeError, "does not fit in 24 signed bytes");
    for (const value of [0n, -1n, 1n, -(1n << 191n), (1n << 191n) - 1n, -123456789n, -(1n << 60n)]) {
      expect(bytesToIntBE(intToBytesBE(value, 24))).to.equal(value);
    }
    expect(intToBytesBE(-1n, 24)).to.deep.equal(new Uint8Array(24).fill(0xff));
  });

  it("decodes a view into a larger buffer by its own bytes only", () => {
    const backing = Uint8Array.from([0xaa, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0xbb]);
    expect(bytesToUintBE(backing.subarray(1, 9))).to.equal(0x0102030405060708n);
    expect(bytesToUintBE(backing.subarray(1, 4))).to.equal(0x010203n);
    expect(bytesToLatin1(backing.subarray(1, 3))).to.equal("\u0001\u0002");
  });

  it("parses hex into a plain Uint8Array and names a bad string", () => {
    const bytes = hexToBytes("0x00fFa5");
    expect(bytes).to.deep.equal(Uint8Array.from([0x00, 0xff, 0xa5]));
    expect(Object.getPrototypeOf(bytes)).to.equal(Uint8Array.prototype);
    expect(hexToBytes("")).to.deep.equal(new Uint8Array(0));
    expect(() => hexToBytes("0x0g")).to.throw("not a hex byte string: 0x0g");
    expect(() => hexToBytes("0x123")).to.throw("not a hex byte string");
  });

  it("gives distinct latin1 keys for distinct bytes of equal length", () => {
    const a = bytesToLatin1(Uint8Array.from([0x00, 0xff]));
    const b = bytesToLatin1(Uint8Array.from([0xff, 0x00]));
    expect(a).to.have.length(2);
    expect(a).to.not.equal(b);
  });
});
