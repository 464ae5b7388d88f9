/**
 * What the user's code does to a simulated chain besides sending transactions.
 *
 * A feed keeps what it read at a block (by hash) and carries it over blocks whose logs it knows
 * (plugin/chain/head-reader.ts). Two things can make that wrong without any log: a development
 * method that edits state in place (`hardhat_setStorageAt`, `hardhat_setCode`, a rewind, ...),
 * after which a read at an unchanged hash may differ; and mining that is not one block per
 * transaction (automine off), after which a transaction's receipt no longer shows everything
 * its block did. The plugin's network hook sees every request of a connection and notes these
 * here; the feed's ChainTime reads them.
 */

/** Requests that change state, or which blocks exist, without a transaction of their own. */
const STATE_EDITS: ReadonlySet<string> = new Set([
  "hardhat_setStorageAt",
  "hardhat_setCode",
  "hardhat_setNonce",
  "hardhat_setBalance",
  "hardhat_reset",
  "hardhat_dropTransaction",
  "evm_revert",
  "evm_setAutomine",
  "evm_setIntervalMining",
]);

/** Whether a request of `method` edits the chain without a transaction (see the module comment). */
export function isChainEdit(method: string): boolean {
  return STATE_EDITS.has(method);
}

/** The edits made through one connection, and whether it mines each transaction as it is sent. */
export class ChainEdits {
  readonly #configuredAutomine: boolean;
  #automine: boolean;
  #count = 0;

  /** @param automine whether the network is configured to mine each transaction as it is sent. */
  constructor(automine: boolean) {
    this.#configuredAutomine = automine;
    this.#automine = automine;
  }

  /** How many state edits went through so far: a read made before one may not hold after it. */
  get count(): number {
    return this.#count;
  }

  /** Whether each transaction is mined, alone, in a block of its own the moment it is sent. */
  get automine(): boolean {
    return this.#automine;
  }

  /** Note a request the connection answered (its method and params as sent). */
  noteRequest(method: string, params: unknown): void {
    if (!isChainEdit(method)) return;
    this.#count++;
    if (method === "evm_setAutomine" && Array.isArray(params) && typeof params[0] === "boolean") this.#automine = params[0];
    if (method === "hardhat_reset") this.#automine = this.#configuredAutomine;
  }
}

/** What this module needs of a network connection (Hardhat's NetworkConnection has it). */
export interface EditableConnection {
  readonly networkConfig: { readonly type: string; readonly mining?: { readonly auto?: boolean } };
}

const editsOfConnection = new WeakMap<EditableConnection, ChainEdits>();

/** The edit record of `connection`, created on first use from its network config. */
export function chainEditsOf(connection: EditableConnection): ChainEdits {
  let edits = editsOfConnection.get(connection);
  if (edits === undefined) {
    edits = new ChainEdits(connection.networkConfig.mining?.auto ?? true);
    editsOfConnection.set(connection, edits);
  }
  return edits;
}
