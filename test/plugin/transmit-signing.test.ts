/**
 * Transmits are signed through the project's secp256k1 signer instead of ethers' (for speed);
 * the signed bytes must be exactly what the oracle's ethers Wallet would have produced.
 */
import { expect } from "chai";
import { Transaction, Wallet } from "ethers";

import { signTransaction } from "../../plugin/chain/transmit-sender.js";
import { bytesToHex } from "../../plugin/core/bytes.js";
import { deriveOracleKeys } from "../../plugin/core/keys.js";

describe("signTransaction (a transmit signed for the oracle's transmitter)", () => {
  it("gives byte for byte the transaction the ethers Wallet signs, from the transmitter's address", async () => {
    for (let i = 0; i < 12; i++) {
      const keys = deriveOracleKeys("transmit signing", i);
      const wallet = new Wallet(bytesToHex(keys.transmitterKey));
      const request = {
        to: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
        data: "0x" + "ab".repeat(100 + i * 17),
        nonce: i * 3,
        gasLimit: 500_000n,
        chainId: i % 2 === 0 ? 31337n : 1n,
        maxFeePerGas: 2_000_000_000n + BigInt(i) * 12_345n,
        maxPriorityFeePerGas: 1_000_000_000n,
      };
      const signed = await signTransaction(wallet, request);
      expect(signed).to.equal(await wallet.signTransaction(request));
      expect(Transaction.from(signed).from).to.equal(keys.transmitterAddress);
    }
  });

  it("serializes EIP-1559 edge values as ethers does: zeros, long data, values, and r or s with leading zero bytes", async () => {
    const wallet = new Wallet(bytesToHex(deriveOracleKeys("transmit signing edges", 0).transmitterKey));
    let shortSignatureWords = 0;
    for (let i = 0; i < 400; i++) {
      const request = {
        to: "0x00000000000000000000000000000000000000" + (i % 256).toString(16).padStart(2, "0"),
        data: i % 5 === 0 ? "0x" : "0x" + (i % 7).toString(16).padStart(2, "0").repeat(i % 3 === 0 ? 1 : 60 + i),
        nonce: i % 4 === 0 ? 0 : i * 1_000_003,
        gasLimit: BigInt(21_000 + i),
        chainId: [1n, 31337n, 10n ** 12n][i % 3],
        maxFeePerGas: i % 24 === 0 ? 0n : 10n ** 9n + BigInt(i),
        maxPriorityFeePerGas: i % 8 === 0 ? 0n : 127n + BigInt(i),
        value: i % 9 === 0 ? 10n ** 20n : 0n,
      };
      const signed = await signTransaction(wallet, request);
      expect(signed, `request ${i}`).to.equal(await wallet.signTransaction(request));
      const { r, s } = Transaction.from(signed).signature!;
      if (r.startsWith("0x00") || s.startsWith("0x00")) shortSignatureWords++;
    }
    // The sample must include the RLP case where r or s loses a leading zero byte.
    expect(shortSignatureWords).to.be.greaterThan(0);
  });

  it("leaves requests it does not serialize itself to ethers: legacy gas price, access lists", async () => {
    const wallet = new Wallet(bytesToHex(deriveOracleKeys("transmit signing legacy", 0).transmitterKey));
    const legacy = { to: "0x5FbDB2315678afecb367f032d93F642f64180aa3", data: "0x1234", nonce: 7, gasLimit: 50_000n, chainId: 31337n, gasPrice: 3_000_000_000n };
    expect(await signTransaction(wallet, legacy)).to.equal(await wallet.signTransaction(legacy));
    const withAccessList = {
      ...legacy,
      gasPrice: undefined,
      maxFeePerGas: 2n * 10n ** 9n,
      maxPriorityFeePerGas: 10n ** 9n,
      accessList: [{ address: "0x5FbDB2315678afecb367f032d93F642f64180aa3", storageKeys: ["0x" + "00".repeat(31) + "01"] }],
    };
    expect(await signTransaction(wallet, withAccessList)).to.equal(await wallet.signTransaction(withAccessList));
  });

  it("refuses what ethers refuses: a bad address checksum, a nonce beyond 2^53", async () => {
    const wallet = new Wallet(bytesToHex(deriveOracleKeys("transmit signing refusals", 0).transmitterKey));
    const good = { to: "0x5FbDB2315678afecb367f032d93F642f64180aa3", data: "0x", nonce: 1, gasLimit: 50_000n, chainId: 31337n, maxFeePerGas: 2n, maxPriorityFeePerGas: 1n };
    const refusalOf = (request: object) => signTransaction(wallet, request).then(() => "signed", (error: Error) => error.message.split(" (")[0]);
    for (const request of [{ ...good, to: "0x5fbDB2315678afecb367f032d93F642f64180aa3" }, { ...good, nonce: 2 ** 60 }]) {
      const ours = await refusalOf(request);
      expect(ours).to.not.equal("signed");
      expect(ours).to.equal(await wallet.signTransaction(request).then(() => "signed", (error: Error) => error.message.split(" (")[0]));
    }
  });
});
