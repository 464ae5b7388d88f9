/**
 * The ocr:* tasks on an OCR2 feed: `ocr:run-round --json` prints exactly OCR2's fields, checked
 * against the report bytes and the chain; `--protocol` picks the protocol; OCR1 output names its
 * protocol too.
 */
import { expect } from "chai";
import { Contract } from "ethers";
import { createHardhatRuntimeEnvironment } from "hardhat/hre";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import baseConfig from "../../hardhat.config.js";
import { hexToBytes } from "../../plugin/core/bytes.js";
import { decodeOcr2Report, decodeOcr2ReportContext, recoverOcr2ReportSigner } from "../../plugin/core/ocr2/report.js";
import { captureStdout, expectPluginError } from "./task-support.js";

const OCR2_FIELDS = [
  "network", "feed", "protocol", "aggregator", "proxy", "configDigest", "epoch", "round", "leader", "observationsTimestamp",
  "juelsPerFeeCoin", "observations", "median", "report", "reportContext", "rs", "ss", "rawVs", "signers", "transmitter",
  "txHash", "gasUsed", "aggregatorRoundId", "proxyRoundId", "answer", "startedAt", "updatedAt",
];
const DECIMAL = /^-?(0|[1-9][0-9]*)$/;
const HEX = /^0x([0-9a-f]{2})*$/;

describe("ocr:* tasks on an OCR2 feed", function () {
  this.timeout(300_000);
  let hre: HardhatRuntimeEnvironment;

  const runJson = async (task: string, args: Record<string, unknown>) => {
    const { value, stdout } = await captureStdout(() => hre.tasks.getTask(task).run({ ...args, json: true }) as Promise<unknown>);
    const parsed = JSON.parse(stdout);
    expect(JSON.parse(JSON.stringify(value))).to.deep.equal(parsed);
    return parsed;
  };

  before(async () => {
    hre = await createHardhatRuntimeEnvironment(
      { ...baseConfig, ocr: { feeds: { "ETH / USD": { protocol: "ocr2" }, "OLD / USD": { protocol: "ocr1" } } } },
      {},
      process.cwd(),
    );
  });

  it("ocr:run-round --json on OCR2 prints exactly the OCR2 fields, and they hold up against the chain", async () => {
    const json = await runJson("ocr:run-round", { observations: "100e8,400e8,200e8,300e8" });
    expect(Object.keys(json)).to.deep.equal(OCR2_FIELDS);
    expect(json.protocol).to.equal("ocr2");
    for (const key of ["observationsTimestamp", "juelsPerFeeCoin", "median", "gasUsed", "aggregatorRoundId", "proxyRoundId", "answer", "startedAt", "updatedAt"]) {
      expect(json[key], key).to.match(DECIMAL);
    }
    for (const key of ["configDigest", "report", "rawVs", "txHash"]) expect(json[key], key).to.match(HEX);
    expect(hexToBytes(json.configDigest)).to.have.length(32);
    expect(json.reportContext).to.have.length(3);
    const report = decodeOcr2Report(hexToBytes(json.report));
    expect(json.observations.map((o: { value: string }) => o.value)).to.deep.equal(report.observations.map(String));
    expect(json.answer).to.equal("30000000000");
    expect(json.median).to.equal(json.answer);
    expect(json.observationsTimestamp).to.equal(String(report.observationsTimestamp));
    expect(json.startedAt).to.equal(json.observationsTimestamp);
    expect(BigInt(json.startedAt) < BigInt(json.updatedAt)).to.equal(true);
    expect(json.juelsPerFeeCoin).to.equal(String(report.juelsPerFeeCoin));
    // The signatures recover, over the OCR2 signed hash, to f+1 distinct configured signers.
    const context = decodeOcr2ReportContext(json.reportContext.map(hexToBytes));
    expect(context.epoch).to.equal(json.epoch);
    expect(context.round).to.equal(json.round);
    const vs = hexToBytes(json.rawVs);
    const provider = (await hre.network.getOrCreate()).ethers.provider;
    const aggregator = new Contract(json.aggregator, ["function getTransmitters() view returns (address[])", "function latestRoundData() view returns (uint80,int256,uint256,uint256,uint80)"], provider);
    const recovered = json.rs.map((r: string, i: number) =>
      recoverOcr2ReportSigner(hexToBytes(json.report), context, new Uint8Array([...hexToBytes(r), ...hexToBytes(json.ss[i]), vs[i]])),
    );
    expect(new Set(recovered).size).to.equal(2);
    const transmitters = (await aggregator.getTransmitters()) as string[];
    expect(transmitters[json.transmitter.oracle]).to.equal(json.transmitter.address);
    const [, answer, startedAt, updatedAt] = (await aggregator.latestRoundData()) as bigint[];
    expect([answer, startedAt, updatedAt].map(String)).to.deep.equal([json.answer, json.startedAt, json.updatedAt]);
  });

  it("OCR1 output names its protocol; --protocol overrides the config and is checked", async () => {
    const ocr1 = await runJson("ocr:run-round", { feed: "OLD / USD" });
    expect(ocr1.protocol).to.equal("ocr1");
    expect(ocr1.reason).to.be.a("string");
    await expectPluginError(hre.tasks.getTask("ocr:run-round").run({ protocol: "ocr3" }), /--protocol "ocr3": use ocr2 .* or ocr1/);
  });
});
