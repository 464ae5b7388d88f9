import { createDecipheriv } from "node:crypto";

import { x25519 } from "@noble/curves/ed25519.js";
import { expect } from "chai";
import { AbiCoder, getAddress, keccak256 } from "ethers";

import { type Address } from "../../plugin/core/address.js";
import { bytesToHex, hexToBytes } from "../../plugin/core/bytes.js";
import { computeConfigDigest } from "../../plugin/core/config/digest.js";
import {
  ENCODED_CONFIG_VERSION,
  decodeEncodedConfig,
  decryptSharedSecret,
  encodeSetConfigArgs,
} from "../../plugin/core/config/encoding.js";
import { type PublicConfig, defaultPublicConfig } from "../../plugin/core/config/public-config.js";
import {
  deriveLeaderSelectionKey,
  deriveTransmissionOrderKey,
  sharedConfigFromContract,
} from "../../plugin/core/config/shared-config.js";
import { type OracleKeys, deriveOracleKeys } from "../../plugin/core/keys.js";
import { publicIdentity } from "../support/oracle-identity.js";

const coder = AbiCoder.defaultAbiCoder();
const ENCODED_TUPLE =
  "tuple(int64,int64,int64,int64,int64,uint64,int64,uint8,uint8[],bytes32[],string,tuple(bytes32,bytes32,bytes16[]))";
const SHARED_SECRET = hexToBytes("0x000102030405060708090a0b0c0d0e0f");
const DEALER_RANDOMNESS = new Uint8Array(32).fill(0x42);
const CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3" as Address;

function committee(n: number): OracleKeys[] {
  return Array.from({ length: n }, (_, i) => deriveOracleKeys("config test", i));
}

