import { expect } from "chai";
import { HardhatPluginError } from "hardhat/plugins";

import { formatFixed, formatLink, listOracles, toJson } from "../../tasks/format.js";
import {
  MAX_ORACLES,
  MIN_ORACLES,
  checkCommitteeSize,
  parseTimeoutSeconds,
  parseByzantineList,
  parseDownList,
  parseIntegerOption,
  parseObservationList,
  parseObservationValue,
} from "../../tasks/parse.js";

/** The HardhatPluginError `action` throws, so its message can be checked. */
function pluginError(action: () => unknown): HardhatPluginError {
  try {
    action();
  } catch (error) {
    expect(HardhatPluginError.isHardhatPluginError(error), String(error)).to.equal(true);
    expect((error as HardhatPluginError).pluginId).to.equal("hardhat-ocr");
    return error as HardhatPluginError;
  }
  expect.fail("expected a HardhatPluginError");
}

describe("ocr task option parsing", () => {
  describe("--observations", () => {
    it("reads one integer per oracle, with e-notation for decimals", () => {
      expect(parseObservationList("200012345678, 2001e8,-5,1_000", 4)).to.deep.equal([200012345678n, 200100000000n, -5n, 1000n]);
    });

    it("rejects a list whose length is not n and shows an example of the right length", () => {
      const error = pluginError(() => parseObservationList("1,2,3", 4));
      expect(error.message).to.contain("has 3 values but the feed has 4 oracles");
      expect(error.message).to.contain("--observations 2000e8,2001e8,2002e8,2003e8");
    });

    it("takes a negative first value written with a leading space (how a shell passes it past Hardhat's option parser)", () => {
      expect(parseObservationList(" -1e8,2000e8,2000e8,2000e8", 4)).to.deep.equal([-100000000n, 200000000000n, 200000000000n, 200000000000n]);
    });

    it("takes a decimal point when the exponent makes the value whole", () => {
      expect(parseObservationValue("2000.5e8")).to.equal(200050000000n);
      expect(parseObservationValue("-0.25e2")).to.equal(-25n);
      expect(parseObservationValue("1.50e1")).to.equal(15n);
      expect(parseObservationValue("2000.55e1")).to.equal(undefined);
    });

    it("rejects fractions, words, empty entries and values outside int192", () => {
      for (const bad of ["2000.5,1,1,1", "abc,1,1,1", ",1,1,1", `${1n << 191n},1,1,1`]) {
        expect(pluginError(() => parseObservationList(bad, 4)).message).to.contain("value 0");
      }
      expect(parseObservationValue(`${(1n << 191n) - 1n}`)).to.equal((1n << 191n) - 1n);
      expect(parseObservationValue(`-${1n << 191n}`)).to.equal(-(1n << 191n));
    });
  });

  describe("--byzantine", () => {
    it("reads ORACLE:BEHAVIOUR pairs", () => {
      const parsed = parseByzantineList("1:wrong-report, 3:silent-transmitter", 7, 2, []);
      expect([...parsed]).to.deep.equal([
        [1, "wrong-report"],
        [3, "silent-transmitter"],
      ]);
    });
    it("rejects unknown behaviours (listing the known ones), bad indices, repeats and more than f faulty with --down", () => {
      expect(() => parseByzantineList("1:lying", 4, 1, [])).to.throw(HardhatPluginError, /unknown behaviour "lying".*wrong-report/);
      expect(() => parseByzantineList("4:wrong-report", 4, 1, [])).to.throw(HardhatPluginError, /oracle from 0 to 3/);
      expect(() => parseByzantineList("1:wrong-report,1:stale-transmitter", 7, 2, [])).to.throw(HardhatPluginError, /oracle 1 twice/);
      expect(() => parseByzantineList("1:wrong-report", 4, 1, [0])).to.throw(HardhatPluginError, /tolerates at most 1/);
      expect(() => parseByzantineList("0:wrong-report", 7, 2, [0])).to.throw(HardhatPluginError, /also in --down/);
    });
  });

  describe("--down", () => {
    it("returns sorted distinct indices", () => {
      expect(parseDownList("3, 1", 7, 2)).to.deep.equal([1, 3]);
      expect(parseDownList("", 4, 1)).to.deep.equal([]);
    });

    it("rejects more oracles than f tolerates, naming the limit", () => {
      const error = pluginError(() => parseDownList("0,1", 4, 1));
      expect(error.message).to.contain("tolerates at most 1 faulty oracle");
      expect(error.message).to.contain("Take at most 1 down");
    });

    it("rejects indices outside the committee, non-numbers and duplicates", () => {
      expect(pluginError(() => parseDownList("4", 4, 1)).message).to.contain("oracles are 0 to 3");
      expect(pluginError(() => parseDownList("-1", 4, 1)).message).to.contain("not an oracle index");
      expect(pluginError(() => parseDownList("x", 4, 1)).message).to.contain("not an oracle index");
      expect(pluginError(() => parseDownList("2,2", 7, 2)).message).to.contain("lists oracle 2 twice");
    });
  });

  describe("committee options", () => {
    it("parses optional integers within bounds", () => {
      expect(parseIntegerOption("decimals", undefined, 0, 255)).to.equal(undefined);
      expect(parseIntegerOption("decimals", "0", 0, 255)).to.equal(0);
      expect(pluginError(() => parseIntegerOption("decimals", "256", 0, 255)).message).to.contain("from 0 to 255");
      expect(pluginError(() => parseIntegerOption("oracles", "4.5", 1, 31)).message).to.contain("--oracles");
    });

    it("enforces 3f < n and f >= 1 with a suggestion", () => {
      expect(() => checkCommitteeSize(4, 1)).not.to.throw();
      expect(() => checkCommitteeSize(31, 10)).not.to.throw();
      expect(pluginError(() => checkCommitteeSize(6, 2)).message).to.contain("Use --faulty 1 or --oracles 7");
      expect(pluginError(() => checkCommitteeSize(4, 0)).message).to.contain("fault tolerance of 0");
      // No suggestion to use the f the user already has.
      expect(pluginError(() => checkCommitteeSize(5, 2)).message).to.contain("Use --faulty 1 or --oracles 7");
      expect(pluginError(() => checkCommitteeSize(4, 2)).message).to.contain("Use --faulty 1 or --oracles 7");
    });

    it("states one committee size range everywhere: 4 to 31", () => {
      expect(pluginError(() => parseIntegerOption("oracles", "2", MIN_ORACLES, MAX_ORACLES)).message).to.contain("from 4 to 31");
      expect(pluginError(() => checkCommitteeSize(2, 1)).message).to.contain("4 to 31 oracles");
      expect(pluginError(() => checkCommitteeSize(32, 1)).message).to.contain("4 to 31 oracles");
    });

    it("reads --timeout as positive wall-clock seconds", () => {
      expect(parseTimeoutSeconds("")).to.equal(undefined);
      expect(parseTimeoutSeconds("1.5")).to.equal(1500);
      for (const bad of ["0", "-1", "abc", "1e3", "9999999999"]) expect(pluginError(() => parseTimeoutSeconds(bad)).message).to.contain("--timeout");
    });
  });
});

describe("ocr task output formatting", () => {
  it("prints bigints as decimal strings in JSON", () => {
    expect(JSON.parse(toJson({ a: 1n << 80n, b: [2n], c: 3 }))).to.deep.equal({ a: "1208925819614629174706176", b: ["2"], c: 3 });
  });

  it("formats fixed-point answers and LINK amounts", () => {
    expect(formatFixed(200012345678n, 8)).to.equal("2000.12345678");
    expect(formatFixed(-5n, 8)).to.equal("-0.00000005");
    expect(formatFixed(42n, 0)).to.equal("42");
    expect(formatLink(1_500_000_000_000_000_000n)).to.equal("1.5");
    expect(formatLink(10n ** 21n)).to.equal("1000");
    expect(formatLink(0n)).to.equal("0");
    expect(listOracles([0, 2, 3])).to.equal("0, 2 and 3");
  });
});
