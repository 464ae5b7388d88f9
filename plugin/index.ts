import type { HardhatPlugin } from "hardhat/types/plugins";
import { definePlugin } from "hardhat/plugins";
import { task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";

import { BYZANTINE_BEHAVIOURS } from "./protocol/byzantine-behaviours.js";
import "./type-extensions.js";

/**
 * hardhat-ocr: Chainlink OCR1 feeds and an in-process oracle committee for Hardhat 3.
 */
const hardhatOcrPlugin: HardhatPlugin = definePlugin({
  id: "hardhat-ocr",
  // Hardhat checks this package (and its peer dependencies) when loading the plugin fails.
  npmPackage: "hardhat-ocr",
  dependencies: () => [import("@nomicfoundation/hardhat-ethers")],
  hookHandlers: {
    config: () => import("./hook-handlers/config.js"),
    network: () => import("./hook-handlers/network.js"),
  },
  tasks: [
    task("ocr:deploy", "Deploy an OCR feed (LINK, aggregator, proxy, payees, config, LINK funding) with its oracle committee")
      .addOption({ name: "feed", type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined, description: "Feed name from ocr.feeds (default: ocr.defaultFeed)" })
      .addOption({ name: "oracles", type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined, description: "Number of oracles n, 1 to 31 (default: from the config)" })
      .addOption({ name: "faulty", type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined, description: "Faulty oracles f the committee tolerates, 3f < n (default: from the config)" })
      .addOption({ name: "decimals", type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined, description: "The aggregator's decimals(), 0 to 255 (default: from the config)" })
      .addOption({ name: "description", type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined, description: "The aggregator's description() (default: from the config)" })
      .addFlag({ name: "json", description: "Print one JSON object instead of text" })
      .setAction(() => import("../tasks/deploy.js"))
      .build(),
    task("ocr:run-round", "Run one full OCR round: observe, report, sign, transmit, and read the answer back through the proxy")
      .addOption({ name: "feed", type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined, description: "Feed name from ocr.feeds (default: ocr.defaultFeed)" })
      .addOption({ name: "observations", type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined, description: "One integer per oracle, comma-separated, in the feed's smallest unit (e.g. 2000e8,2001e8,1999e8,2000e8)" })
      .addOption({ name: "down", type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined, description: "Oracle indices that are down for this round, comma-separated (at most f)" })
      .addOption({
        name: "byzantine",
        type: ArgumentType.STRING_WITHOUT_DEFAULT,
        defaultValue: undefined,
        description: "Byzantine oracles as ORACLE:BEHAVIOUR, comma-separated (with --down at most f), e.g. 1:wrong-report. Behaviours: " + BYZANTINE_BEHAVIOURS.join(", "),
      })
      .addFlag({ name: "json", description: "Print one JSON object instead of text" })
      .setAction(() => import("../tasks/run-round.js"))
      .build(),
    task("ocr:run", "Keep the committee reporting with a live display until --rounds reports landed or Ctrl-C")
      .addOption({ name: "feed", type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined, description: "Feed name from ocr.feeds (default: ocr.defaultFeed)" })
      .addOption({ name: "rounds", type: ArgumentType.INT, defaultValue: 0, description: "Stop after this many reports (0: run until Ctrl-C)" })
      .setAction(() => import("../tasks/run.js"))
      .build(),
    task("ocr:status", "Show a feed's contracts, config, oracles, latest rounds and the LINK owed to each oracle")
      .addOption({ name: "feed", type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined, description: "Feed name from ocr.feeds (default: ocr.defaultFeed)" })
      .addOption({ name: "rounds", type: ArgumentType.INT, defaultValue: 5, description: "How many of the latest rounds to show" })
      .addFlag({ name: "json", description: "Print one JSON object instead of text" })
      .setAction(() => import("../tasks/status.js"))
      .build(),
    task("ocr:sequencer", "Deploy (first use) or drive an L2 sequencer uptime feed: deliver a down/up status message and show the status")
      .addFlag({ name: "down", description: "Deliver \"the sequencer is down\" (answer 1) through the local bridge stand-in" })
      .addFlag({ name: "up", description: "Deliver \"the sequencer is up\" (answer 0) through the local bridge stand-in" })
      .addOption({ name: "flavour", type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined, description: "optimism (default) or arbitrum" })
      .addFlag({ name: "json", description: "Print one JSON object instead of text" })
      .setAction(() => import("../tasks/sequencer.js"))
      .build(),
  ],
});

export default hardhatOcrPlugin;
export type * from "./type-extensions.js";
export type * from "./api-types.js";
export type * from "./types.js";
