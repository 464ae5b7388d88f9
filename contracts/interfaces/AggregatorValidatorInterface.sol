// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

/// @title AggregatorValidatorInterface
/// @notice Called by an aggregator after every new answer, e.g. to raise a flag on large jumps.
interface AggregatorValidatorInterface {
  /// @notice Inspect a new answer against the previous one.
  /// @return True if the answer is considered valid. Aggregators ignore the result.
  function validate(uint256 previousRoundId, int256 previousAnswer, uint256 currentRoundId, int256 currentAnswer)
    external
    returns (bool);
}
