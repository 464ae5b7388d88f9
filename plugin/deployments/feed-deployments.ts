/**
 * Feeds deployed on a JSON-RPC network and used again by later processes: deploying one and
 * recording it (never replacing a recorded feed without `force`), attaching to a recorded one
 * with its keys (following the proxy to an upgraded aggregator, and telling a stale record from
 * wrong keys), and moving a record to a new aggregator after an upgrade. Every function takes
 * the site it works on; the `ocr:*` tasks are thin actions over them.
 */
import { Interface } from "ethers";

import type { DeployFeedOptions, FeedAddresses, OcrApi, OcrFeed } from "../api-types.js";
import { attachFeedWithKeySeed, deployFeedWithKeySeed } from "../api.js";
import { sameAddress } from "../core/address.js";
import { PROXY_ABI, aggregatorInterface } from "../feed/contracts.js";
import {
  alreadyDeployed,
  keysDoNotMatchRecord,
  keysNotInKeysFile,
  notDeployed,
  recordFollowedUpgrade,
  recordNotWritten,
  recordStale,
  recordUnusable,
  recordedContractGone,
} from "../messages.js";
import type { OcrFeedConfig } from "../types.js";
import { type OracleKeySeed, resolveOracleKeySeed } from "./key-seed.js";
import { forgetLocalKeySeed, keysFilePath, readLocalKeySeed, writeLocalKeySeed } from "./keys.js";
import {
  DEPLOYMENT_RECORD_FORMAT,
  type DeploymentRecord,
  DeploymentRecordError,
  type KeySource,
  asPrevious,
  deploymentRecordPath,
  readDeploymentRecord,
  writeDeploymentRecord,
} from "./records.js";
import { pluginError, withUserErrors } from "./user-errors.js";

const PROXY_INTERFACE = new Interface(PROXY_ABI);

/** A JSON-RPC network with its deployments folder: where feeds are recorded and attached to. */
export interface DeploymentSite {
  readonly networkName: string;
  readonly chainId: bigint;
  readonly deploymentsDir: string;
  /** `<deploymentsDir>/<network>-<chainId>`: the records and keys.json of this network. */
  readonly networkDir: string;
  /** The network's JSON-RPC (eth_getCode, eth_call). */
  readonly rpc: { request(args: { readonly method: string; readonly params?: unknown[] }): Promise<unknown> };
  /** `connection.ocr` on that network. */
  readonly api: OcrApi;
  /** The command that (re)deploys `feedName` on this network, as messages quote it. */
  deployCommand(feedName: string): string;
  /** Tells the person at the terminal something that is not an error. */
  notice(message: string): void;
}

export interface RecordedDeployment {
  readonly feed: OcrFeed;
  /** Where the record was written. */
  readonly recordFile: string;
  readonly keySource: KeySource;
  /** The addresses this deployment replaced in the record (`force`), kept there under "previous". */
  readonly replaced?: FeedAddresses;
}

const chainOf = (site: DeploymentSite) => ({ networkName: site.networkName, chainId: site.chainId, simulated: false });

/**
 * Deploy `feed` with `overrides` and record it, and on a local dev chain its key seed, for later
 * commands. A recorded feed whose proxy is still on chain is only replaced with `force`.
 */
export async function deployAndRecordFeed(
  site: DeploymentSite,
  feed: OcrFeedConfig,
  overrides: DeployFeedOptions,
  options: { readonly force?: boolean } = {},
): Promise<RecordedDeployment> {
  // A recorded feed is never replaced silently: consumers may read its proxy.
  const existing = await readRecordOrExplain(site, feed.name);
  if (existing !== undefined && options.force !== true && (await hasCode(site, existing.addresses.proxy))) {
    throw pluginError(alreadyDeployed(feed.name, site.networkName, existing.addresses.proxy, existing.deployedAt));
  }
  const keySeed = await resolveOracleKeySeed(feed, chainOf(site));
  const keySource: KeySource = keySeed.isPlain ? "local-keys-file" : "config-variable";
  const deployed = await withUserErrors("Deploying the feed", () => deployFeedWithKeySeed(site.api, feed.name, overrides, keySeed));
  const record: DeploymentRecord = {
    ...recordOfFeed(site, deployed, keySource, overrides.description ?? feed.description),
    ...(existing !== undefined ? { previous: asPrevious(existing, "redeployed") } : {}),
  };
  // Keys first: a record without keys would be unusable, keys without a record are harmless.
  if (keySeed.isPlain) await writeLocalKeySeed(site.networkDir, feed.name, keySeed.plainText());
  else await forgetLocalKeySeed(site.networkDir, feed.name);
  const recordFile = await writeRecordOrExplain(site, record);
  return { feed: deployed, recordFile, keySource, ...(existing !== undefined ? { replaced: existing.addresses } : {}) };
}

