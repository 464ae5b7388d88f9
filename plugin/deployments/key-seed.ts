/**
 * A feed's oracle key seed as a value that cannot be printed. Every oracle key (and payee) of a
 * feed derives from one seed, so off local dev chains whoever reads it controls the committee.
 * The seed text lives in a private field; printing, logging, JSON-encoding or inspecting the
 * object shows a placeholder, and the only things it gives out are what derives from it.
 *
 * `resolveOracleKeySeed` is the one rule for where a feed's key seed comes from, shared by
 * `connection.ocr` and the `ocr:*` tasks.
 */
import { inspect } from "node:util";

import { bytesToHex, concatBytes } from "../core/bytes.js";
import { keccak256, utf8Bytes } from "../core/hash.js";
import { type OracleKeys, deriveOracleKeys } from "../core/keys.js";
import type { OracleInfo } from "../api-types.js";
import { derivedPayee, oracleInfo } from "../feed/committee-wiring.js";
import { keySeedEmpty, keySeedNoLongerConfigured, keySeedUnreadable, noSecretKeySeed } from "../messages.js";
import type { OcrFeedConfig } from "../types.js";
import { isLocalDevChain } from "./keys.js";
import { pluginError } from "./user-errors.js";

const PLACEHOLDER = "[oracle key seed, not shown]";

export class OracleKeySeed {
  readonly #seed: string;
  readonly #public: boolean;
  /** Keys derived so far, by oracle index: deriving is the costly part of building a committee. */
  readonly #keys = new Map<number, OracleKeys>();

  private constructor(seed: string, isPublic: boolean) {
    this.#seed = seed;
    this.#public = isPublic;
    Object.freeze(this);
  }

  /** The plain `seed` of a feed where keys guard nothing (the simulated network, local dev chains). */
  static fromPlainSeed(seed: string): OracleKeySeed {
    return new OracleKeySeed(seed, true);
  }

  /** A secret seed: a feed's `keySeed` configuration variable, or a seed given for a public chain. */
  static fromSecret(seed: string): OracleKeySeed {
    return new OracleKeySeed(seed, false);
  }

  /** True for a plain seed: it is no secret, and the tasks may record it in keys.json. */
  get isPlain(): boolean {
    return this.#public;
  }

  /** The text of a plain seed, for keys.json. A secret seed has none to give. */
  plainText(): string {
    if (!this.#public) throw new Error("a secret oracle key seed is never written down");
    return this.#seed;
  }

  /**
   * The key seed of a new committee for the same feed (an aggregator upgrade): this one, or
   * `seed` when the upgrade names one, as plain or as secret as this one.
   */
  reseeded(seed: string | undefined): OracleKeySeed {
    if (seed === undefined) return this;
    return new OracleKeySeed(seed, this.#public);
  }

  /** Oracle `index`'s keys. */
  oracleKeys(index: number): OracleKeys {
    let keys = this.#keys.get(index);
    if (keys === undefined) {
      keys = deriveOracleKeys(this.#seed, index);
      this.#keys.set(index, keys);
    }
    return keys;
  }

  /** The keys of oracles 0 .. n-1. */
  committeeKeys(n: number): OracleKeys[] {
    return Array.from({ length: n }, (_, i) => this.oracleKeys(i));
  }

  /** Oracle `index`'s payee: an address derived from the seed that nobody holds a key for. */
  payee(index: number): string {
    return derivedPayee(this.#seed, index);
  }

  /** The public identities (signer, transmitter, payee, off-chain key) of oracles with `keys` from this seed. */
  oracleInfo(keys: readonly OracleKeys[]): OracleInfo[] {
    return oracleInfo(keys, this.#seed);
  }

  /**
   * The seed the in-process committee draws its own randomness from (network latencies, the
   * shared secret of each config and the dealer's scalar). A plain key seed leaves that to the
   * feed's `determinismSeed`. A secret one replaces it with a one-way derivation, so the config's
   * shared secret cannot be computed from the public `seed`, while the key seed itself stays here.
   */
  committeeSeed(determinismSeed: string): string {
    if (this.#public) return determinismSeed;
    return "hardhat-ocr committee " + bytesToHex(keccak256(concatBytes(utf8Bytes("hardhat-ocr committee seed v1\n"), utf8Bytes(this.#seed))));
  }

  toString(): string {
    return PLACEHOLDER;
  }

  toJSON(): string {
    return PLACEHOLDER;
  }

  [inspect.custom](): string {
    return PLACEHOLDER;
  }
}

/**
 * The secret behind a feed's `keySeed` configuration variable (environment variable or
 * keystore), read straight into an OracleKeySeed. Fails with a plugin error that says how to set
 * it; the secret is never echoed.
 */
export async function readKeySeedVariable(feedName: string, variable: NonNullable<OcrFeedConfig["keySeed"]>): Promise<OracleKeySeed> {
  let seed: string;
  try {
    seed = await variable.get();
  } catch (error) {
    throw pluginError(keySeedUnreadable(feedName, (error as Error).message.split("\n")[0]), error as Error);
  }
  if (seed.trim() === "") throw pluginError(keySeedEmpty(feedName));
  return OracleKeySeed.fromSecret(seed);
}

/** The chain a feed's keys are asked for. */
export interface KeySeedChain {
  readonly networkName: string;
  readonly chainId: bigint;
  /** This process's simulated network: its accounts are as public as a local dev chain's. */
  readonly simulated: boolean;
}

/** Where the plain seed comes from, and what the caller already knows. */
export interface KeySeedRequest {
  /**
   * The plain seed for the simulated network and local dev chains. Default: the feed's `seed`;
   * attaching to a recorded deployment reads the one in keys.json instead.
   */
  readonly plainSeed?: () => Promise<string>;
  /**
   * A seed the API caller passed with the call (`deployFeed(name, { seed })`): it is used on any
   * chain, and off local dev chains it is treated as a secret.
   */
  readonly explicitSeed?: string;
  /** Attaching to a deployment whose keys came from a keySeed variable (the record says so). */
  readonly deployedWithKeySeed?: boolean;
}

/** True where the plain seed is used: the simulated network and local dev chains (31337, 1337). */
export function usesPlainKeySeed(chain: KeySeedChain): boolean {
  return chain.simulated || isLocalDevChain(chain.chainId);
}

/**
 * The seed `feed`'s oracle keys derive from on `chain`. On the simulated network and local dev
 * chains: the plain seed, and a configured `keySeed` is never read (so one config works on a
 * local node without the secret set). Anywhere else: only the feed's `keySeed` configuration
 * variable; without one, a plugin error says how to configure it.
 */
export async function resolveOracleKeySeed(
  feed: Pick<OcrFeedConfig, "name" | "seed" | "keySeed">,
  chain: KeySeedChain,
  request: KeySeedRequest = {},
): Promise<OracleKeySeed> {
  const plain = usesPlainKeySeed(chain);
  if (request.explicitSeed !== undefined) {
    return plain ? OracleKeySeed.fromPlainSeed(request.explicitSeed) : OracleKeySeed.fromSecret(request.explicitSeed);
  }
  if (plain) return OracleKeySeed.fromPlainSeed(request.plainSeed !== undefined ? await request.plainSeed() : feed.seed);
  if (feed.keySeed !== undefined) return readKeySeedVariable(feed.name, feed.keySeed);
  throw pluginError(request.deployedWithKeySeed === true ? keySeedNoLongerConfigured(feed.name, chain.networkName) : noSecretKeySeed(feed.name, chain));
}
