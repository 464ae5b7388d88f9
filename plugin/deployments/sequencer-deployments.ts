/**
 * Sequencer uptime feeds on a JSON-RPC network, used again by later processes: the recorded feed
 * of a flavour while its contracts are on chain, else a new deployment, recorded.
 */
import { sequencerRecordUnusable } from "../messages.js";
import { SEQUENCER_FLAVOURS, type SequencerFlavour, type SequencerUptimeFeed } from "../sequencer/types.js";
import { type DeploymentSite, hasCode } from "./feed-deployments.js";
import { DeploymentRecordError } from "./records.js";
import { SEQUENCER_RECORD_FORMAT, readSequencerRecord, sequencerRecordPath, writeSequencerRecord } from "./sequencer-records.js";
import { pluginError } from "./user-errors.js";

export interface RecordedSequencerFeed {
  readonly uptime: SequencerUptimeFeed;
  /** "recorded": attached to the record; "deployed": no record yet; "redeployed": the recorded contracts were gone. */
  readonly origin: "recorded" | "deployed" | "redeployed";
  readonly recordFile: string;
}

async function readRecordOrExplain(site: DeploymentSite, flavour: SequencerFlavour) {
  try {
    return await readSequencerRecord(site.deploymentsDir, site.networkName, site.chainId, flavour);
  } catch (error) {
    if (!(error instanceof DeploymentRecordError)) throw error;
    throw pluginError(sequencerRecordUnusable(error.message), error);
  }
}

/** The recorded feed of `flavour`, if its contracts are still on chain. */
async function recordedFeed(site: DeploymentSite, flavour: SequencerFlavour): Promise<SequencerUptimeFeed | "gone" | undefined> {
  const record = await readRecordOrExplain(site, flavour);
  if (record === undefined) return undefined;
  for (const address of [record.addresses.feed, record.addresses.proxy, record.addresses.bridge]) {
    if (!(await hasCode(site, address))) return "gone";
  }
  return site.api.attachSequencerUptimeFeed(flavour, record.addresses);
}

/** The recorded `flavour` feed, else (no record, or a node restarted since) a new one, recorded for later commands. */
export async function openOrDeploySequencerFeed(site: DeploymentSite, flavour: SequencerFlavour): Promise<RecordedSequencerFeed> {
  const recorded = await recordedFeed(site, flavour);
  if (recorded !== undefined && recorded !== "gone") {
    return { uptime: recorded, origin: "recorded", recordFile: sequencerRecordPath(site.deploymentsDir, site.networkName, site.chainId, flavour) };
  }
  const uptime = await site.api.deploySequencerUptimeFeed({ flavour });
  const recordFile = await writeSequencerRecord(site.deploymentsDir, {
    format: SEQUENCER_RECORD_FORMAT,
    network: site.networkName,
    chainId: site.chainId.toString(),
    flavour,
    addresses: { ...uptime.addresses },
    deployedAt: new Date().toISOString(),
  });
  return { uptime, origin: recorded === "gone" ? "redeployed" : "deployed", recordFile };
}

/** The recorded sequencer uptime feeds of the site whose contracts are still there. */
export async function liveSequencerFeeds(site: DeploymentSite): Promise<SequencerUptimeFeed[]> {
  const feeds: SequencerUptimeFeed[] = [];
  for (const flavour of SEQUENCER_FLAVOURS) {
    const recorded = await recordedFeed(site, flavour);
    if (recorded !== undefined && recorded !== "gone") feeds.push(recorded);
  }
  return feeds;
}
