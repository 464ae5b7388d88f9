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
});
