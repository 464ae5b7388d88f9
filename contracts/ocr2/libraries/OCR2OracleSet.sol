// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {OracleSetStore} from "../../libraries/OracleSetStore.sol";

/// @title OCR2OracleSet
/// @notice The OCR2 aggregator's oracle set, kept as the code of a data-only contract (the
/// OracleSetStore idea of the OCR1 aggregator: one cold EXTCODECOPY, 2,600 gas plus 3 a word,
/// instead of a cold SLOAD of 2,100 per signer), laid out so that transmit checks a signature in
/// constant time:
///
///   code = 0x00 (STOP) ‖ configDigest (32) ‖ salt (32) ‖ bucket table (256)
///          ‖ sentinel word (32) ‖ signers (32·n, one word each) ‖ transmitters (20·n)
///
/// The bucket table maps `bucket(signer) = (signer · salt mod 2^256) >> 248` to 8·(index + 1),
/// and an empty bucket to 0. Transmit reads the word at sentinel + 4·entry and compares it with
/// the recovered address: for entry 8·(i + 1) that is signer i, for 0 it is the sentinel word
/// 0xff…ff, which no 160-bit address equals, so an empty bucket needs no separate test. The
/// entry is also the bit offset of the signer's byte in the duplicate counter (Chainlink OCR2Aggregator's
/// one-byte-per-signer scheme), so it serves both uses without arithmetic.
///
/// setConfig picks the salt so the n ≤ 31 signers land in distinct buckets. The hash is
/// multiply-shift hashing (Dietzfelbinger et al., "A reliable randomized algorithm for the
/// closest-pair problem", 1997): for a random odd multiplier two distinct keys collide with
/// probability at most 2/256, so a collision-free salt for 31 signers turns up after a handful of
/// tries (about 1 in 6 tries succeeds; 256 tries all failing has probability ~1e-19). Per
/// signature this costs one MUL, one table byte and one comparison, the same whichever oracles
/// sign, where a linear scan costs ~30 gas per entry passed.
library OCR2OracleSet {
  /// @dev Byte offsets inside the copied image (which starts after the STOP byte).
  /// The digest is the image's first word.
  uint256 internal constant SALT_OFFSET = 32;
  uint256 internal constant TABLE_OFFSET = 64;
  uint256 internal constant SENTINEL_OFFSET = 64 + 256;
  uint256 internal constant SIGNERS_OFFSET = 64 + 256 + 32;
  uint256 private constant MAX_SALT_TRIES = 256;

  /// @notice Deploy the store for a config at the CREATE address of `nonce` (see
  /// OracleSetStore.createStore): digest, a collision-free salt and its bucket table, the
  /// sentinel, the signers one word each and the transmitters packed at 20 bytes each. Reverts
  /// "signer table failed" if no salt among MAX_SALT_TRIES separates the signers (probability
  /// ~1e-19 for 31 distinct signers).
  function deploy(
    bytes32 digest,
    address[] memory signers,
    address[] memory transmitters,
    uint256 nonce
  ) internal {
    uint256 n = signers.length;
    uint256 salt = findSalt(digest, signers);
    (bytes memory code, uint256 base) = OracleSetStore.creationCode(SIGNERS_OFFSET + 52 * n);
    assembly ("memory-safe") {
      mstore(base, digest)
      mstore(add(base, SALT_OFFSET), salt)
      let table := add(base, TABLE_OFFSET)
      for { let i := 0 } lt(i, n) { i := add(i, 1) } {
        let signer := mload(add(signers, shl(5, add(i, 1))))
        mstore8(add(table, shr(248, mul(signer, salt))), shl(3, add(i, 1)))
      }
      mstore(add(base, SENTINEL_OFFSET), not(0))
      let p := add(base, SIGNERS_OFFSET)
      for { let i := 0 } lt(i, n) { i := add(i, 1) } {
        mstore(p, mload(add(signers, shl(5, add(i, 1)))))
        p := add(p, 32)
      }
      // Each 32-byte write spills 12 bytes past its entry: the next entry overwrites them, and
      // the last spill lands past the code, in memory nothing has claimed yet.
      for { let i := 0 } lt(i, n) { i := add(i, 1) } {
        mstore(p, shl(96, mload(add(transmitters, shl(5, add(i, 1))))))
        p := add(p, 20)
      }
      // Keep the free-memory pointer past the last spill.
      mstore(0x40, add(mload(0x40), 32))
    }
    OracleSetStore.createStore(code, nonce);
  }

  /// @notice An odd multiplier under which the signers' buckets are pairwise distinct.
  function findSalt(bytes32 digest, address[] memory signers) internal pure returns (uint256 salt) {
    uint256 n = signers.length;
    for (uint256 attempt; attempt < MAX_SALT_TRIES; ++attempt) {
      salt = uint256(keccak256(abi.encode(digest, attempt))) | 1;
      bool separated = true;
      assembly ("memory-safe") {
        // One bit per bucket: 256 buckets fit a single word.
        let occupied := 0
        for { let i := 0 } lt(i, n) { i := add(i, 1) } {
          let bit := shl(shr(248, mul(mload(add(signers, shl(5, add(i, 1)))), salt)), 1)
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

  /// @notice Copy `length` bytes of the store image at `store`, from `offset`, to fresh memory.
  function load(address store, uint256 offset, uint256 length) internal view returns (uint256 ptr) {
    assembly ("memory-safe") {
      ptr := mload(0x40)
      mstore(0x40, add(ptr, and(add(length, 63), not(31))))
      extcodecopy(store, ptr, add(offset, 1), length)
    }
  }

  /// @notice The `n` transmitters of the store at `store` as an array.
  function transmitterList(address store, uint256 n) internal view returns (address[] memory out) {
    uint256 list = load(store, SIGNERS_OFFSET + 32 * n, 20 * n);
    return OracleSetStore.toArray(list, n);
  }
}
