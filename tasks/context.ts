/**
 * What every `ocr:*` task does first: pick the feed, connect to the network, and find (or, on
 * the in-process network, deploy) the feed's contracts and committee.
 */
import { Interface } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";

import type { DeployFeedOptions, FeedAddresses, OcrFeed } from "../plugin/api-types.js";
import { sameAddress } from "../plugin/core/address.js";
import { PROXY_ABI, aggregatorInterface } from "../plugin/feed/contracts.js";
import { deriveOracleKeys } from "../plugin/core/keys.js";
import {
  type DeploymentRecord,
  DeploymentRecordError,
  asPrevious,
  type KeySource,
  deploymentRecordPath,
  forgetLocalKeySeed,
  keySourceFor,
  keysFilePath,
  networkDeploymentsDir,
  readDeploymentRecord,
  readKeySeedVariable,
  readLocalKeySeed,
  resolveDeploymentsDir,
  writeDeploymentRecord,
  writeLocalKeySeed,
} from "../plugin/deployments/index.js";
import type { OcrFeedConfig } from "../plugin/types.js";
import { buildProjectFirst } from "./build-first.js";
import { isNoReportError, ocrError } from "./errors.js";
import { givenText } from "./parse.js";

const PROXY_INTERFACE = new Interface(PROXY_ABI);

export interface OcrTaskContext {
  readonly hre: HardhatRuntimeEnvironment;
  readonly connection: NetworkConnection;
  readonly networkName: string;
  readonly chainId: bigint;
  /** The simulated chain inside this process: it ends with the command, so nothing is recorded. */
  readonly inProcess: boolean;
  /** `<deploymentsDir>/<network>-<chainId>` (only used on JSON-RPC networks). */
  readonly networkDir: string;
  readonly deploymentsDir: string;
}

/** The feed config for `--feed` (the default feed when omitted); unknown names are user errors. */
export function feedConfigFor(hre: HardhatRuntimeEnvironment, feedName: string | undefined): OcrFeedConfig {
  const name = givenText(feedName) ?? hre.config.ocr.defaultFeed;
  const feed = hre.config.ocr.feeds[name];
  if (feed === undefined) {
    const known = Object.keys(hre.config.ocr.feeds).map((n) => JSON.stringify(n)).join(", ");
    throw ocrError(`Unknown feed ${JSON.stringify(name)}; the configured feeds are ${known}. Pass one of them with --feed, or add ocr.feeds[${JSON.stringify(name)}] to your Hardhat config`);
  }
  return feed;
}

/** Connect to the selected network (`--network`) and learn its chain id. */
export async function openTaskContext(hre: HardhatRuntimeEnvironment): Promise<OcrTaskContext> {
  await buildProjectFirst(hre);
  const connection = await hre.network.getOrCreate();
  const networkName = connection.networkName;
  let chainIdHex: string;
  try {
    chainIdHex = (await connection.provider.request({ method: "eth_chainId" })) as string;
  } catch (error) {
    const where = await networkUrl(connection);
    throw ocrError(
      `Cannot reach network "${networkName}"${where !== undefined ? ` at ${where}` : ""}: ${(error as Error).message.split("\n")[0].replace(/\.+$/, "")}. ` +
        `Start the node (e.g. \`npx hardhat node\` in another terminal) or fix networks.${networkName} in your Hardhat config, then run the command again`,
      error as Error,
    );
  }
  const chainId = BigInt(chainIdHex);
  const deploymentsDir = resolveDeploymentsDir(hre.config.paths.root, hre.config.ocr.deploymentsDir);
  return {
    hre,
    connection,
    networkName,
    chainId,
    inProcess: connection.networkConfig.type === "edr-simulated",
    networkDir: networkDeploymentsDir(deploymentsDir, networkName, chainId),
    deploymentsDir,
  };
}

async function networkUrl(connection: NetworkConnection): Promise<string | undefined> {
  const config = connection.networkConfig;
  if (config.type !== "http") return undefined;
  try {
    return await config.url.getUrl();
  } catch {
    return undefined;
  }
}

/** The command a user runs to (re)deploy `feedName` on this network. */
export function deployCommand(ctx: OcrTaskContext, feedName: string): string {
  const feedPart = feedName === ctx.hre.config.ocr.defaultFeed ? "" : ` --feed ${JSON.stringify(feedName)}`;
  const networkPart = ctx.inProcess && ctx.networkName === "default" ? "" : ` --network ${ctx.networkName}`;
  return `npx hardhat ocr:deploy${feedPart}${networkPart}`;
}

/**
 * The secret seed the feed's oracle keys derive from on this chain: the `keySeed` configuration
 * variable when configured, else (local dev chains only) the seed recorded in keys.json, or for
 * a new deployment the feed's configured `seed`.
 */