describe("encodeSetConfigArgs", () => {
  const keys = committee(4);
  const config: PublicConfig = { ...defaultPublicConfig(keys.map(publicIdentity), 1), deltaCMs: 1234.5, s: [1, 2, 1] };
  const args = encodeSetConfigArgs(config, SHARED_SECRET, DEALER_RANDOMNESS);

  it("fills signers, transmitters, threshold and version 1 from the config", () => {
    expect(args.signers).to.deep.equal(keys.map((k) => k.signerAddress));
    expect(args.transmitters).to.deep.equal(keys.map((k) => k.transmitterAddress));
    expect(args.threshold).to.equal(1);
    expect(args.encodedConfigVersion).to.equal(1n);
  });

  it("ABI-encodes the v1 tuple exactly as ethers does", () => {
    const decoded = decodeEncodedConfig(args.encoded);
    const e = decoded.sharedSecretEncryptions;
    const reference = coder.encode(
      [ENCODED_TUPLE],
      [[
        2_000_000_000n, 1_000_000_000n, 1_000_000_000n, 500_000_000n, 1_234_500_000n, 5_000_000n, 2_000_000_000n, 3,
        [1, 2, 1],
        keys.map((k) => bytesToHex(k.offchainPublicKey)),
        keys.map((k) => k.peerId).join(","),
        [bytesToHex(e.diffieHellmanPoint), keccak256(SHARED_SECRET), e.encryptions.map(bytesToHex)],
      ]],
    );
    expect(bytesToHex(args.encoded)).to.equal(reference);
  });

  it("round-trips every field through decodeEncodedConfig", () => {
    const decoded = decodeEncodedConfig(args.encoded);
    expect(decoded.deltaProgressMs).to.equal(2000);
    expect(decoded.deltaResendMs).to.equal(1000);
    expect(decoded.deltaRoundMs).to.equal(1000);
    expect(decoded.deltaGraceMs).to.equal(500);
    expect(decoded.deltaCMs).to.equal(1234.5);
    expect(decoded.deltaStageMs).to.equal(2000);
    expect(decoded.alphaPPB).to.equal(5_000_000n);
    expect(decoded.rMax).to.equal(3);
    expect(decoded.s).to.deep.equal([1, 2, 1]);
    expect(decoded.offchainPublicKeys).to.deep.equal(keys.map((k) => k.offchainPublicKey));
    expect(decoded.peerIds).to.deep.equal(keys.map((k) => k.peerId));
    expect(decoded.sharedSecretEncryptions.encryptions).to.have.length(4);
  });

  it("lets every oracle decrypt the same shared secret, and only with its own key", () => {
    const decoded = decodeEncodedConfig(args.encoded);
    keys.forEach((k, i) => {
      expect(decryptSharedSecret(decoded, i, k.configEncryptionKey)).to.deep.equal(SHARED_SECRET);
      const wrongKey = keys[(i + 1) % keys.length].configEncryptionKey;
      expect(() => decryptSharedSecret(decoded, i, wrongKey)).to.throw(/hash mismatch/);
    });
    expect(() => decryptSharedSecret(decoded, 4, keys[0].configEncryptionKey)).to.throw(RangeError);
  });

  it("encrypts with one raw AES-128 block under keccak256(X25519 point)[0:16], as node's AES confirms", () => {
    const e = decodeEncodedConfig(args.encoded).sharedSecretEncryptions;
    keys.forEach((k, i) => {
      const aesKey = hexToBytes(keccak256(x25519.getSharedSecret(k.configEncryptionKey, e.diffieHellmanPoint))).slice(0, 16);
      const decipher = createDecipheriv("aes-128-ecb", aesKey, null).setAutoPadding(false);
      expect(new Uint8Array(decipher.update(e.encryptions[i]))).to.deep.equal(SHARED_SECRET);
    });
    expect(e.diffieHellmanPoint).to.deep.equal(x25519.getPublicKey(DEALER_RANDOMNESS));
  });

  it("is reproducible with fixed dealer randomness and fresh without it", () => {
    expect(encodeSetConfigArgs(config, SHARED_SECRET, DEALER_RANDOMNESS).encoded).to.deep.equal(args.encoded);
    const a = decodeEncodedConfig(encodeSetConfigArgs(config, SHARED_SECRET).encoded);
    const b = decodeEncodedConfig(encodeSetConfigArgs(config, SHARED_SECRET).encoded);
    expect(a.sharedSecretEncryptions.diffieHellmanPoint).to.not.deep.equal(b.sharedSecretEncryptions.diffieHellmanPoint);
    expect(decryptSharedSecret(a, 2, keys[2].configEncryptionKey)).to.deep.equal(SHARED_SECRET);
  });

  it("refuses invalid configs and secrets of the wrong size", () => {
    expect(() => encodeSetConfigArgs({ ...config, f: 2 }, SHARED_SECRET)).to.throw(/f \(2\)/);
    expect(() => encodeSetConfigArgs(config, new Uint8Array(32))).to.throw(/16 bytes/);
  });

  it("fits a full 31-oracle committee within the 20,000-byte limit", () => {
    const big = committee(31);
    const bigArgs = encodeSetConfigArgs(defaultPublicConfig(big.map(publicIdentity), 10), SHARED_SECRET);
    expect(bigArgs.encoded.length).to.be.below(20_000);
    expect(decryptSharedSecret(decodeEncodedConfig(bigArgs.encoded), 30, big[30].configEncryptionKey)).to.deep.equal(SHARED_SECRET);
  });
});

describe("decodeEncodedConfig", () => {
  it("rejects blobs over 20,000 bytes", () => {
    expect(() => decodeEncodedConfig(new Uint8Array(20_001))).to.throw(/20000/);
  });

  it("rejects per-oracle lists of different lengths", () => {
    const bad = coder.encode(
      [ENCODED_TUPLE],
      [[1, 1, 1, 1, 1, 1, 1, 1, [1], ["0x" + "11".repeat(32)], "a,b", ["0x" + "00".repeat(32), "0x" + "00".repeat(32), ["0x" + "00".repeat(16)]]]],
    );
    expect(() => decodeEncodedConfig(hexToBytes(bad))).to.throw(/1 offchain public keys, 2 peer ids/);
  });

  it("rejects truncated ABI data", () => {
    const keys = committee(4);
    const args = encodeSetConfigArgs(defaultPublicConfig(keys.map(publicIdentity), 1), SHARED_SECRET);
    expect(() => decodeEncodedConfig(args.encoded.slice(0, args.encoded.length - 32))).to.throw();
  });
});

