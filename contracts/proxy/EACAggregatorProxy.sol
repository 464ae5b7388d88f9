// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
// ABI coder v1 for the same reason as in AggregatorProxy.sol: Chainlink's 0.6 proxy used it.
pragma abicoder v1;

import {AggregatorProxy} from "./AggregatorProxy.sol";
import {AccessControllerInterface} from "../interfaces/AccessControllerInterface.sol";

/// @title EACAggregatorProxy
/// @notice An `AggregatorProxy` whose answer-bearing reads are gated by an external access
/// controller. The owner picks the controller; address 0 means "no gate".
/// @dev Behaves like Chainlink's `EACAggregatorProxy` from @chainlink/contracts 0.8.0 (`src/v0.6`):
/// the gate covers latestAnswer, latestTimestamp, getAnswer, getTimestamp, latestRound,
/// getRoundData, latestRoundData, proposedGetRoundData and proposedLatestRoundData (the reads
/// AggregatorProxy marks `checkAccess`), and reverts `No access`, before the proposal check
/// of the proposed* reads. decimals, version, description, aggregator, phaseId,
/// phaseAggregators and proposedAggregator stay open. The controller sees the caller and the
/// full calldata, so it can grant access per function. With Chainlink's
/// SimpleReadAccessController, externally owned accounts (and so every off-chain `eth_call`)
/// always pass and contracts need an allowlist entry.
contract EACAggregatorProxy is AggregatorProxy {
  /// @notice The contract that decides who may read answers, or address 0 for open reads.
  AccessControllerInterface public accessController;

  /// @param _aggregator The aggregator of phase 1.
  /// @param _accessController The initial access controller; address 0 leaves reads open.
  constructor(address _aggregator, address _accessController) AggregatorProxy(_aggregator) {
    setController(_accessController);
  }

  /// @notice Replace the access controller. Only the owner may call this.
  /// @dev Address 0 opens all reads. No event is emitted, as in Chainlink's proxy.
  /// @param _accessController The new access controller.
  function setController(address _accessController) public onlyOwner {
    accessController = AccessControllerInterface(_accessController);
  }

  // The five legacy reads are declared again only for their ABI: Chainlink's EACAggregatorProxy
  // leaves their return values unnamed where AggregatorProxy names them. The gate itself is
  // AggregatorProxy's `checkAccess`.

  /// @inheritdoc AggregatorProxy
  /// @dev Reverts `No access` unless the access controller allows the caller.
  function latestAnswer() public view override returns (int256) {
    return super.latestAnswer();
  }

  /// @inheritdoc AggregatorProxy
  /// @dev Reverts `No access` unless the access controller allows the caller.
  function latestTimestamp() public view override returns (uint256) {
    return super.latestTimestamp();
  }

  /// @inheritdoc AggregatorProxy
  /// @dev Reverts `No access` unless the access controller allows the caller.
  function getAnswer(uint256 _roundId) public view override returns (int256) {
    return super.getAnswer(_roundId);
  }

  /// @inheritdoc AggregatorProxy
  /// @dev Reverts `No access` unless the access controller allows the caller.
  function getTimestamp(uint256 _roundId) public view override returns (uint256) {
    return super.getTimestamp(_roundId);
  }

  /// @inheritdoc AggregatorProxy
  /// @dev Reverts `No access` unless the access controller allows the caller.
  function latestRound() public view override returns (uint256) {
    return super.latestRound();
  }

  /// @dev A read passes when no controller is set or the controller grants `reader` access for
  /// this exact calldata. The controller is read once into memory to save an SLOAD.
  function _readAccessGranted(address reader, bytes calldata data) internal view override returns (bool) {
    AccessControllerInterface controller = accessController;
    return address(controller) == address(0) || controller.hasAccess(reader, data);
  }
}
