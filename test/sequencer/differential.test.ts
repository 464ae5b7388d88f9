/**
 * Ours and Chainlink's, side by side: the same seeded sequence of status messages (changes,
 * repeats, older, same-time and delayed messages) is delivered to our feed and to Chainlink's
 * original (compiled from @chainlink/contracts 0.8.0) in the same block, through the same bridge
 * stand-in. After every message both must emit the same events and answer every read the same.
 */
import { expect } from "chai";
import { type Contract, type ContractFactory, type Interface, type Log, getAddress } from "ethers";
import { network } from "hardhat";

import { type CompiledContract, compileChainlink } from "./chainlink-originals.js";
import { type Connection, FQN, deploy, latestBlockTime } from "./fixtures.js";

/**
 * Run `send` (which only sends transactions) with automine off, then mine them in one block, so
 * both feeds see the same block.timestamp (round 1 is stamped with its creation block's time).
 */
async function inOneBlock<T>(connection: Connection, send: () => Promise<T>, timestamp?: bigint): Promise<T> {
  const provider = connection.ethers.provider;
  await provider.send("evm_setAutomine", [false]);
  try {
    const sent = await send();
    await provider.send("evm_mine", timestamp === undefined ? [] : [Number(timestamp)]);
    return sent;
  } finally {
    await provider.send("evm_setAutomine", [true]);
  }
}

const MESSAGES = 40;

/** A small deterministic generator (mulberry32), so a failure replays exactly. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The events the contract at `address` emitted in `logs`, as [name, ...args]. */
function eventsOf(iface: Interface, address: string, logs: readonly Log[]): unknown[][] {
  return logs
    .filter((log) => log.address.toLowerCase() === address.toLowerCase())
    .map((log) => {
      const parsed = iface.parseLog(log)!;
      return [parsed.name, ...parsed.args.toArray()];
    });
}

/** Every read a consumer can make, for rounds up to two past the latest (and 0). */
async function readAll(feed: Contract): Promise<unknown[]> {
  const latestRound = (await feed.latestRound()) as bigint;
  const reads: unknown[] = [[...(await feed.latestRoundData())], await feed.latestAnswer(), await feed.latestTimestamp(), latestRound];
  for (let id = 0n; id <= latestRound + 2n; id++) {
    for (const read of [() => feed.getRoundData(id), () => feed.getAnswer(id), () => feed.getTimestamp(id)]) {
      reads.push(await read().then((value: unknown) => (Array.isArray(value) ? [...value] : value), (error: { data?: string }) => ({ reverted: error.data })));
    }
  }
  return reads;
}

async function factoryOf(connection: Connection, compiled: CompiledContract): Promise<ContractFactory> {
  const [owner] = await connection.ethers.getSigners();
  return connection.ethers.getContractFactory(compiled.abi as never[], compiled.bytecode, owner);
}

/** Deploy ours (by artifact name) and Chainlink's (compiled) with the same arguments in one block. */
async function deployBoth(connection: Connection, ours: keyof typeof FQN, theirs: CompiledContract, args: unknown[]): Promise<[Contract, Contract]> {
  const ourFactory = await connection.ethers.getContractFactory(FQN[ours]);
  const theirFactory = await factoryOf(connection, theirs);
  const deployed = await inOneBlock(connection, async () => [await ourFactory.deploy(...args), await theirFactory.deploy(...args)]);
  for (const contract of deployed) await contract.waitForDeployment();
  return deployed as unknown as [Contract, Contract];
}

interface Pair {
  ours: Contract;
  theirs: Contract;
  /** Deliver updateStatus(down, l1Time) to one feed through the flavour's bridge stand-in. */
  deliver(feed: Contract, down: boolean, l1Time: bigint): Promise<{ hash: string }>;
  /** State outside the feeds that must also match (Arbitrum: the offline flag on each side's Flags). */
  sideEffects?(): Promise<[unknown, unknown]>;
}

async function optimismPair(connection: Connection): Promise<Pair> {
  const l1Sender = getAddress("0x00000000000000000000000000000000000a11ce");
  const messenger = await deploy(connection, "messenger");
  const original = compileChainlink("l2ep/dev/optimism/OptimismSequencerUptimeFeed.sol", "OptimismSequencerUptimeFeed");
  const [ours, theirs] = await deployBoth(connection, "optimismFeed", original, [l1Sender, await messenger.getAddress(), false]);
  return {
    ours,
    theirs,
    deliver: async (feed, down, l1Time) =>
      messenger.relayMessage(await feed.getAddress(), l1Sender, feed.interface.encodeFunctionData("updateStatus", [down, l1Time])),
  };
}

