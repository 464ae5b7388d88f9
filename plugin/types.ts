/**
 * The `ocr` section of hardhat.config.ts: what a user may write (`OcrUserConfig`) and what the
 * plugin works with after defaults are applied (`OcrConfig`).
 */
import type { ConfigurationVariable, ResolvedConfigurationVariable } from "hardhat/types/config";

/** Where an oracle's observations come from, as written in the config. */
export type DataSourceUserConfig =
  /** Always the same value, in the feed's smallest unit (e.g. 2000e8 for $2000 with 8 decimals). */
  | { type: "fixed"; value: bigint | number | string }
  /** The values in order, one per observation; the last one repeats unless `repeatLast` is false. */
  | { type: "sequence"; values: readonly (bigint | number | string)[]; repeatLast?: boolean }
  /**
   * A deterministic simulated market: the price moves at most `stepPPB` parts per billion per
   * round, and each oracle sees it off by at most `noisePPB` (its own deterministic noise). Oracles
   * given the same seed watch the same market.
   */
  | { type: "randomWalk"; start: bigint | number | string; stepPPB?: number; noisePPB?: number; seed?: string }
  /**
   * Like a Chainlink job's http -> jsonparse -> multiply pipeline. `headers` (e.g. an API key) are
   * sent to the URL's own origin only, never printed; `maxResponseBytes` caps the body (default 1 MiB).
   */
  | {
      type: "http";
      url: string;
      path: string;
      multiplier?: bigint | number | string;
      timeoutMs?: number;
      headers?: Readonly<Record<string, string>>;
      maxResponseBytes?: number;
    }
  /** Any function; may be async. Return the observation, or throw for "no observation". */
  | { type: "function"; observe: (request: { oracleIndex: number; epoch: number; round: number }) => bigint | Promise<bigint> };

export interface OcrBillingUserConfig {
  /** Gas price ceiling for reimbursement, in gwei (uint32). */
  maximumGasPriceGwei?: number;
  /** Reimbursement rounds gas prices below this halfway up to it, in gwei (uint32). */
  reasonableGasPriceGwei?: number;
  /** LINK per ETH, in millionths of LINK (uint32). */
  microLinkPerEth?: number;
  /** Reward per observation included in a report, in gwei of LINK (uint32). */
  linkGweiPerObservation?: number;
  /** Reward per transmission on top of the gas reimbursement, in gwei of LINK (uint32). */
  linkGweiPerTransmission?: number;
}

export interface OcrTimingUserConfig {
  /** Epoch timeout without progress. */
  deltaProgressMs?: number;
  /** How often an oracle re-broadcasts its newepoch message. */
  deltaResendMs?: number;
  /** How often the leader starts a round. */
  deltaRoundMs?: number;
  /** How long the leader waits for more observations after 2f+1 arrived. */
  deltaGraceMs?: number;
  /** Spacing between transmission stages. */
  deltaStageMs?: number;
  /** Rounds per epoch before the leader changes. */
  rMax?: number;
  /** Transmission schedule S: how many oracles transmit in each stage. Default one per stage. */
  schedule?: readonly number[];
}

