/**
 * Chain faults for the soak: a wrapper around the committee's real chain adapter that can make
 * the next transmit revert on chain or vanish before it reaches the node, plus the node-level
 * faults (interval mining instead of automine, snapshot and revert as a reorg).
 *
 * The wrapper sits where a real node's RPC would misbehave: between the engine and the chain.
 * The oracles never learn that the failure was injected; they see what a real transmitter sees.
 */
import type { ContractConfig, OffchainAggregatorChain, RoundRequest, TransmissionDetails, TransmitRequest, TransmitResult } from "../../plugin/protocol/chain.js";
import type { Clock } from "../../plugin/protocol/clock.js";
import type { Random } from "../../plugin/protocol/random.js";

/** What happens to the next transmit the wrapper sees. */
export type TransmitFault = "revert" | "drop";

/** What the wrapper actually did, for the soak's "did the fault happen" counters. */
export interface ChainFaultEffects {
  /** Transmits sent with too little gas: mined, status 0. */
  revertedOnChain: number;
  /** Transmits swallowed before reaching the node. */
  dropped: number;
  /** Transmits that landed while automine was off (mined by the interval miner). */
  minedByInterval: number;
  /** Chain reads made to fail. */
  failedReads: number;
  /** Transmits that failed while their sender had no ETH. */
  unfundedTransmits: number;
}

export interface FaultyChainOptions {
  /** The honest adapter every call goes to. */
  readonly inner: OffchainAggregatorChain;
  /**
   * The same adapter with a gas limit far below what transmit needs: the transaction is valid
   * and gets mined, then runs out of gas, a real on-chain revert.
   */
  readonly lowGas: OffchainAggregatorChain;
  readonly clock: Clock;
  /** How long (committee time) a dropped transaction keeps its sender waiting before it gives up. */
  readonly dropWaitMs: number;
  /**
   * The block interval in committee ms while the chain mines on an interval (null: automine).
   * A transmit sent meanwhile waits for the next block boundary before it is included.
   */
  readonly intervalMiningMs: () => number | null;
  /** Shown every transmit request before anything happens to it (the soak checks what oracles send). */
  readonly onTransmit?: (request: TransmitRequest) => void;
  /** When set, the chain's clock follows the committee's (see ChainTime). */
  readonly chainTime?: () => ChainTime | undefined;
}

/**
 * The chain's clock tied to the committee's: the block of each transmit gets the timestamp
 * origin + (committee time since the origin), and "now" for the oracles is that same time. The
 * committee's virtual clock runs far ahead of the wall clock a dev chain follows, so without this
 * a heartbeat (measured by the chain) would almost never fall due in a soak.
 */
export interface ChainTime {
  readonly rpc: RpcSender;
  readonly originSec: number;
  readonly clockOriginMs: number;
  readonly clock: Clock;
}

export function chainTimeMs(time: ChainTime): number {
  return time.originSec * 1000 + (time.clock.now() - time.clockOriginMs);
}

/**
 * An OffchainAggregatorChain that passes everything through except transmits that were armed
 * with a fault. Transmits of one account are sent strictly one after another, whichever adapter
 * sends them, so the inner and the low-gas adapter never race for the same nonce.
 */
export class FaultyChain implements OffchainAggregatorChain {
  readonly effects: ChainFaultEffects = { revertedOnChain: 0, dropped: 0, minedByInterval: 0, failedReads: 0, unfundedTransmits: 0 };
  private readonly armed: TransmitFault[] = [];
  private readFailureRate = 0;
  private readonly unfunded = new Set<string>();
  private readonly sendQueues = new Map<string, Promise<unknown>>();

  constructor(private readonly options: FaultyChainOptions) {}

  /** Give the next transmit (whoever sends it) this fault. */
  arm(fault: TransmitFault): void {
    this.armed.push(fault);
  }

  /** Forget faults that no transmit picked up (end of a step). */
  disarm(): number {
    const left = this.armed.length;
    this.armed.length = 0;
    return left;
  }

  /**
   * From now on the next chain read and a share `rate` of the later ones fail, as an RPC node
   * that errors now and then (0: none). Which ones is drawn from `random`, so a seed replays it.
   */
  failReads(rate: number, random: Random): void {
    this.readFailureRate = rate;
    this.readRandom = random;
    // The first read fails for sure, so that even a short spell of failures is felt.
    this.failNextRead = rate > 0;
  }

  private failNextRead = false;

  /** A transmitter whose account has been emptied (its transmits fail for want of gas money), or refilled. */
  markUnfunded(transmitterAddress: string, unfunded = true): void {
    if (unfunded) this.unfunded.add(transmitterAddress.toLowerCase());
    else this.unfunded.delete(transmitterAddress.toLowerCase());
  }

  private readRandom: Random | null = null;

  private read<T>(call: () => Promise<T>): Promise<T> {
    if (this.failNextRead || (this.readFailureRate > 0 && this.readRandom !== null && this.readRandom.chance(this.readFailureRate))) {
      this.failNextRead = false;
      this.effects.failedReads++;
      return Promise.reject(new Error("soak: chain read failed (injected RPC error)"));
    }
    return call();
  }

