// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {AccessControllerInterface} from "../interfaces/AccessControllerInterface.sol";
import {ReadAccessGate} from "./ReadAccessGate.sol";
import {TwoStepOwnership} from "./TwoStepOwnership.sol";

/// @title AllowList
/// @notice An owner-managed allowlist, the access controller of Chainlink's feeds. While the
/// check is enabled (the default) only listed addresses have access; disabling it opens access
/// to everyone. The OCR1 controllers (SimpleWriteAccessController, SimpleReadAccessController)
/// put it on `Owned`, the OCR2 aggregator (through ReadAccessList) on `ConfirmedOwner`.
/// A contract that is an AllowList gates its own `checkAccess` reads (ReadAccessGate) by it.
/// @dev Storage after the owner's two slots: checkEnabled, then the list.
abstract contract AllowList is AccessControllerInterface, TwoStepOwnership, ReadAccessGate {
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

  /// @notice True if `_user` is listed or the check is disabled. The calldata is not inspected.
  /// @param _user the address asking for access
  /// @param _calldata the call being made (named for the ABI, as in Chainlink's; not inspected)
  function hasAccess(address _user, bytes calldata _calldata) public view virtual override returns (bool) {
    _calldata;
    return s_accessList[_user] || !checkEnabled;
  }

  /// @dev Reads marked `checkAccess` pass for whoever `hasAccess` lets through.
  function _readAccessGranted(address reader, bytes calldata data) internal view virtual override returns (bool) {
    return hasAccess(reader, data);
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
}
