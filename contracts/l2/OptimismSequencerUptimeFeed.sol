// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {IL2CrossDomainMessenger} from "./IL2CrossDomainMessenger.sol";
import {SequencerUptimeFeedBase} from "./SequencerUptimeFeedBase.sol";

/// @title OptimismSequencerUptimeFeed
/// @notice The L2 sequencer uptime feed of an OP Stack chain (Optimism, Base and others). Answer
/// 0 means the sequencer is up, 1 that it is down. A status message is sent on L1 and reaches this
/// contract through the L2 cross-domain messenger; only messages from the configured L1 sender are
/// accepted. Each status change starts a new round whose `startedAt` is the L1 time the message
/// carries and whose `updatedAt` is when this L2 recorded it; a message that repeats the current
/// status only moves `updatedAt`; a message older than the latest change is ignored.
/// @dev Behaves like Chainlink's `OptimismSequencerUptimeFeed 1.0.0` in the Chainlink contracts
/// package 0.8.0 (`l2ep/dev/optimism`): same ABI, events, errors, round ids and typeAndVersion. Round 1 is
/// recorded at deployment with the initial status.
contract OptimismSequencerUptimeFeed is SequencerUptimeFeedBase {
  /// @dev One recorded round; fits one storage slot.
  struct Round {
    bool status;
    uint64 startedAt;
    uint64 updatedAt;
  }

  /// @dev The latest round, kept apart from `s_rounds` so that `latestRoundData` and
  /// `updateStatus` read one slot (80 + 8 + 64 + 64 bits) instead of two.
  struct FeedState {
    uint80 latestRoundId;
    bool latestStatus;
    uint64 startedAt;
    uint64 updatedAt;
  }

  /// @notice A status message repeated the current status: the latest round's `updatedAt` moved.
  event RoundUpdated(int256 status, uint64 updatedAt);

  FeedState private s_feedState;
  mapping(uint80 roundId => Round round) private s_rounds;

  IL2CrossDomainMessenger private immutable i_messenger;

  /// @param l1SenderAddress The L1 address whose messages update the status.
  /// @param l2CrossDomainMessengerAddr The L2 cross-domain messenger that delivers them.
  /// @param initialStatus The status of round 1 (true: down).
  constructor(address l1SenderAddress, address l2CrossDomainMessengerAddr, bool initialStatus)
    SequencerUptimeFeedBase(l1SenderAddress)
  {
    i_messenger = IL2CrossDomainMessenger(l2CrossDomainMessengerAddr);
    _recordRound(1, initialStatus, uint64(block.timestamp));
  }

  /// @notice "OptimismSequencerUptimeFeed 1.0.0".
  function typeAndVersion() external pure virtual override returns (string memory) {
    return "OptimismSequencerUptimeFeed 1.0.0";
  }

  /// @notice Record a status message sent on L1. Only the L2 cross-domain messenger may call this,
  /// while relaying a message whose L1 sender is `l1Sender()`; anything else reverts InvalidSender.
  /// A message older than the latest status change emits UpdateIgnored; one that repeats the
  /// current status moves the latest round's `updatedAt` (RoundUpdated); a change starts the next
  /// round (NewRound, AnswerUpdated).
  /// @param status The sequencer status the message reports (true: down).
  /// @param timestamp The L1 block time at which the message was sent.
  function updateStatus(bool status, uint64 timestamp) external {
    FeedState memory feedState = s_feedState;
    if (msg.sender != address(i_messenger) || i_messenger.xDomainMessageSender() != l1Sender()) {
      revert InvalidSender();
    }
    // Equal times are not "older": a change sent in the same L1 block as the latest one counts.
    if (timestamp < feedState.startedAt) {
      emit UpdateIgnored(feedState.latestStatus, feedState.startedAt, status, timestamp);
      return;
    }
    if (status == feedState.latestStatus) {
      uint64 updatedAt = uint64(block.timestamp);
      s_rounds[feedState.latestRoundId].updatedAt = updatedAt;
      s_feedState.updatedAt = updatedAt;
      emit RoundUpdated(_answerOf(status), updatedAt);
    } else {
      _recordRound(feedState.latestRoundId + 1, status, timestamp);
    }
  }

  /// @dev Stores round `roundId` as the latest, started at L1 time `startedAt` and recorded now.
  function _recordRound(uint80 roundId, bool status, uint64 startedAt) private {
    uint64 updatedAt = uint64(block.timestamp);
    s_rounds[roundId] = Round(status, startedAt, updatedAt);
    s_feedState = FeedState(roundId, status, startedAt, updatedAt);
    emit NewRound(roundId, msg.sender, startedAt);
    emit AnswerUpdated(_answerOf(status), roundId, startedAt);
  }

  /// @dev The latest round (round 1 exists from deployment on).
  function _latestRound()
    internal
    view
    override
    returns (uint80 roundId, bool status, uint64 startedAt, uint64 updatedAt)
  {
    // A storage pointer, not a memory copy: the optimizer reads the one slot once either way, and
    // skipping the copy keeps these reads as cheap as when each feed had its own (~200 gas).
    FeedState storage feedState = s_feedState;
    return (feedState.latestRoundId, feedState.latestStatus, feedState.startedAt, feedState.updatedAt);
  }

  /// @dev Round `roundId`; reverts NoDataPresent for a round never recorded.
  function _roundAt(uint256 roundId) internal view override returns (bool status, uint64 startedAt, uint64 updatedAt) {
    if (!_isRecorded(roundId, s_feedState.latestRoundId)) revert NoDataPresent();
    Round storage round = s_rounds[uint80(roundId)];
    return (round.status, round.startedAt, round.updatedAt);
  }
}