export interface OcrFeedUserConfig {
  /**
   * The protocol the committee runs and the aggregator it reports to: "ocr2" (offchainreporting2
   * with the median plugin, OCR2Aggregator, what mainnet feeds run) or "ocr1"
   * (OffchainAggregator 4.0.0). Default "ocr2".
   */
  protocol?: "ocr2" | "ocr1";
  /**
   * OCR2: where oracles read juelsPerFeeCoin (Juels of LINK per unit of the chain's fee coin,
   * used for transmitter pay), one source for all or one per oracle. Default: a fixed
   * 200 LINK per ETH (200e18).
   */
  juelsPerFeeCoin?: DataSourceUserConfig | readonly DataSourceUserConfig[];
  /** The aggregator's `description()`. Defaults to the feed's name. */
  description?: string;
  /** The aggregator's `decimals()`. Default 8. */
  decimals?: number;
  /** Lowest answer the aggregator accepts (int192). Default 1. */
  minAnswer?: bigint | number | string;
  /** Highest answer the aggregator accepts (int192). Default 2^191 - 1. */
  maxAnswer?: bigint | number | string;
  /** Number of oracles n, 4 to 31 (f >= 1 needs more than 3f oracles). Default 4. */
  oracles?: number;
  /** Number of faulty oracles f the committee tolerates (3f < n). Default 1. */
  faultTolerance?: number;
  /** Deviation threshold in parts per billion. Default 5,000,000 (0.5 %). */
  alphaPPB?: bigint | number;
  /** Heartbeat: report when the latest answer is older than this. Default 24 h. */
  deltaCMs?: number;
  timing?: OcrTimingUserConfig;
  /** One data source for every oracle, or one per oracle (length n). */
  dataSource?: DataSourceUserConfig | readonly DataSourceUserConfig[];
  billing?: OcrBillingUserConfig;
  /** Deploy AccessControlledOffchainAggregator + EACAggregatorProxy instead of the open variants. */
  accessControlled?: boolean;
  /** LINK sent to the aggregator at deployment, in LINK-wei. Default 1000 LINK. */
  linkFunding?: bigint | number | string;
  /** Seed for oracle keys and every random choice on local chains. Default: the feed name. */
  seed?: string;
  /**
   * Secret seed of the oracle keys on any chain other than a local dev chain (chainId 31337 or
   * 1337), e.g. `configVariable("OCR_KEY_SEED")`: read from the environment or the keystore when
   * a task needs the keys, never written to disk or printed. Only a configuration variable is
   * accepted, so the secret cannot end up in the config file.
   */
  keySeed?: ConfigurationVariable;
  /**
   * Oracles run as processes (`ocr:oracle`) listen on 127.0.0.1 at this port + their index, and
   * reach each other there unless told otherwise. Default 6690.
   */
  p2pBasePort?: number;
}

export interface OcrUserConfig {
  /** Named feeds. When empty, one feed "ETH / USD" with default settings. */
  feeds?: Record<string, OcrFeedUserConfig>;
  /** The feed tasks use when `--feed` is not given. Default: the first feed. */
  defaultFeed?: string;
  /**
   * Where the `ocr:*` tasks record deployments on JSON-RPC networks, relative to the project
   * root or absolute. Default "ocr-deployments".
   */
  deploymentsDir?: string;
}

export type DataSourceConfig =
  | { type: "fixed"; value: bigint }
  | { type: "sequence"; values: readonly bigint[]; repeatLast: boolean }
  | { type: "randomWalk"; start: bigint; stepPPB: number; noisePPB: number; seed: string }
  | {
      type: "http";
      url: string;
      path: string;
      multiplier: bigint;
      timeoutMs: number;
      headers?: Readonly<Record<string, string>>;
      maxResponseBytes: number;
    }
  | { type: "function"; observe: (request: { oracleIndex: number; epoch: number; round: number }) => bigint | Promise<bigint> };

export interface OcrBillingConfig {
  maximumGasPriceGwei: number;
  reasonableGasPriceGwei: number;
  microLinkPerEth: number;
  linkGweiPerObservation: number;
  linkGweiPerTransmission: number;
}

export interface OcrTimingConfig {
  deltaProgressMs: number;
  deltaResendMs: number;
  deltaRoundMs: number;
  deltaGraceMs: number;
  deltaStageMs: number;
  rMax: number;
  schedule: readonly number[];
}

export interface OcrFeedConfig {
  name: string;
  protocol: "ocr2" | "ocr1";
  /** OCR2: exactly one juelsPerFeeCoin source per oracle. */
  juelsPerFeeCoin: readonly DataSourceConfig[];
  description: string;
  decimals: number;
  minAnswer: bigint;
  maxAnswer: bigint;
  oracles: number;
  faultTolerance: number;
  alphaPPB: bigint;
  deltaCMs: number;
  timing: OcrTimingConfig;
  /** Exactly one per oracle. */
  dataSources: readonly DataSourceConfig[];
  billing: OcrBillingConfig;
  accessControlled: boolean;
  linkFunding: bigint;
  seed: string;
  /** The configured `keySeed`, resolved lazily; absent when the feed has none. */
  keySeed?: ResolvedConfigurationVariable;
  /** As configured; absent means DEFAULT_P2P_BASE_PORT. */
  p2pBasePort?: number;
}

export interface OcrConfig {
  feeds: Record<string, OcrFeedConfig>;
  defaultFeed: string;
  /** As configured (relative to the project root or absolute); absent means "ocr-deployments". */
  deploymentsDir?: string;
}
