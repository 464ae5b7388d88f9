// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {AccessControllerInterface} from "../interfaces/AccessControllerInterface.sol";
import {LinkTokenInterface} from "../interfaces/LinkTokenInterface.sol";
import {AllowList} from "../access/AllowList.sol";
import {ReadAccessGate} from "../access/ReadAccessGate.sol";
import {ReadAccessList} from "./access/ReadAccessList.sol";
import {OCR2Aggregator} from "./OCR2Aggregator.sol";

/// @title AccessControlledOCR2Aggregator
/// @notice An OCR2Aggregator whose answers only allowlisted contracts (and any externally owned
/// account) may read: exactly latestAnswer, latestTimestamp, latestRound, getAnswer,
/// getTimestamp, description, getRoundData and latestRoundData are gated ("No access").
/// Everything else (decimals, version, the config and transmission details, the getters) stays
/// open. The allowlist check starts enabled.
contract AccessControlledOCR2Aggregator is OCR2Aggregator, ReadAccessList {
  /// @dev Same arguments as OCR2Aggregator (named as in the ABI of Chainlink's
  /// AccessControlledOCR2Aggregator 1.0.0).
  constructor(
    LinkTokenInterface _link,
    int192 _minAnswer,
    int192 _maxAnswer,
    AccessControllerInterface _billingAccessController,
    AccessControllerInterface _requesterAccessController,
    uint8 _decimals,
    string memory description
  )
    OCR2Aggregator(_link, _minAnswer, _maxAnswer, _billingAccessController, _requesterAccessController, _decimals, description)
  {}

  /// @notice "AccessControlledOCR2Aggregator 1.0.0".
  function typeAndVersion() external pure virtual override returns (string memory) {
    return "AccessControlledOCR2Aggregator 1.0.0";
  }

  /// @dev The reads OCR2Aggregator marks `checkAccess` pass for whoever this contract's own
  /// allowlist (ReadAccessList.hasAccess) lets through; others revert "No access".
  function _readAccessGranted(
    address reader,
    bytes calldata data
  ) internal view override(ReadAccessGate, AllowList) returns (bool) {
    return super._readAccessGranted(reader, data);
  }

  // Three gated reads are declared again only for their ABI: Chainlink's
  // AccessControlledOCR2Aggregator names their round-id parameter `_roundId` (and getRoundData's
  // first output `roundId`) where OCR2Aggregator says `roundId` (and `roundId_`).

  /// @inheritdoc OCR2Aggregator
  function getAnswer(uint256 _roundId) public view override returns (int256) {
    return super.getAnswer(_roundId);
  }

  /// @inheritdoc OCR2Aggregator
  function getTimestamp(uint256 _roundId) public view override returns (uint256) {
    return super.getTimestamp(_roundId);
  }

  /// @inheritdoc OCR2Aggregator
  function getRoundData(uint80 _roundId)
    public
    view
    override
    returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
  {
    return super.getRoundData(_roundId);
  }
}
