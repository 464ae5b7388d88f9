/**
 * The Ignition modules in deploy/modules/OcrFeed.ts deploy a feed's contract set; the plugin then
 * configures it (setConfig needs the oracle keys) and drives its committee.
 */
import { expect } from "chai";
import type { Contract } from "ethers";
import { network } from "hardhat";

import { randomBytes } from "@noble/hashes/utils.js";

import { DEFAULT_TIMING } from "../../plugin/config.js";
import { bytesToHex } from "../../plugin/core/bytes.js";
import { encodeSetConfigArgs } from "../../plugin/core/config/encoding.js";
import type { PublicConfig } from "../../plugin/core/config/public-config.js";
import { deriveOracleKeys } from "../../plugin/core/keys.js";
import OcrFeedModule, { AccessControlledOcrFeedModule } from "../../deploy/modules/OcrFeed.js";
import { publicIdentity } from "../support/oracle-identity.js";

const LINK = 10n ** 18n;
const FEED_NAME = "BTC / USD";
const ORACLES = 4;

/** Transmitter addresses of the committee the plugin builds for this feed name (seed = name). */
const transmitters = Array.from({ length: ORACLES }, (_, i) => deriveOracleKeys(FEED_NAME, i).transmitterAddress);

/** The plugin's default protocol settings (timing, 24 h heartbeat, 0.5 % deviation) for n oracles, f = 1. */
function publicConfigFor(seed: string, n: number): PublicConfig {
  const oracles = Array.from({ length: n }, (_, i) => deriveOracleKeys(seed, i));
  return {
    ...DEFAULT_TIMING,
    deltaCMs: 24 * 3_600_000,
    alphaPPB: 5_000_000n,
    s: oracles.map(() => 1),
    f: 1,
    oracles: oracles.map(publicIdentity),
  };
}