async function keySeedFor(
  ctx: OcrTaskContext,
  feed: OcrFeedConfig,
  source: KeySource | undefined,
  purpose: "deploy" | "attach",
): Promise<string> {
  if (source === undefined) {
    throw ocrError(
      `Feed ${JSON.stringify(feed.name)} has no secret key seed for chain ${ctx.chainId} (network "${ctx.networkName}"): ` +
        `oracle keys are only derived from a plain seed on local dev chains (31337, 1337). ` +
        `Add keySeed: configVariable("OCR_KEY_SEED") to ocr.feeds[${JSON.stringify(feed.name)}] and set OCR_KEY_SEED ` +
        `(environment variable, or \`npx hardhat keystore set OCR_KEY_SEED\` with hardhat-keystore)`,
    );
  }
  if (source === "config-variable") {
    if (feed.keySeed === undefined) {
      throw ocrError(
        `Feed ${JSON.stringify(feed.name)} was deployed on network "${ctx.networkName}" with keys from its keySeed configuration variable, but the config has no keySeed for it now. ` +
          `Restore ocr.feeds[${JSON.stringify(feed.name)}].keySeed = configVariable(...) as it was at deployment`,
      );
    }
    return readKeySeedVariable({ ...feed, keySeed: feed.keySeed });
  }
  if (purpose === "deploy") return feed.seed;
  const seed = await readLocalKeySeed(ctx.networkDir, feed.name);
  if (seed === undefined) {
    throw ocrError(
      `The oracle keys of feed ${JSON.stringify(feed.name)} on network "${ctx.networkName}" are not in ${keysFilePath(ctx.networkDir)}. ` +
        `Run \`${deployCommand(ctx, feed.name)}\` to deploy the feed again with keys this project holds`,
    );
  }
  return seed;
}

/** Run an API call whose user-caused failures should read as plugin errors. */
export async function withUserErrors<T>(what: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (isNoReportError(error)) {
      throw ocrError(`${what}: no report landed (${error.reason}). Check that at most f oracles are down and the data sources answer, then try again`, error);
    }
    throw error;
  }
}

export interface DeployedFeed {
  readonly feed: OcrFeed;
  /** Where the record was written (JSON-RPC networks only). */
  readonly recordFile?: string;
  readonly keySource?: KeySource;
  /** The addresses this deployment replaced in the record (`--force`), kept there under "previous". */
  readonly replaced?: FeedAddresses;
}

/**
 * Deploy `feed` with `overrides` through `connection.ocr`, and on a JSON-RPC network record the
 * deployment (and, on a local dev chain, the key seed) for later commands.
 */
export async function deployFeed(
  ctx: OcrTaskContext,
  feed: OcrFeedConfig,
  overrides: DeployFeedOptions,
  options: { readonly force?: boolean } = {},
): Promise<DeployedFeed> {
  if (ctx.inProcess) {
    return { feed: await withUserErrors("Deploying the feed", () => ctx.connection.ocr.deployFeed(feed.name, overrides)) };
  }
  // A recorded feed is never replaced silently: consumers may read its proxy.
  const existing = await readRecordOrExplain(ctx, feed.name);
  let replaced: DeploymentRecord | undefined;
  if (existing !== undefined) {
    const stillThere = await hasCode(ctx, existing.addresses.proxy);
    if (stillThere && options.force !== true) {
      throw ocrError(
        `Feed ${JSON.stringify(feed.name)} is already deployed on network "${ctx.networkName}" (proxy ${existing.addresses.proxy}, deployed ${existing.deployedAt}); consumers may read it. ` +
          `Use it with \`npx hardhat ocr:run-round${ctx.networkName === "default" ? "" : ` --network ${ctx.networkName}`}\`, or pass --force to deploy a new one (the old addresses stay in the record, under "previous")`,
      );
    }
    replaced = existing;
  }
  const keySource = keySourceFor(ctx.chainId, feed.keySeed !== undefined);
  const seed = await keySeedFor(ctx, feed, keySource, "deploy");
  const deployed = await withSecretRedacted(keySource === "config-variable" ? seed : "", () =>
    withUserErrors("Deploying the feed", () => ctx.connection.ocr.deployFeed(feed.name, { ...overrides, seed })),
  );
  const record: DeploymentRecord = {
    ...recordOfFeed(ctx, deployed, keySource!, overrides.description ?? feed.description),
    ...(replaced !== undefined ? { previous: asPrevious(replaced, "redeployed") } : {}),
  };
  // Keys first: a record without keys would be unusable, keys without a record are harmless.
  if (keySource === "local-keys-file") await writeLocalKeySeed(ctx.networkDir, feed.name, seed);
  else await forgetLocalKeySeed(ctx.networkDir, feed.name);
  const recordFile = await writeRecordOrExplain(ctx, record);
  return { feed: deployed, recordFile, keySource, ...(replaced !== undefined ? { replaced: replaced.addresses } : {}) };
}

