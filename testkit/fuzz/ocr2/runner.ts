/**
 * The OCR2 fuzz loop: per case, a valid transmit for the next (epoch, round) of one of two
 * AccessControlledOCR2Aggregator feeds (4/1 and 7/2, billing on), 0..3 mutations, the reference
 * model's verdict, the contract's verdict (eth_call; accepted calls are then mined for real), and
 * the comparison. Deterministic per seed.
 */
import { bytesToHex, hexToBytes } from "../../../plugin/core/bytes.js";
import { addressFromPrivateKey } from "../../../plugin/core/address.js";
import { keccak256, utf8Bytes } from "../../../plugin/core/hash.js";
import { deployOcr2Feed } from "../../ocr2-fixture.js";
import { revertReason, type ChainOutcome } from "../chain.js";
import { WORD, readWord } from "../layout.js";
import { Prng } from "../prng.js";
import { type FuzzResult, type KindStats, record } from "../runner.js";
import { type Ocr2FuzzTarget, type Ocr2Mutator, OCR2_MUTATORS, OCR2_STAGES, buildOcr2Case } from "./cases.js";
import { judgeOcr2Transmit } from "./model.js";

type Ocr2Feed = Awaited<ReturnType<typeof deployOcr2Feed>>;

interface ChainOcr2Feed {
  readonly feed: Ocr2Feed;
  readonly target: Ocr2FuzzTarget;
}