/**
 * The recorded deployment of `feed`, attached with its keys (or, `readOnly`, without any). An
 * upgrade since the record was written (the proxy reads another aggregator) moves the record on.
 */
export async function attachRecordedFeed(site: DeploymentSite, feed: OcrFeedConfig, options: { readonly readOnly?: boolean } = {}): Promise<OcrFeed> {
  const record = await readRecordOrExplain(site, feed.name);
  if (record === undefined) {
    throw pluginError(notDeployed(feed.name, site, deploymentRecordPath(site.deploymentsDir, site.networkName, site.chainId, feed.name), site.deployCommand(feed.name)));
  }
  await requireContractsPresent(site, record);
  // Follow the proxy: an upgrade (ocr:upgrade, or upgradeAggregator through the API) moved it on.
  const current = await proxyAggregator(site, record.addresses.proxy);
  const upgraded = !sameAddress(current, record.addresses.aggregator);
  const addresses: FeedAddresses = upgraded ? { ...record.addresses, aggregator: current } : record.addresses;
  if (!upgraded) await requireRecordIsCurrent(site, record);
  const described = { decimals: record.decimals, description: record.description };
  if (options.readOnly === true) {
    // Reading needs no oracle keys: everything comes from the chain.
    return withUserErrors("Attaching to the recorded feed", () => site.api.attachFeed(feed.name, addresses, { ...described, readOnly: true }));
  }
  const keySeed = await recordedKeySeed(site, feed, record);
  // After an upgrade the committee may differ from the record's; attaching checks the keys against the chain.
  if (!upgraded) requireKeysMatchRecord(site, record, keySeed);
  const committee = upgraded ? {} : { oracles: record.n, faultTolerance: record.f };
  const attached = await withUserErrors("Attaching to the recorded feed", () =>
    attachFeedWithKeySeed(site.api, feed.name, addresses, { ...committee, ...described }, keySeed),
  );
  if (upgraded) {
    const file = await recordUpgrade(site, record, attached);
    site.notice(recordFollowedUpgrade(feed.name, current, record.deployedAt, file, record.addresses.aggregator));
  }
  return attached;
}

/**
 * The key seed of a recorded deployment: on a local dev chain the one in keys.json, elsewhere the
 * feed's keySeed variable (the one rule of resolveOracleKeySeed).
 */
export async function recordedKeySeed(site: DeploymentSite, feed: OcrFeedConfig, record: DeploymentRecord): Promise<OracleKeySeed> {
  return resolveOracleKeySeed(feed, chainOf(site), {
    deployedWithKeySeed: record.keySource === "config-variable",
    plainSeed: async () => {
      const seed = await readLocalKeySeed(site.networkDir, feed.name);
      if (seed === undefined) throw pluginError(keysNotInKeysFile(feed.name, site.networkName, keysFilePath(site.networkDir), site.deployCommand(feed.name)));
      return seed;
    },
  });
}

/**
 * Record that `feed` moved to a new aggregator (an upgrade, by `ocr:upgrade` or through the API):
 * the record follows the proxy, and the aggregator it pointed at goes to `previous`.
 */
export async function recordUpgrade(site: DeploymentSite, record: DeploymentRecord, feed: OcrFeed): Promise<string> {
  const updated: DeploymentRecord = {
    ...recordOfFeed(site, feed, record.keySource, record.description),
    previous: asPrevious(record, "upgraded"),
  };
  return writeRecordOrExplain(site, updated);
}

/** The record of `feedName` here, or undefined; an unusable record file is a plugin error saying what to do. */
export async function readRecordOrExplain(site: DeploymentSite, feedName: string): Promise<DeploymentRecord | undefined> {
  try {
    return await readDeploymentRecord(site.deploymentsDir, site.networkName, site.chainId, feedName);
  } catch (error) {
    if (!(error instanceof DeploymentRecordError)) throw error;
    throw pluginError(recordUnusable(error.message, site.deployCommand(feedName)), error);
  }
}

