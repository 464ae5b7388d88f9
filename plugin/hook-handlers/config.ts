import type { ConfigHooks } from "hardhat/types/hooks";

import { resolveOcrConfig, validateOcrUserConfig } from "../config.js";

export default async (): Promise<Partial<ConfigHooks>> => ({
  async validateUserConfig(userConfig) {
    return validateOcrUserConfig(userConfig.ocr);
  },

  async resolveUserConfig(userConfig, resolveConfigurationVariable, next) {
    const resolved = await next(userConfig, resolveConfigurationVariable);
    return { ...resolved, ocr: resolveOcrConfig(userConfig.ocr) };
  },
});
