/** The arithmetic of a status message's L1 time and L2 arrival, and of Arbitrum's aliasing. */
import { expect } from "chai";

import { applyL1ToL2Alias, undoL1ToL2Alias } from "../../plugin/sequencer/contracts.js";
import { earliestNextBlockTime, planMessageTiming, wholeSeconds } from "../../plugin/sequencer/timing.js";

describe("sequencer status message timing", () => {
  const now = 1_000_000n;

  it("without options the change happens on L1 now and arrives now", () => {
    expect(planMessageTiming(now)).to.deep.equal({ l1Timestamp: now, arrivalTimestamp: now });
  });

  it("a delay alone: arriving now, sent that long ago on L1", () => {
    expect(planMessageTiming(now, { delaySeconds: 600 })).to.deep.equal({ l1Timestamp: now - 600n, arrivalTimestamp: now });
  });

  it("an L1 time alone: arriving now, or at the L1 time if that is later", () => {
    expect(planMessageTiming(now, { l1Timestamp: now - 5n })).to.deep.equal({ l1Timestamp: now - 5n, arrivalTimestamp: now });
    expect(planMessageTiming(now, { l1Timestamp: now + 50n })).to.deep.equal({ l1Timestamp: now + 50n, arrivalTimestamp: now + 50n });
  });

  it("both: sent at the L1 time, arriving the delay later, which must not be before now", () => {
    expect(planMessageTiming(now, { l1Timestamp: now, delaySeconds: 30n })).to.deep.equal({ l1Timestamp: now, arrivalTimestamp: now + 30n });
    expect(() => planMessageTiming(now, { l1Timestamp: now - 100n, delaySeconds: 10 })).to.throw(RangeError, /would arrive at 999910.*cannot be before 1000000/);
  });

  it("rejects negative, fractional, oversized values and delays reaching before time 0", () => {
    expect(() => wholeSeconds("delaySeconds", -1)).to.throw(RangeError, /between 0 and 2\^64 - 1/);
    expect(() => wholeSeconds("l1Timestamp", 2.5)).to.throw(RangeError, /whole number of seconds/);
    expect(() => wholeSeconds("l1Timestamp", 1n << 64n)).to.throw(RangeError, /between 0 and 2\^64 - 1/);
    expect(() => planMessageTiming(10n, { delaySeconds: 11 })).to.throw(RangeError, /reaches back before time 0/);
  });

  it("the next block's earliest time: one second after the latest block, or the wall clock if later", () => {
    expect(earliestNextBlockTime(100n, 50_000)).to.equal(101n);
    expect(earliestNextBlockTime(100n, 500_999)).to.equal(500n);
    expect(earliestNextBlockTime(100n, 100_999)).to.equal(101n);
  });
});

describe("Arbitrum L1-to-L2 address aliasing", () => {
  it("adds 0x1111000000000000000000000000000000001111 modulo 2^160, and undoes it", () => {
    expect(applyL1ToL2Alias("0x0000000000000000000000000000000000000001")).to.equal(0x1111000000000000000000000000000000001112n);
    const top = "0xfffffffffffffffffffffffffffffffffffffffe";
    const aliased = applyL1ToL2Alias(top);
    expect(aliased).to.equal(0x111100000000000000000000000000000000110fn);
    expect(undoL1ToL2Alias("0x" + aliased.toString(16).padStart(40, "0"))).to.equal(BigInt(top));
  });
});
