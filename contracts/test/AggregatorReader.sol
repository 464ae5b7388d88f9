// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {AggregatorV2V3Interface} from "../interfaces/AggregatorV2V3Interface.sol";

/// @notice The OCR-specific reads and requestNewRound, as a contract caller sees them.
interface OffchainAggregatorReadInterface {
  function latestTransmissionDetails()
    external
    view
    returns (bytes16 configDigest, uint32 epoch, uint8 round, int192 latestAnswer, uint64 latestTimestamp);

  function latestConfigDetails() external view returns (uint32 configCount, uint32 blockNumber, bytes16 configDigest);

  function requestNewRound() external returns (uint80);
}

/// @title AggregatorReader
/// @notice Test-only contract that calls an aggregator from a contract, so that msg.sender is not
/// tx.origin: exercises read allowlists and the EOA-only rule.
contract AggregatorReader {
  function readLatestAnswer(address agg) external view returns (int256) {
    return AggregatorV2V3Interface(agg).latestAnswer();
  }

  function readLatestTimestamp(address agg) external view returns (uint256) {
    return AggregatorV2V3Interface(agg).latestTimestamp();
  }

  function readLatestRound(address agg) external view returns (uint256) {
    return AggregatorV2V3Interface(agg).latestRound();
  }

  function readGetAnswer(address agg, uint256 roundId) external view returns (int256) {
    return AggregatorV2V3Interface(agg).getAnswer(roundId);
  }

  function readGetTimestamp(address agg, uint256 roundId) external view returns (uint256) {
    return AggregatorV2V3Interface(agg).getTimestamp(roundId);
  }

  function readDescription(address agg) external view returns (string memory) {
    return AggregatorV2V3Interface(agg).description();
  }

  function readGetRoundData(address agg, uint80 roundId)
    external
    view
    returns (uint80, int256, uint256, uint256, uint80)
  {
    return AggregatorV2V3Interface(agg).getRoundData(roundId);
  }

  function readLatestRoundData(address agg) external view returns (uint80, int256, uint256, uint256, uint80) {
    return AggregatorV2V3Interface(agg).latestRoundData();
  }

  function readDecimals(address agg) external view returns (uint8) {
    return AggregatorV2V3Interface(agg).decimals();
  }

  function readLatestTransmissionDetails(address agg) external view returns (bytes16, uint32, uint8, int192, uint64) {
    return OffchainAggregatorReadInterface(agg).latestTransmissionDetails();
  }

  function readLatestConfigDetails(address agg) external view returns (uint32, uint32, bytes16) {
    return OffchainAggregatorReadInterface(agg).latestConfigDetails();
  }

  function requestNewRound(address agg) external returns (uint80) {
    return OffchainAggregatorReadInterface(agg).requestNewRound();
  }
}
