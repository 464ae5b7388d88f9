// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

/// @title AggregatorInterface
/// @notice The legacy (V2) read API of a Chainlink price feed. Kept so that consumers written
/// against `latestAnswer`/`getAnswer` keep working.
interface AggregatorInterface {
  /// @notice Emitted whenever a new answer is stored.
  event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);

  /// @notice Emitted when a new round starts. OCR aggregators emit it with `startedBy = address(0)`.
  event NewRound(uint256 indexed roundId, address indexed startedBy, uint256 startedAt);

  /// @notice The answer of the latest round, or 0 before the first one.
  function latestAnswer() external view returns (int256);

  /// @notice The block timestamp at which the latest answer was stored.
  function latestTimestamp() external view returns (uint256);

  /// @notice The id of the latest round.
  function latestRound() external view returns (uint256);

  /// @notice The answer stored for `roundId`, or 0 if there is none.
  function getAnswer(uint256 roundId) external view returns (int256);

  /// @notice The timestamp stored for `roundId`, or 0 if there is none.
  function getTimestamp(uint256 roundId) external view returns (uint256);
}
