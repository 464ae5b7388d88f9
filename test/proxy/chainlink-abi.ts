/** Facts about the ABI of Chainlink's proxies that our contracts must reproduce. */

/**
 * Every external function of Chainlink's v0.6 AggregatorProxy (@chainlink/contracts 0.8.0), by
 * canonical signature. Integrations call these selectors; a missing or extra one is a bug.
 */
export const AGGREGATOR_PROXY_FUNCTIONS = [
  "acceptOwnership()",
  "aggregator()",
  "confirmAggregator(address)",
  "decimals()",
  "description()",
  "getAnswer(uint256)",
  "getRoundData(uint80)",
  "getTimestamp(uint256)",
  "latestAnswer()",
  "latestRound()",
  "latestRoundData()",
  "latestTimestamp()",
  "owner()",
  "phaseAggregators(uint16)",
  "phaseId()",
  "proposeAggregator(address)",
  "proposedAggregator()",
  "proposedGetRoundData(uint80)",
  "proposedLatestRoundData()",
  "transferOwnership(address)",
  "version()",
];

/** EACAggregatorProxy adds exactly these to AggregatorProxy's functions. */
export const EAC_EXTRA_FUNCTIONS = ["accessController()", "setController(address)"];
