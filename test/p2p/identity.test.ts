/**
 * The P2P identity: derived from the key seed, separate from the protocol keys, and with the
 * peer id js-libp2p itself computes for the same key.
 */
import { generateKeyPairFromSeed } from "@libp2p/crypto/keys";
import { peerIdFromPrivateKey, peerIdFromString } from "@libp2p/peer-id";
import { expect } from "chai";

import { bytesToHex } from "../../plugin/core/bytes.js";
import { deriveOracleKeys, peerIdFromEd25519PublicKey } from "../../plugin/core/keys.js";
import { deriveP2PIdentity, generateP2PIdentity, p2pIdentityFromSecretKey } from "../../plugin/p2p/identity.js";

describe("P2P identity", () => {
  it("has the peer id js-libp2p computes for the same Ed25519 key", async () => {
    for (const identity of [deriveP2PIdentity("p2p-identity-test", 0), deriveP2PIdentity("p2p-identity-test", 30), generateP2PIdentity()]) {
      const libp2pKey = await generateKeyPairFromSeed("Ed25519", identity.secretKey);
      expect(bytesToHex(libp2pKey.publicKey.raw)).to.equal(bytesToHex(identity.publicKey));
      expect(peerIdFromPrivateKey(libp2pKey).toString()).to.equal(identity.peerId);
      expect(identity.peerId).to.match(/^12D3KooW[1-9A-HJ-NP-Za-km-z]{44}$/);
      expect(bytesToHex(peerIdFromString(identity.peerId).publicKey!.raw)).to.equal(bytesToHex(identity.publicKey));
    }
  });

  it("keeps its derivation stable: a changed derivation would change every configured peer id", () => {
    expect(deriveP2PIdentity("hardhat-ocr golden", 0).peerId).to.equal("12D3KooWLRHpb7y5EtNhrBoKgAsZBTSR9AB1mWizXAGggfAcUhFn");
    expect(deriveP2PIdentity("hardhat-ocr golden", 3).peerId).to.equal("12D3KooWKjdkrXqEVfYeuXNNkocMx9qmoFA2fCGXkKabhHhY6Dca");
  });

  it("is deterministic per (seed, index) and unrelated across indices and seeds", () => {
    const a = deriveP2PIdentity("seed", 1);
    expect(deriveP2PIdentity("seed", 1)).to.deep.equal(a);
    expect(deriveP2PIdentity(new TextEncoder().encode("seed"), 1)).to.deep.equal(a);
    const others = [deriveP2PIdentity("seed", 0), deriveP2PIdentity("seed", 2), deriveP2PIdentity("seed2", 1)];
    for (const other of others) expect(other.peerId).to.not.equal(a.peerId);
  });

  it("is not any of the oracle's protocol keys, so the transport holds no signing key", () => {
    const keys = deriveOracleKeys("seed", 1);
    const identity = deriveP2PIdentity("seed", 1);
    const secret = bytesToHex(identity.secretKey);
    for (const protocolSecret of [keys.offchainSigningKey, keys.onchainSigningKey, keys.configEncryptionKey, keys.transmitterKey]) {
      expect(bytesToHex(protocolSecret)).to.not.equal(secret);
    }
  });

  it("is the identity the oracle's key set holds, whose peer id the contract config lists", () => {
    const keys = deriveOracleKeys("seed", 1);
    expect(deriveP2PIdentity("seed", 1).peerId).to.equal(keys.peerId);
    expect(bytesToHex(deriveP2PIdentity("seed", 1).secretKey)).to.equal(bytesToHex(keys.p2pSecretKey));
    expect(keys.peerId).to.not.equal(peerIdFromEd25519PublicKey(keys.offchainPublicKey));
  });

  it("refuses a secret key of the wrong size and an index outside uint32", () => {
    expect(() => p2pIdentityFromSecretKey(new Uint8Array(31))).to.throw(TypeError, /P2P secret key is 32 bytes/);
    expect(() => deriveP2PIdentity("seed", -1)).to.throw(RangeError, /oracleIndex -1 is not a uint32/);
    expect(() => deriveP2PIdentity("seed", 1.5)).to.throw(RangeError, /not a uint32/);
  });
});
