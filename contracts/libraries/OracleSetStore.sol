// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title OracleSetStore
/// @notice Keeps an OCR oracle set (signer and transmitter addresses, in config order) as the code
/// of a small data-only contract, so that `transmit` reads the whole set with one cold
/// EXTCODECOPY (2,600 gas plus 3 gas a word) instead of one cold SLOAD (2,100 gas) per signature
/// and per transmitter lookup, and finds an address's oracle index in constant time.
///
/// Code layout of a store (byte offsets after a leading 0x00 STOP byte, which makes a call to the
/// store do nothing):
///
///   [0, 32)          signer salt
///   [32, 64)         transmitter salt
///   [64, 320)        signer bucket table, one byte per bucket
///   [320, 576)       transmitter bucket table
///   [576, 608)       sentinel word 0xff…ff
///   [608, 608+32n)   signers, one word each
///   then             a second sentinel word and the transmitters, one word each
///
/// A table maps `bucket(a) = (a · salt mod 2^256) >> 248` to 8·(index + 1) and an empty bucket
/// to 0; entry e names the word at (the list's sentinel) + 4·e, which for e = 0 is the sentinel,
/// equal to no address, so a lookup is one MUL, one table byte and one comparison whichever
/// oracle it is (a linear scan costs ~75 gas per entry passed, so up to ~2,300 gas a signature
/// at n = 31 for the highest indices). The salts are chosen at deploy time so the n addresses of
/// each list land in distinct buckets: multiply-shift hashing (Dietzfelbinger et al., "A
/// reliable randomized algorithm for the closest-pair problem", 1997), where two distinct keys
/// collide with probability at most 2/256 for a random odd multiplier; for 31 keys about one try
/// in six succeeds, and 256 tries all failing has probability ~1e-19.
///
/// The store's address is not kept in storage (that would cost another cold SLOAD per transmit):
/// the aggregator deploys exactly one store per successful setConfig with CREATE and deploys no
/// other contract, so the k-th store lives at the CREATE address for nonce k, and k is the config
/// count the aggregator keeps in its hot slot anyway. `deploy` checks the prediction, so a chain
/// with different CREATE rules makes setConfig revert instead of silently losing the set.
///
/// Writing data as the code of a fresh contract and reading it back with EXTCODECOPY is the
/// SSTORE2 technique of 0xSequence's SSTORE2 library (github.com/0xSequence/sstore2), also in
/// Solmate; the 11-byte creation-code prefix below, with RETURNDATASIZE as the zero, is the form
/// Solady's SSTORE2 uses (github.com/Vectorized/solady, src/utils/SSTORE2.sol). Both OCR1 and
/// OCR2 stores are created through `creationCode` and `createStore` here.
///
/// Creation code of a store, byte by byte (L = image length + 1, the length of the deployed code):
///
///   offset  bytes     opcode          stack after (top first)  what it does
///   0x00    61 LL LL  PUSH2 L         L                        length of the code to deploy
///   0x03    80        DUP1            L L                      keep a copy for RETURN
///   0x04    60 0a     PUSH1 0x0a      10 L L                   where the deployed code starts
///   0x06    3d        RETURNDATASIZE  0 10 L L                 0: nothing has returned data yet
///                                                              (2 gas, one byte shorter than PUSH1 0)
///   0x07    39        CODECOPY        L                        memory[0, L) = code[10, 10 + L)
///   0x08    3d        RETURNDATASIZE  0 L                      0 again
///   0x09    f3        RETURN          (empty)                  deploy memory[0, L) as the code
///   0x0a    00        STOP            -                        first byte of the deployed code
///   0x0b    image     -               -                        the store's data
///
/// So the deployed code is 0x00 ‖ image: a call to the store halts at once on STOP and does
/// nothing, and readers copy the image from code offset 1. PUSH2 bounds L to 65,535 bytes, far
/// above the largest image (2,624 bytes here, 1,964 for OCR2 at n = 31) and above EIP-170's
/// 24,576-byte code limit.
library OracleSetStore {
  uint256 private constant SIGNER_SALT = 0;
  uint256 private constant TRANSMITTER_SALT = 32;
  uint256 private constant SIGNER_TABLE = 64;
  uint256 private constant TRANSMITTER_TABLE = 320;
  uint256 private constant SIGNER_SENTINEL = 576;
  uint256 private constant MAX_SALT_TRIES = 256;

  /// @notice Bytes of the image of an n-oracle store.
  function imageSize(uint256 n) internal pure returns (uint256) {
    return SIGNER_SENTINEL + 64 + 64 * n;
  }

  /// @notice Deploy a store holding `signers` and `transmitters` (same length, at most 31, each
  /// list without repeats) and check that it landed at `predictAddress(nonce)`. Reverts "signer
  /// table failed" if no salt separates a list (probability ~1e-19).
  function deploy(address[] calldata signers, address[] calldata transmitters, uint256 nonce) internal {
    uint256 size = imageSize(signers.length);
    (bytes memory code, uint256 image) = creationCode(size);
    _writeList(image, SIGNER_SALT, SIGNER_TABLE, SIGNER_SENTINEL, signers, findSalt(signers, nonce, 0));
    _writeList(
      image,
      TRANSMITTER_SALT,
      TRANSMITTER_TABLE,
      SIGNER_SENTINEL + 32 + 32 * signers.length,
      transmitters,
      findSalt(transmitters, nonce, 1)
    );
    createStore(code, nonce);
  }

  /// @notice Fresh creation code for a store whose image is `size` bytes: the 11-byte prefix of
  /// the table above, then `size` bytes for the caller to fill in at `image` (a memory pointer).
  function creationCode(uint256 size) internal pure returns (bytes memory code, uint256 image) {
    code = new bytes(11 + size);
    assembly ("memory-safe") {
      // 0x61 ‖ L (2 bytes) ‖ 0x80600a3d393df3 ‖ 0x00, left-aligned in the first word.
      mstore(add(code, 0x20), or(shl(232, or(0x610000, add(size, 1))), shl(176, 0x80600a3d393df3)))
      image := add(code, 0x2b)
    }
  }

  /// @notice CREATE a store from `code` (see creationCode) and check that it landed at
  /// `predictAddress(nonce)`, where its readers will look for it. Reverts "oracle set store
  /// failed" otherwise.
  function createStore(bytes memory code, uint256 nonce) internal {
    address created;
    assembly ("memory-safe") {
      created := create(0, add(code, 0x20), mload(code))
    }
    require(created != address(0) && created == predictAddress(nonce), "oracle set store failed");
  }

  /// @dev Writes one list into the image: its salt, its bucket table (entry 8·(index + 1)), its
  /// sentinel word and its addresses, one word each after the sentinel.
  function _writeList(
    uint256 image,
    uint256 saltOffset,
    uint256 tableOffset,
    uint256 sentinelOffset,
    address[] calldata addresses,
    uint256 salt
  ) private pure {
    assembly ("memory-safe") {
      mstore(add(image, saltOffset), salt)
      let sentinel := add(image, sentinelOffset)
      mstore(sentinel, not(0))
      let table := add(image, tableOffset)
      for { let i := 0 } lt(i, addresses.length) { i := add(i, 1) } {
        // Only the low 160 bits count (as when Solidity reads the element), so a dirty
        // argument word lands in the same bucket as the address it stands for.
        let a := and(calldataload(add(addresses.offset, shl(5, i))), 0xffffffffffffffffffffffffffffffffffffffff)
        mstore8(add(table, shr(248, mul(a, salt))), shl(3, add(i, 1)))
        mstore(add(sentinel, shl(5, add(i, 1))), a)
      }
    }
  }

  /// @notice An odd multiplier under which the addresses' buckets are pairwise distinct.
  function findSalt(address[] calldata addresses, uint256 nonce, uint256 list) internal pure returns (uint256 salt) {
    uint256 n = addresses.length;
    for (uint256 attempt; attempt < MAX_SALT_TRIES; ++attempt) {
      salt = uint256(keccak256(abi.encode(nonce, list, attempt))) | 1;
      bool separated = true;
      assembly ("memory-safe") {
        // One bit per bucket: 256 buckets fit a single word.
        let occupied := 0
        for { let i := 0 } lt(i, n) { i := add(i, 1) } {
          let a := and(calldataload(add(addresses.offset, shl(5, i))), 0xffffffffffffffffffffffffffffffffffffffff)
          let bit := shl(shr(248, mul(a, salt)), 1)
          if and(occupied, bit) {
            separated := 0
            break
          }
          occupied := or(occupied, bit)
        }
      }
      if (separated) return salt;
    }
    revert("signer table failed");
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

  /// @notice Copy the image of the n-oracle store at `store` to fresh memory and return the
  /// pointer. A store that does not exist reads as zeros, which only happens for n = 0.
  function load(address store, uint256 n) internal view returns (uint256 image) {
    uint256 size = imageSize(n);
    assembly ("memory-safe") {
      image := mload(0x40)
      mstore(0x40, add(image, size))
      extcodecopy(store, image, 1, size)
    }
  }

  /// @notice Oracle index of `who` among the signers of `image`, or 2^256 - 1 if it is none.
  function signerIndex(uint256 image, address who) internal pure returns (uint256 index) {
    assembly ("memory-safe") {
      index := find(image, SIGNER_SALT, SIGNER_TABLE, add(image, SIGNER_SENTINEL), who)
      function find(base, saltOffset, tableOffset, sentinel, a) -> i {
        // An address argument may reach assembly with dirty high bits; use the low 160 only.
        a := and(a, 0xffffffffffffffffffffffffffffffffffffffff)
        let entry := byte(0, mload(add(add(base, tableOffset), shr(248, mul(a, mload(add(base, saltOffset)))))))
        i := not(0)
        if eq(mload(add(sentinel, shl(2, entry))), a) {
          i := sub(shr(3, entry), 1)
        }
      }
    }
  }

  /// @notice Oracle index of `who` among the n transmitters of `image`, or 2^256 - 1 if none.
  function transmitterIndex(uint256 image, uint256 n, address who) internal pure returns (uint256 index) {
    assembly ("memory-safe") {
      let a := and(who, 0xffffffffffffffffffffffffffffffffffffffff)
      let sentinel := add(add(image, SIGNER_SENTINEL), add(32, shl(5, n)))
      let entry := byte(0, mload(add(add(image, TRANSMITTER_TABLE), shr(248, mul(a, mload(add(image, TRANSMITTER_SALT)))))))
      index := not(0)
      if eq(mload(add(sentinel, shl(2, entry))), a) {
        index := sub(shr(3, entry), 1)
      }
    }
  }

  /// @notice Signer `i` of `image`.
  function signerAt(uint256 image, uint256 i) internal pure returns (address who) {
    assembly ("memory-safe") {
      who := mload(add(add(image, add(SIGNER_SENTINEL, 32)), shl(5, i)))
    }
  }

  /// @notice Transmitter `i` of the n-oracle `image`.
  function transmitterAt(uint256 image, uint256 n, uint256 i) internal pure returns (address who) {
    assembly ("memory-safe") {
      who := mload(add(add(image, add(SIGNER_SENTINEL, 64)), shl(5, add(n, i))))
    }
  }

  /// @notice The n transmitters of `image` as an array.
  function transmitterArray(uint256 image, uint256 n) internal pure returns (address[] memory out) {
    out = new address[](n);
    for (uint256 i; i < n; ++i) {
      out[i] = transmitterAt(image, n, i);
    }
  }

  /// @notice The `n` addresses packed at 20 bytes each at `list`, as an array (the OCR2 store's
  /// transmitter list).
  function toArray(uint256 list, uint256 n) internal pure returns (address[] memory out) {
    out = new address[](n);
    for (uint256 i; i < n; ++i) {
      address who;
      assembly ("memory-safe") {
        who := shr(96, mload(add(list, mul(20, i))))
      }
      out[i] = who;
    }
  }
}
