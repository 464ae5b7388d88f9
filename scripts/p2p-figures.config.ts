/**
 * The config `scripts/p2p-figures.ts` runs oracle processes with: the project's config plus a
 * network for the `hardhat node` the script starts (P2P_FIGURES_NODE_URL), a scratch deployments
 * folder (P2P_FIGURES_DEPLOYMENTS_DIR), and one feed per committee size, on the protocol the script
 * measures (P2P_FIGURES_PROTOCOL, default OCR2). Every oracle observes a
 * fixed value and the one-second heartbeat makes every round report, so each round is a report.
 */
import { defineConfig } from "hardhat/config";

import baseConfig from "../hardhat.config.js";

const timing = { deltaProgressMs: 20_000, deltaResendMs: 2_000, deltaRoundMs: 2_000, deltaGraceMs: 200, deltaStageMs: 4_000, rMax: 50 };
const basePort = Number(process.env.P2P_FIGURES_BASE_PORT ?? 6690);
const protocol = process.env.P2P_FIGURES_PROTOCOL === "ocr1" ? "ocr1" : "ocr2";

export default defineConfig({
  ...baseConfig,
  networks: {
    ...baseConfig.networks,
    figuresNode: { type: "http", url: process.env.P2P_FIGURES_NODE_URL ?? "http://127.0.0.1:1" },
  },
  ocr: {
    feeds: {
      "P2P 4/1": { protocol, oracles: 4, faultTolerance: 1, deltaCMs: 1_000, timing, dataSource: { type: "fixed", value: 3000_00000000n }, p2pBasePort: basePort },
      "P2P 7/2": { protocol, oracles: 7, faultTolerance: 2, deltaCMs: 1_000, timing, dataSource: { type: "fixed", value: 3000_00000000n }, p2pBasePort: basePort + 10 },
    },
    ...(process.env.P2P_FIGURES_DEPLOYMENTS_DIR !== undefined ? { deploymentsDir: process.env.P2P_FIGURES_DEPLOYMENTS_DIR } : {}),
  },
});
