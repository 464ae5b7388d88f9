// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title TwoStepOwnership
/// @notice The ownership every contract of this package shares, with Chainlink's revert strings
/// and events: the owner proposes a successor, and ownership moves only when that address calls
/// `acceptOwnership`, so a typo in the new owner's address cannot brick the contract.
/// @dev The proposing function itself is declared by the two flavours built on this, `Owned`
/// (OCR1, proxies, access controllers) and `ConfirmedOwner` (OCR2), because its parameter name
/// (part of their ABIs) and its self-transfer rule differ. OpenZeppelin's Ownable2Step has the
/// same shape but other errors and event names; callers of Chainlink feeds match on these.
/// Storage: the owner in the first slot, the pending owner in the second.
abstract contract TwoStepOwnership {
  /// @notice The current owner.
  address public owner;
  address private s_pendingOwner;

  event OwnershipTransferRequested(address indexed from, address indexed to);
  event OwnershipTransferred(address indexed from, address indexed to);

  /// @dev The deployer becomes the owner (never address 0, so no zero-owner check is needed).
  constructor() {
    owner = msg.sender;
  }

  /// @notice Accept a pending ownership proposal. Only the proposed owner may call this.
  function acceptOwnership() external {
    require(msg.sender == s_pendingOwner, "Must be proposed owner");
    address oldOwner = owner;
    owner = msg.sender;
    s_pendingOwner = address(0);
    emit OwnershipTransferred(oldOwner, msg.sender);
  }

  /// @dev Records `to` as the pending owner and emits OwnershipTransferRequested.
  function _requestOwnershipTransfer(address to) internal {
    s_pendingOwner = to;
    emit OwnershipTransferRequested(owner, to);
  }

  /// @dev Reverts "Only callable by owner" for anyone but the owner.
  modifier onlyOwner() {
    require(msg.sender == owner, "Only callable by owner");
    _;
  }
}
