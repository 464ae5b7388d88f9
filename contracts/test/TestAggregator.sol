// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {AggregatorV2V3Interface} from "../interfaces/AggregatorV2V3Interface.sol";

/// @title TestAggregator
/// @notice A V2V3 aggregator whose rounds a test writes directly, so proxy tests can place answers
/// at any round id without running oracles. Not access controlled: test code only.
/// @dev Unknown rounds follow one of the two conventions real aggregators use, chosen with
/// `setRevertOnMissingRound`: revert `No data present` (FluxAggregator, the default) or return
/// zero data under the requested id (OffchainAggregator). The V2 getters return 0 for unknown rounds either way.
contract TestAggregator is AggregatorV2V3Interface {
  struct Round {
    int256 answer;
    uint256 startedAt;
    uint256 updatedAt;
    uint80 answeredInRound;
    bool exists;
  }

  uint8 public immutable override decimals;
  uint256 public immutable override version;
  string public override description;

  /// @notice The round `latestRound`, `latestAnswer` and `latestRoundData` report.
  uint80 public latestRoundId;
  /// @notice Whether `getRoundData`/`latestRoundData` revert for rounds never set (else zeros).
  bool public revertOnMissingRound = true;

  mapping(uint80 => Round) private s_rounds;

  constructor(uint8 decimals_, string memory description_, uint256 version_) {
    decimals = decimals_;
    description = description_;
    version = version_;
  }

  /// @notice Store a round (answeredInRound = id) and make it the latest one.
  function setRound(uint80 id, int256 answer, uint256 startedAt, uint256 updatedAt) external {
    s_rounds[id] = Round(answer, startedAt, updatedAt, id, true);
    latestRoundId = id;
    emit AnswerUpdated(answer, id, updatedAt);
  }

  /// @notice Store a round whose answer was carried over from round `answeredInRound`, without
  /// changing the latest round (FluxAggregator does this for timed-out rounds).
  function setStaleRound(uint80 id, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    external
  {
    s_rounds[id] = Round(answer, startedAt, updatedAt, answeredInRound, true);
  }

  /// @notice Point the latest round at `id`, whether or not it was stored.
  function setLatestRound(uint80 id) external {
    latestRoundId = id;
  }

  /// @notice Choose how unknown rounds behave in the V3 getters (see the contract notes).
  function setRevertOnMissingRound(bool revertOnMissing) external {
    revertOnMissingRound = revertOnMissing;
  }

  /// @notice The latest round's answer, 0 if it was never stored.
  function latestAnswer() external view returns (int256) {
    return s_rounds[latestRoundId].answer;
  }

  /// @notice The latest round's update time, 0 if it was never stored.
  function latestTimestamp() external view returns (uint256) {
    return s_rounds[latestRoundId].updatedAt;
  }

  /// @notice The latest round id.
  function latestRound() external view returns (uint256) {
    return latestRoundId;
  }

  /// @notice The answer of round `roundId`, 0 if unknown or too large for this aggregator's ids.
  function getAnswer(uint256 roundId) external view returns (int256) {
    if (roundId > type(uint80).max) return 0;
    return s_rounds[uint80(roundId)].answer;
  }

  /// @notice The update time of round `roundId`, 0 if unknown or too large for this aggregator's ids.
  function getTimestamp(uint256 roundId) external view returns (uint256) {
    if (roundId > type(uint80).max) return 0;
    return s_rounds[uint80(roundId)].updatedAt;
  }

  /// @notice Data of round `roundId`; unknown rounds revert or return zeros (see above).
  function getRoundData(uint80 roundId) public view returns (uint80, int256, uint256, uint256, uint80) {
    Round memory round = s_rounds[roundId];
    if (!round.exists) {
      require(!revertOnMissingRound, "No data present");
      // OffchainAggregator echoes the id it was asked for around an all-zero transmission.
      return (roundId, 0, 0, 0, roundId);
    }
    return (roundId, round.answer, round.startedAt, round.updatedAt, round.answeredInRound);
  }

  /// @notice Data of the latest round, with the same unknown-round behaviour as `getRoundData`.
  function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
    return getRoundData(latestRoundId);
  }
}
