/**
 * A real committee over the network: four ManagedOracles, each with its own libp2p endpoint on
 * loopback and its own wall clock, against the in-memory OffchainAggregator. Every message
 * crosses TCP, Noise and Yamux as protobuf bytes; reports must land within a bounded time and
 * keep the contract's invariants.
 */
import { expect } from "chai";

import { bytesToHex } from "../../plugin/core/bytes.js";
import { defaultPublicConfig } from "../../plugin/core/config/public-config.js";
import { encodeSetConfigArgs } from "../../plugin/core/config/encoding.js";
import type { OracleKeys } from "../../plugin/core/keys.js";
import type { DataSource } from "../../plugin/data-sources/data-source.js";
import { WallClock } from "../../plugin/feed/wall-clock.js";
import { deriveP2PIdentity } from "../../plugin/p2p/identity.js";
import { Libp2pEndpoint, type TransportEvent } from "../../plugin/p2p/libp2p-endpoint.js";
import { FakeOffchainAggregator } from "../../plugin/protocol/fake-chain.js";
import { ManagedOracle } from "../../plugin/protocol/managed-oracle.js";
import { InMemoryOracleStore } from "../../plugin/protocol/persistence.js";
import type { TraceEvent } from "../../plugin/protocol/trace.js";
import { committeeKeys } from "../protocol/role-support.js";
import { LOOPBACK_ANY_PORT, waitFor } from "./p2p-support.js";

/** Oracle i observes base + i, where base moves every round so every round is worth a report. */
function risingSource(index: number): DataSource {
  return { kind: "rising", observe: async ({ epoch, round }) => 10n ** 8n * BigInt(epoch * 1000 + round) + BigInt(index) };
}

/** Fast timings for loopback (dev mode skips the public networks' minimums). */
const FAST_TIMINGS = { deltaProgressMs: 3000, deltaResendMs: 1000, deltaRoundMs: 500, deltaGraceMs: 200, deltaStageMs: 1000 };

describe("a four-oracle committee over libp2p", function () {
  this.timeout(60_000);

  it("lands reports that keep the contract's invariants, every message crossing the network", async () => {
    const n = 4;
    const f = 1;
    const keys: OracleKeys[] = committeeKeys(n, "libp2p-committee");
    const identities = Array.from({ length: n }, (_, i) => deriveP2PIdentity("libp2p-committee", i));
    const chain = new FakeOffchainAggregator({ now: () => Date.now() });
    const oracleIdentities = keys.map((k, i) => ({
      signerAddress: k.signerAddress,
      transmitterAddress: k.transmitterAddress,
      offchainPublicKey: k.offchainPublicKey,
      configEncryptionPublicKey: k.configEncryptionPublicKey,
      // The config lists each oracle's P2P identity, which its endpoint authenticates with.
      peerId: identities[i].peerId,
    }));
    const config = { ...defaultPublicConfig(oracleIdentities, f), ...FAST_TIMINGS };
    chain.setConfig(encodeSetConfigArgs(config, crypto.getRandomValues(new Uint8Array(16))));

    const peers = config.oracles.map((o) => ({ peerId: o.peerId }));
    const transportEvents: TransportEvent[] = [];
    const trace: TraceEvent[] = [];
    const endpoints = await Promise.all(
      identities.map((identity, index) => Libp2pEndpoint.start({ index, identity, peers, listen: [LOOPBACK_ANY_PORT], onEvent: (e) => transportEvents.push(e) })),
    );
    for (const endpoint of endpoints) endpoints.forEach((other, j) => other !== endpoint && endpoint.addPeerAddresses(j, other.listenAddresses));
    const clocks = identities.map(() => new WallClock());
    const oracles = keys.map(
      (oracleKeys, index) =>
        new ManagedOracle({
          index,
          keys: oracleKeys,
          clock: clocks[index],
          endpoint: endpoints[index],
          chain,
          dataSource: risingSource(index),
          store: new InMemoryOracleStore(),
          trace: (event) => trace.push(event),
        }),
    );
    try {
      for (const oracle of oracles) oracle.start();
      await waitFor("three reports on chain", () => chain.transmissions.length >= 3, 45_000);
    } finally {
      for (const oracle of oracles) oracle.stop();
      for (const clock of clocks) clock.cancelAll();
      await Promise.all(endpoints.map((e) => e.closed));
    }

    const landed = chain.transmissions;
    expect(landed.map((t) => t.aggregatorRoundId)).to.deep.equal(landed.map((_, i) => i + 1));
    const epochRounds = landed.map((t) => BigInt(t.epoch) * 256n + BigInt(t.round));
    for (let i = 1; i < epochRounds.length; i++) expect(epochRounds[i] > epochRounds[i - 1], "(epoch, round) strictly increasing").to.equal(true);
    for (const t of landed) {
      expect(bytesToHex(t.configDigest)).to.equal(bytesToHex(chain.latestConfigDigest!));
      expect(t.observations.length).to.be.at.least(2 * f + 1);
      expect(t.signers.length).to.be.at.least(f + 1);
      // Every observation is an honest oracle's value for that round, and the answer their median.
      const base = 10n ** 8n * BigInt(t.epoch * 1000 + t.round);
      for (const [k, value] of t.observations.entries()) expect(value).to.equal(base + BigInt(t.observers[k]));
      expect(t.answer).to.equal(t.observations[Math.floor(t.observations.length / 2)]);
    }
    expect(chain.reverts).to.deep.equal([]);
    expect(transportEvents.filter((e) => e.kind === "message-dropped" || e.kind === "peer-refused" || e.kind === "receive-failed")).to.deep.equal([]);
    expect(trace.filter((e) => e.type === "message-dropped")).to.deep.equal([]);
  });
});
