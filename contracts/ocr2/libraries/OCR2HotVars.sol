// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title OCR2HotVars
/// @notice The one storage word (slot 11) the OCR2 aggregator's transmit reads and writes on
/// every report. The low 232 bits are laid out exactly as Chainlink's OCR2Aggregator 1.0.0
/// HotVars struct, so tools that decode that slot keep working; the top 24 bits, unused there,
/// hold what lets transmit skip other cold reads:
///
///   [7..0]     f
///   [47..8]    latestEpochAndRound        epoch << 8 | round
///   [79..48]   latestAggregatorRoundId
///   [111..80]  maximumGasPriceGwei
///   [143..112] reasonableGasPriceGwei
///   [175..144] observationPaymentGjuels
///   [207..176] transmissionPaymentGjuels
///   [231..208] accountingGas
///   [236..232] oracleCount                n <= 31 (0 before the first config)
///   [237]      hasValidator               a validator is set (skips reading its slot otherwise)
///   [255..238] storeNonce                 CREATE nonce of the current oracle-set store = config count
library OCR2HotVars {
  uint256 private constant EPOCH_AND_ROUND_SHIFT = 8;
  uint256 private constant ROUND_ID_SHIFT = 48;
  uint256 private constant MAXIMUM_GAS_PRICE_SHIFT = 80;
  uint256 private constant REASONABLE_GAS_PRICE_SHIFT = 112;
  uint256 private constant OBSERVATION_PAYMENT_SHIFT = 144;
  uint256 private constant TRANSMISSION_PAYMENT_SHIFT = 176;
  uint256 private constant ACCOUNTING_GAS_SHIFT = 208;
  uint256 private constant ORACLE_COUNT_SHIFT = 232;
  uint256 private constant VALIDATOR_BIT = 1 << 237;
  uint256 private constant STORE_NONCE_SHIFT = 238;
  /// @notice The highest config count the 18-bit store nonce can name.
  uint256 internal constant MAX_STORE_NONCE = (1 << 18) - 1;

  function f(uint256 hot) internal pure returns (uint8) {
    return uint8(hot);
  }

  function latestEpochAndRound(uint256 hot) internal pure returns (uint40) {
    return uint40(hot >> EPOCH_AND_ROUND_SHIFT);
  }

  function latestAggregatorRoundId(uint256 hot) internal pure returns (uint32) {
    return uint32(hot >> ROUND_ID_SHIFT);
  }

  function maximumGasPriceGwei(uint256 hot) internal pure returns (uint32) {
    return uint32(hot >> MAXIMUM_GAS_PRICE_SHIFT);
  }

  function reasonableGasPriceGwei(uint256 hot) internal pure returns (uint32) {
    return uint32(hot >> REASONABLE_GAS_PRICE_SHIFT);
  }

  function observationPaymentGjuels(uint256 hot) internal pure returns (uint32) {
    return uint32(hot >> OBSERVATION_PAYMENT_SHIFT);
  }

  function transmissionPaymentGjuels(uint256 hot) internal pure returns (uint32) {
    return uint32(hot >> TRANSMISSION_PAYMENT_SHIFT);
  }

  function accountingGas(uint256 hot) internal pure returns (uint24) {
    return uint24(hot >> ACCOUNTING_GAS_SHIFT);
  }

  function oracleCount(uint256 hot) internal pure returns (uint256) {
    return (hot >> ORACLE_COUNT_SHIFT) & 0x1f;
  }

  function hasValidator(uint256 hot) internal pure returns (bool) {
    return hot & VALIDATOR_BIT != 0;
  }

  function storeNonce(uint256 hot) internal pure returns (uint256) {
    return hot >> STORE_NONCE_SHIFT;
  }

  /// @notice `hot` after a setConfig: new f, oracle count and store nonce, epoch and round reset
  /// to 0; the round id, billing and validator bit carry on. Reverts "too many configs" past
  /// MAX_STORE_NONCE configs.
  function withConfig(uint256 hot, uint8 newF, uint256 n, uint256 nonce) internal pure returns (uint256) {
    require(nonce <= MAX_STORE_NONCE, "too many configs");
    uint256 kept = hot &
      (((uint256(1) << (ORACLE_COUNT_SHIFT - ROUND_ID_SHIFT)) - 1) << ROUND_ID_SHIFT | VALIDATOR_BIT);
    return kept | newF | (n << ORACLE_COUNT_SHIFT) | (nonce << STORE_NONCE_SHIFT);
  }

  /// @notice `hot` with the latest report's epoch-and-round and round id.
  function withReport(uint256 hot, uint256 epochAndRound, uint256 roundId) internal pure returns (uint256) {
    uint256 cleared = hot & ~(((uint256(1) << 72) - 1) << EPOCH_AND_ROUND_SHIFT);
    return cleared | (epochAndRound << EPOCH_AND_ROUND_SHIFT) | (roundId << ROUND_ID_SHIFT);
  }

  /// @notice `hot` with new billing parameters.
  function withBilling(
    uint256 hot,
    uint32 maximumGasPrice,
    uint32 reasonableGasPrice,
    uint32 observationPayment,
    uint32 transmissionPayment,
    uint24 accounting
  ) internal pure returns (uint256) {
    uint256 cleared = hot & ~(((uint256(1) << 152) - 1) << MAXIMUM_GAS_PRICE_SHIFT);
    return
      cleared |
      (uint256(maximumGasPrice) << MAXIMUM_GAS_PRICE_SHIFT) |
      (uint256(reasonableGasPrice) << REASONABLE_GAS_PRICE_SHIFT) |
      (uint256(observationPayment) << OBSERVATION_PAYMENT_SHIFT) |
      (uint256(transmissionPayment) << TRANSMISSION_PAYMENT_SHIFT) |
      (uint256(accounting) << ACCOUNTING_GAS_SHIFT);
  }

  /// @notice `hot` with the validator bit set or cleared.
  function withValidator(uint256 hot, bool present) internal pure returns (uint256) {
    return present ? hot | VALIDATOR_BIT : hot & ~VALIDATOR_BIT;
  }
}
