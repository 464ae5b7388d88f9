// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {LinkToken} from "../LinkToken.sol";

/// @title ToggleLinkToken
/// @notice Test-only LINK: anyone can mint, and `transfer` can be switched to move nothing and
/// return false. The real LINK reverts instead, so only this token reaches the aggregator's
/// "insufficient funds" and "transfer remaining funds failed" branches.
contract ToggleLinkToken is LinkToken {
  /// @notice While true, `transfer` returns false without moving tokens.
  bool public transfersReturnFalse;

  /// @notice Mint `amount` to `to`. Open to anyone: this is a test token.
  function mint(address to, uint256 amount) external {
    _mint(to, amount);
  }

  /// @notice Make `transfer` fail by returning false (true) or behave normally (false).
  function setTransfersReturnFalse(bool value) external {
    transfersReturnFalse = value;
  }

  /// @notice ERC-20 transfer, or a no-op returning false while transfersReturnFalse is set.
  function transfer(address to, uint256 value) public virtual override returns (bool) {
    if (transfersReturnFalse) return false;
    return super.transfer(to, value);
  }
}
