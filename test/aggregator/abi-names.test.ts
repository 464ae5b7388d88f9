/**
 * Parameter names a caller sees (ethers' named results, TypeChain types, event args) against
 * Chainlink's ABIs: OffchainAggregator 4.0.0 (the spec's appendix of Chainlink's 4.0.0 names)
 * and OCR2Aggregator 1.0.0 (libocr contract2). Types and selectors are checked elsewhere.
 */
import { expect } from "chai";
import hre from "hardhat";

interface AbiParam {
  readonly name: string;
}
interface AbiEntry {
  readonly type: string;
  readonly name?: string;
  readonly inputs?: readonly AbiParam[];
  readonly outputs?: readonly AbiParam[];
}

/** "kind name in:a,b out:c,d" rows, as the spec lists them. */
type Expected = readonly [kind: "constructor" | "event" | "function", name: string, inputs: string, outputs: string];

const OCR1_COMMON: readonly Expected[] = [
  ["event", "LinkTokenSet", "_oldLinkToken,_newLinkToken", ""],
  ["function", "acceptPayeeship", "_transmitter", ""],
  ["function", "getAnswer", "_roundId", ""],
  ["function", "getRoundData", "_roundId", "roundId,answer,startedAt,updatedAt,answeredInRound"],
  ["function", "getTimestamp", "_roundId", ""],
  ["function", "latestTransmissionDetails", "", "configDigest,epoch,round,latestAnswer,latestTimestamp"],
  ["function", "oracleObservationCount", "_signerOrTransmitter", ""],
  ["function", "owedPayment", "_transmitter", ""],
  [
    "function",
    "setBilling",
    "_maximumGasPrice,_reasonableGasPrice,_microLinkPerEth,_linkGweiPerObservation,_linkGweiPerTransmission",
    "",
  ],
  ["function", "setBillingAccessController", "_billingAccessController", ""],
  ["function", "setConfig", "_signers,_transmitters,_threshold,_encodedConfigVersion,_encoded", ""],
  ["function", "setLinkToken", "_linkToken,_recipient", ""],
  ["function", "setPayees", "_transmitters,_payees", ""],
  ["function", "setRequesterAccessController", "_requesterAccessController", ""],
  ["function", "setValidatorConfig", "_newValidator,_newGasLimit", ""],
  ["function", "transferOwnership", "_to", ""],
  ["function", "transferPayeeship", "_transmitter,_proposed", ""],
  ["function", "transmit", "_report,_rs,_ss,_rawVs", ""],
  ["function", "withdrawFunds", "_recipient,_amount", ""],
  ["function", "withdrawPayment", "_transmitter", ""],
];

const OCR1_CONSTRUCTOR_HEAD =
  "_maximumGasPrice,_reasonableGasPrice,_microLinkPerEth,_linkGweiPerObservation,_linkGweiPerTransmission,_link,_minAnswer,_maxAnswer,_billingAccessController,_requesterAccessController,_decimals";

