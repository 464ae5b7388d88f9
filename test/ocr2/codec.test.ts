/**
 * The OCR2 codec (plugin/core/ocr2) against the golden vectors measured on Chainlink's compiled
 * OCR2Aggregator, and the same vectors replayed on our contract: the Vector B config lands on
 * the same digest at the same address, and the recorded transmit is accepted.
 */
import { expect } from "chai";
import { network } from "hardhat";

import { addressFromPrivateKey } from "../../plugin/core/address.js";
import { bytesToHex, hexToBytes } from "../../plugin/core/bytes.js";
import { keccak256, utf8Bytes } from "../../plugin/core/hash.js";
import {
  computeOcr2ConfigDigest,
  decodeMedianOnchainConfig,
  encodeMedianOnchainConfig,
} from "../../plugin/core/ocr2/config.js";
import {
  type Ocr2ReportContext,
  decodeOcr2Report,
  decodeOcr2ReportContext,
  encodeOcr2Report,
  encodeOcr2ReportContext,
  ocr2EpochAndRound,
  ocr2ReportMedian,
  ocr2SignedHash,
  recoverOcr2ReportSigner,
  signOcr2Report,
} from "../../plugin/core/ocr2/report.js";
import { collateSignatures } from "../../plugin/core/report.js";

const CONTRACT = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";

const VECTOR_A = {
  chainId: 31337n,
  contractAddress: CONTRACT,
  configCount: 2n,
  signers: [
    "0x5b5227123F3746b91eE2EDf45f159e312A361873",
    "0x0696848359E4094D8332C3293F351587278e5321",
    "0xcAa1BCe7BFF95ad037E986BE93A3E24841701Cb0",
    "0x18C781ad815FCEB78fAB6dbd9C3C0EEB95Ec3f57",
  ],
  transmitters: [
    "0xe3B1eAb0030360C7fcA9b3Fab5B710C2Ed132ab0",
    "0x5B12BE6D349275cca1c24672D7cF0FAE19e23718",
    "0x6A8548f54C723e46F27892911e8C1bADF15a21A5",
    "0x130e227F4ee7064a3C9AA0c06698e7F42e5D4BCd",
  ],
  f: 1,
  onchainConfig: hexToBytes("0x01fffffffffffffffffffffffffffffffa9438a1d29cf0000000000000000000000000000c9f2c9cd04674edea40000000"),
  offchainConfigVersion: 2n,
  offchainConfig: hexToBytes("0x0a0b0c"),
} as const;

const signerKey = (i: number) => keccak256(utf8Bytes(`signer${i}`));
const transmitterKey = (i: number) => keccak256(utf8Bytes(`transmitter${i}`));
const MAX_B = (1n << 176n) - 1n;

const VECTOR_B = {
  chainId: 31337n,
  contractAddress: CONTRACT,
  configCount: 1n,
  signers: [0, 1, 2, 3].map((i) => addressFromPrivateKey(signerKey(i))),
  transmitters: [0, 1, 2, 3].map((i) => addressFromPrivateKey(transmitterKey(i))),
  f: 1,
  onchainConfig: hexToBytes("0x010000000000000000000000000000000000000000000000010000ffffffffffffffffffffffffffffffffffffffffffff"),
  offchainConfigVersion: 2n,
  offchainConfig: hexToBytes("0x10c096b10220c096b102288080bc8ac9d213"),
} as const;
const DIGEST_B = "0x00018fe311b75bb99529983b0482e621f94e076df59b5fb6b05966b79a0d6e5e";

const REPORT_B = {
  observationsTimestamp: 1_700_000_000,
  observers: [2, 0, 3, 1],
  observations: [199_999_000_000n, 200_000_000_000n, 200_001_000_000n, 200_002_000_000n],
  juelsPerFeeCoin: 133n * 10n ** 18n,
};
const CONTEXT_B: Ocr2ReportContext = {
  configDigest: hexToBytes(DIGEST_B),
  epoch: 1,
  round: 1,
  extraHash: keccak256(utf8Bytes("extra")),
};

