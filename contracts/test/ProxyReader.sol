// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {AccessControllerInterface} from "../interfaces/AccessControllerInterface.sol";
import {EACAggregatorProxy} from "../proxy/EACAggregatorProxy.sol";

/// @title ProxyReader
/// @notice Reads an (EAC)AggregatorProxy from a contract, so tests can see the proxy's access gate
/// the way an on-chain consumer does: `msg.sender` at the proxy is this contract, not the EOA.
/// Test code only.
contract ProxyReader {
  EACAggregatorProxy public immutable proxy;

  constructor(EACAggregatorProxy proxy_) {
    proxy = proxy_;
  }

  // Gated reads.

  function readLatestAnswer() external view returns (int256) {
    return proxy.latestAnswer();
  }

  function readLatestTimestamp() external view returns (uint256) {
    return proxy.latestTimestamp();
  }

  function readLatestRound() external view returns (uint256) {
    return proxy.latestRound();
  }

  function readGetAnswer(uint256 roundId) external view returns (int256) {
    return proxy.getAnswer(roundId);
  }

  function readGetTimestamp(uint256 roundId) external view returns (uint256) {
    return proxy.getTimestamp(roundId);
  }

  function readGetRoundData(uint80 roundId) external view returns (uint80, int256, uint256, uint256, uint80) {
    return proxy.getRoundData(roundId);
  }

  function readLatestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
    return proxy.latestRoundData();
  }

  function readProposedGetRoundData(uint80 roundId) external view returns (uint80, int256, uint256, uint256, uint80) {
    return proxy.proposedGetRoundData(roundId);
  }

  function readProposedLatestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
    return proxy.proposedLatestRoundData();
  }

  // Open reads.

  function readDecimals() external view returns (uint8) {
    return proxy.decimals();
  }

  function readDescription() external view returns (string memory) {
    return proxy.description();
  }

  function readVersion() external view returns (uint256) {
    return proxy.version();
  }

  function readAggregator() external view returns (address) {
    return proxy.aggregator();
  }

  function readPhaseId() external view returns (uint16) {
    return proxy.phaseId();
  }

  function readPhaseAggregator(uint16 phaseId) external view returns (address) {
    return address(proxy.phaseAggregators(phaseId));
  }

  function readProposedAggregator() external view returns (address) {
    return address(proxy.proposedAggregator());
  }

  function readAccessController() external view returns (address) {
    return address(proxy.accessController());
  }
}

/// @title ProxyReaderAccessList
/// @notice A minimal access controller for proxy tests. Like Chainlink's SimpleReadAccessController
/// it lets every externally owned account through (`user == tx.origin`); a contract passes only if
/// it is allowed for the 4-byte selector at the start of the calldata the proxy forwards, which
/// also lets a test prove the proxy hands over its exact `msg.data`. Test code only.
contract ProxyReaderAccessList is AccessControllerInterface {
  mapping(address user => mapping(bytes4 selector => bool)) public allowed;

  /// @notice Allow or forbid `user` to call the function with `selector`.
  function setAllowed(address user, bytes4 selector, bool isAllowed) external {
    allowed[user][selector] = isAllowed;
  }

  /// @inheritdoc AccessControllerInterface
  function hasAccess(address user, bytes calldata data) external view returns (bool) {
    if (user == tx.origin) return true;
    return data.length >= 4 && allowed[user][bytes4(data[:4])];
  }
}
