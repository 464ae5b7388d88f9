/**
 * `connection.ocr`: deploy or attach to OCR1 feeds on one network connection and keep them by
 * name. The work happens in plugin/feed/; this file only picks the feed config and the kind of
 * clock for the connection's network.
 */
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { HardhatPluginError } from "hardhat/plugins";

import type { AttachFeedOptions, DeployFeedOptions, FeedAddresses, OcrApi, OcrFeed } from "./api-types.js";
import { type ArtifactNames, PluginArtifacts } from "./feed/plugin-artifacts.js";
import { isLocalDevChain, readKeySeedVariable } from "./deployments/keys.js";
import type { Feed } from "./feed/feed.js";
import { PLUGIN_ID, configuredFeed, mergeFeedOptions } from "./feed/feed-config.js";
import { attachFeedOn, deployFeedOn } from "./feed/setup.js";
import { checkFlavour, deploySequencerUptimeFeedOn, sequencerUptimeFeedAt } from "./sequencer/uptime-feed.js";
import type { OcrConfig, OcrFeedConfig } from "./types.js";

/** The parts of a Hardhat network connection the API uses. */
export interface OcrConnection {
  readonly ethers: HardhatEthers;
  readonly networkName: string;
  readonly networkConfig: { readonly type: string };
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
 * The seed the feed's oracle keys derive from. An explicit `seed` option wins (the tasks pass
 * the one they resolved). On the simulated network and local dev chains (31337, 1337), where the
 * keys guard nothing, the feed's plain `seed`; elsewhere the configured `keySeed` variable.
 */
async function oracleKeySeed(connection: OcrConnection, feed: OcrFeedConfig, options: DeployFeedOptions | undefined): Promise<string> {
  if (options?.seed !== undefined) return options.seed;
  // Local chains' accounts are public anyway: they never need (or read) the secret keySeed.
  if (isSimulatedNetwork(connection)) return feed.seed;
  const { chainId } = await connection.ethers.provider.getNetwork();
  if (isLocalDevChain(chainId)) return feed.seed;
  if (feed.keySeed !== undefined) return readKeySeedVariable({ ...feed, keySeed: feed.keySeed });
  throw new HardhatPluginError(
    PLUGIN_ID,
    `Feed ${JSON.stringify(feed.name)} on network ${connection.networkName} (chain ${chainId}) has no secret key seed: oracle keys are only derived from the plain \`seed\` on the simulated network and local dev chains (31337, 1337). ` +
      `Add keySeed: configVariable("OCR_KEY_SEED") to ocr.feeds[${JSON.stringify(feed.name)}] and set OCR_KEY_SEED (environment variable or hardhat-keystore).`,
  );
}

export function createOcrApi(connection: OcrConnection, config: OcrConfig, artifactNames: ArtifactNames): OcrApi {
  const artifacts = new PluginArtifacts(artifactNames);
  const feeds = new Map<string, Feed>();

  function claimName(name: string): void {
    if (feeds.has(name)) {
      throw new HardhatPluginError(
        PLUGIN_ID,
        `Feed "${name}" already exists on this connection (network ${connection.networkName}); use ocr.feeds.get(${JSON.stringify(name)}) or deploy under another name.`,
      );
    }
  }

  const api: OcrApi = {
    feeds: feeds as ReadonlyMap<string, OcrFeed>,

    async deployFeed(name?: string, options?: DeployFeedOptions): Promise<OcrFeed> {
      const feedName = name ?? config.defaultFeed;
      claimName(feedName);
      // A name that is not in the config starts from the defaults, seeded by the name.
      const merged = mergeFeedOptions(feedName, configuredFeed(config, feedName), options);
      const feedConfig = { ...merged, seed: await oracleKeySeed(connection, merged, options) };
      const feed = await deployFeedOn(connection.ethers, artifacts, isSimulatedNetwork(connection), feedConfig);
      feeds.set(feedName, feed);
      return feed;
    },

    async attachFeed(name: string, addresses: FeedAddresses, options?: AttachFeedOptions): Promise<OcrFeed> {
      claimName(name);
      const { readOnly = false, ...feedOptions } = options ?? {};
      const merged = mergeFeedOptions(name, configuredFeed(config, name), feedOptions);
      // Reading needs no oracle keys, so a read-only attach never asks for the key seed.
      const feedConfig = readOnly ? merged : { ...merged, seed: await oracleKeySeed(connection, merged, feedOptions) };
      const feed = await attachFeedOn(connection.ethers, artifacts, isSimulatedNetwork(connection), feedConfig, addresses, { readOnly });
      feeds.set(name, feed);
      return feed;
    },

    async deploySequencerUptimeFeed(options) {
      return deploySequencerUptimeFeedOn({ ethers: connection.ethers, artifacts }, checkFlavour(options?.flavour ?? "optimism"));
    },

    async attachSequencerUptimeFeed(flavour, addresses) {
      return sequencerUptimeFeedAt({ ethers: connection.ethers, artifacts }, checkFlavour(flavour), addresses);
    },
  };
  feedsOfApi.set(api, feeds);
  return api;
}
