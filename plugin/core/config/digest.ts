/**
 * The configDigest that ties reports to one config of one contract (spec §1.4). The contract
 * computes it in setConfig; oracles recompute it from the ConfigSet log and the log's address.
 */
import { abiEncode } from "../abi.js";
import { type Address } from "../address.js";
import { keccak256 } from "../hash.js";

const DIGEST_PREIMAGE_TYPES = ["address", "uint64", "address[]", "address[]", "uint8", "uint64", "bytes"] as const;

/**
 * The first 16 bytes of keccak256(abi.encode(contractAddress, uint64 configCount, signers,
 * transmitters, uint8 threshold, uint64 encodedConfigVersion, encoded)).
 */
export function computeConfigDigest(args: {
  contractAddress: Address;
  configCount: bigint;
  signers: readonly Address[];
  transmitters: readonly Address[];
  threshold: number;
  encodedConfigVersion: bigint;
  encoded: Uint8Array;
}): Uint8Array {
  const preimage = abiEncode(DIGEST_PREIMAGE_TYPES, [
    args.contractAddress,
    args.configCount,
    [...args.signers],
    [...args.transmitters],
    BigInt(args.threshold),
    args.encodedConfigVersion,
    args.encoded,
  ]);
  return keccak256(preimage).slice(0, 16);
}
