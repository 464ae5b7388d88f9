/**
 * OCR2Aggregator construction, setConfig (every revert row in the reference's order, the
 * ConfigSet event, the digest), reconfiguration, ownership and requestNewRound.
 */
import { expect } from "chai";
import { network } from "hardhat";

import { addressFromPrivateKey } from "../../plugin/core/address.js";
import { bytesToHex, concatBytes, hexToBytes } from "../../plugin/core/bytes.js";
import { computeOcr2ConfigDigest, encodeMedianOnchainConfig } from "../../plugin/core/ocr2/config.js";
import { oracleKey } from "../../testkit/feed-fixture.js";
import { priceObservations } from "../../testkit/markets.js";
import { OCR2_KEY_SEED, deployOcr2Feed } from "../../testkit/ocr2-fixture.js";

const addr = (label: string, i: number) => addressFromPrivateKey(oracleKey(OCR2_KEY_SEED, i, label));
const oracles = (label: string, n: number) => Array.from({ length: n }, (_, i) => addr(label, i));

describe("OCR2Aggregator construction", function () {
  it("emits LinkTokenSet, then the controller events only for non-zero controllers", async () => {
    const { ethers } = await network.create();
    const link = await ethers.deployContract("LinkToken");
    const billingAc = addr("billing-ac", 0);
    const requesterAc = addr("requester-ac", 0);
    const aggregator = await ethers.deployContract("OCR2Aggregator", [await link.getAddress(), 1n, 2n, billingAc, requesterAc, 8, "X"]);
    const receipt = (await aggregator.deploymentTransaction()!.wait())!;
    const names = receipt.logs.map((l) => aggregator.interface.parseLog(l)!.name);
    expect(names).to.deep.equal(["LinkTokenSet", "BillingAccessControllerSet", "RequesterAccessControllerSet"]);
    const bare = await ethers.deployContract("OCR2Aggregator", [ethers.ZeroAddress, 1n, 2n, ethers.ZeroAddress, ethers.ZeroAddress, 8, "X"]);
    const bareReceipt = (await bare.deploymentTransaction()!.wait())!;
    expect(bareReceipt.logs.map((l) => bare.interface.parseLog(l)!.name)).to.deep.equal(["LinkTokenSet"]);
    expect(await bare.typeAndVersion()).to.equal("OCR2Aggregator 1.0.0");
    expect(await bare.version()).to.equal(6n);
    expect(await bare.decimals()).to.equal(8n);
    expect(await bare.minAnswer()).to.equal(1n);
    expect(await bare.maxAnswer()).to.equal(2n);
    expect(await bare.getBilling()).to.deep.equal([0n, 0n, 0n, 0n, 0n]);
    expect(await bare.latestConfigDetails()).to.deep.equal([0n, 0n, ethers.ZeroHash]);
    expect(await bare.getTransmitters()).to.deep.equal([]);
    expect(await bare.getValidatorConfig()).to.deep.equal([ethers.ZeroAddress, 0n]);
    expect(await bare.latestConfigDigestAndEpoch()).to.deep.equal([false, ethers.ZeroHash, 0n]);
    const ac = await ethers.deployContract("AccessControlledOCR2Aggregator", [ethers.ZeroAddress, 1n, 2n, ethers.ZeroAddress, ethers.ZeroAddress, 8, "X"]);
    expect(await ac.typeAndVersion()).to.equal("AccessControlledOCR2Aggregator 1.0.0");
    expect(await ac.checkEnabled()).to.equal(true);
  });
});

