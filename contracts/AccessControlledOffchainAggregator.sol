// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
pragma abicoder v1;

import {OffchainAggregator} from "./OffchainAggregator.sol";
import {SimpleReadAccessController} from "./SimpleReadAccessController.sol";
import {AllowList} from "./access/AllowList.sol";
import {ReadAccessGate} from "./access/ReadAccessGate.sol";
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

  /// @dev The reads OffchainAggregator marks `checkAccess` pass for whoever this contract's own
  /// allowlist (SimpleReadAccessController.hasAccess) lets through; others revert "No access".
  function _readAccessGranted(
    address reader,
    bytes calldata data
  ) internal view override(ReadAccessGate, AllowList) returns (bool) {
    return super._readAccessGranted(reader, data);
  }
}
