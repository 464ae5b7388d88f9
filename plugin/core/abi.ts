/**
 * The plugin's one ABI module: the human-readable fragments of the contracts it calls (for
 * ethers, which the plugin, the tests and the benchmarks read them with), and a small, strict
 * Solidity ABI codec: just enough for the OCR1 `encoded` config blob and the
 * config digest preimage, without pulling ethers into the core. Types are written as Solidity
 * type strings ("uint8[]", "(bytes32,bytes32,bytes16[])") and parsed once.
 *
 * Values: integers are bigint, `bool` is boolean, `address` is a checksummed string,
 * `bytes`/`bytesN` are Uint8Array, `string` is a JS string, arrays and tuples are JS arrays.
 * The decoder rejects anything a canonical encoder would never produce (dirty padding,
 * out-of-range offsets, lengths past the end) because it reads untrusted on-chain data.
 */
import { type Address, toChecksumAddress } from "./address.js";
import { bytesToIntBE, bytesToUintBE, concatBytes, hexToBytes, intToBytesBE, uintToBytesBE } from "./bytes.js";

export type AbiType =
  | { readonly kind: "uint" | "int"; readonly bits: number }
  | { readonly kind: "address" | "bool" | "bytes" | "string" }
  | { readonly kind: "fixedBytes"; readonly size: number }
  | { readonly kind: "array"; readonly element: AbiType }
  | { readonly kind: "tuple"; readonly components: readonly AbiType[] };

export type AbiValue = bigint | boolean | string | Uint8Array | readonly AbiValue[];

const WORD = 32;

/** Parse a Solidity type string. Supports elementary types, dynamic arrays `T[]` and tuples. */
export function parseAbiType(text: string): AbiType {
  const source = text.replace(/\s+/g, "");
  const [type, rest] = parseTypeAt(source, 0);
  if (rest !== source.length) throw new Error(`unexpected "${source.slice(rest)}" in ABI type ${text}`);
  return type;
}

function parseTypeAt(source: string, at: number): [AbiType, number] {
  let type: AbiType;
  if (source[at] === "(") {
    const components: AbiType[] = [];
    at++;
    while (source[at] !== ")") {
      const [component, next] = parseTypeAt(source, at);
      components.push(component);
      at = next;
      if (source[at] === ",") at++;
      else if (source[at] !== ")") throw new Error(`expected "," or ")" at ${at} in ${source}`);
    }
    type = { kind: "tuple", components };
    at++;
  } else {
    const match = /^[a-z]+[0-9]*/.exec(source.slice(at));
    if (!match) throw new Error(`expected a type at ${at} in ${source}`);
    type = parseElementary(match[0]);
    at += match[0].length;
  }
  while (source.startsWith("[]", at)) {
    type = { kind: "array", element: type };
    at += 2;
  }
  return [type, at];
}

function parseElementary(name: string): AbiType {
  if (name === "address" || name === "bool" || name === "bytes" || name === "string") return { kind: name };
  const int = /^(u?int)(\d*)$/.exec(name);
  if (int) {
    const bits = int[2] === "" ? 256 : Number(int[2]);
    if (bits < 8 || bits > 256 || bits % 8 !== 0) throw new Error(`invalid integer type ${name}`);
    return { kind: int[1] === "uint" ? "uint" : "int", bits };
  }
  const fixed = /^bytes(\d+)$/.exec(name);
  if (fixed) {
    const size = Number(fixed[1]);
    if (size < 1 || size > 32) throw new Error(`invalid fixed bytes type ${name}`);
    return { kind: "fixedBytes", size };
  }
  throw new Error(`unsupported ABI type ${name}`);
}

/** Dynamic types are encoded out of line, behind an offset word. */
export function isDynamic(type: AbiType): boolean {
  switch (type.kind) {
    case "bytes":
    case "string":
    case "array":
      return true;
    case "tuple":
      return type.components.some(isDynamic);
    default:
      return false;
  }
}

/** Bytes a value of a static type occupies in the head. */
function staticSize(type: AbiType): number {
  return type.kind === "tuple" ? type.components.reduce((n, c) => n + staticSize(c), 0) : WORD;
}

function padRight(bytes: Uint8Array): Uint8Array {
  const padded = new Uint8Array(Math.ceil(bytes.length / WORD) * WORD);
  padded.set(bytes);
  return padded;
}

function word(value: bigint): Uint8Array {
  return uintToBytesBE(value, WORD);
}

function expectArray(value: AbiValue, what: string): readonly AbiValue[] {
  if (!Array.isArray(value)) throw new TypeError(`${what} expects an array`);
  return value;
}

