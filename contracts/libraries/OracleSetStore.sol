// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title OracleSetStore
/// @notice Keeps an OCR oracle set (signer and transmitter addresses, in config order) as the code
/// of a small data-only contract, so that `transmit` can read the whole set with one cold
/// EXTCODECOPY (2,600 gas plus 3 gas a word) instead of one cold SLOAD (2,100 gas) per signature
/// and per transmitter lookup. For 31 oracles and 11 signatures that is ~3k gas instead of ~25k.
///
/// Code layout of a store: one 0x00 byte (STOP, so a call to the store does nothing), then the
/// n signers packed at 20 bytes each, then the n transmitters packed at 20 bytes each.
///
/// The store's address is not kept in storage (that would cost another cold SLOAD per transmit):
/// the aggregator deploys exactly one store per successful setConfig with CREATE and deploys no
/// other contract, so the k-th store lives at the CREATE address for nonce k, and k is the config
/// count the aggregator keeps in its hot slot anyway. `deploy` checks the prediction, so a chain
/// with different CREATE rules makes setConfig revert instead of silently losing the set.
library OracleSetStore {
  /// @dev Bytes of one packed address.
  uint256 private constant ADDRESS_BYTES = 20;

  /// @notice Deploy a store holding `signers` and `transmitters` (same length, at most 31) and
  /// check that it landed at the address `predictAddress(nonce)` that transmit will read.
  function deploy(address[] calldata signers, address[] calldata transmitters, uint256 nonce) internal {
    uint256 n = signers.length;
    // Creation code = 10-byte loader ‖ runtime. The loader copies everything after itself to
    // memory and returns it: PUSH2 size, DUP1, PUSH1 10, RETURNDATASIZE (0), CODECOPY,
    // RETURNDATASIZE (0), RETURN. RETURNDATASIZE is used as a cheap zero that predates PUSH0.
    uint256 runtimeSize = 1 + 2 * ADDRESS_BYTES * n;
    bytes memory creationCode = new bytes(10 + runtimeSize);
    address created;
    assembly ("memory-safe") {
      let code := add(creationCode, 0x20)
      // 0x61 ssss 80 60 0a 3d 39 3d f3, left-aligned in one word, then the runtime's 0x00 byte
      // is already there because `new bytes` zero-fills.
      mstore(code, or(shl(232, or(0x610000, runtimeSize)), shl(176, 0x80600a3d393df3)))
      let p := add(code, 11)
      for { let i := 0 } lt(i, n) { i := add(i, 1) } {
        // Each write spills 12 zero bytes past the entry; the next entry overwrites them, and
        // the last spill lands past the allocation, in scratch memory nothing else uses yet.
        mstore(p, shl(96, calldataload(add(signers.offset, shl(5, i)))))
        p := add(p, 20)
      }
      for { let i := 0 } lt(i, n) { i := add(i, 1) } {
        mstore(p, shl(96, calldataload(add(transmitters.offset, shl(5, i)))))
        p := add(p, 20)
      }
      created := create(0, code, mload(creationCode))
    }
    require(created != address(0) && created == predictAddress(nonce), "oracle set store failed");
  }

  /// @notice The address of the store created with this contract's CREATE nonce `nonce` (>= 1).
  /// @dev RLP([address(this), nonce]) hashed with keccak256; nonce < 2^32 here.
  function predictAddress(uint256 nonce) internal view returns (address store) {
    assembly ("memory-safe") {
      let ptr := mload(0x40)
      switch lt(nonce, 0x80)
      case 1 {
        // 0xd6 0x94 <20-byte address> <nonce as a single byte>
        mstore(ptr, or(shl(248, 0xd6), or(shl(240, 0x94), shl(80, address()))))
        mstore8(add(ptr, 22), nonce)
        store := keccak256(ptr, 23)
      }
      default {
        // 0xd6+k 0x94 <address> 0x80+k <k-byte big-endian nonce>, k = byte length of nonce
        let k := 1
        if gt(nonce, 0xff) { k := 2 }
        if gt(nonce, 0xffff) { k := 3 }
        if gt(nonce, 0xffffff) { k := 4 }
        mstore(ptr, or(shl(248, add(0xd6, k)), or(shl(240, 0x94), shl(80, address()))))
        mstore8(add(ptr, 22), add(0x80, k))
        mstore(add(ptr, 23), shl(sub(256, shl(3, k)), nonce))
        store := keccak256(ptr, add(23, k))
      }
    }
  }

  /// @notice Copy the n signers followed by the n transmitters (20 bytes each) of `store` to
  /// fresh memory and return the pointer. A store that does not exist reads as zeros, which only
  /// happens for n = 0, when nothing is copied.
  function load(address store, uint256 n) internal view returns (uint256 ptr) {
    assembly ("memory-safe") {
      ptr := mload(0x40)
      let size := mul(40, n)
      // Round the allocation up to whole words, plus one word of slack: readers mload 32 bytes
      // at the start of each 20-byte entry, so the last entry reads 12 bytes past the end.
      mstore(0x40, add(ptr, and(add(size, 63), not(31))))
      extcodecopy(store, ptr, 1, size)
    }
  }

  /// @notice Position of `who` among the `n` packed addresses at `list`, or n if absent.
  /// @dev A linear scan costs ~30 gas an entry; for n <= 31 that beats any index structure.
  function indexOf(uint256 list, uint256 n, address who) internal pure returns (uint256 index) {
    assembly ("memory-safe") {
      // An address argument may reach assembly with dirty high bits; compare the low 160 only.
      who := and(who, 0xffffffffffffffffffffffffffffffffffffffff)
      index := n
      for { let i := 0 } lt(i, n) { i := add(i, 1) } {
        if eq(shr(96, mload(add(list, mul(20, i)))), who) {
          index := i
          break
        }
      }
    }
  }

  /// @notice The `n` packed addresses at `list` as an address array.
  function toArray(uint256 list, uint256 n) internal pure returns (address[] memory out) {
    out = new address[](n);
    for (uint256 i; i < n; ++i) {
      out[i] = at(list, i);
    }
  }

  /// @notice Entry `i` of the packed address list at `list`.
  function at(uint256 list, uint256 i) internal pure returns (address who) {
    assembly ("memory-safe") {
      who := shr(96, mload(add(list, mul(20, i))))
    }
  }
}
