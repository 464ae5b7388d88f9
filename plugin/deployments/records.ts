/**
 * Deployment records: what `ocr:deploy` writes for a feed on a JSON-RPC network so that later
 * commands, in other processes, can attach to the same contracts with the same oracles.
 *
 * One JSON file per network and feed: `<deploymentsDir>/<network>-<chainId>/<slug>-<hash>.json`,
 * where the hash is of the exact feed name, so two names with the same slug ("ETH / USD" and
 * "ETH/USD") never share a file. Records written before the hash was added (`<slug>.json`) are
 * still read. A record holds only public facts (addresses, committee size, public oracle
 * identities, config digest); secrets never go here (see keys.ts). Nothing recorded is dropped:
 * a redeployment or an upgrade moves the addresses it replaces into `previous`.
 */
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";

import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";

import type { FeedAddresses, OracleInfo } from "../api-types.js";

export const DEPLOYMENT_RECORD_FORMAT = "hardhat-ocr-deployment/1";
export const DEFAULT_DEPLOYMENTS_DIR = "ocr-deployments";

/** Where the oracle keys' seed of a recorded feed comes from. */
export type KeySource = "local-keys-file" | "config-variable";

export interface DeploymentRecord {
  readonly format: typeof DEPLOYMENT_RECORD_FORMAT;
  readonly network: string;
  /** Decimal string: chain ids can exceed 2^53. */
  readonly chainId: string;
  readonly feed: string;
  readonly addresses: FeedAddresses;
  readonly n: number;
  readonly f: number;
  readonly decimals: number;
  readonly description: string;
  readonly configDigest: string;
  readonly oracles: readonly OracleInfo[];
  readonly keySource: KeySource;
  /** ISO-8601 time the record was written. */
  readonly deployedAt: string;
  /** What this record replaced, newest first: earlier deployments and pre-upgrade aggregators. */
  readonly previous?: readonly PreviousDeployment[];
}

/** A deployment or aggregator a record no longer points at, kept so no address is ever lost. */
export interface PreviousDeployment {
  readonly addresses: FeedAddresses;
  readonly n: number;
  readonly f: number;
  readonly configDigest: string;
  readonly deployedAt: string;
  /** When and why it was replaced. */
  readonly replacedAt: string;
  readonly reason: "redeployed" | "upgraded";
}

/** The entry `record` becomes in the `previous` list of the record that replaces it. */
export function asPrevious(record: DeploymentRecord, reason: PreviousDeployment["reason"]): PreviousDeployment[] {
  const entry: PreviousDeployment = {
    addresses: { ...record.addresses },
    n: record.n,
    f: record.f,
    configDigest: record.configDigest,
    deployedAt: record.deployedAt,
    replacedAt: new Date().toISOString(),
    reason,
  };
  return [entry, ...(record.previous ?? [])];
}

/**
 * A file-name-safe, stable name for a feed: lower case, runs of anything but letters and
 * digits become one dash ("ETH / USD" -> "eth-usd"). A name with no letters or digits gets a
 * hex spelling so it still maps to a file.
 */
export function feedSlug(feedName: string): string {
  const slug = feedName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug !== "" ? slug : "feed-" + Buffer.from(feedName, "utf8").toString("hex");
}

/** The folder of one network's records: `<network>-<chainId>`, with path separators defused. */
export function networkFolderName(networkName: string, chainId: bigint): string {
  return `${networkName.replace(/[^A-Za-z0-9_.-]+/g, "-")}-${chainId}`;
}

/** The configured deployments folder as an absolute path. */
export function resolveDeploymentsDir(projectRoot: string, configured: string | undefined): string {
  return path.resolve(projectRoot, configured ?? DEFAULT_DEPLOYMENTS_DIR);
}

export function networkDeploymentsDir(deploymentsDir: string, networkName: string, chainId: bigint): string {
  return path.join(deploymentsDir, networkFolderName(networkName, chainId));
}

/** The record's file name: the slug for people, a hash of the exact name so names never collide. */
export function recordFileName(feedName: string): string {
  const hash = bytesToHex(sha256(new TextEncoder().encode(feedName))).slice(0, 8);
  return `${feedSlug(feedName)}-${hash}.json`;
}

export function deploymentRecordPath(deploymentsDir: string, networkName: string, chainId: bigint, feedName: string): string {
  return path.join(networkDeploymentsDir(deploymentsDir, networkName, chainId), recordFileName(feedName));
}

/** Where records were written before file names carried a hash (still read, never written). */
export function legacyDeploymentRecordPath(deploymentsDir: string, networkName: string, chainId: bigint, feedName: string): string {
  return path.join(networkDeploymentsDir(deploymentsDir, networkName, chainId), `${feedSlug(feedName)}.json`);
}

/** The text of `file`, or undefined when there is no such file (other read errors throw). */
export async function readFileIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Write `text` to `file` via a temporary file and a rename, so readers never see half a file. */
export async function writeFileAtomically(file: string, text: string, mode = 0o644): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, text, { mode });
  await rename(temporary, file);
}

/**
 * Write `record` (atomically). A file there that records another feed is never overwritten; a
 * legacy `<slug>.json` of the same feed is removed once the new file holds everything it had.
 */