export interface Ocr2FuzzOptions {
  readonly cases: number;
  readonly seed: string;
  readonly controlFraction?: number;
  /** setConfig one feed again after every this many cases (default 500; 0 = never). */
  readonly reconfigureEvery?: number;
  readonly keepSamples?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export const OCR2_FEED_SPECS = [
  { name: "ocr2 4/1", n: 4, f: 1, minAnswer: -(10n ** 12n), maxAnswer: 10n ** 12n },
  { name: "ocr2 7/2", n: 7, f: 2, minAnswer: 1n, maxAnswer: 10n ** 30n },
] as const;

/** latestTransmissionDetails() */
const LATEST_TRANSMISSION_DETAILS = "0xe5fe4577";
const TRANSMIT_GAS = "0x4c4b40";

const lower = (a: string) => a.toLowerCase();
const foreignKey = (i: number) => keccak256(utf8Bytes(`hardhat-ocr ocr2 fuzz foreign ${i}`));

async function deployTargets(): Promise<ChainOcr2Feed[]> {
  const feeds: Ocr2Feed[] = [];
  for (const spec of OCR2_FEED_SPECS) {
    feeds.push(await deployOcr2Feed(spec.n, spec.f, { accessControlled: true, minAnswer: spec.minAnswer, maxAnswer: spec.maxAnswer }));
  }
  const foreignKeys = [0, 1, 2].map(foreignKey);
  return Promise.all(
    feeds.map(async (feed, i) => {
      const others = feeds.filter((_, j) => j !== i);
      for (const t of feed.transmitters) {
        await feed.connection.provider.request({ method: "hardhat_impersonateAccount", params: [t] });
      }
      const target: Ocr2FuzzTarget = {
        name: OCR2_FEED_SPECS[i].name,
        n: OCR2_FEED_SPECS[i].n,
        f: OCR2_FEED_SPECS[i].f,
        signerKeys: feed.signingKeys,
        signers: feed.signers.map(lower),
        transmitters: feed.transmitters.map(lower),
        foreignKeys: [...foreignKeys, ...others.flatMap((o) => o.signingKeys)],
        outsiders: [
          lower(feed.owner.address),
          lower(feed.stranger.address),
          ...feed.signers.slice(0, 2).map(lower),
          ...feed.payees.slice(0, 1).map(lower),
          ...others.flatMap((o) => o.transmitters.slice(0, 2).map(lower)),
          lower(addressFromPrivateKey(foreignKeys[0])),
        ],
        minAnswer: OCR2_FEED_SPECS[i].minAnswer,
        maxAnswer: OCR2_FEED_SPECS[i].maxAnswer,
        configDigest: await feed.configDigest(),
        latestEpochAndRound: 0n,
      };
      return { feed, target };
    }),
  );
}

async function call(feed: Ocr2Feed, from: string, data: string): Promise<{ ok: boolean; data: string }> {
  try {
    const result = (await feed.connection.provider.request({
      method: "eth_call",
      params: [{ from, to: feed.aggregatorAddress, data }, "latest"],
    })) as string;
    return { ok: true, data: result };
  } catch (error) {
    const revertData = (error as { data?: unknown }).data;
    if (typeof revertData === "string" && /^0x[0-9a-fA-F]*$/.test(revertData)) return { ok: false, data: revertData };
    throw error;
  }
}

async function execute(chain: ChainOcr2Feed, calldata: Uint8Array, sender: string): Promise<ChainOutcome> {
  const { feed, target } = chain;
  const data = bytesToHex(calldata);
  const simulated = await call(feed, sender, data);
  if (!simulated.ok) return { accepted: false, reason: revertReason(simulated.data) };
  if (!target.transmitters.includes(sender)) {
    // Only when the contract wrongly accepts an outsider: send anyway to observe the effect.
    await feed.connection.provider.request({ method: "hardhat_impersonateAccount", params: [sender] });
    await feed.networkHelpers.setBalance(sender, 10n ** 20n);
  }
  const hash = await feed.connection.provider.request({
    method: "eth_sendTransaction",
    params: [{ from: sender, to: feed.aggregatorAddress, data, gas: TRANSMIT_GAS, gasPrice: "0x4a817c800" }],
  });
  const receipt = (await feed.connection.provider.request({ method: "eth_getTransactionReceipt", params: [hash] })) as {
    status: string;
  } | null;
  if (receipt === null || receipt.status !== "0x1") throw new Error(`transmit passed eth_call but ${String(hash)} failed`);
  const details = await call(feed, target.outsiders[0], LATEST_TRANSMISSION_DETAILS);
  if (!details.ok) throw new Error(`latestTransmissionDetails reverted: ${revertReason(details.data)}`);
  const bytes = hexToBytes(details.data);
  const answerWord = readWord(bytes, 3 * WORD);
  return {
    accepted: true,
    epochAndRound: (readWord(bytes, WORD) << 8n) | readWord(bytes, 2 * WORD),
    answer: answerWord >= 1n << 255n ? answerWord - (1n << 256n) : answerWord,
  };
}

async function reconfigure(chain: ChainOcr2Feed, rng: Prng): Promise<void> {
  const { feed, target } = chain;
  await (await feed.aggregator.setConfig(feed.signers, feed.transmitters, target.f, feed.onchainConfig, 2n, bytesToHex(rng.bytes(8)))).wait();
  target.configDigest = await feed.configDigest();
  target.latestEpochAndRound = 0n;
}

function emptyResult(seed: string): FuzzResult {
  const kinds = new Map<string, KindStats>();
  for (const x of OCR2_MUTATORS) {
    kinds.set(x.kind, { kind: x.kind, stage: x.stage, intent: x.intent, cases: 0, expectedValid: 0, accepted: 0, rejected: 0, reasons: new Map() });
  }
  return {
    seed, cases: 0, accepted: 0, rejected: 0, acceptedInvalid: 0, rejectedValid: 0, reasonMismatches: 0, effectMismatches: 0,
    controls: 0, controlsAccepted: 0, validMutants: 0, validMutantsAccepted: 0, reconfigurations: 0,
    kinds, disagreements: [], reasons: new Map(),
  };
}

/** Run `options.cases` OCR2 cases against freshly deployed feeds. */
export async function runOcr2Fuzz(options: Ocr2FuzzOptions): Promise<FuzzResult> {
  const controlFraction = options.controlFraction ?? 0.18;
  const reconfigureEvery = options.reconfigureEvery ?? 500;
  const keepSamples = options.keepSamples ?? 20;
  const chains = await deployTargets();
  const deckRng = Prng.fromLabel(`${options.seed}/ocr2/deck`);
  let deck: Ocr2Mutator[] = [];
  const result = emptyResult(options.seed);

  for (let i = 0; i < options.cases; i++) {
    if (reconfigureEvery > 0 && i > 0 && i % reconfigureEvery === 0) {
      await reconfigure(chains[(i / reconfigureEvery) % chains.length], Prng.fromLabel(`${options.seed}/ocr2/reconfigure/${i}`));
      result.reconfigurations++;
    }
    const rng = Prng.fromLabel(`${options.seed}/ocr2/case/${i}`);
    const chain = chains[rng.below(chains.length)];
    let chosen: Ocr2Mutator[] = [];
    if (!rng.chance(controlFraction)) {
      if (deck.length === 0) deck = deckRng.shuffle(OCR2_MUTATORS);
      const primary = deck.pop()!;
      const extras = rng.chance(0.35) ? (rng.chance(0.3) ? 2 : 1) : 0;
      chosen = [primary, ...rng.sample(OCR2_MUTATORS.filter((x) => x !== primary), extras)];
      chosen.sort((a, b) => OCR2_STAGES.indexOf(a.stage) - OCR2_STAGES.indexOf(b.stage));
    }
    const built = buildOcr2Case(rng, chain.target, chosen);
    const verdict = judgeOcr2Transmit(built.calldata, built.sender, chain.target);
    const outcome = await execute(chain, built.calldata, built.sender);
    if (outcome.accepted) chain.target.latestEpochAndRound = outcome.epochAndRound;

    record(result, i, chain.target.name, chosen, built, verdict, outcome, keepSamples);
    options.onProgress?.(i + 1, options.cases);
  }
  for (const { feed } of chains) await feed.connection.close();
  return result;
}
