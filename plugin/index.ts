import type { HardhatPlugin } from "hardhat/types/plugins";
import { definePlugin } from "hardhat/plugins";
import { task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";

import { PLUGIN_ID } from "./constants.js";
import { BYZANTINE_BEHAVIOURS } from "./protocol/byzantine-behaviours.js";
import "./type-extensions.js";

const ORACLES_DESCRIPTION = "Number of oracles n, 4 to 31 (empty: from the config)";
const FAULTY_DESCRIPTION = "Faulty oracles f the committee tolerates, 1 or more with 3f < n (empty: from the config)";
const DECIMALS_DESCRIPTION = "The aggregator's decimals(), 0 to 255 (empty: from the config)";
const PROTOCOL_DESCRIPTION = "ocr2 (OCR2Aggregator, the default) or ocr1 (OffchainAggregator) (empty: from the config)";
const JSON_DESCRIPTION = "Print one JSON object on stdout instead of text (errors too)";
const TIMEOUT_DESCRIPTION = "Wall-clock seconds to wait for the report (empty: 60 in process; the round's bound + 60 on a node)";

/**
 * hardhat-ocr: Chainlink OCR1 feeds and an in-process oracle committee for Hardhat 3.
 */
const hardhatOcrPlugin: HardhatPlugin = definePlugin({
  id: PLUGIN_ID,
  // Hardhat checks this package (and its peer dependencies) when loading the plugin fails.
  npmPackage: "hardhat-ocr",
  dependencies: () => [import("@nomicfoundation/hardhat-ethers")],
  hookHandlers: {
    config: () => import("./hook-handlers/config.js"),
    network: () => import("./hook-handlers/network.js"),
  },
  tasks: [
    task("ocr:deploy", "Deploy an OCR feed (LINK, aggregator, proxy, payees, config, LINK funding) with its oracle committee")
      .addOption({ name: "feed", type: ArgumentType.STRING, defaultValue: "", description: "Feed name from ocr.feeds (empty: ocr.defaultFeed)" })
      .addOption({ name: "oracles", type: ArgumentType.STRING, defaultValue: "", description: ORACLES_DESCRIPTION })
      .addOption({ name: "faulty", type: ArgumentType.STRING, defaultValue: "", description: FAULTY_DESCRIPTION })
      .addOption({ name: "decimals", type: ArgumentType.STRING, defaultValue: "", description: DECIMALS_DESCRIPTION })
      .addOption({ name: "description", type: ArgumentType.STRING, defaultValue: "", description: "The aggregator's description() (empty: from the config)" })
      .addOption({ name: "protocol", type: ArgumentType.STRING, defaultValue: "", description: PROTOCOL_DESCRIPTION })
      .addFlag({ name: "force", description: "Deploy again although the feed is recorded on this network (the old addresses stay in the record)" })
      .addFlag({ name: "json", description: JSON_DESCRIPTION })
      .setAction(() => import("../tasks/deploy.js"))
      .build(),
    task("ocr:upgrade", "Deploy a new aggregator with its committee behind the feed's proxy (a new phase), as a feed owner upgrades a feed")
      .addOption({ name: "feed", type: ArgumentType.STRING, defaultValue: "", description: "Feed name from ocr.feeds (empty: ocr.defaultFeed)" })
      .addOption({ name: "oracles", type: ArgumentType.STRING, defaultValue: "", description: ORACLES_DESCRIPTION })
      .addOption({ name: "faulty", type: ArgumentType.STRING, defaultValue: "", description: FAULTY_DESCRIPTION })
      .addOption({ name: "decimals", type: ArgumentType.STRING, defaultValue: "", description: DECIMALS_DESCRIPTION })
      .addOption({ name: "description", type: ArgumentType.STRING, defaultValue: "", description: "The new aggregator's description() (empty: from the config)" })
      .addOption({ name: "protocol", type: ArgumentType.STRING, defaultValue: "", description: `${PROTOCOL_DESCRIPTION}; ocr1 to ocr2 keeps the proxy` })
      .addFlag({ name: "json", description: JSON_DESCRIPTION })
      .setAction(() => import("../tasks/upgrade.js"))
      .build(),
    task("ocr:run-round", "Run one full OCR round: observe, report, sign, transmit, and read the answer back through the proxy")
      .addOption({ name: "feed", type: ArgumentType.STRING, defaultValue: "", description: "Feed name from ocr.feeds (empty: ocr.defaultFeed)" })
      .addOption({
        name: "observations",
        type: ArgumentType.STRING,
        defaultValue: "",
        description: "One integer per oracle, oracle 0 first, comma-separated, in the feed's smallest unit (e.g. 2000e8,2001e8,1999e8,2000.5e8)",
      })
      .addOption({ name: "down", type: ArgumentType.STRING, defaultValue: "", description: "Oracles (0-based indices) that are down for this round, comma-separated (at most f)" })
      .addOption({
        name: "byzantine",
        type: ArgumentType.STRING,
        defaultValue: "",
        description: "Byzantine oracles as ORACLE:BEHAVIOUR (0-based), comma-separated (with --down at most f), e.g. 1:wrong-report. Behaviours: " + BYZANTINE_BEHAVIOURS.join(", "),
      })
      .addOption({ name: "oracles", type: ArgumentType.STRING, defaultValue: "", description: `${ORACLES_DESCRIPTION}; in-process chain only (on a node, ocr:deploy decides)` })
      .addOption({ name: "faulty", type: ArgumentType.STRING, defaultValue: "", description: `${FAULTY_DESCRIPTION}; in-process chain only` })
      .addOption({ name: "decimals", type: ArgumentType.STRING, defaultValue: "", description: `${DECIMALS_DESCRIPTION}; in-process chain only` })
      .addOption({ name: "protocol", type: ArgumentType.STRING, defaultValue: "", description: `${PROTOCOL_DESCRIPTION}; in-process chain only` })
      .addOption({ name: "timeout", type: ArgumentType.STRING, defaultValue: "", description: TIMEOUT_DESCRIPTION })
      .addFlag({ name: "json", description: JSON_DESCRIPTION })
      .setAction(() => import("../tasks/run-round.js"))
      .build(),
    task("ocr:run", "Keep the committee reporting on its own rules (deviation, heartbeat) until --rounds reports landed or Ctrl-C")
      .addOption({ name: "feed", type: ArgumentType.STRING, defaultValue: "", description: "Feed name from ocr.feeds (empty: ocr.defaultFeed)" })
      .addOption({ name: "rounds", type: ArgumentType.INT, defaultValue: 0, description: "Stop after this many reports (0: run until Ctrl-C)" })
      .addFlag({ name: "request", description: "Force every report: the owner calls requestNewRound() before each one" })
      .addOption({ name: "timeout", type: ArgumentType.STRING, defaultValue: "", description: "Wall-clock seconds to wait for each report (empty: the heartbeat plus a round's bound on a node, 60 in process)" })
      .addFlag({ name: "json", description: "Print one JSON object per line: one per landed report, then a summary" })
      .setAction(() => import("../tasks/run.js"))
      .build(),
    task("ocr:status", "Show a feed's contracts, config, oracles, latest rounds and the LINK owed to each oracle (read-only)")
      .addOption({ name: "feed", type: ArgumentType.STRING, defaultValue: "", description: "Feed name from ocr.feeds (empty: ocr.defaultFeed)" })
      .addOption({ name: "rounds", type: ArgumentType.INT, defaultValue: 5, description: "How many of the latest rounds to show (0: none)" })
      .addFlag({ name: "json", description: JSON_DESCRIPTION })
      .setAction(() => import("../tasks/status.js"))
      .build(),
    task("ocr:oracle", "Run one oracle of a recorded feed in this process: libp2p to the other oracles, state in a SQLite file, until Ctrl-C")
      .addOption({ name: "feed", type: ArgumentType.STRING, defaultValue: "", description: "Feed name from ocr.feeds (empty: ocr.defaultFeed)" })
      .addOption({ name: "index", type: ArgumentType.STRING, defaultValue: "", description: "This oracle's index in the committee, 0 to n-1" })
      .addOption({ name: "listen", type: ArgumentType.STRING, defaultValue: "", description: "HOST:PORT or multiaddr to listen on (empty: 127.0.0.1 at the feed's p2pBasePort + index)" })
      .addOption({ name: "peers", type: ArgumentType.STRING, defaultValue: "", description: "Every oracle's HOST:PORT, oracle 0 first, comma-separated (empty: 127.0.0.1 at p2pBasePort + i)" })
      .addOption({ name: "stateDir", type: ArgumentType.STRING, defaultValue: "", description: "Folder of the oracle's SQLite state file (empty: <deploymentsDir>/<network>-<chainId>/oracle-state/<feed>)" })
      .addFlag({ name: "json", description: "Print one JSON object per line per event (started, status, transmitted, stopped)" })
      .setAction(() => import("../tasks/oracle.js"))
      .build(),
    task("ocr:committee", "Run every oracle of a recorded feed as its own ocr:oracle process on loopback, with a status line each, until Ctrl-C")
      .addOption({ name: "feed", type: ArgumentType.STRING, defaultValue: "", description: "Feed name from ocr.feeds (empty: ocr.defaultFeed)" })
      .addOption({ name: "stateDir", type: ArgumentType.STRING, defaultValue: "", description: "Folder of the oracles' SQLite state files (empty: as ocr:oracle)" })
      .addFlag({ name: "json", description: "Print one JSON object per line per event (process started, status, report landed, process exited)" })
      .setAction(() => import("../tasks/committee.js"))
      .build(),
    task("ocr:sequencer", "Deploy (first use) or drive an L2 sequencer uptime feed: deliver a down/up status message and show the status")
      .addFlag({ name: "down", description: "Deliver \"the sequencer is down\" (answer 1) through the local bridge stand-in" })
      .addFlag({ name: "up", description: "Deliver \"the sequencer is up\" (answer 0) through the local bridge stand-in" })
      .addOption({ name: "flavour", type: ArgumentType.STRING, defaultValue: "optimism", description: "optimism or arbitrum" })
      .addFlag({ name: "json", description: JSON_DESCRIPTION })
      .setAction(() => import("../tasks/sequencer.js"))
      .build(),
  ],
});

export default hardhatOcrPlugin;
export type * from "./type-extensions.js";
export type * from "./api-types.js";
export type * from "./types.js";
