// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

import {AggregatorInterface} from "./AggregatorInterface.sol";
import {AggregatorV3Interface} from "./AggregatorV3Interface.sol";

/// @title AggregatorV2V3Interface
/// @notice Both read APIs of a Chainlink price feed; what aggregators and proxies implement.
interface AggregatorV2V3Interface is AggregatorInterface, AggregatorV3Interface {}
