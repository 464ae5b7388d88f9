/**
 * The public half of an OCR1 configuration (spec §2.2): protocol timings, the deviation and
 * heartbeat parameters, the transmission schedule and who the oracles are. Everything here ends
 * up on chain, in setConfig's arguments or inside the `encoded` blob.
 */
import { type Address } from "../address.js";
import { MAX_ORACLES } from "../report.js";

export interface OracleIdentity {
  readonly signerAddress: Address;
  readonly transmitterAddress: Address;
  /** Ed25519 public key, 32 bytes. */
  readonly offchainPublicKey: Uint8Array;
  /** X25519 public key, 32 bytes. Not published on chain: empty in configs read back from a contract. */
  readonly configEncryptionPublicKey: Uint8Array;
  readonly peerId: string;
}

export interface PublicConfig {
  /** Epoch timeout: a new epoch starts if no round completes within this time. */
  readonly deltaProgressMs: number;
  /** How often an oracle re-broadcasts its newepoch message. */
  readonly deltaResendMs: number;
  /** The leader starts a new round this often. */
  readonly deltaRoundMs: number;
  /** The leader's wait for stragglers once more than 2f observations are in. */
  readonly deltaGraceMs: number;
  /** Heartbeat: report even without deviation once the on-chain answer is this old. */
  readonly deltaCMs: number;
  /** Spacing between transmission stages. */
  readonly deltaStageMs: number;
  /** Deviation threshold in parts per billion (uint64). */
  readonly alphaPPB: bigint;
  /** Maximum rounds per epoch (1..254). */
  readonly rMax: number;
  /** Transmission schedule: S[i] oracles transmit in stage i. */
  readonly s: readonly number[];
  /** Number of faulty oracles tolerated; the contract's `threshold`. */
  readonly f: number;
  /** In config order; n = oracles.length. */
  readonly oracles: readonly OracleIdentity[];
}

/** A config that cannot work; `field` names the offending PublicConfig field. */
/**
 * The fields an OCR1 and an OCR2 offchain config both carry, as a public config sets them: the
 * pacemaker and round timing, the transmission schedule, and each oracle's public keys and
 * peer id in config order. Each protocol's encoder adds its own fields.
 */
export function sharedOffchainFields(config: PublicConfig) {
  return {
    deltaProgressMs: config.deltaProgressMs,
    deltaResendMs: config.deltaResendMs,
    deltaRoundMs: config.deltaRoundMs,
    deltaGraceMs: config.deltaGraceMs,
    deltaStageMs: config.deltaStageMs,
    rMax: config.rMax,
    s: config.s,
    offchainPublicKeys: config.oracles.map((o) => o.offchainPublicKey),
    peerIds: config.oracles.map((o) => o.peerId),
  };
}

export class ConfigError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = "ConfigError";
    this.field = field;
  }
}

/** Largest schedule length libocr accepts (len(S) < 1000). */
export const MAX_SCHEDULE_LENGTH = 999;
const MAX_UINT64 = (1n << 64n) - 1n;
/** int64 nanoseconds, the encoding of a duration, overflow past this many milliseconds. */
const MAX_DURATION_MS = Number(((1n << 63n) - 1n) / 1_000_000n);

