/**
 * Names and numbers the whole plugin shares, defined once: the plugin id that every
 * HardhatPluginError carries, and the chains whose accounts are public by convention.
 */

/** The plugin's id: `definePlugin({ id })`, and the plugin every user-facing error names. */
export const PLUGIN_ID = "hardhat-ocr";

/**
 * Local dev chains (Hardhat's and Ganache's default chain ids): their accounts are public, so
 * oracle keys there may come from the plain `seed` and be written down next to the records.
 */
export const LOCAL_DEV_CHAIN_IDS: readonly bigint[] = [31337n, 1337n];

/** The configuration variable the error messages suggest for a feed's secret key seed. */
export const SUGGESTED_KEY_SEED_VARIABLE = "OCR_KEY_SEED";

/**
 * Where oracle i of a feed run as processes listens by default: 127.0.0.1 at this port + i
 * (the port Chainlink nodes conventionally use for P2P). A feed's `p2pBasePort` changes it.
 */
export const DEFAULT_P2P_BASE_PORT = 6690;
/** The protocol a feed runs unless its config says otherwise. */
export const DEFAULT_PROTOCOL: "ocr2" | "ocr1" = "ocr2";

/** What OCR2 oracles observe as juelsPerFeeCoin by default: 200 LINK per ETH, fixed. */
export const DEFAULT_JUELS_PER_FEE_COIN = 200n * 10n ** 18n;
