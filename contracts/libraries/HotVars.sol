// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title HotVars
/// @notice Packing of the one storage word that `transmit` reads and writes on every report. Keeping
/// everything transmit needs from the aggregator's own state in a single slot means one cold SLOAD
/// (2,100 gas) and one SSTORE (2,900 gas) per report, however many fields change.
///
/// Layout, from the most significant bit down:
///   [255..128] configDigest            bytes16, the digest of the latest config
///   [127..88]  latestEpochAndRound     uint40, epoch << 8 | round of the latest accepted report
///   [87..80]   threshold               uint8, f
///   [79..48]   latestAggregatorRoundId uint32
///   [47..16]   configCount             uint32, also the CREATE nonce of the oracle-set store
///   [15..8]    oracleCount             uint8, n (0 before the first config)
///   [7..1]     unused
///   [0]        hasValidator            a validator is set: transmit reads the validator slot
///                                      (2,100 gas cold) only then
/// The digest sits at the top so `bytes16(bytes32(word))` extracts it without shifting.
library HotVars {
  uint256 private constant EPOCH_AND_ROUND_SHIFT = 88;
  uint256 private constant THRESHOLD_SHIFT = 80;
  uint256 private constant ROUND_ID_SHIFT = 48;
  uint256 private constant CONFIG_COUNT_SHIFT = 16;
  uint256 private constant ORACLE_COUNT_SHIFT = 8;
  uint256 private constant VALIDATOR_BIT = 1;

  function configDigest(uint256 hot) internal pure returns (bytes16) {
    return bytes16(bytes32(hot));
  }

  function latestEpochAndRound(uint256 hot) internal pure returns (uint40) {
    return uint40(hot >> EPOCH_AND_ROUND_SHIFT);
  }

  function threshold(uint256 hot) internal pure returns (uint8) {
    return uint8(hot >> THRESHOLD_SHIFT);
  }

  function latestAggregatorRoundId(uint256 hot) internal pure returns (uint32) {
    return uint32(hot >> ROUND_ID_SHIFT);
  }

  function configCount(uint256 hot) internal pure returns (uint32) {
    return uint32(hot >> CONFIG_COUNT_SHIFT);
  }

  function oracleCount(uint256 hot) internal pure returns (uint8) {
    return uint8(hot >> ORACLE_COUNT_SHIFT);
  }

  function hasValidator(uint256 hot) internal pure returns (bool) {
    return hot & VALIDATOR_BIT != 0;
  }

  /// @notice `hot` with the validator bit set or cleared.
  function withValidator(uint256 hot, bool present) internal pure returns (uint256) {
    return present ? hot | VALIDATOR_BIT : hot & ~VALIDATOR_BIT;
  }

  /// @notice A whole word from its fields (validator bit clear).
  function pack(
    bytes16 digest,
    uint40 epochAndRound,
    uint8 f,
    uint32 roundId,
    uint32 count,
    uint8 oracles
  ) internal pure returns (uint256) {
    return
      uint256(bytes32(digest)) |
      (uint256(epochAndRound) << EPOCH_AND_ROUND_SHIFT) |
      (uint256(f) << THRESHOLD_SHIFT) |
      (uint256(roundId) << ROUND_ID_SHIFT) |
      (uint256(count) << CONFIG_COUNT_SHIFT) |
      (uint256(oracles) << ORACLE_COUNT_SHIFT);
  }

  /// @notice `hot` with a new latest epoch-and-round and a new latest aggregator round id: the
  /// two fields an accepted report changes.
  function withReport(uint256 hot, uint40 epochAndRound, uint32 roundId) internal pure returns (uint256) {
    uint256 cleared = hot &
      ~((uint256(type(uint40).max) << EPOCH_AND_ROUND_SHIFT) | (uint256(type(uint32).max) << ROUND_ID_SHIFT));
    return cleared | (uint256(epochAndRound) << EPOCH_AND_ROUND_SHIFT) | (uint256(roundId) << ROUND_ID_SHIFT);
  }
}
