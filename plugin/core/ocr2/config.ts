/**
 * The OCR2 config as OCR2Aggregator 1.0.0 checks and hashes it: the median plugin's
 * onchainConfig and the config digest (EVM prefix 0x0001).
 */
import { abiEncode } from "../abi.js";
import { type Address } from "../address.js";
import { bytesToIntBE, concatBytes, intToBytesBE } from "../bytes.js";
import { keccak256 } from "../hash.js";
import { INT192_MAX, INT192_MIN } from "./report.js";

/** The config digest prefix of EVM chains (ConfigDigestPrefixEVMSimple). */
export const OCR2_EVM_DIGEST_PREFIX = 0x0001;
/** Version byte of the median onchainConfig. */
export const MEDIAN_ONCHAIN_CONFIG_VERSION = 1;
/** offchainConfigVersion of OCR2 (libocr's ocr2config). */
export const OCR2_OFFCHAIN_CONFIG_VERSION = 2n;

const DIGEST_PREIMAGE_TYPES = [
  "uint256",
  "address",
  "uint64",
  "address[]",
  "address[]",
  "uint8",
  "bytes",
  "uint64",
  "bytes",
] as const;

/** The median onchainConfig: 0x01 ‖ int192 min ‖ int192 max (49 bytes, big-endian two's complement). */
export function encodeMedianOnchainConfig(min: bigint, max: bigint): Uint8Array {
  for (const [name, v] of [["min", min], ["max", max]] as const) {
    if (v < INT192_MIN || v > INT192_MAX) throw new RangeError(`${name} ${v} does not fit in int192`);
  }
  if (min > max) throw new RangeError(`min ${min} exceeds max ${max}`);
  return concatBytes(Uint8Array.of(MEDIAN_ONCHAIN_CONFIG_VERSION), intToBytesBE(min, 24), intToBytesBE(max, 24));
}

export function decodeMedianOnchainConfig(bytes: Uint8Array): { min: bigint; max: bigint } {
  if (bytes.length !== 49) throw new Error(`a median onchainConfig is 49 bytes, got ${bytes.length}`);
  if (bytes[0] !== MEDIAN_ONCHAIN_CONFIG_VERSION) throw new Error(`unknown onchainConfig version ${bytes[0]}`);
  const min = bytesToIntBE(bytes.subarray(1, 25));
  const max = bytesToIntBE(bytes.subarray(25, 49));
  if (min > max) throw new Error(`onchainConfig min ${min} exceeds max ${max}`);
  return { min, max };
}

/** Everything the digest covers. */
export interface Ocr2ConfigDigestInput {
  readonly chainId: bigint;
  readonly contractAddress: Address;
  /** The count after this setConfig (the first config is 1). */
  readonly configCount: bigint;
  readonly signers: readonly Address[];
  readonly transmitters: readonly Address[];
  readonly f: number;
  readonly onchainConfig: Uint8Array;
  readonly offchainConfigVersion: bigint;
  readonly offchainConfig: Uint8Array;
}

/**
 * keccak256(abi.encode(chainId, contract, uint64 configCount, signers, transmitters, uint8 f,
 * onchainConfig, uint64 offchainConfigVersion, offchainConfig)) with its top two bytes replaced
 * by 0x0001.
 */
export function computeOcr2ConfigDigest(input: Ocr2ConfigDigestInput): Uint8Array {
  const digest = keccak256(
    abiEncode(DIGEST_PREIMAGE_TYPES, [
      input.chainId,
      input.contractAddress,
      input.configCount,
      [...input.signers],
      [...input.transmitters],
      BigInt(input.f),
      input.onchainConfig,
      input.offchainConfigVersion,
      input.offchainConfig,
    ]),
  );
  digest[0] = OCR2_EVM_DIGEST_PREFIX >> 8;
  digest[1] = OCR2_EVM_DIGEST_PREFIX & 0xff;
  return digest;
}
