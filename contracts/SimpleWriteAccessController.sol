// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {AllowList} from "./access/AllowList.sol";
import {Owned} from "./access/Owned.sol";

/// @title SimpleWriteAccessController
/// @notice An owner-managed allowlist (see AllowList) with Chainlink's OCR1 ownership (`Owned`).
/// While the check is enabled (the default) only listed addresses have access; disabling it
/// opens access to everyone.
contract SimpleWriteAccessController is Owned, AllowList {
  /// @dev Declared (empty; AllowList enables the check) so that the ABI lists a constructor, as
  /// Chainlink's does.
  constructor() {}
}
