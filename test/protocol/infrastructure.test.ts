import { expect } from "chai";

import { MinHeap, VirtualClock } from "../../plugin/protocol/clock.js";
import { FutureMessageBuffer } from "../../plugin/protocol/message-buffer.js";
import type { ReportGenerationMessage } from "../../plugin/protocol/messages.js";
import { InProcessNetwork, sampleLatency } from "../../plugin/protocol/network.js";
import { Random, seedToState } from "../../plugin/protocol/random.js";

describe("Random", () => {
  it("replays the same stream from the same seed and differs across seeds and forks", () => {
    const draw = (r: Random) => Array.from({ length: 5 }, () => r.nextU64());
    expect(draw(new Random("a"))).to.deep.equal(draw(new Random("a")));
    expect(draw(new Random("a"))).to.not.deep.equal(draw(new Random("b")));
    const base = new Random("a");
    expect(draw(base.fork("x"))).to.not.deep.equal(draw(new Random("a").fork("y")));
  });

  it("matches the SplitMix64 reference output for seed 0", () => {
    // First outputs of Vigna's splitmix64.c with x = 0.
    const r = new Random(0n);
    expect(r.nextU64()).to.equal(0xe220a8397b1dcdafn);
    expect(r.nextU64()).to.equal(0x6e789e6aa1b965f4n);
  });

  it("computes SplitMix64 exactly on 32-bit halves: every draw equals the bigint definition", () => {
    // The textbook generator on bigints, with state taken from the same seeds.
    const MASK = (1n << 64n) - 1n;
    const reference = (state: bigint) => () => {
      state = (state + 0x9e3779b97f4a7c15n) & MASK;
      let z = state;
      z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK;
      z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK;
      return z ^ (z >> 31n);
    };
    for (const seed of [0n, 1n, MASK, 0x9e3779b97f4a7c15n, 0xffffffffn, 1n << 63n, seedToState("clock"), seedToState("net")]) {
      const next = reference(seed);
      const asU64 = new Random(seed);
      const asHalves = new Random(seed);
      const asFloat = new Random(seed);
      for (let i = 0; i < 2000; i++) {
        const expected = next();
        expect(asU64.nextU64()).to.equal(expected);
        const [hi, lo] = asHalves.nextU64Halves();
        expect((BigInt(hi) << 32n) | BigInt(lo)).to.equal(expected);
        expect(asFloat.nextFloat()).to.equal(Number(expected >> 11n) / 2 ** 53);
      }
    }
  });

  it("nextInt stays in range and hits every value", () => {
    const r = new Random("ints");
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) {
      const v = r.nextInt(7);
      expect(v).to.be.within(0, 6);
      seen.add(v);
    }
    expect(seen.size).to.equal(7);
  });
});

describe("VirtualClock", () => {
  it("runs timers in time order and reads the event's time during its callback", async () => {
    const clock = new VirtualClock({ startMs: 1000 });
    const log: string[] = [];
    clock.setTimer(30, () => log.push(`b@${clock.now()}`));
    clock.setTimer(10, () => log.push(`a@${clock.now()}`));
    const cancelled = clock.setTimer(20, () => log.push("never"));
    clock.cancelTimer(cancelled);
    await clock.run();
    expect(log).to.deep.equal(["a@1010", "b@1030"]);
  });

  it("orders same-time events by a seeded tie-break, identically for the same seed", async () => {
    const order = async (seed: string) => {
      const clock = new VirtualClock({ seed });
      const log: number[] = [];
      for (let i = 0; i < 8; i++) clock.setTimer(5, () => log.push(i));
      await clock.run();
      return log;
    };
    expect(await order("s")).to.deep.equal(await order("s"));
    const orders = await Promise.all(["s", "t", "u", "v"].map(order));
    expect(new Set(orders.map(String)).size).to.be.greaterThan(1);
  });

  it("does not advance time while tracked work is pending, so async answers arrive 'instantly'", async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const log: string[] = [];
    clock.setTimer(0, () => {
      const slowInRealTime = new Promise<number>((resolve) => setTimeout(() => resolve(42), 20));
      clock.track(slowInRealTime, (o) => log.push(`answer ${o.ok && o.value} at ${clock.now()}`));
    });
    clock.setTimer(1, () => log.push(`timer at ${clock.now()}`));
    await clock.run();
    expect(log).to.deep.equal(["answer 42 at 0", "timer at 1"]);
  });

  it("gives up on hung work after the real-time cap so virtual timeouts can fire", async () => {
    const clock = new VirtualClock({ startMs: 0, realTimeCapMs: 30 });
    let timedOut = false;
    clock.track(new Promise(() => {}), () => {});
    clock.setTimer(5000, () => (timedOut = true));
    const summary = await clock.run();
    expect(timedOut).to.equal(true);
    expect(summary.abandoned).to.equal(1);
  });

  it("gives every wait the full cap again after a long one, and ends two overlapping runs", async () => {
    const clock = new VirtualClock({ startMs: 0, realTimeCapMs: 200 });
    // A first wait that is nearly the cap long, then one more: the second must get its own
    // full cap, not what was left of the first's.
    clock.track(new Promise((resolve) => setTimeout(resolve, 150)), () => {});
    await clock.run();
    let answered = false;
    clock.track(new Promise((resolve) => setTimeout(resolve, 120)), () => (answered = true));
    expect((await clock.run()).abandoned).to.equal(0);
    expect(answered).to.equal(true);

    // Two runs waiting on the same hung work at once both end at the cap.
    clock.track(new Promise(() => {}), () => {});
    const [a, b] = await Promise.all([clock.run(), clock.run()]);
    // Each run reports the work given up while it ran.
    expect([a.abandoned, b.abandoned]).to.deep.equal([1, 1]);
  });

  it("lets tracked work sleep in virtual time without blocking the clock", async () => {
    const clock = new VirtualClock({ startMs: 0 });
    let wokeAt = -1;
    clock.track(clock.sleep(250).then(() => clock.now()), (o) => (wokeAt = o.ok ? o.value : -2));
    await clock.run();
    expect(wokeAt).to.equal(250);
  });

  it("stops at untilMs and resumes later", async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const log: number[] = [];
    clock.setTimer(10, () => log.push(10));
    clock.setTimer(50, () => log.push(50));
    expect((await clock.run({ untilMs: 20 })).stoppedBy).to.equal("until");
    expect([log, clock.now()]).to.deep.equal([[10], 20]);
    await clock.run();
    expect(log).to.deep.equal([10, 50]);
  });

  it("MinHeap pops in order", () => {
    const heap = new MinHeap<number>((a, b) => a < b);
    for (const v of [5, 1, 4, 1, 3, 9, 2]) heap.push(v);
    const out: number[] = [];
    while (heap.size > 0) out.push(heap.pop()!);
    expect(out).to.deep.equal([1, 1, 2, 3, 4, 5, 9]);
  });
});

