import { expect } from "chai";
import { AbiCoder } from "ethers";

import { abiDecode, abiEncode, parseAbiType } from "../../plugin/core/abi.js";
import { bytesToHex, hexToBytes } from "../../plugin/core/bytes.js";

// ethers is the independent reference here; the codec under test never imports it.
const coder = AbiCoder.defaultAbiCoder();
const ADDRESS = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";

const CASES: { types: string[]; ours: unknown[]; theirs: unknown[] }[] = [
  { types: ["uint8", "int64", "int64"], ours: [255n, -1n, -(1n << 63n)], theirs: [255n, -1n, -(1n << 63n)] },
  { types: ["address", "bool", "bytes16"], ours: [ADDRESS, true, hexToBytes("0x" + "ab".repeat(16))], theirs: [ADDRESS, true, "0x" + "ab".repeat(16)] },
  { types: ["bytes", "string"], ours: [hexToBytes("0x010203"), "héllo, wörld"], theirs: ["0x010203", "héllo, wörld"] },
  { types: ["bytes", "string", "uint8[]"], ours: [new Uint8Array(0), "", []], theirs: ["0x", "", []] },
  { types: ["uint8[]", "bytes32[]"], ours: [[1n, 2n, 3n], [new Uint8Array(32).fill(7)]], theirs: [[1, 2, 3], ["0x" + "07".repeat(32)]] },
  {
    types: ["(bytes32,bytes32,bytes16[])", "address[]"],
    ours: [[new Uint8Array(32).fill(1), new Uint8Array(32).fill(2), [new Uint8Array(16).fill(3), new Uint8Array(16).fill(4)]], [ADDRESS, ADDRESS]],
    theirs: [["0x" + "01".repeat(32), "0x" + "02".repeat(32), ["0x" + "03".repeat(16), "0x" + "04".repeat(16)]], [ADDRESS, ADDRESS]],
  },
  { types: ["string[]", "(uint8,bytes)[]"], ours: [["a", "bc"], [[1n, hexToBytes("0xff")], [2n, new Uint8Array(40).fill(9)]]], theirs: [["a", "bc"], [[1, "0xff"], [2, "0x" + "09".repeat(40)]]] },
];

describe("abi codec", () => {
  for (const c of CASES) {
    it(`encodes (${c.types.join(",")}) exactly like ethers and decodes it back`, () => {
      const ours = abiEncode(c.types, c.ours as never);
      expect(bytesToHex(ours)).to.equal(coder.encode(c.types, c.theirs));
      expect(abiDecode(c.types, ours)).to.deep.equal(c.ours);
    });
  }

  it("parses nested tuple and array types", () => {
    expect(parseAbiType("(uint8,(bytes32,bytes16[]))[]")).to.deep.equal({
      kind: "array",
      element: {
        kind: "tuple",
        components: [
          { kind: "uint", bits: 8 },
          { kind: "tuple", components: [{ kind: "fixedBytes", size: 32 }, { kind: "array", element: { kind: "fixedBytes", size: 16 } }] },
        ],
      },
    });
    expect(() => parseAbiType("uint7")).to.throw(/invalid integer/);
    expect(() => parseAbiType("mapping")).to.throw(/unsupported/);
  });

  it("refuses values that do not fit their type when encoding", () => {
    expect(() => abiEncode(["uint8"], [256n])).to.throw(RangeError);
    expect(() => abiEncode(["int64"], [1n << 63n])).to.throw(RangeError);
    expect(() => abiEncode(["bytes16"], [new Uint8Array(15)])).to.throw(/bytes16/);
    expect(() => abiEncode(["uint8", "uint8"], [1n])).to.throw(/expected 2 values/);
  });

  it("rejects non-canonical or truncated input when decoding", () => {
    const good = abiEncode(["uint8", "bytes"], [1n, hexToBytes("0x0102")]);
    const dirtyUint = good.slice();
    dirtyUint[30] = 1; // uint8 with a high byte set
    expect(() => abiDecode(["uint8", "bytes"], dirtyUint)).to.throw(/uint8/);
    const dirtyPadding = good.slice();
    dirtyPadding[good.length - 1] = 1; // a byte after the two bytes of payload
    expect(() => abiDecode(["uint8", "bytes"], dirtyPadding)).to.throw(/dirty padding/);
    expect(() => abiDecode(["uint8", "bytes"], good.slice(0, good.length - 32))).to.throw(/past the end/);
    const hugeOffset = good.slice();
    hugeOffset[63] = 0xff; // offset of the bytes argument far beyond the data
    expect(() => abiDecode(["uint8", "bytes"], hugeOffset)).to.throw(/past the end|too short/);
  });

  it("rejects an array length that could not possibly fit", () => {
    const data = abiEncode(["uint8[]"], [[1n]]);
    data[63] = 200;
    expect(() => abiDecode(["uint8[]"], data)).to.throw(/past the end|claims/);
  });
});
