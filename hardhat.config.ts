import { createRequire } from "node:module";

import hardhatEthers from "@nomicfoundation/hardhat-ethers";
import hardhatEthersChaiMatchers from "@nomicfoundation/hardhat-ethers-chai-matchers";
import hardhatIgnitionEthers from "@nomicfoundation/hardhat-ignition-ethers";
import hardhatMocha from "@nomicfoundation/hardhat-mocha";
import hardhatNetworkHelpers from "@nomicfoundation/hardhat-network-helpers";
import hardhatTypechain from "@nomicfoundation/hardhat-typechain";
import { defineConfig } from "hardhat/config";

import hardhatOcr from "./plugin/index.js";

// Hardhat cannot download compilers on machines without internet access, so the
// compiler comes from the `solc` npm package, pinned to exactly this version.
const require = createRequire(import.meta.url);
const SOLC_VERSION = "0.8.30";

export default defineConfig({
  plugins: [
    hardhatEthers,
    hardhatTypechain,
    hardhatMocha,
    hardhatEthersChaiMatchers,
    hardhatNetworkHelpers,
    hardhatIgnitionEthers,
    hardhatOcr,
  ],
  solidity: {
    version: SOLC_VERSION,
    path: require.resolve("solc/soljson.js"),
    settings: {
      optimizer: { enabled: true, runs: 1000 },
    },
  },
  paths: { ignition: "deploy" },
  test: { mocha: { timeout: 120_000 } },
});
