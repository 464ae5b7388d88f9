// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {AggregatorV2V3Interface} from "../interfaces/AggregatorV2V3Interface.sol";

/// @notice The OCR-specific reads and requestNewRound, as a contract caller sees them.
interface OffchainAggregatorReadInterface {
  /// @notice The aggregator's `latestTransmissionDetails`, as declared there.
  function latestTransmissionDetails()
    external
    view
    returns (bytes16 configDigest, uint32 epoch, uint8 round, int192 latestAnswer, uint64 latestTimestamp);

  /// @notice The aggregator's `latestConfigDetails`, as declared there.
  function latestConfigDetails() external view returns (uint32 configCount, uint32 blockNumber, bytes16 configDigest);

  /// @notice The aggregator's `requestNewRound`, as declared there.
  function requestNewRound() external returns (uint80);
}

/// @title AggregatorReader
/// @notice Test-only contract that calls an aggregator from a contract, so that msg.sender is not
/// tx.origin: exercises read allowlists and the EOA-only rule.
contract AggregatorReader {
  /// @notice Calls `agg`.latestAnswer from this contract (msg.sender is this contract).
  function readLatestAnswer(address agg) external view returns (int256) {
    return AggregatorV2V3Interface(agg).latestAnswer();
  }

  /// @notice Calls `agg`.latestTimestamp from this contract (msg.sender is this contract).
  function readLatestTimestamp(address agg) external view returns (uint256) {
    return AggregatorV2V3Interface(agg).latestTimestamp();
  }

  /// @notice Calls `agg`.latestRound from this contract (msg.sender is this contract).
  function readLatestRound(address agg) external view returns (uint256) {
    return AggregatorV2V3Interface(agg).latestRound();
  }

  /// @notice Calls `agg`.getAnswer from this contract (msg.sender is this contract).
  function readGetAnswer(address agg, uint256 roundId) external view returns (int256) {
    return AggregatorV2V3Interface(agg).getAnswer(roundId);
  }

  /// @notice Calls `agg`.getTimestamp from this contract (msg.sender is this contract).
  function readGetTimestamp(address agg, uint256 roundId) external view returns (uint256) {
    return AggregatorV2V3Interface(agg).getTimestamp(roundId);
  }

  /// @notice Calls `agg`.description from this contract (msg.sender is this contract).
  function readDescription(address agg) external view returns (string memory) {
    return AggregatorV2V3Interface(agg).description();
  }

  /// @notice Calls `agg`.getRoundData from this contract (msg.sender is this contract).
  function readGetRoundData(address agg, uint80 roundId)
    external
    view
    returns (uint80, int256, uint256, uint256, uint80)
  {
    return AggregatorV2V3Interface(agg).getRoundData(roundId);
  }

  /// @notice Calls `agg`.latestRoundData from this contract (msg.sender is this contract).
  function readLatestRoundData(address agg) external view returns (uint80, int256, uint256, uint256, uint80) {
    return AggregatorV2V3Interface(agg).latestRoundData();
  }

  /// @notice Calls `agg`.decimals from this contract (msg.sender is this contract).
  function readDecimals(address agg) external view returns (uint8) {
    return AggregatorV2V3Interface(agg).decimals();
  }

  /// @notice Calls `agg`.latestTransmissionDetails from this contract (msg.sender is this contract).
  function readLatestTransmissionDetails(address agg) external view returns (bytes16, uint32, uint8, int192, uint64) {
    return OffchainAggregatorReadInterface(agg).latestTransmissionDetails();
  }

  /// @notice Calls `agg`.latestConfigDetails from this contract (msg.sender is this contract).
  function readLatestConfigDetails(address agg) external view returns (uint32, uint32, bytes16) {
    return OffchainAggregatorReadInterface(agg).latestConfigDetails();
  }

  /// @notice Calls `agg`.requestNewRound from this contract (msg.sender is this contract).
  function requestNewRound(address agg) external returns (uint80) {
    return OffchainAggregatorReadInterface(agg).requestNewRound();
  }
}
