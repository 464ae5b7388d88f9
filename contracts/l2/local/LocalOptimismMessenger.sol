// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {IL2CrossDomainMessenger} from "../IL2CrossDomainMessenger.sol";

/// @title LocalOptimismMessenger
/// @notice A LOCAL STAND-IN for an OP Stack chain's L2 cross-domain messenger, for chains that have
/// no L1 behind them (a Hardhat network or node). On a real OP chain the messenger relays messages
/// that contracts sent on L1 and, during the call, answers `xDomainMessageSender()` with the L1
/// sender. Here whoever calls `relayMessage` plays L1 and names the L1 sender; the target still
/// sees exactly what it would see on a real chain: `msg.sender` is the messenger and
/// `xDomainMessageSender()` is the L1 sender. Never deploy it on a real chain.
/// @dev A failing message reverts the relay with the target's revert data, so a test sees why it
/// failed; the real messenger instead records the failure and lets it be replayed later.
contract LocalOptimismMessenger is IL2CrossDomainMessenger {
  /// @dev The sender while no message is being relayed; any non-zero value that no L1 contract has.
  address private constant NO_SENDER = address(0x000000000000000000000000000000000000dEaD);

  address private s_sender = NO_SENDER;

  /// @notice A message from `l1Sender` was delivered to `target`.
  event MessageRelayed(address indexed target, address indexed l1Sender, bytes message);

  /// @notice The L1 sender of the message being relayed. Outside a relay it reverts
  /// "xDomainMessageSender is not set", as the OP messenger does.
  function xDomainMessageSender() external view override returns (address) {
    address sender = s_sender;
    require(sender != NO_SENDER, "xDomainMessageSender is not set");
    return sender;
  }

  /// @notice Deliver `message` (calldata for `target`) as if `l1Sender` had sent it on L1.
  /// Reverts with the target's own revert data when the call fails, and "No L1 message comes from
  /// address 0" for that sender (so a feed whose L1 sender was set to 0 really stops updating).
  /// @param target The L2 contract to call.
  /// @param l1Sender The L1 address the message is from.
  /// @param message The calldata.
  function relayMessage(address target, address l1Sender, bytes calldata message) external {
    require(l1Sender != address(0), "No L1 message comes from address 0");
    address outer = s_sender;
    s_sender = l1Sender;
    (bool success, bytes memory returned) = target.call(message);
    s_sender = outer;
    if (!success) {
      assembly ("memory-safe") {
        revert(add(returned, 0x20), mload(returned))
      }
    }
    emit MessageRelayed(target, l1Sender, message);
  }
}
