// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title Cheatcodes
/// @notice The few test-runner cheatcodes the hardhat-ocr Solidity test kit needs, declared here so
/// the kit depends on no test library. Hardhat 3's Solidity test runner (and any runner with the
/// same cheatcode address) answers calls to `CHEATCODE_ADDRESS`; on a real chain the address has
/// no code and every call reverts, so none of this can run outside a test.
/// @dev The selectors are those of the runner's `Vm` interface, so a test may use this interface
/// and another library's `Vm` side by side.
interface Cheatcodes {
  /// @notice The address of private key `privateKey`.
  function addr(uint256 privateKey) external pure returns (address);

  /// @notice A secp256k1 signature of `digest` (no prefix added) by `privateKey`; v is 27 or 28.
  function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);

  /// @notice Set block.timestamp.
  function warp(uint256 newTimestamp) external;

  /// @notice Set block.number.
  function roll(uint256 newHeight) external;

  /// @notice Make the next call come from `sender` (msg.sender only).
  function prank(address sender) external;

  /// @notice Expect the next call to revert with exactly `revertData`.
  function expectRevert(bytes calldata revertData) external;

  /// @notice Discard the current fuzz input unless `condition` holds.
  function assume(bool condition) external pure;

  /// @notice Decimal text of `value`, for messages.
  function toString(int256 value) external pure returns (string memory);

  /// @notice Decimal text of `value`, for messages.
  function toString(uint256 value) external pure returns (string memory);
}

/// @dev The address test runners answer cheatcodes at (0x7109709ECfa91a80626fF3989D68f67F5b1DD12D).
address constant CHEATCODE_ADDRESS = address(uint160(uint256(keccak256("hevm cheat code"))));
