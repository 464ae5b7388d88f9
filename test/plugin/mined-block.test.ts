/**
 * What a transaction's receipt may tell about its block (json-rpc.ts minedBlockOf): the base fee
 * only when the fee cap was not what bounded the price, and the logs only for a transaction the
 * node mined as it came (alone in its block under automine).
 */
import { expect } from "chai";

import { type MinedReceipt, minedBlockOf } from "../../plugin/chain/json-rpc.js";

const receipt = (over: Partial<MinedReceipt> = {}): MinedReceipt => ({
  status: 1,
  gasUsed: 21_000n,
  blockNumber: 12,
  blockHash: "0x" + "ab".repeat(32),
  effectiveGasPrice: 1_000_000_007n,
  logs: [],
  minedAtOnce: true,
  ...over,
});
const offered = { maxFeePerGas: 2_000_000_014n, maxPriorityFeePerGas: 1_000_000_000n };

describe("minedBlockOf (the block a receipt names)", () => {
  it("gives the base fee as the price paid less the tip, with the logs of a transaction mined at once", () => {
    expect(minedBlockOf(receipt(), offered)).to.deep.equal({ number: 12, hash: "0x" + "ab".repeat(32), baseFeePerGas: 7n, logs: [] });
  });

  it("tells nothing of the base fee when the price hit the cap, or when the fees are not ours", () => {
    expect(minedBlockOf(receipt({ effectiveGasPrice: offered.maxFeePerGas }), offered)).to.equal(null);
    expect(minedBlockOf(receipt(), null)).to.equal(null);
    expect(minedBlockOf(receipt({ effectiveGasPrice: null }), offered)).to.equal(null);
    expect(minedBlockOf(receipt({ blockHash: null }), offered)).to.equal(null);
  });

  it("leaves out the logs of a transaction the node mined later (it may share its block)", () => {
    expect(minedBlockOf(receipt({ minedAtOnce: false }), offered)?.logs).to.equal(null);
  });
});
