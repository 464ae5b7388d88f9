// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {TwoStepOwnership} from "../../access/TwoStepOwnership.sol";

/// @title ConfirmedOwner
/// @notice Two-step ownership as Chainlink's OCR2 contracts have it (see TwoStepOwnership):
/// unlike the OCR1 `Owned`, the owner proposing itself reverts "Cannot transfer to self".
abstract contract ConfirmedOwner is TwoStepOwnership {
  /// @notice Propose `to` as the next owner. Only the owner may call this, and not for itself.
  /// @param to the proposed owner, which must call acceptOwnership
  function transferOwnership(address to) public virtual onlyOwner {
    require(to != msg.sender, "Cannot transfer to self");
    _requestOwnershipTransfer(to);
  }
}