const EXPECTED: Readonly<Record<string, readonly Expected[]>> = {
  OffchainAggregator: [["constructor", "", `${OCR1_CONSTRUCTOR_HEAD},_description`, ""], ...OCR1_COMMON],
  AccessControlledOffchainAggregator: [
    ["constructor", "", `${OCR1_CONSTRUCTOR_HEAD},description`, ""],
    ...OCR1_COMMON,
    ["function", "addAccess", "_user", ""],
    ["function", "hasAccess", "_user,_calldata", ""],
    ["function", "removeAccess", "_user", ""],
  ],
  // libocr contract2 1.0.0 (read from its source): note latestTransmissionDetails keeps the
  // trailing underscores there, unlike OCR1 4.0.0.
  OCR2Aggregator: [
    ["constructor", "", "link,minAnswer_,maxAnswer_,billingAccessController,requesterAccessController,decimals_,description_", ""],
    ["function", "transmit", "reportContext,report,rs,ss,rawVs", ""],
    ["function", "setConfig", "signers,transmitters,f,onchainConfig,offchainConfigVersion,offchainConfig", ""],
    ["function", "latestConfigDetails", "", "configCount,blockNumber,configDigest"],
    ["function", "latestConfigDigestAndEpoch", "", "scanLogs,configDigest,epoch"],
    ["function", "latestTransmissionDetails", "", "configDigest,epoch,round,latestAnswer_,latestTimestamp_"],
    ["function", "getRoundData", "roundId", "roundId_,answer,startedAt,updatedAt,answeredInRound"],
    ["function", "latestRoundData", "", "roundId,answer,startedAt,updatedAt,answeredInRound"],
    [
      "function",
      "setBilling",
      "maximumGasPriceGwei,reasonableGasPriceGwei,observationPaymentGjuels,transmissionPaymentGjuels,accountingGas",
      "",
    ],
    [
      "function",
      "getBilling",
      "",
      "maximumGasPriceGwei,reasonableGasPriceGwei,observationPaymentGjuels,transmissionPaymentGjuels,accountingGas",
    ],
    ["function", "setLinkToken", "linkToken,recipient", ""],
    ["function", "getLinkToken", "", "linkToken"],
    ["function", "owedPayment", "transmitterAddress", ""],
    ["function", "oracleObservationCount", "transmitterAddress", ""],
    ["function", "linkAvailableForPayment", "", "availableBalance"],
    ["function", "setPayees", "transmitters,payees", ""],
    ["function", "transferPayeeship", "transmitter,proposed", ""],
    ["function", "setValidatorConfig", "newValidator,newGasLimit", ""],
    ["function", "getValidatorConfig", "", "validator,gasLimit"],
    ["event", "NewTransmission", "aggregatorRoundId,answer,transmitter,observationsTimestamp,observations,observers,juelsPerFeeCoin,configDigest,epochAndRound", ""],
    ["event", "ConfigSet", "previousConfigBlockNumber,configDigest,configCount,signers,transmitters,f,onchainConfig,offchainConfigVersion,offchainConfig", ""],
    ["event", "RoundRequested", "requester,configDigest,epoch,round", ""],
    ["event", "LinkTokenSet", "oldLinkToken,newLinkToken", ""],
    ["event", "OraclePaid", "transmitter,payee,amount,linkToken", ""],
  ],
  AccessControlledOCR2Aggregator: [
    ["constructor", "", "_link,_minAnswer,_maxAnswer,_billingAccessController,_requesterAccessController,_decimals,description", ""],
    ["function", "getRoundData", "_roundId", "roundId,answer,startedAt,updatedAt,answeredInRound"],
    ["function", "getAnswer", "_roundId", ""],
    ["function", "getTimestamp", "_roundId", ""],
  ],
};

const names = (params: readonly AbiParam[] | undefined) => (params ?? []).map((p) => p.name).join(",");

describe("ABI parameter names match Chainlink's", function () {
  for (const [contract, rows] of Object.entries(EXPECTED)) {
    it(contract, async function () {
      const { abi } = (await hre.artifacts.readArtifact(contract)) as unknown as { abi: readonly AbiEntry[] };
      for (const [kind, name, inputs, outputs] of rows) {
        const entry = abi.find((e) => e.type === kind && (kind === "constructor" || e.name === name));
        expect(entry, `${kind} ${name} missing`).to.not.equal(undefined);
        expect(names(entry!.inputs), `${kind} ${name} inputs`).to.equal(inputs);
        if (kind === "function") expect(names(entry!.outputs), `${kind} ${name} outputs`).to.equal(outputs);
      }
    });
  }

  it("the OCR1 output names reach ethers' named results", async function () {
    const { network } = await import("hardhat");
    const { ethers } = await network.create();
    const aggregator = await ethers.deployContract("OffchainAggregator", [
      1, 1, 1, 1, 1, ethers.ZeroAddress, 0, 1, ethers.ZeroAddress, ethers.ZeroAddress, 8, "x",
    ]);
    const details = await aggregator.latestTransmissionDetails();
    expect(details.latestAnswer).to.equal(0n);
    expect(details.latestTimestamp).to.equal(0n);
  });
});