describe("OCR2 codec golden vectors", function () {
  it("config digests A and B", () => {
    expect(bytesToHex(computeOcr2ConfigDigest(VECTOR_A))).to.equal(
      "0x00010b76292a08dbfd6083138bde10d56d9bccee99f56f2552666febc3a0238c",
    );
    expect(VECTOR_B.signers).to.deep.equal([
      "0x1F9759EC4395317027CD99242bd506b4A0ebb457",
      "0x7C8913d493892928d19F932FB1893404b6f1cE73",
      "0x11A5669986B1fCBfcE54be4c543975b33D89856D",
      "0xA40fa48886D3D845ac4Bba792E694A936a3AfC00",
    ]);
    expect(VECTOR_B.transmitters[3]).to.equal("0x1a9BE6B4dB70E6D77bBa2bbaEe235DE9cd8a205b");
    expect(bytesToHex(computeOcr2ConfigDigest(VECTOR_B))).to.equal(DIGEST_B);
  });

  it("onchainConfig bytes of both vectors, and int192 encodings", () => {
    expect(encodeMedianOnchainConfig(-(10n ** 20n), 10n ** 30n)).to.deep.equal(VECTOR_A.onchainConfig);
    expect(encodeMedianOnchainConfig(1n, MAX_B)).to.deep.equal(VECTOR_B.onchainConfig);
    expect(decodeMedianOnchainConfig(VECTOR_A.onchainConfig)).to.deep.equal({ min: -(10n ** 20n), max: 10n ** 30n });
    const minusOne = encodeMedianOnchainConfig(-1n, (1n << 191n) - 1n);
    expect(bytesToHex(minusOne.subarray(1, 25))).to.equal(`0x${"ff".repeat(24)}`);
    expect(bytesToHex(minusOne.subarray(25))).to.equal(`0x7f${"ff".repeat(23)}`);
    expect(() => encodeMedianOnchainConfig(2n, 1n)).to.throw(/exceeds/);
    expect(() => decodeMedianOnchainConfig(VECTOR_A.onchainConfig.subarray(1))).to.throw(/49 bytes/);
  });

  it("the accepted transmit of Vector B: report hash, signed hash, signatures", () => {
    const report = encodeOcr2Report(REPORT_B);
    expect(report.length).to.equal(288);
    expect(bytesToHex(keccak256(report))).to.equal("0x83967281ee3cf7b36193c4f5d06d82b9654af6f8a7e162ca06785e50730d255f");
    expect(decodeOcr2Report(report)).to.deep.equal(REPORT_B);
    expect(ocr2ReportMedian(REPORT_B)).to.equal(200_001_000_000n);
    const words = encodeOcr2ReportContext(CONTEXT_B);
    expect(bytesToHex(words[1])).to.equal(`0x${"00".repeat(30)}0101`);
    expect(bytesToHex(words[2])).to.equal("0xab40eaa7e94700af105a27584be61613d532f8c3fb79d657d39c62e0cf9403a8");
    expect(decodeOcr2ReportContext(words)).to.deep.equal(CONTEXT_B);
    expect(ocr2EpochAndRound(5, 3)).to.equal(1283n);
    expect(bytesToHex(ocr2SignedHash(report, CONTEXT_B))).to.equal(
      "0x637d65e1003c438902bf2c712a29e69cc34197a93dafabf7cc2e53b84c582d74",
    );
    const sigs = [0, 2].map((i) => signOcr2Report(report, CONTEXT_B, signerKey(i)));
    const { rs, ss, rawVs } = collateSignatures(sigs);
    expect(rs).to.deep.equal([
      "0x0eebcabdc9205128c8943e0eebfdf61e680e59d1ff3e88a21407dc9fd9d4929a",
      "0xf9b65e763df012cbc590f7ed265ca42eff7a7b89781a607f5aff4c82888c2828",
    ]);
    expect(ss).to.deep.equal([
      "0x393c97b680702eccdfaa60b191b93f02bf451c27cd2c995c78b7e1de27748b8d",
      "0x6f2d4d2a1a4444177555add752e2099da937bd6c9a2b699eb406e5f584336777",
    ]);
    expect(rawVs).to.equal(`0x0001${"00".repeat(30)}`);
    expect(recoverOcr2ReportSigner(report, CONTEXT_B, sigs[1])).to.equal(VECTOR_B.signers[2]);
  });

  it("rejects inputs the contract would reject, naming the problem", () => {
    expect(() => encodeOcr2Report({ ...REPORT_B, observationsTimestamp: 2 ** 32 })).to.throw(/uint32/);
    expect(() => encodeOcr2Report({ ...REPORT_B, observers: [0] })).to.throw(/observers/);
    expect(() => encodeOcr2Report({ ...REPORT_B, juelsPerFeeCoin: 1n << 191n })).to.throw(/int192/);
    expect(() => encodeOcr2ReportContext({ ...CONTEXT_B, configDigest: new Uint8Array(16) })).to.throw(/32 bytes/);
    expect(() => decodeOcr2Report(encodeOcr2Report(REPORT_B).subarray(0, 256))).to.throw(/observations/);
  });

  it("replays Vector B on our OCR2Aggregator: same address, same digest, the recorded transmit accepted", async () => {
    const { ethers, networkHelpers } = await network.create();
    const link = await ethers.deployContract("LinkToken"); // nonce 0, so the aggregator gets nonce 1
    const aggregator = await ethers.deployContract("OCR2Aggregator", [
      await link.getAddress(),
      1n,
      MAX_B,
      ethers.ZeroAddress,
      ethers.ZeroAddress,
      8,
      "ETH / USD",
    ]);
    expect(await aggregator.getAddress()).to.equal(CONTRACT);
    await (
      await aggregator.setConfig(VECTOR_B.signers, VECTOR_B.transmitters, 1, VECTOR_B.onchainConfig, 2n, VECTOR_B.offchainConfig)
    ).wait();
    expect((await aggregator.latestConfigDetails())[2]).to.equal(DIGEST_B);

    const report = encodeOcr2Report(REPORT_B);
    const { rs, ss, rawVs } = collateSignatures([0, 2].map((i) => signOcr2Report(report, CONTEXT_B, signerKey(i))));
    const transmitter = new ethers.Wallet(bytesToHex(transmitterKey(3)), ethers.provider);
    await networkHelpers.setBalance(transmitter.address, 10n ** 18n);
    const [c0, c1, c2] = encodeOcr2ReportContext(CONTEXT_B).map((w) => bytesToHex(w));
    const context: [string, string, string] = [c0, c1, c2];
    const tx = await (aggregator.connect(transmitter) as typeof aggregator).transmit(context, bytesToHex(report), rs, ss, rawVs);
    expect((hexToBytes(tx.data).length)).to.equal(740);
    const receipt = (await tx.wait())!;
    const block = await ethers.provider.getBlock(receipt.blockNumber);
    expect(await aggregator.latestRoundData()).to.deep.equal([1n, 200_001_000_000n, 1_700_000_000n, BigInt(block!.timestamp), 1n]);
  });
});
