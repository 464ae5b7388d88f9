/**
 * Wiring an in-process committee to a deployed aggregator: oracle identities from the feed's
 * seed, data sources from the config, transmissions from each oracle's own transmitter key, and
 * setConfig sent by the owner. Every transaction goes through the feed's `ChainTime`, the one
 * line its transactions wait in.
 */
import { Contract, type Provider, Wallet } from "ethers";

import { EthersAggregatorChain, type EthersAggregatorChainOptions } from "../chain/ethers-aggregator-chain.js";
import { toChecksumAddress } from "../core/address.js";
import { bytesToHex } from "../core/bytes.js";
import type { SetConfigArgs } from "../core/config/encoding.js";
import { keccak256, utf8Bytes } from "../core/hash.js";
import type { OracleKeys } from "../core/keys.js";
import { dataSourceFromSpec } from "../data-sources/from-spec.js";
import type { OffchainAggregatorChain, TransmitRequest, TransmitResult } from "../protocol/chain.js";
import type { Clock } from "../protocol/clock.js";
import { Committee, type CommitteeOptions, type ConfigOverrides } from "../protocol/committee.js";
import type { OracleInfo } from "../api-types.js";
import type { OcrFeedConfig } from "../types.js";
import type { ChainTime } from "./chain-time.js";
import { AGGREGATOR_ABI, type Deployer, ownerCall } from "./contracts.js";

/**
 * Oracle i's payee: an address derived from the seed, nobody's key. It only receives LINK; on a
 * development chain `hardhat_impersonateAccount` lets a test withdraw as it.
 */
export function derivedPayee(seed: string, oracle: number): string {
  return toChecksumAddress(keccak256(utf8Bytes(`hardhat-ocr payee v1 ${seed}/${oracle}`)).slice(12));
}

export function oracleInfo(keys: readonly OracleKeys[], seed: string): OracleInfo[] {
  return keys.map((k, index) => ({
    index,
    signer: k.signerAddress,
    transmitter: k.transmitterAddress,
    payee: derivedPayee(seed, index),
    offchainPublicKey: bytesToHex(k.offchainPublicKey),
  }));
}

/** The protocol parameters a feed config sets on top of the engine's defaults. */
export function configOverrides(config: OcrFeedConfig): ConfigOverrides {
  const t = config.timing;
  return {
    deltaProgressMs: t.deltaProgressMs,
    deltaResendMs: t.deltaResendMs,
    deltaRoundMs: t.deltaRoundMs,
    deltaGraceMs: t.deltaGraceMs,
    deltaStageMs: t.deltaStageMs,
    rMax: t.rMax,
    s: [...t.schedule],
    deltaCMs: config.deltaCMs,
    alphaPPB: config.alphaPPB,
  };
}

/**
 * The engine's chain over ethers for a feed: the adapter built with the feed's `ChainTime` as
 * its transaction queue (which pins block timestamps on the simulated network) and its clock as
 * the blocks' clock, plus a gate a one-shot caller closes behind the transmit it waits for.
 */
export class ClockSyncedChain implements OffchainAggregatorChain {
  readonly #inner: EthersAggregatorChain;

