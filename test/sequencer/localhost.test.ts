/**
 * Against a real `hardhat node`, each command in its own process as a user would type them:
 * `ocr:deploy`, `ocr:run-round` and `ocr:sequencer --up --json` leave a price proxy and an uptime
 * proxy that a consumer contract, and a client using Chainlink's own ABI, read as they read
 * Chainlink's feeds on an L2.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";

import { expect } from "chai";
import { Contract, ContractFactory } from "ethers";

import { localNodeForSuite, parseJson, runHardhat } from "../support/hardhat-node.js";
import { PHASE_1, chainlinkAbi } from "./fixtures.js";

const GRACE_PERIOD_S = 3600n;
const HEARTBEAT_S = 86_400n;

describe("ocr:sequencer against a hardhat node, with a price feed from ocr:deploy and ocr:run-round", function () {
  this.timeout(600_000);
  const local = localNodeForSuite("ocr-sequencer-deployments-");
  const cli = (...args: string[]) => runHardhat(["--network", "ocrTestNode", ...args], local.env);

  let price: Record<string, any>;
  let uptime: Record<string, any>;
  let reader: Contract;

  it("ocr:deploy, ocr:run-round, then ocr:sequencer --up --json deploys and records the uptime feed", async () => {
    parseJson(await cli("ocr:deploy", "--json"));
    price = parseJson(await cli("ocr:run-round", "--json"));
    uptime = parseJson(await cli("ocr:sequencer", "--up", "--json"));
    expect(uptime).to.include({ network: "ocrTestNode", chainId: "31337", flavour: "optimism", status: "up", answer: "0", roundId: (PHASE_1 + 1n).toString() });
    // Already up since deployment: the message only moves updatedAt.
    expect(uptime.update).to.include({ reported: "up", outcome: "updated" });
    const record = JSON.parse(await readFile(path.join(local.deploymentsDir, "ocrTestNode-31337", "sequencer-uptime", "optimism.json"), "utf8"));
    expect(record).to.include({ format: "hardhat-ocr-sequencer-uptime/1", network: "ocrTestNode", chainId: "31337", flavour: "optimism" });
    expect(record.addresses).to.include({ feed: uptime.feed, proxy: uptime.proxy, bridge: uptime.bridge });
  });

  it("a later ocr:sequencer process drives the recorded feed (same addresses)", async () => {
    const again = parseJson(await cli("ocr:sequencer", "--json"));
    expect(again).to.include({ feed: uptime.feed, proxy: uptime.proxy, bridge: uptime.bridge, status: "up", update: null });
  });

  it("a client with Chainlink's AggregatorV3Interface ABI reads both proxies as Chainlink feeds", async () => {
    const abi = chainlinkAbi("AggregatorV3Interface") as never;
    const priceProxy = new Contract(price.proxy, abi, local.provider);
    const uptimeProxy = new Contract(uptime.proxy, abi, local.provider);
    const [priceRound, priceAnswer] = await priceProxy.latestRoundData();
    expect([priceRound.toString(), priceAnswer.toString()]).to.deep.equal([price.proxyRoundId, price.answer]);
    const [roundId, answer, startedAt, updatedAt, answeredInRound] = await uptimeProxy.latestRoundData();
    expect([roundId, answer, startedAt, updatedAt, answeredInRound].map(String)).to.deep.equal([uptime.roundId, "0", uptime.startedAt, uptime.updatedAt, uptime.roundId]);
    expect(await uptimeProxy.decimals()).to.equal(0n);
    expect(await uptimeProxy.description()).to.equal("L2 Sequencer Uptime Status Feed");
  });

  it("a SequencerAwarePriceReader on the node waits out the grace period, then reads the price", async () => {
    const artifact = JSON.parse(await readFile(path.join("artifacts", "contracts", "examples", "SequencerAwarePriceReader.sol", "SequencerAwarePriceReader.json"), "utf8"));
    const factory = new ContractFactory(artifact.abi, artifact.bytecode, await local.provider.getSigner(0));
    reader = (await factory.deploy(price.proxy, uptime.proxy, GRACE_PERIOD_S, HEARTBEAT_S)) as unknown as Contract;
    await reader.waitForDeployment();
    const revert = await reader.latestPrice().then(
      () => expect.fail("the reader must refuse during the grace period"),
      (e: { data?: string }) => reader.interface.parseError(e.data!),
    );
    expect(revert?.name).to.equal("GracePeriodNotOver");
    expect(revert?.args[0].toString()).to.equal(uptime.startedAt);

    await local.provider.send("evm_increaseTime", [Number(GRACE_PERIOD_S) + 1]);
    await local.provider.send("evm_mine", []);
    const [answer] = await reader.latestPrice();
    expect(answer.toString()).to.equal(price.answer);
  });

  it("ocr:sequencer --down: the reader refuses the price with SequencerDown", async () => {
    const down = parseJson(await cli("ocr:sequencer", "--down", "--json"));
    expect(down).to.include({ status: "down", answer: "1", roundId: (PHASE_1 + 2n).toString(), proxy: uptime.proxy });
    const revert = await reader.latestPrice().then(
      () => expect.fail("the reader must refuse while the sequencer is down"),
      (e: { data?: string }) => reader.interface.parseError(e.data!),
    );
    expect(revert?.name).to.equal("SequencerDown");
    expect(revert?.args.map(String)).to.deep.equal(["1", down.startedAt]);
  });

  it("--flavour arbitrum records a second feed, and ocr:status lists both", async () => {
    const arbitrum = parseJson(await cli("ocr:sequencer", "--flavour", "arbitrum", "--json"));
    expect(arbitrum).to.include({ flavour: "arbitrum", status: "up" });
    expect(arbitrum.proxy).to.not.equal(uptime.proxy);
    const status = parseJson(await cli("ocr:status", "--json"));
    expect(status.sequencerUptimeFeeds.map((s: { flavour: string; status: string; proxy: string }) => [s.flavour, s.status, s.proxy])).to.deep.equal([
      ["optimism", "down", uptime.proxy],
      ["arbitrum", "up", arbitrum.proxy],
    ]);
    const text = await cli("ocr:status");
    expect(text.stdout).to.contain("Sequencer uptime feeds:");
  });

  it("after the node restarts, ocr:sequencer deploys a new feed and says so", async () => {
    await local.node.stop();
    await local.node.start();
    const result = await cli("ocr:sequencer");
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.contain("The recorded contracts were gone");
    const record = JSON.parse(await readFile(path.join(local.deploymentsDir, "ocrTestNode-31337", "sequencer-uptime", "optimism.json"), "utf8"));
    expect(await local.provider.getCode(record.addresses.feed)).to.not.equal("0x");
  });
});