async function writeRecordOrExplain(site: DeploymentSite, record: DeploymentRecord): Promise<string> {
  try {
    return await writeDeploymentRecord(site.deploymentsDir, record);
  } catch (error) {
    if (!(error instanceof DeploymentRecordError)) throw error;
    throw pluginError(recordNotWritten(error.message), error);
  }
}

/** A record of `feed` as it is now on chain. */
function recordOfFeed(site: DeploymentSite, feed: OcrFeed, keySource: KeySource, description: string): DeploymentRecord {
  return {
    format: DEPLOYMENT_RECORD_FORMAT,
    network: site.networkName,
    chainId: site.chainId.toString(),
    feed: feed.name,
    addresses: { ...feed.addresses },
    n: feed.n,
    f: feed.f,
    decimals: feed.decimals,
    description,
    configDigest: feed.configDigest,
    oracles: feed.oracles.map((o) => ({ ...o })),
    keySource,
    deployedAt: new Date().toISOString(),
  };
}

/** True when there is a contract at `address` on the site's chain (a restarted dev node has none). */
export async function hasCode(site: DeploymentSite, address: string): Promise<boolean> {
  const code = (await site.rpc.request({ method: "eth_getCode", params: [address, "latest"] })) as string;
  return code !== "0x" && code !== "";
}

/** A record outlives its chain when a dev node restarts; say so instead of failing on a call. */
async function requireContractsPresent(site: DeploymentSite, record: DeploymentRecord): Promise<void> {
  const { aggregator, proxy, linkToken } = record.addresses;
  for (const [what, address] of [["aggregator", aggregator], ["proxy", proxy], ["LINK token", linkToken]] as const) {
    if (!(await hasCode(site, address))) throw pluginError(recordedContractGone(record.feed, site.networkName, what, address, site.deployCommand(record.feed)));
  }
}

/** The aggregator a proxy currently reads. */
async function proxyAggregator(site: DeploymentSite, proxy: string): Promise<string> {
  const data = PROXY_INTERFACE.encodeFunctionData("aggregator", []);
  const result = (await site.rpc.request({ method: "eth_call", params: [{ to: proxy, data }, "latest"] })) as string;
  return PROXY_INTERFACE.decodeFunctionResult("aggregator", result)[0] as string;
}

/** latestConfigDetails with the digest read as a whole word, whichever protocol the aggregator runs. */
const DIGEST_WORD_INTERFACE = new Interface(["function latestConfigDetails() view returns (uint32, uint32, bytes32)"]);

/**
 * The record must describe what is on chain. A restarted dev node hands the same addresses to
 * whatever is deployed next, so the recorded addresses can hold another feed's contracts: say the
 * record is stale rather than blaming the keys.
 */
async function requireRecordIsCurrent(site: DeploymentSite, record: DeploymentRecord): Promise<void> {
  const data = aggregatorInterface.encodeFunctionData("latestConfigDetails", []);
  const result = (await site.rpc.request({ method: "eth_call", params: [{ to: record.addresses.aggregator, data }, "latest"] })) as string;
  // The third word holds OCR1's bytes16 digest left-aligned, or OCR2's whole bytes32 one.
  const [, , word] = DIGEST_WORD_INTERFACE.decodeFunctionResult("latestConfigDetails", result) as unknown as [bigint, bigint, string];
  const recorded = record.configDigest.toLowerCase();
  const configDigest = recorded.length === 34 && /^0{32}$/.test(word.slice(34)) ? word.slice(0, 34) : word;
  if (configDigest.toLowerCase() === recorded) return;
  throw pluginError(recordStale(record.feed, site.networkName, record.addresses.aggregator, configDigest, record.configDigest, site.deployCommand(record.feed)));
}

/** The key seed must give the oracles the record lists; checked before attaching, so a wrong one is named without being shown. */
function requireKeysMatchRecord(site: DeploymentSite, record: DeploymentRecord, keySeed: OracleKeySeed): void {
  const mismatch = record.oracles.find((oracle) => !sameAddress(keySeed.oracleKeys(oracle.index).signerAddress, oracle.signer));
  if (mismatch === undefined) return;
  const source = record.keySource === "config-variable" ? "config-variable" : { keysFile: keysFilePath(site.networkDir) };
  throw pluginError(keysDoNotMatchRecord(source, record.feed, site.networkName, mismatch, site.deployCommand(record.feed)));
}
