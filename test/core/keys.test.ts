import { expect } from "chai";
import { computeAddress, getAddress } from "ethers";
import { ed25519, x25519 } from "@noble/curves/ed25519.js";

import { bytesToHex } from "../../plugin/core/bytes.js";
import { base58Encode, deriveOracleKeys, generateOracleKeys, peerIdFromEd25519PublicKey } from "../../plugin/core/keys.js";

describe("oracle keys", () => {
  it("derives the same keys from the same seed and index", () => {
    const a = deriveOracleKeys("committee seed", 3);
    const b = deriveOracleKeys(new TextEncoder().encode("committee seed"), 3);
    expect(a).to.deep.equal(b);
  });

  it("derives unrelated keys for different indices and seeds", () => {
    const keys = [deriveOracleKeys("seed", 0), deriveOracleKeys("seed", 1), deriveOracleKeys("other seed", 0)];
    const secrets = keys.flatMap((k) => [k.onchainSigningKey, k.offchainSigningKey, k.configEncryptionKey, k.transmitterKey, k.p2pSecretKey]);
    expect(new Set(secrets.map(bytesToHex)).size).to.equal(secrets.length);
    expect(new Set(keys.map((k) => k.signerAddress)).size).to.equal(3);
  });

  it("computes addresses the way ethers does, in EIP-55 form", () => {
    for (const keys of [deriveOracleKeys("seed", 7), generateOracleKeys()]) {
      expect(keys.signerAddress).to.equal(getAddress(computeAddress(bytesToHex(keys.onchainSigningKey))));
      expect(keys.transmitterAddress).to.equal(getAddress(computeAddress(bytesToHex(keys.transmitterKey))));
      expect(keys.signerAddress).to.not.equal(keys.transmitterAddress);
    }
  });

  it("pairs every secret with its public key", () => {
    const keys = deriveOracleKeys("seed", 2);
    expect(keys.offchainPublicKey).to.deep.equal(ed25519.getPublicKey(keys.offchainSigningKey));
    expect(keys.configEncryptionPublicKey).to.deep.equal(x25519.getPublicKey(keys.configEncryptionKey));
    expect(keys.offchainPublicKey.length).to.equal(32);
    expect(keys.configEncryptionPublicKey.length).to.equal(32);
  });

  it("gives libp2p-style Ed25519 peer ids of a P2P key of its own, not of the off-chain signing key", () => {
    const keys = deriveOracleKeys("seed", 0);
    expect(keys.peerId).to.match(/^12D3KooW[1-9A-HJ-NP-Za-km-z]{44}$/);
    expect(keys.peerId).to.equal(peerIdFromEd25519PublicKey(ed25519.getPublicKey(keys.p2pSecretKey)));
    expect(keys.peerId).to.not.equal(peerIdFromEd25519PublicKey(keys.offchainPublicKey));
    expect(deriveOracleKeys("seed", 1).peerId).to.not.equal(keys.peerId);
  });

  it("base58-encodes like Bitcoin, keeping leading zero bytes", () => {
    expect(base58Encode(new TextEncoder().encode("Hello World!"))).to.equal("2NEpo7TZRRrLZSi2U");
    expect(base58Encode(Uint8Array.of(0, 0, 1))).to.equal("112");
    expect(base58Encode(new Uint8Array(0))).to.equal("");
  });

  it("generates fresh keys on every call", () => {
    expect(generateOracleKeys().signerAddress).to.not.equal(generateOracleKeys().signerAddress);
  });
});
