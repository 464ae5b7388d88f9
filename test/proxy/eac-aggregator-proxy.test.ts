import { expect } from "chai";
import { network } from "hardhat";

import { AGGREGATOR_PROXY_FUNCTIONS, EAC_EXTRA_FUNCTIONS } from "./chainlink-abi.js";
import { proxyRoundId } from "./phase-ids.js";

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

/** The reads Chainlink's EACAggregatorProxy gates, as ProxyReader methods with their arguments. */
const GATED_READS = [
  { proxyFunction: "latestAnswer", read: "readLatestAnswer", args: [] },
  { proxyFunction: "latestTimestamp", read: "readLatestTimestamp", args: [] },
  { proxyFunction: "latestRound", read: "readLatestRound", args: [] },
  { proxyFunction: "getAnswer", read: "readGetAnswer", args: [proxyRoundId(1n, 5n)] },
  { proxyFunction: "getTimestamp", read: "readGetTimestamp", args: [proxyRoundId(1n, 5n)] },
  { proxyFunction: "getRoundData", read: "readGetRoundData", args: [proxyRoundId(1n, 5n)] },
  { proxyFunction: "latestRoundData", read: "readLatestRoundData", args: [] },
  { proxyFunction: "proposedGetRoundData", read: "readProposedGetRoundData", args: [3n] },
  { proxyFunction: "proposedLatestRoundData", read: "readProposedLatestRoundData", args: [] },
] as const;

/** Reads that stay open to every caller, as ProxyReader methods. */
const OPEN_READS = [
  "readDecimals",
  "readDescription",
  "readVersion",
  "readAggregator",
  "readPhaseId",
  "readProposedAggregator",
  "readAccessController",
] as const;

const connection = await network.create();

async function deployFixture() {
  const { ethers } = connection;
  const [owner, stranger] = await ethers.getSigners();
  const first = await ethers.deployContract("TestAggregator", [8, "BTC / USD", 4]);
  const second = await ethers.deployContract("TestAggregator", [8, "BTC / USD", 4]);
  const accessList = await ethers.deployContract("ProxyReaderAccessList");
  const proxy = await ethers.deployContract("EACAggregatorProxy", [
    await first.getAddress(),
    await accessList.getAddress(),
  ]);
  const reader = await ethers.deployContract("ProxyReader", [await proxy.getAddress()]);
  // Data behind every gated read: round 5 in phase 1, and round 3 on a proposed aggregator.
  await (await first.setRound(5, 6_000_000n, 50, 55)).wait();
  await (await second.setRound(3, 6_100_000n, 60, 65)).wait();
  await (await proxy.proposeAggregator(await second.getAddress())).wait();
  return { ethers, owner, stranger, first, second, accessList, proxy, reader };
}

type Fixture = Awaited<ReturnType<typeof deployFixture>>;

/** Call ProxyReader method `read` with `args` (view call, so from an EOA through the reader). */
function callReader(fx: Fixture, read: string, args: readonly bigint[]): Promise<unknown> {
  return fx.reader.getFunction(read).staticCall(...args);
}

/** Call proxy function `name` directly from `fx.stranger`, an EOA. */
function callProxyAsEoa(fx: Fixture, name: string, args: readonly bigint[]): Promise<unknown> {
  return fx.proxy.connect(fx.stranger).getFunction(name).staticCall(...args);
}

type ProxyFunctionName = Parameters<Fixture["proxy"]["interface"]["getFunction"]>[0];

async function allowReader(fx: Fixture, proxyFunction: ProxyFunctionName): Promise<void> {
  const selector = fx.proxy.interface.getFunction(proxyFunction).selector;
  await (await fx.accessList.setAllowed(await fx.reader.getAddress(), selector, true)).wait();
}

