/**
 * The plugin deploys its own L2 contracts by fully qualified artifact name, so contracts of the
 * same names in the user's project (contracts/test/NameCollisions.sol here) never get picked.
 */
import { expect } from "chai";
import { Contract } from "ethers";
import { HardhatPluginError } from "hardhat/plugins";
import { network } from "hardhat";

import { PluginArtifacts } from "../../plugin/feed/plugin-artifacts.js";
import { qualifiedName } from "../../plugin/sequencer/contracts.js";

describe("sequencer uptime feed artifacts", function () {
  it("a project with its own Flags, feeds and stand-ins of the same names still gets the plugin's contracts", async () => {
    const connection = await network.create();
    try {
      // The bare names really are ambiguous in this project.
      for (const name of ["Flags", "OptimismSequencerUptimeFeed", "ArbitrumSequencerUptimeFeed", "LocalOptimismMessenger", "LocalArbitrumBridge"]) {
        const failure = await connection.ethers.getContractFactory(name).then(
          () => "resolved",
          (e: Error) => e.message,
        );
        expect(failure, name).to.match(/multiple|ambiguous|fully qualified/i);
      }
      const arbitrum = await connection.ocr.deploySequencerUptimeFeed({ flavour: "arbitrum" });
      const optimism = await connection.ocr.deploySequencerUptimeFeed({ flavour: "optimism" });
      const typeAndVersion = (address: string) =>
        new Contract(address, ["function typeAndVersion() view returns (string)"], connection.ethers.provider).typeAndVersion();
      expect(await typeAndVersion(arbitrum.addresses.flags!)).to.equal("Flags 1.1.0");
      expect(await typeAndVersion(arbitrum.addresses.feed)).to.equal("ArbitrumSequencerUptimeFeed 1.0.0");
      expect(await typeAndVersion(optimism.addresses.feed)).to.equal("OptimismSequencerUptimeFeed 1.0.0");
      expect(await new Contract(arbitrum.addresses.bridge, ["function l1Sender() view returns (address)"], connection.ethers.provider).l1Sender()).to.equal(
        arbitrum.addresses.l1Sender,
      );
    } finally {
      await connection.close();
    }
  });

  it("prefers the installed package's sources, falls back to this repository's, and says to build when neither exists", async () => {
    const lookup = (existing: string[]) => new PluginArtifacts({ getAllFullyQualifiedNames: async () => new Set(existing) });
    const local = "contracts/l2/Flags.sol:Flags";
    const packaged = "hardhat-ocr/contracts/l2/Flags.sol:Flags";
    const userOwn = "contracts/test/NameCollisions.sol:Flags";
    expect(await qualifiedName(lookup([userOwn, local, packaged]), "flags")).to.equal(packaged);
    expect(await qualifiedName(lookup([userOwn, local]), "flags")).to.equal(local);
    const error = await qualifiedName(lookup([userOwn]), "flags").catch((e: unknown) => e);
    expect(HardhatPluginError.isHardhatPluginError(error)).to.equal(true);
    expect((error as Error).message).to.contain("Run `npx hardhat build`");
  });
});
