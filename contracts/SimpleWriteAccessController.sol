// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Owned} from "./access/Owned.sol";
import {AccessControllerInterface} from "./interfaces/AccessControllerInterface.sol";

/// @title SimpleWriteAccessController
/// @notice An owner-managed allowlist. While the check is enabled (the default) only listed
/// addresses have access; disabling it opens access to everyone.
contract SimpleWriteAccessController is AccessControllerInterface, Owned {
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
  function hasAccess(address _user, bytes calldata _calldata) public view virtual override returns (bool) {
    _calldata; // named for the ABI (as in Chainlink's), not inspected
    return s_accessList[_user] || !checkEnabled;
  }

  /// @notice Add `_user` to the allowlist. Emits AddedAccess only if it was not listed.
  function addAccess(address _user) external onlyOwner {
    if (!s_accessList[_user]) {
      s_accessList[_user] = true;
      emit AddedAccess(_user);
    }
  }

  /// @notice Remove `_user` from the allowlist. Emits RemovedAccess only if it was listed.
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
