import { expect } from "chai";

import { type ObservationRequest, type DataSource, observeOrUndefined } from "../../plugin/data-sources/data-source.js";
import { multiplyToInt192, parseDecimal } from "../../plugin/data-sources/decimal.js";
import { randomWalkPrice, seededRandomWalk } from "../../plugin/data-sources/random-walk.js";
import { fixedValue, fromFunction, scriptedSequence } from "../../plugin/data-sources/simple.js";
import { dataSourceFromSpec } from "../../plugin/data-sources/from-spec.js";

const INT192_MAX = (1n << 191n) - 1n;

function request(overrides: Partial<ObservationRequest> = {}): ObservationRequest {
  return { oracleIndex: 0, epoch: 1, round: 1, signal: new AbortController().signal, ...overrides };
}

describe("fixedValue / scriptedSequence / fromFunction", () => {
  it("fixedValue always observes its value", async () => {
    const source = fixedValue(-42n);
    expect(await source.observe(request())).to.equal(-42n);
    expect(await source.observe(request({ round: 2 }))).to.equal(-42n);
    expect(() => fixedValue(INT192_MAX + 1n)).to.throw(RangeError);
  });

  it("scriptedSequence returns each value once, then throws", async () => {
    const source = scriptedSequence([1n, 2n, 3n]);
    expect([await source.observe(request()), await source.observe(request()), await source.observe(request())]).to.deep.equal([1n, 2n, 3n]);
    let thrown: unknown;
    await source.observe(request()).catch((e) => (thrown = e));
    expect(String(thrown)).to.contain("exhausted after 3 values");
  });

  it("scriptedSequence can repeat its last value and script failures", async () => {
    const source = scriptedSequence([5n, new Error("feed down"), 7n], { repeatLast: true });
    expect(await source.observe(request())).to.equal(5n);
    expect(await observeOrUndefined(source, request(), 100)).to.equal(undefined);
    expect(await source.observe(request())).to.equal(7n);
    expect(await source.observe(request())).to.equal(7n);
  });

  it("fromFunction passes the request through", async () => {
    const source = fromFunction(({ oracleIndex, round }) => BigInt(oracleIndex * 100 + round));
    expect(await source.observe(request({ oracleIndex: 3, round: 4 }))).to.equal(304n);
  });
});

describe("observeOrUndefined", () => {
  const never: DataSource = { kind: "never", observe: () => new Promise(() => {}) };

  it("returns the value of a healthy source", async () => {
    expect(await observeOrUndefined(fixedValue(9n), request(), 100)).to.equal(9n);
  });

  it("turns a throwing source (sync or async) into undefined and reports why", async () => {
    const errors: unknown[] = [];
    const syncThrow: DataSource = { kind: "sync", observe: () => { throw new Error("boom"); } };
    expect(await observeOrUndefined(syncThrow, request(), 100, (e) => errors.push(e))).to.equal(undefined);
    expect(await observeOrUndefined(fromFunction(async () => { throw new Error("later"); }), request(), 100, (e) => errors.push(e))).to.equal(undefined);
    expect(errors.map(String)).to.deep.equal(["Error: boom", "Error: later"]);
  });

  it("gives up on a source that never answers after the timeout", async () => {
    const started = Date.now();
    const errors: unknown[] = [];
    expect(await observeOrUndefined(never, request(), 50, (e) => errors.push(e))).to.equal(undefined);
    expect(Date.now() - started).to.be.within(40, 1000);
    expect(String(errors[0])).to.contain("timed out after 50 ms");
  });

  it("aborts the source's own signal on timeout, so it can stop its work", async () => {
    let seen: AbortSignal | undefined;
    const watching: DataSource = { kind: "watching", observe: ({ signal }) => { seen = signal; return new Promise(() => {}); } };
    await observeOrUndefined(watching, request(), 20);
    expect(seen?.aborted).to.equal(true);
  });

  it("stops when the caller's signal aborts, already aborted or later", async () => {
    const already = new AbortController();
    already.abort(new Error("shutdown"));
    expect(await observeOrUndefined(never, request({ signal: already.signal }), 10_000)).to.equal(undefined);
    const later = new AbortController();
    setTimeout(() => later.abort(), 20);
    const started = Date.now();
    expect(await observeOrUndefined(never, request({ signal: later.signal }), 10_000)).to.equal(undefined);
    expect(Date.now() - started).to.be.below(1000);
  });

  it("rejects values that are not int192 bigints", async () => {
    const tooBig = fromFunction(() => INT192_MAX + 1n);
    const notBigint = fromFunction(() => 5 as unknown as bigint);
    expect(await observeOrUndefined(tooBig, request(), 100)).to.equal(undefined);
    expect(await observeOrUndefined(notBigint, request(), 100)).to.equal(undefined);
  });
});