describe("OCR2Aggregator setConfig", function () {
  async function bare() {
    const { ethers } = await network.create();
    const [owner, stranger] = await ethers.getSigners();
    const aggregator = await ethers.deployContract("OCR2Aggregator", [ethers.ZeroAddress, 1n, 10n ** 9n, ethers.ZeroAddress, ethers.ZeroAddress, 8, "X"]);
    return { ethers, owner, stranger, aggregator, onchain: encodeMedianOnchainConfig(1n, 10n ** 9n) };
  }

  it("rejects in the reference's order: owner first, then each argument check", async () => {
    const { aggregator, stranger, onchain } = await bare();
    const s4 = oracles("s", 4);
    const t4 = oracles("t", 4);
    // 1: owner check first, even with bad arguments.
    await expect(aggregator.connect(stranger).setConfig(oracles("s", 32), t4, 0, "0x", 2, "0x")).to.be.revertedWith(
      "Only callable by owner",
    );
    // 2
    await expect(aggregator.setConfig(oracles("s", 32), oracles("t", 32), 1, onchain, 2, "0x")).to.be.revertedWith("too many oracles");
    // 3
    await expect(aggregator.setConfig(s4, oracles("t", 3), 1, onchain, 2, "0x")).to.be.revertedWith("oracle length mismatch");
    // 4: 3f >= n, including n = 0 with f = 0
    await expect(aggregator.setConfig(s4, t4, 2, onchain, 2, "0x")).to.be.revertedWith("faulty-oracle f too high");
    await expect(aggregator.setConfig([], [], 0, onchain, 2, "0x")).to.be.revertedWith("faulty-oracle f too high");
    // uint8 arithmetic: f >= 86 overflows 3f.
    await expect(aggregator.setConfig(s4, t4, 86, onchain, 2, "0x")).to.be.revertedWithPanic(0x11);
    // 5
    await expect(aggregator.setConfig(s4, t4, 0, onchain, 2, "0x")).to.be.revertedWith("f must be positive");
    // 6: empty, wrong min/max, a trailing byte, a wrong version byte
    for (const bad of [new Uint8Array(0), encodeMedianOnchainConfig(0n, 10n ** 9n), concatBytes(onchain, Uint8Array.of(0)), Uint8Array.of(2, ...onchain.subarray(1))]) {
      await expect(aggregator.setConfig(s4, t4, 1, bad, 2, "0x")).to.be.revertedWith("invalid onchainConfig");
    }
    // 8 then 9, per oracle in order
    await expect(aggregator.setConfig([s4[0], s4[1], s4[0], s4[3]], t4, 1, onchain, 2, "0x")).to.be.revertedWith(
      "repeated signer address",
    );
    await expect(aggregator.setConfig(s4, [t4[0], t4[1], t4[1], t4[3]], 1, onchain, 2, "0x")).to.be.revertedWith(
      "repeated transmitter address",
    );
    // signer repeat at i = 2 wins over a transmitter repeat at i = 2
    await expect(aggregator.setConfig([s4[0], s4[1], s4[0], s4[3]], [t4[0], t4[1], t4[1], t4[3]], 1, onchain, 2, "0x")).to.be.revertedWith(
      "repeated signer address",
    );
    // transmitter repeat at i = 1 wins over a signer repeat at i = 2
    await expect(aggregator.setConfig([s4[0], s4[1], s4[0], s4[3]], [t4[0], t4[0], t4[2], t4[3]], 1, onchain, 2, "0x")).to.be.revertedWith(
      "repeated transmitter address",
    );
    // An address may be a signer and a transmitter at once; no payees are needed.
    await (await aggregator.setConfig(s4, [s4[1], t4[1], t4[2], t4[3]], 1, onchain, 2, "0x")).wait();
  });

  it("emits ConfigSet with every field and the digest the codec computes", async () => {
    const { ethers, aggregator, onchain } = await bare();
    const s = oracles("s", 7);
    const t = oracles("t", 7);
    const offchain = hexToBytes("0x10c096b10220c096b102288080bc8ac9d213");
    const tx = await aggregator.setConfig(s, t, 2, onchain, 2, offchain);
    const receipt = (await tx.wait())!;
    const event = aggregator.interface.parseLog(receipt.logs[0])!;
    const chainId = (await ethers.provider.getNetwork()).chainId;
    const expected = computeOcr2ConfigDigest({
      chainId,
      contractAddress: (await aggregator.getAddress()) as `0x${string}`,
      configCount: 1n,
      signers: s,
      transmitters: t,
      f: 2,
      onchainConfig: onchain,
      offchainConfigVersion: 2n,
      offchainConfig: offchain,
    });
    expect(event.name).to.equal("ConfigSet");
    expect(event.args.previousConfigBlockNumber).to.equal(0n);
    expect(event.args.configDigest).to.equal(bytesToHex(expected));
    expect(event.args.configDigest.slice(0, 6)).to.equal("0x0001");
    expect(event.args.configCount).to.equal(1n);
    expect([...event.args.signers]).to.deep.equal(s);
    expect([...event.args.transmitters]).to.deep.equal(t);
    expect(event.args.f).to.equal(2n);
    expect(event.args.onchainConfig).to.equal(bytesToHex(onchain));
    expect(event.args.offchainConfigVersion).to.equal(2n);
    expect(event.args.offchainConfig).to.equal(bytesToHex(offchain));
    expect(await aggregator.latestConfigDetails()).to.deep.equal([1n, BigInt(receipt.blockNumber), bytesToHex(expected)]);
    expect(await aggregator.getTransmitters()).to.deep.equal(t);

    // A second config: previous block, count 2, a different digest.
    const tx2 = await aggregator.setConfig(t, s, 1, onchain, 2, "0x");
    const event2 = aggregator.interface.parseLog((await tx2.wait())!.logs[0])!;
    expect(event2.args.previousConfigBlockNumber).to.equal(BigInt(receipt.blockNumber));
    expect(event2.args.configCount).to.equal(2n);
    expect(await aggregator.getTransmitters()).to.deep.equal(s);
  });

  it("reconfiguration keeps round ids, resets epoch and round, and keeps the latest answer", async () => {
    const feed = await deployOcr2Feed(4, 1);
    await feed.transmit(5, 5, feed.reportOf(priceObservations(4, 1)));
    await feed.transmit(5, 6, feed.reportOf(priceObservations(4, 2)));
    const before = await feed.aggregator.latestRoundData();
    // New config with the same oracles: rounds continue at 3 from epoch 1 again.
    await (await feed.aggregator.setConfig(feed.signers, feed.transmitters, 1, feed.onchainConfig, 2n, "0x01")).wait();
    const details = await feed.aggregator.latestTransmissionDetails();
    expect(details.configDigest).to.equal(bytesToHex(await feed.configDigest()));
    expect([details.epoch, details.round]).to.deep.equal([0n, 0n]);
    expect(details.latestAnswer_).to.equal(before.answer);
    expect(details.latestTimestamp_).to.equal(before.updatedAt);
    await feed.transmit(1, 1, feed.reportOf(priceObservations(4, 3)));
    expect(await feed.aggregator.latestRound()).to.equal(3n);
    expect((await feed.aggregator.getRoundData(2)).answer).to.equal(before.answer);
  });

  it("a removed transmitter can no longer transmit, and the old signers no longer count", async () => {
    const feed = await deployOcr2Feed(4, 1);
    const newSigners = oracles("new-signer", 4);
    await (await feed.aggregator.setConfig(newSigners, [feed.transmitters[1], feed.transmitters[2], feed.transmitters[3], addr("t-new", 0)], 1, feed.onchainConfig, 2n, "0x")).wait();
    await expect(feed.transmit(1, 1, feed.reportOf(priceObservations(4, 1)), { transmitterIndex: 0 })).to.be.revertedWith(
      "unauthorized transmitter",
    );
    // The old signers no longer count.
    await expect(feed.transmit(1, 1, feed.reportOf(priceObservations(4, 1)), { transmitterIndex: 1 })).to.be.revertedWith(
      "signature error",
    );
  });

  it("supports 31 oracles with any f+1 of them signing", async () => {
    const feed = await deployOcr2Feed(31, 10);
    await feed.transmit(1, 1, feed.reportOf(priceObservations(31, 1)), { signerIndices: [30, 0, 15, 7, 22, 3, 29, 11, 18, 26, 9], transmitterIndex: 30 });
    expect(await feed.aggregator.latestRound()).to.equal(1n);
  });
});