describe("InProcessNetwork", () => {
  function net(defaults = {}) {
    const clock = new VirtualClock({ startMs: 0, seed: "net" });
    const network = new InProcessNetwork<string>(4, clock, new Random("net"), defaults);
    const inbox: string[][] = [[], [], [], []];
    for (let i = 0; i < 4; i++) network.attach(i, (from, m) => inbox[i].push(`${from}:${m}@${clock.now()}`));
    return { clock, network, inbox };
  }

  it("stamps the true sender and delivers broadcasts to the sender too", async () => {
    const { clock, network, inbox } = net({ latency: { kind: "constant", ms: 7 } });
    network.broadcast(2, "hi");
    await clock.run();
    expect(inbox).to.deep.equal([["2:hi@7"], ["2:hi@7"], ["2:hi@0"], ["2:hi@7"]]);
  });

  it("drops messages across a partition and to a detached oracle, and heals", async () => {
    const { clock, network, inbox } = net({ latency: { kind: "constant", ms: 1 } });
    network.isolate([0, 1]);
    network.detach(3);
    network.broadcast(0, "a");
    await clock.run();
    expect(inbox.map((m) => m.length)).to.deep.equal([1, 1, 0, 0]);
    expect(network.stats.partitioned).to.equal(2);
    network.heal();
    network.send(0, 2, "b");
    await clock.run();
    expect(inbox[2]).to.deep.equal(["0:b@2"]);
  });

  it("loses and duplicates at roughly the configured rates", async () => {
    const { clock, network } = net({ lossRate: 0.2, duplicateRate: 0.1 });
    for (let i = 0; i < 1000; i++) network.send(0, 1, "x");
    await clock.run();
    expect(network.stats.lost).to.be.within(140, 260);
    expect(network.stats.duplicated).to.be.within(50, 150);
    expect(network.stats.delivered).to.equal(1000 - network.stats.lost + network.stats.duplicated);
  });

  it("reorders messages when latency varies", async () => {
    const { clock, network, inbox } = net({ latency: { kind: "uniform", minMs: 1, maxMs: 100 } });
    for (let i = 0; i < 20; i++) network.send(0, 1, String(i));
    await clock.run();
    const order = inbox[1].map((m) => Number(m.split(":")[1].split("@")[0]));
    expect(order).to.not.deep.equal([...order].sort((a, b) => a - b));
  });

  it("samples latency inside the model's bounds", () => {
    const r = new Random("lat");
    for (let i = 0; i < 100; i++) {
      expect(sampleLatency({ kind: "uniform", minMs: 5, maxMs: 9 }, r)).to.be.within(5, 9);
      expect(sampleLatency({ kind: "exponential", minMs: 5, meanExtraMs: 10 }, r)).to.be.at.least(5);
    }
  });
});

describe("FutureMessageBuffer", () => {
  const req = (epoch: number, round = 1): ReportGenerationMessage => ({ type: "observe-req", epoch, round });

  it("drops past-epoch messages, passes current ones and buffers future ones", () => {
    const buffer = new FutureMessageBuffer(4);
    expect(buffer.admit(1, req(2), 3)).to.equal("dropped");
    expect(buffer.admit(1, req(3), 3)).to.equal("current");
    expect(buffer.admit(1, req(4), 3)).to.equal("buffered");
    expect(buffer.heldFrom(1)).to.have.length(1);
  });

  it("keeps the newest 10 per sender and replays those for the new epoch in order", () => {
    const buffer = new FutureMessageBuffer(4);
    for (let round = 1; round <= 12; round++) buffer.admit(0, req(5, round), 3);
    buffer.admit(1, req(6), 3);
    buffer.admit(2, req(4), 3);
    const replay = buffer.takeForEpoch(5);
    expect(replay.map(({ from, message }) => `${from}:${message.type === "observe-req" ? message.round : 0}`)).to.deep.equal(
      ["0:3", "0:4", "0:5", "0:6", "0:7", "0:8", "0:9", "0:10", "0:11", "0:12"],
    );
    expect(buffer.heldFrom(1)).to.have.length(1); // epoch 6 is still ahead
    expect(buffer.heldFrom(2)).to.have.length(0); // epoch 4 is now in the past
  });
});
