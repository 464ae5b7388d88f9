// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

/// @title LinkTokenInterface
/// @notice The LINK token API as Chainlink contracts call it: ERC-20, the legacy
/// increase/decreaseApproval pair, and ERC-677 `transferAndCall`.
interface LinkTokenInterface {
  /// @notice How much `spender` may still move from `owner`'s balance.
  function allowance(address owner, address spender) external view returns (uint256 remaining);

  /// @notice Let `spender` move up to `value` of the caller's tokens.
  function approve(address spender, uint256 value) external returns (bool success);

  /// @notice The balance of `owner`.
  function balanceOf(address owner) external view returns (uint256 balance);

  /// @notice Decimals of the token (18 for LINK).
  function decimals() external view returns (uint8 decimalPlaces);

  /// @notice Lower `spender`'s allowance by the second argument. The parameter names of this
  /// pair are swapped as in Chainlink's interface, so that generated bindings match.
  function decreaseApproval(address spender, uint256 addedValue) external returns (bool success);

  /// @notice Raise `spender`'s allowance by the second argument (names swapped, see above).
  function increaseApproval(address spender, uint256 subtractedValue) external;

  /// @notice The token's name.
  function name() external view returns (string memory tokenName);

  /// @notice The token's symbol.
  function symbol() external view returns (string memory tokenSymbol);

  /// @notice All tokens in existence.
  function totalSupply() external view returns (uint256 totalTokensIssued);

  /// @notice Move `value` of the caller's tokens to `to`.
  function transfer(address to, uint256 value) external returns (bool success);

  /// @notice Transfer `value` to `to` and, if `to` is a contract, call its `onTokenTransfer(from, value, data)`.
  function transferAndCall(address to, uint256 value, bytes calldata data) external returns (bool success);

  /// @notice Move `value` from `from` to `to` out of the caller's allowance.
  function transferFrom(address from, address to, uint256 value) external returns (bool success);
}
