/**
 * Errors a user caused and can fix, as Hardhat prints them: a HardhatPluginError naming the
 * plugin, whose message says what is wrong and what to do (no stack trace).
 */
import { HardhatPluginError } from "hardhat/plugins";

import { PLUGIN_ID } from "../constants.js";
import { noReportLanded } from "../messages.js";

export function pluginError(message: string, cause?: Error): HardhatPluginError {
  return new HardhatPluginError(PLUGIN_ID, message, cause);
}

/** Runs' failures the committee reports as "no report landed" (see NoReportError in api-types). */
export function isNoReportError(error: unknown): error is Error & { code: "OCR_NO_REPORT"; reason: string } {
  return error instanceof Error && (error as { code?: unknown }).code === "OCR_NO_REPORT";
}

/** Run an API call whose "no report landed" failure should read as a plugin error saying what to check. */
export async function withUserErrors<T>(what: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (isNoReportError(error)) throw pluginError(noReportLanded(what, error.reason), error);
    throw error;
  }
}
