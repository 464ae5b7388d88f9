// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {AccessControllerInterface} from "../../interfaces/AccessControllerInterface.sol";
import {ConfirmedOwner} from "./ConfirmedOwner.sol";

/// @title ReadAccessList
/// @notice The read allowlist of Chainlink's SimpleReadAccessController on top of ConfirmedOwner
/// (the OCR1 controllers in contracts/ sit on `Owned`, whose transferOwnership has no self
/// check). While the check is enabled (the default) a caller has access if it is listed or is
/// the transaction's origin, so people and eth_call always read; contracts must be listed.
abstract contract ReadAccessList is ConfirmedOwner, AccessControllerInterface {
  /// @notice Whether the allowlist is enforced.
  bool public checkEnabled;
  mapping(address user => bool allowed) internal s_accessList;

  event AddedAccess(address user);
  event RemovedAccess(address user);
  event CheckAccessEnabled();
  event CheckAccessDisabled();

  constructor() {
    checkEnabled = true;
  }

  /// @notice True if `user` is listed, the check is disabled, or `user` is the transaction's
  /// origin. The calldata is not inspected.
  /// @param _user the address asking for access
  /// @param _calldata the call being made (named for the ABI, as in Chainlink's; not inspected)
  function hasAccess(address _user, bytes calldata _calldata) public view virtual override returns (bool) {
    _calldata;
    return s_accessList[_user] || !checkEnabled || _user == tx.origin;
  }

  /// @notice Add `_user` to the allowlist. Emits AddedAccess only if it was not listed.
  /// @param _user the address to allow
  function addAccess(address _user) external onlyOwner {
    if (!s_accessList[_user]) {
      s_accessList[_user] = true;
      emit AddedAccess(_user);
    }
  }

  /// @notice Remove `_user` from the allowlist. Emits RemovedAccess only if it was listed.
  /// @param _user the address to disallow
  function removeAccess(address _user) external onlyOwner {
    if (s_accessList[_user]) {
      s_accessList[_user] = false;
      emit RemovedAccess(_user);
    }
  }

  /// @notice Enforce the allowlist. Emits CheckAccessEnabled only on change.
  function enableAccessCheck() external onlyOwner {
    if (!checkEnabled) {
      checkEnabled = true;
      emit CheckAccessEnabled();
    }
  }

  /// @notice Stop enforcing the allowlist. Emits CheckAccessDisabled only on change.
  function disableAccessCheck() external onlyOwner {
    if (checkEnabled) {
      checkEnabled = false;
      emit CheckAccessDisabled();
    }
  }

  /// @dev Reverts "No access" unless the caller has access for this call.
  modifier checkAccess() {
    require(hasAccess(msg.sender, msg.data), "No access");
    _;
  }
}
