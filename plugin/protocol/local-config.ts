/** Node-local settings of an oracle (not part of the on-chain config). */
export interface LocalConfig {
  readonly dataSourceTimeoutMs: number;
  readonly dataSourceGracePeriodMs: number;
  readonly blockchainTimeoutMs: number;
  /**
   * Re-read the contract's config this often (libocr's ContractConfigTrackerPollInterval).
   * Omit when whoever calls setConfig also calls `refreshConfig`, as the Committee does.
   */
  readonly configPollIntervalMs?: number;
  /** Chain id and dev mode for config validation (minimum timings are skipped in dev mode). */
  readonly chainId?: bigint;
  readonly devMode?: boolean;
}

export const DEFAULT_LOCAL_CONFIG: LocalConfig = {
  dataSourceTimeoutMs: 5000,
  dataSourceGracePeriodMs: 50,
  blockchainTimeoutMs: 5000,
  devMode: true,
};
