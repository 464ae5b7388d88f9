/**
 * Support for the task tests: run a task while capturing what it prints, expect the plugin's
 * own errors, and check a `ocr:run-round --json` object against the report bytes and the chain,
 * independently of the plugin's own bookkeeping.
 */
import { expect } from "chai";
import { Contract, type Provider } from "ethers";
import { HardhatPluginError } from "hardhat/plugins";

import { bytesToHex, hexToBytes } from "../../plugin/core/bytes.js";
import { decodeReport, recoverReportSigner } from "../../plugin/core/report.js";
import { decodeOcr2Report, decodeOcr2ReportContext, recoverOcr2ReportSigner } from "../../plugin/core/ocr2/report.js";

/** Run `action`, collecting everything written to stdout meanwhile (and not echoing it). */
export async function captureStdout<T>(action: () => Promise<T>): Promise<{ value: T; stdout: string }> {
  const chunks: string[] = [];
  const originalWrite = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    const callback = rest.find((r) => typeof r === "function") as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof process.stdout.write;
  try {
    const value = await action();
    return { value, stdout: chunks.join("") };
  } finally {
    process.stdout.write = originalWrite;
  }
}

/** Expect `promise` to reject with a HardhatPluginError whose message matches `pattern`; returns the error. */
export async function expectPluginError(promise: Promise<unknown>, pattern: RegExp): Promise<HardhatPluginError> {
  const error = await promise.then(
    () => expect.fail(`expected a HardhatPluginError matching ${pattern}`),
    (e: unknown) => e,
  );
  expect(HardhatPluginError.isHardhatPluginError(error), String(error)).to.equal(true);
  expect((error as HardhatPluginError).message).to.match(pattern);
  return error as HardhatPluginError;
}

const AGGREGATOR_ABI = [
  "event ConfigSet(uint32 previousConfigBlockNumber, uint64 configCount, address[] signers, address[] transmitters, uint8 threshold, uint64 encodedConfigVersion, bytes encoded)",
  "function latestConfigDetails() view returns (uint32 configCount, uint32 blockNumber, bytes16 configDigest)",
  "function owedPayment(address) view returns (uint256)",
  "function latestRoundData() view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)",
];

export interface OnchainConfig {
  signers: string[];
  transmitters: string[];
  threshold: number;
  configCount: bigint;
  configDigest: string;
}

/** `ocr:run-round --json` on an OCR2 feed prints exactly these, in this order. */
export const OCR2_RUN_ROUND_KEYS = [
  "network", "feed", "protocol", "aggregator", "proxy", "configDigest", "epoch", "round", "leader", "observationsTimestamp",
  "juelsPerFeeCoin", "observations", "median", "report", "reportContext", "rs", "ss", "rawVs", "signers", "transmitter",
  "txHash", "gasUsed", "aggregatorRoundId", "proxyRoundId", "answer", "startedAt", "updatedAt",
];

const OCR2_ABI = [
  "event ConfigSet(uint32 previousConfigBlockNumber, bytes32 configDigest, uint64 configCount, address[] signers, address[] transmitters, uint8 f, bytes onchainConfig, uint64 offchainConfigVersion, bytes offchainConfig)",
  "function latestConfigDetails() view returns (uint32 configCount, uint32 blockNumber, bytes32 configDigest)",
];

/** The aggregator's current oracle set, read from its latest ConfigSet event (either protocol's). */
export async function readOnchainConfig(provider: Provider, aggregator: string, protocol: "ocr1" | "ocr2" = "ocr1"): Promise<OnchainConfig> {
  if (protocol === "ocr2") {
    const contract = new Contract(aggregator, OCR2_ABI, provider);
    const events = await contract.queryFilter(contract.filters.ConfigSet(), 0, "latest");
    expect(events.length, "ConfigSet events").to.be.greaterThan(0);
    const last = events[events.length - 1] as unknown as { args: { signers: string[]; transmitters: string[]; f: bigint } };
    const [configCount, , configDigest] = (await contract.latestConfigDetails()) as [bigint, bigint, string];
    return { signers: [...last.args.signers], transmitters: [...last.args.transmitters], threshold: Number(last.args.f), configCount, configDigest };
  }
  const contract = new Contract(aggregator, AGGREGATOR_ABI, provider);
  const events = await contract.queryFilter(contract.filters.ConfigSet(), 0, "latest");
  expect(events.length, "ConfigSet events").to.be.greaterThan(0);
  const last = events[events.length - 1] as unknown as { args: { signers: string[]; transmitters: string[]; threshold: bigint } };
  const [configCount, , configDigest] = (await contract.latestConfigDetails()) as [bigint, bigint, string];
  return {
    signers: [...last.args.signers],
    transmitters: [...last.args.transmitters],
    threshold: Number(last.args.threshold),
    configCount,
    configDigest,
  };
}