export async function writeDeploymentRecord(deploymentsDir: string, record: DeploymentRecord): Promise<string> {
  const chainId = BigInt(record.chainId);
  const file = deploymentRecordPath(deploymentsDir, record.network, chainId, record.feed);
  const existing = await readFileIfExists(file);
  if (existing !== undefined) {
    const other = recordedFeedName(existing);
    if (other !== record.feed) {
      throw new DeploymentRecordError(file, `records ${other === undefined ? "something that is not a feed" : `feed ${JSON.stringify(other)}`}, not ${JSON.stringify(record.feed)}; it was not overwritten`);
    }
  }
  await writeFileAtomically(file, JSON.stringify(record, null, 2) + "\n");
  const legacy = legacyDeploymentRecordPath(deploymentsDir, record.network, chainId, record.feed);
  const legacyText = await readFileIfExists(legacy);
  if (legacyText !== undefined && recordedFeedName(legacyText) === record.feed) await rm(legacy, { force: true });
  return file;
}

/** The feed name a record file's text holds, or undefined when it is not a record. */
function recordedFeedName(text: string): string | undefined {
  try {
    const json = JSON.parse(text) as { format?: unknown; feed?: unknown };
    return json.format === DEPLOYMENT_RECORD_FORMAT && typeof json.feed === "string" ? json.feed : undefined;
  } catch {
    return undefined;
  }
}

/** Why a record file could not be used. */
export class DeploymentRecordError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = "DeploymentRecordError";
  }
}

/**
 * The record of `feedName` on this network and chain, or undefined when none was written.
 * Throws DeploymentRecordError when the file exists but is not a record of that feed.
 */
export async function readDeploymentRecord(
  deploymentsDir: string,
  networkName: string,
  chainId: bigint,
  feedName: string,
): Promise<DeploymentRecord | undefined> {
  let file = deploymentRecordPath(deploymentsDir, networkName, chainId, feedName);
  let text = await readFileIfExists(file);
  if (text === undefined) {
    // A record from before file names carried a hash, if it is this feed's (its slug may be shared).
    file = legacyDeploymentRecordPath(deploymentsDir, networkName, chainId, feedName);
    text = await readFileIfExists(file);
    if (text === undefined || recordedFeedName(text) !== feedName) return undefined;
  }
  const record = parseRecordText<DeploymentRecord>(file, text, deploymentRecordProblem);
  if (record.feed !== feedName) {
    throw new DeploymentRecordError(file, `records feed ${JSON.stringify(record.feed)}, not ${JSON.stringify(feedName)}`);
  }
  checkRecordedChain(file, record, chainId);
  return record;
}

/**
 * A record file's text as a record: valid JSON with every field `problemOf` asks for, or a
 * DeploymentRecordError naming the file and what is wrong with it.
 */
export function parseRecordText<Record>(file: string, text: string, problemOf: (json: unknown) => string | undefined): Record {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new DeploymentRecordError(file, "is not valid JSON");
  }
  const problem = problemOf(json);
  if (problem !== undefined) throw new DeploymentRecordError(file, problem);
  return json as Record;
}

/** A record read for chain `chainId` must say it was written for that chain. */
export function checkRecordedChain(file: string, record: { readonly chainId: string }, chainId: bigint): void {
  if (record.chainId !== chainId.toString()) throw new DeploymentRecordError(file, `records chain ${record.chainId}, not ${chainId}`);
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const HEX = /^0x([0-9a-fA-F]{2})*$/;

/** What is wrong with a parsed record, or undefined when it has every field with the right type. */
export function deploymentRecordProblem(json: unknown): string | undefined {
  if (typeof json !== "object" || json === null) return "is not a JSON object";
  const r = json as Record<string, unknown>;
  if (r.format !== DEPLOYMENT_RECORD_FORMAT) return `has format ${JSON.stringify(r.format)}, expected ${JSON.stringify(DEPLOYMENT_RECORD_FORMAT)}`;
  for (const key of ["network", "feed", "description", "deployedAt"] as const) {
    if (typeof r[key] !== "string") return `field ${key} is not a string`;
  }
  if (typeof r.chainId !== "string" || !/^[0-9]+$/.test(r.chainId)) return "field chainId is not a decimal string";
  if (typeof r.configDigest !== "string" || !HEX.test(r.configDigest)) return "field configDigest is not 0x-hex";
  if (r.keySource !== "local-keys-file" && r.keySource !== "config-variable") return "field keySource is unknown";
  for (const key of ["n", "f", "decimals"] as const) {
    if (!Number.isInteger(r[key])) return `field ${key} is not an integer`;
  }
  const addresses = r.addresses as Record<string, unknown> | undefined;
  if (typeof addresses !== "object" || addresses === null) return "field addresses is missing";
  for (const key of ["aggregator", "proxy", "linkToken"] as const) {
    if (typeof addresses[key] !== "string" || !ADDRESS.test(addresses[key] as string)) return `addresses.${key} is not an address`;
  }
  if (addresses.accessController !== undefined && !(typeof addresses.accessController === "string" && ADDRESS.test(addresses.accessController))) {
    return "addresses.accessController is not an address";
  }
  if (r.previous !== undefined && !Array.isArray(r.previous)) return "field previous is not a list";
  if (!Array.isArray(r.oracles) || r.oracles.length !== r.n) return "field oracles does not list n oracles";
  for (const [i, o] of (r.oracles as Record<string, unknown>[]).entries()) {
    if (o?.index !== i) return `oracles[${i}].index is not ${i}`;
    for (const key of ["signer", "transmitter", "payee"] as const) {
      if (typeof o[key] !== "string" || !ADDRESS.test(o[key] as string)) return `oracles[${i}].${key} is not an address`;
    }
    if (typeof o.offchainPublicKey !== "string" || !HEX.test(o.offchainPublicKey)) return `oracles[${i}].offchainPublicKey is not 0x-hex`;
  }
  return undefined;
}