/** Minimum timings a chain class imposes outside dev mode (spec §2.2), in milliseconds. */
export interface ChainMinimums {
  readonly name: string;
  readonly deltaCMs: number;
  readonly deltaStageMs: number;
  readonly deltaRoundMs: number;
  readonly deltaProgressMs: number;
  readonly deltaResendMs: number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;

const SLOW: ChainMinimums = { name: "slow", deltaCMs: 10 * MINUTE, deltaStageMs: 10 * SECOND, deltaRoundMs: 20 * SECOND, deltaProgressMs: 23 * SECOND, deltaResendMs: 10 * SECOND };
const MODERATE: ChainMinimums = { name: "moderate", deltaCMs: MINUTE, deltaStageMs: 5 * SECOND, deltaRoundMs: 20 * SECOND, deltaProgressMs: 23 * SECOND, deltaResendMs: 10 * SECOND };
const FAST: ChainMinimums = { name: "fast", deltaCMs: 10 * SECOND, deltaStageMs: 5 * SECOND, deltaRoundMs: 5 * SECOND, deltaProgressMs: 8 * SECOND, deltaResendMs: 5 * SECOND };
const PUBLIC_TESTNET: ChainMinimums = { name: "public testnet", deltaCMs: SECOND, deltaStageMs: 5 * SECOND, deltaRoundMs: SECOND, deltaProgressMs: 2 * SECOND, deltaResendMs: 2 * SECOND };

/** Local development chains (Hardhat 31337, Ganache/geth dev 1337, 7418): no minimums. */
export const PRIVATE_CHAIN_IDS: readonly bigint[] = [1337n, 7418n, 31337n];

const CHAIN_CLASSES: ReadonlyMap<bigint, ChainMinimums> = new Map<bigint, ChainMinimums>([
  // slow
  [1n, SLOW], [1101n, SLOW],
  // moderate: Celo, Gnosis (xDai), RSK, Harmony, Mantle
  [42220n, MODERATE], [100n, MODERATE], [30n, MODERATE], [1666600000n, MODERATE], [5000n, MODERATE],
  // fast: Optimism, BSC, Polygon, Arbitrum One, Avalanche C, Base
  [10n, FAST], [56n, FAST], [137n, FAST], [42161n, FAST], [43114n, FAST], [8453n, FAST],
  // public testnets: Sepolia, Goerli, Holesky, BSC testnet, Amoy, Fuji, Arbitrum/Base/OP Sepolia
  [11155111n, PUBLIC_TESTNET], [5n, PUBLIC_TESTNET], [17000n, PUBLIC_TESTNET], [97n, PUBLIC_TESTNET],
  [80002n, PUBLIC_TESTNET], [43113n, PUBLIC_TESTNET], [421614n, PUBLIC_TESTNET], [84532n, PUBLIC_TESTNET],
  [11155420n, PUBLIC_TESTNET],
]);

/** The minimums for a chain; null for private dev chains. Unknown chains are treated as slow, as libocr does. */
export function chainMinimums(chainId: bigint): ChainMinimums | null {
  if (PRIVATE_CHAIN_IDS.includes(chainId)) return null;
  return CHAIN_CLASSES.get(chainId) ?? SLOW;
}

function fail(field: string, message: string): never {
  throw new ConfigError(field, message);
}

function checkDuration(field: keyof PublicConfig, ms: number): void {
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) {
    fail(field, `${field} (${ms}) must be a non-negative number of milliseconds`);
  }
  if (ms > MAX_DURATION_MS) fail(field, `${field} (${ms} ms) does not fit in int64 nanoseconds; use at most ${MAX_DURATION_MS} ms`);
}

function checkOrdered(smaller: keyof PublicConfig, smallerMs: number, larger: keyof PublicConfig, largerMs: number): void {
  if (!(smallerMs < largerMs)) {
    fail(smaller, `${smaller} (${smallerMs} ms) must be smaller than ${larger} (${largerMs} ms)`);
  }
}

function isAddress(value: string): boolean {
  return typeof value === "string" && /^0x[0-9a-fA-F]{40}$/.test(value);
}

function checkOracle(oracle: OracleIdentity, i: number): void {
  const field = `oracles[${i}]`;
  if (!isAddress(oracle.signerAddress)) fail(`${field}.signerAddress`, `${field}.signerAddress (${oracle.signerAddress}) is not a 20-byte hex address`);
  if (!isAddress(oracle.transmitterAddress)) fail(`${field}.transmitterAddress`, `${field}.transmitterAddress (${oracle.transmitterAddress}) is not a 20-byte hex address`);
  if (!(oracle.offchainPublicKey instanceof Uint8Array) || oracle.offchainPublicKey.length !== 32) {
    fail(`${field}.offchainPublicKey`, `${field}.offchainPublicKey must be a 32-byte Ed25519 public key`);
  }
  // peer ids are joined with "," in the encoded config, so a comma would split one id into two.
  if (typeof oracle.peerId !== "string" || oracle.peerId.length === 0 || oracle.peerId.includes(",")) {
    fail(`${field}.peerId`, `${field}.peerId (${JSON.stringify(oracle.peerId)}) must be a non-empty string without ","`);
  }
}

/** Throws a ConfigError at the first address used twice: the contract reverts on either kind of repeat. */
function checkDistinctAddresses(oracles: readonly OracleIdentity[]): void {
  const seen = new Map<string, string>();
  oracles.forEach((oracle, i) => {
    for (const [role, address] of [["signerAddress", oracle.signerAddress], ["transmitterAddress", oracle.transmitterAddress]] as const) {
      const key = address.toLowerCase();
      const where = `oracles[${i}].${role}`;
      const earlier = seen.get(key);
      if (earlier !== undefined) fail(where, `${where} (${address}) is already used as ${earlier}; every signer and transmitter address must be distinct`);
      seen.set(key, where);
    }
  });
}

/**
 * Throws a ConfigError naming the first field that breaks a rule. The rules are libocr's
 * checkPublicConfigParameters (spec §2.2) plus what setConfig itself would revert on:
 * a positive threshold and distinct signer and transmitter addresses. With a chainId and
 * without devMode, the chain class's minimum timings apply too; private chains have none.
 */
