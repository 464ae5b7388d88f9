/**
 * The types of `connection.ocr.deploySequencerUptimeFeed`: an L2 sequencer uptime feed (as
 * Chainlink runs on Optimism and Arbitrum) with a local stand-in for the bridge that carries its
 * status messages from L1, and the calls that send those messages.
 */
import type { BaseContract } from "ethers";

/** Which chain family's feed: OP Stack messenger delivery, or Arbitrum's aliased L1 sender. */
export type SequencerFlavour = "optimism" | "arbitrum";

export const SEQUENCER_FLAVOURS: readonly SequencerFlavour[] = ["optimism", "arbitrum"];

export interface DeploySequencerUptimeFeedOptions {
  /** Default "optimism". */
  readonly flavour?: SequencerFlavour;
}

/** Where a sequencer uptime feed lives; enough to attach to it again. */
export interface SequencerUptimeFeedAddresses {
  /** The OptimismSequencerUptimeFeed / ArbitrumSequencerUptimeFeed. */
  readonly feed: string;
  /** The EACAggregatorProxy (open reads) consumers read; it is on the feed's read allowlist. */
  readonly proxy: string;
  /** The local bridge stand-in: LocalOptimismMessenger or LocalArbitrumBridge. */
  readonly bridge: string;
  /** The L1 address whose messages the feed accepts. */
  readonly l1Sender: string;
  /** Arbitrum only: the Flags contract the feed raises and lowers FLAG_L2_SEQ_OFFLINE on. */
  readonly flags?: string;
}

/**
 * When a status message happened. Times are seconds (block timestamps). The message arrives on
 * L2 in a block stamped `l1Timestamp + delaySeconds`; that block's time must be after the
 * chain's latest block. Without either option the change happens on L1 now and arrives now
 * ("now" = the later of the wall clock and one second after the latest block).
 */
export interface SequencerStatusOptions {
  /** L1 block time of the status change; becomes the new round's `startedAt`. Default: arrival - delay. */
  readonly l1Timestamp?: bigint | number;
  /** Seconds between the change on L1 and the message's arrival on L2. Default: 0, or (with only l1Timestamp) until now. */
  readonly delaySeconds?: bigint | number;
}

/** What the feed did with a status message. */
export type SequencerUpdateOutcome = "new-round" | "updated" | "ignored";

export interface SequencerStatusUpdate {
  /** The status the message reported. */
  readonly reported: "up" | "down";
  readonly l1Timestamp: bigint;
  /** Timestamp of the L2 block that delivered the message. */
  readonly arrivedAt: bigint;
  /**
   * "new-round": the status changed; "updated": same status, only updatedAt moved (Optimism);
   * "ignored": older than the latest change, or (Arbitrum) the same status (UpdateIgnored).
   */
  readonly outcome: SequencerUpdateOutcome;
  readonly txHash: string;
}

/** The feed's latest round as the proxy reports it. */
export interface SequencerStatus {
  readonly status: "up" | "down";
  /** 0 (up) or 1 (down). */
  readonly answer: bigint;
  /** Phase-encoded, as consumers see it: (phaseId << 64) | aggregatorRoundId. */
  readonly roundId: bigint;
  readonly aggregatorRoundId: bigint;
  /** L1 time at which the current status began. */
  readonly startedAt: bigint;
  /** When this L2 recorded it (Optimism: last message with this status; Arbitrum: = startedAt). */
  readonly updatedAt: bigint;
}

/** One deployed sequencer uptime feed and the messages a test sends it. */
export interface SequencerUptimeFeed {
  readonly flavour: SequencerFlavour;
  readonly addresses: SequencerUptimeFeedAddresses;
  readonly feed: BaseContract;
  readonly proxy: BaseContract;
  readonly bridge: BaseContract;
  /** Deliver "the sequencer is down" from the L1 sender through the bridge stand-in. */
  setDown(options?: SequencerStatusOptions): Promise<SequencerStatusUpdate>;
  /** Deliver "the sequencer is up" from the L1 sender through the bridge stand-in. */
  setUp(options?: SequencerStatusOptions): Promise<SequencerStatusUpdate>;
  /** The latest round, read through the proxy. */
  status(): Promise<SequencerStatus>;
  /** Every recorded round, oldest first, read through the proxy. */
  history(): Promise<SequencerStatus[]>;
}
