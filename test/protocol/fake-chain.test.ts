import { expect } from "chai";

import type { Address } from "../../plugin/core/address.js";
import { bytesToHex } from "../../plugin/core/bytes.js";
import { computeConfigDigest } from "../../plugin/core/config/digest.js";
import {
  type AttributedObservation,
  type ReportContext,
  collateSignatures,
  encodeReport,
  signReport,
} from "../../plugin/core/report.js";
import { FakeOffchainAggregator, RevertError } from "../../plugin/protocol/fake-chain.js";
import { committeeKeys } from "./role-support.js";

const keys = committeeKeys(4, "fake-chain");
const stranger = committeeKeys(5, "stranger")[4];

function deployed(options: { minAnswer?: bigint; maxAnswer?: bigint } = {}) {
  let now = 1_700_000_000_000;
  const chain = new FakeOffchainAggregator({ now: () => now, ...options });
  chain.setConfig({
    signers: keys.map((k) => k.signerAddress),
    transmitters: keys.map((k) => k.transmitterAddress),
    threshold: 1,
    encodedConfigVersion: 1n,
    encoded: Uint8Array.of(1, 2, 3),
  });
  return { chain, tick: (ms: number) => (now += ms) };
}

const OBS: AttributedObservation[] = [
  { observer: 2, value: 10n },
  { observer: 0, value: 20n },
  { observer: 3, value: 30n },
];

function transmitArgs(
  chain: FakeOffchainAggregator,
  over: { context?: Partial<ReportContext>; observations?: AttributedObservation[]; signers?: number[]; from?: Address; signerKeys?: Uint8Array[] } = {},
) {
  const context = { configDigest: chain.latestConfigDigest!, epoch: 1, round: 1, ...over.context };
  const report = encodeReport(context, over.observations ?? OBS);
  const signerKeys = over.signerKeys ?? (over.signers ?? [0, 1]).map((i) => keys[i].onchainSigningKey);
  const { rs, ss, rawVs } = collateSignatures(signerKeys.map((k) => signReport(report, k)));
  return { transmitterIndex: 0, transmitterAddress: over.from ?? keys[0].transmitterAddress, report, rs, ss, rawVs };
}

async function revertReason(chain: FakeOffchainAggregator, args: ReturnType<typeof transmitArgs>): Promise<string | undefined> {
  const result = await chain.transmit(args);
  return result.ok ? undefined : result.error;
}