describe("computeConfigDigest", () => {
  const keys = committee(4);
  const args = encodeSetConfigArgs(defaultPublicConfig(keys.map(publicIdentity), 1), SHARED_SECRET, DEALER_RANDOMNESS);

  function referenceDigest(configCount: bigint, contract: string): string {
    const preimage = coder.encode(
      ["address", "uint64", "address[]", "address[]", "uint8", "uint64", "bytes"],
      [contract, configCount, args.signers, args.transmitters, args.threshold, args.encodedConfigVersion, args.encoded],
    );
    return keccak256(preimage).slice(0, 2 + 32);
  }

  it("is the first 16 bytes of keccak256(abi.encode(...)), as an independent ethers computation gives", () => {
    for (const configCount of [1n, 2n, (1n << 64n) - 1n]) {
      const digest = computeConfigDigest({ ...args, contractAddress: CONTRACT, configCount });
      expect(digest.length).to.equal(16);
      expect(bytesToHex(digest)).to.equal(referenceDigest(configCount, CONTRACT));
    }
  });

  it("changes with the contract address and the config count", () => {
    const base = bytesToHex(computeConfigDigest({ ...args, contractAddress: CONTRACT, configCount: 1n }));
    const otherContract = getAddress("0x" + "12".repeat(20)) as Address;
    expect(bytesToHex(computeConfigDigest({ ...args, contractAddress: otherContract, configCount: 1n }))).to.not.equal(base);
    expect(bytesToHex(computeConfigDigest({ ...args, contractAddress: CONTRACT, configCount: 2n }))).to.not.equal(base);
  });
});

describe("sharedConfigFromContract", () => {
  const keys = committee(4);
  const config = defaultPublicConfig(keys.map(publicIdentity), 1);
  const args = encodeSetConfigArgs(config, SHARED_SECRET, DEALER_RANDOMNESS);
  const event = { ...args, contractAddress: CONTRACT, configCount: 1n };

  it("gives every oracle the same digest, secret and derived keys", () => {
    const views = keys.map((k, i) => sharedConfigFromContract(event, i, k.configEncryptionKey));
    for (const view of views) {
      expect(view.sharedSecret).to.deep.equal(SHARED_SECRET);
      expect(view.configDigest).to.deep.equal(computeConfigDigest(event));
      expect(view.leaderSelectionKey).to.deep.equal(deriveLeaderSelectionKey(SHARED_SECRET));
      expect(view.transmissionOrderKey).to.deep.equal(deriveTransmissionOrderKey(SHARED_SECRET));
      expect(view.f).to.equal(1);
      expect(view.deltaRoundMs).to.equal(config.deltaRoundMs);
      expect(view.alphaPPB).to.equal(config.alphaPPB);
      expect(view.s).to.deep.equal(config.s);
      expect(view.oracles.map((o) => o.signerAddress)).to.deep.equal(args.signers);
      expect(view.oracles.map((o) => o.offchainPublicKey)).to.deep.equal(keys.map((k) => k.offchainPublicKey));
      expect(view.oracles.map((o) => o.peerId)).to.deep.equal(keys.map((k) => k.peerId));
    }
  });

  it("throws for a key that cannot decrypt", () => {
    expect(() => sharedConfigFromContract(event, 0, keys[1].configEncryptionKey)).to.throw(/hash mismatch/);
  });

  it("rejects other encodedConfigVersions and mismatched lists", () => {
    expect(() => sharedConfigFromContract({ ...event, encodedConfigVersion: 2n }, 0, keys[0].configEncryptionKey)).to.throw(
      /encodedConfigVersion 2/,
    );
    expect(ENCODED_CONFIG_VERSION).to.equal(1n);
    const fewerSigners = { ...event, signers: event.signers.slice(0, 3), transmitters: event.transmitters.slice(0, 3) };
    expect(() => sharedConfigFromContract(fewerSigners, 0, keys[0].configEncryptionKey)).to.throw(/3 signers/);
  });

  it("applies chain minimums when asked", () => {
    expect(() => sharedConfigFromContract(event, 0, keys[0].configEncryptionKey, { chainId: 1n })).to.throw(/minimum/);
    expect(sharedConfigFromContract(event, 0, keys[0].configEncryptionKey, { chainId: 31337n }).f).to.equal(1);
  });
});
