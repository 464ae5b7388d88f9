import "hardhat/types/config";
import "hardhat/types/network";
import type { OcrApi } from "./api-types.js";
import type { OcrConfig, OcrUserConfig } from "./types.js";

// `connection.ethers` (hardhat-ethers, a dependency of this plugin) is typed wherever ours is.
export type * from "@nomicfoundation/hardhat-ethers";

declare module "hardhat/types/config" {
  interface HardhatUserConfig {
    ocr?: OcrUserConfig;
  }

  interface HardhatConfig {
    ocr: OcrConfig;
  }
}

declare module "hardhat/types/network" {
  interface NetworkConnection<ChainTypeT extends ChainType | string = DefaultChainType> {
    /** OCR1 feeds and their in-process oracle committee on this connection. */
    ocr: OcrApi;
  }
}
