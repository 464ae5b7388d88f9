import { expect } from "chai";
import { Interface } from "ethers";

import { bytesToHex } from "../../plugin/core/bytes.js";
import { encodeOcr2TransmitCalldata, ocr2TransmitCalldataLength } from "../../plugin/core/ocr2/report.js";
import { OCR2_DIALECT, OCR2_AGGREGATOR_ABI } from "../../plugin/chain/ocr2-aggregator-chain.js";
import { Random } from "../../plugin/protocol/random.js";

// ethers is the independent reference: the encoder under test never calls it.
const reference = new Interface(OCR2_AGGREGATOR_ABI);

describe("OCR2 transmit calldata", () => {
  const random = new Random("ocr2-transmit-calldata");
  const bytes = (length: number) => Uint8Array.from({ length }, () => Number(random.nextU64() & 0xffn));

  for (const signatures of [1, 2, 11]) {
    for (const reportWords of [0, 5, 36]) {
      it(`matches ethers' encoding with ${signatures} signatures and a ${reportWords * 32}-byte report`, () => {
        const reportContext = [bytes(32), bytes(32), bytes(32)];
        const report = bytes(reportWords * 32);
        const rs = Array.from({ length: signatures }, () => bytes(32));
        const ss = Array.from({ length: signatures }, () => bytes(32));
        const rawVs = bytes(32);
        const ours = encodeOcr2TransmitCalldata({ reportContext, report, rs, ss, rawVs });
        const theirs = reference.encodeFunctionData("transmit", [reportContext.map(bytesToHex), report, rs.map(bytesToHex), ss.map(bytesToHex), bytesToHex(rawVs)]);
        expect(bytesToHex(ours)).to.equal(theirs);
        // The contract requires exactly this length.
        expect(ours.length).to.equal(ocr2TransmitCalldataLength(report.length, signatures));
        // The dialect the transmit sender uses gives the same bytes.
        const request = {
          transmitterIndex: 0,
          transmitterAddress: "0x0000000000000000000000000000000000000001" as const,
          report,
          rs: rs.map(bytesToHex),
          ss: ss.map(bytesToHex),
          rawVs: bytesToHex(rawVs),
          reportContext: reportContext.map(bytesToHex) as [`0x${string}`, `0x${string}`, `0x${string}`],
        };
        expect(OCR2_DIALECT.transmitCalldata(request)).to.equal(theirs);
      });
    }
  }

  it("refuses a report that is not whole words or a word that is not 32 bytes", () => {
    const word = new Uint8Array(32);
    expect(() => encodeOcr2TransmitCalldata({ reportContext: [word, word, word], report: new Uint8Array(33), rs: [], ss: [], rawVs: word })).to.throw(
      "report length must be a multiple of 32, got 33",
    );
    expect(() => encodeOcr2TransmitCalldata({ reportContext: [word, word], report: new Uint8Array(0), rs: [], ss: [], rawVs: word })).to.throw("reportContext has 3 words, got 2");
    expect(() => encodeOcr2TransmitCalldata({ reportContext: [word, word, word], report: new Uint8Array(0), rs: [new Uint8Array(31)], ss: [word], rawVs: word })).to.throw(
      "must be 32 bytes, got 31",
    );
  });
});
