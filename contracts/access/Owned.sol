// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {TwoStepOwnership} from "./TwoStepOwnership.sol";

/// @title Owned
/// @notice Two-step ownership as Chainlink's OCR1 contracts, proxies and access controllers have
/// it (see TwoStepOwnership): any address, the owner included, may be proposed.
abstract contract Owned is TwoStepOwnership {
  /// @notice Propose `_to` as the next owner. Only the current owner may call this.
  /// @param _to the proposed owner, which must call acceptOwnership
  function transferOwnership(address _to) external onlyOwner {
    _requestOwnershipTransfer(_to);
  }
}
