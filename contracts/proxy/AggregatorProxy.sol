// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
// ABI coder v1 on purpose: Chainlink's proxy (Solidity 0.6.6) used it, and it cleans instead of
// rejecting out-of-range values, both in calldata (e.g. a uint80 round id with higher bits set is
// cut to 80 bits) and in what an aggregator returns (e.g. a uint8 `decimals` word above 255).
// Coder v2 would revert in those cases, so consumers would see a different outcome. Everything the
// proxy encodes or decodes is a value type or a string, which v1 handles fully.
pragma abicoder v1;

import {Owned} from "../access/Owned.sol";
import {ReadAccessGate} from "../access/ReadAccessGate.sol";
import {AggregatorV2V3Interface} from "../interfaces/AggregatorV2V3Interface.sol";

/// @title AggregatorProxy
/// @notice A stable feed address in front of a replaceable aggregator. Consumers keep reading from
/// the proxy while the owner swaps the aggregator behind it in two steps (`proposeAggregator`, then
/// `confirmAggregator`). Every aggregator the proxy has ever pointed to is a numbered *phase*
/// (1, 2, ...), and the proxy reports round ids as `(phaseId << 64) | aggregatorRoundId`, so ids
/// keep growing across an upgrade and old ids still resolve to the aggregator that produced them.
/// @dev Behaves like Chainlink's `AggregatorProxy` from @chainlink/contracts 0.8.0 (`src/v0.6`):
/// same ABI, return values and revert strings, and the same storage layout (Owned's two slots,
/// then the current phase packed into one slot, the proposed aggregator, the phase mapping).
/// Differences forced by Solidity 0.8 are listed in `notes/proxy.md`. The answer-bearing reads
/// pass `checkAccess` (ReadAccessGate), open here and gated in EACAggregatorProxy.
contract AggregatorProxy is AggregatorV2V3Interface, Owned, ReadAccessGate {
  /// @dev The phase a proxy currently reads from. `id` and `aggregator` share one storage slot
  /// (2 + 20 bytes), so every read path loads both with a single SLOAD.
  struct Phase {
    uint16 id;
    AggregatorV2V3Interface aggregator;
  }

  /// @dev Round ids carry the phase id in bits 64..79 and the aggregator's own round id below.
  uint256 private constant PHASE_OFFSET = 64;
  uint256 private constant PHASE_SIZE = 16;
  /// @dev The largest id that still fits the (phase, round) layout: 2^80 - 1.
  uint256 private constant MAX_ID = 2 ** (PHASE_OFFSET + PHASE_SIZE) - 1;

  Phase private s_currentPhase;

  /// @notice The aggregator the owner has proposed to switch to, or address 0 if none.
  AggregatorV2V3Interface public proposedAggregator;

  /// @notice The aggregator that served a given phase id, or address 0 for a phase that never existed.
  mapping(uint16 => AggregatorV2V3Interface) public phaseAggregators;

  /// @param _aggregator The aggregator of phase 1.
  constructor(address _aggregator) {
    _startNextPhase(_aggregator);
  }

  // ---------------------------------------------------------------------------------------------
  // Legacy (V2) reads
  // ---------------------------------------------------------------------------------------------

  /// @notice The latest answer of the current aggregator.
  /// @dev Deprecated in favour of `latestRoundData`: it cannot tell "no answer yet" (0) apart from
  /// an answer of 0.
  function latestAnswer() public view virtual override checkAccess returns (int256 answer) {
    return s_currentPhase.aggregator.latestAnswer();
  }

  /// @notice The timestamp of the current aggregator's latest answer.
  /// @dev Deprecated in favour of `latestRoundData`; returns whatever the aggregator returns,
  /// typically 0 before its first answer.
  function latestTimestamp() public view virtual override checkAccess returns (uint256 updatedAt) {
    return s_currentPhase.aggregator.latestTimestamp();
  }

  /// @notice The answer of proxy round `_roundId`, read from the aggregator of that round's phase.
  /// @dev Deprecated in favour of `getRoundData`. Returns 0 instead of reverting when `_roundId`
  /// does not fit the 80-bit (phase, round) layout or names a phase that never existed.
  /// @param _roundId A phase-encoded round id as returned by this proxy.
  function getAnswer(uint256 _roundId) public view virtual override checkAccess returns (int256 answer) {
    (AggregatorV2V3Interface phaseAggregator, uint64 aggregatorRoundId) = _legacyRound(_roundId);
    if (address(phaseAggregator) == address(0)) return 0;
    return phaseAggregator.getAnswer(aggregatorRoundId);
  }

  /// @notice The timestamp of proxy round `_roundId`, read from the aggregator of that round's phase.
  /// @dev Deprecated in favour of `getRoundData`. Returns 0 instead of reverting when `_roundId`
  /// does not fit the 80-bit (phase, round) layout or names a phase that never existed.
  /// @param _roundId A phase-encoded round id as returned by this proxy.
  function getTimestamp(uint256 _roundId) public view virtual override checkAccess returns (uint256 updatedAt) {
    (AggregatorV2V3Interface phaseAggregator, uint64 aggregatorRoundId) = _legacyRound(_roundId);
    if (address(phaseAggregator) == address(0)) return 0;
    return phaseAggregator.getTimestamp(aggregatorRoundId);
  }

  /// @notice The current aggregator's latest round id, phase-encoded.
  /// @dev Deprecated in favour of `latestRoundData`. The aggregator's id is truncated to 64 bits
  /// before the phase is added, as in Chainlink's proxy.
  function latestRound() public view virtual override checkAccess returns (uint256 roundId) {
    Phase memory current = s_currentPhase;
    return _joinRoundId(current.id, uint64(current.aggregator.latestRound()));
  }

  // ---------------------------------------------------------------------------------------------
  // V3 reads
  // ---------------------------------------------------------------------------------------------

  /// @notice Data of proxy round `_roundId`, read from the aggregator of that round's phase.
  /// @dev Reverts without a reason when `_roundId` names a phase that never existed (the call goes
  /// to address 0). The aggregator decides what happens for a round it does not know: an OCR
  /// aggregator returns zeros, a Flux aggregator reverts `No data present`. Consumers should check
  /// `updatedAt` and `answeredInRound`.
  /// @param _roundId A phase-encoded round id as returned by this proxy.
  /// @return roundId The aggregator's round id with the phase added back.
  /// @return answer The answer of that round.
  /// @return startedAt When the round started (not meaningful for every aggregator).
  /// @return updatedAt When the answer was last updated.
  /// @return answeredInRound The phase-encoded round in which the answer was computed.
  function getRoundData(uint80 _roundId)
    public
    view
    virtual
    override
    checkAccess
    returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
  {
    (uint16 phase, uint64 aggregatorRoundId) = _splitRoundId(_roundId);
    (roundId, answer, startedAt, updatedAt, answeredInRound) =
      phaseAggregators[phase].getRoundData(aggregatorRoundId);
    return _withPhase(phase, roundId, answer, startedAt, updatedAt, answeredInRound);
  }

  /// @notice Data of the current aggregator's latest round, with phase-encoded round ids.
  /// @dev Forwards the aggregator's behaviour before its first answer (an OCR aggregator returns
  /// zeros, so the proxy returns round id `phaseId << 64`). Consumers should check `updatedAt`.
  /// @return roundId The aggregator's round id with the phase added.
  /// @return answer The latest answer.
  /// @return startedAt When the round started (not meaningful for every aggregator).
  /// @return updatedAt When the answer was last updated.
  /// @return answeredInRound The phase-encoded round in which the answer was computed.
  function latestRoundData()
    public
    view
    virtual
    override
    checkAccess
    returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
  {
    Phase memory current = s_currentPhase;
    (roundId, answer, startedAt, updatedAt, answeredInRound) = current.aggregator.latestRoundData();
    return _withPhase(current.id, roundId, answer, startedAt, updatedAt, answeredInRound);
  }

  /// @notice Round data straight from the proposed aggregator, so the owner and consumers can check
  /// it before it is confirmed.
  /// @dev Reverts `No proposed aggregator present` if nothing is proposed. Ids are the proposed
  /// aggregator's own, without a phase.
  /// @param _roundId The proposed aggregator's own round id.
  /// @return roundId The round id the aggregator returned.
  /// @return answer The answer of that round.
  /// @return startedAt When the round started.
  /// @return updatedAt When the answer was last updated.
  /// @return answeredInRound The round in which the answer was computed.
  function proposedGetRoundData(uint80 _roundId)
    public
    view
    virtual
    checkAccess
    hasProposal
    returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
  {
    return proposedAggregator.getRoundData(_roundId);
  }

  /// @notice The latest round data straight from the proposed aggregator.
  /// @dev Reverts `No proposed aggregator present` if nothing is proposed. Ids are the proposed
  /// aggregator's own, without a phase.
  /// @return roundId The round id the aggregator returned.
  /// @return answer The latest answer.
  /// @return startedAt When the round started.
  /// @return updatedAt When the answer was last updated.
  /// @return answeredInRound The round in which the answer was computed.
  function proposedLatestRoundData()
    public
    view
    virtual
    checkAccess
    hasProposal
    returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
  {
    return proposedAggregator.latestRoundData();
  }

  // ---------------------------------------------------------------------------------------------
  // Metadata
  // ---------------------------------------------------------------------------------------------

  /// @notice The aggregator of the current phase.
  function aggregator() external view returns (address) {
    return address(s_currentPhase.aggregator);
  }

  /// @notice The current phase id; 1 for the constructor's aggregator, +1 per confirmed upgrade.
  function phaseId() external view returns (uint16) {
    return s_currentPhase.id;
  }

  /// @notice The number of decimals of the current aggregator's answers.
  function decimals() external view override returns (uint8) {
    return s_currentPhase.aggregator.decimals();
  }

  /// @notice The version of the current aggregator.
  function version() external view override returns (uint256) {
    return s_currentPhase.aggregator.version();
  }

  /// @notice The description of the current aggregator, e.g. "ETH / USD".
  function description() external view override returns (string memory) {
    return s_currentPhase.aggregator.description();
  }

  // ---------------------------------------------------------------------------------------------
  // Upgrades
  // ---------------------------------------------------------------------------------------------

  /// @notice Propose `_aggregator` as the next aggregator. Only the owner may call this.
  /// @dev Proposing address 0 withdraws a proposal. Nothing is checked about the address.
  /// @param _aggregator The aggregator to switch to once confirmed.
  function proposeAggregator(address _aggregator) external onlyOwner {
    proposedAggregator = AggregatorV2V3Interface(_aggregator);
  }

  /// @notice Switch to the proposed aggregator, starting a new phase. Only the owner may call this.
  /// @dev Reverts `Invalid proposed aggregator` unless `_aggregator` equals the proposal, which
  /// guards against confirming something other than what was reviewed. Confirming address 0 while
  /// nothing is proposed passes that check, as in Chainlink's proxy.
  /// @param _aggregator Must equal `proposedAggregator()`.
  function confirmAggregator(address _aggregator) external onlyOwner {
    require(_aggregator == address(proposedAggregator), "Invalid proposed aggregator");
    delete proposedAggregator;
    _startNextPhase(_aggregator);
  }

  // ---------------------------------------------------------------------------------------------
  // Internals
  // ---------------------------------------------------------------------------------------------

  /// @dev Makes `_aggregator` the current aggregator under the next phase id and records it.
  function _startNextPhase(address _aggregator) internal {
    uint16 nextPhaseId;
    // Wraps to 0 after 65535 upgrades, as Solidity 0.6 arithmetic did in Chainlink's proxy, instead
    // of making every further upgrade revert. Unreachable in practice; kept for exact parity.
    unchecked {
      nextPhaseId = s_currentPhase.id + 1;
    }
    AggregatorV2V3Interface next = AggregatorV2V3Interface(_aggregator);
    s_currentPhase = Phase(nextPhaseId, next);
    phaseAggregators[nextPhaseId] = next;
  }

  /// @dev (phaseId << 64) | aggregatorRoundId. Both parts fit 80 bits, so the cast cannot truncate.
  function _joinRoundId(uint16 phase, uint64 aggregatorRoundId) internal pure returns (uint80) {
    return uint80((uint256(phase) << PHASE_OFFSET) | aggregatorRoundId);
  }

  /// @dev Inverse of `_joinRoundId` for ids up to 2^80 - 1; higher bits are ignored by the casts.
  function _splitRoundId(uint256 roundId) internal pure returns (uint16 phase, uint64 aggregatorRoundId) {
    phase = uint16(roundId >> PHASE_OFFSET);
    aggregatorRoundId = uint64(roundId);
  }

  /// @dev Where the legacy reads (getAnswer, getTimestamp) find proxy round `roundId`: the
  /// aggregator of its phase and its id there. The aggregator is address 0, meaning "answer 0",
  /// when the id does not fit the 80-bit (phase, round) layout or names a phase that never existed.
  function _legacyRound(uint256 roundId)
    internal
    view
    returns (AggregatorV2V3Interface phaseAggregator, uint64 aggregatorRoundId)
  {
    if (roundId > MAX_ID) return (AggregatorV2V3Interface(address(0)), 0);
    uint16 phase;
    (phase, aggregatorRoundId) = _splitRoundId(roundId);
    phaseAggregator = phaseAggregators[phase];
  }

  /// @dev Adds `phase` to both round ids of an aggregator's answer. The aggregator's ids are cut to
  /// 64 bits first, as in Chainlink's proxy.
  function _withPhase(
    uint16 phase,
    uint80 roundId,
    int256 answer,
    uint256 startedAt,
    uint256 updatedAt,
    uint80 answeredInRound
  ) internal pure returns (uint80, int256, uint256, uint256, uint80) {
    return (
      _joinRoundId(phase, uint64(roundId)),
      answer,
      startedAt,
      updatedAt,
      _joinRoundId(phase, uint64(answeredInRound))
    );
  }

  /// @dev Reverts `No proposed aggregator present` unless an aggregator is proposed.
  modifier hasProposal() {
    require(address(proposedAggregator) != address(0), "No proposed aggregator present");
    _;
  }
}
