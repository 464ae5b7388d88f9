// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {AggregatorV3Interface} from "../interfaces/AggregatorV3Interface.sol";

/// @title SequencerAwarePriceReader
/// @notice An example of reading a price feed on an L2 safely. Before it trusts a price it asks the
/// L2 sequencer uptime feed whether the sequencer is up (answer 0) and has been up for longer than
/// a grace period. While the sequencer is down, users cannot reach the chain (only those who can
/// force transactions through L1 can), and prices stop updating without looking stale; just after it
/// comes back, users need time to react (e.g. top up collateral) before a protocol liquidates them.
/// @dev The grace period is measured from the uptime feed's `startedAt`, the L1 time at which the
/// sequencer's current status began, and never from `updatedAt`, which only says when this L2
/// last heard a status message (the same status can be re-sent at any time). The uptime feed has
/// no heartbeat (it changes only with the status), so it gets no staleness check; the price does.
contract SequencerAwarePriceReader {
  /// @notice The uptime feed says the sequencer is down (any answer other than 0), since `since`.
  error SequencerDown(int256 answer, uint256 since);
  /// @notice The sequencer came back up at `upSince`; prices are refused until `upSince + gracePeriod`
  /// has passed.
  error GracePeriodNotOver(uint256 upSince, uint256 gracePeriod, uint256 currentTime);
  /// @notice The uptime feed returned no status (`startedAt` is 0; an Arbitrum feed's answer for a
  /// round it never recorded).
  error SequencerStatusUnknown();
  /// @notice The price was last updated more than `heartbeat` seconds ago.
  error StalePrice(uint256 updatedAt, uint256 heartbeat, uint256 currentTime);
  /// @notice The price is zero or negative.
  error NonPositivePrice(int256 answer);
  /// @notice A feed address is zero, or the heartbeat is zero.
  error InvalidReaderSettings();

  /// @notice The price feed's proxy.
  AggregatorV3Interface public immutable priceFeed;
  /// @notice The L2 sequencer uptime feed's proxy.
  AggregatorV3Interface public immutable sequencerUptimeFeed;
  /// @notice Seconds after the sequencer comes back up during which prices are refused.
  uint256 public immutable gracePeriod;
  /// @notice Longest accepted age of a price, in seconds.
  uint256 public immutable heartbeat;

  /// @param priceFeed_ The price feed's proxy.
  /// @param sequencerUptimeFeed_ The sequencer uptime feed's proxy.
  /// @param gracePeriodSeconds The grace period (Chainlink's example uses 3600).
  /// @param heartbeatSeconds The price feed's heartbeat; must be non-zero.
  constructor(
    AggregatorV3Interface priceFeed_,
    AggregatorV3Interface sequencerUptimeFeed_,
    uint256 gracePeriodSeconds,
    uint256 heartbeatSeconds
  ) {
    if (address(priceFeed_) == address(0) || address(sequencerUptimeFeed_) == address(0) || heartbeatSeconds == 0) {
      revert InvalidReaderSettings();
    }
    priceFeed = priceFeed_;
    sequencerUptimeFeed = sequencerUptimeFeed_;
    gracePeriod = gracePeriodSeconds;
    heartbeat = heartbeatSeconds;
  }

  /// @notice Reverts unless the sequencer is up and has been for longer than the grace period.
  /// @return upSince The L1 time at which the sequencer came back up.
  function checkSequencer() public view returns (uint256 upSince) {
    (, int256 answer, uint256 startedAt, , ) = sequencerUptimeFeed.latestRoundData();
    if (startedAt == 0) revert SequencerStatusUnknown();
    if (answer != 0) revert SequencerDown(answer, startedAt);
    // A start time ahead of this block (an L1 clock ahead of the L2's) counts as "just now":
    // still in the grace period, and no underflow.
    if (startedAt >= block.timestamp || block.timestamp - startedAt <= gracePeriod) {
      revert GracePeriodNotOver(startedAt, gracePeriod, block.timestamp);
    }
    return startedAt;
  }

  /// @notice The latest price, once the sequencer checks pass; reverts with one of this
  /// contract's errors when it should not be used.
  /// @return price The price, with the price feed's decimals.
  /// @return updatedAt When the price was stored on chain.
  function latestPrice() external view returns (int256 price, uint256 updatedAt) {
    checkSequencer();
    (, price, , updatedAt, ) = priceFeed.latestRoundData();
    if (updatedAt < block.timestamp && block.timestamp - updatedAt > heartbeat) {
      revert StalePrice(updatedAt, heartbeat, block.timestamp);
    }
    if (price <= 0) revert NonPositivePrice(price);
  }
}
