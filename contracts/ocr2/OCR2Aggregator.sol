// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {AccessControllerInterface} from "../interfaces/AccessControllerInterface.sol";
import {AggregatorV2V3Interface} from "../interfaces/AggregatorV2V3Interface.sol";
import {AggregatorValidatorInterface} from "../interfaces/AggregatorValidatorInterface.sol";
import {LinkTokenInterface} from "../interfaces/LinkTokenInterface.sol";
import {TypeAndVersionInterface} from "../interfaces/TypeAndVersionInterface.sol";
import {ReadAccessGate} from "../access/ReadAccessGate.sol";
import {OracleSetStore} from "../libraries/OracleSetStore.sol";
import {Payees} from "../libraries/Payees.sol";
import {ConfirmedOwner} from "./access/ConfirmedOwner.sol";
import {OCR2HotVars} from "./libraries/OCR2HotVars.sol";
import {OCR2OracleSet} from "./libraries/OCR2OracleSet.sol";

/// @title OCR2Aggregator
/// @notice An OCR2 median price feed, interface-compatible with Chainlink's OCR2Aggregator 1.0.0
/// (libocr contract2): the same constructor, functions, events, revert strings and accept/reject
/// decision for every input ("the reference" in the comments below). Up to 31 oracles agree off chain on a report; one transmits it
/// with exactly f+1 signatures over keccak256(keccak256(report) ‖ reportContext); the report's
/// middle observation becomes the answer of the next round. Billing pays every configured
/// oracle per round and reimburses the transmitter's gas in LINK at the report's juelsPerFeeCoin.
/// @dev What transmit reads is arranged so it touches as little cold state as possible:
/// - slot 11 (the hot word, see OCR2HotVars) keeps Chainlink's layout in its low 232 bits and
///   adds the oracle count, a validator-present bit and the nonce of the oracle-set store;
/// - the config digest, the signers and a bucket table that finds a signer's index in constant
///   time live in the code of a data-only contract (OCR2OracleSet), read with one EXTCODECOPY;
/// - the report is read in place from calldata, and the events are built by hand.
/// Slots 11 (hot word) and 12 (transmissions) hold what they hold in Chainlink's contract, for
/// tools that read them directly. notes/ocr2-contracts.md lists every deliberate difference.
contract OCR2Aggregator is ConfirmedOwner, AggregatorV2V3Interface, TypeAndVersionInterface, ReadAccessGate {
  /// @notice A transmitter of the current config: its oracle index and the LINK it is owed for
  /// gas and transmissions (Juels; observation rewards are counted in rounds, see below).
  struct Transmitter {
    bool active;
    uint8 index;
    uint96 paymentJuels;
  }

  /// @notice One stored round, packed into one slot as in Chainlink's contract.
  struct Transmission {
    int192 answer;
    uint32 observationsTimestamp;
    uint32 transmissionTimestamp;
  }

  /// @notice The validator called after each new answer, and the exact gas it gets.
  struct ValidatorConfig {
    AggregatorValidatorInterface validator;
    uint32 gasLimit;
  }

  /// @dev The most oracles a config may have.
  uint256 internal constant MAX_NUM_ORACLES = 31;
  /// @dev Gas kept back for the code between measuring gasleft() and the validator CALL.
  uint256 private constant CALL_WITH_EXACT_GAS_CUSHION = 5_000;
  /// @dev transmit calldata besides the report bytes and signature words: selector (4), the
  /// three context words, three offsets, rawVs and three length words (10 words).
  uint256 private constant TRANSMIT_FIXED_CALLDATA_BYTES = 324;
  /// @dev Offsets in the oracle-set store image (see OCR2OracleSet): salt, bucket table,
  /// sentinel word, then the signers one word each. Plain numbers so assembly can use them.
  uint256 private constant STORE_SALT = 32;
  uint256 private constant STORE_TABLE = 64;
  uint256 private constant STORE_SENTINEL = 320;
  uint256 private constant STORE_SIGNERS = 352;
  /// @dev Report bytes besides the observations: timestamp, observers, offset, juels, length.
  uint256 private constant REPORT_FIXED_BYTES = 32 * 5;

  /// @notice Interface version, as AggregatorV3Interface defines it.
  uint256 public constant override version = 6;
  /// @notice Decimals of the answers.
  uint8 public immutable override decimals;
  /// @notice Lowest median accepted.
  int192 public immutable minAnswer;
  /// @notice Highest median accepted.
  int192 public immutable maxAnswer;

  // Storage, slot by slot as in Chainlink's AccessControlledOCR2Aggregator 1.0.0 (slots 0 and 1
  // are ConfirmedOwner's owner and pending owner).
  /// @dev slot 2
  mapping(address transmitter => Transmitter) internal s_transmitters;
  /// @dev slots 3-5: Chainlink keeps the signer map and both address lists here; this contract
  /// keeps them in the oracle-set store instead. Reserved so the slots after keep their numbers.
  uint256[3] private s_reservedOracleListSlots;
  /// @dev slots 6-9: per oracle index, the round from which its observation reward counts.
  uint32[31] internal s_rewardFromAggregatorRoundId;
  /// @dev slot 10 (also in the oracle-set store, where transmit reads it)
  bytes32 internal s_latestConfigDigest;
  /// @dev slot 11, see OCR2HotVars
  uint256 internal s_hotVars;
  /// @dev slot 12
  mapping(uint32 aggregatorRoundId => Transmission) internal s_transmissions;
  /// @dev slot 13
  uint32 internal s_configCount;
  uint32 internal s_latestConfigBlockNumber;
  /// @dev slot 14
  ValidatorConfig private s_validatorConfig;
  /// @dev slot 15
  AccessControllerInterface internal s_requesterAccessController;
  /// @dev slot 16
  string internal s_description;
  /// @dev slot 17
  LinkTokenInterface internal s_linkToken;
  /// @dev slot 18
  AccessControllerInterface internal s_billingAccessController;
  /// @dev slots 19 and 20: payee of each transmitter, and a proposed new one
  mapping(address transmitter => address payee) internal s_payees;
  mapping(address transmitter => address payee) internal s_proposedPayees;

  event ConfigSet(
    uint32 previousConfigBlockNumber,
    bytes32 configDigest,
    uint64 configCount,
    address[] signers,
    address[] transmitters,
    uint8 f,
    bytes onchainConfig,
    uint64 offchainConfigVersion,
    bytes offchainConfig
  );
  /// @notice Declared by Chainlink's OCR2Abstract for contracts that report through logs; this
  /// aggregator never emits it (latestConfigDigestAndEpoch answers scanLogs = false).
  event Transmitted(bytes32 configDigest, uint32 epoch);
  event NewTransmission(
    uint32 indexed aggregatorRoundId,
    int192 answer,
    address transmitter,
    uint32 observationsTimestamp,
    int192[] observations,
    bytes observers,
    int192 juelsPerFeeCoin,
    bytes32 configDigest,
    uint40 epochAndRound
  );
  event RoundRequested(address indexed requester, bytes32 configDigest, uint32 epoch, uint8 round);
  event RequesterAccessControllerSet(AccessControllerInterface old, AccessControllerInterface current);
  event ValidatorConfigSet(
    AggregatorValidatorInterface indexed previousValidator,
    uint32 previousGasLimit,
    AggregatorValidatorInterface indexed currentValidator,
    uint32 currentGasLimit
  );
  event LinkTokenSet(LinkTokenInterface indexed oldLinkToken, LinkTokenInterface indexed newLinkToken);
  event BillingAccessControllerSet(AccessControllerInterface old, AccessControllerInterface current);
  event BillingSet(
    uint32 maximumGasPriceGwei,
    uint32 reasonableGasPriceGwei,
    uint32 observationPaymentGjuels,
    uint32 transmissionPaymentGjuels,
    uint24 accountingGas
  );
  event OraclePaid(
    address indexed transmitter,
    address indexed payee,
    uint256 amount,
    LinkTokenInterface indexed linkToken
  );
  // PayeeshipTransferRequested and PayeeshipTransferred are declared by the Payees library.

  /// @param link the LINK token oracles are paid in (emits LinkTokenSet(0, link) even for 0)
  /// @param minAnswer_ lowest median accepted
  /// @param maxAnswer_ highest median accepted
  /// @param billingAccessController who besides the owner may change billing (0 = nobody)
  /// @param requesterAccessController who besides the owner may request rounds (0 = nobody)
  /// @param decimals_ decimals of the answers
  /// @param description_ human-readable feed name
  /// @dev Billing starts all zero until setBilling; the deployer is the owner.
  constructor(
    LinkTokenInterface link,
    int192 minAnswer_,
    int192 maxAnswer_,
    AccessControllerInterface billingAccessController,
    AccessControllerInterface requesterAccessController,
    uint8 decimals_,
    string memory description_
  ) {
    s_linkToken = link;
    emit LinkTokenSet(LinkTokenInterface(address(0)), link);
    _setBillingAccessController(billingAccessController);
    decimals = decimals_;
    s_description = description_;
    _setRequesterAccessController(requesterAccessController);
    // The validator config starts as (0, 0), storage's default, which emits nothing.
    minAnswer = minAnswer_;
    maxAnswer = maxAnswer_;
  }

  // ---------------------------------------------------------------------------------------------
  // Configuration

  /// @notice Replace the oracle set and the protocol config. Owner only. Pays every current
  /// oracle first, resets the latest epoch and round (round ids carry on), and emits ConfigSet,
  /// from which oracles compute the config digest.
  /// @param signers on-chain signing address of each oracle
  /// @param transmitters transmitting address of each oracle, same order
  /// @param f the number of faulty oracles to tolerate; n must exceed 3f and f must be positive
  /// @param onchainConfig exactly 0x01 ‖ int192 minAnswer ‖ int192 maxAnswer (49 bytes)
  /// @param offchainConfigVersion version of offchainConfig, passed through
  /// @param offchainConfig the oracles' config, passed through and never parsed here
  function setConfig(
    address[] memory signers,
    address[] memory transmitters,
    uint8 f,
    bytes memory onchainConfig,
    uint64 offchainConfigVersion,
    bytes memory offchainConfig
  ) external onlyOwner {
    require(signers.length <= MAX_NUM_ORACLES, "too many oracles");
    require(signers.length == transmitters.length, "oracle length mismatch");
    // uint8 arithmetic on purpose: like the reference, f >= 86 overflows here (Panic 0x11).
    require(3 * f < signers.length, "faulty-oracle f too high");
    _requirePositiveF(f);
    require(
      keccak256(onchainConfig) == keccak256(abi.encodePacked(uint8(1), minAnswer, maxAnswer)),
      "invalid onchainConfig"
    );

    _payOracles();
    _replaceTransmitters(signers, transmitters);

    uint32 previousConfigBlockNumber = s_latestConfigBlockNumber;
    s_latestConfigBlockNumber = uint32(block.number);
    uint32 configCount = s_configCount + 1;
    s_configCount = configCount;
    bytes32 digest = _configDigestFromConfigData(
      block.chainid,
      address(this),
      configCount,
      signers,
      transmitters,
      f,
      onchainConfig,
      offchainConfigVersion,
      offchainConfig
    );
    s_latestConfigDigest = digest;
    // One store per config, so its CREATE nonce is the config count.
    OCR2OracleSet.deploy(digest, signers, transmitters, configCount);

    uint256 hot = s_hotVars;
    s_hotVars = OCR2HotVars.withConfig(hot, f, signers.length, configCount);
    emit ConfigSet(
      previousConfigBlockNumber,
      digest,
      configCount,
      signers,
      transmitters,
      f,
      onchainConfig,
      offchainConfigVersion,
      offchainConfig
    );
    uint32 latestAggregatorRoundId = OCR2HotVars.latestAggregatorRoundId(hot);
    for (uint256 i; i < signers.length; ++i) {
      s_rewardFromAggregatorRoundId[i] = latestAggregatorRoundId;
    }
  }

  /// @dev setConfig's f > 0 rule, virtual as in the reference.
  function _requirePositiveF(uint256 f) internal pure virtual {
    require(0 < f, "f must be positive");
  }

  /// @dev Unregisters the current transmitters, then registers the new oracles in order, checking
  /// per oracle first the signer, then the transmitter, against those registered before it.
  function _replaceTransmitters(address[] memory signers, address[] memory transmitters) private {
    (address store, uint256 oldCount) = _currentStore();
    if (oldCount != 0) {
      address[] memory old = OCR2OracleSet.transmitterList(store, oldCount);
      for (uint256 i; i < oldCount; ++i) {
        delete s_transmitters[old[i]];
      }
    }
    for (uint256 i; i < signers.length; ++i) {
      address signer = signers[i];
      for (uint256 j; j < i; ++j) {
        require(signers[j] != signer, "repeated signer address");
      }
      require(!s_transmitters[transmitters[i]].active, "repeated transmitter address");
      s_transmitters[transmitters[i]] = Transmitter({active: true, index: uint8(i), paymentJuels: 0});
    }
  }

  /// @dev The config digest: keccak256 of the ABI-encoded config with its top two bytes replaced
  /// by 0x0001, the prefix of EVM chains with this digest scheme.
  function _configDigestFromConfigData(
    uint256 chainId,
    address contractAddress,
    uint64 configCount,
    address[] memory signers,
    address[] memory transmitters,
    uint8 f,
    bytes memory onchainConfig,
    uint64 offchainConfigVersion,
    bytes memory offchainConfig
  ) internal pure returns (bytes32) {
    uint256 h = uint256(
      keccak256(
        abi.encode(
          chainId,
          contractAddress,
          configCount,
          signers,
          transmitters,
          f,
          onchainConfig,
          offchainConfigVersion,
          offchainConfig
        )
      )
    );
    uint256 prefixMask = type(uint256).max << (256 - 16);
    uint256 prefix = 0x0001 << (256 - 16);
    return bytes32(prefix | (h & ~prefixMask));
  }

  /// @dev The oracle-set store of the current config and the oracle count (0 before a config).
  function _currentStore() private view returns (address store, uint256 n) {
    uint256 hot = s_hotVars;
    n = OCR2HotVars.oracleCount(hot);
    if (n != 0) store = OracleSetStore.predictAddress(OCR2HotVars.storeNonce(hot));
  }

  /// @notice Number of configs set so far, the block of the latest one and its digest (all zero
  /// before the first).
  function latestConfigDetails() external view returns (uint32 configCount, uint32 blockNumber, bytes32 configDigest) {
    return (s_configCount, s_latestConfigBlockNumber, s_latestConfigDigest);
  }

  /// @notice The transmitters of the current config, in setConfig order.
  function getTransmitters() external view returns (address[] memory) {
    return _transmitterList();
  }

  function _transmitterList() private view returns (address[] memory) {
    (address store, uint256 n) = _currentStore();
    if (n == 0) return new address[](0);
    return OCR2OracleSet.transmitterList(store, n);
  }

  // ---------------------------------------------------------------------------------------------
  // Transmission

  /// @notice Submit a signed report. Checks, in this order: newer (epoch, round) than the
  /// latest ("stale report"), sender a transmitter ("unauthorized transmitter"), context digest
  /// the latest ("configDigest mismatch"), exact calldata length ("calldata length mismatch"),
  /// exactly f+1 signatures ("wrong number of signatures", "signatures out of registration"),
  /// each from a distinct signer ("signature error", "duplicate signer"), the report well-formed
  /// ("report length mismatch"), 31 observations at most ("num observations out of bounds"),
  /// more than f ("too few values to trust median"), and the median in [minAnswer, maxAnswer]
  /// ("median is out of min-max range"). Then stores the round, emits NewTransmission, NewRound
  /// and AnswerUpdated, calls the validator ("insufficient gas") and pays the transmitter.
  /// @param reportContext config digest; 27 zero bytes ‖ epoch (uint32) ‖ round (uint8); extra hash
  /// @param report abi.encode(uint32 observationsTimestamp, bytes32 rawObservers,
  /// int192[] observations, int192 juelsPerFeeCoin); observations sorted, observers byte i = the
  /// oracle that made observation i
  /// @param rs r of each signature
  /// @param ss s of each signature
  /// @param rawVs byte i (most significant first) is v_i ∈ {0, 1} of signature i
  function transmit(
    bytes32[3] calldata reportContext,
    bytes calldata report,
    bytes32[] calldata rs,
    bytes32[] calldata ss,
    bytes32 rawVs
  ) external {
    // Everything from here on is reimbursed, so this must come first.
    uint256 initialGas = gasleft();
    // The ABI decoder has validated the arguments; the body reads them from their calldata
    // positions (see the layout in _transmit), which keeps them off its stack.
    (reportContext, report, rs, ss, rawVs);
    _transmit(initialGas);
  }

  /// @dev The body of transmit. Calldata layout after the selector (validated by the decoder):
  /// 0x04-0x64 reportContext, 0x64 / 0x84 / 0xa4 offsets of report / rs / ss, 0xc4 rawVs.
  ///
  /// Gas notes (measured with an opcode trace; a plain-Solidity version cost ~3k more at 4/1):
  /// - One cold SLOAD of the hot word, one of the sender's Transmitter slot (its `active` flag
  ///   is the authorization check, its payment the one slot billing writes), one cold
  ///   EXTCODECOPY of the oracle-set store for the digest and the signers: 6,800 gas whatever n
  ///   (the reference reads the digest slot, the validator slot and one slot per signature).
  /// - A signature is placed by its bucket (one MUL, one table byte, one comparison), not by a
  ///   scan over the signers, so the cost per signature does not grow with n or with which
  ///   oracles sign.
  /// - The report is read in place; only its bytes are copied once, for hashing, and the
  ///   observations once more, into the log.
  function _transmit(uint256 initialGas) private {
    uint256 hot = s_hotVars;
    uint256 transmitterSlot;
    uint256 reportData;
    uint256 first;
    uint256 n;
    bool canonical;
    // Marked memory-safe although the signature loop borrows 0x40 and 0x60: both are restored
    // before anything else reads them, as in Solady's ECDSA, which is annotated the same way.
    assembly ("memory-safe") {
      function fail(message, length) {
        mstore(0, shl(224, 0x08c379a0))
        mstore(4, 0x20)
        mstore(0x24, length)
        mstore(0x44, message)
        revert(0, 0x64)
      }
      // OR of (word + addend) over the calldata words [start, finish), count = their number.
      function orWords(start, finish, count, addend) -> acc {
        switch lt(count, 8)
        case 1 {
          switch lt(count, 4)
          case 1 {
            for { let q := start } lt(q, finish) { q := add(q, 0x20) } {
              acc := or(acc, add(calldataload(q), addend))
            }
          }
          default {
            // Four words at the start and four ending at the end (overlapping for 4..7).
            let q := sub(finish, 0x80)
            acc := or(
              or(
                or(add(calldataload(start), addend), add(calldataload(add(start, 0x20)), addend)),
                or(add(calldataload(add(start, 0x40)), addend), add(calldataload(add(start, 0x60)), addend))
              ),
              or(
                or(add(calldataload(q), addend), add(calldataload(add(q, 0x20)), addend)),
                or(add(calldataload(add(q, 0x40)), addend), add(calldataload(add(q, 0x60)), addend))
              )
            )
          }
        }
        default {
          let lastBlock := sub(finish, 0x100)
          for { let q := start } 1 { q := add(q, 0x100) } {
            if gt(q, lastBlock) {
              q := lastBlock
            }
            acc := or(
              acc,
              or(
                or(
                  or(add(calldataload(q), addend), add(calldataload(add(q, 0x20)), addend)),
                  or(add(calldataload(add(q, 0x40)), addend), add(calldataload(add(q, 0x60)), addend))
                ),
                or(
                  or(add(calldataload(add(q, 0x80)), addend), add(calldataload(add(q, 0xa0)), addend)),
                  or(add(calldataload(add(q, 0xc0)), addend), add(calldataload(add(q, 0xe0)), addend))
                )
              )
            )
            if eq(q, lastBlock) {
              break
            }
          }
        }
      }

      // OR of the calldata words [start, finish), count = their number (the no-negatives test).
      function orRaw(start, finish, count) -> acc {
        switch lt(count, 8)
        case 1 {
          switch lt(count, 4)
          case 1 {
            for { let q := start } lt(q, finish) { q := add(q, 0x20) } {
              acc := or(acc, calldataload(q))
            }
          }
          default {
            // Four words at the start and four ending at the end (overlapping for 4..7).
            let q := sub(finish, 0x80)
            acc := or(
              or(
                or(calldataload(start), calldataload(add(start, 0x20))),
                or(calldataload(add(start, 0x40)), calldataload(add(start, 0x60)))
              ),
              or(
                or(calldataload(q), calldataload(add(q, 0x20))),
                or(calldataload(add(q, 0x40)), calldataload(add(q, 0x60)))
              )
            )
          }
        }
        default {
          // Sixteen words per block from 16 words on (the loop's jumps amortised further).
          let blockBytes := 0x100
          if gt(count, 15) {
            blockBytes := 0x200
          }
          let lastBlock := sub(finish, blockBytes)
          for { let q := start } 1 { q := add(q, blockBytes) } {
            if gt(q, lastBlock) {
              q := lastBlock
            }
            acc := or(
              acc,
              or(
                or(
                  or(calldataload(q), calldataload(add(q, 0x20))),
                  or(calldataload(add(q, 0x40)), calldataload(add(q, 0x60)))
                ),
                or(
                  or(calldataload(add(q, 0x80)), calldataload(add(q, 0xa0))),
                  or(calldataload(add(q, 0xc0)), calldataload(add(q, 0xe0)))
                )
              )
            )
            if gt(blockBytes, 0x100) {
              let r := add(q, 0x100)
              acc := or(
                acc,
                or(
                  or(
                    or(calldataload(r), calldataload(add(r, 0x20))),
                    or(calldataload(add(r, 0x40)), calldataload(add(r, 0x60)))
                  ),
                  or(
                    or(calldataload(add(r, 0x80)), calldataload(add(r, 0xa0))),
                    or(calldataload(add(r, 0xc0)), calldataload(add(r, 0xe0)))
                  )
                )
              )
            }
            if eq(q, lastBlock) {
              break
            }
          }
        }
      }
      // 1. stale report: epoch << 8 | round must exceed the latest (bits 8..47 of the hot word).
      if iszero(lt(and(shr(8, hot), 0xffffffffff), and(calldataload(0x24), 0xffffffffff))) {
        fail("stale report", 12)
      }
      // 2. unauthorized transmitter: Transmitter.active is the low byte of its packed slot.
      mstore(0, caller())
      mstore(0x20, s_transmitters.slot)
      transmitterSlot := keccak256(0, 0x40)
      if iszero(and(sload(transmitterSlot), 0xff)) {
        fail("unauthorized transmitter", 24)
      }
      // The signed hash, keccak256(keccak256(report) ‖ reportContext), computed first (it cannot
      // fail) in memory the oracle-set image then overwrites, which keeps memory small.
      let image := mload(0x40)
      let reportPos := add(4, calldataload(0x64))
      let reportLength := calldataload(reportPos)
      reportData := add(reportPos, 0x20)
      calldatacopy(image, reportData, reportLength)
      mstore(image, keccak256(image, reportLength))
      calldatacopy(add(image, 0x20), 4, 0x60)
      let h := keccak256(image, 0x80)

      // 3. configDigest mismatch, against the digest at the head of the oracle-set store. A
      // registered transmitter implies a config, so the store exists. Its address is the CREATE
      // address of this contract for nonce = config count (bits 238..255): RLP([this, nonce]).
      let nonce := shr(238, hot)
      switch lt(nonce, 0x80)
      case 1 {
        mstore(image, or(shl(248, 0xd6), or(shl(240, 0x94), shl(80, address()))))
        mstore8(add(image, 22), nonce)
        mstore(0, keccak256(image, 23))
      }
      default {
        let k := add(add(1, gt(nonce, 0xff)), gt(nonce, 0xffff))
        mstore(image, or(shl(248, add(0xd6, k)), or(shl(240, 0x94), shl(80, address()))))
        mstore8(add(image, 22), add(0x80, k))
        mstore(add(image, 23), shl(sub(256, shl(3, k)), nonce))
        mstore(0, keccak256(image, add(23, k)))
      }
      let imageSize := add(STORE_SIGNERS, shl(5, and(shr(232, hot), 0x1f)))
      // EXTCODECOPY reads only the low 160 bits of its address operand.
      extcodecopy(mload(0), image, 1, imageSize)
      if iszero(eq(mload(image), calldataload(4))) {
        fail("configDigest mismatch", 21)
      }
      // 4. calldata length mismatch: fixed bytes + report + 32 per r and per s. Lengths are
      // below 2^64 (decoder), so nothing wraps.
      let rsPos := add(4, calldataload(0x84))
      let numSignatures := calldataload(rsPos)
      let ssPos := add(4, calldataload(0xa4))
      if iszero(eq(calldatasize(), add(add(TRANSMIT_FIXED_CALLDATA_BYTES, reportLength), shl(5, add(numSignatures, calldataload(ssPos)))))) {
        fail("calldata length mismatch", 24)
      }
      // 5. exactly f + 1 signatures; 6. as many s as r.
      if iszero(eq(numSignatures, add(and(hot, 0xff), 1))) {
        fail("wrong number of signatures", 26)
      }
      if iszero(eq(numSignatures, calldataload(ssPos))) {
        fail("signatures out of registration", 30)
      }

      // 7. signature error, per signature; 8. duplicate signer, once after all of them (the
      // reference counts signatures per signer first and checks the counts at the end).
      //
      // A v byte of 229 or more overflows uint8 when the reference adds 27: Panic(0x11) when its
      // loop reaches that signature. One test of the high bits of all used v bytes rules that
      // out in the normal case; otherwise the loop stops before the first such signature and
      // panics after it (earlier signatures still fail first with "signature error").
      let vs := calldataload(0xc4)
      let panicAt := numSignatures
      if and(
        vs,
        and(0x8080808080808080808080808080808080808080808080808080808080808080, not(shr(shl(3, numSignatures), not(0))))
      ) {
        for { let i := 0 } lt(i, numSignatures) { i := add(i, 1) } {
          if gt(byte(i, vs), 228) {
            panicAt := i
            break
          }
        }
      }
      let salt := mload(add(image, STORE_SALT))
      let table := add(image, STORE_TABLE)
      // Table entry e = 8·(index + 1) names the word at sentinel + 4·e: signer `index`, or for
      // e = 0 (empty bucket) the sentinel 0xff…ff, which equals no address (see OCR2OracleSet).
      let sentinel := add(image, STORE_SENTINEL)
      let ssMinusRs := sub(ssPos, rsPos)
      // One byte per signer, counting its signatures (the reference's scheme; e is the bit
      // offset of the byte): a count of 2 or more sets a bit of 0xfe in its byte.
      let signedCount := 0
      // ecrecover's input lives at 0x00-0x7f (h, v, r, s) with constant offsets: this borrows
      // the free-memory pointer (0x40) and the zero slot (0x60) and restores both after the
      // loop (a technique from Solady's ECDSA). The output goes to the image's digest word,
      // which is dead by now.
      mstore(0, h)
      let end := add(add(rsPos, 0x20), shl(5, panicAt))
      for { let p := add(rsPos, 0x20) } lt(p, end) { p := add(p, 0x20) } {
        mstore(0x20, add(shr(248, vs), 27))
        vs := shl(8, vs)
        mstore(0x40, calldataload(p))
        mstore(0x60, calldataload(add(p, ssMinusRs)))
        // An invalid signature makes the precompile return nothing: clear the output word so it
        // reads as address 0 (a signer only if setConfig made it one, as in the reference). The
        // call itself fails only when it runs out of gas, which leaves too little to finish;
        // its status is not tested (17 gas a signature).
        mstore(image, 0)
        pop(staticcall(gas(), 1, 0, 0x80, image, 0x20))
        let signer := mload(image)
        let entry := byte(0, mload(add(table, shr(248, mul(signer, salt)))))
        if iszero(eq(mload(add(sentinel, shl(2, entry))), signer)) {
          fail("signature error", 15)
        }
        signedCount := add(signedCount, shl(entry, 1))
      }
      mstore(0x40, image)
      mstore(0x60, 0)
      if lt(panicAt, numSignatures) {
        mstore(0, shl(224, 0x4e487b71))
        mstore(4, 0x11)
        revert(0, 0x24)
      }
      if and(signedCount, 0xfefefefefefefefefefefefefefefefefefefefefefefefefefefefefefefefe) {
        fail("duplicate signer", 16)
      }

      // 9. The canonical report layout (offset 0x80, exactly 160 + 32·count bytes) is decoded
      // in place: each word must be of its type, else the empty revert abi.decode gives. A
      // word is a valid int192 iff adding 2^191 leaves its top 64 bits clear.
      let count := calldataload(add(reportData, 0x80))
      if and(
        and(gt(reportLength, 159), eq(calldataload(add(reportData, 0x40)), 0x80)),
        and(lt(count, 0x100000000), eq(reportLength, add(160, shl(5, count))))
      ) {
        // Fast test for the usual case, no negative values: the OR of the raw words has its top
        // 65 bits clear. Otherwise the exact test: a word is a valid int192 iff adding 2^191
        // leaves its top 64 bits clear; OR those sums and test once (shr distributes over or).
        // Both go eight words per block, the last block overlapping the previous one rather
        // than a tail loop (re-testing a word is harmless); fewer than eight go one by one.
        first := add(reportData, 0xa0)
        let observationsEnd := add(first, shl(5, count))
        let acc := or(calldataload(add(reportData, 0x60)), orRaw(first, observationsEnd, count))
        if shr(191, acc) {
          let half := shl(191, 1)
          acc := or(add(calldataload(add(reportData, 0x60)), half), orWords(first, observationsEnd, count, half))
        }
        if or(shr(32, calldataload(reportData)), shr(192, acc)) {
          revert(0, 0)
        }
        n := count
        canonical := 1
      }
    }
    if (!canonical) (first, n) = _locateObservationsSlow(reportData);
    _acceptAndPay(hot, reportData, first, n, initialGas, transmitterSlot);
  }

  /// @dev The reference's decoding for any non-canonical report: abi.decode over a memory copy
  /// (reverting, or panicking on an unallocatable length, exactly as it does), then the length
  /// rule. The decoded words equal the calldata words, which is where the rest reads them.
  function _locateObservationsSlow(uint256 reportData) private pure returns (uint256 first, uint256 n) {
    bytes memory copy;
    assembly ("memory-safe") {
      let length := calldataload(sub(reportData, 0x20))
      copy := mload(0x40)
      mstore(copy, length)
      calldatacopy(add(copy, 0x20), reportData, length)
      mstore(0x40, add(add(copy, 0x20), and(add(length, 31), not(31))))
    }
    (, , int192[] memory observations, ) = abi.decode(copy, (uint32, bytes32, int192[], int192));
    require(copy.length == REPORT_FIXED_BYTES + 32 * observations.length, "report length mismatch");
    n = observations.length;
    assembly ("memory-safe") {
      first := add(add(reportData, calldataload(add(reportData, 0x40))), 0x20)
    }
  }

  /// @dev transmit checks 10-13 and the effects, in the reference's order: the round stored
  /// (one SSTORE of the packed Transmission), the hot word written, NewTransmission, NewRound
  /// and AnswerUpdated emitted (built by hand: the observations reach the log with one
  /// CALLDATACOPY), the validator called with exactly its gas, then the transmitter paid. One
  /// assembly block: the Solidity version of the same steps cost ~300 gas more in calls and
  /// stack shuffling.
  function _acceptAndPay(
    uint256 hot,
    uint256 reportData,
    uint256 first,
    uint256 n,
    uint256 initialGas,
    uint256 transmitterSlot
  ) private {
    int256 lowest = minAnswer;
    int256 highest = maxAnswer;
    assembly ("memory-safe") {
      function fail(message, length) {
        mstore(0, shl(224, 0x08c379a0))
        mstore(4, 0x20)
        mstore(0x24, length)
        mstore(0x44, message)
        revert(0, 0x64)
      }
      if gt(n, 31) {
        fail("num observations out of bounds", 30)
      }
      if iszero(lt(and(hot, 0xff), n)) {
        fail("too few values to trust median", 30)
      }
      // observations[n/2] as given (sorted input makes it the median, the upper one for even n).
      let median := calldataload(add(first, shl(5, shr(1, n))))
      if or(slt(median, lowest), sgt(median, highest)) {
        fail("median is out of min-max range", 30)
      }
      let roundId := add(and(shr(48, hot), 0xffffffff), 1)
      // The reference increments a checked uint32: after 2^32 - 1 rounds, Panic(0x11).
      if gt(roundId, 0xffffffff) {
        mstore(0, shl(224, 0x4e487b71))
        mstore(4, 0x11)
        revert(0, 0x24)
      }
      let epochAndRound := and(calldataload(0x24), 0xffffffffff)
      // Hot word: bits 8..79 = epochAndRound (40) ‖ roundId (32).
      sstore(
        s_hotVars.slot,
        or(and(hot, not(shl(8, 0xffffffffffffffffff))), or(shl(8, epochAndRound), shl(48, roundId)))
      )
      let observationsTimestamp := calldataload(reportData)
      // Transmission {int192 answer, uint32 observationsTimestamp, uint32 transmissionTimestamp}.
      mstore(0, roundId)
      mstore(0x20, s_transmissions.slot)
      sstore(
        keccak256(0, 0x40),
        or(
          and(median, 0xffffffffffffffffffffffffffffffffffffffffffffffff),
          or(shl(192, observationsTimestamp), shl(224, and(timestamp(), 0xffffffff)))
        )
      )

      // NewTransmission data: eight head words, the observations array, the observers bytes.
      let ptr := mload(0x40)
      let observationBytes := shl(5, n)
      mstore(ptr, median)
      mstore(add(ptr, 0x20), caller())
      mstore(add(ptr, 0x40), observationsTimestamp)
      mstore(add(ptr, 0x60), 0x100)
      mstore(add(ptr, 0x80), add(0x120, observationBytes))
      mstore(add(ptr, 0xa0), calldataload(add(reportData, 0x60)))
      mstore(add(ptr, 0xc0), calldataload(4))
      mstore(add(ptr, 0xe0), epochAndRound)
      mstore(add(ptr, 0x100), n)
      calldatacopy(add(ptr, 0x120), first, observationBytes)
      let tail := add(add(ptr, 0x120), observationBytes)
      mstore(tail, n)
      // The first n bytes of rawObservers, zero-padded (n <= 31 here).
      mstore(add(tail, 0x20), and(calldataload(add(reportData, 0x20)), not(shr(shl(3, n), not(0)))))
      // Topics: NewTransmission, NewRound and AnswerUpdated (checked against the ABI by the tests).
      log2(ptr, add(0x160, observationBytes), 0xc797025feeeaf2cd924c99e9205acb8ec04d5cad21c41ce637a38fb6dee6016a, roundId)
      mstore(0, observationsTimestamp)
      log3(0, 0x20, 0x0109fc6f55cf40689f02fbaad7af7fe7bbac8a3d2186600afc7d3e10cac60271, roundId, 0)
      mstore(0, timestamp())
      log3(0, 0x20, 0x0559884fd3a460db3073b7fc896cc77986f16e378210ded43186175bf646fc5f, median, roundId)

      // 13. The validator, when one is set (bit 237 spares reading its slot otherwise):
      // validate(previous round, previous answer, round, answer) with exactly its gas limit,
      // outcome ignored; "insufficient gas" if 63/64 of what is left after a 5,000 cushion
      // cannot cover it. Selector of validate(uint256,int256,uint256,int256): 0xbeed9b51.
      if and(hot, shl(237, 1)) {
        let config := sload(s_validatorConfig.slot)
        let validator := and(config, 0xffffffffffffffffffffffffffffffffffffffff)
        if validator {
          let gasLimit := and(shr(160, config), 0xffffffff)
          let previousRoundId := sub(roundId, 1)
          mstore(0, previousRoundId)
          mstore(0x20, s_transmissions.slot)
          let previousAnswer := signextend(23, sload(keccak256(0, 0x40)))
          mstore(ptr, shl(224, 0xbeed9b51))
          mstore(add(ptr, 0x04), previousRoundId)
          mstore(add(ptr, 0x24), previousAnswer)
          mstore(add(ptr, 0x44), roundId)
          mstore(add(ptr, 0x64), median)
          let g := gas()
          let sufficient := 0
          if iszero(lt(g, CALL_WITH_EXACT_GAS_CUSHION)) {
            g := sub(g, CALL_WITH_EXACT_GAS_CUSHION)
            if gt(sub(g, div(g, 64)), gasLimit) {
              pop(call(gasLimit, validator, 0, ptr, 0x84, 0, 0))
              sufficient := 1
            }
          }
          if iszero(sufficient) {
            fail("insufficient gas", 16)
          }
        }
      }

      // Payment, as the reference computes it (all unchecked): nothing for a negative
      // juelsPerFeeCoin; else usedGas · gasPrice(gwei) · 1e9 · juels / 1e18 plus the fixed
      // transmission payment added to the uint96 balance, unless that would wrap.
      let juelsPerFeeCoin := calldataload(add(reportData, 0x60))
      if iszero(slt(juelsPerFeeCoin, 0)) {
        let gasPrice := div(gasprice(), 1000000000)
        let reasonable := and(shr(112, hot), 0xffffffff)
        if lt(gasPrice, reasonable) {
          gasPrice := add(gasPrice, shr(1, sub(reasonable, gasPrice)))
        }
        let maximum := and(shr(80, hot), 0xffffffff)
        if lt(maximum, gasPrice) {
          gasPrice := maximum
        }
        // The reference measures from a uint32 copy of the initial gas.
        let startGas := and(initialGas, 0xffffffff)
        let leftGas := gas()
        if lt(startGas, leftGas) {
          fail("leftGas cannot exceed initialGas", 32)
        }
        let usedGas := add(add(sub(startGas, leftGas), shl(4, calldatasize())), and(shr(208, hot), 0xffffff))
        let gasCostJuels := div(mul(mul(mul(usedGas, gasPrice), 1000000000), juelsPerFeeCoin), 1000000000000000000)
        let record := sload(transmitterSlot)
        let old := and(shr(16, record), 0xffffffffffffffffffffffff)
        let updated := and(
          add(add(old, gasCostJuels), mul(and(shr(176, hot), 0xffffffff), 1000000000)),
          0xffffffffffffffffffffffff
        )
        if iszero(lt(updated, old)) {
          sstore(transmitterSlot, or(and(record, 0xffff), shl(16, updated)))
        }
      }
    }
  }

  /// @notice The latest report's config digest, epoch and round, with the latest answer and its
  /// transmission timestamp. Only for externally owned accounts (and eth_call), as oracles use it.
  function latestTransmissionDetails()
    external
    view
    returns (bytes32 configDigest, uint32 epoch, uint8 round, int192 latestAnswer_, uint64 latestTimestamp_)
  {
    require(msg.sender == tx.origin, "Only callable by EOA");
    uint256 hot = s_hotVars;
    uint40 epochAndRound = OCR2HotVars.latestEpochAndRound(hot);
    Transmission memory latest = s_transmissions[OCR2HotVars.latestAggregatorRoundId(hot)];
    return (s_latestConfigDigest, uint32(epochAndRound >> 8), uint8(epochAndRound), latest.answer, latest.transmissionTimestamp);
  }

  /// @notice The latest config digest and the epoch of the latest report under it; scanLogs is
  /// always false (this contract does not emit Transmitted).
  function latestConfigDigestAndEpoch() external view returns (bool scanLogs, bytes32 configDigest, uint32 epoch) {
    return (false, s_latestConfigDigest, uint32(OCR2HotVars.latestEpochAndRound(s_hotVars) >> 8));
  }

  // ---------------------------------------------------------------------------------------------
  // Validator

  /// @notice Set the validator called after each new answer and the exact gas it gets
  /// (address 0 = none). Owner only. Emits ValidatorConfigSet only on change.
  /// @param newValidator the validator, or address 0
  /// @param newGasLimit gas forwarded to validate
  function setValidatorConfig(AggregatorValidatorInterface newValidator, uint32 newGasLimit) public onlyOwner {
    ValidatorConfig memory previous = s_validatorConfig;
    if (previous.validator != newValidator || previous.gasLimit != newGasLimit) {
      s_validatorConfig = ValidatorConfig({validator: newValidator, gasLimit: newGasLimit});
      s_hotVars = OCR2HotVars.withValidator(s_hotVars, address(newValidator) != address(0));
      emit ValidatorConfigSet(previous.validator, previous.gasLimit, newValidator, newGasLimit);
    }
  }

  /// @notice The validator and its gas limit.
  function getValidatorConfig() external view returns (AggregatorValidatorInterface validator, uint32 gasLimit) {
    ValidatorConfig memory config = s_validatorConfig;
    return (config.validator, config.gasLimit);
  }

  // ---------------------------------------------------------------------------------------------
  // Round requests

  /// @notice Ask the oracles for a new round now (owner or allowed requesters). Emits
  /// RoundRequested with the current config digest and the latest report's epoch and round;
  /// returns the id the next round will get. Changes no state.
  function requestNewRound() external returns (uint80) {
    require(
      msg.sender == owner || s_requesterAccessController.hasAccess(msg.sender, msg.data),
      "Only owner&requester can call"
    );
    uint256 hot = s_hotVars;
    uint40 epochAndRound = OCR2HotVars.latestEpochAndRound(hot);
    emit RoundRequested(msg.sender, s_latestConfigDigest, uint32(epochAndRound >> 8), uint8(epochAndRound));
    return OCR2HotVars.latestAggregatorRoundId(hot) + 1;
  }

  /// @notice Set who besides the owner may call requestNewRound. Emits only on change.
  /// @param requesterAccessController the controller, or address 0 for nobody
  function setRequesterAccessController(AccessControllerInterface requesterAccessController) public onlyOwner {
    _setRequesterAccessController(requesterAccessController);
  }

  /// @notice The requester access controller (address 0 if none).
  function getRequesterAccessController() external view returns (AccessControllerInterface) {
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
  // Billing parameters and access

  /// @notice Set the billing parameters (owner or billing admins). Pays every oracle at the old
  /// rates first. Emits BillingSet.
  /// @param maximumGasPriceGwei highest gas price reimbursed
  /// @param reasonableGasPriceGwei below this gas price the transmitter is paid half the savings
  /// @param observationPaymentGjuels reward per round to every configured oracle
  /// @param transmissionPaymentGjuels reward per accepted report to its transmitter
  /// @param accountingGas gas added to the measured gas (covers the 21,000 base and the code
  /// after the measurement)
  function setBilling(
    uint32 maximumGasPriceGwei,
    uint32 reasonableGasPriceGwei,
    uint32 observationPaymentGjuels,
    uint32 transmissionPaymentGjuels,
    uint24 accountingGas
  ) external {
    AccessControllerInterface access = s_billingAccessController;
    require(msg.sender == owner || access.hasAccess(msg.sender, msg.data), "Only owner&billingAdmin can call");
    _payOracles();
    s_hotVars = OCR2HotVars.withBilling(
      s_hotVars,
      maximumGasPriceGwei,
      reasonableGasPriceGwei,
      observationPaymentGjuels,
      transmissionPaymentGjuels,
      accountingGas
    );
    emit BillingSet(maximumGasPriceGwei, reasonableGasPriceGwei, observationPaymentGjuels, transmissionPaymentGjuels, accountingGas);
  }

  /// @notice The billing parameters.
  function getBilling()
    external
    view
    returns (
      uint32 maximumGasPriceGwei,
      uint32 reasonableGasPriceGwei,
      uint32 observationPaymentGjuels,
      uint32 transmissionPaymentGjuels,
      uint24 accountingGas
    )
  {
    uint256 hot = s_hotVars;
    return (
      OCR2HotVars.maximumGasPriceGwei(hot),
      OCR2HotVars.reasonableGasPriceGwei(hot),
      OCR2HotVars.observationPaymentGjuels(hot),
      OCR2HotVars.transmissionPaymentGjuels(hot),
      OCR2HotVars.accountingGas(hot)
    );
  }

  /// @notice Set who besides the owner may change billing and withdraw funds. Emits only on change.
  /// @param _billingAccessController the controller, or address 0 for nobody
  function setBillingAccessController(AccessControllerInterface _billingAccessController) external onlyOwner {
    _setBillingAccessController(_billingAccessController);
  }

  /// @notice The billing access controller (address 0 if none).
  function getBillingAccessController() external view returns (AccessControllerInterface) {
    return s_billingAccessController;
  }

  function _setBillingAccessController(AccessControllerInterface controller) internal {
    AccessControllerInterface old = s_billingAccessController;
    if (controller != old) {
      s_billingAccessController = controller;
      emit BillingAccessControllerSet(old, controller);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // LINK token

  /// @notice Switch the token oracles are paid in. Owner only; a no-op for the current token.
  /// Pays every oracle in the old token, sends the old token's remaining balance to
  /// `recipient`, then emits LinkTokenSet.
  /// @param linkToken the new token (its balanceOf is called as a sanity check)
  /// @param recipient receives what is left of the old token
  function setLinkToken(LinkTokenInterface linkToken, address recipient) external onlyOwner {
    LinkTokenInterface oldLinkToken = s_linkToken;
    if (linkToken == oldLinkToken) return;
    linkToken.balanceOf(address(this));
    _payOracles();
    uint256 remainingBalance = oldLinkToken.balanceOf(address(this));
    require(oldLinkToken.transfer(recipient, remainingBalance), "transfer remaining funds failed");
    s_linkToken = linkToken;
    emit LinkTokenSet(oldLinkToken, linkToken);
  }

  /// @notice The token oracles are paid in.
  function getLinkToken() external view returns (LinkTokenInterface linkToken) {
    return s_linkToken;
  }

  // ---------------------------------------------------------------------------------------------
  // Payments

  /// @notice Pay `transmitter`'s oracle everything it is owed. Only its payee may call this.
  /// @param transmitter the oracle's transmitter address
  function withdrawPayment(address transmitter) external {
    require(msg.sender == s_payees[transmitter], "Only payee can withdraw");
    _payOracle(transmitter);
  }

  /// @notice What the oracle transmitting from `transmitterAddress` is owed, in Juels: its
  /// observation rewards (rounds since it was last paid × the current observation payment) plus
  /// its gas reimbursements and transmission payments. 0 for addresses not in the config.
  /// @param transmitterAddress the oracle's transmitter address
  function owedPayment(address transmitterAddress) public view returns (uint256) {
    Transmitter memory transmitter = s_transmitters[transmitterAddress];
    if (!transmitter.active) return 0;
    uint256 hot = s_hotVars;
    uint256 juelsAmount = uint256(
      OCR2HotVars.latestAggregatorRoundId(hot) - s_rewardFromAggregatorRoundId[transmitter.index]
    ) *
      uint256(OCR2HotVars.observationPaymentGjuels(hot)) *
      (1 gwei);
    return juelsAmount + transmitter.paymentJuels;
  }

  /// @notice Rounds since the oracle transmitting from `transmitterAddress` was last paid its
  /// observation rewards (0 for addresses not in the config).
  /// @param transmitterAddress the oracle's transmitter address
  function oracleObservationCount(address transmitterAddress) external view returns (uint32) {
    Transmitter memory transmitter = s_transmitters[transmitterAddress];
    if (!transmitter.active) return 0;
    return OCR2HotVars.latestAggregatorRoundId(s_hotVars) - s_rewardFromAggregatorRoundId[transmitter.index];
  }

  /// @notice Send up to `amount` Juels of the LINK not owed to oracles to `recipient` (owner or
  /// billing admins). Reverts "insufficient balance" if the contract owes more than it holds.
  /// @param recipient receives the LINK
  /// @param amount the most to send
  function withdrawFunds(address recipient, uint256 amount) external {
    require(
      msg.sender == owner || s_billingAccessController.hasAccess(msg.sender, msg.data),
      "Only owner&billingAdmin can call"
    );
    uint256 linkDue = _totalLinkDue();
    uint256 linkBalance = s_linkToken.balanceOf(address(this));
    require(linkBalance >= linkDue, "insufficient balance");
    uint256 available = linkBalance - linkDue;
    require(s_linkToken.transfer(recipient, available < amount ? available : amount), "insufficient funds");
  }

  /// @notice LINK held minus LINK owed to oracles, in Juels (negative when underfunded).
  function linkAvailableForPayment() external view returns (int256 availableBalance) {
    int256 balance = int256(s_linkToken.balanceOf(address(this)));
    int256 due = int256(_totalLinkDue());
    return balance - due;
  }

  /// @dev Everything owed to the current oracles, in Juels.
  function _totalLinkDue() internal view returns (uint256 linkDue) {
    address[] memory transmitters = _transmitterList();
    uint256 hot = s_hotVars;
    uint32 latestAggregatorRoundId = OCR2HotVars.latestAggregatorRoundId(hot);
    uint32[MAX_NUM_ORACLES] memory rewardFrom = s_rewardFromAggregatorRoundId;
    for (uint256 i; i < transmitters.length; ++i) {
      linkDue += latestAggregatorRoundId - rewardFrom[i];
    }
    linkDue *= uint256(OCR2HotVars.observationPaymentGjuels(hot)) * (1 gwei);
    for (uint256 i; i < transmitters.length; ++i) {
      linkDue += uint256(s_transmitters[transmitters[i]].paymentJuels);
    }
  }

  /// @dev Pays one oracle what it is owed, if anything, and emits OraclePaid.
  function _payOracle(address transmitterAddress) internal {
    Transmitter memory transmitter = s_transmitters[transmitterAddress];
    if (!transmitter.active) return;
    uint256 juelsAmount = owedPayment(transmitterAddress);
    if (juelsAmount > 0) {
      address payee = s_payees[transmitterAddress];
      require(s_linkToken.transfer(payee, juelsAmount), "insufficient funds");
      s_rewardFromAggregatorRoundId[transmitter.index] = OCR2HotVars.latestAggregatorRoundId(s_hotVars);
      s_transmitters[transmitterAddress].paymentJuels = 0;
      emit OraclePaid(transmitterAddress, payee, juelsAmount, s_linkToken);
    }
  }

  /// @dev Pays every current oracle, first to last, what it is owed. An oracle owed nothing is
  /// skipped and keeps its reward start (so rounds at a zero rate become payable once the rate
  /// is raised, as in the reference).
  function _payOracles() internal {
    unchecked {
      LinkTokenInterface linkToken = s_linkToken;
      uint256 hot = s_hotVars;
      uint32 latestAggregatorRoundId = OCR2HotVars.latestAggregatorRoundId(hot);
      uint256 observationPayment = uint256(OCR2HotVars.observationPaymentGjuels(hot)) * (1 gwei);
      uint32[MAX_NUM_ORACLES] memory rewardFrom = s_rewardFromAggregatorRoundId;
      address[] memory transmitters = _transmitterList();
      for (uint256 i; i < transmitters.length; ++i) {
        address transmitter = transmitters[i];
        uint256 reimbursement = s_transmitters[transmitter].paymentJuels;
        if (reimbursement != 0) s_transmitters[transmitter].paymentJuels = 0;
        uint256 juelsAmount = uint256(latestAggregatorRoundId - rewardFrom[i]) * observationPayment + reimbursement;
        if (juelsAmount > 0) {
          address payee = s_payees[transmitter];
          require(linkToken.transfer(payee, juelsAmount), "insufficient funds");
          rewardFrom[i] = latestAggregatorRoundId;
          emit OraclePaid(transmitter, payee, juelsAmount, linkToken);
        }
      }
      s_rewardFromAggregatorRoundId = rewardFrom;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Payees

  /// @notice Set the first payee of each transmitter (owner only). An already set payee cannot
  /// be changed here (use transferPayeeship); setting the same one again is allowed.
  /// @param transmitters transmitter addresses
  /// @param payees the payee of each, same order
  function setPayees(address[] calldata transmitters, address[] calldata payees) external onlyOwner {
    Payees.setPayees(s_payees, transmitters, payees);
  }

  /// @notice Propose a new payee for `transmitter` (its current payee only).
  /// @param transmitter the oracle's transmitter address
  /// @param proposed the proposed payee, which must call acceptPayeeship
  function transferPayeeship(address transmitter, address proposed) external {
    Payees.transferPayeeship(s_payees, s_proposedPayees, transmitter, proposed);
  }

  /// @notice Become the payee of `transmitter` (the proposed payee only).
  /// @param transmitter the oracle's transmitter address
  function acceptPayeeship(address transmitter) external {
    Payees.acceptPayeeship(s_payees, s_proposedPayees, transmitter);
  }

  // ---------------------------------------------------------------------------------------------
  // Read API (AggregatorInterface, AggregatorV3Interface). Each read that reveals an answer, and
  // description, passes `checkAccess` (ReadAccessGate): open here, gated by the allowlist in
  // AccessControlledOCR2Aggregator.

  /// @notice Answer of the latest round (0 before the first report).
  function latestAnswer() public view virtual override checkAccess returns (int256) {
    return s_transmissions[OCR2HotVars.latestAggregatorRoundId(s_hotVars)].answer;
  }

  /// @notice Block timestamp of the latest report (0 before the first).
  function latestTimestamp() public view virtual override checkAccess returns (uint256) {
    return s_transmissions[OCR2HotVars.latestAggregatorRoundId(s_hotVars)].transmissionTimestamp;
  }

  /// @notice Id of the latest round (0 before the first report).
  function latestRound() public view virtual override checkAccess returns (uint256) {
    return OCR2HotVars.latestAggregatorRoundId(s_hotVars);
  }

  /// @notice Answer of round `roundId`; 0 for rounds that do not exist.
  /// @param roundId aggregator round id
  function getAnswer(uint256 roundId) public view virtual override checkAccess returns (int256) {
    if (roundId > type(uint32).max) return 0;
    return s_transmissions[uint32(roundId)].answer;
  }

  /// @notice Block timestamp of round `roundId`; 0 for rounds that do not exist.
  /// @param roundId aggregator round id
  function getTimestamp(uint256 roundId) public view virtual override checkAccess returns (uint256) {
    if (roundId > type(uint32).max) return 0;
    return s_transmissions[uint32(roundId)].transmissionTimestamp;
  }

  /// @notice Human-readable name of the feed.
  function description() public view virtual override checkAccess returns (string memory) {
    return s_description;
  }

  /// @notice Data of round `roundId`: startedAt is the oracles' observations timestamp, updatedAt
  /// the block timestamp of the report. An id above 2^32 - 1 returns all zeros (no revert); an
  /// unknown smaller id returns (id, 0, 0, 0, id).
  /// @param roundId aggregator round id
  function getRoundData(uint80 roundId)
    public
    view
    virtual
    override
    checkAccess
    returns (uint80 roundId_, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
  {
    if (roundId > type(uint32).max) return (0, 0, 0, 0, 0);
    Transmission memory transmission = s_transmissions[uint32(roundId)];
    return (roundId, transmission.answer, transmission.observationsTimestamp, transmission.transmissionTimestamp, roundId);
  }

  /// @notice Data of the latest round (all zeros before the first report; never reverts).
  function latestRoundData()
    public
    view
    virtual
    override
    checkAccess
    returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
  {
    uint32 latestAggregatorRoundId = OCR2HotVars.latestAggregatorRoundId(s_hotVars);
    Transmission memory transmission = s_transmissions[latestAggregatorRoundId];
    return (
      latestAggregatorRoundId,
      transmission.answer,
      transmission.observationsTimestamp,
      transmission.transmissionTimestamp,
      latestAggregatorRoundId
    );
  }

  /// @notice "OCR2Aggregator 1.0.0".
  function typeAndVersion() external pure virtual override returns (string memory) {
    return "OCR2Aggregator 1.0.0";
  }
}