async function arbitrumPair(connection: Connection): Promise<Pair> {
  const bridge = await deploy(connection, "arbitrumBridge");
  const l1Sender = await bridge.l1Sender();
  const writers = await deploy(connection, "writeAccessController");
  const writersAddress = await writers.getAddress();
  // Each feed on its own Flags: ours on ours, Chainlink's on Chainlink's Flags 1.1.0.
  const [ourFlags, theirFlags] = await deployBoth(connection, "flags", compileChainlink("dev/Flags.sol", "Flags"), [writersAddress, writersAddress]);
  const ourFactory = await connection.ethers.getContractFactory(FQN.arbitrumFeed);
  const theirFactory = await factoryOf(connection, compileChainlink("l2ep/dev/arbitrum/ArbitrumSequencerUptimeFeed.sol", "ArbitrumSequencerUptimeFeed"));
  const ours = (await ourFactory.deploy(await ourFlags.getAddress(), l1Sender)) as unknown as Contract;
  const theirs = (await theirFactory.deploy(await theirFlags.getAddress(), l1Sender)) as unknown as Contract;
  for (const [feed, flags] of [[ours, ourFlags], [theirs, theirFlags]] as const) {
    await feed.waitForDeployment();
    await (await writers.addAccess(await feed.getAddress())).wait();
    await (await flags.addAccess(await feed.getAddress())).wait();
  }
  await inOneBlock(connection, async () => [await ours.initialize(), await theirs.initialize()]);
  const flag = await ours.FLAG_L2_SEQ_OFFLINE();
  return {
    ours,
    theirs,
    sideEffects: async () => [await ourFlags.getFlag(flag), await theirFlags.getFlag(flag)],
    deliver: async (feed, down, l1Time) => bridge.deliver(await feed.getAddress(), feed.interface.encodeFunctionData("updateStatus", [down, l1Time])),
  };
}

for (const [flavour, makePair, seed] of [
  ["optimism", optimismPair, 1],
  ["arbitrum", arbitrumPair, 2],
] as const) {
  describe(`${flavour} sequencer uptime feed: ours and Chainlink's original, message for message`, function () {
    this.timeout(300_000);
    let connection: Connection;
    let pair: Pair;

    before(async () => {
      connection = await network.create();
      pair = await makePair(connection);
    });

    after(async () => connection.close());

    it("start in the same state, with the same metadata", async () => {
      for (const read of ["typeAndVersion", "decimals", "description", "version"]) {
        expect(await pair.ours.getFunction(read)()).to.deep.equal(await pair.theirs.getFunction(read)(), read);
      }
      expect(await readAll(pair.ours)).to.deep.equal(await readAll(pair.theirs));
    });

    it(`${MESSAGES} seeded messages: identical events and reads after each`, async () => {
      const random = seededRandom(seed);
      const provider = connection.ethers.provider;
      let reference = (await latestBlockTime(connection)) + 10n;
      const outcomes = new Set<string>();
      for (let i = 0; i < MESSAGES; i++) {
        const down = random() < 0.5;
        const shape = random();
        // Mostly newer changes; also same-time and older (out-of-order) messages; the random
        // status makes about half of them repeats.
        const l1Time = shape < 0.6 ? (reference += BigInt(1 + Math.floor(random() * 100))) : shape < 0.75 ? reference : reference - BigInt(1 + Math.floor(random() * 50));
        const arrival = (await latestBlockTime(connection)) + BigInt(1 + Math.floor(random() * 30));
        const sent = await inOneBlock(connection, async () => [await pair.deliver(pair.ours, down, l1Time), await pair.deliver(pair.theirs, down, l1Time)], arrival);
        const receipts = await Promise.all(sent.map((tx) => provider.getTransactionReceipt(tx.hash)));
        expect(receipts[0]!.blockNumber).to.equal(receipts[1]!.blockNumber);
        expect(receipts.map((r) => r!.status), `message ${i}`).to.deep.equal([1, 1]);
        const ourEvents = eventsOf(pair.ours.interface, await pair.ours.getAddress(), receipts[0]!.logs);
        const theirEvents = eventsOf(pair.theirs.interface, await pair.theirs.getAddress(), receipts[1]!.logs);
        expect(ourEvents, `events of message ${i} (down=${down}, l1Time=${l1Time})`).to.deep.equal(theirEvents);
        for (const event of ourEvents) outcomes.add(event[0] as string);
        expect(await readAll(pair.ours), `reads after message ${i}`).to.deep.equal(await readAll(pair.theirs));
        if (pair.sideEffects !== undefined) {
          const [ours, theirs] = await pair.sideEffects();
          expect(ours, `side effects after message ${i}`).to.equal(theirs);
        }
      }
      // The sequence exercised every path: new rounds, ignored messages (and repeats on Optimism).
      expect([...outcomes]).to.include.members(flavour === "optimism" ? ["NewRound", "UpdateIgnored", "RoundUpdated"] : ["NewRound", "UpdateIgnored"]);
    });

    it("a direct call reverts with the same error data in both", async () => {
      const now = await latestBlockTime(connection);
      const errors = await Promise.all(
        [pair.ours, pair.theirs].map((feed) => feed.updateStatus.staticCall(true, now).then(() => "no revert", (e: { data?: string }) => e.data)),
      );
      expect(errors[0]).to.equal(errors[1]);
      expect(errors[0]).to.match(/^0x[0-9a-f]{8}$/);
    });
  });
}
