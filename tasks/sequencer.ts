/**
 * `ocr:sequencer`: an L2 sequencer uptime feed on the selected network. On a JSON-RPC network
 * the first use deploys it (feed, bridge stand-in, proxy) and records it; later uses drive the
 * recorded contracts. `--down` / `--up` deliver a status message through the bridge stand-in;
 * the status is then read back through the proxy, as a consumer reads it.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { liveSequencerFeeds, openOrDeploySequencerFeed } from "../plugin/deployments/index.js";
import { SEQUENCER_FLAVOURS, type SequencerFlavour, type SequencerStatusUpdate, type SequencerUptimeFeed } from "../plugin/sequencer/types.js";
import { type OcrTaskContext, deploymentSite, openTaskContext } from "./context.js";
import { ocrError, withJsonErrors } from "./errors.js";
import { toJson } from "./format.js";

export interface SequencerTaskArguments {
  down: boolean;
  up: boolean;
  flavour?: string;
  json: boolean;
}

/** The status part of the output; integers are decimal strings (round ids exceed 2^53). */
export interface SequencerStatusJson {
  flavour: SequencerFlavour;
  feed: string;
  proxy: string;
  bridge: string;
  status: "up" | "down";
  answer: string;
  roundId: string;
  startedAt: string;
  updatedAt: string;
}

/** What `--json` prints. `update` says what the feed did with this run's --down/--up message. */
export interface SequencerOutput extends SequencerStatusJson {
  network: string;
  chainId: string;
  update: { reported: "up" | "down"; outcome: string; l1Timestamp: string; arrivedAt: string; txHash: string } | null;
}

/** `--flavour`: optimism (the default) or arbitrum. */
export function parseFlavour(text: string | undefined): SequencerFlavour {
  if (text === undefined) return "optimism";
  const flavour = text.trim().toLowerCase();
  if (SEQUENCER_FLAVOURS.includes(flavour as SequencerFlavour)) return flavour as SequencerFlavour;
  throw ocrError(`--flavour ${JSON.stringify(text)} is not a sequencer uptime feed flavour. Pass --flavour optimism or --flavour arbitrum`);
}

export interface OpenedSequencerFeed {
  readonly uptime: SequencerUptimeFeed;
  /** "recorded": attached to the record; "deployed": no record yet; "redeployed": the recorded contracts were gone. */
  readonly origin: "recorded" | "deployed" | "redeployed" | "in-process";
  readonly recordFile?: string;
}

/**
 * The `flavour` feed this command drives: a fresh one on the in-process network (its chain ends
 * with the command), else the recorded one, else (no record, or a node restarted since) a new
 * deployment, recorded for later commands.
 */
export async function openSequencerFeed(ctx: OcrTaskContext, flavour: SequencerFlavour): Promise<OpenedSequencerFeed> {
  if (ctx.inProcess) return { uptime: await ctx.connection.ocr.deploySequencerUptimeFeed({ flavour }), origin: "in-process" };
  return openOrDeploySequencerFeed(deploymentSite(ctx), flavour);
}

export async function sequencerStatusJson(uptime: SequencerUptimeFeed): Promise<SequencerStatusJson> {
  const latest = await uptime.status();
  return {
    flavour: uptime.flavour,
    feed: uptime.addresses.feed,
    proxy: uptime.addresses.proxy,
    bridge: uptime.addresses.bridge,
    status: latest.status,
    answer: latest.answer.toString(),
    roundId: latest.roundId.toString(),
    startedAt: latest.startedAt.toString(),
    updatedAt: latest.updatedAt.toString(),
  };
}

/**
 * The recorded sequencer uptime feeds of this network whose contracts are still there, for
 * `ocr:status` (none on the in-process network, whose chain is new every command).
 */
export async function collectSequencerStatuses(ctx: OcrTaskContext): Promise<SequencerStatusJson[]> {
  if (ctx.inProcess) return [];
  const statuses: SequencerStatusJson[] = [];
  for (const uptime of await liveSequencerFeeds(deploymentSite(ctx))) statuses.push(await sequencerStatusJson(uptime));
  return statuses;
}

function utc(seconds: string): string {
  return new Date(Number(seconds) * 1000).toISOString().replace(".000Z", "Z");
}

/** One line per sequencer uptime feed, for `ocr:status`. */
export function describeSequencerStatuses(statuses: readonly SequencerStatusJson[]): string[] {
  if (statuses.length === 0) return [];
  return [
    "",
    "Sequencer uptime feeds:",
    ...statuses.map((s) => `  ${s.flavour.padEnd(9)} proxy ${s.proxy}  ${s.status.toUpperCase()} (answer ${s.answer}) since ${utc(s.startedAt)}, round ${s.roundId}`),
  ];
}

function describeUpdate(update: SequencerStatusUpdate): string {
  const what = {
    "new-round": "the status changed: new round",
    updated: "same status: only updatedAt moved",
    ignored: "ignored by the feed (UpdateIgnored)",
  }[update.outcome];
  return `Delivered "${update.reported}" (L1 time ${update.l1Timestamp}) through the bridge stand-in: ${what}.`;
}

export default async function sequencerAction(args: SequencerTaskArguments, hre: HardhatRuntimeEnvironment): Promise<SequencerOutput> {
  return withJsonErrors(args.json, () => sequencer(args, hre));
}

async function sequencer(args: SequencerTaskArguments, hre: HardhatRuntimeEnvironment): Promise<SequencerOutput> {
  if (args.down && args.up) {
    throw ocrError("--down and --up were both given. Pass one of them to deliver that status, or neither to only read the status");
  }
  const flavour = parseFlavour(args.flavour);
  const ctx = await openTaskContext(hre);
  const { uptime, origin, recordFile } = await openSequencerFeed(ctx, flavour);
  const update = args.down ? await uptime.setDown() : args.up ? await uptime.setUp() : undefined;
  const output: SequencerOutput = {
    network: ctx.networkName,
    chainId: ctx.chainId.toString(),
    ...(await sequencerStatusJson(uptime)),
    update:
      update === undefined
        ? null
        : {
            reported: update.reported,
            outcome: update.outcome,
            l1Timestamp: update.l1Timestamp.toString(),
            arrivedAt: update.arrivedAt.toString(),
            txHash: update.txHash,
          },
  };
  if (args.json) {
    console.log(toJson(output));
    return output;
  }
  const lines = [
    `Sequencer uptime feed (${flavour}) on network "${output.network}" (chain ${output.chainId})`,
    `  proxy    ${output.proxy}   <- consumers read this`,
    `  feed     ${output.feed}`,
    `  bridge   ${output.bridge}   (local stand-in; L1 sender ${uptime.addresses.l1Sender})`,
    `  status   ${output.status.toUpperCase()} (answer ${output.answer}), round ${output.roundId} (phase ${BigInt(output.roundId) >> 64n}, feed round ${BigInt(output.roundId) & ((1n << 64n) - 1n)})`,
    `  since    ${utc(output.startedAt)} (startedAt ${output.startedAt}, the L1 time of the change); updatedAt ${output.updatedAt}`,
  ];
  if (update !== undefined) lines.push("", describeUpdate(update));
  if (origin === "deployed" || origin === "redeployed") {
    lines.push("", `${origin === "redeployed" ? "The recorded contracts were gone (a restarted node?), so a new feed was deployed. " : "Deployed. "}Recorded in ${recordFile}; later ocr:sequencer commands on this network use it.`);
  } else if (origin === "in-process") {
    lines.push("", "This in-process chain ends with this command. To keep the feed, run `npx hardhat node` and pass --network localhost.");
  }
  console.log(lines.join("\n"));
  return output;
}
