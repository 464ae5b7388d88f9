// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {AccessControllerInterface} from "../interfaces/AccessControllerInterface.sol";
import {TypeAndVersionInterface} from "../interfaces/TypeAndVersionInterface.sol";
import {SimpleReadAccessController} from "../SimpleReadAccessController.sol";
import {FlagsInterface} from "./FlagsInterface.sol";

/// @title Flags
/// @notice Warning flags, one per address. The owner, and whoever the raising (lowering) access
/// controller allows, may raise (lower) flags; reads are access-controlled like a feed's (people
/// and listed contracts). On Arbitrum the sequencer uptime feed raises the flag
/// `FLAG_L2_SEQ_OFFLINE` while the sequencer is down, and reads it once when it initializes.
/// @dev Behaves like Chainlink's `Flags 1.1.0` in the Chainlink contracts package 0.8.0 (`src/v0.8/dev`): same
/// ABI, events, revert strings and typeAndVersion.
contract Flags is FlagsInterface, TypeAndVersionInterface, SimpleReadAccessController {
  /// @notice Decides who besides the owner may raise flags.
  AccessControllerInterface public raisingAccessController;
  /// @notice Decides who besides the owner may lower flags.
  AccessControllerInterface public loweringAccessController;

  mapping(address subject => bool raised) private s_flags;

  event FlagRaised(address indexed subject);
  event FlagLowered(address indexed subject);
  event RaisingAccessControllerUpdated(address indexed previous, address indexed current);
  event LoweringAccessControllerUpdated(address indexed previous, address indexed current);

  /// @param racAddress The raising access controller.
  /// @param lacAddress The lowering access controller.
  constructor(address racAddress, address lacAddress) {
    setRaisingAccessController(racAddress);
    setLoweringAccessController(lacAddress);
  }

  /// @notice "Flags 1.1.0".
  function typeAndVersion() external pure virtual override returns (string memory) {
    return "Flags 1.1.0";
  }

  /// @inheritdoc FlagsInterface
  function getFlag(address subject) external view override checkAccess returns (bool) {
    return s_flags[subject];
  }

  /// @inheritdoc FlagsInterface
  function getFlags(address[] calldata subjects) external view override checkAccess returns (bool[] memory raised) {
    raised = new bool[](subjects.length);
    for (uint256 i = 0; i < subjects.length; ++i) {
      raised[i] = s_flags[subjects[i]];
    }
  }

  /// @inheritdoc FlagsInterface
  /// @dev Reverts "Not allowed to raise flags" unless the caller is the owner or allowed by the
  /// raising access controller. Emits FlagRaised only when the flag was down.
  function raiseFlag(address subject) external override {
    require(_mayRaise(), "Not allowed to raise flags");
    _setFlag(subject, true);
  }

  /// @inheritdoc FlagsInterface
  /// @dev Same permission and events as `raiseFlag`.
  function raiseFlags(address[] calldata subjects) external override {
    require(_mayRaise(), "Not allowed to raise flags");
    for (uint256 i = 0; i < subjects.length; ++i) {
      _setFlag(subjects[i], true);
    }
  }

  /// @inheritdoc FlagsInterface
  /// @dev Reverts "Not allowed to lower flags" unless the caller is the owner or allowed by the
  /// lowering access controller. Emits FlagLowered only when the flag was up.
  function lowerFlag(address subject) external override {
    require(_mayLower(), "Not allowed to lower flags");
    _setFlag(subject, false);
  }

  /// @inheritdoc FlagsInterface
  /// @dev Same permission and events as `lowerFlag`.
  function lowerFlags(address[] calldata subjects) external override {
    require(_mayLower(), "Not allowed to lower flags");
    for (uint256 i = 0; i < subjects.length; ++i) {
      _setFlag(subjects[i], false);
    }
  }

  /// @inheritdoc FlagsInterface
  /// @dev Only the owner. Emits RaisingAccessControllerUpdated when the controller changes.
  function setRaisingAccessController(address racAddress) public override onlyOwner {
    address previous = address(raisingAccessController);
    if (previous != racAddress) {
      raisingAccessController = AccessControllerInterface(racAddress);
      emit RaisingAccessControllerUpdated(previous, racAddress);
    }
  }

  /// @inheritdoc FlagsInterface
  /// @dev Only the owner. Emits LoweringAccessControllerUpdated when the controller changes.
  function setLoweringAccessController(address lacAddress) public override onlyOwner {
    address previous = address(loweringAccessController);
    if (previous != lacAddress) {
      loweringAccessController = AccessControllerInterface(lacAddress);
      emit LoweringAccessControllerUpdated(previous, lacAddress);
    }
  }

  function _mayRaise() private view returns (bool) {
    return msg.sender == owner || raisingAccessController.hasAccess(msg.sender, msg.data);
  }

  function _mayLower() private view returns (bool) {
    return msg.sender == owner || loweringAccessController.hasAccess(msg.sender, msg.data);
  }

  function _setFlag(address subject, bool raised) private {
    if (s_flags[subject] != raised) {
      s_flags[subject] = raised;
      if (raised) emit FlagRaised(subject);
      else emit FlagLowered(subject);
    }
  }
}
