// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {AggregatorV2V3Interface} from "../interfaces/AggregatorV2V3Interface.sol";
import {TypeAndVersionInterface} from "../interfaces/TypeAndVersionInterface.sol";
import {SimpleReadAccessController} from "../SimpleReadAccessController.sol";

/// @title SequencerUptimeFeedBase
/// @notice What the Optimism and Arbitrum sequencer uptime feeds share: the constant feed metadata
/// (0 decimals, version 1, one description), the L1 address whose messages the feed accepts, the
/// 0 = up / 1 = down answer encoding, and read access control. Reads are allowed to externally
/// owned accounts (so every off-chain `eth_call` works) and to listed contracts, normally the
/// feed's proxy.
/// @dev Storage after the access controller's slots is `s_l1Sender`, then the concrete feed's own
/// state, which keeps the layout of Chainlink's feeds in the Chainlink contracts package 0.8.0 (`l2ep/dev`).
abstract contract SequencerUptimeFeedBase is
  AggregatorV2V3Interface,
  TypeAndVersionInterface,
  SimpleReadAccessController
{
  /// @notice The caller is not the bridge delivering a message from the configured L1 sender.
  error InvalidSender();
  /// @notice The round asked for was never recorded.
  error NoDataPresent();

  /// @notice The L1 address whose messages may update the status changed from `from` to `to`.
  event L1SenderTransferred(address indexed from, address indexed to);
  /// @notice A status message was not recorded: it is older than the latest status change (or,
  /// on Arbitrum, repeats the current status).
  event UpdateIgnored(bool latestStatus, uint64 latestTimestamp, bool incomingStatus, uint64 incomingTimestamp);

  /// @notice Answers are whole numbers: 0 (sequencer up) or 1 (sequencer down).
  uint8 public constant override decimals = 0;
  /// @notice The description every Chainlink uptime feed reports.
  string public constant override description = "L2 Sequencer Uptime Status Feed";
  /// @notice The aggregator interface version.
  uint256 public constant override version = 1;

  address private s_l1Sender;

  /// @param l1SenderAddress The L1 address whose messages, delivered by the bridge, update the status.
  constructor(address l1SenderAddress) {
    _setL1Sender(l1SenderAddress);
  }

  /// @notice The L1 address whose messages may update the status (address 0: none).
  function l1Sender() public view virtual returns (address) {
    return s_l1Sender;
  }

  /// @notice Accept status messages from `to` from now on; address 0 stops all updates. Only the
  /// owner may call this. Emits L1SenderTransferred when the sender changes.
  /// @param to The new L1 sender.
  function transferL1Sender(address to) external virtual onlyOwner {
    _setL1Sender(to);
  }

  function _setL1Sender(address to) private {
    address from = s_l1Sender;
    if (from != to) {
      s_l1Sender = to;
      emit L1SenderTransferred(from, to);
    }
  }

  /// @dev true (down) is 1 and false (up) is 0, the answers consumers compare against.
  /// Gas: returning the bool's word directly instead of `down ? 1 : 0` saved about 60 gas per
  /// status change and 130 per `latestRoundData` read through the proxy (measured with solc 0.8.30,
  /// 1000 optimizer runs). Safe because a `bool` on the stack is always exactly 0 or 1: the ABI
  /// decoder rejects other calldata values and storage reads are masked to one bit.
  function _answerOf(bool down) internal pure returns (int256 answer) {
    assembly ("memory-safe") {
      answer := down
    }
  }

  /// @dev A round id names a recorded round when it is between 1 and the latest round id.
  function _isRecorded(uint256 roundId, uint80 latestRoundId) internal pure returns (bool) {
    return roundId != 0 && roundId <= latestRoundId;
  }

  // ---------------------------------------------------------------------------------------------
  // Reads. Both feeds answer every read from their latest round or a recorded round; they differ
  // only in what a round holds and in what happens before the first round (Arbitrum reverts
  // Uninitialized) or for a round never recorded (Arbitrum reads zeros, Optimism reverts
  // NoDataPresent), which `_latestRound` and `_roundAt` decide.

  /// @dev The latest round: its id, its status (true: down), the L1 time the status began and
  /// when the feed last recorded it.
  function _latestRound()
    internal
    view
    virtual
    returns (uint80 roundId, bool status, uint64 startedAt, uint64 updatedAt);

  /// @dev Round `roundId`: its status and times, or the feed's answer for a round never recorded.
  function _roundAt(uint256 roundId) internal view virtual returns (bool status, uint64 startedAt, uint64 updatedAt);

  /// @notice The latest status: 0 (up) or 1 (down). Like every latest* read, reverts
  /// Uninitialized on Arbitrum before `initialize()`.
  function latestAnswer() external view override checkAccess returns (int256) {
    (, bool status, , ) = _latestRound();
    return _answerOf(status);
  }

  /// @notice The L1 time of the latest status change (the latest round's `startedAt`).
  function latestTimestamp() external view override checkAccess returns (uint256) {
    (, , uint64 startedAt, ) = _latestRound();
    return startedAt;
  }

  /// @notice The id of the latest round (1 + the number of status changes).
  function latestRound() external view override checkAccess returns (uint256) {
    (uint80 roundId, , , ) = _latestRound();
    return roundId;
  }

  /// @notice The status of round `roundId`: 0 (up) or 1 (down). Like every per-round read, for a
  /// round never recorded it reads as 0 on Arbitrum (after `initialize()`) and reverts
  /// NoDataPresent on Optimism.
  /// @param roundId The round id.
  function getAnswer(uint256 roundId) external view override checkAccess returns (int256) {
    (bool status, , ) = _roundAt(roundId);
    return _answerOf(status);
  }

  /// @notice The L1 time at which round `roundId`'s status began.
  /// @param roundId The round id.
  function getTimestamp(uint256 roundId) external view override checkAccess returns (uint256) {
    (, uint64 startedAt, ) = _roundAt(roundId);
    return startedAt;
  }

  /// @notice Round `_roundId` (a round never recorded: see getAnswer).
  /// @param _roundId The round id.
  /// @return roundId `_roundId`.
  /// @return answer 0 (up) or 1 (down).
  /// @return startedAt The L1 time at which this status began.
  /// @return updatedAt When the feed last recorded this status in this round.
  /// @return answeredInRound `_roundId`.
  function getRoundData(uint80 _roundId)
    external
    view
    override
    checkAccess
    returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
  {
    (bool status, uint64 started, uint64 updated) = _roundAt(_roundId);
    return (_roundId, _answerOf(status), started, updated, _roundId);
  }

  /// @notice The latest round.
  /// @return roundId The latest round id.
  /// @return answer 0 (up) or 1 (down).
  /// @return startedAt The L1 time of the latest status change: start grace periods from this.
  /// @return updatedAt When the feed last recorded the latest status.
  /// @return answeredInRound The latest round id.
  function latestRoundData()
    external
    view
    override
    checkAccess
    returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
  {
    (uint80 latestRoundId, bool status, uint64 started, uint64 updated) = _latestRound();
    return (latestRoundId, _answerOf(status), started, updated, latestRoundId);
  }
}
