/**
 * `ocr:sequencer` on the in-process network, run the way the CLI runs it, with its JSON checked
 * against the contracts.
 */
import { expect } from "chai";
import { Contract } from "ethers";
import { createHardhatRuntimeEnvironment } from "hardhat/hre";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import baseConfig from "../../hardhat.config.js";
import { parseFlavour } from "../../tasks/sequencer.js";
import { captureStdout, expectPluginError } from "../tasks/task-support.js";
import { PHASE_1 } from "./fixtures.js";

const OUTPUT_KEYS = ["network", "chainId", "flavour", "feed", "proxy", "bridge", "status", "answer", "roundId", "startedAt", "updatedAt", "update"];

describe("ocr:sequencer on the in-process network", function () {
  let hre: HardhatRuntimeEnvironment;
  const runJson = async (args: Record<string, unknown>) => {
    const { value, stdout } = await captureStdout(() => hre.tasks.getTask("ocr:sequencer").run({ ...args, json: true }) as Promise<unknown>);
    const json = JSON.parse(stdout);
    expect(JSON.parse(JSON.stringify(value))).to.deep.equal(json);
    return json;
  };

  before(async () => {
    hre = await createHardhatRuntimeEnvironment({ ...baseConfig }, {}, process.cwd());
  });

  it("without --down/--up it deploys an Optimism feed and prints its status as the proxy reports it", async () => {
    const json = await runJson({});
    expect(Object.keys(json)).to.have.members(OUTPUT_KEYS);
    expect(json).to.include({ network: "default", chainId: "31337", flavour: "optimism", status: "up", answer: "0", roundId: (PHASE_1 + 1n).toString(), update: null });
    const { ethers } = await hre.network.getOrCreate();
    const proxy = new Contract(json.proxy, ["function latestRoundData() view returns (uint80, int256, uint256, uint256, uint80)", "function aggregator() view returns (address)"], ethers.provider);
    const [roundId, answer, startedAt, updatedAt] = await proxy.latestRoundData();
    expect([roundId, answer, startedAt, updatedAt].map(String)).to.deep.equal([json.roundId, json.answer, json.startedAt, json.updatedAt]);
    expect(await proxy.aggregator()).to.equal(json.feed);
  });

  it("--down delivers the status change: answer 1 in round 2, startedAt = the message's L1 time", async () => {
    const json = await runJson({ down: true });
    expect(json).to.include({ status: "down", answer: "1", roundId: (PHASE_1 + 2n).toString() });
    expect(json.update).to.include({ reported: "down", outcome: "new-round", l1Timestamp: json.startedAt, arrivedAt: json.updatedAt });
  });

  it("--flavour arbitrum --up on a feed that starts up: the message is ignored, round 1 stays", async () => {
    const json = await runJson({ flavour: "arbitrum", up: true });
    expect(json).to.include({ flavour: "arbitrum", status: "up", answer: "0", roundId: (PHASE_1 + 1n).toString() });
    expect(json.update.outcome).to.equal("ignored");
  });

  it("prints text without --json, saying the in-process chain ends with the command", async () => {
    const { stdout } = await captureStdout(() => hre.tasks.getTask("ocr:sequencer").run({ down: true }) as Promise<unknown>);
    expect(stdout).to.contain('Sequencer uptime feed (optimism) on network "default"');
    expect(stdout).to.contain("DOWN (answer 1)");
    expect(stdout).to.contain("the status changed: new round");
    expect(stdout).to.contain("npx hardhat node");
  });

  it("--down with --up, or an unknown --flavour, is an error that says what to pass", async () => {
    await expectPluginError(hre.tasks.getTask("ocr:sequencer").run({ down: true, up: true }), /--down and --up were both given\. Pass one of them/);
    await expectPluginError(hre.tasks.getTask("ocr:sequencer").run({ flavour: "zksync" }), /--flavour "zksync" is not a sequencer uptime feed flavour\. Pass --flavour optimism or --flavour arbitrum/);
  });

  it("--flavour is case-insensitive and defaults to optimism", () => {
    expect(parseFlavour(undefined)).to.equal("optimism");
    expect(parseFlavour(" Arbitrum ")).to.equal("arbitrum");
  });
});
