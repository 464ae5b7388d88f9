// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

/// @title AccessControllerInterface
/// @notice Answers whether `user` may make the call whose calldata is `data`.
interface AccessControllerInterface {
  /// @notice True if `user` is allowed to make a call with calldata `data`.
  function hasAccess(address user, bytes calldata data) external view returns (bool);
}
