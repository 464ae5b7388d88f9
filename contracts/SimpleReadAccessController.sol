// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {SimpleWriteAccessController} from "./SimpleWriteAccessController.sol";

/// @title SimpleReadAccessController
/// @notice The allowlist of SimpleWriteAccessController, except that externally owned accounts
/// always have access (user == tx.origin). Reads made off chain (eth_call) and directly by people
/// stay free; only contracts need to be listed.
contract SimpleReadAccessController is SimpleWriteAccessController {
  /// @notice True if `_user` is listed, the check is disabled, or `_user` is the transaction's origin.
  function hasAccess(address _user, bytes calldata _calldata) public view virtual override returns (bool) {
    return super.hasAccess(_user, _calldata) || _user == tx.origin;
  }
}
