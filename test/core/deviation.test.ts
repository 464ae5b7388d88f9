import { expect } from "chai";

import { deviates } from "../../plugin/core/deviation.js";

const HALF_PERCENT = 5_000_000n; // 0.5 % in parts per billion
const INT192_MAX = (1n << 191n) - 1n;
const INT192_MIN = -(1n << 191n);

describe("deviates", () => {
  it("treats any non-zero value as a deviation from an old value of 0", () => {
    expect(deviates(0n, 1n, HALF_PERCENT)).to.equal(true);
    expect(deviates(0n, -1n, HALF_PERCENT)).to.equal(true);
    expect(deviates(0n, 0n, HALF_PERCENT)).to.equal(false);
    expect(deviates(0n, 0n, 0n)).to.equal(false);
  });

  it("is inclusive at exactly the threshold", () => {
    // 0.5 % of 1000 is 5.
    expect(deviates(1000n, 1005n, HALF_PERCENT)).to.equal(true);
    expect(deviates(1000n, 995n, HALF_PERCENT)).to.equal(true);
    expect(deviates(1000n, 1004n, HALF_PERCENT)).to.equal(false);
    expect(deviates(1000n, 996n, HALF_PERCENT)).to.equal(false);
  });

  it("measures the change relative to the old value, not the new one", () => {
    // From 200 to 100 is a 50 % drop; from 100 to 200 a 100 % rise.
    expect(deviates(200n, 100n, 500_000_000n)).to.equal(true);
    expect(deviates(200n, 100n, 500_000_001n)).to.equal(false);
    expect(deviates(100n, 200n, 1_000_000_000n)).to.equal(true);
    expect(deviates(100n, 200n, 1_000_000_001n)).to.equal(false);
  });

  it("handles negative values by their magnitude", () => {
    expect(deviates(-1000n, -1005n, HALF_PERCENT)).to.equal(true);
    expect(deviates(-1000n, -1004n, HALF_PERCENT)).to.equal(false);
    // Crossing zero: |(-10) − 10| / |10| = 200 %.
    expect(deviates(10n, -10n, 2_000_000_000n)).to.equal(true);
    expect(deviates(10n, -10n, 2_000_000_001n)).to.equal(false);
  });

  it("reports every change when alphaPPB is 0, and no change otherwise", () => {
    expect(deviates(1000n, 1001n, 0n)).to.equal(true);
    expect(deviates(1000n, 1000n, 0n)).to.equal(true);
    expect(deviates(1000n, 1000n, 1n)).to.equal(false);
  });

  it("stays exact at the int192 extremes, where floats would lose the difference", () => {
    expect(deviates(INT192_MAX, INT192_MAX - 1n, 1n)).to.equal(false);
    expect(deviates(INT192_MAX, INT192_MIN, 2_000_000_000n)).to.equal(true);
    // One part per billion of 1e18 is 1e9: a change of exactly 1e9 deviates, 1e9 − 1 does not.
    const e18 = 10n ** 18n;
    expect(deviates(e18, e18 + 10n ** 9n, 1n)).to.equal(true);
    expect(deviates(e18, e18 + 10n ** 9n - 1n, 1n)).to.equal(false);
  });
});
