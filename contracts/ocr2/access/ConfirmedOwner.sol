// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title ConfirmedOwner
/// @notice Two-step ownership as Chainlink's OCR2 contracts have it: the owner proposes a
/// successor, which must accept before ownership moves. Unlike the OCR1 `Owned`, proposing
/// yourself reverts "Cannot transfer to self", and the owner is readable as `owner()` only.
abstract contract ConfirmedOwner {
  address private s_owner;
  address private s_pendingOwner;

  event OwnershipTransferRequested(address indexed from, address indexed to);
  event OwnershipTransferred(address indexed from, address indexed to);

  /// @dev The deployer becomes the owner (it can never be address 0, so the zero-owner check of
  /// the reference is unreachable here and left out).
  constructor() {
    s_owner = msg.sender;
  }

  /// @notice Propose `to` as the next owner. Only the owner may call this, and not for itself.
  /// @param to the proposed owner, which must call acceptOwnership
  function transferOwnership(address to) public virtual onlyOwner {
    require(to != msg.sender, "Cannot transfer to self");
    s_pendingOwner = to;
    emit OwnershipTransferRequested(s_owner, to);
  }

  /// @notice Accept a pending ownership proposal. Only the proposed owner may call this.
  function acceptOwnership() external virtual {
    require(msg.sender == s_pendingOwner, "Must be proposed owner");
    address oldOwner = s_owner;
    s_owner = msg.sender;
    s_pendingOwner = address(0);
    emit OwnershipTransferred(oldOwner, msg.sender);
  }

  /// @notice The current owner.
  function owner() public view virtual returns (address) {
    return s_owner;
  }

  /// @dev Reverts "Only callable by owner" for anyone but the owner.
  modifier onlyOwner() {
    require(msg.sender == s_owner, "Only callable by owner");
    _;
  }
}
