/**
 * The OCR2 side of the fuzz loop: two AccessControlledOCR2Aggregator feeds (4/1 and 7/2, billing
 * on, each on its own chain), the OCR2 case builder and reference model, and the shared loop and
 * chain execution (eth_call for the verdict; accepted calls are then mined for real).
 * Deterministic per seed.
 */
import { bytesToHex } from "../../../plugin/core/bytes.js";
import { addressFromPrivateKey } from "../../../plugin/core/address.js";
import { keccak256, utf8Bytes } from "../../../plugin/core/hash.js";
import { OCR2_OFFCHAIN_CONFIG_VERSION } from "../../../plugin/core/ocr2/config.js";
import { deployOcr2Feed } from "../../ocr2-fixture.js";
import { executeTransmit } from "../chain.js";
import { Prng } from "../prng.js";
import { type FuzzOptions, type FuzzProtocol, type FuzzResult, runCases } from "../runner.js";
import { type Ocr2FuzzTarget, type Ocr2Mutator, OCR2_MUTATORS, OCR2_STAGES, buildOcr2Case } from "./cases.js";
import { judgeOcr2Transmit } from "./model.js";

type Ocr2Feed = Awaited<ReturnType<typeof deployOcr2Feed>>;

interface ChainOcr2Feed {
  readonly feed: Ocr2Feed;
  readonly target: Ocr2FuzzTarget;
}

export const OCR2_FEED_SPECS = [
  { name: "ocr2 4/1", n: 4, f: 1, minAnswer: -(10n ** 12n), maxAnswer: 10n ** 12n },
  { name: "ocr2 7/2", n: 7, f: 2, minAnswer: 1n, maxAnswer: 10n ** 30n },
] as const;

/** Gas price of the real transactions: billing reimburses it, so it is a realistic 20 gwei. */
const TRANSMIT_GAS_PRICE = 20_000_000_000n;

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

async function reconfigure(chain: ChainOcr2Feed, rng: Prng): Promise<void> {
  const { feed, target } = chain;
  await (await feed.aggregator.setConfig(feed.signers, feed.transmitters, target.f, feed.onchainConfig, OCR2_OFFCHAIN_CONFIG_VERSION, bytesToHex(rng.bytes(8)))).wait();
  target.configDigest = await feed.configDigest();
  target.latestEpochAndRound = 0n;
}

/** Run `options.cases` OCR2 cases against freshly deployed feeds. */
export async function runOcr2Fuzz(options: FuzzOptions): Promise<FuzzResult> {
  const chains = await deployTargets();
  const protocol: FuzzProtocol<ChainOcr2Feed, Ocr2Mutator> = {
    labelPrefix: "ocr2/",
    feeds: chains,
    mutators: OCR2_MUTATORS,
    stages: OCR2_STAGES,
    reconfigure: (chain, caseIndex) => reconfigure(chain, Prng.fromLabel(`${options.seed}/ocr2/reconfigure/${caseIndex}`)),
    build: (rng, chain, chosen) => buildOcr2Case(rng, chain.target, chosen),
    judge: (calldata, sender, chain) => judgeOcr2Transmit(calldata, sender, chain.target),
    execute: ({ feed, target }, calldata, sender) =>
      executeTransmit(feed.connection, feed.aggregatorAddress, target, calldata, sender, TRANSMIT_GAS_PRICE),
  };
  const result = await runCases(protocol, options);
  for (const { feed } of chains) await feed.connection.close();
  return result;
}
