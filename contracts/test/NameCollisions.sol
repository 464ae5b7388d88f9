// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

// Test-only contracts named like the plugin's L2 contracts, as a user project might have them.
// The plugin must still deploy its own (it resolves artifacts by fully qualified name).

/// @notice A user's own contract that happens to be called OptimismSequencerUptimeFeed.
contract OptimismSequencerUptimeFeed {
  /// @notice Marks this as the user's contract.
  function usersOwn() external pure returns (bool) {
    return true;
  }
}

/// @notice A user's own contract that happens to be called ArbitrumSequencerUptimeFeed.
contract ArbitrumSequencerUptimeFeed {
  /// @notice Marks this as the user's contract.
  function usersOwn() external pure returns (bool) {
    return true;
  }
}

/// @notice A user's own contract that happens to be called Flags.
contract Flags {
  /// @notice Marks this as the user's contract.
  function usersOwn() external pure returns (bool) {
    return true;
  }
}

/// @notice A user's own contract that happens to be called LocalOptimismMessenger.
contract LocalOptimismMessenger {
  /// @notice Marks this as the user's contract.
  function usersOwn() external pure returns (bool) {
    return true;
  }
}

/// @notice A user's own contract that happens to be called LocalArbitrumBridge.
contract LocalArbitrumBridge {
  /// @notice Marks this as the user's contract.
  function usersOwn() external pure returns (bool) {
    return true;
  }
}
