import { PLUGIN_ID } from "../plugin/constants.js";
import { isNoReportError, pluginError } from "../plugin/deployments/user-errors.js";

/**
 * An error the user caused and can fix. Messages read "<what is wrong>. <what to do>"; Hardhat
 * prints them without a stack trace.
 */
export const ocrError = pluginError;

export { isNoReportError };

/** What a `--json` run prints on stdout when it fails, so scripts always get one JSON object. */
export interface JsonErrorOutput {
  error: { plugin: typeof PLUGIN_ID; code?: string; message: string };
}

/**
 * Run a task action; with `json`, a failure also prints `{"error": {...}}` on stdout before the
 * error goes on to Hardhat (which prints it on stderr and sets the exit code).
 */
export async function withJsonErrors<T>(json: boolean, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (json) {
      const message = error instanceof Error ? error.message : String(error);
      const code = (error as { code?: unknown }).code;
      const output: JsonErrorOutput = { error: { plugin: PLUGIN_ID, ...(typeof code === "string" ? { code } : {}), message } };
      console.log(JSON.stringify(output, null, 2));
    }
    throw error;
  }
}

/** How a long wait tells the person at the terminal what it is waiting for (always on stderr). */
export function reportWaiting(what: string, status: { elapsedMs: number; waitingFor: string }): void {
  console.error(`[${(status.elapsedMs / 1000).toFixed(0)} s] ${what}: ${status.waitingFor}`);
}
