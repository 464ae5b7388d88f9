/**
 * `runRound` asks the aggregator for a round as its owner. When the deployer is no longer the
 * owner (the user handed the aggregator on), the user must learn why, in the contract's words.
 */
import { expect } from "chai";
import { network } from "hardhat";

import { AGGREGATOR_ABI } from "../../plugin/core/abi.js";

describe("runRound's round request", () => {
  for (const protocol of ["ocr2", "ocr1"] as const) {
    it(`${protocol}: says what to do when the deployer no longer owns the aggregator, with the contract's reason; no round lands`, async () => {
      const connection = await network.create();
      const feed = await connection.ocr.deployFeed("ETH / USD", { protocol, dataSource: { type: "fixed", value: 2000n * 10n ** 8n } });
      const first = await feed.runRound();
      const [owner, next] = await connection.ethers.getSigners();
      const abi = [...AGGREGATOR_ABI, "function transferOwnership(address to)", "function acceptOwnership()"];
      const aggregator = new connection.ethers.Contract(feed.addresses.aggregator, abi, owner);
      await (await aggregator.transferOwnership(next.address)).wait();
      await (await (aggregator.connect(next) as typeof aggregator).acceptOwnership()).wait();

      let message = "";
      await feed.runRound().catch((error: Error) => (message = error.message));
      // The aggregator has no requester access controller: its check of a stranger calls address 0.
      expect(message).to.contain("could not request a round: requestNewRound on aggregator");
      expect(message).to.contain(`from ${owner.address} reverted (`);
      expect(message).to.contain("setRequesterAccessController");
      const reader = new connection.ethers.Contract(feed.addresses.aggregator, ["function latestRound() view returns (uint256)"], owner);
      expect(await reader.latestRound()).to.equal(first.aggregatorRoundId);
    });
  }
});