describe("OCR2Aggregator ownership, requestNewRound", function () {
  it("two-step ownership with the reference's strings", async () => {
    const feed = await deployOcr2Feed(4, 1, { noBilling: true });
    const [owner, next] = [feed.owner, feed.stranger];
    await expect(feed.aggregator.connect(next).transferOwnership(next.address)).to.be.revertedWith("Only callable by owner");
    await expect(feed.aggregator.transferOwnership(owner.address)).to.be.revertedWith("Cannot transfer to self");
    await expect(feed.aggregator.transferOwnership(next.address))
      .to.emit(feed.aggregator, "OwnershipTransferRequested")
      .withArgs(owner.address, next.address);
    await expect(feed.aggregator.acceptOwnership()).to.be.revertedWith("Must be proposed owner");
    await expect(feed.aggregator.connect(next).acceptOwnership())
      .to.emit(feed.aggregator, "OwnershipTransferred")
      .withArgs(owner.address, next.address);
    expect(await feed.aggregator.owner()).to.equal(next.address);
    await expect(feed.aggregator.setValidatorConfig(feed.ethers.ZeroAddress, 1)).to.be.revertedWith("Only callable by owner");
  });

  it("requestNewRound: owner or requester; the current digest and the latest epoch and round", async () => {
    const feed = await deployOcr2Feed(4, 1);
    const digest = bytesToHex(await feed.configDigest());
    await expect(feed.aggregator.requestNewRound()).to.emit(feed.aggregator, "RoundRequested").withArgs(feed.owner.address, digest, 0n, 0n);
    await feed.transmit(4, 2, feed.reportOf(priceObservations(4, 1)));
    await expect(feed.aggregator.requestNewRound()).to.emit(feed.aggregator, "RoundRequested").withArgs(feed.owner.address, digest, 4n, 2n);
    expect(await feed.aggregator.requestNewRound.staticCall()).to.equal(2n);
    // No controller: a stranger's call reverts without a reason (a call to address 0).
    await expect(feed.aggregator.connect(feed.stranger).requestNewRound()).to.be.revertedWithoutReason(feed.ethers);
    const controller = await feed.ethers.deployContract("SimpleWriteAccessController");
    await expect(feed.aggregator.setRequesterAccessController(await controller.getAddress()))
      .to.emit(feed.aggregator, "RequesterAccessControllerSet")
      .withArgs(feed.ethers.ZeroAddress, await controller.getAddress());
    expect(await feed.aggregator.getRequesterAccessController()).to.equal(await controller.getAddress());
    await expect(feed.aggregator.connect(feed.stranger).requestNewRound()).to.be.revertedWith("Only owner&requester can call");
    await (await controller.addAccess(feed.stranger.address)).wait();
    await expect(feed.aggregator.connect(feed.stranger).requestNewRound()).to.emit(feed.aggregator, "RoundRequested");
  });

  it("setValidatorConfig emits only on change", async () => {
    const feed = await deployOcr2Feed(4, 1, { noBilling: true });
    const v = addr("validator", 0);
    await expect(feed.aggregator.setValidatorConfig(v, 7))
      .to.emit(feed.aggregator, "ValidatorConfigSet")
      .withArgs(feed.ethers.ZeroAddress, 0n, v, 7n);
    await expect(feed.aggregator.setValidatorConfig(v, 7)).to.not.emit(feed.aggregator, "ValidatorConfigSet");
    expect(await feed.aggregator.getValidatorConfig()).to.deep.equal([v, 7n]);
    // A validator without code is called and ignored.
    await feed.transmit(1, 1, feed.reportOf(priceObservations(4, 1)));
    expect(await feed.aggregator.latestRound()).to.equal(1n);
  });
});
