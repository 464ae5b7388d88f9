// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {FlagsInterface} from "./FlagsInterface.sol";
import {SequencerUptimeFeedBase} from "./SequencerUptimeFeedBase.sol";

/// @title ArbitrumSequencerUptimeFeed
/// @notice The L2 sequencer uptime feed of an Arbitrum chain. Answer 0 means the sequencer is up,
/// 1 that it is down. A status message is sent on L1 as a retryable ticket, so on L2 it arrives
/// from the L1 sender's *aliased* address (L1 address + 0x1111000000000000000000000000000000001111);
/// no other caller is accepted. Only a change of status is recorded: it starts a new round whose
/// `startedAt` and `updatedAt` are both the L1 time the message carries. A message that repeats
/// the current status, or is older than the latest change, is ignored. Each change also raises
/// (down) or lowers (up) the flag `FLAG_L2_SEQ_OFFLINE` on the `FLAGS` contract.
/// @dev Behaves like Chainlink's `ArbitrumSequencerUptimeFeed 1.0.0` in the Chainlink contracts
/// package 0.8.0 (`l2ep/dev/arbitrum`): same ABI, events, errors, round ids and typeAndVersion. Deploy, allow the
/// feed to read, raise and lower flags on `FLAGS`, then call `initialize()` to record round 1 from
/// the current flag; until then every read and update reverts Uninitialized. Unlike the Optimism
/// feed, a round that was never recorded reads as zeros instead of reverting.
contract ArbitrumSequencerUptimeFeed is SequencerUptimeFeedBase {
  /// @dev One recorded round; fits one storage slot.
  struct Round {
    bool status;
    uint64 timestamp;
  }

  /// @dev The latest round in one slot (80 + 8 + 64 bits).
  struct FeedState {
    uint80 latestRoundId;
    bool latestStatus;
    uint64 latestTimestamp;
  }

  /// @notice `initialize()` has not been called yet.
  error Uninitialized();
  /// @notice `initialize()` was already called.
  error AlreadyInitialized();

  /// @notice Round 1 was recorded by `initialize()`.
  event Initialized();

  /// @notice The flag raised on `FLAGS` while the sequencer is down: the address made of the last
  /// 20 bytes of keccak256("chainlink.flags.arbitrum-seq-offline") - 1 (an EIP-1967-style slot).
  address public constant FLAG_L2_SEQ_OFFLINE =
    address(bytes20(bytes32(uint256(keccak256("chainlink.flags.arbitrum-seq-offline")) - 1)));

  /// @dev Arbitrum adds this to an L1 contract's address to form its sender address on L2.
  uint160 private constant L1_TO_L2_ALIAS_OFFSET = uint160(0x1111000000000000000000000000000000001111);

  /// @notice The Flags contract this feed raises and lowers `FLAG_L2_SEQ_OFFLINE` on.
  FlagsInterface public immutable FLAGS;

  FeedState private s_feedState;
  mapping(uint80 roundId => Round round) private s_rounds;

  /// @param flagsAddress The Flags contract.
  /// @param l1SenderAddress The L1 address whose messages update the status.
  constructor(address flagsAddress, address l1SenderAddress) SequencerUptimeFeedBase(l1SenderAddress) {
    FLAGS = FlagsInterface(flagsAddress);
  }

  /// @notice Record round 1 with the status the flag shows now, at this block's time. Only the
  /// owner, once (AlreadyInitialized afterwards). The feed must be allowed to read `FLAGS`.
  /// @dev Not done in the constructor because `FLAGS` can only list the feed once it exists.
  function initialize() external onlyOwner {
    if (s_feedState.latestRoundId != 0) revert AlreadyInitialized();
    _recordRound(1, FLAGS.getFlag(FLAG_L2_SEQ_OFFLINE), uint64(block.timestamp));
    emit Initialized();
  }

  /// @notice "ArbitrumSequencerUptimeFeed 1.0.0".
  function typeAndVersion() external pure virtual override returns (string memory) {
    return "ArbitrumSequencerUptimeFeed 1.0.0";
  }

  /// @notice The address the L1 sender's messages arrive from on L2 (its Arbitrum alias).
  function aliasedL1MessageSender() public view returns (address) {
    unchecked {
      // Wraps modulo 2^160 for addresses near the top, as Arbitrum's aliasing does.
      return address(uint160(l1Sender()) + L1_TO_L2_ALIAS_OFFSET);
    }
  }

  /// @notice Record a status message sent on L1. Reverts Uninitialized before `initialize()`, and
  /// InvalidSender unless the caller is `aliasedL1MessageSender()`. A message that repeats the
  /// current status or is older than the latest change emits UpdateIgnored; a change starts the
  /// next round (NewRound, AnswerUpdated) and raises or lowers the flag on `FLAGS`.
  /// @param status The sequencer status the message reports (true: down).
  /// @param timestamp The L1 block time at which the message was sent.
  function updateStatus(bool status, uint64 timestamp) external {
    FeedState memory feedState = s_feedState;
    _requireInitialized(feedState.latestRoundId);
    if (msg.sender != aliasedL1MessageSender()) revert InvalidSender();
    if (status == feedState.latestStatus || timestamp < feedState.latestTimestamp) {
      emit UpdateIgnored(feedState.latestStatus, feedState.latestTimestamp, status, timestamp);
      return;
    }
    _recordRound(feedState.latestRoundId + 1, status, timestamp);
    if (status) FLAGS.raiseFlag(FLAG_L2_SEQ_OFFLINE);
    else FLAGS.lowerFlag(FLAG_L2_SEQ_OFFLINE);
  }

  function _recordRound(uint80 roundId, bool status, uint64 timestamp) private {
    s_rounds[roundId] = Round(status, timestamp);
    s_feedState = FeedState(roundId, status, timestamp);
    emit NewRound(roundId, msg.sender, timestamp);
    emit AnswerUpdated(_answerOf(status), roundId, timestamp);
  }

  function _requireInitialized(uint80 latestRoundId) private pure {
    if (latestRoundId == 0) revert Uninitialized();
  }

  /// @dev The latest round; reverts Uninitialized before `initialize()`. A round starts and is
  /// updated at the same L1 time here.
  function _latestRound()
    internal
    view
    override
    returns (uint80 roundId, bool status, uint64 startedAt, uint64 updatedAt)
  {
    FeedState storage feedState = s_feedState;
    _requireInitialized(feedState.latestRoundId);
    return (feedState.latestRoundId, feedState.latestStatus, feedState.latestTimestamp, feedState.latestTimestamp);
  }

  /// @dev Round `roundId`; reverts Uninitialized before `initialize()`, and reads as zeros
  /// (status up, times 0) for a round never recorded.
  function _roundAt(uint256 roundId) internal view override returns (bool status, uint64 startedAt, uint64 updatedAt) {
    uint80 latestRoundId = s_feedState.latestRoundId;
    _requireInitialized(latestRoundId);
    if (!_isRecorded(roundId, latestRoundId)) return (false, 0, 0);
    Round storage round = s_rounds[uint80(roundId)];
    return (round.status, round.timestamp, round.timestamp);
  }
}
