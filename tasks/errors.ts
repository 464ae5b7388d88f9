import { HardhatPluginError } from "hardhat/plugins";

export const PLUGIN_ID = "hardhat-ocr";

/**
 * An error the user caused and can fix. Messages read "<what is wrong>. <what to do>"; Hardhat
 * prints them without a stack trace.
 */
export function ocrError(message: string, cause?: Error): HardhatPluginError {
  return new HardhatPluginError(PLUGIN_ID, message, cause);
}

/** Runs' failures the committee reports as "no report landed" (see NoReportError in api-types). */
export function isNoReportError(error: unknown): error is Error & { code: "OCR_NO_REPORT"; reason: string } {
  return error instanceof Error && (error as { code?: unknown }).code === "OCR_NO_REPORT";
}
