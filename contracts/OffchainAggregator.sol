// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
pragma abicoder v1;

import {OffchainAggregatorBilling} from "./OffchainAggregatorBilling.sol";
import {AccessControllerInterface} from "./interfaces/AccessControllerInterface.sol";
import {AggregatorV2V3Interface} from "./interfaces/AggregatorV2V3Interface.sol";
import {AggregatorValidatorInterface} from "./interfaces/AggregatorValidatorInterface.sol";
import {LinkTokenInterface} from "./interfaces/LinkTokenInterface.sol";
import {TypeAndVersionInterface} from "./interfaces/TypeAndVersionInterface.sol";
import {ReadAccessGate} from "./access/ReadAccessGate.sol";
import {HotVars} from "./libraries/HotVars.sol";
import {OracleSetStore} from "./libraries/OracleSetStore.sol";
import {ReportCalldata} from "./libraries/ReportCalldata.sol";

/// @title OffchainAggregator
/// @notice An OCR1 price feed, interface-compatible with Chainlink's OffchainAggregator 4.0.0:
/// the same constructor, functions, events, revert strings and accept/reject decisions. A
/// committee of up to 31 oracles agrees off chain on a report of sorted observations; one of them
/// transmits it with at least f+1 signatures; the median becomes the answer of the next round.
/// @dev Differences from 4.0.0 that no valid input can observe, made to cut transmit gas:
/// everything transmit reads about the contract itself lives in one packed word (HotVars), the
/// oracle set is read from contract code (OracleSetStore), the report is read from calldata in
/// place (ReportCalldata), and the observation counters are updated a slot at a time. See
/// notes/contracts.md for the odd inputs where behaviour could differ and what was chosen.
contract OffchainAggregator is
  OffchainAggregatorBilling,
  AggregatorV2V3Interface,
  TypeAndVersionInterface,
  ReadAccessGate
{
  /// @notice One stored round.
  struct Transmission {
    int192 answer;
    uint64 timestamp;
  }

  /// @notice The validator called after each new answer, and the exact gas it gets.
  struct ValidatorConfig {
    AggregatorValidatorInterface validator;
    uint32 gasLimit;
  }

  /// @dev transmit calldata without the dynamic parts: selector, three offsets, rawVs and three
  /// length words.
  uint256 private constant TRANSMIT_FIXED_CALLDATA_BYTES = 4 + 7 * 32;
  /// @dev Gas kept back for the code between measuring gasleft() and the validator CALL.
  uint256 private constant CALL_WITH_EXACT_GAS_CUSHION = 5_000;
  string private constant V3_NO_DATA_ERROR = "No data present";

  /// @notice Interface version, as AggregatorV3Interface defines it.
  uint256 public constant override version = 4;
  /// @notice Decimals of the answers.
  uint8 public immutable override decimals;
  /// @notice Lowest median accepted.
  int192 public immutable minAnswer;
  /// @notice Highest median accepted.
  int192 public immutable maxAnswer;

  /// @dev See HotVars for the layout.
  uint256 private s_hotVars;
  mapping(uint32 roundId => Transmission) internal s_transmissions;
  uint32 internal s_latestConfigBlockNumber;
  ValidatorConfig private s_validatorConfig;
  AccessControllerInterface internal s_requesterAccessController;
  string internal s_description;

  event ConfigSet(
    uint32 previousConfigBlockNumber,
    uint64 configCount,
    address[] signers,
    address[] transmitters,
    uint8 threshold,
    uint64 encodedConfigVersion,
    bytes encoded
  );
  event NewTransmission(
    uint32 indexed aggregatorRoundId,
    int192 answer,
    address transmitter,
    int192[] observations,
    bytes observers,
    bytes32 rawReportContext
  );
  event RoundRequested(address indexed requester, bytes16 configDigest, uint32 epoch, uint8 round);
  event RequesterAccessControllerSet(AccessControllerInterface old, AccessControllerInterface current);
  event ValidatorConfigSet(
    AggregatorValidatorInterface indexed previousValidator,
    uint32 previousGasLimit,
    AggregatorValidatorInterface indexed currentValidator,
    uint32 currentGasLimit
  );

  /// @param _maximumGasPrice highest gas price reimbursed, in gwei
  /// @param _reasonableGasPrice below this gas price (gwei) transmitters get half of the savings
  /// @param _microLinkPerEth reimbursement rate, in 1e-6 LINK per ETH
  /// @param _linkGweiPerObservation reward per observation, in 1e-9 LINK
  /// @param _linkGweiPerTransmission reward per transmission, in 1e-9 LINK
  /// @param _link the LINK token
  /// @param _minAnswer lowest median accepted
  /// @param _maxAnswer highest median accepted
  /// @param _billingAccessController who besides the owner may change billing (0 = nobody)
  /// @param _requesterAccessController who besides the owner may request rounds (0 = nobody)
  /// @param _decimals decimals of the answers
  /// @param _description human-readable feed name
  constructor(
    uint32 _maximumGasPrice,
    uint32 _reasonableGasPrice,
    uint32 _microLinkPerEth,
    uint32 _linkGweiPerObservation,
    uint32 _linkGweiPerTransmission,
    LinkTokenInterface _link,
    int192 _minAnswer,
    int192 _maxAnswer,
    AccessControllerInterface _billingAccessController,
    AccessControllerInterface _requesterAccessController,
    uint8 _decimals,
    string memory _description
  )
    OffchainAggregatorBilling(
      _maximumGasPrice,
      _reasonableGasPrice,
      _microLinkPerEth,
      _linkGweiPerObservation,
      _linkGweiPerTransmission,
      _link,
      _billingAccessController
    )
  {
    decimals = _decimals;
    s_description = _description;
    _setRequesterAccessController(_requesterAccessController);
    // The validator config starts as (0, 0), which is storage's default: no event, as in 4.0.0.
    minAnswer = _minAnswer;
    maxAnswer = _maxAnswer;
  }

  // ---------------------------------------------------------------------------------------------
  // Configuration

  /// @notice Replace the oracle set and the protocol config. Pays the old oracles first, resets
  /// the latest epoch and round (rounds of the new config start over), and emits ConfigSet,
  /// from which oracles compute the new config digest. Every transmitter needs a payee first.
  /// The argument checks run before the owner check, as in 4.0.0, so anyone sees them first.
  /// @param _signers on-chain signing address of each oracle
  /// @param _transmitters transmitting address of each oracle, same order
  /// @param _threshold f, the number of faulty oracles to tolerate; n must exceed 3f
  /// @param _encodedConfigVersion version of `_encoded` (1 for OCR1)
  /// @param _encoded the off-chain config, passed through to oracles but never parsed here
  function setConfig(
    address[] calldata _signers,
    address[] calldata _transmitters,
    uint8 _threshold,
    uint64 _encodedConfigVersion,
    bytes calldata _encoded
  ) external {
    _checkConfigValid(_signers.length, _transmitters.length, _threshold);
    require(msg.sender == owner, "Only callable by owner");
    uint32 configCount = _replaceOracles(_signers, _transmitters);
    bytes16 digest = bytes16(
      keccak256(abi.encode(address(this), uint64(configCount), _signers, _transmitters, _threshold, _encodedConfigVersion, _encoded))
    );
    _storeConfig(digest, _threshold, configCount, _signers.length);
    emit ConfigSet(
      _swapConfigBlockNumber(),
      configCount,
      _signers,
      _transmitters,
      _threshold,
      _encodedConfigVersion,
      _encoded
    );
  }

  /// @dev setConfig's argument checks, in 4.0.0's order.
  function _checkConfigValid(uint256 numSigners, uint256 numTransmitters, uint256 threshold) private pure {
    require(numSigners <= MAX_ORACLES, "too many signers");
    require(threshold > 0, "threshold must be positive");
    require(numSigners == numTransmitters, "oracle addresses out of registration");
    require(numSigners > 3 * threshold, "faulty-oracle threshold too high");
  }

  /// @dev Pays and unregisters the old oracles, registers the new ones and stores them in the
  /// next oracle-set store. Returns the new config count (the store's CREATE nonce).
  function _replaceOracles(address[] calldata signers, address[] calldata transmitters_) private returns (uint32 configCount) {
    uint256 hot = s_hotVars;
    _removeOracles(hot);
    _addOracles(signers, transmitters_);
    unchecked {
      // Wraps like 4.0.0's uint32 counter, after 2^32 configs (the store check would then fail).
      configCount = HotVars.configCount(hot) + 1;
    }
    OracleSetStore.deploy(signers, transmitters_, configCount);
  }

  /// @dev Writes the new config into the hot word: digest, epoch and round reset to 0,
  /// threshold, config count and oracle count; the aggregator round id carries on.
  function _storeConfig(bytes16 digest, uint8 threshold, uint32 configCount, uint256 oracleCount) private {
    uint256 hot = s_hotVars;
    uint32 roundId = HotVars.latestAggregatorRoundId(hot);
    s_hotVars = HotVars.withValidator(
      HotVars.pack(digest, 0, threshold, roundId, configCount, uint8(oracleCount)),
      HotVars.hasValidator(hot)
    );
  }

  /// @dev Records this block as the latest config block; returns the previous one.
  function _swapConfigBlockNumber() private returns (uint32 previous) {
    previous = s_latestConfigBlockNumber;
    s_latestConfigBlockNumber = uint32(block.number);
  }

  /// @notice Number of configs set so far, the block of the latest one and its digest (all zero
  /// before the first).
  function latestConfigDetails() external view returns (uint32 configCount, uint32 blockNumber, bytes16 configDigest) {
    uint256 hot = s_hotVars;
    return (HotVars.configCount(hot), s_latestConfigBlockNumber, HotVars.configDigest(hot));
  }

  /// @notice The transmitters of the current config, in config order.
  function transmitters() external view returns (address[] memory) {
    return _currentTransmitters();
  }

  /// @dev Pays and unregisters the current oracles, last one first (the order 4.0.0 pays in).
  function _removeOracles(uint256 hot) private {
    uint256 n = HotVars.oracleCount(hot);
    if (n == 0) return;
    uint256 image = OracleSetStore.load(OracleSetStore.predictAddress(HotVars.configCount(hot)), n);
    for (uint256 i = n; i > 0; ) {
      unchecked {
        --i;
      }
      address signer = OracleSetStore.signerAt(image, i);
      address transmitter = OracleSetStore.transmitterAt(image, n, i);
      _payOracle(transmitter);
      delete s_oracles[signer];
      delete s_oracles[transmitter];
    }
  }

  /// @dev Registers the new oracles, checking each address is new and each transmitter has a payee.
  function _addOracles(address[] calldata signers, address[] calldata transmitters_) private {
    for (uint256 i; i < signers.length; ++i) {
      address signer = signers[i];
      address transmitter = transmitters_[i];
      require(s_oracles[signer].role == Role.Unset, "repeated signer address");
      s_oracles[signer] = Oracle(uint8(i), Role.Signer);
      require(s_payees[transmitter] != address(0), "payee must be set");
      require(s_oracles[transmitter].role == Role.Unset, "repeated transmitter address");
      s_oracles[transmitter] = Oracle(uint8(i), Role.Transmitter);
    }
  }

  /// @dev The oracle set of the current config lives in the store created with nonce configCount.
  function _loadOracleSet(uint256 hot) private view returns (uint256 image, uint256 n) {
    n = HotVars.oracleCount(hot);
    if (n != 0) image = OracleSetStore.load(OracleSetStore.predictAddress(HotVars.configCount(hot)), n);
  }

  function _currentTransmitters() internal view override returns (address[] memory) {
    (uint256 image, uint256 n) = _loadOracleSet(s_hotVars);
    return OracleSetStore.transmitterArray(image, n);
  }

  // ---------------------------------------------------------------------------------------------
  // Transmission

  /// @notice Submit a signed report. The checks run in 4.0.0's order with its revert strings
  /// (the helpers below refer to them by number):
  /// 1. the calldata is exactly as long as the arguments need ("transmit message too long");
  /// 2. the report decodes as (bytes32, bytes32, int192[]) (an empty revert otherwise);
  /// 3. its config digest is the current one ("configDigest mismatch");
  /// 4. its epoch and round are newer than the latest report's ("stale report");
  /// 5-7. more than f signatures ("not enough signatures"), at most 31 ("too many signatures"),
  ///    as many s as r ("signatures out of registration");
  /// 8-9. at most 31 observations ("num observations out of bounds"), more than 2f ("too few
  ///    values to trust median");
  /// 10. observer indices below 31 ("observer index out of bounds") and distinct ("observer
  ///    index repeated");
  /// 11. the sender is a transmitter of the current config ("unauthorized transmitter");
  /// 12-13. every signature recovers to a signer ("address not authorized to sign"), each
  ///    signer at most once ("non-unique signature");
  /// 14-15. observations sorted ("observations not sorted"), median within [minAnswer,
  ///    maxAnswer] ("median is out of min-max range");
  /// 16. enough gas left to give the validator its gas limit ("insufficient gas").
  /// The one difference: an observer index of 31 or more reverts at check 10 where 4.0.0 burned
  /// all gas.
  /// @param _report abi.encode(bytes32 rawReportContext, bytes32 rawObservers, int192[] observations)
  /// @param _rs r of each signature over keccak256(_report)
  /// @param _ss s of each signature
  /// @param _rawVs byte i is v_i ∈ {0, 1} of signature i
  function transmit(
    bytes calldata _report,
    bytes32[] calldata _rs,
    bytes32[] calldata _ss,
    bytes32 _rawVs
  ) external {
    // Everything from here on is reimbursed, so this must come first.
    uint256 initialGas = gasleft();
    // Exact calldata length: otherwise a transmitter could pad the call with zero bytes that cost
    // it 4 gas each but are reimbursed at 16. Lengths are below 2^64 (the ABI decoder ensures
    // it), so the sum cannot wrap.
    unchecked {
      require(
        msg.data.length == TRANSMIT_FIXED_CALLDATA_BYTES + _report.length + 32 * _rs.length + 32 * _ss.length,
        "transmit message too long"
      );
    }
    (uint256 firstObservation, uint256 n) = ReportCalldata.locateObservations(_report);
    uint256 hot = _checkReportHeader(_report, s_hotVars, _rs.length, _ss.length, n);
    {
      (uint256 lanesLow, uint256 lanesHigh) = _observerLanes(ReportCalldata.word(_report, 32), n);
      // The observation rewards are written here rather than last as in 4.0.0: any later check
      // that fails reverts them together with everything else, and the write is reimbursed
      // either way, so the outcome is identical; it frees two stack slots.
      _rewardObservers(lanesLow, lanesHigh);
    }
    uint256 txIndex = _authenticate(_report, _rs, _ss, _rawVs, hot);
    _acceptReport(hot, _report, firstObservation, n);
    // 4.0.0's bound (uint32 max − 1), which its accounting relies on.
    assert(initialGas < type(uint32).max);
    _reimburseTransmitter(initialGas, txIndex);
  }

  /// @dev transmit checks 3–9: digest, staleness, signature and observation counts. Returns the
  /// hot word with the report's epoch and round recorded.
  function _checkReportHeader(
    bytes calldata report,
    uint256 hot,
    uint256 numRs,
    uint256 numSs,
    uint256 n
  ) private pure returns (uint256) {
    bytes32 rawReportContext = ReportCalldata.word(report, 0);
    // Bytes 11..26 of the context are the digest.
    require(HotVars.configDigest(hot) == bytes16(rawReportContext << 88), "configDigest mismatch");
    // The low 40 bits are epoch << 8 | round, so (e, r) order is numeric order.
    uint40 epochAndRound = uint40(uint256(rawReportContext));
    require(HotVars.latestEpochAndRound(hot) < epochAndRound, "stale report");
    uint256 f = HotVars.threshold(hot);
    require(numRs > f, "not enough signatures");
    require(numRs <= MAX_ORACLES, "too many signatures");
    require(numSs == numRs, "signatures out of registration");
    require(n <= MAX_ORACLES, "num observations out of bounds");
    require(n > 2 * f, "too few values to trust median");
    return HotVars.withReport(hot, epochAndRound, HotVars.latestAggregatorRoundId(hot));
  }

  /// @dev transmit check 10: observer indices (bytes of rawObservers, most significant first)
  /// are below 31 and distinct, checked byte by byte in that order. Returns one bit per
  /// observer at bit 16·(index mod 16) of the low (index < 16) or high word: the shape
  /// _rewardObservers adds to the packed counters.
  ///
  /// Gas: one SWAR test over all n bytes decides whether any index is 31 or more (per byte b:
  /// the top bit of b | ((b & 0x7f) + 0x61), no carry between bytes); normally none is, and the
  /// loop only tests repeats on a 31-bit mask. The mask is spread into 16-bit lanes afterwards
  /// with four shift-and-mask steps (bit j → bit 16j). ~40 gas an observer instead of ~250 for
  /// the Solidity loop this replaces.
  function _observerLanes(bytes32 rawObservers, uint256 n) private pure returns (uint256 low, uint256 high) {
    assembly ("memory-safe") {
      function fail(message, length) {
        mstore(0, shl(224, 0x08c379a0))
        mstore(4, 0x20)
        mstore(0x24, length)
        mstore(0x44, message)
        revert(0, 0x64)
      }
      // Bit j (0..15) of x to bit 16j.
      function spread(x) -> y {
        y := or(and(x, 0xff), shl(120, and(x, 0xff00)))
        y := or(and(y, 0xf0000000000000000000000000000000f), shl(60, and(y, 0xf0000000000000000000000000000000f0)))
        y := or(
          and(y, 0x3000000000000000300000000000000030000000000000003),
          shl(30, and(y, 0xc000000000000000c000000000000000c000000000000000c))
        )
        y := or(
          and(y, 0x100000001000000010000000100000001000000010000000100000001),
          shl(15, and(y, 0x200000002000000020000000200000002000000020000000200000002))
        )
      }
      let firstN := not(shr(shl(3, n), not(0)))
      let outOfBounds := and(
        and(
          or(rawObservers, add(and(rawObservers, 0x7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f), 0x6161616161616161616161616161616161616161616161616161616161616161)),
          0x8080808080808080808080808080808080808080808080808080808080808080
        ),
        firstN
      )
      let seen := 0
      switch outOfBounds
      case 0 {
        for { let i := 0 } lt(i, n) { i := add(i, 1) } {
          let bit := shl(byte(i, rawObservers), 1)
          if and(seen, bit) {
            fail("observer index repeated", 23)
          }
          seen := or(seen, bit)
        }
      }
      default {
        for { let i := 0 } lt(i, n) { i := add(i, 1) } {
          let index := byte(i, rawObservers)
          if gt(index, 30) {
            fail("observer index out of bounds", 28)
          }
          let bit := shl(index, 1)
          if and(seen, bit) {
            fail("observer index repeated", 23)
          }
          seen := or(seen, bit)
        }
      }
      low := spread(and(seen, 0xffff))
      high := spread(shr(16, seen))
    }
  }

  /// @dev transmit checks 11–13: the sender is a transmitter of the current config, every
  /// signature recovers to a signer of it, and no two to the same one. Returns the sender's
  /// oracle index.
  function _authenticate(
    bytes calldata report,
    bytes32[] calldata rs,
    bytes32[] calldata ss,
    bytes32 rawVs,
    uint256 hot
  ) private view returns (uint256 txIndex) {
    (uint256 image, uint256 oracleCount) = _loadOracleSet(hot);
    // Constant-time lookups through the store's bucket tables, whichever oracles sign.
    txIndex = OracleSetStore.transmitterIndex(image, oracleCount, msg.sender);
    require(txIndex < oracleCount, "unauthorized transmitter");

    bytes32 digest = _hashCalldata(report);
    uint256 signedMask;
    for (uint256 i; i < rs.length; ++i) {
      address signer = _recover(digest, uint8(rawVs[i]), rs[i], ss[i]);
      // An unrecoverable signature yields address 0 and is accepted only if address 0 is a
      // configured signer, exactly as in 4.0.0.
      uint256 index = OracleSetStore.signerIndex(image, signer);
      require(index < oracleCount, "address not authorized to sign");
      uint256 bit = 1 << index;
      require(signedMask & bit == 0, "non-unique signature");
      signedMask |= bit;
    }
  }

  /// @dev keccak256 of calldata bytes, hashed in scratch memory past the free-memory pointer.
  function _hashCalldata(bytes calldata data) private pure returns (bytes32 digest) {
    assembly ("memory-safe") {
      let ptr := mload(0x40)
      calldatacopy(ptr, data.offset, data.length)
      digest := keccak256(ptr, data.length)
    }
  }

  /// @dev ecrecover with v ∈ {0, 1} mapped to {27, 28}. Any other v gives an invalid v to the
  /// precompile (27+v ∉ {27, 28}; 4.0.0 wrapped it mod 256, equally invalid), hence address 0.
  function _recover(bytes32 digest, uint256 v, bytes32 r, bytes32 s) private view returns (address signer) {
    assembly ("memory-safe") {
      let ptr := mload(0x40)
      mstore(ptr, digest)
      mstore(add(ptr, 0x20), add(v, 27))
      mstore(add(ptr, 0x40), r)
      mstore(add(ptr, 0x60), s)
      // The precompile writes nothing on failure, so clear the output word first.
      mstore(0, 0)
      if iszero(staticcall(gas(), 1, ptr, 0x80, 0, 0x20)) {
        revert(0, 0)
      }
      signer := mload(0)
    }
  }

  /// @dev transmit checks 14–16 and the effects: observations sorted, median in range; then the
  /// new round is stored, the hot word written, NewTransmission, NewRound and AnswerUpdated
  /// emitted, and the validator called, in 4.0.0's order.
  function _acceptReport(uint256 hot, bytes calldata report, uint256 firstObservation, uint256 n) private {
    require(ReportCalldata.isSorted(firstObservation, n), "observations not sorted");
    int192 median = ReportCalldata.observation(firstObservation, n / 2);
    require(minAnswer <= median && median <= maxAnswer, "median is out of min-max range");
    uint32 roundId;
    unchecked {
      // Wraps after 2^32 rounds like 4.0.0's uint32.
      roundId = HotVars.latestAggregatorRoundId(hot) + 1;
    }
    // Written before the validator call (4.0.0 wrote it after): a re-entrant transmit from
    // the validator then sees this report as the latest and is rejected as stale.
    s_hotVars = HotVars.withReport(hot, HotVars.latestEpochAndRound(hot), roundId);

    // One SSTORE of the packed {answer, timestamp} word instead of a read-modify-write per
    // member (a fresh slot: 22,100 gas either way, but the member-wise path adds ~200).
    assembly ("memory-safe") {
      // Narrow Solidity values may carry dirty high bits into assembly: mask the uint32 key.
      mstore(0, and(roundId, 0xffffffff))
      mstore(0x20, s_transmissions.slot)
      let slot := keccak256(0, 0x40)
      sstore(slot, or(and(median, 0xffffffffffffffffffffffffffffffffffffffffffffffff), shl(192, timestamp())))
    }

    _emitNewTransmission(roundId, median, report, firstObservation, n);
    emit NewRound(roundId, address(0), block.timestamp);
    emit AnswerUpdated(median, roundId, block.timestamp);
    // The hot word's validator bit spares the cold read of the validator slot when none is set.
    if (HotVars.hasValidator(hot)) _validateAnswer(roundId, median);
  }

  /// @dev NewTransmission built in memory by hand: the observations are copied from calldata
  /// with one CALLDATACOPY, where the ABI encoder would need them decoded into a memory array
  /// first and then re-encoded word by word. Observation words are logged as received (like
  /// 4.0.0, whose ABI coder v1 copied them unchanged).
  function _emitNewTransmission(
    uint32 roundId,
    int192 median,
    bytes calldata report,
    uint256 firstObservation,
    uint256 n
  ) private {
    bytes32 topic0 = NewTransmission.selector;
    assembly ("memory-safe") {
      let ptr := mload(0x40)
      let observationBytes := shl(5, n)
      // Head: answer, transmitter, offset of observations, offset of observers, rawReportContext.
      // Clean int192 → int256: assembly may see dirty high bits of narrow Solidity values.
      mstore(ptr, signextend(23, median))
      mstore(add(ptr, 0x20), caller())
      mstore(add(ptr, 0x40), 0xa0)
      mstore(add(ptr, 0x60), add(0xc0, observationBytes))
      mstore(add(ptr, 0x80), calldataload(report.offset))
      // observations: length, words
      mstore(add(ptr, 0xa0), n)
      calldatacopy(add(ptr, 0xc0), firstObservation, observationBytes)
      // observers: length n, then the first n bytes of rawObservers, zero-padded
      let tail := add(add(ptr, 0xc0), observationBytes)
      mstore(tail, n)
      let keepFirstN := not(shr(shl(3, n), not(0)))
      mstore(add(tail, 0x20), and(calldataload(add(report.offset, 0x20)), keepFirstN))
      log2(ptr, add(0x100, observationBytes), topic0, and(roundId, 0xffffffff))
    }
  }

  /// @dev Calls the validator, if any, with exactly its gas limit (transmit check 16).
  function _validateAnswer(uint32 roundId, int256 answer) private {
    ValidatorConfig memory config = s_validatorConfig;
    if (address(config.validator) == address(0)) return;
    uint32 previousRoundId;
    unchecked {
      previousRoundId = roundId - 1;
    }
    int256 previousAnswer = s_transmissions[previousRoundId].answer;
    bytes memory data = abi.encodeCall(
      AggregatorValidatorInterface.validate,
      (uint256(previousRoundId), previousAnswer, uint256(roundId), answer)
    );
    require(_callWithExactGas(config.gasLimit, address(config.validator), data), "insufficient gas");
  }

  /// @dev Calls `target` with exactly `gasAmount` gas, ignoring the outcome (the target need not
  /// be a contract). Returns false, without calling, when that much gas cannot be forwarded:
  /// after keeping CALL_WITH_EXACT_GAS_CUSHION back for the instructions up to the CALL,
  /// EIP-150 passes on at most 63/64 of what is left.
  function _callWithExactGas(uint256 gasAmount, address target, bytes memory data) private returns (bool sufficientGas) {
    assembly ("memory-safe") {
      let g := gas()
      if iszero(lt(g, CALL_WITH_EXACT_GAS_CUSHION)) {
        g := sub(g, CALL_WITH_EXACT_GAS_CUSHION)
        if gt(sub(g, div(g, 64)), gasAmount) {
          pop(call(gasAmount, target, 0, add(data, 0x20), mload(data), 0, 0))
          sufficientGas := 1
        }
      }
    }
  }

  /// @notice The latest report's config digest, epoch and round, with the latest answer and its
  /// timestamp. Only for externally owned accounts (and eth_call), as oracles use it.
  function latestTransmissionDetails()
    external
    view
    returns (bytes16 configDigest, uint32 epoch, uint8 round, int192 latestAnswer, uint64 latestTimestamp)
  {
    require(msg.sender == tx.origin, "Only callable by EOA");
    uint256 hot = s_hotVars;
    uint40 epochAndRound = HotVars.latestEpochAndRound(hot);
    Transmission memory latest = s_transmissions[HotVars.latestAggregatorRoundId(hot)];
    return (HotVars.configDigest(hot), uint32(epochAndRound >> 8), uint8(epochAndRound), latest.answer, latest.timestamp);
  }

  // ---------------------------------------------------------------------------------------------
  // Round requests

  /// @notice Ask the oracles for a new round now. Emits RoundRequested with the latest report's
  /// digest, epoch and round; returns the id the next round will get. Owner or allowed requesters.
  function requestNewRound() external returns (uint80) {
    require(
      msg.sender == owner || s_requesterAccessController.hasAccess(msg.sender, msg.data),
      "Only owner&requester can call"
    );
    uint256 hot = s_hotVars;
    uint40 epochAndRound = HotVars.latestEpochAndRound(hot);
    emit RoundRequested(msg.sender, HotVars.configDigest(hot), uint32(epochAndRound >> 8), uint8(epochAndRound));
    unchecked {
      // uint32 arithmetic like 4.0.0 (wraps only after 2^32 rounds).
      return HotVars.latestAggregatorRoundId(hot) + 1;
    }
  }

  /// @notice Set who besides the owner may call requestNewRound. Emits only on change.
  function setRequesterAccessController(AccessControllerInterface _requesterAccessController) external onlyOwner {
    _setRequesterAccessController(_requesterAccessController);
  }

  /// @notice The requester access controller (address 0 if none).
  function requesterAccessController() external view returns (AccessControllerInterface) {
    return s_requesterAccessController;
  }

  function _setRequesterAccessController(AccessControllerInterface controller) private {
    AccessControllerInterface old = s_requesterAccessController;
    if (controller != old) {
      s_requesterAccessController = controller;
      emit RequesterAccessControllerSet(old, controller);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Validator

  /// @notice Set the validator called after each new answer and the exact gas it gets
  /// (address 0 = none). Emits ValidatorConfigSet only on change.
  function setValidatorConfig(AggregatorValidatorInterface _newValidator, uint32 _newGasLimit) external onlyOwner {
    ValidatorConfig memory previous = s_validatorConfig;
    if (previous.validator != _newValidator || previous.gasLimit != _newGasLimit) {
      s_validatorConfig = ValidatorConfig(_newValidator, _newGasLimit);
      s_hotVars = HotVars.withValidator(s_hotVars, address(_newValidator) != address(0));
      emit ValidatorConfigSet(previous.validator, previous.gasLimit, _newValidator, _newGasLimit);
    }
  }

  /// @notice The validator and its gas limit.
  function validatorConfig() external view returns (AggregatorValidatorInterface validator, uint32 gasLimit) {
    ValidatorConfig memory config = s_validatorConfig;
    return (config.validator, config.gasLimit);
  }

  // ---------------------------------------------------------------------------------------------
  // Read API (AggregatorInterface, AggregatorV3Interface). Each read that reveals an answer, and
  // description, passes `checkAccess` (ReadAccessGate): open here, gated by the allowlist in
  // AccessControlledOffchainAggregator.

  /// @notice Answer of the latest round (0 before the first report).
  function latestAnswer() public view virtual override checkAccess returns (int256) {
    return s_transmissions[HotVars.latestAggregatorRoundId(s_hotVars)].answer;
  }

  /// @notice Block timestamp of the latest report (0 before the first).
  function latestTimestamp() public view virtual override checkAccess returns (uint256) {
    return s_transmissions[HotVars.latestAggregatorRoundId(s_hotVars)].timestamp;
  }

  /// @notice Id of the latest round (0 before the first report).
  function latestRound() public view virtual override checkAccess returns (uint256) {
    return HotVars.latestAggregatorRoundId(s_hotVars);
  }

  /// @notice Answer of round `_roundId`; 0 for rounds that do not exist.
  function getAnswer(uint256 _roundId) public view virtual override checkAccess returns (int256) {
    if (_roundId > type(uint32).max) return 0;
    return s_transmissions[uint32(_roundId)].answer;
  }

  /// @notice Timestamp of round `_roundId`; 0 for rounds that do not exist.
  function getTimestamp(uint256 _roundId) public view virtual override checkAccess returns (uint256) {
    if (_roundId > type(uint32).max) return 0;
    return s_transmissions[uint32(_roundId)].timestamp;
  }

  /// @notice Human-readable name of the feed.
  function description() public view virtual override checkAccess returns (string memory) {
    return s_description;
  }

  /// @notice Data of round `_roundId`: zeros (apart from the id) for a round that does not exist
  /// yet; reverts "No data present" only for ids that cannot exist (above 2^32 − 1).
  function getRoundData(uint80 _roundId)
    public
    view
    virtual
    override
    checkAccess
    returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
  {
    require(_roundId <= type(uint32).max, V3_NO_DATA_ERROR);
    Transmission memory transmission = s_transmissions[uint32(_roundId)];
    return (_roundId, transmission.answer, transmission.timestamp, transmission.timestamp, _roundId);
  }

  /// @notice Data of the latest round. Never reverts: all zeros before the first report.
  function latestRoundData()
    public
    view
    virtual
    override
    checkAccess
    returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
  {
    roundId = HotVars.latestAggregatorRoundId(s_hotVars);
    Transmission memory transmission = s_transmissions[uint32(roundId)];
    return (roundId, transmission.answer, transmission.timestamp, transmission.timestamp, roundId);
  }

  /// @notice "OffchainAggregator 4.0.0".
  function typeAndVersion() external pure virtual override returns (string memory) {
    return "OffchainAggregator 4.0.0";
  }
}
