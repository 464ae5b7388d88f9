// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @notice The OCR2 reads that differ from OCR1 in shape, as a contract caller sees them.
interface OCR2ReadInterface {
  /// @notice The aggregator's `latestTransmissionDetails`, as declared there.
  function latestTransmissionDetails() external view returns (bytes32, uint32, uint8, int192, uint64);
  /// @notice The aggregator's `latestConfigDigestAndEpoch`, as declared there.
  function latestConfigDigestAndEpoch() external view returns (bool, bytes32, uint32);
}

/// @notice Test-only contract that calls an OCR2 aggregator from a contract, so that msg.sender
/// is not tx.origin (latestTransmissionDetails is EOA-only; latestConfigDigestAndEpoch is open).
contract OCR2Reader {
  /// @notice Calls `agg`.latestTransmissionDetails from this contract (msg.sender is this contract).
  function readLatestTransmissionDetails(address agg) external view returns (bytes32, uint32, uint8, int192, uint64) {
    return OCR2ReadInterface(agg).latestTransmissionDetails();
  }

  /// @notice Calls `agg`.latestConfigDigestAndEpoch from this contract (msg.sender is this contract).
  function readLatestConfigDigestAndEpoch(address agg) external view returns (bool, bytes32, uint32) {
    return OCR2ReadInterface(agg).latestConfigDigestAndEpoch();
  }
}
