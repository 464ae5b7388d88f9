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

  /// @notice Calls the proxy.latestAnswer from this contract (msg.sender is this contract).
  function readLatestAnswer() external view returns (int256) {
    return proxy.latestAnswer();
  }

  /// @notice Calls the proxy.latestTimestamp from this contract (msg.sender is this contract).
  function readLatestTimestamp() external view returns (uint256) {
    return proxy.latestTimestamp();
  }

  /// @notice Calls the proxy.latestRound from this contract (msg.sender is this contract).
  function readLatestRound() external view returns (uint256) {
    return proxy.latestRound();
  }

  /// @notice Calls the proxy.getAnswer from this contract (msg.sender is this contract).
  function readGetAnswer(uint256 roundId) external view returns (int256) {
    return proxy.getAnswer(roundId);
  }

  /// @notice Calls the proxy.getTimestamp from this contract (msg.sender is this contract).
  function readGetTimestamp(uint256 roundId) external view returns (uint256) {
    return proxy.getTimestamp(roundId);
  }

  /// @notice Calls the proxy.getRoundData from this contract (msg.sender is this contract).
  function readGetRoundData(uint80 roundId) external view returns (uint80, int256, uint256, uint256, uint80) {
    return proxy.getRoundData(roundId);
  }

  /// @notice Calls the proxy.latestRoundData from this contract (msg.sender is this contract).
  function readLatestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
    return proxy.latestRoundData();
  }

  /// @notice Calls the proxy.proposedGetRoundData from this contract (msg.sender is this contract).
  function readProposedGetRoundData(uint80 roundId) external view returns (uint80, int256, uint256, uint256, uint80) {
    return proxy.proposedGetRoundData(roundId);
  }

  /// @notice Calls the proxy.proposedLatestRoundData from this contract (msg.sender is this contract).
  function readProposedLatestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
    return proxy.proposedLatestRoundData();
  }

  // Open reads.

  /// @notice Calls the proxy.decimals from this contract (msg.sender is this contract).
  function readDecimals() external view returns (uint8) {
    return proxy.decimals();
  }

  /// @notice Calls the proxy.description from this contract (msg.sender is this contract).
  function readDescription() external view returns (string memory) {
    return proxy.description();
  }

  /// @notice Calls the proxy.version from this contract (msg.sender is this contract).
  function readVersion() external view returns (uint256) {
    return proxy.version();
  }

  /// @notice Calls the proxy.aggregator from this contract (msg.sender is this contract).
  function readAggregator() external view returns (address) {
    return proxy.aggregator();
  }

  /// @notice Calls the proxy.phaseId from this contract (msg.sender is this contract).
  function readPhaseId() external view returns (uint16) {
    return proxy.phaseId();
  }

  /// @notice Calls the proxy.phaseAggregators from this contract (msg.sender is this contract).
  function readPhaseAggregator(uint16 phaseId) external view returns (address) {
    return address(proxy.phaseAggregators(phaseId));
  }

  /// @notice Calls the proxy.proposedAggregator from this contract (msg.sender is this contract).
  function readProposedAggregator() external view returns (address) {
    return address(proxy.proposedAggregator());
  }

  /// @notice Calls the proxy.accessController from this contract (msg.sender is this contract).
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
