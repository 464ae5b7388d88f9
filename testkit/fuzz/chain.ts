/**
 * The fuzzer's chain side: deploys the OCR1 feeds (billing on, LINK funded, payees set, via the
 * deploy fixture), and, for either protocol, runs a transmit as eth_call for the verdict and
 * revert reason and, when it is accepted, sends it as a real transaction so that the contract's
 * latest epoch and round move on.
 */
import type { Contract } from "ethers";

import { bytesToHex, hexToBytes } from "../../plugin/core/bytes.js";
import { addressFromPrivateKey } from "../../plugin/core/address.js";
import {
  type Connection,
  type Feed,
  LINK,
  currentConfigDigest,
  deployFeed,
  deriveSecretKey,
  setConfig,
} from "../feed-fixture.js";
import { WORD, readWord } from "./layout.js";
import type { FuzzTarget, FuzzedFeed } from "./target.js";

type Provider = Connection["provider"];

export interface ChainFeed {
  readonly target: FuzzTarget;
  readonly feed: Feed;
}

export type ChainOutcome =
  | { readonly accepted: true; readonly epochAndRound: bigint; readonly answer: bigint }
  /** reason: the Error(string) message, "" for empty revert data, or a description of other data. */
  | { readonly accepted: false; readonly reason: string };

/** The committees the fuzzer runs against; bounded answer ranges so the median check can fail. */
export const FEED_SPECS = [
  { name: "4/1", n: 4, f: 1, minAnswer: -(10n ** 12n), maxAnswer: 10n ** 12n, seed: "hardhat-ocr fuzz feed A" },
  { name: "7/2", n: 7, f: 2, minAnswer: 1n, maxAnswer: 10n ** 30n, seed: "hardhat-ocr fuzz feed B" },
] as const;

/** Gas for the real transactions: far above any transmit (31 observations and signatures is ~0.5M). */
const TRANSMIT_GAS = 5_000_000;
const FOREIGN_KEY_COUNT = 3;
/**
 * LINK each aggregator starts with. Every accepted transmit owes its oracles about 0.5-3.5 LINK
 * (rewards and reimbursement), and setConfig pays it all out, so a long run needs far more
 * than the fixture's default 1000 LINK.
 */
const LINK_FUNDING = 1_000_000n * LINK;
/** latestTransmissionDetails() */
const LATEST_TRANSMISSION_DETAILS = "0xe5fe4577";
const ERROR_STRING_SELECTOR = "08c379a0";
const PANIC_SELECTOR = "4e487b71";

function lower(address: string): string {
  return address.toLowerCase();
}

async function impersonate(provider: Provider, address: string): Promise<void> {
  await provider.request({ method: "hardhat_impersonateAccount", params: [address] });
}

/** Deploy every feed of FEED_SPECS and describe it for the builder and the model. */
export async function deployFuzzFeeds(connection: Connection): Promise<ChainFeed[]> {
  const feeds: Feed[] = [];
  for (const spec of FEED_SPECS) {
    const { n, f, minAnswer, maxAnswer, seed } = spec;
    feeds.push(await deployFeed(connection, { n, f, minAnswer, maxAnswer, seed, linkFunding: LINK_FUNDING }));
  }
  const foreignKeys = Array.from({ length: FOREIGN_KEY_COUNT }, (_, i) => deriveSecretKey(`hardhat-ocr fuzz foreign ${i}`));
  const owner = lower(await feeds[0].owner.getAddress());
  const strangers = await Promise.all(feeds[0].strangers.slice(0, 2).map(async (s) => lower(await s.getAddress())));

  const chainFeeds: ChainFeed[] = [];
  for (const [i, feed] of feeds.entries()) {
    const others = feeds.filter((_, j) => j !== i);
    const signers = feed.oracles.map((o) => lower(o.signer));
    const transmitters = feed.oracles.map((o) => lower(o.transmitter.address));
    for (const t of transmitters) await impersonate(connection.provider, t);
    const target: FuzzTarget = {
      name: FEED_SPECS[i].name,
      n: FEED_SPECS[i].n,
      f: FEED_SPECS[i].f,
      signerKeys: feed.oracles.map((o) => o.signerKey),
      signers,
      transmitters,
      transmitterKeys: feed.oracles.map((o) => hexToBytes(o.transmitter.privateKey)),
      foreignKeys: [...foreignKeys, ...others.flatMap((o) => o.oracles.map((x) => x.signerKey))],
      outsiders: [
        owner,
        ...strangers,
        ...signers.slice(0, 2),
        ...feed.oracles.slice(0, 2).map((o) => lower(o.payee.address)),
        ...others.flatMap((o) => o.oracles.slice(0, 2).map((x) => lower(x.transmitter.address))),
        lower(addressFromPrivateKey(foreignKeys[0])),
      ],
      minAnswer: FEED_SPECS[i].minAnswer,
      maxAnswer: FEED_SPECS[i].maxAnswer,
      configDigest: await currentConfigDigest(feed.aggregator),
      previousDigest: null,
      latestEpochAndRound: 0n,
    };
    chainFeeds.push({ target, feed });
  }
  return chainFeeds;
}

