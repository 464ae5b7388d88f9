// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {OCRFeed} from "../../contracts/testing/OCRFeed.sol";
import {Assertions} from "./Assertions.sol";

/// @notice A feed over many rounds: every round is stored, with its own id, answer and time.
contract ManyRoundsTest is Assertions {
  using OCRFeed for OCRFeed.Feed;

  OCRFeed.Feed internal ocr2;
  OCRFeed.Feed internal ocr1;

  function setUp() public {
    vm.warp(1_700_000_000);
    ocr2.deploy();
    OCRFeed.Options memory options = OCRFeed.defaults();
    options.protocol = OCRFeed.Protocol.OCR1;
    ocr1.deploy(options);
  }

  function testOneHundredOCR2Rounds() public {
    _hundredRounds(ocr2);
  }

  function testOneHundredOCR1Rounds() public {
    _hundredRounds(ocr1);
  }

  /// @dev 100 rounds a minute apart; the answer of round i is 1000e8 + i (every oracle is off by
  /// a different amount, the median is exact), then every round is read back through the proxy.
  function _hundredRounds(OCRFeed.Feed storage feed) private {
    uint256 start = block.timestamp;
    for (uint256 i = 1; i <= 100; ++i) {
      int192 answer = int192(int256(1000e8 + i));
      assertEq(feed.transmit(values(answer - 2, answer + 5, answer, answer - 1)), OCRFeed.proxyRoundId(1, uint64(i)), "round id");
      OCRFeed.skip(60);
    }
    for (uint256 i = 1; i <= 100; ++i) {
      (uint80 roundId, int256 answer, , uint256 updatedAt, ) = feed.getRoundData(1, uint64(i));
      assertEq(roundId, OCRFeed.proxyRoundId(1, uint64(i)), "id");
      assertEq(answer, int256(1000e8 + i), "answer");
      assertEq(updatedAt, start + (i - 1) * 60, "time");
    }
  }

  function testSetUpOnly() public view {
    assertEq(ocr2.latestAnswer(), 0, "no round");
  }
}
