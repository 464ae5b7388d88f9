/**
 * What the OCR1 and OCR2 fuzzer tests share: a 4/1 committee that exists only off chain (for
 * the model and builder checks), and the checks of a seeded run against a real aggregator.
 */
import { expect } from "chai";

import { addressFromPrivateKey } from "../../plugin/core/address.js";
import { deriveSecretKey } from "../../testkit/feed-fixture.js";
import type { FuzzResult, MutatorKind } from "../../testkit/fuzz/runner.js";
import type { FuzzTarget } from "../../testkit/fuzz/target.js";

/**
 * A 4/1 committee with answers in [-1000, 1000], keys derived from `label`, at epoch 5 round 3
 * of the config `configDigest`.
 */
export function offlineTarget(label: string, configDigest: Uint8Array): FuzzTarget {
  const key = (purpose: string, i: number) => deriveSecretKey(`${label} ${purpose} ${i}`);
  const signerKeys = [0, 1, 2, 3].map((i) => key("signer", i));
  const transmitterKeys = [0, 1, 2, 3].map((i) => key("transmitter", i));
  const address = (k: Uint8Array) => addressFromPrivateKey(k).toLowerCase();
  return {
    name: "offline 4/1",
    n: 4,
    f: 1,
    signerKeys,
    signers: signerKeys.map(address),
    transmitterKeys,
    transmitters: transmitterKeys.map(address),
    foreignKeys: [key("foreign", 0)],
    outsiders: [address(key("outsider", 0))],
    minAnswer: -1000n,
    maxAnswer: 1000n,
    configDigest,
    previousDigest: null,
    latestEpochAndRound: (5n << 8n) | 3n,
  };
}

/**
 * The checks of a seeded run of `cases` cases: the model and the contract agree on every call
 * (validity, revert reason, stored epoch/round and median), every mutation kind came up and
 * every breaking kind got rejected, and the run went through `reconfigurations` new configs.
 */
export function itAgreesWithTheModel(
  run: () => FuzzResult,
  cases: number,
  mutators: readonly MutatorKind[],
  reconfigurations: number,
): void {
  it("accepts no invalid call and rejects no valid one", function () {
    const result = run();
    expect(result.cases).to.equal(cases);
    expect(result.disagreements.filter((d) => d.type === "acceptedInvalid" || d.type === "rejectedValid")).to.deep.equal([]);
    expect(result.acceptedInvalid).to.equal(0);
    expect(result.rejectedValid).to.equal(0);
  });

  it("rejects with the revert reason the model predicts, and stores the epoch/round and median it predicts", function () {
    const result = run();
    expect(result.disagreements).to.deep.equal([]);
    expect(result.reasonMismatches).to.equal(0);
    expect(result.effectMismatches).to.equal(0);
  });

  it("exercises every mutation kind, and every breaking kind gets rejected", function () {
    const result = run();
    for (const m of mutators) {
      const stats = result.kinds.get(m.kind)!;
      expect(stats.cases, m.kind).to.be.greaterThan(0);
      if (m.intent === "breaks") expect(stats.rejected, m.kind).to.be.greaterThan(0);
    }
  });

  it("accepts the valid controls and the legal mutants, and went through the reconfigurations", function () {
    const result = run();
    expect(result.controls).to.be.greaterThan(0);
    expect(result.controlsAccepted).to.equal(result.controls);
    expect(result.validMutants).to.be.greaterThan(0);
    expect(result.validMutantsAccepted).to.equal(result.validMutants);
    expect(result.rejected).to.be.greaterThan(cases / 3);
    expect(result.reconfigurations).to.equal(reconfigurations);
  });
}
