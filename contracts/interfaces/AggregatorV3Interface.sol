// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

/// @title AggregatorV3Interface
/// @notice The read API that current Chainlink price-feed consumers use.
interface AggregatorV3Interface {
  /// @notice How many decimals the answers carry.
  function decimals() external view returns (uint8);

  /// @notice A human-readable name of the feed, e.g. "ETH / USD".
  function description() external view returns (string memory);

  /// @notice The version of the aggregator implementation.
  function version() external view returns (uint256);

  /// @notice Data of a given round.
  /// @return roundId The round id asked for.
  /// @return answer The answer of that round.
  /// @return startedAt When the round started.
  /// @return updatedAt When the answer was stored.
  /// @return answeredInRound The round in which the answer was computed.
  function getRoundData(uint80 _roundId)
    external
    view
    returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);

  /// @notice Data of the latest round, with the same fields as `getRoundData`.
  function latestRoundData()
    external
    view
    returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
}
