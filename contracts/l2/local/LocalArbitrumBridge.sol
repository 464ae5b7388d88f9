// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title LocalArbitrumBridge
/// @notice A LOCAL STAND-IN for Arbitrum's delivery of L1-to-L2 messages (retryable tickets), for
/// chains that have no L1 behind them (a Hardhat network or node). On a real Arbitrum chain a
/// message from an L1 contract arrives with `msg.sender` = that contract's address plus
/// 0x1111000000000000000000000000000000001111 (its alias). This contract's own address is such an
/// alias: it stands for the L1 address `l1Sender()` = its address minus the offset, and every
/// message it delivers reaches the target from that alias, exactly as on Arbitrum. Whoever calls
/// `deliver` plays that L1 sender. Never deploy it on a real chain.
/// @dev A failing message reverts the delivery with the target's revert data, so a test sees why it
/// failed; on Arbitrum a failed retryable ticket can be redeemed again later instead.
contract LocalArbitrumBridge {
  uint160 private constant L1_TO_L2_ALIAS_OFFSET = uint160(0x1111000000000000000000000000000000001111);

  /// @notice A message from `l1Sender()` was delivered to `target`.
  event MessageDelivered(address indexed target, address indexed l1Sender, bytes message);

  /// @notice The L1 address whose alias is this contract: the sender of every message it delivers.
  function l1Sender() public view returns (address) {
    unchecked {
      // Undoing the alias wraps modulo 2^160, as Arbitrum's does.
      return address(uint160(address(this)) - L1_TO_L2_ALIAS_OFFSET);
    }
  }

  /// @notice Deliver `message` (calldata for `target`) as a message from `l1Sender()`: the target
  /// sees this contract, the sender's alias, as `msg.sender`. Reverts with the target's own revert
  /// data when the call fails.
  /// @param target The L2 contract to call.
  /// @param message The calldata.
  function deliver(address target, bytes calldata message) external {
    (bool success, bytes memory returned) = target.call(message);
    if (!success) {
      assembly ("memory-safe") {
        revert(add(returned, 0x20), mload(returned))
      }
    }
    emit MessageDelivered(target, l1Sender(), message);
  }
}
