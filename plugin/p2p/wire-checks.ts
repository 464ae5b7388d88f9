/**
 * The field checks both protobuf codecs apply to what a peer sent, each throwing a
 * MessageDecodeError that names the field: numbers must fit the protocol's types without being
 * narrowed, lists are bounded by the largest committee, and bytes must have an allowed length
 * (and are copied, so a decoded message never aliases the transport's receive buffer).
 */
import { MessageDecodeError } from "../protocol/codec.js";

/** Epochs are uint32 on chain and in the protocol; the wire carries uint64. */
const MAX_EPOCH = 0xffff_ffffn;
/** Rounds are uint8 on chain and in the protocol; the wire carries a wider integer. */
const MAX_ROUND = 0xffn;

export function epochOf(value: bigint, what = "epoch"): number {
  if (value > MAX_EPOCH) throw new MessageDecodeError(`${what} ${value} does not fit in uint32`);
  return Number(value);
}

export function roundOf(value: bigint | number, what = "round"): number {
  if (BigInt(value) > MAX_ROUND) throw new MessageDecodeError(`${what} ${value} does not fit in uint8`);
  return Number(value);
}

/** An oracle's index in the config: below `maxOracles`. */
export function oracleIndexOf(value: number, maxOracles: number, what: string): number {
  if (value >= maxOracles) throw new MessageDecodeError(`${what} ${value} is not an oracle index (0 to ${maxOracles - 1})`);
  return value;
}

/** A list of at most one entry per oracle. */
export function boundedList<T>(items: readonly T[], maxOracles: number, what: string): readonly T[] {
  if (items.length > maxOracles) throw new MessageDecodeError(`${what} has ${items.length} entries, more than ${maxOracles}`);
  return items;
}

/** A copy of `value`, which must be `min` to `max` bytes long (exactly `min` if `max` is left out). */
export function bytesOfLength(value: Uint8Array, what: string, min: number, max = min): Uint8Array {
  if (value.length < min || value.length > max) {
    throw new MessageDecodeError(min === max ? `${what} must be ${min} bytes, got ${value.length}` : `${what} must be ${min} to ${max} bytes, got ${value.length}`);
  }
  return value.slice();
}
