// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {PriceConsumer} from "../../contracts/examples/PriceConsumer.sol";
import {AggregatorV3Interface} from "../../contracts/interfaces/AggregatorV3Interface.sol";
import {OCRFeed} from "../../contracts/testing/OCRFeed.sol";
import {Assertions} from "./Assertions.sol";

/// @notice The example consumer against a real feed: each of its refusals, and a fuzz test over
/// random observation sets.
contract PriceConsumerTest is Assertions {
  using OCRFeed for OCRFeed.Feed;

  uint256 internal constant HEARTBEAT = 3600;
  int256 internal constant MIN_PRICE = 100e8;
  int256 internal constant MAX_PRICE = 10_000e8;
  /// @dev The feed accepts medians in [FEED_MIN, FEED_MAX], wider than the consumer's range and
  /// including zero and negative values, so every consumer check can be reached.
  int192 internal constant FEED_MIN = -6_000e8;
  int192 internal constant FEED_MAX = 11_500e8;

  OCRFeed.Feed internal feed;
  PriceConsumer internal consumer;

  function setUp() public {
    vm.warp(1_700_000_000);
    OCRFeed.Options memory options = OCRFeed.defaults();
    options.oracles = 7;
    options.faultTolerance = 2;
    options.minAnswer = FEED_MIN;
    options.maxAnswer = FEED_MAX;
    options.description = "ETH / USD";
    feed.deploy(options);
    consumer = new PriceConsumer(AggregatorV3Interface(address(feed.proxy)), HEARTBEAT, MIN_PRICE, MAX_PRICE);
  }

  /// @dev Seven oracles all observing `answer`.
  function allSay(int192 answer) internal returns (uint80) {
    return feed.transmitAnswer(answer);
  }

  /// @dev Four of seven oracles (a majority: more than f = 2 liars) report `lie`, three `truth`.
  function majorityLies(int192 truth, int192 lie) internal returns (uint80) {
    int192[] memory observations = new int192[](7);
    for (uint256 i; i < 7; ++i) observations[i] = i < 4 ? lie : truth;
    return feed.transmit(observations);
  }

  function testAFreshInRangeAnswerIsReturned() public {
    uint80 roundId = allSay(2000e8);
    (int256 price, uint80 seenRound, uint256 updatedAt) = consumer.latestPrice();
    assertEq(price, 2000e8, "price");
    assertEq(seenRound, roundId, "round id through the proxy");
    assertEq(updatedAt, block.timestamp, "updatedAt");
    assertEq(consumer.quote(2 ether), 4000e8, "quote of 2 ETH");
    assertEq(consumer.feedDecimals(), 8, "decimals");
  }

  function testRoundNotCompleteBeforeTheFirstReport() public {
    vm.expectRevert(abi.encodeWithSelector(PriceConsumer.RoundNotComplete.selector, OCRFeed.proxyRoundId(1, 0)));
    consumer.latestPrice();
  }

  function testRoundNotCompleteAfterAnUpgradeUntilTheNewAggregatorReports() public {
    allSay(2000e8);
    feed.upgrade();
    vm.expectRevert(abi.encodeWithSelector(PriceConsumer.RoundNotComplete.selector, OCRFeed.proxyRoundId(2, 0)));
    consumer.latestPrice();
    allSay(2001e8);
    (int256 price, uint80 roundId, ) = consumer.latestPrice();
    assertEq(price, 2001e8, "answer of the new phase");
    assertEq(roundId, OCRFeed.proxyRoundId(2, 1), "phase 2, round 1");
  }

  /// @dev AnswerFromEarlierRound needs answeredInRound < roundId. Both OCR aggregators return
  /// answeredInRound = roundId for every round, and the proxy adds the same phase to both, so a
  /// real OCR feed never triggers it: checked here across rounds, an impossible round and an
  /// upgrade from OCR2 to OCR1 (the check exists for other aggregator kinds behind a proxy).
  function testAnswerFromEarlierRoundNeverOccursWithOCRAggregators() public {
    _expectAnsweredInItsOwnRound();
    allSay(2000e8);
    _expectAnsweredInItsOwnRound();
    OCRFeed.Report memory r = feed.report(new int192[](3));
    r.signers = OCRFeed.oracles(0, 1);
    (bool accepted, ) = feed.submit(r);
    assertTrue(!accepted, "an impossible round");
    _expectAnsweredInItsOwnRound();
    OCRFeed.Options memory ocr1 = feed.options;
    ocr1.protocol = OCRFeed.Protocol.OCR1;
    feed.upgrade(ocr1);
    _expectAnsweredInItsOwnRound();
    allSay(2001e8);
    _expectAnsweredInItsOwnRound();
    (, , , , uint80 answeredInRound) = feed.proxy.getRoundData(OCRFeed.proxyRoundId(1, 1));
    assertEq(answeredInRound, OCRFeed.proxyRoundId(1, 1), "an old phase's round too");
  }

  function _expectAnsweredInItsOwnRound() private view {
    (uint80 roundId, , , , uint80 answeredInRound) = feed.latestRoundData();
    assertEq(answeredInRound, roundId, "answeredInRound");
  }

  function testStalePriceOnceTheHeartbeatHasPassed() public {
    allSay(2000e8);
    uint256 updatedAt = block.timestamp;
    OCRFeed.skip(HEARTBEAT);
    (int256 price, , ) = consumer.latestPrice();
    assertEq(price, 2000e8, "exactly one heartbeat old is still fresh");
    OCRFeed.skip(1);
    vm.expectRevert(
      abi.encodeWithSelector(PriceConsumer.StalePrice.selector, updatedAt, HEARTBEAT, updatedAt + HEARTBEAT + 1)
    );
    consumer.latestPrice();
  }

  function testStalePriceWhenTheOraclesCannotReachQuorum() public {
    allSay(2000e8);
    uint256 updatedAt = block.timestamp;
    OCRFeed.skip(HEARTBEAT - 100);
    // Only f = 2 oracles sign the next report: it cannot be transmitted.
    OCRFeed.Report memory r = feed.report(new int192[](7));
    for (uint256 i; i < 7; ++i) r.observations[i] = 2100e8;
    r.signers = OCRFeed.oracles(0, 2);
    (bool accepted, string memory reason) = feed.submit(r);
    assertTrue(!accepted, "no quorum");
    assertEq(reason, "wrong number of signatures", "reason");
    OCRFeed.skip(101);
    vm.expectRevert(
      abi.encodeWithSelector(PriceConsumer.StalePrice.selector, updatedAt, HEARTBEAT, updatedAt + HEARTBEAT + 1)
    );
    consumer.latestPrice();
  }

  function testNonPositivePriceWhenAMajorityReportsZeroOrLess() public {
    majorityLies(2000e8, 0);
    vm.expectRevert(abi.encodeWithSelector(PriceConsumer.NonPositivePrice.selector, int256(0)));
    consumer.latestPrice();
    majorityLies(2000e8, -5e8);
    vm.expectRevert(abi.encodeWithSelector(PriceConsumer.NonPositivePrice.selector, int256(-5e8)));
    consumer.latestPrice();
  }

  function testTwoLiarsOfSevenCannotMakeThePriceNonPositive() public {
    int192[] memory observations = new int192[](7);
    for (uint256 i; i < 7; ++i) observations[i] = i < 2 ? int192(-1e8) : int192(2000e8);
    feed.transmit(observations);
    (int256 price, , ) = consumer.latestPrice();
    assertEq(price, 2000e8, "f liars do not move the median");
  }

  function testPriceOutOfRangeAboveAndBelow() public {
    allSay(10_001e8);
    vm.expectRevert(
      abi.encodeWithSelector(PriceConsumer.PriceOutOfRange.selector, int256(10_001e8), MIN_PRICE, MAX_PRICE)
    );
    consumer.latestPrice();
    allSay(99e8);
    vm.expectRevert(abi.encodeWithSelector(PriceConsumer.PriceOutOfRange.selector, int256(99e8), MIN_PRICE, MAX_PRICE));
    consumer.latestPrice();
  }

  /// @notice Any set of 3 to 7 observations from oracles 0..k-1, each a value in
  /// (-12000e8, 12000e8): the aggregator stores their median if it lies within the feed's bounds
  /// (else the last answer stays), and the consumer returns it or refuses it with the right error.
  function testFuzz_TheConsumerSeesTheMedianOfAnyObservationSet(int64[7] memory raw, uint8 countSeed) public {
    // The answer before this round, to check that a rejected report leaves it in place.
    allSay(2000e8);
    uint256 count = 3 + (uint256(countSeed) % 5); // more than f = 2, at most n = 7
    int192[] memory observations = new int192[](count);
    for (uint256 i; i < count; ++i) observations[i] = int192(raw[i] % 12_000e8);
    int192 median = _medianByCounting(observations);

    (bool accepted, string memory reason) = feed.submit(feed.report(observations));
    if (median < FEED_MIN || median > FEED_MAX) {
      assertTrue(!accepted, "a median outside the feed's bounds is rejected");
      assertEq(reason, "median is out of min-max range", "reason");
      assertEq(feed.latestAnswer(), 2000e8, "the previous answer stays");
      return;
    }
    assertTrue(accepted, reason);
    (uint80 roundId, int256 answer, , uint256 updatedAt, uint80 answeredInRound) = feed.latestRoundData();
    assertEq(answer, median, "the stored answer is the median");
    assertEq(roundId, OCRFeed.proxyRoundId(1, 2), "round 2");
    assertEq(answeredInRound, roundId, "answered in its own round");
    assertEq(updatedAt, block.timestamp, "updated now");

    if (median <= 0) {
      vm.expectRevert(abi.encodeWithSelector(PriceConsumer.NonPositivePrice.selector, int256(median)));
      consumer.latestPrice();
    } else if (median < MIN_PRICE || median > MAX_PRICE) {
      vm.expectRevert(abi.encodeWithSelector(PriceConsumer.PriceOutOfRange.selector, int256(median), MIN_PRICE, MAX_PRICE));
      consumer.latestPrice();
    } else {
      (int256 price, uint80 seenRound, ) = consumer.latestPrice();
      assertEq(price, median, "the consumer returns the median");
      assertEq(seenRound, roundId, "of the latest round");
    }
  }

  /// @dev The upper median without sorting: the value x with fewer than k + 1 values below it
  /// and at least k + 1 values at or below it, k = count / 2 (independent of the kit's sort).
  function _medianByCounting(int192[] memory list) private pure returns (int192) {
    uint256 k = list.length / 2;
    for (uint256 i; i < list.length; ++i) {
      uint256 below;
      uint256 atOrBelow;
      for (uint256 j; j < list.length; ++j) {
        if (list[j] < list[i]) ++below;
        if (list[j] <= list[i]) ++atOrBelow;
      }
      if (below <= k && k < atOrBelow) return list[i];
    }
    revert("unreachable: every list has a median");
  }
}