  constructor(options: Omit<EthersAggregatorChainOptions, "queue" | "blockClock">, time: ChainTime) {
    this.#inner = new EthersAggregatorChain({
      ...options,
      queue: time,
      latestBlock: () => time.latestBlock(),
      ...(time.blockClock !== undefined ? { blockClock: time.blockClock } : {}),
    });
  }

  latestConfig() {
    return this.#inner.latestConfig();
  }
  latestTransmissionDetails() {
    return this.#inner.latestTransmissionDetails();
  }
  latestRoundRequested(lookbackMs: number) {
    return this.#inner.latestRoundRequested(lookbackMs);
  }
  nowMs(): Promise<number> {
    return this.#inner.nowMs();
  }
  transmit(request: TransmitRequest): Promise<TransmitResult> {
    if (this.#gate === "closed") {
      return Promise.resolve({ ok: false, error: "not sent: the committee is stopping after the report this run waited for" });
    }
    if (this.#gate === "last") this.#gate = "closed";
    return this.#inner.transmit(request);
  }

  /** "open", or "last": the next transmit is sent and every later one refused, or "closed". */
  #gate: "open" | "last" | "closed" = "open";

  /**
   * Let exactly one more transmit through, then refuse the rest without sending. A one-shot
   * caller (ocr:run-round against a node) uses it the moment the transmission it waits for is
   * attempted: other oracles' later transmissions would otherwise still be sent (a real network
   * lets reports pile up) and land after the caller has moved on.
   */
  sendOneMoreTransmitOnly(): void {
    if (this.#gate === "open") this.#gate = "last";
  }
}

export interface CommitteeWiring {
  readonly config: OcrFeedConfig;
  /** Oracle count and fault tolerance (from the config, or from the chain when attaching). */
  readonly n: number;
  readonly f: number;
  /** The oracles' keys, derived from `config.seed`. */
  readonly keys: readonly OracleKeys[];
  readonly provider: Provider;
  readonly aggregator: string;
  readonly clock: Clock;
  readonly deployer: Deployer;
}

/**
 * What a protocol's committee wiring adds to the shared part: the chain adapter's dialect, the
 * admin that sets the config, and the Committee options only that protocol has.
 */
export interface ProtocolWiring {
  readonly dialect?: EthersAggregatorChainOptions["dialect"];
  /** The owner's side of the committee: sends setConfig to the aggregator at `aggregator`. */
  readonly admin: (deployer: Deployer, aggregator: string) => CommitteeOptions["admin"];
  readonly options?: Partial<CommitteeOptions>;
}

/** OCR1: setConfig with the five arguments of OffchainAggregator 4.0.0, the default dialect. */
const OCR1_WIRING: ProtocolWiring = {
  admin: (deployer, aggregator) => {
    const contract = new Contract(aggregator, AGGREGATOR_ABI);
    return {
      setConfig: (args: SetConfigArgs) =>
        ownerCall(deployer, contract, "setConfig", [args.signers, args.transmitters, args.threshold, args.encodedConfigVersion, args.encoded]),
    };
  },
};

/** Data source i from the config (the last one serves every oracle past the end of the list). */
export function specFor<T>(list: readonly T[], index: number): T {
  return list[index] ?? list[list.length - 1];
}

/**
 * A committee for the aggregator at `wiring.aggregator`, OCR1 unless `protocol` says otherwise.
 * It is not started. Each oracle transmits from its own transmitter key (a wallet made on first
 * use), through the feed's `ChainTime`.
 */
export function createCommittee(wiring: CommitteeWiring, protocol: ProtocolWiring = OCR1_WIRING): Committee {
  const { config, provider, deployer } = wiring;
  const wallets = new Map<number, Wallet>();
  const transmitterWallet = (index: number): Wallet => {
    let wallet = wallets.get(index);
    if (wallet === undefined) {
      wallet = new Wallet(bytesToHex(wiring.keys[index].transmitterKey), provider);
      wallets.set(index, wallet);
    }
    return wallet;
  };
  const chainOptions: EthersAggregatorChainOptions = { provider, aggregatorAddress: wiring.aggregator, transmitterSigner: transmitterWallet };
  return new Committee({
    n: wiring.n,
    f: wiring.f,
    seed: config.seed,
    keys: wiring.keys,
    dataSource: (i) => dataSourceFromSpec(specFor(config.dataSources, i)),
    config: configOverrides(config),
    clock: wiring.clock,
    chain: new ClockSyncedChain(protocol.dialect === undefined ? chainOptions : { ...chainOptions, dialect: protocol.dialect }, deployer.chainTime),
    admin: protocol.admin(deployer, wiring.aggregator),
    ...protocol.options,
  });
}
