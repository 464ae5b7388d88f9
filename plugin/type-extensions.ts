import "hardhat/types/config";
import type { OcrConfig, OcrUserConfig } from "./types.js";

declare module "hardhat/types/config" {
  interface HardhatUserConfig {
    ocr?: OcrUserConfig;
  }

  interface HardhatConfig {
    ocr: OcrConfig;
  }
}
