// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {AggregatorValidatorInterface} from "../interfaces/AggregatorValidatorInterface.sol";

/// @title TestValidator
/// @notice Test-only validator: records every call, can burn a set amount of gas (to probe the
/// aggregator's exact-gas rule) and can be told to revert (which the aggregator must ignore).
contract TestValidator is AggregatorValidatorInterface {
  uint256 public lastPreviousRoundId;
  int256 public lastPreviousAnswer;
  uint256 public lastCurrentRoundId;
  int256 public lastCurrentAnswer;
  /// @notice Number of validate calls that completed.
  uint256 public callCount;
  /// @notice If non-zero, validate keeps looping until at least this much gas has been used.
  uint256 public minGasUse;
  /// @notice If true, validate reverts.
  bool public shouldRevert;

  /// @param gasLeft gasleft() on entry to validate
  event Validated(
    uint256 previousRoundId,
    int256 previousAnswer,
    uint256 currentRoundId,
    int256 currentAnswer,
    uint256 gasLeft
  );

  /// @notice Make each validate call burn at least `gasAmount` gas.
  function setMinGasUse(uint256 gasAmount) external {
    minGasUse = gasAmount;
  }

  /// @notice Make validate revert (true) or return normally (false).
  function setShouldRevert(bool value) external {
    shouldRevert = value;
  }

  /// @inheritdoc AggregatorValidatorInterface
  function validate(
    uint256 previousRoundId,
    int256 previousAnswer,
    uint256 currentRoundId,
    int256 currentAnswer
  ) external override returns (bool) {
    uint256 gasAtEntry = gasleft();
    require(!shouldRevert, "TestValidator: told to revert");
    lastPreviousRoundId = previousRoundId;
    lastPreviousAnswer = previousAnswer;
    lastCurrentRoundId = currentRoundId;
    lastCurrentAnswer = currentAnswer;
    callCount += 1;
    emit Validated(previousRoundId, previousAnswer, currentRoundId, currentAnswer, gasAtEntry);
    uint256 target = minGasUse;
    if (target != 0) {
      while (gasAtEntry - gasleft() < target) {}
    }
    return true;
  }
}