describe("Ignition module OcrFeed", function () {
  it("deploys LINK, access controllers, aggregator (with the given billing) and proxy, sets payees and funds LINK", async function () {
    const { ethers, ignition } = await network.create();
    const payees = (await ethers.getSigners()).slice(1, 1 + ORACLES).map((s) => s.address);
    const parameters = {
      OcrFeed: {
        description: FEED_NAME,
        decimals: 8,
        minAnswer: 1000n,
        maxAnswer: 10n ** 20n,
        maximumGasPriceGwei: 500,
        reasonableGasPriceGwei: 50,
        microLinkPerEth: 5_000_000,
        linkGweiPerObservation: 20_000_000,
        linkGweiPerTransmission: 60_000_000,
        linkFunding: 250n * LINK,
        transmitters,
        payees,
      },
    };
    const deployed = await ignition.deploy(OcrFeedModule, { parameters });
    const aggregator = deployed.aggregator as unknown as Contract;
    const proxy = deployed.proxy as unknown as Contract;
    const linkToken = deployed.linkToken as unknown as Contract;
    const aggregatorAddress = await aggregator.getAddress();

    expect(await aggregator.typeAndVersion()).to.equal("OffchainAggregator 4.0.0");
    expect(await aggregator.description()).to.equal(FEED_NAME);
    expect(await aggregator.decimals()).to.equal(8n);
    expect(await aggregator.minAnswer()).to.equal(1000n);
    expect(await aggregator.maxAnswer()).to.equal(10n ** 20n);
    expect([...(await aggregator.getBilling())]).to.deep.equal([500n, 50n, 5_000_000n, 20_000_000n, 60_000_000n]);
    expect(await aggregator.getLinkToken()).to.equal(await linkToken.getAddress());
    expect(await aggregator.billingAccessController()).to.equal(await deployed.billingAccessController.getAddress());
    expect(await aggregator.requesterAccessController()).to.equal(
      await deployed.requesterAccessController.getAddress(),
    );

    expect(await proxy.aggregator()).to.equal(aggregatorAddress);
    expect(await proxy.phaseId()).to.equal(1n);

    expect(await linkToken.balanceOf(aggregatorAddress)).to.equal(250n * LINK);
    expect(await aggregator.linkAvailableForPayment()).to.equal(250n * LINK);

    const payeeEvents = await aggregator.queryFilter(aggregator.filters.PayeeshipTransferred());
    expect(payeeEvents.map((e) => [(e as any).args.transmitter, (e as any).args.current])).to.deep.equal(
      transmitters.map((t, i) => [t, payees[i]]),
    );

    // Not configured yet: that is the plugin's job.
    expect((await aggregator.latestConfigDetails())[0]).to.equal(0n);
  });

  it("hands over to the plugin: setConfig from the oracle keys, then the committee reports through the proxy", async function () {
    const { ethers, ignition, ocr } = await network.create();
    const payees = (await ethers.getSigners()).slice(1, 1 + ORACLES).map((s) => s.address);
    const deployed = await ignition.deploy(OcrFeedModule, {
      parameters: { OcrFeed: { description: FEED_NAME, transmitters, payees } },
    });
    const aggregator = deployed.aggregator as unknown as Contract;

    // setConfig is the one step a module cannot do: the encoded config carries the oracles'
    // public keys and a shared secret encrypted to each of them. The plugin's config encoder builds
    // it from the same seeded keys; the owner (Ignition's deployer, account 0) sends it.
    const setConfig = encodeSetConfigArgs(publicConfigFor(FEED_NAME, ORACLES), randomBytes(16));
    await aggregator.setConfig(
      setConfig.signers,
      setConfig.transmitters,
      setConfig.threshold,
      setConfig.encodedConfigVersion,
      bytesToHex(setConfig.encoded),
    );

    // The plugin adopts the configuration it finds on chain and runs the committee.
    const feed = await ocr.attachFeed(
      FEED_NAME,
      {
        aggregator: await aggregator.getAddress(),
        proxy: await deployed.proxy.getAddress(),
        linkToken: await deployed.linkToken.getAddress(),
      },
      { seed: FEED_NAME, dataSource: { type: "fixed", value: 60_000n * 10n ** 8n } },
    );
    expect(feed.oracles.map((o) => o.transmitter)).to.deep.equal(transmitters);
    expect(feed.configDigest).to.equal((await aggregator.latestConfigDetails())[2]);

    const round = await feed.runRound();
    expect(round.answer).to.equal(60_000n * 10n ** 8n);
    expect((await (deployed.proxy as unknown as Contract).latestRoundData())[1]).to.equal(60_000n * 10n ** 8n);
    // The transmitter earned LINK, payable to the payee the module set for it.
    expect(await aggregator.owedPayment(round.transmitter.address)).to.be.greaterThan(0n);
  });

  it("attachFeed configures an aggregator fresh from the module: payees kept or set, setConfig by the owner", async function () {
    const { ethers, ignition, ocr } = await network.create();
    // The module set a payee for oracle 0 only; the plugin must keep it and set the others.
    const [, chosenPayee] = await ethers.getSigners();
    const deployed = await ignition.deploy(OcrFeedModule, {
      parameters: { OcrFeed: { description: FEED_NAME, transmitters: [transmitters[0]], payees: [chosenPayee.address] } },
    });
    const aggregator = deployed.aggregator as unknown as Contract;
    expect((await aggregator.latestConfigDetails())[0]).to.equal(0n);

    const feed = await ocr.attachFeed(
      FEED_NAME,
      {
        aggregator: await aggregator.getAddress(),
        proxy: await deployed.proxy.getAddress(),
        linkToken: await deployed.linkToken.getAddress(),
      },
      { seed: FEED_NAME, oracles: ORACLES, faultTolerance: 1, dataSource: { type: "fixed", value: 61_000n * 10n ** 8n } },
    );
    const [configCount, , digest] = await aggregator.latestConfigDetails();
    expect(configCount).to.equal(1n);
    expect(feed.configDigest).to.equal(digest);
    expect([...(await aggregator.transmitters())]).to.deep.equal(transmitters);
    const payeeEvents = await aggregator.queryFilter(aggregator.filters.PayeeshipTransferred());
    const payeeOf = new Map(payeeEvents.map((e) => [(e as any).args.transmitter as string, (e as any).args.current as string]));
    expect(payeeOf.get(transmitters[0])).to.equal(chosenPayee.address);
    expect(payeeOf.size).to.equal(ORACLES);

    const round = await feed.runRound();
    expect(round.answer).to.equal(61_000n * 10n ** 8n);
    expect((await (deployed.proxy as unknown as Contract).latestRoundData())[1]).to.equal(61_000n * 10n ** 8n);
  });

  it("attachFeed on a fresh aggregator owned by someone else says who must configure it", async function () {
    const { ethers, ignition, ocr } = await network.create();
    const [, other] = await ethers.getSigners();
    const deployed = await ignition.deploy(OcrFeedModule, { parameters: { OcrFeed: { description: FEED_NAME } } });
    const aggregator = deployed.aggregator as unknown as Contract;
    await aggregator.transferOwnership(other.address);
    await (aggregator.connect(other) as Contract).acceptOwnership();
    const addresses = {
      aggregator: await aggregator.getAddress(),
      proxy: await deployed.proxy.getAddress(),
      linkToken: await deployed.linkToken.getAddress(),
    };
    let message = "";
    await ocr.attachFeed(FEED_NAME, addresses, { seed: FEED_NAME }).catch((e: Error) => (message = e.message));
    expect(message).to.contain("has no config yet");
    expect(message).to.contain(`only its owner ${other.address} can configure it`);
    expect((await aggregator.latestConfigDetails())[0]).to.equal(0n);
  });

  it("AccessControlledOcrFeed: the proxy may read the aggregator, unlisted contracts may not read the proxy", async function () {
    const { ethers, ignition } = await network.create();
    const deployed = await ignition.deploy(AccessControlledOcrFeedModule);
    const aggregator = deployed.aggregator as unknown as Contract;
    const proxy = deployed.proxy as unknown as Contract;
    const readAccess = deployed.readAccessController as unknown as Contract;
    const proxyAddress = await proxy.getAddress();

    expect(await aggregator.typeAndVersion()).to.equal("AccessControlledOffchainAggregator 4.0.0");
    expect(await aggregator.hasAccess(proxyAddress, "0x")).to.equal(true);
    expect(await proxy.accessController()).to.equal(await readAccess.getAddress());

    // A consumer contract is not on the proxy's allowlist until the owner adds it.
    const consumer = (await ethers.deployContract("PriceConsumer", [proxyAddress, 3600n, 1n, 10n ** 30n])) as unknown as Contract;
    await expect(consumer.latestPrice()).to.be.revertedWith("No access");
    await readAccess.addAccess(await consumer.getAddress());
    // Access granted; the feed simply has no answer before its first report.
    await expect(consumer.latestPrice()).to.be.revertedWithCustomError(consumer, "RoundNotComplete");
  });
});