/** setConfig again with the same oracles: a new digest, and epoch and round start over. */
export async function reconfigure(chainFeed: ChainFeed): Promise<void> {
  const { feed, target } = chainFeed;
  await setConfig(feed.aggregator as Contract, feed.oracles, target.f);
  target.previousDigest = target.configDigest;
  target.configDigest = await currentConfigDigest(feed.aggregator);
  target.latestEpochAndRound = 0n;
}

function decodeAbiString(data: Uint8Array): string {
  const offset = Number(readWord(data, 0));
  const length = Number(readWord(data, offset));
  return new TextDecoder().decode(data.subarray(offset + WORD, offset + WORD + length));
}

/** A revert's data as a reason: the Error(string) text, "" for no data, else a tag. */
export function revertReason(dataHex: string): string {
  const body = dataHex.slice(2).toLowerCase();
  if (body.length === 0) return "";
  if (body.startsWith(ERROR_STRING_SELECTOR)) return decodeAbiString(hexToBytes(body.slice(8)));
  if (body.startsWith(PANIC_SELECTOR)) return `panic 0x${BigInt("0x" + body.slice(8)).toString(16)}`;
  return `revert data 0x${body.slice(0, 64)}`;
}

/** eth_call: the returned data, or the revert data when the call reverted. */
async function call(provider: Provider, from: string, to: string, data: string): Promise<{ ok: boolean; data: string }> {
  try {
    const result = (await provider.request({ method: "eth_call", params: [{ from, to, data }, "latest"] })) as string;
    return { ok: true, data: result };
  } catch (error) {
    const revertData = (error as { data?: unknown }).data;
    if (typeof revertData === "string" && /^0x[0-9a-fA-F]*$/.test(revertData)) return { ok: false, data: revertData };
    throw error;
  }
}

function int256FromWord(word: bigint): bigint {
  return word >= 1n << 255n ? word - (1n << 256n) : word;
}

/**
 * The contract's latest (epoch << 8 | round) and answer, from latestTransmissionDetails (OCR1
 * and OCR2 return configDigest, epoch, round and the answer in the same words).
 */
async function latestTransmission(provider: Provider, aggregator: string, from: string): Promise<{ epochAndRound: bigint; answer: bigint }> {
  const result = await call(provider, from, aggregator, LATEST_TRANSMISSION_DETAILS);
  if (!result.ok) throw new Error(`latestTransmissionDetails reverted: ${revertReason(result.data)}`);
  const data = hexToBytes(result.data);
  const epoch = readWord(data, WORD);
  const round = readWord(data, 2 * WORD);
  return { epochAndRound: (epoch << 8n) | round, answer: int256FromWord(readWord(data, 3 * WORD)) };
}

async function ensureCanSend(connection: Connection, target: Pick<FuzzedFeed, "transmitters">, sender: string): Promise<void> {
  // Valid senders are impersonated at deployment; this is only for a contract that wrongly
  // accepts an outsider, so that its effect can still be observed.
  if (target.transmitters.includes(sender)) return;
  await impersonate(connection.provider, sender);
  await connection.networkHelpers.setBalance(sender, 10n ** 20n);
}

/**
 * Run the transmit on the aggregator at `to`, which `target` describes. Rejected calls are only
 * simulated; accepted ones are mined for real (status 1 required, at `gasPrice` wei if given)
 * and the contract's new latest epoch, round and answer are read back.
 */
export async function executeTransmit(
  connection: Connection,
  to: string,
  target: Pick<FuzzedFeed, "transmitters" | "outsiders">,
  calldata: Uint8Array,
  sender: string,
  gasPrice?: bigint,
): Promise<ChainOutcome> {
  const data = bytesToHex(calldata);
  const simulated = await call(connection.provider, sender, to, data);
  if (!simulated.ok) return { accepted: false, reason: revertReason(simulated.data) };

  await ensureCanSend(connection, target, sender);
  const price = gasPrice === undefined ? {} : { gasPrice: `0x${gasPrice.toString(16)}` };
  const hash = await connection.provider.request({
    method: "eth_sendTransaction",
    params: [{ from: sender, to, data, gas: `0x${TRANSMIT_GAS.toString(16)}`, ...price }],
  });
  const receipt = (await connection.provider.request({ method: "eth_getTransactionReceipt", params: [hash] })) as {
    status: string;
  } | null;
  if (receipt === null || receipt.status !== "0x1") {
    throw new Error(`transmit passed eth_call but the transaction ${String(hash)} did not succeed`);
  }
  const latest = await latestTransmission(connection.provider, to, target.outsiders[0]);
  return { accepted: true, ...latest };
}