function expectBytes(value: AbiValue, what: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${what} expects a Uint8Array`);
  return value;
}

function expectBigint(value: AbiValue, what: string): bigint {
  if (typeof value !== "bigint") throw new TypeError(`${what} expects a bigint`);
  return value;
}

function encodeValue(type: AbiType, value: AbiValue): Uint8Array {
  switch (type.kind) {
    case "uint": {
      const v = expectBigint(value, `uint${type.bits}`);
      if (v < 0n || v >= 1n << BigInt(type.bits)) throw new RangeError(`${v} does not fit in uint${type.bits}`);
      return word(v);
    }
    case "int": {
      const v = expectBigint(value, `int${type.bits}`);
      const limit = 1n << BigInt(type.bits - 1);
      if (v < -limit || v >= limit) throw new RangeError(`${v} does not fit in int${type.bits}`);
      return intToBytesBE(v, WORD);
    }
    case "bool":
      if (typeof value !== "boolean") throw new TypeError("bool expects a boolean");
      return word(value ? 1n : 0n);
    case "address": {
      if (typeof value !== "string") throw new TypeError("address expects a hex string");
      const raw = hexToBytes(value);
      if (raw.length !== 20) throw new Error(`address ${value} is not 20 bytes`);
      return concatBytes(new Uint8Array(12), raw);
    }
    case "fixedBytes": {
      const raw = expectBytes(value, `bytes${type.size}`);
      if (raw.length !== type.size) throw new Error(`bytes${type.size} got ${raw.length} bytes`);
      return padRight(raw);
    }
    case "bytes":
    case "string": {
      const raw = type.kind === "string" ? new TextEncoder().encode(expectString(value)) : expectBytes(value, "bytes");
      return concatBytes(word(BigInt(raw.length)), padRight(raw));
    }
    case "array": {
      const items = expectArray(value, "array");
      return concatBytes(word(BigInt(items.length)), encodeSequence(items.map(() => type.element), items));
    }
    case "tuple":
      return encodeSequence(type.components, expectArray(value, "tuple"));
  }
}

function expectString(value: AbiValue): string {
  if (typeof value !== "string") throw new TypeError("string expects a string");
  return value;
}

/** Head/tail encoding of a list of values: static parts inline, dynamic parts behind offsets. */
function encodeSequence(types: readonly AbiType[], values: readonly AbiValue[]): Uint8Array {
  if (types.length !== values.length) throw new Error(`expected ${types.length} values, got ${values.length}`);
  const headSize = types.reduce((n, t) => n + (isDynamic(t) ? WORD : staticSize(t)), 0);
  const heads: Uint8Array[] = [];
  const tails: Uint8Array[] = [];
  let tailSize = 0;
  types.forEach((type, i) => {
    const encoded = encodeValue(type, values[i]);
    if (isDynamic(type)) {
      heads.push(word(BigInt(headSize + tailSize)));
      tails.push(encoded);
      tailSize += encoded.length;
    } else {
      heads.push(encoded);
    }
  });
  return concatBytes(...heads, ...tails);
}

/** abi.encode(values...) for the given Solidity types. */
export function abiEncode(types: readonly (AbiType | string)[], values: readonly AbiValue[]): Uint8Array {
  return encodeSequence(types.map(asType), values);
}

/** abi.decode(data, (types...)). Throws on malformed or non-canonical input. */
export function abiDecode(types: readonly (AbiType | string)[], data: Uint8Array): AbiValue[] {
  return decodeSequence(types.map(asType), data, 0);
}

function asType(type: AbiType | string): AbiType {
  return typeof type === "string" ? parseAbiType(type) : type;
}

function readWord(data: Uint8Array, at: number): Uint8Array {
  if (at < 0 || at + WORD > data.length) throw new Error(`ABI data too short: need a word at ${at}, have ${data.length} bytes`);
  return data.subarray(at, at + WORD);
}

/** A word that must hold a small non-negative integer (an offset or a length). */
function readSize(data: Uint8Array, at: number, what: string): number {
  const v = bytesToUintBE(readWord(data, at));
  if (v > BigInt(data.length)) throw new Error(`ABI ${what} ${v} points past the end (${data.length} bytes)`);
  return Number(v);
}

function decodeSequence(types: readonly AbiType[], data: Uint8Array, base: number): AbiValue[] {
  const out: AbiValue[] = [];
  let at = base;
  for (const type of types) {
    if (isDynamic(type)) {
      out.push(decodeValue(type, data, base + readSize(data, at, "offset")));
      at += WORD;
    } else {
      out.push(decodeValue(type, data, at));
      at += staticSize(type);
    }
  }
  return out;
}

function decodeValue(type: AbiType, data: Uint8Array, at: number): AbiValue {
  switch (type.kind) {
    case "uint": {
      const v = bytesToUintBE(readWord(data, at));
      if (v >= 1n << BigInt(type.bits)) throw new Error(`ABI value at ${at} does not fit in uint${type.bits}`);
      return v;
    }
    case "int": {
      const v = bytesToIntBE(readWord(data, at));
      const limit = 1n << BigInt(type.bits - 1);
      if (v < -limit || v >= limit) throw new Error(`ABI value at ${at} does not fit in int${type.bits}`);
      return v;
    }
    case "bool": {
      const v = bytesToUintBE(readWord(data, at));
      if (v > 1n) throw new Error(`ABI bool at ${at} is neither 0 nor 1`);
      return v === 1n;
    }
    case "address": {
      const w = readWord(data, at);
      if (w.subarray(0, 12).some((b) => b !== 0)) throw new Error(`ABI address at ${at} has dirty upper bytes`);
      return toChecksumAddress(w.slice(12)) as Address;
    }
    case "fixedBytes": {
      const w = readWord(data, at);
      if (w.subarray(type.size).some((b) => b !== 0)) throw new Error(`ABI bytes${type.size} at ${at} has dirty padding`);
      return w.slice(0, type.size);
    }
    case "bytes":
    case "string": {
      const length = readSize(data, at, "length");
      const start = at + WORD;
      const end = start + Math.ceil(length / WORD) * WORD;
      if (end > data.length) throw new Error(`ABI ${type.kind} at ${at} runs past the end`);
      if (data.subarray(start + length, end).some((b) => b !== 0)) throw new Error(`ABI ${type.kind} at ${at} has dirty padding`);
      const raw = data.slice(start, start + length);
      return type.kind === "string" ? new TextDecoder("utf-8", { fatal: true }).decode(raw) : raw;
    }
    case "array": {
      const length = readSize(data, at, "array length");
      // Every element takes at least one word, which bounds the allocation by the input size.
      if (length * WORD > data.length) throw new Error(`ABI array at ${at} claims ${length} elements`);
      return decodeSequence(Array.from({ length }, () => type.element), data, at + WORD);
    }
    case "tuple":
      return decodeSequence(type.components, data, at);
  }
}

// ---------------------------------------------------------------------------------------------
// Fragments of the contracts the plugin calls. Human-readable rather than artifact types, so the
// plugin works the same with and without TypeChain. Plain strings: nothing here needs ethers.

/** The OffchainAggregator (OCR1) functions and events the plugin and its committee use. */
export const AGGREGATOR_ABI = [
  "function setPayees(address[] transmitters, address[] payees)",
  "function setConfig(address[] signers, address[] transmitters, uint8 threshold, uint64 encodedConfigVersion, bytes encoded)",
  "function latestConfigDetails() view returns (uint32 configCount, uint32 blockNumber, bytes16 configDigest)",
  "function latestTransmissionDetails() view returns (bytes16 configDigest, uint32 epoch, uint8 round, int192 latestAnswer, uint64 latestTimestamp)",
  "function transmitters() view returns (address[])",
  "function requestNewRound() returns (uint80)",
  "function owedPayment(address transmitter) view returns (uint256)",
  "function owner() view returns (address)",
  "function addAccess(address user)",
  "function transmit(bytes report, bytes32[] rs, bytes32[] ss, bytes32 rawVs)",
  "event ConfigSet(uint32 previousConfigBlockNumber, uint64 configCount, address[] signers, address[] transmitters, uint8 threshold, uint64 encodedConfigVersion, bytes encoded)",
  "event RoundRequested(address indexed requester, bytes16 configDigest, uint32 epoch, uint8 round)",
  "event PayeeshipTransferred(address indexed transmitter, address indexed previous, address indexed current)",
  "event NewTransmission(uint32 indexed aggregatorRoundId, int192 answer, address transmitter, int192[] observations, bytes observers, bytes32 rawReportContext)",
  "event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt)",
] as const;

/** The (EAC) aggregator proxy's phase-aware reading and upgrade functions. */
export const PROXY_ABI = [
  "function aggregator() view returns (address)",
  "function phaseId() view returns (uint16)",
  "function phaseAggregators(uint16 phaseId) view returns (address)",
  "function proposeAggregator(address aggregator)",
  "function confirmAggregator(address aggregator)",
  "function latestRoundData() view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)",
  "function getRoundData(uint80 roundId) view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)",
] as const;

/** The LINK token functions the plugin uses to fund aggregators. */
export const LINK_ABI = ["function transfer(address to, uint256 amount) returns (bool)", "function balanceOf(address) view returns (uint256)"] as const;

/** A MockV3Aggregator-style mock: set the answer, read it back (the benchmark's baseline). */
export const MOCK_AGGREGATOR_ABI = [
  "function updateAnswer(int256 answer)",
  "function latestRoundData() view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)",
] as const;
