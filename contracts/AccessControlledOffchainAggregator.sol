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
    uint32 maximumGasPrice,
    uint32 reasonableGasPrice,
    uint32 microLinkPerEth,
    uint32 linkGweiPerObservation,
    uint32 linkGweiPerTransmission,
    LinkTokenInterface link,
    int192 minAnswer_,
    int192 maxAnswer_,
    AccessControllerInterface billingAccessController_,
    AccessControllerInterface requesterAccessController_,
    uint8 decimals_,
    string memory description_
  )
    OffchainAggregator(
      maximumGasPrice,
      reasonableGasPrice,
      microLinkPerEth,
      linkGweiPerObservation,
      linkGweiPerTransmission,
      link,
      minAnswer_,
      maxAnswer_,
      billingAccessController_,
      requesterAccessController_,
      decimals_,
      description_
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
  function getAnswer(uint256 roundId) public view override checkAccess returns (int256) {
    return super.getAnswer(roundId);
  }

  /// @inheritdoc OffchainAggregator
  function getTimestamp(uint256 roundId) public view override checkAccess returns (uint256) {
    return super.getTimestamp(roundId);
  }

  /// @inheritdoc OffchainAggregator
  function description() public view override checkAccess returns (string memory) {
    return super.description();
  }

  /// @inheritdoc OffchainAggregator
  function getRoundData(uint80 roundId_)
    public
    view
    override
    checkAccess
    returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
  {
    return super.getRoundData(roundId_);
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
