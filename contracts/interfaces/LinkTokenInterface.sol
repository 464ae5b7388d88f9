// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

/// @title LinkTokenInterface
/// @notice The LINK token API as Chainlink contracts call it: ERC-20, the legacy
/// increase/decreaseApproval pair, and ERC-677 `transferAndCall`.
interface LinkTokenInterface {
  function allowance(address owner, address spender) external view returns (uint256 remaining);

  function approve(address spender, uint256 value) external returns (bool success);

  function balanceOf(address owner) external view returns (uint256 balance);

  function decimals() external view returns (uint8 decimalPlaces);

  function decreaseApproval(address spender, uint256 addedValue) external returns (bool success);

  function increaseApproval(address spender, uint256 subtractedValue) external;

  function name() external view returns (string memory tokenName);

  function symbol() external view returns (string memory tokenSymbol);

  function totalSupply() external view returns (uint256 totalTokensIssued);

  function transfer(address to, uint256 value) external returns (bool success);

  /// @notice Transfer `value` to `to` and, if `to` is a contract, call its `onTokenTransfer(from, value, data)`.
  function transferAndCall(address to, uint256 value, bytes calldata data) external returns (bool success);

  function transferFrom(address from, address to, uint256 value) external returns (bool success);
}
