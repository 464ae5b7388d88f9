// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice What ERC-677 `transferAndCall` calls on a receiving contract.
interface ERC677Receiver {
  /// @notice Called by the token after `sender` moved `value` to this contract with `data`.
  function onTokenTransfer(address sender, uint256 value, bytes calldata data) external;
}

/// @title LinkToken
/// @notice A LINK token for local chains and tests: an ERC-20 named "ChainLink Token" ("LINK",
/// 18 decimals) whose whole supply of 1e27 goes to the deployer, plus what Chainlink contracts
/// call on LINK beyond ERC-20: ERC-677 `transferAndCall` and the legacy
/// `increaseApproval`/`decreaseApproval`. ABI-compatible with LinkTokenInterface.
contract LinkToken is ERC20 {
  /// @notice 1e9 LINK with 18 decimals, as on mainnet.
  uint256 public constant TOTAL_SUPPLY = 1e27;

  /// @notice ERC-677's transfer event, emitted by transferAndCall after the ERC-20 one.
  event Transfer(address indexed from, address indexed to, uint256 value, bytes data);

  constructor() ERC20("ChainLink Token", "LINK") {
    _mint(msg.sender, TOTAL_SUPPLY);
  }

  /// @notice Transfer `value` to `to` and, if `to` is a contract, call its
  /// `onTokenTransfer(msg.sender, value, data)`; a revert there reverts the transfer.
  function transferAndCall(address to, uint256 value, bytes calldata data) public virtual returns (bool success) {
    _transfer(msg.sender, to, value);
    emit Transfer(msg.sender, to, value, data);
    if (to.code.length > 0) {
      ERC677Receiver(to).onTokenTransfer(msg.sender, value, data);
    }
    return true;
  }

  /// @notice Raise `spender`'s allowance by `addedValue` (the pre-ERC-20-standard spelling).
  function increaseApproval(address spender, uint256 addedValue) external returns (bool success) {
    _approve(msg.sender, spender, allowance(msg.sender, spender) + addedValue);
    return true;
  }

  /// @notice Lower `spender`'s allowance by `subtractedValue`, stopping at zero rather than
  /// reverting, as LINK does.
  function decreaseApproval(address spender, uint256 subtractedValue) external returns (bool success) {
    uint256 current = allowance(msg.sender, spender);
    _approve(msg.sender, spender, subtractedValue > current ? 0 : current - subtractedValue);
    return true;
  }
}
