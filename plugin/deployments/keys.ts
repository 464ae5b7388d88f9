/**
 * Where the oracle keys' seed of a feed lives. Every oracle key derives from one seed
 * (`deriveOracleKeys(seed, i)`), so whoever holds the seed controls the committee:
 *
 * - On a local dev chain (chainId 31337 or 1337, whose accounts are public anyway) the seed may
 *   sit in `<deploymentsDir>/<network>-<chainId>/keys.json`, next to a `.gitignore` that keeps
 *   it out of git, so commands in later processes can drive the committee `ocr:deploy` set up.
 * - Anywhere else it must come from the feed's `keySeed` configuration variable (environment
 *   variable or keystore) and is never written down.
 * - A configured `keySeed` is only read off local dev chains, so the same config works on a
 *   local node without the secret set; it is never written to keys.json either.
 */
import path from "node:path";

import { LOCAL_DEV_CHAIN_IDS } from "../constants.js";
import { keysFileUnusable } from "../messages.js";
import type { KeySource } from "./records.js";
import { readFileIfExists, writeFileAtomically } from "./records.js";
import { pluginError } from "./user-errors.js";

export const KEYS_FILE_NAME = "keys.json";
export const KEYS_FILE_FORMAT = "hardhat-ocr-keys/1";

interface KeysFile {
  format: typeof KEYS_FILE_FORMAT;
  /** Feed name -> the seed its committee's keys derive from. */
  feeds: Record<string, { seed: string }>;
}

export function isLocalDevChain(chainId: bigint): boolean {
  return LOCAL_DEV_CHAIN_IDS.includes(chainId);
}

/**
 * Which key source a feed uses on a chain, or undefined when it has none there (a public chain
 * and no `keySeed` configured).
 */
export function keySourceFor(chainId: bigint, hasKeySeedVariable: boolean): KeySource | undefined {
  if (isLocalDevChain(chainId)) return "local-keys-file";
  return hasKeySeedVariable ? "config-variable" : undefined;
}

export function keysFilePath(networkDir: string): string {
  return path.join(networkDir, KEYS_FILE_NAME);
}

async function readKeysFile(networkDir: string): Promise<KeysFile | undefined> {
  const file = keysFilePath(networkDir);
  const text = await readFileIfExists(file);
  if (text === undefined) return undefined;
  const unusable = (problem: string) => pluginError(keysFileUnusable(file, problem));
  let json: Partial<KeysFile>;
  try {
    json = JSON.parse(text) as Partial<KeysFile>;
  } catch {
    throw unusable("is not valid JSON");
  }
  if (typeof json !== "object" || json === null || json.format !== KEYS_FILE_FORMAT || typeof json.feeds !== "object" || json.feeds === null) {
    throw unusable(`is not a hardhat-ocr keys file (expected format ${JSON.stringify(KEYS_FILE_FORMAT)})`);
  }
  for (const [feed, entry] of Object.entries(json.feeds)) {
    if (typeof entry !== "object" || entry === null || typeof (entry as { seed?: unknown }).seed !== "string") throw unusable(`has no usable seed for feed ${JSON.stringify(feed)}`);
  }
  return json as KeysFile;
}

/** The seed recorded for `feedName`, or undefined when there is none. */
export async function readLocalKeySeed(networkDir: string, feedName: string): Promise<string | undefined> {
  const seed = (await readKeysFile(networkDir))?.feeds[feedName]?.seed;
  return typeof seed === "string" ? seed : undefined;
}

/**
 * Record `seed` for `feedName`, keeping other feeds' entries. The file is readable by its owner
 * only, and a `.gitignore` beside it keeps it out of commits.
 */
export async function writeLocalKeySeed(networkDir: string, feedName: string, seed: string): Promise<void> {
  const existing = (await readKeysFile(networkDir)) ?? { format: KEYS_FILE_FORMAT, feeds: {} };
  const updated: KeysFile = { format: KEYS_FILE_FORMAT, feeds: { ...existing.feeds, [feedName]: { seed } } };
  await writeFileAtomically(keysFilePath(networkDir), JSON.stringify(updated, null, 2) + "\n", 0o600);
  await writeFileAtomically(
    path.join(networkDir, ".gitignore"),
    `# Oracle key seeds of local dev chains, written by hardhat-ocr: never commit them.\n${KEYS_FILE_NAME}\n`,
  );
}

/** Drop `feedName`'s seed (e.g. when a redeploy takes its keys from a configuration variable). */
export async function forgetLocalKeySeed(networkDir: string, feedName: string): Promise<void> {
  const existing = await readKeysFile(networkDir);
  if (existing === undefined || !(feedName in existing.feeds)) return;
  const { [feedName]: _dropped, ...rest } = existing.feeds;
  await writeFileAtomically(keysFilePath(networkDir), JSON.stringify({ format: KEYS_FILE_FORMAT, feeds: rest }, null, 2) + "\n", 0o600);
}
