/**
 * An OCR2 committee reporting to our OCR2Aggregator on a fresh in-process Hardhat chain, for
 * tests and the bench: LINK and the aggregator deployed, the committee dealing its own
 * version-2 config through setConfig, transmitters funded, a virtual clock starting at the
 * chain's time. Billing stays off (no payees needed); the feed's own path (connection.ocr)
 * covers billing.
 */
import { Contract, Wallet } from "ethers";
import { network } from "hardhat";

import { Ocr2AggregatorChain } from "../plugin/chain/ocr2-aggregator-chain.js";
import { bytesToHex } from "../plugin/core/bytes.js";
import type { Ocr2SetConfigArgs } from "../plugin/core/ocr2/shared-config.js";
import type { DataSource } from "../plugin/data-sources/data-source.js";
import type { OffchainAggregatorChain } from "../plugin/protocol/chain.js";
import { type Clock, VirtualClock } from "../plugin/protocol/clock.js";
import { Committee, type ConfigOverrides } from "../plugin/protocol/committee.js";
import { type ChainParts, deployNamed } from "./feed-fixture.js";

export const OCR2_FIXTURE_MIN_ANSWER = 1n;
export const OCR2_FIXTURE_MAX_ANSWER = (1n << 176n) - 1n;

export interface Ocr2CommitteeFeedOptions {
  readonly n: number;
  readonly f: number;
  readonly seed: string;
  readonly dataSource: (oracle: number) => DataSource;
  readonly config?: ConfigOverrides;
  /** The committee's clock (default: virtual, from the chain's latest block). */
  readonly clock?: Clock;
  /** The committee's chain (default: a plain Ocr2AggregatorChain over `parts`). */
  readonly chain?: (parts: ChainParts) => OffchainAggregatorChain;
}

export async function deployOcr2CommitteeFeed(options: Ocr2CommitteeFeedOptions) {
  const { n, f, seed } = options;
  const connection = await network.create();
  const { ethers } = connection;
  const [owner] = await ethers.getSigners();
  const link = await deployNamed(ethers, "LinkToken");
  const aggregator = await deployNamed(ethers, "OCR2Aggregator", [
    await link.getAddress(),
    OCR2_FIXTURE_MIN_ANSWER,
    OCR2_FIXTURE_MAX_ANSWER,
    ethers.ZeroAddress,
    ethers.ZeroAddress,
    8,
    "ETH / USD",
  ]);
  const address = await aggregator.getAddress();
  const latest = await ethers.provider.getBlock("latest");
  const clock = options.clock ?? new VirtualClock({ startMs: latest!.timestamp * 1000, seed: `${seed}/clock` });
  const wallets = new Map<number, Wallet>();
  const parts: ChainParts = {
    provider: ethers.provider,
    aggregatorAddress: address,
    transmitterSigner: (i) => {
      let wallet = wallets.get(i);
      if (wallet === undefined) {
        wallet = new Wallet(bytesToHex(committee.keys[i].transmitterKey), ethers.provider);
        wallets.set(i, wallet);
      }
      return wallet;
    },
  };
  const chain = options.chain?.(parts) ?? new Ocr2AggregatorChain(parts);
  const owned = new Contract(address, ["function setConfig(address[],address[],uint8,bytes,uint64,bytes)"], owner);
  const committee: Committee = new Committee({
    n,
    f,
    seed,
    protocol: "ocr2",
    ocr2: { minAnswer: OCR2_FIXTURE_MIN_ANSWER, maxAnswer: OCR2_FIXTURE_MAX_ANSWER },
    dataSource: options.dataSource,
    ...(options.config !== undefined ? { config: options.config } : {}),
    clock,
    chain,
    admin: {
      setConfig: () => {
        throw new Error("an OCR2 aggregator takes setOcr2Config");
      },
      setOcr2Config: async (a: Ocr2SetConfigArgs) => {
        await (await owned.setConfig(a.signers, a.transmitters, a.f, a.onchainConfig, a.offchainConfigVersion, a.offchainConfig)).wait();
      },
    },
  });
  for (const k of committee.keys) await ethers.provider.send("hardhat_setBalance", [k.transmitterAddress, "0x56bc75e2d63100000"]);
  return { connection, ethers, committee, aggregator, aggregatorAddress: address };
}
