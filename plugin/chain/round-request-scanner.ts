/**
 * Finding the newest RoundRequested event of the current config, within a lookback window.
 *
 * Requests from before the config carry an older digest, which shouldReport ignores anyway, so
 * the scan starts at the config's block and then only reads new blocks. Every oracle of a
 * committee asks at once each round, so scans overlap: a scan only ever moves the result to a
 * newer log (block, then log index) and the next block forward, so a slow scan of older blocks
 * finishing last cannot bring back an older request.
 */
import type { Provider } from "ethers";

import { abiDecode } from "../core/abi.js";
import { toChecksumAddress } from "../core/address.js";
import { hexToBytes } from "../core/bytes.js";
import type { RoundRequest } from "../protocol/chain.js";
import { eventOf } from "./aggregator-dialect.js";
import { type HeadBlock, type HeadReader, knownBlocksSince } from "./head-reader.js";
import { type RawLog, logsOf, quantity, rawSender } from "./json-rpc.js";

/** A RoundRequested event with where and when it was logged. */
interface LocatedRoundRequest extends RoundRequest {
  readonly blockNumber: number;
  readonly logIndex: number;
  /** Timestamp of the block holding the event, seconds. */
  readonly timestampSec: number;
}

interface Scan {
  readonly configKey: string;
  nextBlock: number;
  scannedHead: HeadBlock | null;
  latest: LocatedRoundRequest | null;
}


export class RoundRequestScanner {
  readonly #provider: Provider;
  readonly #head: HeadReader;
  #scan: Scan | undefined;

  constructor(provider: Provider, head: HeadReader) {
    this.#provider = provider;
    this.#head = head;
  }

  /**
   * The newest RoundRequested of the current config logged at most `lookbackMs` before the
   * chain's now, or null. The window is judged by block time, as the contract's own clock.
   */
  async latestRoundRequested(lookbackMs: number): Promise<RoundRequest | null> {
    if (!(lookbackMs >= 0)) throw new RangeError(`lookbackMs must be 0 or more, got ${lookbackMs}`);
    const head = await this.#head.head();
    const config = await this.#head.latestConfigAt(head);
    if (config === null) return null;
    const configKey = `${config.configCount}/${config.blockNumber}`;
    const latest = await this.#head.readAt(head, `latestRoundRequested ${configKey}`, (at) => this.#scanTo(configKey, config.blockNumber, at));
    if (latest === null || latest.timestampSec * 1000 < (await this.#head.nowMsAt(head)) - lookbackMs) return null;
    return { requester: latest.requester, configDigest: latest.configDigest, epoch: latest.epoch, round: latest.round };
  }

  async #scanTo(configKey: string, configBlock: number, head: HeadBlock): Promise<LocatedRoundRequest | null> {
    const previous = this.#scan;
    // A head at or below the one scanned last, but a different block, means the chain was
    // rewound (evm_revert, a reorg): logs seen in the dropped blocks may be gone, so start over.
    const rewound = previous?.scannedHead != null && head.number <= previous.scannedHead.number && head.hash !== previous.scannedHead.hash;
    if (previous?.configKey !== configKey || rewound) {
      this.#scan = { configKey, nextBlock: configBlock, scannedHead: null, latest: null };
    }
    // A config change during the awaits below starts a new scan; this one keeps writing to its own.
    const scan = this.#scan!;
    const fromBlock = scan.nextBlock;
    if (head.number >= fromBlock) {
      const { topic, dataTypes } = eventOf(this.#head.dialect, "RoundRequested");
      // Every block left to scan has known logs (HeadBlock.knownLogs: our own transactions'
      // receipts, or a block the user's code mined, asked for by hash): no need to ask the node.
      const known = scan.scannedHead === null ? null : knownBlocksSince(head, scan.scannedHead.hash);
      const fromKnownLogs = known !== null && known.length > 0 && known[0].number === fromBlock;
      const logs = fromKnownLogs
        ? known.flatMap((block) => knownRoundRequestedLogs(block.knownLogs!.logs, this.#head.address, topic, block.number))
        : await roundRequestedLogs(this.#provider, this.#head.address, topic, fromBlock, head.number);
      const last = logs.at(-1);
      if (last !== undefined && isLaterLog(last, scan.latest)) {
        // RoundRequested(address indexed requester, configDigest, uint32 epoch, uint8 round),
        // decoded by the plugin's own ABI decoder (ethers' parseLog cost more than the scan).
        const requesterTopic = last.topics[1];
        if (requesterTopic === undefined) throw new Error(`a RoundRequested log in block ${last.blockNumber} has no requester topic`);
        const [configDigest, epoch, round] = abiDecode(dataTypes, hexToBytes(last.data)) as [Uint8Array, bigint, bigint];
        const block = last.blockNumber === head.number ? head : (known?.find((b) => b.number === last.blockNumber) ?? (await this.#provider.getBlock(last.blockNumber)));
        if (block === null) throw new Error(`the node has no block ${last.blockNumber}, which logged a RoundRequested event`);
        const located: LocatedRoundRequest = {
          requester: toChecksumAddress(hexToBytes(requesterTopic).subarray(12)),
          configDigest,
          epoch: Number(epoch),
          round: Number(round),
          blockNumber: last.blockNumber,
          logIndex: last.index,
          timestampSec: "timestampSec" in block ? block.timestampSec : block.timestamp,
        };
        // Another scan may have found a later one meanwhile.
        if (isLaterLog(last, scan.latest)) scan.latest = located;
      }
      scan.nextBlock = Math.max(scan.nextBlock, head.number + 1);
    }
    if (scan.scannedHead === null || head.number >= scan.scannedHead.number) scan.scannedHead = head;
    return scan.latest;
  }
}

/** What the scan needs of a log. */
interface ScannedLog {
  readonly blockNumber: number;
  readonly index: number;
  readonly topics: readonly string[];
  readonly data: string;
}

/**
 * RoundRequested logs of `address` in [fromBlock, toBlock], oldest first: raw eth_getLogs when
 * the provider allows (ethers' formatting of logs costs more than the request on every round).
 */
async function roundRequestedLogs(provider: Provider, address: string, topic: string, fromBlock: number, toBlock: number): Promise<ScannedLog[]> {
  const send = rawSender(provider);
  if (send === null) return provider.getLogs({ address, topics: [topic], fromBlock, toBlock });
  const hex = (n: number) => `0x${n.toString(16)}`;
  const logs = (await send("eth_getLogs", [{ address, topics: [topic], fromBlock: hex(fromBlock), toBlock: hex(toBlock) }])) as {
    blockNumber: string;
    logIndex: string;
    topics: string[];
    data: string;
  }[];
  return logs.map((log) => ({
    blockNumber: Number(quantity(log.blockNumber, "a log's block number")),
    index: Number(quantity(log.logIndex, "a log index")),
    topics: log.topics,
    data: log.data,
  }));
}

/** The RoundRequested logs of `address` among one block's known logs (HeadBlock.knownLogs, all in block `blockNumber`). */
function knownRoundRequestedLogs(logs: readonly RawLog[], address: string, topic: string, blockNumber: number): ScannedLog[] {
  return logsOf(logs, address, topic).map((log) => ({
    blockNumber,
    index: Number(quantity(log.logIndex, "a log index")),
    topics: log.topics!,
    data: typeof log.data === "string" ? log.data : "0x",
  }));
}

function isLaterLog(log: { blockNumber: number; index: number }, than: LocatedRoundRequest | null): boolean {
  if (than === null) return true;
  return log.blockNumber !== than.blockNumber ? log.blockNumber > than.blockNumber : log.index > than.logIndex;
}
