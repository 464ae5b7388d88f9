// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

/// @title FlagsInterface
/// @notice Per-address warning flags that permitted contracts raise and lower, and readers check.
interface FlagsInterface {
  /// @notice Whether the flag of `subject` is raised.
  function getFlag(address subject) external view returns (bool);

  /// @notice Whether each subject's flag is raised, in order.
  function getFlags(address[] calldata subjects) external view returns (bool[] memory);

  /// @notice Raise the flag of `subject`.
  function raiseFlag(address subject) external;

  /// @notice Raise the flag of every subject.
  function raiseFlags(address[] calldata subjects) external;

  /// @notice Lower the flag of `subject`.
  function lowerFlag(address subject) external;

  /// @notice Lower the flag of every subject.
  function lowerFlags(address[] calldata subjects) external;

  /// @notice Set the access controller that decides who may raise flags.
  function setRaisingAccessController(address controller) external;

  /// @notice Set the access controller that decides who may lower flags.
  function setLoweringAccessController(address controller) external;
}
