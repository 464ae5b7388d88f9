// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title TokenReceiverMock
/// @notice Test-only ERC-677 receiver that records the last onTokenTransfer call.
contract TokenReceiverMock {
  address public lastSender;
  uint256 public lastValue;
  bytes public lastData;
  /// @notice Number of onTokenTransfer calls received.
  uint256 public calls;

  /// @notice Record the call.
  function onTokenTransfer(address sender, uint256 value, bytes calldata data) external {
    lastSender = sender;
    lastValue = value;
    lastData = data;
    calls += 1;
  }
}