describe("seededRandomWalk", () => {
  const options = { seed: "eth-usd", start: 2_000n * 10n ** 8n, stepPPB: 10_000_000n };

  async function run(source: DataSource, rounds: number, oracles = 1): Promise<bigint[][]> {
    const out: bigint[][] = [];
    for (let r = 1; r <= rounds; r++) {
      const perOracle: bigint[] = [];
      for (let i = 0; i < oracles; i++) perOracle.push(await source.observe(request({ oracleIndex: i, round: r })));
      out.push(perOracle);
    }
    return out;
  }

  it("replays exactly for the same seed and differs for another", async () => {
    const a = await run(seededRandomWalk(options), 20);
    const b = await run(seededRandomWalk(options), 20);
    const c = await run(seededRandomWalk({ ...options, seed: "btc-usd" }), 20);
    expect(a).to.deep.equal(b);
    expect(a).to.not.deep.equal(c);
    expect(new Set(a.map(String)).size).to.be.greaterThan(10); // it actually moves
  });

  it("moves at most stepPPB per round and matches randomWalkPrice", async () => {
    const values = (await run(seededRandomWalk(options), 50)).map((v) => v[0]);
    expect(values[0]).to.equal(options.start);
    for (let k = 1; k < values.length; k++) {
      const change = values[k] - values[k - 1];
      expect((change < 0n ? -change : change) * 1_000_000_000n <= options.stepPPB * values[k - 1]).to.equal(true);
      expect(values[k]).to.equal(randomWalkPrice(options, k));
    }
  });

  it("gives every oracle the same price in a round without noise, and nearby prices with noise", async () => {
    for (const round of await run(seededRandomWalk(options), 5, 4)) expect(new Set(round).size).to.equal(1);
    const noisy = await run(seededRandomWalk({ ...options, noisePPB: 1_000_000n }), 5, 4);
    for (const round of noisy) {
      expect(new Set(round).size).to.be.greaterThan(1);
      const spread = round.reduce((a, b) => (a > b ? a : b)) - round.reduce((a, b) => (a < b ? a : b));
      expect(spread * 1_000_000_000n <= 2n * 1_000_000n * round[0] * 2n).to.equal(true);
    }
  });

  it("stays within [min, max]", async () => {
    const bounded = seededRandomWalk({ ...options, stepPPB: 500_000_000n, min: 1_900n * 10n ** 8n, max: 2_100n * 10n ** 8n });
    for (const [v] of await run(bounded, 100)) expect(v >= 1_900n * 10n ** 8n && v <= 2_100n * 10n ** 8n).to.equal(true);
    expect(() => seededRandomWalk({ ...options, start: 0n })).to.throw(/non-zero/);
  });
});

describe("exact decimal scaling", () => {
  it("multiplies decimal text exactly", () => {
    expect(multiplyToInt192("1234.56789", 10n ** 8n)).to.equal(123_456_789_000n);
    expect(multiplyToInt192("1234.56789", "1e8")).to.equal(123_456_789_000n);
    expect(multiplyToInt192("0.1", 10)).to.equal(1n);
    expect(multiplyToInt192("-0.000001", 1e6)).to.equal(-1n);
    expect(multiplyToInt192("1.5e3", 2)).to.equal(3000n);
    expect(multiplyToInt192("123456789012345678901234.5", 2)).to.equal(246913578024691357802469n);
  });

  it("drops the fractional remainder toward zero", () => {
    expect(multiplyToInt192("0.123456789", 10n ** 8n)).to.equal(12_345_678n);
    expect(multiplyToInt192("-0.123456789", 10n ** 8n)).to.equal(-12_345_678n);
  });

  it("rejects results outside int192 and text that is not a number", () => {
    expect(() => multiplyToInt192((1n << 191n).toString(), 1)).to.throw(RangeError);
    expect(multiplyToInt192((-(1n << 191n)).toString(), 1)).to.equal(-(1n << 191n));
    for (const bad of ["", "abc", "1,5", "NaN", "0x10", "1e", "--1", "1e99999"]) {
      expect(() => parseDecimal(bad), bad).to.throw();
    }
  });
});

describe("dataSourceFromSpec", () => {
  it("builds each kind of source from a plain description", async () => {
    expect(await dataSourceFromSpec({ type: "fixed", value: 3n }).observe(request())).to.equal(3n);
    const sequence = dataSourceFromSpec({ type: "sequence", values: [1n, 2n], repeatLast: true });
    expect([await sequence.observe(request()), await sequence.observe(request()), await sequence.observe(request())]).to.deep.equal([1n, 2n, 2n]);
    const walk = dataSourceFromSpec({ type: "randomWalk", seed: "s", start: 1000n, stepPPB: 1e7 });
    expect(await walk.observe(request())).to.equal(await seededRandomWalk({ seed: "s", start: 1000n, stepPPB: 10_000_000n }).observe(request()));
    expect(dataSourceFromSpec({ type: "http", url: "http://127.0.0.1:1/", path: "p" }).kind).to.equal("http-json");
    expect(await dataSourceFromSpec({ type: "function", observe: ({ epoch }) => BigInt(epoch) }).observe(request({ epoch: 9 }))).to.equal(9n);
  });
});
