// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

/// @title IL2CrossDomainMessenger
/// @notice The part of an OP Stack L2 cross-domain messenger that a message's target uses: who
/// sent, on L1, the message being delivered right now.
interface IL2CrossDomainMessenger {
  /// @notice The L1 address that sent the message currently being relayed. Reverts outside a relay.
  function xDomainMessageSender() external view returns (address);
}
