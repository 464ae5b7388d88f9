import type { HardhatPlugin } from "hardhat/types/plugins";
import { definePlugin } from "hardhat/plugins";

import "./type-extensions.js";

/**
 * hardhat-ocr: Chainlink OCR1 feeds and an in-process oracle committee for Hardhat 3.
 */
const hardhatOcrPlugin: HardhatPlugin = definePlugin({
  id: "hardhat-ocr",
  // Lives inside this repository; the published package sets its npm name here.
  npmPackage: null,
  dependencies: () => [import("@nomicfoundation/hardhat-ethers")],
  hookHandlers: {
    config: () => import("./hook-handlers/config.js"),
  },
});

export default hardhatOcrPlugin;
export type * from "./type-extensions.js";
export type * from "./types.js";