describe("EACAggregatorProxy", function () {
  let fx: Fixture;
  beforeEach(async function () {
    fx = await connection.networkHelpers.loadFixture(deployFixture);
  });

  it("exposes Chainlink's AggregatorProxy functions plus accessController and setController", async function () {
    const signatures: string[] = [];
    fx.proxy.interface.forEachFunction((fn) => signatures.push(fn.format("sighash")));
    expect(signatures.sort()).to.deep.equal(
      [...AGGREGATOR_PROXY_FUNCTIONS, ...EAC_EXTRA_FUNCTIONS].sort(),
    );
  });

  it("stores the constructor's access controller and the phase-1 aggregator", async function () {
    expect(await fx.proxy.accessController()).to.equal(await fx.accessList.getAddress());
    expect(await fx.proxy.phaseId()).to.equal(1n);
    expect(await fx.proxy.aggregator()).to.equal(await fx.first.getAddress());
    expect(await fx.proxy.owner()).to.equal(fx.owner.address);
  });

  it("lets externally owned accounts read everything through a tx.origin controller", async function () {
    const id = proxyRoundId(1n, 5n);
    const asStranger = fx.proxy.connect(fx.stranger);
    expect(await asStranger.latestAnswer()).to.equal(6_000_000n);
    expect(await asStranger.latestTimestamp()).to.equal(55n);
    expect(await asStranger.latestRound()).to.equal(id);
    expect(await asStranger.getAnswer(id)).to.equal(6_000_000n);
    expect(await asStranger.getTimestamp(id)).to.equal(55n);
    expect(await asStranger.getRoundData(id)).to.deep.equal([id, 6_000_000n, 50n, 55n, id]);
    expect(await asStranger.latestRoundData()).to.deep.equal([id, 6_000_000n, 50n, 55n, id]);
    expect(await asStranger.proposedGetRoundData(3)).to.deep.equal([3n, 6_100_000n, 60n, 65n, 3n]);
    expect(await asStranger.proposedLatestRoundData()).to.deep.equal([3n, 6_100_000n, 60n, 65n, 3n]);
  });

  for (const { proxyFunction, read, args } of GATED_READS) {
    it(`gates ${proxyFunction} for contracts that are not allowed`, async function () {
      await expect(callReader(fx, read, args)).to.be.revertedWith("No access");
      await allowReader(fx, proxyFunction);
      // Once allowed, the contract sees what an EOA sees.
      expect(await callReader(fx, read, args)).to.deep.equal(await callProxyAsEoa(fx, proxyFunction, args));
    });
  }

  it("hands the controller the exact calldata, so access can be granted per function", async function () {
    await allowReader(fx, "latestRoundData");
    expect((await fx.reader.readLatestRoundData())[1]).to.equal(6_000_000n);
    await expect(fx.reader.readLatestAnswer()).to.be.revertedWith("No access");
    await expect(fx.reader.readGetRoundData(proxyRoundId(1n, 5n))).to.be.revertedWith("No access");
  });

  it("leaves metadata and phase reads open to every contract", async function () {
    const results = await Promise.all(OPEN_READS.map((read) => callReader(fx, read, [])));
    expect(results).to.deep.equal([
      8n,
      "BTC / USD",
      4n,
      await fx.first.getAddress(),
      1n,
      await fx.second.getAddress(),
      await fx.accessList.getAddress(),
    ]);
    expect(await fx.reader.readPhaseAggregator(1)).to.equal(await fx.first.getAddress());
  });

  it("checks access before checking for a proposal", async function () {
    await (await fx.proxy.proposeAggregator(ZERO_ADDRESS)).wait();
    await expect(fx.reader.readProposedLatestRoundData()).to.be.revertedWith("No access");
    await expect(fx.reader.readProposedGetRoundData(3)).to.be.revertedWith("No access");
    await allowReader(fx, "proposedLatestRoundData");
    await expect(fx.reader.readProposedLatestRoundData()).to.be.revertedWith("No proposed aggregator present");
  });

  it("opens every read when the controller is set to address 0", async function () {
    await (await fx.proxy.setController(ZERO_ADDRESS)).wait();
    expect(await fx.proxy.accessController()).to.equal(ZERO_ADDRESS);
    for (const { proxyFunction, read, args } of GATED_READS) {
      expect(await callReader(fx, read, args)).to.deep.equal(await callProxyAsEoa(fx, proxyFunction, args));
    }
  });

  it("accepts address 0 as the constructor's controller", async function () {
    const open = await fx.ethers.deployContract("EACAggregatorProxy", [await fx.first.getAddress(), ZERO_ADDRESS]);
    const reader = await fx.ethers.deployContract("ProxyReader", [await open.getAddress()]);
    expect(await open.accessController()).to.equal(ZERO_ADDRESS);
    expect(await reader.readLatestAnswer()).to.equal(6_000_000n);
  });

  it("reverts gated reads without a reason when the controller has no code", async function () {
    await (await fx.proxy.setController(fx.stranger.address)).wait();
    await expect(fx.proxy.latestRoundData()).to.be.revertedWithoutReason(fx.ethers);
    await expect(fx.reader.readLatestAnswer()).to.be.revertedWithoutReason(fx.ethers);
    // Open reads do not consult the controller.
    expect(await fx.proxy.decimals()).to.equal(8n);
  });

  it("only lets the owner change the controller", async function () {
    await expect(fx.proxy.connect(fx.stranger).setController(ZERO_ADDRESS)).to.be.revertedWith(
      "Only callable by owner",
    );
    expect(await fx.proxy.accessController()).to.equal(await fx.accessList.getAddress());
  });

  it("keeps the phase behaviour of AggregatorProxy behind the gate", async function () {
    await (await fx.proxy.confirmAggregator(await fx.second.getAddress())).wait();
    await allowReader(fx, "latestRound");
    await allowReader(fx, "getAnswer");
    expect(await fx.reader.readLatestRound()).to.equal(proxyRoundId(2n, 3n));
    expect(await fx.reader.readGetAnswer(proxyRoundId(1n, 5n))).to.equal(6_000_000n);
    expect(await fx.reader.readGetAnswer(proxyRoundId(2n, 3n))).to.equal(6_100_000n);
    expect(await fx.reader.readPhaseAggregator(2)).to.equal(await fx.second.getAddress());
  });
});
