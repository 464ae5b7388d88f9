/**
 * The managed oracle's boundaries: a restart reads the store before the chain, and Byzantine
 * behaviours live in wrappers around the endpoint and chain while the oracle runs honest code.
 */
import { expect } from "chai";

import { bytesToHex } from "../../plugin/core/bytes.js";
import { adversarialChain, adversarialEndpoint } from "../../plugin/protocol/adversary.js";
import type { AdversaryMemory, ByzantineBehaviour } from "../../plugin/protocol/byzantine.js";
import type { OffchainAggregatorChain, TransmitRequest } from "../../plugin/protocol/chain.js";
import { VirtualClock } from "../../plugin/protocol/clock.js";
import { ManagedOracle } from "../../plugin/protocol/managed-oracle.js";
import type { ProtocolMessage } from "../../plugin/protocol/messages.js";
import { InMemoryOracleStore } from "../../plugin/protocol/persistence.js";
import type { TraceBody, TraceEvent } from "../../plugin/protocol/trace.js";
import type { Endpoint } from "../../plugin/protocol/transport.js";
import { STORED_PACEMAKER_STATE, UNREACHABLE_CHAIN, committeeWithConfig, expectRestartResumesFromStore, never } from "../support/oracle-restart.js";
import { DIGEST, committeeKeys, signedObservation } from "./role-support.js";


/** An endpoint that records what it is asked to send. */
function recordingEndpoint(size: number) {
  const sent: { to: number; message: ProtocolMessage }[] = [];
  const endpoint: Endpoint<ProtocolMessage> = {
    size,
    send: (to, message) => sent.push({ to, message }),
    broadcast: (message) => {
      for (let to = 0; to < size; to++) sent.push({ to, message });
    },
    receive: () => {},
    close: () => {},
  };
  return { endpoint, sent };
}

describe("ManagedOracle", () => {
  it("a restarted oracle resumes at once from its store: the stored config and pacemaker epoch, before any chain read", async () => {
    const { committee, config } = await committeeWithConfig("managed-restart");
    const store = new InMemoryOracleStore();
    store.writeLatestConfig(config);
    store.writePacemakerState(bytesToHex(config.configDigest), STORED_PACEMAKER_STATE);
    expectRestartResumesFromStore(committee, config, store, "managed-restart");
  });

  it("is idle without a stored config until the chain answers", () => {
    const clock = new VirtualClock();
    const trace: TraceEvent[] = [];
    const oracle = new ManagedOracle({
      index: 0,
      keys: committeeKeys(4)[0],
      clock,
      endpoint: recordingEndpoint(4).endpoint,
      chain: UNREACHABLE_CHAIN,
      dataSource: { kind: "none", observe: never },
      store: new InMemoryOracleStore(),
      trace: (event) => trace.push(event),
    });
    oracle.start();
    expect(oracle.sharedConfig).to.equal(null);
    expect(trace).to.deep.equal([]);
    oracle.stop();
  });
});

describe("adversary wrappers", () => {
  const keys = committeeKeys(4);
  const context = { configDigest: DIGEST, epoch: 2, round: 1 };
  const observe: ProtocolMessage = { type: "observe", epoch: 2, round: 1, observation: signedObservation(keys, context, 3, 42n) };
  const view = () => ({ onchainSigningKey: keys[3].onchainSigningKey, configDigest: DIGEST, quorum: 3, ownIndex: 3 });

  function wrapped(behaviour: () => ByzantineBehaviour | null) {
    const { endpoint, sent } = recordingEndpoint(4);
    const acts: TraceBody[] = [];
    const memory: AdversaryMemory = {};
    return { sent, acts, endpoint: adversarialEndpoint(endpoint, { behaviour, view, memory, trace: (e) => acts.push(e) }) };
  }

  it("passes messages through untouched while the oracle is honest, and rewrites them once it is faulty", () => {
    let behaviour: ByzantineBehaviour | null = null;
    const { endpoint, sent, acts } = wrapped(() => behaviour);
    endpoint.send(0, observe);
    expect(sent).to.deep.equal([{ to: 0, message: observe }]);
    behaviour = "withhold-observation";
    endpoint.send(0, observe);
    endpoint.broadcast({ type: "newepoch", epoch: 3 });
    expect(sent.map((s) => s.message.type)).to.deep.equal(["observe", "newepoch", "newepoch", "newepoch", "newepoch"]);
    expect(acts).to.deep.equal([{ type: "byzantine-act", behaviour: "withhold-observation", message: "observe", epoch: 2, round: 1 }]);
  });

  it("rewrites a broadcast per recipient (an equivocating leader tells odd followers something else)", () => {
    const observations = [0, 1, 2, 3].map((i) => signedObservation(keys, context, i, 10n * BigInt(i + 1)));
    const reportReq: ProtocolMessage = { type: "report-req", epoch: 2, round: 1, observations };
    const { endpoint, sent } = wrapped(() => "equivocating-leader");
    endpoint.broadcast(reportReq);
    expect(sent.map((s) => s.message === reportReq)).to.deep.equal([true, false, true, false]);
  });

  it("withholds a silent transmitter's transaction without reaching the chain, and passes reads through", async () => {
    const transmitted: TransmitRequest[] = [];
    const inner: OffchainAggregatorChain = {
      ...UNREACHABLE_CHAIN,
      latestRoundRequested: async () => null,
      transmit: async (request) => {
        transmitted.push(request);
        return { ok: true };
      },
    };
    const report = new Uint8Array(64);
    report[31] = 0x01; // epoch 0, round 1
    const request: TransmitRequest = { transmitterIndex: 3, transmitterAddress: keys[3].transmitterAddress, report, rs: [], ss: [], rawVs: "0x" };
    let behaviour: ByzantineBehaviour | null = "silent-transmitter";
    const acts: TraceBody[] = [];
    const chain = adversarialChain(inner, { behaviour: () => behaviour, view, memory: {}, trace: (e) => acts.push(e) });
    expect((await chain.transmit(request)).ok).to.equal(false);
    expect(transmitted).to.have.length(0);
    expect(acts).to.have.length(1);
    expect(await chain.latestRoundRequested(1000)).to.equal(null);
    behaviour = null;
    expect((await chain.transmit(request)).ok).to.equal(true);
    expect(transmitted).to.deep.equal([request]);
  });
});
