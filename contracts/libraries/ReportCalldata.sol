// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title ReportCalldata
/// @notice Reads an OCR1 report, abi.encode(bytes32 rawReportContext, bytes32 rawObservers,
/// int192[] observations), straight from calldata. abi.decode would first copy the whole array to
/// memory (and, under ABI coder v2, reject observation words that are not sign-extended, which
/// OffchainAggregator 4.0.0 did not, as it was compiled with ABI coder v1).
library ReportCalldata {
  /// @notice Where the observations of `report` start in calldata, and how many there are.
  /// @dev Applies exactly the bounds checks of the ABI coder v1 decoder that 4.0.0 ran on
  /// `abi.decode(report, (bytes32, bytes32, int192[]))`, reverting with empty data like it:
  /// the report holds the three head words; the array offset (word 2) is at most 2^32 and leaves
  /// room for the length word; the length is at most 2^32 and the elements fit in the report.
  /// The offset is honoured whatever its value (it need not be 0x60), and the report may be
  /// longer than the array needs.
  function locateObservations(bytes calldata report) internal pure returns (uint256 first, uint256 count) {
    assembly ("memory-safe") {
      let size := report.length
      if lt(size, 96) {
        revert(0, 0)
      }
      let head := calldataload(add(report.offset, 64))
      // The 2^32 caps keep every sum below far from 2^256, so none of them can wrap.
      if or(gt(head, 0x100000000), gt(add(head, 32), size)) {
        revert(0, 0)
      }
      count := calldataload(add(report.offset, head))
      if or(gt(count, 0x100000000), gt(add(add(head, 32), shl(5, count)), size)) {
        revert(0, 0)
      }
      first := add(add(report.offset, head), 32)
    }
  }

  /// @notice The 32-byte word at `offset` of `report` (0 = rawReportContext, 32 = rawObservers).
  function word(bytes calldata report, uint256 offset) internal pure returns (bytes32 value) {
    assembly ("memory-safe") {
      value := calldataload(add(report.offset, offset))
    }
  }

  /// @notice Observation `i` of the array that starts at calldata position `first`, as int192.
  /// @dev Like 4.0.0, only the low 192 bits count and they are read as a signed number; the 64
  /// high bits of the word are ignored rather than rejected.
  function observation(uint256 first, uint256 i) internal pure returns (int192 value) {
    assembly ("memory-safe") {
      value := signextend(23, calldataload(add(first, shl(5, i))))
    }
  }

  /// @notice True if observations[0..count) are non-decreasing (as int192).
  function isSorted(uint256 first, uint256 count) internal pure returns (bool sorted) {
    assembly ("memory-safe") {
      sorted := 1
      let previous := signextend(23, calldataload(first))
      let end := add(first, shl(5, count))
      for { let p := add(first, 32) } lt(p, end) { p := add(p, 32) } {
        let current := signextend(23, calldataload(p))
        if sgt(previous, current) {
          sorted := 0
          break
        }
        previous := current
      }
    }
  }
}
