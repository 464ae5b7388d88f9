// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title ReadAccessGate
/// @notice The one read-access check of the package. A feed contract marks each read that
/// reveals an answer with `checkAccess`; the plain contract leaves the gate open, and its
/// access-controlled variant decides who passes by overriding `_readAccessGranted`:
/// AccessControlledOffchainAggregator, AccessControlledOCR2Aggregator and Flags by their own
/// allowlist (AllowList), EACAggregatorProxy by an external access controller.
abstract contract ReadAccessGate {
  /// @dev Whether `reader` may read an answer with the call `data`. Open here (the optimizer
  /// folds the check away for contracts that keep this).
  function _readAccessGranted(address reader, bytes calldata data) internal view virtual returns (bool) {
    (reader, data);
    return true;
  }

  /// @dev Reverts "No access" unless `_readAccessGranted(msg.sender, msg.data)`.
  modifier checkAccess() {
    require(_readAccessGranted(msg.sender, msg.data), "No access");
    _;
  }
}
