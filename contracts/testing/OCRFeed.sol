// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {AccessControlledOffchainAggregator} from "../AccessControlledOffchainAggregator.sol";
import {LinkToken} from "../LinkToken.sol";
import {OffchainAggregator} from "../OffchainAggregator.sol";
import {SimpleWriteAccessController} from "../SimpleWriteAccessController.sol";
import {AccessControllerInterface} from "../interfaces/AccessControllerInterface.sol";
import {LinkTokenInterface} from "../interfaces/LinkTokenInterface.sol";
import {AccessControlledOCR2Aggregator} from "../ocr2/AccessControlledOCR2Aggregator.sol";
import {OCR2Aggregator} from "../ocr2/OCR2Aggregator.sol";
import {EACAggregatorProxy} from "../proxy/EACAggregatorProxy.sol";
import {CHEATCODE_ADDRESS, Cheatcodes} from "./Cheatcodes.sol";

/// @title OCRFeed
/// @notice A real Chainlink-style price feed inside a Solidity test: the project's OCR2 (default)
/// or OCR1 aggregator behind an EACAggregatorProxy, a LinkToken, billing, payees and a config of
/// n oracles whose keys come from a seed. A round is a real report, signed with `vm.sign` by f+1
/// oracles and sent by one oracle's transmitter with an explicit gas limit, so every on-chain
/// check (signature quorum, median, min/max bounds, staleness) runs as it does on a live feed.
/// @dev Use it from a test contract: `using OCRFeed for OCRFeed.Feed;` and a storage variable
/// `OCRFeed.Feed feed;`. All functions are internal, so they run in the test contract: the test
/// owns the aggregator, the proxy, the LINK and the requester allowlist, and may call any owner
/// function on them directly.
/// What is not simulated: the off-chain protocol. There are no epochs, leaders, rounds over a
/// network, faults or transmission schedule; each submitted report simply gets the next epoch,
/// and the caller decides who observes, who signs and who transmits.
library OCRFeed {
  /// @notice Which aggregator a feed runs.
  enum Protocol {
    OCR2,
    OCR1
  }

  /// @notice How to deploy a feed. Start from `defaults()` and change what matters.
  struct Options {
    /// OCR2 (AccessControlledOCR2Aggregator 1.0.0) or OCR1 (AccessControlledOffchainAggregator 4.0.0).
    Protocol protocol;
    /// n, the number of oracles (at most 31).
    uint8 oracles;
    /// f, the number of faulty oracles tolerated; n must exceed 3f. A report needs f+1 signatures.
    uint8 faultTolerance;
    /// Decimals of the answers.
    uint8 decimals;
    /// Lowest and highest median the aggregator accepts.
    int192 minAnswer;
    int192 maxAnswer;
    /// The feed's description, e.g. "ETH / USD".
    string description;
    /// The access-controlled aggregator (reads allowlisted; the proxy is on the list), as on
    /// live feeds, or the plain one.
    bool accessControlled;
    /// Seed of the oracles' signer and transmitter keys; the same seed gives the same oracles.
    uint256 keySeed;
    /// LINK (in Juels) sent to the aggregator for oracle payments.
    uint256 linkFunding;
    /// Gas limit of each transmit call. The aggregators measure gas in 32 bits, so a transmit
    /// with the runner's default (huge) gas would fail; this keeps it below 2^32.
    uint64 transmitGas;
  }

  /// @notice A deployed feed and the kit's bookkeeping.
  struct Feed {
    Options options;
    /// The proxy consumers read; its phase changes on `upgrade`.
    EACAggregatorProxy proxy;
    /// The aggregator of the current phase.
    address aggregator;
    LinkToken link;
    /// Who besides the owner (the test) may call requestNewRound on the aggregator.
    SimpleWriteAccessController requesters;
    /// The current config digest (an OCR1 digest fills the first 16 bytes).
    bytes32 configDigest;
    /// The proxy phase of `aggregator`.
    uint16 phaseId;
    /// The epoch of the last report submitted to `aggregator`.
    uint32 epoch;
    /// Reports submitted so far (all phases); picks the next transmitter.
    uint256 submitted;
  }

  /// @notice One report to submit. `report(feed, observations)` fills in the defaults.
  struct Report {
    /// Observation i was made by oracle `observers[i]`; any values, lies included.
    int192[] observations;
    /// The oracle index (0..n-1) behind each observation; default 0, 1, 2, ...
    uint8[] observers;
    /// The oracles that sign; default the first f+1 (0..f).
    uint8[] signers;
    /// The oracle whose transmitter sends the report; default rotates over all oracles.
    uint8 transmitter;
    /// Epoch and round of the report; epoch 0 means the one after the feed's last.
    uint32 epoch;
    uint8 round;
    /// Keep the observations in the given order instead of sorting them (shows what the
    /// aggregator does with an unsorted report).
    bool unsorted;
    /// OCR2 only: the observations' timestamp (startedAt); 0 means block.timestamp.
    uint32 observationsTimestamp;
    /// OCR2 only: LINK Juels per 1 ETH, used for the transmitter's gas reimbursement.
    int192 juelsPerFeeCoin;
  }

  Cheatcodes private constant VM = Cheatcodes(CHEATCODE_ADDRESS);

  /// @dev Order of the secp256k1 group; private keys lie in [1, N - 1].
  uint256 private constant SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;
  uint256 private constant PHASE_OFFSET = 64;
  /// @dev The billing the project's TypeScript feeds use (Chainlink's OCR integration test):
  /// gas prices in gwei, rewards in Gjuels (1e-9 LINK), 36 LINK per ETH.
  uint32 private constant MAXIMUM_GAS_PRICE_GWEI = 1000;
  uint32 private constant REASONABLE_GAS_PRICE_GWEI = 200;
  uint32 private constant MICRO_LINK_PER_ETH = 36_000_000;
  uint32 private constant OBSERVATION_PAYMENT_GJUELS = 100_000_000;
  uint32 private constant TRANSMISSION_PAYMENT_GJUELS = 400_000_000;
  /// @dev OCR2 accountingGas: covers the 21,000 base cost and the code after the gas measurement.
  uint24 private constant ACCOUNTING_GAS = 25_000;
  int192 private constant JUELS_PER_ETH = 36e18;

  // -------------------------------------------------------------------------------------------
  // Deployment

  /// @notice The default options: OCR2, 4 oracles tolerating 1 fault, 8 decimals, answers from 1
  /// to the int192 maximum, access-controlled aggregator, 1000 LINK, 1,000,000 gas per transmit.
  function defaults() internal pure returns (Options memory) {
    return Options({
      protocol: Protocol.OCR2,
      oracles: 4,
      faultTolerance: 1,
      decimals: 8,
      minAnswer: 1,
      maxAnswer: type(int192).max,
      description: "TEST / USD",
      accessControlled: true,
      keySeed: 1,
      linkFunding: 1000 ether,
      transmitGas: 1_000_000
    });
  }

  /// @notice Deploy a feed with the default options.
  function deploy(Feed storage feed) internal {
    deploy(feed, defaults());
  }

  /// @notice Deploy LINK, a requester allowlist, an aggregator configured for `options.oracles`
  /// oracles (payees set, billing set, funded) and an EACAggregatorProxy in front of it (phase 1,
  /// reads open). The test contract owns all of them.
  /// @param options see `Options`; start from `defaults()`
  function deploy(Feed storage feed, Options memory options) internal {
    require(address(feed.proxy) == address(0), "OCRFeed: feed already deployed (use upgrade for a new aggregator)");
    feed.link = new LinkToken();
    feed.requesters = new SimpleWriteAccessController();
    address aggregator = _deployAggregator(feed, options);
    feed.proxy = new EACAggregatorProxy(aggregator, address(0));
    _startPhase(feed, aggregator, options, 1);
  }

  /// @notice Replace the aggregator behind the proxy with a new one of the same options (a new
  /// phase). Old rounds stay readable through the proxy under their old phase id.
  /// @return phaseId the new phase
  function upgrade(Feed storage feed) internal returns (uint16 phaseId) {
    return upgrade(feed, feed.options);
  }

  /// @notice Deploy a new aggregator with `options` (e.g. an OCR2 one after OCR1), propose and
  /// confirm it on the proxy. The oracles keep their keys if the key seed stays the same.
  /// @return phaseId the new phase
  function upgrade(Feed storage feed, Options memory options) internal returns (uint16 phaseId) {
    require(address(feed.proxy) != address(0), "OCRFeed: deploy the feed before upgrading it");
    address aggregator = _deployAggregator(feed, options);
    feed.proxy.proposeAggregator(aggregator);
    feed.proxy.confirmAggregator(aggregator);
    phaseId = feed.phaseId + 1;
    _startPhase(feed, aggregator, options, phaseId);
  }

  function _startPhase(Feed storage feed, address aggregator, Options memory options, uint16 phaseId) private {
    feed.options = options;
    feed.aggregator = aggregator;
    feed.phaseId = phaseId;
    feed.epoch = 0;
    if (options.accessControlled) {
      if (options.protocol == Protocol.OCR2) AccessControlledOCR2Aggregator(aggregator).addAccess(address(feed.proxy));
      else AccessControlledOffchainAggregator(aggregator).addAccess(address(feed.proxy));
    }
    feed.configDigest = _configDigest(aggregator, options.protocol);
  }

  function _deployAggregator(Feed storage feed, Options memory options) private returns (address aggregator) {
    require(options.oracles > 0 && options.oracles <= 31, "OCRFeed: oracles must be 1..31");
    (address[] memory signers, address[] memory transmitters, address[] memory payees) = _oracleAddresses(
      options.keySeed,
      options.oracles
    );
    aggregator = options.protocol == Protocol.OCR2 ? _deployOCR2(feed, options) : _deployOCR1(feed, options);
    // Payees first: OCR1's setConfig requires them (OCR2's only once something is owed).
    if (options.protocol == Protocol.OCR2) {
      OCR2Aggregator(aggregator).setPayees(transmitters, payees);
      OCR2Aggregator(aggregator).setConfig(
        signers,
        transmitters,
        options.faultTolerance,
        abi.encodePacked(uint8(1), options.minAnswer, options.maxAnswer),
        2,
        bytes("hardhat-ocr Solidity test kit: no off-chain config")
      );
      OCR2Aggregator(aggregator).setBilling(
        MAXIMUM_GAS_PRICE_GWEI,
        REASONABLE_GAS_PRICE_GWEI,
        OBSERVATION_PAYMENT_GJUELS,
        TRANSMISSION_PAYMENT_GJUELS,
        ACCOUNTING_GAS
      );
    } else {
      OffchainAggregator(aggregator).setPayees(transmitters, payees);
      OffchainAggregator(aggregator).setConfig(
        signers,
        transmitters,
        options.faultTolerance,
        1,
        bytes("hardhat-ocr Solidity test kit: no off-chain config")
      );
    }
    require(feed.link.transfer(aggregator, options.linkFunding), "OCRFeed: LINK funding failed");
  }

  function _deployOCR2(Feed storage feed, Options memory options) private returns (address) {
    LinkTokenInterface link = LinkTokenInterface(address(feed.link));
    AccessControllerInterface requesters = AccessControllerInterface(address(feed.requesters));
    AccessControllerInterface noBillingAdmins = AccessControllerInterface(address(0));
    if (options.accessControlled) {
      return address(
        new AccessControlledOCR2Aggregator(
          link,
          options.minAnswer,
          options.maxAnswer,
          noBillingAdmins,
          requesters,
          options.decimals,
          options.description
        )
      );
    }
    return address(
      new OCR2Aggregator(link, options.minAnswer, options.maxAnswer, noBillingAdmins, requesters, options.decimals, options.description)
    );
  }

  function _deployOCR1(Feed storage feed, Options memory options) private returns (address) {
    LinkTokenInterface link = LinkTokenInterface(address(feed.link));
    AccessControllerInterface requesters = AccessControllerInterface(address(feed.requesters));
    if (options.accessControlled) {
      return address(
        new AccessControlledOffchainAggregator(
          MAXIMUM_GAS_PRICE_GWEI,
          REASONABLE_GAS_PRICE_GWEI,
          MICRO_LINK_PER_ETH,
          OBSERVATION_PAYMENT_GJUELS,
          TRANSMISSION_PAYMENT_GJUELS,
          link,
          options.minAnswer,
          options.maxAnswer,
          AccessControllerInterface(address(0)),
          requesters,
          options.decimals,
          options.description
        )
      );
    }
    return address(
      new OffchainAggregator(
        MAXIMUM_GAS_PRICE_GWEI,
        REASONABLE_GAS_PRICE_GWEI,
        MICRO_LINK_PER_ETH,
        OBSERVATION_PAYMENT_GJUELS,
        TRANSMISSION_PAYMENT_GJUELS,
        link,
        options.minAnswer,
        options.maxAnswer,
        AccessControllerInterface(address(0)),
        requesters,
        options.decimals,
        options.description
      )
    );
  }

  /// @dev Signer, transmitter and payee addresses of oracles 0..n-1.
  function _oracleAddresses(uint256 keySeed, uint8 n)
    private
    pure
    returns (address[] memory signers, address[] memory transmitters, address[] memory payees)
  {
    signers = new address[](n);
    transmitters = new address[](n);
    payees = new address[](n);
    for (uint256 i; i < n; ++i) {
      signers[i] = VM.addr(_key(keySeed, "signer", i));
      transmitters[i] = VM.addr(_key(keySeed, "transmitter", i));
      payees[i] = VM.addr(_key(keySeed, "payee", i));
    }
  }

  /// @dev A private key in [1, N - 1] derived from the seed, the key's role and the oracle index.
  function _key(uint256 keySeed, string memory role, uint256 index) private pure returns (uint256) {
    return (uint256(keccak256(abi.encode("hardhat-ocr test kit", keySeed, role, index))) % (SECP256K1_N - 1)) + 1;
  }

  function _configDigest(address aggregator, Protocol protocol) private view returns (bytes32 digest) {
    if (protocol == Protocol.OCR2) {
      (, , digest) = OCR2Aggregator(aggregator).latestConfigDetails();
    } else {
      (, , bytes16 digest16) = OffchainAggregator(aggregator).latestConfigDetails();
      digest = bytes32(digest16);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Oracles

  /// @notice The on-chain signing address of oracle `index`.
  function signer(Feed storage feed, uint256 index) internal view returns (address) {
    return VM.addr(_key(feed.options.keySeed, "signer", _oracle(feed, index)));
  }

  /// @notice The transmitting address of oracle `index` (the aggregator's `transmitters[index]`).
  function transmitter(Feed storage feed, uint256 index) internal view returns (address) {
    return VM.addr(_key(feed.options.keySeed, "transmitter", _oracle(feed, index)));
  }

  /// @notice The payee of oracle `index`, who may withdraw its LINK.
  function payee(Feed storage feed, uint256 index) internal view returns (address) {
    return VM.addr(_key(feed.options.keySeed, "payee", _oracle(feed, index)));
  }

  function _oracle(Feed storage feed, uint256 index) private view returns (uint256) {
    require(index < feed.options.oracles, "OCRFeed: oracle index out of range (oracles are 0..n-1)");
    return index;
  }

  /// @notice Oracle indices `first`, `first + 1`, ... `first + count - 1`, e.g. to choose signers.
  function oracles(uint256 first, uint256 count) internal pure returns (uint8[] memory list) {
    require(first + count <= 31, "OCRFeed: oracle indices go up to 30");
    list = new uint8[](count);
    for (uint256 i; i < count; ++i) list[i] = uint8(first + i);
  }

  // -------------------------------------------------------------------------------------------
  // Reports

  /// @notice A report of `observations` with the defaults: observation i from oracle i, signed
  /// by oracles 0..f, sent by the next transmitter in rotation, the next epoch.
  function report(Feed storage feed, int192[] memory observations) internal view returns (Report memory r) {
    Options storage options = feed.options;
    require(
      observations.length <= options.oracles,
      "OCRFeed: more observations than oracles (set report.observers to repeat an oracle)"
    );
    r.observations = observations;
    r.observers = oracles(0, observations.length);
    r.signers = oracles(0, uint256(options.faultTolerance) + 1);
    r.transmitter = uint8(feed.submitted % options.oracles);
    r.juelsPerFeeCoin = JUELS_PER_ETH;
  }

  /// @notice Sign `r` and send it as the aggregator's `transmit` from the chosen transmitter.
  /// Does not revert when the aggregator rejects the report: returns its reason instead, and the
  /// feed's answer stays what it was. Fills in `r` as sent (epoch, round, sorted observations),
  /// so submitting the same `r` again is a stale report: build a new one with `report`.
  /// @return accepted whether the aggregator stored a new round
  /// @return reason the aggregator's revert string if it rejected the report ("" for a revert
  /// without one)
  function submit(Feed storage feed, Report memory r) internal returns (bool accepted, string memory reason) {
    require(address(feed.proxy) != address(0), "OCRFeed: deploy the feed first");
    require(r.observations.length == r.observers.length, "OCRFeed: observations and observers differ in length");
    if (r.epoch == 0) {
      r.epoch = feed.epoch + 1;
      if (r.round == 0) r.round = 1;
    }
    if (r.epoch > feed.epoch) feed.epoch = r.epoch;
    feed.submitted += 1;
    if (!r.unsorted) _sortWithObservers(r.observations, r.observers);
    bytes memory data = feed.options.protocol == Protocol.OCR2 ? _ocr2Transmit(feed, r) : _ocr1Transmit(feed, r);
    address from = transmitter(feed, r.transmitter);
    VM.prank(from);
    bytes memory returned;
    (accepted, returned) = feed.aggregator.call{gas: feed.options.transmitGas}(data);
    if (!accepted) reason = revertReason(returned);
  }

  /// @notice Submit a report of `observations` with the defaults (see `report`); reverts with
  /// the aggregator's reason if it is rejected.
  /// @return roundId the new round's id as the proxy numbers it (phase in bits 64..79)
  function transmit(Feed storage feed, int192[] memory observations) internal returns (uint80 roundId) {
    (bool accepted, string memory reason) = submit(feed, report(feed, observations));
    require(accepted, string.concat("OCRFeed: the aggregator rejected the report: ", reason));
    return uint80(feed.proxy.latestRound());
  }

  /// @notice A round in which every oracle observed `answer`.
  /// @return roundId the new round's id as the proxy numbers it
  function transmitAnswer(Feed storage feed, int192 answer) internal returns (uint80 roundId) {
    int192[] memory observations = new int192[](feed.options.oracles);
    for (uint256 i; i < observations.length; ++i) observations[i] = answer;
    return transmit(feed, observations);
  }

  /// @dev Insertion sort of the observations, ascending, carrying each one's observer along
  /// (reports hold at most 31 values).
  function _sortWithObservers(int192[] memory values, uint8[] memory observers) private pure {
    for (uint256 i = 1; i < values.length; ++i) {
      int192 value = values[i];
      uint8 observer = observers[i];
      uint256 j = i;
      while (j > 0 && values[j - 1] > value) {
        values[j] = values[j - 1];
        observers[j] = observers[j - 1];
        --j;
      }
      values[j] = value;
      observers[j] = observer;
    }
  }

  /// @dev Byte i (most significant first) = the oracle behind observation i.
  function _rawObservers(uint8[] memory observers) private pure returns (bytes32 raw) {
    require(observers.length <= 32, "OCRFeed: at most 32 observers fit a report");
    for (uint256 i; i < observers.length; ++i) raw |= bytes32(uint256(observers[i]) << (248 - 8 * i));
  }

  /// @dev OCR2: report = abi.encode(observationsTimestamp, rawObservers, observations,
  /// juelsPerFeeCoin); each signer signs keccak256(keccak256(report) ‖ reportContext).
  function _ocr2Transmit(Feed storage feed, Report memory r) private view returns (bytes memory) {
    uint32 observationsTimestamp = r.observationsTimestamp == 0 ? uint32(block.timestamp) : r.observationsTimestamp;
    bytes memory encoded = abi.encode(observationsTimestamp, _rawObservers(r.observers), r.observations, r.juelsPerFeeCoin);
    bytes32[3] memory reportContext = [
      feed.configDigest,
      bytes32((uint256(r.epoch) << 8) | r.round),
      keccak256("hardhat-ocr test kit")
    ];
    bytes32 signed = keccak256(abi.encodePacked(keccak256(encoded), reportContext));
    (bytes32[] memory rs, bytes32[] memory ss, bytes32 rawVs) = _sign(feed, r.signers, signed);
    return abi.encodeCall(OCR2Aggregator.transmit, (reportContext, encoded, rs, ss, rawVs));
  }

  /// @dev OCR1: report = abi.encode(rawReportContext, rawObservers, observations), where the
  /// context is 11 zero bytes ‖ 16-byte digest ‖ epoch ‖ round; each signer signs keccak256(report).
  function _ocr1Transmit(Feed storage feed, Report memory r) private view returns (bytes memory) {
    bytes32 rawReportContext = bytes32(
      (uint256(uint128(bytes16(feed.configDigest))) << 40) | (uint256(r.epoch) << 8) | r.round
    );
    bytes memory encoded = abi.encode(rawReportContext, _rawObservers(r.observers), r.observations);
    (bytes32[] memory rs, bytes32[] memory ss, bytes32 rawVs) = _sign(feed, r.signers, keccak256(encoded));
    return abi.encodeCall(OffchainAggregator.transmit, (encoded, rs, ss, rawVs));
  }

  /// @dev Signatures of `digest` by the given oracles; byte i of rawVs is v_i - 27.
  function _sign(Feed storage feed, uint8[] memory signers, bytes32 digest)
    private
    view
    returns (bytes32[] memory rs, bytes32[] memory ss, bytes32 rawVs)
  {
    require(signers.length <= 32, "OCRFeed: at most 32 signatures fit rawVs");
    rs = new bytes32[](signers.length);
    ss = new bytes32[](signers.length);
    for (uint256 i; i < signers.length; ++i) {
      uint256 key = _key(feed.options.keySeed, "signer", _oracle(feed, signers[i]));
      (uint8 v, bytes32 r, bytes32 s) = VM.sign(key, digest);
      rs[i] = r;
      ss[i] = s;
      rawVs |= bytes32(uint256(v - 27) << (248 - 8 * i));
    }
  }

  /// @notice The message of an Error(string) revert, "" for empty revert data, and a note for
  /// anything else (a panic or a custom error).
  function revertReason(bytes memory returned) internal pure returns (string memory) {
    if (returned.length == 0) return "";
    if (returned.length >= 68 && bytes4(returned) == bytes4(0x08c379a0)) {
      bytes memory message = new bytes(returned.length - 4);
      for (uint256 i; i < message.length; ++i) message[i] = returned[i + 4];
      return abi.decode(message, (string));
    }
    return "(not an Error(string) revert: a panic or a custom error)";
  }

  // -------------------------------------------------------------------------------------------
  // Reads (through the proxy, as a consumer reads) and round ids

  /// @notice The proxy's latestRoundData.
  function latestRoundData(Feed storage feed)
    internal
    view
    returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
  {
    return feed.proxy.latestRoundData();
  }

  /// @notice The proxy's latest answer.
  function latestAnswer(Feed storage feed) internal view returns (int256 answer) {
    (, answer, , , ) = feed.proxy.latestRoundData();
  }

  /// @notice The proxy's getRoundData for round `aggregatorRoundId` of phase `phaseId`.
  function getRoundData(Feed storage feed, uint16 phaseId, uint64 aggregatorRoundId)
    internal
    view
    returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
  {
    return feed.proxy.getRoundData(proxyRoundId(phaseId, aggregatorRoundId));
  }

  /// @notice A proxy round id: the phase in bits 64..79, the aggregator's round id below.
  function proxyRoundId(uint16 phaseId, uint64 aggregatorRoundId) internal pure returns (uint80) {
    return uint80((uint256(phaseId) << PHASE_OFFSET) | aggregatorRoundId);
  }

  // -------------------------------------------------------------------------------------------
  // Time and round requests

  /// @notice Move the chain `seconds_` forward (and one block), e.g. past a heartbeat.
  function skip(uint256 seconds_) internal {
    VM.warp(block.timestamp + seconds_);
    VM.roll(block.number + 1);
  }

  /// @notice Let `requester` (e.g. a consumer contract) call requestNewRound on this and later
  /// aggregators of the feed.
  function allowRequester(Feed storage feed, address requester) internal {
    feed.requesters.addAccess(requester);
  }

  /// @notice Call the aggregator's requestNewRound as its owner (it emits RoundRequested). The
  /// kit has no oracles listening: follow it with `transmit` to answer the request.
  /// @return roundId the id the next round will get, as the proxy numbers it
  function requestNewRound(Feed storage feed) internal returns (uint80 roundId) {
    uint80 next = feed.options.protocol == Protocol.OCR2
      ? OCR2Aggregator(feed.aggregator).requestNewRound()
      : OffchainAggregator(feed.aggregator).requestNewRound();
    return proxyRoundId(feed.phaseId, uint64(next));
  }
}
