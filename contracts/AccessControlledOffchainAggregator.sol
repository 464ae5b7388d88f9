// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
pragma abicoder v1;

import {OffchainAggregator} from "./OffchainAggregator.sol";
import {SimpleReadAccessController} from "./SimpleReadAccessController.sol";
import {AccessControllerInterface} from "./interfaces/AccessControllerInterface.sol";
import {LinkTokenInterface} from "./interfaces/LinkTokenInterface.sol";

/// @title AccessControlledOffchainAggregator
/// @notice An OffchainAggregator whose answers only allowlisted contracts (and any externally
/// owned account) may read. Exactly the eight answer-revealing reads are gated: latestAnswer,
/// latestTimestamp, latestRound, getAnswer, getTimestamp, description, getRoundData and
/// latestRoundData. decimals, version, latestTransmissionDetails and latestConfigDetails stay open.
contract AccessControlledOffchainAggregator is OffchainAggregator, SimpleReadAccessController {
  /// @dev Same arguments as OffchainAggregator.
  constructor(
    uint32 _maximumGasPrice,
    uint32 _reasonableGasPrice,
    uint32 _microLinkPerEth,
    uint32 _linkGweiPerObservation,
    uint32 _linkGweiPerTransmission,
    LinkTokenInterface _link,
    int192 _minAnswer,
    int192 _maxAnswer,
    AccessControllerInterface _billingAccessController,
    AccessControllerInterface _requesterAccessController,
    uint8 _decimals,
    string memory description
  )
    OffchainAggregator(
      _maximumGasPrice,
      _reasonableGasPrice,
      _microLinkPerEth,
      _linkGweiPerObservation,
      _linkGweiPerTransmission,
      _link,
      _minAnswer,
      _maxAnswer,
      _billingAccessController,
      _requesterAccessController,
      _decimals,
      description
    )
  {}

  /// @notice "AccessControlledOffchainAggregator 4.0.0".
  function typeAndVersion() external pure virtual override returns (string memory) {
    return "AccessControlledOffchainAggregator 4.0.0";
  }

  /// @inheritdoc OffchainAggregator
  function latestAnswer() public view override checkAccess returns (int256) {
    return super.latestAnswer();
  }

  /// @inheritdoc OffchainAggregator
  function latestTimestamp() public view override checkAccess returns (uint256) {
    return super.latestTimestamp();
  }

  /// @inheritdoc OffchainAggregator
  function latestRound() public view override checkAccess returns (uint256) {
    return super.latestRound();
  }

  /// @inheritdoc OffchainAggregator
  function getAnswer(uint256 _roundId) public view override checkAccess returns (int256) {
    return super.getAnswer(_roundId);
  }

  /// @inheritdoc OffchainAggregator
  function getTimestamp(uint256 _roundId) public view override checkAccess returns (uint256) {
    return super.getTimestamp(_roundId);
  }

  /// @inheritdoc OffchainAggregator
  function description() public view override checkAccess returns (string memory) {
    return super.description();
  }

  /// @inheritdoc OffchainAggregator
  function getRoundData(uint80 _roundId)
    public
    view
    override
    checkAccess
    returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
  {
    return super.getRoundData(_roundId);
  }

  /// @inheritdoc OffchainAggregator
  function latestRoundData()
    public
    view
    override
    checkAccess
    returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
  {
    return super.latestRoundData();
  }
}