export const RUN_ROUND_KEYS = [
  "network", "feed", "protocol", "aggregator", "proxy", "configDigest", "epoch", "round", "leader", "observations", "median",
  "report", "rs", "ss", "rawVs", "signers", "transmitter", "txHash", "gasUsed", "aggregatorRoundId", "proxyRoundId", "answer", "reason",
];

/**
 * Check a run-round JSON object from first principles: the report decodes to the claimed
 * context and sorted observations, its median is the claimed median and answer, the signatures
 * recover to f+1 distinct configured signers, and the transaction is what the chain recorded.
 */
export async function verifyRoundJson(json: Record<string, any>, provider: Provider): Promise<OnchainConfig> {
  const ocr2 = json.protocol === "ocr2";
  if (ocr2) {
    expect(Object.keys(json)).to.deep.equal(OCR2_RUN_ROUND_KEYS);
  } else {
    expect(json.protocol).to.equal("ocr1");
    expect(Object.keys(json)).to.have.members(RUN_ROUND_KEYS);
    expect(["first", "deviation", "heartbeat", "requested", "chain-read-failed"]).to.include(json.reason);
  }
  const config = await readOnchainConfig(provider, json.aggregator, ocr2 ? "ocr2" : "ocr1");
  const f = config.threshold;

  const report = hexToBytes(json.report);
  // Each protocol's report layout and signed hash; the rest of the checks are the same.
  const ocr2Context = ocr2 ? decodeOcr2ReportContext(json.reportContext.map(hexToBytes)) : undefined;
  const decoded = ocr2
    ? (() => {
        const r = decodeOcr2Report(report);
        expect(json.observationsTimestamp).to.equal(String(r.observationsTimestamp));
        expect(json.juelsPerFeeCoin).to.equal(String(r.juelsPerFeeCoin));
        expect(json.startedAt).to.equal(json.observationsTimestamp);
        return { context: ocr2Context!, observations: r.observations, observers: r.observers };
      })()
    : decodeReport(report);
  expect(bytesToHex(decoded.context.configDigest)).to.equal(json.configDigest.toLowerCase());
  expect(json.configDigest.toLowerCase()).to.equal(config.configDigest.toLowerCase());
  expect(decoded.context.epoch).to.equal(json.epoch);
  expect(decoded.context.round).to.equal(json.round);

  const values = decoded.observations;
  for (let i = 1; i < values.length; i++) expect(values[i - 1] <= values[i], "observations sorted").to.equal(true);
  expect(values.length).to.be.at.least(ocr2 ? f + 1 : 2 * f + 1);
  expect(json.observations).to.deep.equal(decoded.observers.map((oracle, i) => ({ oracle, value: values[i].toString() })));
  const median = values[values.length >> 1];
  expect(json.median).to.equal(median.toString());
  expect(json.answer).to.equal(median.toString());

  const rawVs = hexToBytes(json.rawVs);
  expect(json.rs).to.have.length(f + 1);
  expect(json.ss).to.have.length(f + 1);
  const recovered = json.rs.map((r: string, i: number) => {
    const signature = new Uint8Array([...hexToBytes(r), ...hexToBytes(json.ss[i]), rawVs[i]]);
    return (ocr2 ? recoverOcr2ReportSigner(report, ocr2Context!, signature) : recoverReportSigner(report, signature)).toLowerCase();
  });
  const configuredSigners = config.signers.map((s) => s.toLowerCase());
  const signerIndices = recovered.map((address: string) => configuredSigners.indexOf(address));
  expect(signerIndices, "every signature is from a configured signer").to.not.include(-1);
  expect(new Set(signerIndices).size, "distinct signers").to.equal(f + 1);
  expect([...json.signers].sort()).to.deep.equal([...signerIndices].sort());

  const receipt = await provider.getTransactionReceipt(json.txHash);
  expect(receipt, "transaction receipt").to.not.equal(null);
  expect(receipt!.status).to.equal(1);
  expect(receipt!.to!.toLowerCase()).to.equal(json.aggregator.toLowerCase());
  expect(receipt!.from.toLowerCase()).to.equal(config.transmitters[json.transmitter.oracle].toLowerCase());
  expect(json.transmitter.address.toLowerCase()).to.equal(receipt!.from.toLowerCase());
  expect(json.gasUsed).to.equal(receipt!.gasUsed.toString());

  expect(BigInt(json.proxyRoundId) & ((1n << 64n) - 1n)).to.equal(BigInt(json.aggregatorRoundId));
  const proxy = new Contract(json.proxy, AGGREGATOR_ABI, provider);
  const latest = (await proxy.latestRoundData()) as [bigint, bigint];
  if (latest[0].toString() === json.proxyRoundId) expect(latest[1].toString()).to.equal(json.answer);
  const viaProxy = (await new Contract(json.proxy, ["function getRoundData(uint80) view returns (uint80, int256, uint256, uint256, uint80)"], provider).getRoundData(
    BigInt(json.proxyRoundId),
  )) as [bigint, bigint];
  expect(viaProxy[1].toString()).to.equal(json.answer);
  return config;
}
