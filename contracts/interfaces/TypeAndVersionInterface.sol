// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

/// @title TypeAndVersionInterface
/// @notice Lets tools identify a deployed contract, e.g. "OffchainAggregator 4.0.0".
interface TypeAndVersionInterface {
  /// @notice The contract's type and semantic version, separated by a space.
  function typeAndVersion() external pure returns (string memory);
}
