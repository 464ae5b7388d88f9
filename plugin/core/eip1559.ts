/**
 * EIP-1559 (type 2) transactions, serialized directly: what a transmit needs, without building an
 * ethers `Transaction` (its setters, checks and copies cost about half a millisecond per
 * transmit, more than signing with libsecp256k1).
 *
 * Layout (EIP-2718 envelope): 0x02 ‖ rlp([chainId, nonce, maxPriorityFeePerGas, maxFeePerGas,
 * gasLimit, to, value, data, accessList]) is what is signed (keccak256 of it); the signed
 * transaction appends yParity, r and s to the list. Integers are RLP's minimal big-endian bytes
 * (zero is the empty string).
 */
import { bytesToUintBE, concatBytes, hexToBytes } from "./bytes.js";
import { keccak256 } from "./hash.js";

export interface Eip1559Fields {
  readonly chainId: bigint;
  readonly nonce: bigint;
  readonly maxPriorityFeePerGas: bigint;
  readonly maxFeePerGas: bigint;
  readonly gasLimit: bigint;
  /** 20-byte recipient (a contract creation has none; not supported here). */
  readonly to: Uint8Array;
  readonly value: bigint;
  readonly data: Uint8Array;
}

const TYPE_2 = Uint8Array.of(0x02);
/** An empty access list: RLP of the empty list. */
const EMPTY_LIST = Uint8Array.of(0xc0);

function rlpLength(length: number, shortBase: number): Uint8Array {
  if (length <= 55) return Uint8Array.of(shortBase + length);
  const digits = minimalBigEndian(BigInt(length));
  return concatBytes(Uint8Array.of(shortBase + 55 + digits.length), digits);
}

/** RLP of a byte string. */
export function rlpBytes(bytes: Uint8Array): Uint8Array {
  if (bytes.length === 1 && bytes[0] < 0x80) return bytes.slice();
  return concatBytes(rlpLength(bytes.length, 0x80), bytes);
}

/** RLP of a list whose items are already RLP-encoded. */
export function rlpList(encodedItems: readonly Uint8Array[]): Uint8Array {
  const body = concatBytes(...encodedItems);
  return concatBytes(rlpLength(body.length, 0xc0), body);
}

/** Big-endian bytes without leading zeros (zero is empty). */
function minimalBigEndian(value: bigint): Uint8Array {
  if (value < 0n) throw new RangeError(`RLP integers are unsigned, got ${value}`);
  if (value === 0n) return new Uint8Array(0);
  const hex = value.toString(16);
  return hexToBytes(hex.length % 2 === 0 ? hex : `0${hex}`);
}

/** RLP of an unsigned integer. */
export function rlpUint(value: bigint): Uint8Array {
  return rlpBytes(minimalBigEndian(value));
}

function unsignedItems(tx: Eip1559Fields): Uint8Array[] {
  if (tx.to.length !== 20) throw new Error(`a transaction's recipient is 20 bytes, got ${tx.to.length}`);
  if (tx.maxPriorityFeePerGas > tx.maxFeePerGas) throw new Error(`maxPriorityFeePerGas ${tx.maxPriorityFeePerGas} exceeds maxFeePerGas ${tx.maxFeePerGas}`);
  return [
    rlpUint(tx.chainId),
    rlpUint(tx.nonce),
    rlpUint(tx.maxPriorityFeePerGas),
    rlpUint(tx.maxFeePerGas),
    rlpUint(tx.gasLimit),
    rlpBytes(tx.to),
    rlpUint(tx.value),
    rlpBytes(tx.data),
    EMPTY_LIST,
  ];
}

/** The 32-byte hash the sender signs: keccak256(0x02 ‖ rlp(unsigned fields)). */
export function eip1559SigningHash(tx: Eip1559Fields): Uint8Array {
  return keccak256(concatBytes(TYPE_2, rlpList(unsignedItems(tx))));
}

/** The signed transaction's bytes, for eth_sendRawTransaction. `signature` is r ‖ s ‖ yParity (65 bytes). */
export function serializeSignedEip1559(tx: Eip1559Fields, signature: Uint8Array): Uint8Array {
  if (signature.length !== 65 || signature[64] > 1) throw new Error("a transaction signature is r ‖ s ‖ yParity (65 bytes, yParity 0 or 1)");
  const r = bytesToUintBE(signature.subarray(0, 32));
  const s = bytesToUintBE(signature.subarray(32, 64));
  return concatBytes(TYPE_2, rlpList([...unsignedItems(tx), rlpUint(BigInt(signature[64])), rlpUint(r), rlpUint(s)]));
}
