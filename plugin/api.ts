/**
 * `connection.ocr`: deploy or attach to OCR1 feeds on one network connection and keep them by
 * name. The work happens in plugin/feed/; this file only picks the feed config and the kind of
 * clock for the connection's network.
 */
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { HardhatPluginError } from "hardhat/plugins";

import type { AttachFeedOptions, DeployFeedOptions, FeedAddresses, OcrApi, OcrFeed } from "./api-types.js";
import { PLUGIN_ID } from "./constants.js";
import { type KeySeedChain, type OracleKeySeed, resolveOracleKeySeed } from "./deployments/key-seed.js";
import { type ArtifactNames, PluginArtifacts } from "./feed/plugin-artifacts.js";
import type { Feed } from "./feed/feed.js";
import { configuredFeed, mergeFeedOptions } from "./feed/feed-config.js";
import { attachFeedOn, deployFeedOn } from "./feed/setup.js";
import { type EditableConnection, chainEditsOf } from "./chain/chain-edits.js";
import { checkFlavour, deploySequencerUptimeFeedOn, sequencerUptimeFeedAt } from "./sequencer/uptime-feed.js";
import type { OcrConfig, OcrFeedConfig } from "./types.js";

/** The parts of a Hardhat network connection the API uses. */
export interface OcrConnection extends EditableConnection {
  readonly ethers: HardhatEthers;
  readonly networkName: string;
}

/**
 * Committee time is virtual on the simulated network, where block timestamps follow it; on an
 * HTTP network the node's real clock rules and the committee runs in real time.
 */
export function isSimulatedNetwork(connection: OcrConnection): boolean {
  return connection.networkConfig.type === "edr-simulated";
}

/** Every API's feeds, so closing a connection can stop their committees. */
const feedsOfApi = new WeakMap<OcrApi, Map<string, Feed>>();

/** Stop the committees of every feed on `api` (called when its connection closes). */
export function stopAllFeeds(api: OcrApi): void {
  for (const feed of feedsOfApi.get(api)?.values() ?? []) feed.stop();
}

/**
 * Deploying and attaching with oracle keys the caller already resolved: the tasks attach to a
 * recorded deployment with the seed from keys.json. Kept off the `OcrApi` object so users see
 * the API unchanged.
 */
interface KeyedFeedCalls {
  deployFeed(name: string, options: DeployFeedOptions, keySeed: OracleKeySeed): Promise<OcrFeed>;
  attachFeed(name: string, addresses: FeedAddresses, options: DeployFeedOptions, keySeed: OracleKeySeed): Promise<OcrFeed>;
}

const keyedCallsOfApi = new WeakMap<OcrApi, KeyedFeedCalls>();

function keyedCalls(api: OcrApi): KeyedFeedCalls {
  const calls = keyedCallsOfApi.get(api);
  if (calls === undefined) throw new Error("not a connection.ocr object created by hardhat-ocr");
  return calls;
}

/** `api.deployFeed(name, options)` with the oracle keys from `keySeed`. */
export function deployFeedWithKeySeed(api: OcrApi, name: string, options: DeployFeedOptions, keySeed: OracleKeySeed): Promise<OcrFeed> {
  return keyedCalls(api).deployFeed(name, options, keySeed);
}

/** `api.attachFeed(name, addresses, options)` with the oracle keys from `keySeed`. */
export function attachFeedWithKeySeed(api: OcrApi, name: string, addresses: FeedAddresses, options: DeployFeedOptions, keySeed: OracleKeySeed): Promise<OcrFeed> {
  return keyedCalls(api).attachFeed(name, addresses, options, keySeed);
}

