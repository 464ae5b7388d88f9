// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {AllowList} from "../../access/AllowList.sol";
import {ConfirmedOwner} from "./ConfirmedOwner.sol";

/// @title ReadAccessList
/// @notice The read allowlist of Chainlink's SimpleReadAccessController on top of ConfirmedOwner
/// (the OCR1 SimpleReadAccessController sits on `Owned`, whose transferOwnership has no self
/// check). While the check is enabled (the default) a caller has access if it is listed or is
/// the transaction's origin, so people and eth_call always read; contracts must be listed.
abstract contract ReadAccessList is ConfirmedOwner, AllowList {
  /// @notice True if `_user` is listed, the check is disabled, or `_user` is the transaction's
  /// origin. The calldata is not inspected.
  /// @param _user the address asking for access
  /// @param _calldata the call being made (named for the ABI, as in Chainlink's; not inspected)
  function hasAccess(address _user, bytes calldata _calldata) public view virtual override returns (bool) {
    return super.hasAccess(_user, _calldata) || _user == tx.origin;
  }
}
