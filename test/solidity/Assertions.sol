// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {CHEATCODE_ADDRESS, Cheatcodes} from "../../contracts/testing/Cheatcodes.sol";

/// @notice Equality checks whose failure message shows both values, for the example Solidity
/// tests (the kit itself ships no assertion library).
abstract contract Assertions {
  Cheatcodes internal constant vm = Cheatcodes(CHEATCODE_ADDRESS);

  function assertEq(int256 actual, int256 expected, string memory what) internal pure {
    if (actual != expected) {
      revert(string.concat(what, ": got ", vm.toString(actual), ", expected ", vm.toString(expected)));
    }
  }

  function assertEq(uint256 actual, uint256 expected, string memory what) internal pure {
    if (actual != expected) {
      revert(string.concat(what, ": got ", vm.toString(actual), ", expected ", vm.toString(expected)));
    }
  }

  function assertEq(address actual, address expected, string memory what) internal pure {
    if (actual != expected) revert(string.concat(what, ": addresses differ"));
  }

  function assertEq(string memory actual, string memory expected, string memory what) internal pure {
    if (keccak256(bytes(actual)) != keccak256(bytes(expected))) {
      revert(string.concat(what, ": got \"", actual, "\", expected \"", expected, "\""));
    }
  }

  function assertTrue(bool condition, string memory what) internal pure {
    if (!condition) revert(what);
  }

  /// @dev A list of observations, for brevity.
  function values(int192 a, int192 b, int192 c, int192 d) internal pure returns (int192[] memory list) {
    list = new int192[](4);
    (list[0], list[1], list[2], list[3]) = (a, b, c, d);
  }
}