export function validatePublicConfig(
  config: PublicConfig,
  options: { chainId?: bigint; devMode?: boolean } = {},
): void {
  const durations = ["deltaProgressMs", "deltaResendMs", "deltaRoundMs", "deltaGraceMs", "deltaCMs", "deltaStageMs"] as const;
  for (const field of durations) checkDuration(field, config[field]);

  const n = config.oracles.length;
  if (!Number.isInteger(config.f) || config.f < 1) {
    fail("f", `f (${config.f}) must be a positive integer: setConfig reverts "threshold must be positive" for 0`);
  }
  if (n > MAX_ORACLES) fail("oracles", `oracles has ${n} entries; an OCR1 aggregator accepts at most ${MAX_ORACLES}`);
  if (3 * config.f >= n) {
    fail("f", `f (${config.f}) is too high for ${n} oracles: need 3f < n, i.e. at least ${3 * config.f + 1} oracles or f ≤ ${Math.max(0, Math.floor((n - 1) / 3))}`);
  }
  config.oracles.forEach(checkOracle);
  checkDistinctAddresses(config.oracles);

  checkOrdered("deltaGraceMs", config.deltaGraceMs, "deltaRoundMs", config.deltaRoundMs);
  checkOrdered("deltaRoundMs", config.deltaRoundMs, "deltaProgressMs", config.deltaProgressMs);

  if (!Number.isInteger(config.rMax) || config.rMax <= 0 || config.rMax >= 255) {
    fail("rMax", `rMax (${config.rMax}) must be an integer between 1 and 254`);
  }
  if (typeof config.alphaPPB !== "bigint" || config.alphaPPB < 0n || config.alphaPPB > MAX_UINT64) {
    fail("alphaPPB", `alphaPPB (${config.alphaPPB}) must be a uint64 bigint (parts per billion)`);
  }
  if (config.s.length > MAX_SCHEDULE_LENGTH) fail("s", `s has ${config.s.length} stages; at most ${MAX_SCHEDULE_LENGTH} are allowed`);
  config.s.forEach((stage, i) => {
    if (!Number.isInteger(stage) || stage < 0 || stage > MAX_ORACLES) {
      fail("s", `s[${i}] (${stage}) must be an integer between 0 and ${MAX_ORACLES}`);
    }
  });

  if (options.chainId === undefined || options.devMode) return;
  const minimums = chainMinimums(options.chainId);
  if (minimums === null) return;
  const floors = [
    ["deltaCMs", minimums.deltaCMs],
    ["deltaStageMs", minimums.deltaStageMs],
    ["deltaRoundMs", minimums.deltaRoundMs],
    ["deltaProgressMs", minimums.deltaProgressMs],
    ["deltaResendMs", minimums.deltaResendMs],
  ] as const;
  for (const [field, floor] of floors) {
    if (config[field] < floor) {
      fail(field, `${field} (${config[field]} ms) is below the ${floor} ms minimum for ${minimums.name} chain ${options.chainId}; raise it or use devMode`);
    }
  }
}

/**
 * Settings for a committee on a local chain, fast in (virtual) time yet valid everywhere the
 * private-chain rules apply. The timings follow libocr's own integration-test config, which is
 * known to let a 4-oracle committee make steady progress:
 * - deltaRound 1 s: one report per second at most; each round needs only a few in-process hops.
 * - deltaGrace 500 ms: half a round, so stragglers still make it in and the round ends in time.
 * - deltaProgress 2 s: two rounds without progress before the leader is replaced.
 * - deltaResend 1 s: newepoch gossip recovers within a round after a lost message.
 * - deltaStage 2 s: later stages wait long enough for the first transmission to be mined and
 *   seen, so they skip the report instead of reverting "stale report" and burning gas.
 * - deltaC 24 h: the common heartbeat of production feeds.
 * - alphaPPB 5e6 (0.5 %): a typical deviation threshold.
 * - rMax 3, S = [1]·n: each oracle is its own stage, so exactly one transmits while all is well.
 */
export function defaultPublicConfig(oracles: readonly OracleIdentity[], f: number): PublicConfig {
  return {
    deltaProgressMs: 2000,
    deltaResendMs: 1000,
    deltaRoundMs: 1000,
    deltaGraceMs: 500,
    deltaCMs: 86_400_000,
    deltaStageMs: 2000,
    alphaPPB: 5_000_000n,
    rMax: 3,
    s: oracles.map(() => 1),
    f,
    oracles: [...oracles],
  };
}