export function createOcrApi(connection: OcrConnection, config: OcrConfig, artifactNames: ArtifactNames): OcrApi {
  const artifacts = new PluginArtifacts(artifactNames);
  const feeds = new Map<string, Feed>();

  function claimName(name: string): void {
    // JavaScript callers (and `deployFeed({ ... })` written from memory) can pass anything here.
    if (typeof name !== "string" || name.trim() === "") {
      throw new HardhatPluginError(
        PLUGIN_ID,
        `A feed's name must be a non-empty string, got ${typeof name === "object" ? "an object" : JSON.stringify(name)}. ` +
          `Call deployFeed(name, options) / attachFeed(name, addresses, options), e.g. deployFeed("ETH / USD", { oracles: 7 }); deployFeed() deploys the default feed.`,
      );
    }
    if (feeds.has(name)) {
      throw new HardhatPluginError(
        PLUGIN_ID,
        `Feed "${name}" already exists on this connection (network ${connection.networkName}); use ocr.feeds.get(${JSON.stringify(name)}) or deploy under another name.`,
      );
    }
  }

  const simulated = isSimulatedNetwork(connection);
  // What the user's code does to the simulated chain besides transactions (noted by the network hook).
  const edits = simulated ? chainEditsOf(connection) : undefined;
  const keySeedChain = async (): Promise<KeySeedChain> => ({
    networkName: connection.networkName,
    chainId: (await connection.ethers.provider.getNetwork()).chainId,
    simulated,
  });
  // A name that is not in the config starts from the defaults, seeded by the name.
  const feedConfigFor = (name: string, options: DeployFeedOptions | undefined) => mergeFeedOptions(name, configuredFeed(config, name), options);

  async function deploy(name: string, options: DeployFeedOptions | undefined, keySeed: (feedConfig: OcrFeedConfig) => Promise<OracleKeySeed>): Promise<OcrFeed> {
    claimName(name);
    const feedConfig = feedConfigFor(name, options);
    const feed = await deployFeedOn(connection.ethers, artifacts, simulated, feedConfig, await keySeed(feedConfig), edits);
    feeds.set(name, feed);
    return feed;
  }

  async function attach(
    name: string,
    addresses: FeedAddresses,
    options: DeployFeedOptions | undefined,
    keySeed: ((feedConfig: OcrFeedConfig) => Promise<OracleKeySeed>) | null,
  ): Promise<OcrFeed> {
    claimName(name);
    const feedConfig = feedConfigFor(name, options);
    const feed = await attachFeedOn(connection.ethers, artifacts, simulated, feedConfig, addresses, keySeed === null ? null : await keySeed(feedConfig), edits);
    feeds.set(name, feed);
    return feed;
  }

  /** The one key-seed rule; a `seed` passed with the call is used as given. */
  const resolvedKeySeed = (options: DeployFeedOptions | undefined) => async (feedConfig: OcrFeedConfig) =>
    resolveOracleKeySeed(feedConfig, await keySeedChain(), { ...(options?.seed !== undefined ? { explicitSeed: options.seed } : {}) });

  const api: OcrApi = {
    feeds: feeds as ReadonlyMap<string, OcrFeed>,

    async deployFeed(name?: string, options?: DeployFeedOptions): Promise<OcrFeed> {
      return deploy(name ?? config.defaultFeed, options, resolvedKeySeed(options));
    },

    async attachFeed(name: string, addresses: FeedAddresses, options?: AttachFeedOptions): Promise<OcrFeed> {
      const { readOnly = false, ...feedOptions } = options ?? {};
      // Reading needs no oracle keys, so a read-only attach never asks for the key seed.
      return attach(name, addresses, feedOptions, readOnly ? null : resolvedKeySeed(feedOptions));
    },

    async deploySequencerUptimeFeed(options) {
      return deploySequencerUptimeFeedOn({ ethers: connection.ethers, artifacts }, checkFlavour(options?.flavour ?? "optimism"));
    },

    async attachSequencerUptimeFeed(flavour, addresses) {
      return sequencerUptimeFeedAt({ ethers: connection.ethers, artifacts }, checkFlavour(flavour), addresses);
    },
  };
  feedsOfApi.set(api, feeds);
  keyedCallsOfApi.set(api, {
    deployFeed: (name, options, keySeed) => deploy(name, options, async () => keySeed),
    attachFeed: (name, addresses, options, keySeed) => attach(name, addresses, options, async () => keySeed),
  });
  return api;
}
