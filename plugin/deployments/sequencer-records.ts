/**
 * Records of sequencer uptime feeds that `ocr:sequencer` deployed on a JSON-RPC network, so that
 * later commands use the same contracts. One file per network and flavour:
 * `<deploymentsDir>/<network>-<chainId>/sequencer-uptime/<flavour>.json` (a folder of its own, so
 * no feed name can map to the same file). Only public addresses are recorded.
 */
import path from "node:path";

import { SEQUENCER_FLAVOURS, type SequencerFlavour, type SequencerUptimeFeedAddresses } from "../sequencer/types.js";
import { DeploymentRecordError, checkRecordedChain, networkDeploymentsDir, parseRecordText, readFileIfExists, writeFileAtomically } from "./records.js";

export const SEQUENCER_RECORD_FORMAT = "hardhat-ocr-sequencer-uptime/1";

export interface SequencerDeploymentRecord {
  readonly format: typeof SEQUENCER_RECORD_FORMAT;
  readonly network: string;
  /** Decimal string: chain ids can exceed 2^53. */
  readonly chainId: string;
  readonly flavour: SequencerFlavour;
  readonly addresses: SequencerUptimeFeedAddresses;
  /** ISO-8601 time the record was written. */
  readonly deployedAt: string;
}

export function sequencerRecordPath(deploymentsDir: string, networkName: string, chainId: bigint, flavour: SequencerFlavour): string {
  return path.join(networkDeploymentsDir(deploymentsDir, networkName, chainId), "sequencer-uptime", `${flavour}.json`);
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** What is wrong with a parsed sequencer record, or undefined when it is well formed. */
export function sequencerRecordProblem(json: unknown): string | undefined {
  if (typeof json !== "object" || json === null) return "is not a JSON object";
  const r = json as Record<string, unknown>;
  if (r.format !== SEQUENCER_RECORD_FORMAT) return `has format ${JSON.stringify(r.format)}, expected ${JSON.stringify(SEQUENCER_RECORD_FORMAT)}`;
  for (const key of ["network", "deployedAt"] as const) if (typeof r[key] !== "string") return `field ${key} is not a string`;
  if (typeof r.chainId !== "string" || !/^[0-9]+$/.test(r.chainId)) return "field chainId is not a decimal string";
  if (!SEQUENCER_FLAVOURS.includes(r.flavour as SequencerFlavour)) return "field flavour is not optimism or arbitrum";
  const addresses = r.addresses as Record<string, unknown> | undefined;
  if (typeof addresses !== "object" || addresses === null) return "field addresses is missing";
  const required = r.flavour === "arbitrum" ? (["feed", "proxy", "bridge", "l1Sender", "flags"] as const) : (["feed", "proxy", "bridge", "l1Sender"] as const);
  for (const key of required) {
    if (typeof addresses[key] !== "string" || !ADDRESS.test(addresses[key] as string)) return `addresses.${key} is not an address`;
  }
  return undefined;
}

/** The record of the `flavour` feed on this network and chain, or undefined when none was written. */
export async function readSequencerRecord(
  deploymentsDir: string,
  networkName: string,
  chainId: bigint,
  flavour: SequencerFlavour,
): Promise<SequencerDeploymentRecord | undefined> {
  const file = sequencerRecordPath(deploymentsDir, networkName, chainId, flavour);
  const text = await readFileIfExists(file);
  if (text === undefined) return undefined;
  const record = parseRecordText<SequencerDeploymentRecord>(file, text, sequencerRecordProblem);
  if (record.flavour !== flavour) throw new DeploymentRecordError(file, `records flavour ${record.flavour}, not ${flavour}`);
  checkRecordedChain(file, record, chainId);
  return record;
}

export async function writeSequencerRecord(deploymentsDir: string, record: SequencerDeploymentRecord): Promise<string> {
  const file = sequencerRecordPath(deploymentsDir, record.network, BigInt(record.chainId), record.flavour);
  await writeFileAtomically(file, JSON.stringify(record, null, 2) + "\n");
  return file;
}
