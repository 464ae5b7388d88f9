// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {AggregatorV3Interface} from "../interfaces/AggregatorV3Interface.sol";

/// @title PriceConsumer
/// @notice An example of reading a Chainlink-style price feed safely. It reads the feed's proxy
/// (never an aggregator directly, so it keeps working when the aggregator is upgraded) and refuses
/// an answer that a protocol should not act on: a round that was never completed, an answer older
/// than the feed's heartbeat, and an answer that is zero, negative or outside the range the
/// deployer considers plausible. Each refusal is a custom error carrying the offending values.
/// @dev Stateless apart from immutables: every read goes to the feed, so the checks always apply
/// to the answer being returned.
contract PriceConsumer {
  /// @notice The feed reported a round that has no answer yet (`updatedAt` is 0).
  error RoundNotComplete(uint80 roundId);
  /// @notice The answer was carried over from an earlier round (`answeredInRound < roundId`).
  error AnswerFromEarlierRound(uint80 roundId, uint80 answeredInRound);
  /// @notice The answer was last updated more than `heartbeat` seconds ago.
  error StalePrice(uint256 updatedAt, uint256 heartbeat, uint256 currentTime);
  /// @notice The answer is zero or negative, which no price can be.
  error NonPositivePrice(int256 answer);
  /// @notice The answer lies outside `[minPrice, maxPrice]`.
  error PriceOutOfRange(int256 answer, int256 minPrice, int256 maxPrice);
  /// @notice Constructor arguments that would make every check pass or every check fail.
  error InvalidConsumerSettings();

  /// @notice The feed read, normally an `AggregatorProxy` / `EACAggregatorProxy`.
  AggregatorV3Interface public immutable feed;
  /// @notice Longest accepted age of an answer, in seconds; set it to the feed's heartbeat.
  uint256 public immutable heartbeat;
  /// @notice Lowest accepted answer, in the feed's units (at least 1).
  int256 public immutable minPrice;
  /// @notice Highest accepted answer, in the feed's units.
  int256 public immutable maxPrice;

  /// @param feed_ The feed's proxy address.
  /// @param heartbeatSeconds The feed's heartbeat (e.g. 86400 for a 24 h feed); must be non-zero.
  /// @param minPrice_ Lowest plausible answer (> 0).
  /// @param maxPrice_ Highest plausible answer (>= minPrice_).
  constructor(AggregatorV3Interface feed_, uint256 heartbeatSeconds, int256 minPrice_, int256 maxPrice_) {
    if (address(feed_) == address(0) || heartbeatSeconds == 0 || minPrice_ <= 0 || minPrice_ > maxPrice_) {
      revert InvalidConsumerSettings();
    }
    feed = feed_;
    heartbeat = heartbeatSeconds;
    minPrice = minPrice_;
    maxPrice = maxPrice_;
  }

  /// @notice The latest answer, checked; reverts with one of this contract's errors if it should
  /// not be used.
  /// @return price The answer, with `feedDecimals()` decimals.
  /// @return roundId The round that produced it, as the proxy numbers it (phase in the high bits).
  /// @return updatedAt When it was stored on chain (seconds).
  function latestPrice() public view returns (int256 price, uint80 roundId, uint256 updatedAt) {
    uint80 answeredInRound;
    (roundId, price, , updatedAt, answeredInRound) = feed.latestRoundData();
    _checkRound(roundId, updatedAt, answeredInRound);
    _checkFreshness(updatedAt);
    _checkPrice(price);
  }

  /// @notice Value of `baseAmount` units of the base asset (18 decimals, e.g. wei of ETH) in the
  /// quote asset, with the feed's decimals; e.g. 1e18 wei at an ETH / USD answer of 2000e8 is
  /// 2000e8. Reverts like `latestPrice` when the answer should not be used.
  /// @param baseAmount Amount of the base asset with 18 decimals.
  function quote(uint256 baseAmount) external view returns (uint256) {
    (int256 price, , ) = latestPrice();
    // `price` is positive here (checked above), so the cast is exact.
    return (baseAmount * uint256(price)) / 1e18;
  }

  /// @notice The feed's decimals.
  /// @dev Read from the feed on every call rather than cached: an aggregator upgrade behind the
  /// proxy may change them.
  function feedDecimals() external view returns (uint8) {
    return feed.decimals();
  }

  /// @dev A round without a timestamp was never answered; a round whose answer comes from an
  /// earlier round holds an old value under a new id. OCR aggregators never report either, but a
  /// consumer should not depend on which aggregator sits behind the proxy.
  function _checkRound(uint80 roundId, uint256 updatedAt, uint80 answeredInRound) private pure {
    if (updatedAt == 0) revert RoundNotComplete(roundId);
    if (answeredInRound < roundId) revert AnswerFromEarlierRound(roundId, answeredInRound);
  }

  /// @dev The age is computed only when `updatedAt` is in the past, so a timestamp ahead of the
  /// block (possible only with a misbehaving feed) counts as fresh instead of panicking on
  /// underflow, and no `updatedAt + heartbeat` can overflow.
  function _checkFreshness(uint256 updatedAt) private view {
    if (updatedAt < block.timestamp && block.timestamp - updatedAt > heartbeat) {
      revert StalePrice(updatedAt, heartbeat, block.timestamp);
    }
  }

  /// @dev Non-positive first: it is the more specific error when `minPrice` would also catch it.
  function _checkPrice(int256 price) private view {
    if (price <= 0) revert NonPositivePrice(price);
    if (price < minPrice || price > maxPrice) revert PriceOutOfRange(price, minPrice, maxPrice);
  }
}
