// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title MockV3StyleAggregator
/// @notice Test-only price feed in the shape of the usual mock aggregators: anyone sets the
/// answer with `updateAnswer`, consumers read it with `latestRoundData`. The benchmark uses it as
/// the baseline a user compares an OCR round with: one cheap transaction and one view call.
contract MockV3StyleAggregator {
  /// @notice Decimals of the answers.
  uint8 public immutable decimals;
  /// @notice The round id of the latest answer; 0 before the first update.
  uint80 public latestRound;
  /// @notice The latest answer.
  int256 public latestAnswer;
  /// @notice Block timestamp of the latest update.
  uint256 public latestTimestamp;

  /// @notice Emitted on every update, as a real aggregator does.
  event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);

  /// @param decimals_ Decimals of the answers.
  /// @param initialAnswer The answer of round 1.
  constructor(uint8 decimals_, int256 initialAnswer) {
    decimals = decimals_;
    updateAnswer(initialAnswer);
  }

  /// @notice Store `answer` as a new round stamped with the current block time.
  /// @param answer The new answer.
  function updateAnswer(int256 answer) public {
    uint80 roundId = latestRound + 1;
    latestRound = roundId;
    latestAnswer = answer;
    latestTimestamp = block.timestamp;
    emit AnswerUpdated(answer, roundId, block.timestamp);
  }

  /// @notice The latest round in the AggregatorV3Interface layout (startedAt = updatedAt).
  /// @return roundId The latest round id.
  /// @return answer The latest answer.
  /// @return startedAt When the round started.
  /// @return updatedAt When the answer was set.
  /// @return answeredInRound The round the answer was computed in (roundId).
  function latestRoundData()
    external
    view
    returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
  {
    roundId = latestRound;
    return (roundId, latestAnswer, latestTimestamp, latestTimestamp, roundId);
  }
}
