// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {OffchainAggregator} from "../../contracts/OffchainAggregator.sol";
import {OCR2Aggregator} from "../../contracts/ocr2/OCR2Aggregator.sol";
import {OCRFeed} from "../../contracts/testing/OCRFeed.sol";
import {Assertions} from "./Assertions.sol";

/// @notice A contract that asks the feed for a round, as a consumer with requester access would.
contract RoundRequester {
  function request(address aggregator) external returns (uint80) {
    return OCR2Aggregator(aggregator).requestNewRound();
  }
}

/// @notice What the Solidity test kit does, checked against the real contracts it deploys.
contract OCRFeedKitTest is Assertions {
  using OCRFeed for OCRFeed.Feed;

  OCRFeed.Feed internal feed;

  uint80 internal constant PHASE_1 = uint80(1) << 64;
  uint80 internal constant PHASE_2 = uint80(2) << 64;

  function setUp() public {
    vm.warp(1_700_000_000);
  }

  function deployWith(OCRFeed.Protocol protocol, uint8 n, uint8 f) internal {
    OCRFeed.Options memory options = OCRFeed.defaults();
    options.protocol = protocol;
    options.oracles = n;
    options.faultTolerance = f;
    feed.deploy(options);
  }

  function testDefaultFeedIsAConfiguredAccessControlledOCR2AggregatorBehindTheProxy() public {
    feed.deploy();
    OCR2Aggregator aggregator = OCR2Aggregator(feed.aggregator);
    assertEq(aggregator.typeAndVersion(), "AccessControlledOCR2Aggregator 1.0.0", "aggregator kind");
    assertEq(feed.proxy.aggregator(), feed.aggregator, "proxy points at the aggregator");
    assertEq(feed.proxy.phaseId(), 1, "phase");
    assertEq(feed.proxy.decimals(), 8, "decimals through the proxy");
    assertEq(feed.proxy.description(), "TEST / USD", "description through the proxy");
    assertEq(aggregator.owner(), address(this), "the test owns the aggregator");
    address[] memory transmitters = aggregator.getTransmitters();
    assertEq(transmitters.length, 4, "oracles");
    for (uint256 i; i < 4; ++i) assertEq(transmitters[i], feed.transmitter(i), "transmitter i");
    (uint32 configCount, , bytes32 digest) = aggregator.latestConfigDetails();
    assertEq(configCount, 1, "one config");
    assertTrue(digest == feed.configDigest && bytes2(digest) == 0x0001, "OCR2 digest with the EVM prefix");
    assertEq(feed.link.balanceOf(feed.aggregator), 1000 ether, "LINK funding");
    (uint32 maximumGasPriceGwei, , uint32 observationPaymentGjuels, , ) = _billing(aggregator);
    assertEq(maximumGasPriceGwei, 1000, "billing set");
    assertEq(observationPaymentGjuels, 100_000_000, "observation payment");
    // No round yet: the proxy reports phase 1, round 0, all zeros.
    (uint80 roundId, int256 answer, , uint256 updatedAt, uint80 answeredInRound) = feed.latestRoundData();
    assertEq(roundId, PHASE_1, "round id before the first report");
    assertEq(answer, 0, "no answer yet");
    assertEq(updatedAt, 0, "never updated");
    assertEq(answeredInRound, PHASE_1, "answeredInRound before the first report");
  }

  function _billing(OCR2Aggregator aggregator) private view returns (uint32, uint32, uint32, uint32, uint24) {
    return aggregator.getBilling();
  }

  function testTheMedianOfTheObservationsBecomesTheAnswerReadThroughTheProxy() public {
    deployWith(OCRFeed.Protocol.OCR2, 7, 2);
    int192[] memory observations = new int192[](7);
    (observations[0], observations[1], observations[2], observations[3]) = (int192(2003e8), 1999e8, 2006e8, 2000e8);
    (observations[4], observations[5], observations[6]) = (int192(2001e8), 2005e8, 1990e8);
    uint80 id = feed.transmit(observations);
    assertEq(id, PHASE_1 + 1, "first round through the proxy");
    (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound) = feed.latestRoundData();
    // Sorted: 1990 1999 2000 2001 2003 2005 2006; the middle one is 2001.
    assertEq(answer, 2001e8, "median");
    assertEq(roundId, PHASE_1 + 1, "round id");
    assertEq(answeredInRound, roundId, "answeredInRound");
    assertEq(startedAt, block.timestamp, "startedAt is the observations timestamp");
    assertEq(updatedAt, block.timestamp, "updatedAt is the block timestamp");
  }

  function testAnEvenNumberOfObservationsGivesTheUpperMedian() public {
    feed.deploy();
    feed.transmit(values(10e8, 40e8, 20e8, 30e8));
    assertEq(feed.latestAnswer(), 30e8, "upper median of four");
  }

  function testTransmitAnswerReportsOneValueFromEveryOracle() public {
    feed.deploy();
    assertEq(feed.transmitAnswer(1234e8), PHASE_1 + 1, "round 1");
    assertEq(feed.transmitAnswer(1235e8), PHASE_1 + 2, "round 2");
    assertEq(feed.latestAnswer(), 1235e8, "latest answer");
    (, int256 first, , , ) = feed.getRoundData(1, 1);
    assertEq(first, 1234e8, "round 1 through the proxy");
  }

  function testUpToFLiarsCannotMoveTheMedianOutsideTheHonestValues() public {
    feed.deploy();
    int192[4] memory lies = [type(int192).min, int192(-1), 0, type(int192).max];
    for (uint256 i; i < lies.length; ++i) {
      // Oracle 3 lies; the honest three observe 2000, 2001 and 2002.
      feed.transmit(values(2000e8, 2001e8, 2002e8, lies[i]));
      int256 answer = feed.latestAnswer();
      assertTrue(answer >= 2000e8 && answer <= 2002e8, "one liar of four stays inside the honest range");
    }
  }

  function testAMajorityOfLiarsSetsTheAnswer() public {
    feed.deploy();
    feed.transmit(values(7e8, 7e8, 7e8, 2000e8));
    assertEq(feed.latestAnswer(), 7e8, "three liars of four decide the median");
  }

  function testFewerThanFPlusOneSignaturesTransmitNothingAndTheAnswerStaysStale() public {
    deployWith(OCRFeed.Protocol.OCR2, 7, 2);
    feed.transmitAnswer(2000e8);
    (, , , uint256 updatedAt, ) = feed.latestRoundData();
    OCRFeed.skip(600);

    OCRFeed.Report memory r = feed.report(values(3000e8, 3000e8, 3000e8, 3000e8));
    r.signers = OCRFeed.oracles(0, 2); // f = 2 signatures; three are needed
    (bool accepted, string memory reason) = feed.submit(r);
    assertTrue(!accepted, "a report with f signatures is rejected");
    assertEq(reason, "wrong number of signatures", "OCR2 revert reason");

    r = feed.report(values(3000e8, 3000e8, 3000e8, 3000e8));
    r.signers = new uint8[](0);
    (accepted, reason) = feed.submit(r);
    assertEq(reason, "wrong number of signatures", "no signatures at all");

    (uint80 roundId, int256 answer, , uint256 updatedAtAfter, ) = feed.latestRoundData();
    assertEq(roundId, PHASE_1 + 1, "no new round");
    assertEq(answer, 2000e8, "the old answer stays");
    assertEq(updatedAtAfter, updatedAt, "and its timestamp");
  }

  function testOCR2WantsExactlyFPlusOneSignaturesFromDistinctSigners() public {
    feed.deploy();
    OCRFeed.Report memory r = feed.report(values(1e8, 2e8, 3e8, 4e8));
    r.signers = OCRFeed.oracles(0, 3);
    (, string memory reason) = feed.submit(r);
    assertEq(reason, "wrong number of signatures", "f + 2 signatures");

    r = feed.report(values(1e8, 2e8, 3e8, 4e8));
    r.signers = new uint8[](2);
    (r.signers[0], r.signers[1]) = (3, 3);
    (, reason) = feed.submit(r);
    assertEq(reason, "duplicate signer", "the same oracle twice");

    r = feed.report(values(1e8, 2e8, 3e8, 4e8));
    r.signers = OCRFeed.oracles(2, 2); // oracles 2 and 3 instead of 0 and 1
    (bool accepted, ) = feed.submit(r);
    assertTrue(accepted, "any f + 1 distinct oracles may sign");
  }

  function testTheChosenTransmitterSendsAndIsPaidForIt() public {
    feed.deploy();
    OCR2Aggregator aggregator = OCR2Aggregator(feed.aggregator);
    OCRFeed.Report memory r = feed.report(values(1e8, 2e8, 3e8, 4e8));
    r.transmitter = 2;
    (bool accepted, ) = feed.submit(r);
    assertTrue(accepted, "accepted");
    // Every oracle earns the observation payment (0.1 LINK); only the transmitter also gets the
    // transmission payment (0.4 LINK) and its gas back.
    for (uint256 i; i < 4; ++i) {
      uint256 owed = aggregator.owedPayment(feed.transmitter(i));
      if (i == 2) assertTrue(owed > 0.5 ether, "the transmitter is paid for sending");
      else assertEq(owed, 0.1 ether, "observation payment only");
    }
    // The payee withdraws it.
    vm.prank(feed.payee(2));
    aggregator.withdrawPayment(feed.transmitter(2));
    assertTrue(feed.link.balanceOf(feed.payee(2)) > 0.5 ether, "payee received LINK");
  }

  function testTransmittersRotateByDefault() public {
    feed.deploy();
    OCR2Aggregator aggregator = OCR2Aggregator(feed.aggregator);
    for (uint256 i; i < 4; ++i) feed.transmitAnswer(int192(int256(100e8 + i)));
    for (uint256 i; i < 4; ++i) {
      assertTrue(aggregator.owedPayment(feed.transmitter(i)) > 0.8 ether, "each oracle transmitted once");
    }
  }

  function testOCR2AcceptsAnUnsortedReportAndTakesTheMiddleValueAsGiven() public {
    feed.deploy();
    OCRFeed.Report memory r = feed.report(values(5e8, 1e8, 9e8, 3e8));
    r.unsorted = true;
    (bool accepted, ) = feed.submit(r);
    assertTrue(accepted, "OCR2 does not check the order");
    assertEq(feed.latestAnswer(), 9e8, "observations[n/2] of the report as sent");
  }

  function testOCR1RejectsAnUnsortedReport() public {
    deployWith(OCRFeed.Protocol.OCR1, 4, 1);
    OCRFeed.Report memory r = feed.report(values(5e8, 1e8, 9e8, 3e8));
    r.unsorted = true;
    (bool accepted, string memory reason) = feed.submit(r);
    assertTrue(!accepted, "rejected");
    assertEq(reason, "observations not sorted", "OCR1 checks the order");
  }

  function testAnOldEpochIsAStaleReport() public {
    feed.deploy();
    feed.transmitAnswer(1e8);
    OCRFeed.Report memory r = feed.report(values(2e8, 2e8, 2e8, 2e8));
    r.epoch = 1;
    r.round = 1;
    (, string memory reason) = feed.submit(r);
    assertEq(reason, "stale report", "epoch 1 round 1 again");
    r = feed.report(values(2e8, 2e8, 2e8, 2e8));
    r.epoch = 1;
    r.round = 2;
    (bool accepted, ) = feed.submit(r);
    assertTrue(accepted, "a later round of the same epoch is fresh");
    feed.transmitAnswer(3e8);
    assertEq(feed.latestAnswer(), 3e8, "the kit continues after the caller's epoch");
  }

  function testAMedianOutsideTheFeedBoundsIsRejected() public {
    OCRFeed.Options memory options = OCRFeed.defaults();
    options.minAnswer = 1000e8;
    options.maxAnswer = 3000e8;
    feed.deploy(options);
    feed.transmitAnswer(2000e8);
    (bool accepted, string memory reason) = feed.submit(feed.report(values(5000e8, 5000e8, 5000e8, 5000e8)));
    assertTrue(!accepted, "rejected");
    assertEq(reason, "median is out of min-max range", "reason");
    assertEq(feed.latestAnswer(), 2000e8, "answer unchanged");
  }

  function testFewerObservationsThanTheMedianNeedsAreRejected() public {
    feed.deploy();
    int192[] memory one = new int192[](1);
    one[0] = 1e8;
    (, string memory reason) = feed.submit(feed.report(one));
    assertEq(reason, "too few values to trust median", "OCR2 needs more than f observations");
  }

  function testAnOCR1FeedOnRequest() public {
    deployWith(OCRFeed.Protocol.OCR1, 4, 1);
    assertEq(
      OffchainAggregator(feed.aggregator).typeAndVersion(),
      "AccessControlledOffchainAggregator 4.0.0",
      "aggregator kind"
    );
    assertEq(feed.transmit(values(30e8, 10e8, 40e8, 20e8)), PHASE_1 + 1, "round 1");
    assertEq(feed.latestAnswer(), 30e8, "upper median");

    OCRFeed.Report memory r = feed.report(values(1e8, 1e8, 1e8, 1e8));
    r.signers = OCRFeed.oracles(0, 1);
    (, string memory reason) = feed.submit(r);
    assertEq(reason, "not enough signatures", "OCR1 needs more than f signatures");

    r = feed.report(values(1e8, 1e8, 1e8, 1e8));
    r.signers = OCRFeed.oracles(0, 4);
    (bool accepted, ) = feed.submit(r);
    assertTrue(accepted, "OCR1 accepts more than f + 1 signatures");

    int192[] memory two = new int192[](2);
    (two[0], two[1]) = (int192(1e8), 2e8);
    (, reason) = feed.submit(feed.report(two));
    assertEq(reason, "too few values to trust median", "OCR1 needs more than 2f observations");
  }

  function testAPlainAggregatorOnRequest() public {
    OCRFeed.Options memory options = OCRFeed.defaults();
    options.accessControlled = false;
    feed.deploy(options);
    assertEq(OCR2Aggregator(feed.aggregator).typeAndVersion(), "OCR2Aggregator 1.0.0", "aggregator kind");
    feed.transmitAnswer(42e8);
    assertEq(OCR2Aggregator(feed.aggregator).latestAnswer(), 42e8, "readable without an allowlist");
  }

  function testThirtyOneOracles() public {
    deployWith(OCRFeed.Protocol.OCR2, 31, 10);
    int192[] memory observations = new int192[](31);
    for (uint256 i; i < 31; ++i) observations[i] = int192(int256(3000e8 - i * 1e8));
    feed.transmit(observations);
    // Values 2970..3000: the 16th smallest is 2985.
    assertEq(feed.latestAnswer(), 2985e8, "median of 31");
  }

  function testUpgradeStartsANewPhaseAndOldRoundsStayReadable() public {
    deployWith(OCRFeed.Protocol.OCR1, 4, 1);
    feed.transmitAnswer(100e8);
    feed.transmitAnswer(101e8);
    address phase1 = feed.aggregator;

    OCRFeed.Options memory options = OCRFeed.defaults();
    uint16 phase = feed.upgrade(options); // to OCR2
    assertEq(phase, 2, "new phase");
    assertEq(feed.proxy.phaseId(), 2, "proxy phase");
    assertEq(address(feed.proxy.phaseAggregators(1)), phase1, "phase 1 aggregator remembered");
    assertEq(
      OCR2Aggregator(feed.aggregator).typeAndVersion(),
      "AccessControlledOCR2Aggregator 1.0.0",
      "phase 2 runs OCR2"
    );

    (uint80 roundId, , , uint256 updatedAt, ) = feed.latestRoundData();
    assertEq(roundId, PHASE_2, "no round in phase 2 yet");
    assertEq(updatedAt, 0, "so no timestamp");

    assertEq(feed.transmitAnswer(200e8), PHASE_2 + 1, "phase 2 round 1");
    (, int256 old, , , ) = feed.getRoundData(1, 2);
    assertEq(old, 101e8, "phase 1 round 2 through the proxy");
    (, old, , , ) = feed.getRoundData(1, 1);
    assertEq(old, 100e8, "phase 1 round 1 through the proxy");
    assertEq(feed.proxy.getAnswer(PHASE_1 + 1), 100e8, "the V2 read of an old round");
    assertEq(feed.latestAnswer(), 200e8, "latest from phase 2");
    // The same seed keeps the same oracles across the upgrade.
    assertEq(OCR2Aggregator(feed.aggregator).getTransmitters()[0], OffchainAggregator(phase1).transmitters()[0], "same oracles");
  }

  function testRequestNewRoundIsAnsweredByTheNextTransmit() public {
    feed.deploy();
    feed.transmitAnswer(1e8);
    assertEq(feed.requestNewRound(), PHASE_1 + 2, "the owner requests round 2");

    RoundRequester requester = new RoundRequester();
    (bool ok, ) = address(requester).call(abi.encodeCall(RoundRequester.request, (feed.aggregator)));
    assertTrue(!ok, "a contract without requester access is refused");
    feed.allowRequester(address(requester));
    assertEq(requester.request(feed.aggregator), 2, "an allowed consumer requests round 2");
    assertEq(feed.transmitAnswer(2e8), PHASE_1 + 2, "the next report answers it");
  }

  function testSkipMovesTimeAndBlocks() public {
    feed.deploy();
    feed.transmitAnswer(1e8);
    (, , , uint256 updatedAt, ) = feed.latestRoundData();
    uint256 blockBefore = block.number;
    OCRFeed.skip(3601);
    assertEq(block.timestamp, updatedAt + 3601, "time moved");
    assertEq(block.number, blockBefore + 1, "one block later");
    (, , , uint256 stillUpdatedAt, ) = feed.latestRoundData();
    assertEq(stillUpdatedAt, updatedAt, "the feed did not update by itself");
  }

  function testTheSameSeedGivesTheSameOraclesAndAnotherSeedOthers() public {
    feed.deploy();
    sameSeed.deploy();
    OCRFeed.Options memory options = OCRFeed.defaults();
    options.keySeed = 2;
    otherSeed.deploy(options);
    address[] memory first = OCR2Aggregator(feed.aggregator).getTransmitters();
    address[] memory again = OCR2Aggregator(sameSeed.aggregator).getTransmitters();
    address[] memory other = OCR2Aggregator(otherSeed.aggregator).getTransmitters();
    for (uint256 i; i < 4; ++i) {
      assertEq(again[i], first[i], "same seed, same transmitter");
      assertTrue(other[i] != first[i], "other seed, other transmitter");
      assertTrue(feed.signer(i) != feed.transmitter(i), "separate signer and transmitter keys");
    }
    // Two feeds side by side are independent.
    sameSeed.transmitAnswer(5e8);
    assertEq(feed.latestAnswer(), 0, "the first feed has no round");
  }

  OCRFeed.Feed internal sameSeed;
  OCRFeed.Feed internal otherSeed;
}