/** A record of `feed` as it is now on chain. */
function recordOfFeed(ctx: OcrTaskContext, feed: OcrFeed, keySource: KeySource, description: string): DeploymentRecord {
  return {
    format: "hardhat-ocr-deployment/1",
    network: ctx.networkName,
    chainId: ctx.chainId.toString(),
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

/**
 * Record that `feed` moved to a new aggregator (an upgrade, by `ocr:upgrade` or through the API):
 * the record follows the proxy, and the aggregator it pointed at goes to `previous`.
 */
export async function recordUpgrade(ctx: OcrTaskContext, record: DeploymentRecord, feed: OcrFeed): Promise<string> {
  const updated: DeploymentRecord = {
    ...recordOfFeed(ctx, feed, record.keySource, record.description),
    deployedAt: new Date().toISOString(),
    previous: asPrevious(record, "upgraded"),
  };
  return writeRecordOrExplain(ctx, updated);
}

export async function readRecordOrExplain(ctx: OcrTaskContext, feedName: string): Promise<DeploymentRecord | undefined> {
  try {
    return await readDeploymentRecord(ctx.deploymentsDir, ctx.networkName, ctx.chainId, feedName);
  } catch (error) {
    if (!(error instanceof DeploymentRecordError)) throw error;
    throw ocrError(`The deployment record ${error.message}. Move it aside (nothing is deleted for you) and run \`${deployCommand(ctx, feedName)}\``, error);
  }
}

async function writeRecordOrExplain(ctx: OcrTaskContext, record: DeploymentRecord): Promise<string> {
  try {
    return await writeDeploymentRecord(ctx.deploymentsDir, record);
  } catch (error) {
    if (!(error instanceof DeploymentRecordError)) throw error;
    throw ocrError(`Cannot write the deployment record: ${error.message}. Move that file aside or use another deploymentsDir`, error);
  }
}

async function hasCode(ctx: OcrTaskContext, address: string): Promise<boolean> {
  const code = (await ctx.connection.provider.request({ method: "eth_getCode", params: [address, "latest"] })) as string;
  return code !== "0x" && code !== "";
}

export interface OpenFeedOptions {
  /** On the in-process network, deploy the feed when this process has none yet. */
  readonly deployIfMissing: boolean;
  /** Attach without starting the committee: nothing is funded or sent (ocr:status). */
  readonly readOnly?: boolean;
  /** Options for that in-process deployment (committee size, decimals). */
  readonly deployOverrides?: DeployFeedOptions;
}

/**
 * The feed this command drives: one already on this connection, else (JSON-RPC networks) the
 * recorded deployment attached with its keys, else (in-process network) a fresh deployment.
 */
export async function openFeed(ctx: OcrTaskContext, feed: OcrFeedConfig, options: OpenFeedOptions): Promise<OcrFeed> {
  const existing = ctx.connection.ocr.feeds.get(feed.name);
  if (existing !== undefined) return existing;
  if (ctx.inProcess) {
    if (options.deployIfMissing) return (await deployFeed(ctx, feed, options.deployOverrides ?? {})).feed;
    throw ocrError(
      `Feed ${JSON.stringify(feed.name)} is not deployed on the in-process network "${ctx.networkName}", whose chain lasts only as long as one command. ` +
        `Start a node (\`npx hardhat node\`), deploy with \`npx hardhat ocr:deploy --network localhost\` and pass --network localhost to later commands`,
    );
  }
  const record = await readRecordOrExplain(ctx, feed.name);
  if (record === undefined) {
    throw ocrError(
      `Feed ${JSON.stringify(feed.name)} has no deployment on network "${ctx.networkName}" (chain ${ctx.chainId}); looked for ${deploymentRecordPath(ctx.deploymentsDir, ctx.networkName, ctx.chainId, feed.name)}. ` +
        `Run \`${deployCommand(ctx, feed.name)}\` first`,
    );
  }
  await requireContractsPresent(ctx, record);
  // Follow the proxy: an upgrade (ocr:upgrade, or upgradeAggregator through the API) moved it on.
  const current = await proxyAggregator(ctx, record.addresses.proxy);
  const upgraded = !sameAddress(current, record.addresses.aggregator);
  const addresses: FeedAddresses = upgraded ? { ...record.addresses, aggregator: current } : record.addresses;
  if (!upgraded) await requireRecordIsCurrent(ctx, record);
  if (options.readOnly === true) {
    // Reading needs no oracle keys: everything comes from the chain.
    return withUserErrors("Attaching to the recorded feed", () =>
      ctx.connection.ocr.attachFeed(feed.name, addresses, { decimals: record.decimals, description: record.description, readOnly: true }),
    );
  }
  const seed = await keySeedFor(ctx, feed, record.keySource, "attach");
  // After an upgrade the committee may differ from the record's; attaching checks the keys against the chain.
  if (!upgraded) requireSeedMatchesRecord(ctx, record, seed);
  const attached = await withSecretRedacted(record.keySource === "config-variable" ? seed : "", () =>
    withUserErrors("Attaching to the recorded feed", () =>
      ctx.connection.ocr.attachFeed(feed.name, addresses, {
        ...(upgraded ? {} : { oracles: record.n, faultTolerance: record.f }),
        decimals: record.decimals,
        description: record.description,
        seed,
      }),
    ),
  );
  if (upgraded) {
    const file = await recordUpgrade(ctx, record, attached);
    console.error(
      `The proxy of feed ${JSON.stringify(feed.name)} now reads aggregator ${current} (upgraded since ${record.deployedAt}); ` +
        `${file} follows it and keeps ${record.addresses.aggregator} under "previous".`,
    );
  }
  return attached;
}

/** The aggregator a proxy currently reads. */
async function proxyAggregator(ctx: OcrTaskContext, proxy: string): Promise<string> {
  const data = PROXY_INTERFACE.encodeFunctionData("aggregator", []);
  const result = (await ctx.connection.provider.request({ method: "eth_call", params: [{ to: proxy, data }, "latest"] })) as string;
  return PROXY_INTERFACE.decodeFunctionResult("aggregator", result)[0] as string;
}

/**
 * The record must describe what is on chain. A restarted dev node hands the same addresses to
 * whatever is deployed next, so the recorded addresses can hold another feed's contracts: say the
 * record is stale rather than blaming the keys.
 */
async function requireRecordIsCurrent(ctx: OcrTaskContext, record: DeploymentRecord): Promise<void> {
  const data = aggregatorInterface.encodeFunctionData("latestConfigDetails", []);
  const result = (await ctx.connection.provider.request({ method: "eth_call", params: [{ to: record.addresses.aggregator, data }, "latest"] })) as string;
  const [, , configDigest] = aggregatorInterface.decodeFunctionResult("latestConfigDetails", result) as unknown as [bigint, bigint, string];
  if (configDigest.toLowerCase() === record.configDigest.toLowerCase()) return;
  throw ocrError(
    `The deployment record of feed ${JSON.stringify(record.feed)} on network "${ctx.networkName}" is stale: the aggregator at ${record.addresses.aggregator} has config digest ${configDigest}, not the recorded ${record.configDigest}, ` +
      `so these addresses now hold another deployment (a restarted dev node reuses addresses). Run \`${deployCommand(ctx, record.feed)} --force\` to deploy this feed again (the stale addresses stay in the record under "previous")`,
  );
}

/**
 * The seed must give the oracles the record lists. Checked here, before attaching, so a wrong
 * keySeed is reported without the seed appearing anywhere in the message.
 */
function requireSeedMatchesRecord(ctx: OcrTaskContext, record: DeploymentRecord, seed: string): void {
  const mismatch = record.oracles.findIndex((oracle) => !sameAddress(deriveOracleKeys(seed, oracle.index).signerAddress, oracle.signer));
  if (mismatch < 0) return;
  const source = record.keySource === "config-variable" ? "the keySeed configuration variable" : `the seed in ${keysFilePath(ctx.networkDir)}`;
  throw ocrError(
    `The oracle keys from ${source} do not match the deployment of feed ${JSON.stringify(record.feed)} on network "${ctx.networkName}" ` +
      `(oracle ${mismatch} should sign as ${record.oracles[mismatch].signer}). Use the secret the feed was deployed with, or run \`${deployCommand(ctx, record.feed)}\``,
  );
}

/** Errors from below must not carry a secret seed (one from a configuration variable) to the terminal. */
async function withSecretRedacted<T>(secret: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof Error && secret.length > 0 && error.message.includes(secret)) {
      throw ocrError(error.message.split(secret).join("<secret seed>"));
    }
    throw error;
  }
}

/** A record outlives its chain when a dev node restarts; say so instead of failing on a call. */
async function requireContractsPresent(ctx: OcrTaskContext, record: DeploymentRecord): Promise<void> {
  const { aggregator, proxy, linkToken } = record.addresses;
  for (const [what, address] of [["aggregator", aggregator], ["proxy", proxy], ["LINK token", linkToken]] as const) {
    const code = (await ctx.connection.provider.request({ method: "eth_getCode", params: [address, "latest"] })) as string;
    if (code === "0x" || code === "") {
      throw ocrError(
        `The recorded deployment of feed ${JSON.stringify(record.feed)} on network "${ctx.networkName}" is gone: no ${what} contract at ${address} ` +
          `(a restarted dev node starts from an empty chain). Run \`${deployCommand(ctx, record.feed)}\` to deploy it again`,
      );
    }
  }
}
