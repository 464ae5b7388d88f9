// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title Owned
/// @notice Two-step ownership with Chainlink's revert strings and events: the owner proposes a
/// successor with `transferOwnership`, and ownership moves only when that address calls
/// `acceptOwnership`. A typo in the new owner's address therefore cannot brick the contract.
/// @dev OpenZeppelin's Ownable2Step has the same shape but different errors and event names; the
/// callers of Chainlink feeds (and their tests) match on these strings, so we keep Chainlink's.
abstract contract Owned {
  /// @notice The current owner.
  address public owner;
  address private s_pendingOwner;

  event OwnershipTransferRequested(address indexed from, address indexed to);
  event OwnershipTransferred(address indexed from, address indexed to);

  constructor() {
    owner = msg.sender;
  }

  /// @notice Propose `_to` as the next owner. Only the current owner may call this.
  function transferOwnership(address _to) external onlyOwner {
    s_pendingOwner = _to;
    emit OwnershipTransferRequested(owner, _to);
  }

  /// @notice Accept a pending ownership proposal. Only the proposed owner may call this.
  function acceptOwnership() external {
    require(msg.sender == s_pendingOwner, "Must be proposed owner");
    address oldOwner = owner;
    owner = msg.sender;
    s_pendingOwner = address(0);
    emit OwnershipTransferred(oldOwner, msg.sender);
  }

  modifier onlyOwner() {
    require(msg.sender == owner, "Only callable by owner");
    _;
  }
}