describe("FakeOffchainAggregator", () => {
  it("computes the config digest like the contract and resets epoch and round on setConfig", async () => {
    const { chain } = deployed();
    const config = (await chain.latestConfig())!;
    const expected = computeConfigDigest({ ...config, contractAddress: chain.address, configCount: 1n });
    expect(bytesToHex(config.configDigest)).to.equal(bytesToHex(expected));
    expect(await chain.transmit(transmitArgs(chain))).to.include({ ok: true });
    chain.setConfig({ ...config, encoded: Uint8Array.of(9) });
    const details = await chain.latestTransmissionDetails();
    expect([details.epoch, details.round]).to.deep.equal([0, 0]);
    expect(details.latestAnswer).to.equal(20n); // answers survive a config change
  });

  it("rejects bad setConfig arguments with the contract's strings", () => {
    const { chain } = deployed();
    const base = { signers: keys.map((k) => k.signerAddress), transmitters: keys.map((k) => k.transmitterAddress), threshold: 1, encodedConfigVersion: 1n, encoded: new Uint8Array() };
    expect(() => chain.setConfig({ ...base, threshold: 0 })).to.throw(RevertError, "threshold must be positive");
    expect(() => chain.setConfig({ ...base, threshold: 2 })).to.throw(RevertError, "faulty-oracle threshold too high");
    expect(() => chain.setConfig({ ...base, transmitters: base.transmitters.slice(1) })).to.throw(RevertError, "oracle addresses out of registration");
    expect(() => chain.setConfig({ ...base, signers: [base.signers[0], ...base.signers.slice(0, 3)] })).to.throw(RevertError, "repeated signer address");
  });

  it("accepts a valid report and stores the median (element n/2) with the block time", async () => {
    const { chain } = deployed();
    expect((await chain.transmit(transmitArgs(chain))).ok).to.equal(true);
    const [t] = chain.transmissions;
    expect(t).to.include({ aggregatorRoundId: 1, answer: 20n, epoch: 1, round: 1 });
    expect(t.timestamp).to.equal(1_700_000_000n);
    expect(t.observers).to.deep.equal([2, 0, 3]);
  });

  it("applies the transmit checks with the contract's revert strings", async () => {
    const { chain } = deployed();
    const cases: [string, ReturnType<typeof transmitArgs>][] = [
      ["configDigest mismatch", transmitArgs(chain, { context: { configDigest: new Uint8Array(16) } })],
      ["not enough signatures", transmitArgs(chain, { signers: [0] })],
      ["too few values to trust median", transmitArgs(chain, { observations: OBS.slice(0, 2) })],
      ["observer index repeated", transmitArgs(chain, { observations: [OBS[0], { observer: 2, value: 20n }, OBS[2]] })],
      ["unauthorized transmitter", transmitArgs(chain, { from: stranger.transmitterAddress })],
      ["address not authorized to sign", transmitArgs(chain, { signerKeys: [keys[0].onchainSigningKey, stranger.onchainSigningKey] })],
      ["non-unique signature", transmitArgs(chain, { signers: [1, 1] })],
      ["observations not sorted", transmitArgs(chain, { observations: [OBS[1], OBS[0], OBS[2]] })],
    ];
    for (const [reason, args] of cases) expect(await revertReason(chain, args), reason).to.equal(reason);
    expect(chain.transmissions).to.have.length(0);
  });

  it("checks in the contract's order: digest before staleness before signatures", async () => {
    const { chain } = deployed();
    await chain.transmit(transmitArgs(chain, { context: { epoch: 2 } }));
    // Stale and under-signed: "stale report" wins because it is checked first.
    expect(await revertReason(chain, transmitArgs(chain, { context: { epoch: 1 }, signers: [0] }))).to.equal("stale report");
    // Wrong digest and stale: the digest check comes first.
    expect(await revertReason(chain, transmitArgs(chain, { context: { epoch: 1, configDigest: new Uint8Array(16) } }))).to.equal(
      "configDigest mismatch",
    );
  });

  it("enforces [minAnswer, maxAnswer] on the median", async () => {
    const { chain } = deployed({ minAnswer: 0n, maxAnswer: 15n });
    expect(await revertReason(chain, transmitArgs(chain))).to.equal("median is out of min-max range");
  });

  it("reports RoundRequested with the latest transmitted digest, epoch and round, within the lookback", async () => {
    const { chain, tick } = deployed();
    await chain.transmit(transmitArgs(chain, { context: { epoch: 3, round: 2 } }));
    chain.requestNewRound(keys[0].transmitterAddress);
    const request = (await chain.latestRoundRequested(60_000))!;
    expect([request.epoch, request.round]).to.deep.equal([3, 2]);
    expect(bytesToHex(request.configDigest)).to.equal(bytesToHex(chain.latestConfigDigest!));
    tick(61_000);
    expect(await chain.latestRoundRequested(60_000)).to.equal(null);
  });

  it("fault hooks fail or drop only the next transmit of one transmitter", async () => {
    const { chain } = deployed();
    chain.dropNextTransmit(keys[0].transmitterAddress);
    expect((await chain.transmit(transmitArgs(chain))).ok).to.equal(false);
    chain.failNextTransmit(keys[0].transmitterAddress);
    expect((await chain.transmit(transmitArgs(chain))).ok).to.equal(false);
    expect((await chain.transmit(transmitArgs(chain))).ok).to.equal(true);
    expect(chain.reverts).to.have.length(1); // a dropped tx never reached the chain
  });
});
