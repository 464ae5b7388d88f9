/**
 * The restart check any oracle store must pass: an oracle started on a store that holds a
 * config and a pacemaker state resumes from them at once, before any chain read (its chain never
 * answers). Shared by the in-memory store's test and the tests of other stores.
 */
import { expect } from "chai";

import { bytesToHex } from "../../plugin/core/bytes.js";
import type { ContractConfig, OffchainAggregatorChain } from "../../plugin/protocol/chain.js";
import { VirtualClock } from "../../plugin/protocol/clock.js";
import { Committee } from "../../plugin/protocol/committee.js";
import { ManagedOracle } from "../../plugin/protocol/managed-oracle.js";
import type { ProtocolMessage } from "../../plugin/protocol/messages.js";
import { InProcessNetwork } from "../../plugin/protocol/network.js";
import type { OracleStore } from "../../plugin/protocol/persistence.js";
import { Random } from "../../plugin/protocol/random.js";
import type { TraceEvent } from "../../plugin/protocol/trace.js";

/** A promise that never settles: a call that never answers. */
export const never = <T>(): Promise<T> => new Promise<T>(() => {});

/** A chain that never answers: whatever the oracle does, it did without reading the chain. */
export const UNREACHABLE_CHAIN: OffchainAggregatorChain = {
  latestConfig: never,
  latestTransmissionDetails: never,
  latestRoundRequested: never,
  transmit: never,
};

/** The pacemaker state the restart check stores (epoch 5, one newepoch(6) sent). */
export const STORED_PACEMAKER_STATE = { epoch: 5, highestSentEpoch: 6, receivedEpochs: [5, 6, 5, 0] };

/** A (4,1) committee whose config is set on its fake chain, and that config. */
export async function committeeWithConfig(seed: string): Promise<{ committee: Committee; config: ContractConfig }> {
  const committee = new Committee({ n: 4, f: 1, seed, dataSource: () => ({ kind: "none", observe: never }) });
  await committee.setConfig();
  return { committee, config: (await committee.fakeChain!.latestConfig())! };
}

/**
 * Oracle 1 of `committee`, started on `store` (which holds `config` and STORED_PACEMAKER_STATE)
 * with a chain that never answers, adopts the stored config and resumes in the stored epoch.
 */
export function expectRestartResumesFromStore(committee: Committee, config: ContractConfig, store: OracleStore, seed: string): void {
  const clock = new VirtualClock({ seed });
  const trace: TraceEvent[] = [];
  const oracle = new ManagedOracle({
    index: 1,
    keys: committee.keys[1],
    clock,
    endpoint: new InProcessNetwork<ProtocolMessage>(4, clock, new Random("net")).endpoint(1),
    chain: UNREACHABLE_CHAIN,
    dataSource: { kind: "none", observe: never },
    store,
    trace: (event) => trace.push(event),
  });
  oracle.start();
  expect(trace.map((e) => e.type)).to.include.members(["config-adopted", "epoch-start"]);
  expect(oracle.epoch).to.equal(STORED_PACEMAKER_STATE.epoch);
  expect(bytesToHex(oracle.sharedConfig!.configDigest)).to.equal(bytesToHex(config.configDigest));
  oracle.stop();
}