  latestConfig(): Promise<ContractConfig | null> {
    return this.read(() => this.options.inner.latestConfig());
  }
  latestTransmissionDetails(): Promise<TransmissionDetails> {
    return this.read(() => this.options.inner.latestTransmissionDetails());
  }
  latestRoundRequested(lookbackMs: number): Promise<RoundRequest | null> {
    return this.read(() => this.options.inner.latestRoundRequested(lookbackMs));
  }
  nowMs(): Promise<number> {
    const time = this.options.chainTime?.();
    if (time !== undefined) return Promise.resolve(chainTimeMs(time));
    const inner = this.options.inner;
    return inner.nowMs ? inner.nowMs() : Promise.resolve(this.options.clock.now());
  }

  transmit(request: TransmitRequest): Promise<TransmitResult> {
    this.options.onTransmit?.(request);
    const fault = this.armed.shift();
    if (fault === "drop") return this.drop();
    const account = request.transmitterAddress.toLowerCase();
    const previous = this.sendQueues.get(account) ?? Promise.resolve();
    const result = previous.then(() => this.send(request, fault === "revert"));
    const tail = result.then(() => undefined);
    this.sendQueues.set(account, tail);
    void tail.then(() => {
      if (this.sendQueues.get(account) === tail) this.sendQueues.delete(account);
    });
    return result;
  }

  private async send(request: TransmitRequest, underpriced: boolean): Promise<TransmitResult> {
    const adapter = underpriced ? this.options.lowGas : this.options.inner;
    // Interval mining on committee time: the transaction waits (committee time moves on meanwhile,
    // so later stages and reads go ahead) until the next block boundary, then goes into that block.
    // A node's own interval miner works on wall-clock time, which would make a seeded soak mine a
    // different number of blocks on every run.
    const intervalMs = this.options.intervalMiningMs();
    if (intervalMs !== null) {
      const now = this.options.clock.now();
      await this.options.clock.sleep(intervalMs - (now % intervalMs));
    }
    const time = this.options.chainTime?.();
    if (time !== undefined) {
      const latest = (await time.rpc.send("eth_getBlockByNumber", ["latest", false])) as { timestamp: string };
      const next = Math.max(Number(BigInt(latest.timestamp)) + 1, Math.floor(chainTimeMs(time) / 1000));
      await time.rpc.send("evm_setNextBlockTimestamp", [next]);
    }
    const result = await adapter.transmit(request);
    if (underpriced && !result.ok) this.effects.revertedOnChain++;
    if (!result.ok && this.unfunded.has(request.transmitterAddress.toLowerCase())) this.effects.unfundedTransmits++;
    if (result.ok && intervalMs !== null) this.effects.minedByInterval++;
    return result;
  }

  /**
   * The transaction never reaches a block (an RPC that accepted and lost it): the sender waits
   * for a receipt until its patience runs out. Waiting on the committee's clock keeps virtual
   * time moving meanwhile, so the next transmission stage is not held up.
   */
  private async drop(): Promise<TransmitResult> {
    this.effects.dropped++;
    await this.options.clock.sleep(this.options.dropWaitMs);
    return { ok: false, error: `transaction dropped: no receipt within ${this.options.dropWaitMs} ms` };
  }
}

/** The JSON-RPC surface the node-level faults need (an ethers provider's `send`). */
export interface RpcSender {
  send(method: string, params: unknown[]): Promise<unknown>;
}

/** A snapshot id to revert to later (each id can be reverted to once). */
export async function takeSnapshot(rpc: RpcSender): Promise<string> {
  return (await rpc.send("evm_snapshot", [])) as string;
}

/** Rewind the chain to `snapshotId`: every block since is forgotten, as in a reorg. */
export async function revertToSnapshot(rpc: RpcSender, snapshotId: string): Promise<void> {
  const ok = (await rpc.send("evm_revert", [snapshotId])) as boolean;
  if (!ok) throw new Error(`evm_revert to snapshot ${snapshotId} failed`);
}

/** Set an account's ETH balance (wei); returns the balance it had. */
export async function setBalance(rpc: RpcSender, address: string, wei: bigint): Promise<bigint> {
  const before = BigInt((await rpc.send("eth_getBalance", [address, "latest"])) as string);
  await rpc.send("hardhat_setBalance", [address, "0x" + wei.toString(16)]);
  return before;
}

/**
 * Gas prices spike: one block is mined with base fee `gwei`, so the fees a sender reads from the
 * latest block put its transactions above the aggregator's maximum gas price. Returns the base
 * fee of the block before, to return to with `setBaseFee`.
 */
export async function spikeBaseFee(rpc: RpcSender, gwei: number): Promise<bigint> {
  const latest = (await rpc.send("eth_getBlockByNumber", ["latest", false])) as { baseFeePerGas?: string };
  await setBaseFee(rpc, BigInt(gwei) * 10n ** 9n);
  return BigInt(latest.baseFeePerGas ?? "0x3b9aca00");
}

/** Mine one block with this base fee per gas (wei). */
export async function setBaseFee(rpc: RpcSender, wei: bigint): Promise<void> {
  await rpc.send("hardhat_setNextBlockBaseFeePerGas", ["0x" + wei.toString(16)]);
  await rpc.send("evm_mine", []);
}
