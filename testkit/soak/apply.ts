/**
 * Applying a step's oracle and network faults to a running committee, undoing them, and
 * remembering who is faulty in which way (the safety check needs to know whose observations
 * count as honest at the moment they are made).
 */
import type { DataSource } from "../../plugin/data-sources/data-source.js";
import type { Clock } from "../../plugin/protocol/clock.js";
import type { Committee } from "../../plugin/protocol/committee.js";
import type { HonestyLedger } from "./honesty.js";
import type { WireFaults } from "./wire.js";
import { failingSource, hangingSource, lyingSource } from "./market.js";
import { type NetworkFault, type OracleFault, byzantineBehaviourOf, combinedLinkBehaviour } from "./plan.js";

export interface FaultApplierOptions {
  readonly committee: Committee;
  readonly clock: Clock;
  /** The honest data source every oracle returns to. */
  readonly market: DataSource;
  /** How long a hanging data source takes (committee time): longer than the oracle waits. */
  readonly hangMs: number;
  /** Where the applier records who is faulty in which epochs (for the checker). */
  readonly ledger: HonestyLedger;
  /** The digest of the config on chain now. */
  readonly configDigestHex: () => string;
  /** One-way cuts and slow senders, applied by the soak's wire tap. */
  readonly wire: WireFaults;
}

export class FaultApplier {
  private readonly committee: Committee;
  /** Oracles whose data source is not the market (liars and broken sources). */
  private readonly badSource = new Set<number>();
  private readonly partitioned = new Set<number>();
  /** Committee time at which each oracle last came back (restart or partition healed). */
  private readonly rejoinedAt = new Map<number, number>();

  constructor(private readonly options: FaultApplierOptions) {
    this.committee = options.committee;
  }

  /**
   * Whether oracle `index`'s observations count as honest right now: not Byzantine, and its
   * data source neither lies nor fails. Crashed and partitioned oracles observe honestly.
   */
  isHonestObserver(index: number): boolean {
    return !this.badSource.has(index) && this.committee.byzantineBehaviours[index] === null;
  }

  /** Oracles that came back within `windowMs` before now (still catching up with the epoch). */
  rejoinedWithin(windowMs: number): number[] {
    const now = this.options.clock.now();
    return [...this.rejoinedAt.entries()].filter(([, at]) => now - at <= windowMs).map(([i]) => i);
  }

  start(fault: OracleFault): void {
    const i = fault.oracle;
    const behaviour = byzantineBehaviourOf(fault);
    if (behaviour !== null) {
      this.markFaulty(i);
      return this.committee.setByzantine(i, behaviour);
    }
    switch (fault.kind) {
      case "crash":
        return this.committee.takeDown(i);
      case "network:partition":
        this.partitioned.add(i);
        return this.applyPartition();
      case "network:one-way":
        if (fault.direction === "in") this.options.wire.cutIn.add(i);
        else this.options.wire.cutOut.add(i);
        return;
      case "network:slow":
        this.options.wire.slow.set(i, fault.delayMs ?? 600);
        return;
      case "lying":
        return this.replaceSource(i, lyingSource(fault.high ?? true));
      case "data-source-error":
        return this.replaceSource(i, failingSource());
      case "data-source-timeout":
        return this.replaceSource(i, hangingSource(this.options.clock, this.options.hangMs));
    }
  }

  end(fault: OracleFault): void {
    const i = fault.oracle;
    if (byzantineBehaviourOf(fault) !== null) {
      this.committee.setByzantine(i, null);
      return this.markHonest(i);
    }
    switch (fault.kind) {
      case "crash":
        this.committee.bringUp(i);
        this.rejoinedAt.set(i, this.options.clock.now());
        return;
      case "network:partition":
        this.partitioned.delete(i);
        this.applyPartition();
        this.rejoinedAt.set(i, this.options.clock.now());
        return;
      case "network:one-way":
      case "network:slow":
        this.options.wire.clear(i);
        this.rejoinedAt.set(i, this.options.clock.now());
        return;
      default:
        this.badSource.delete(i);
        this.committee.setDataSource(i, this.options.market);
        this.markHonest(i);
    }
  }

  /** The step's link behaviour on every link (the base network when `faults` is empty). */
  setNetwork(faults: readonly NetworkFault[]): void {
    this.committee.network.setDefaults(combinedLinkBehaviour(faults));
  }

  /** Split the committee into groups that cannot reach each other (an overload step); `heal` ends it. */
  split(groups: readonly (readonly number[])[]): void {
    this.committee.network.partition(groups);
  }

  heal(): void {
    this.applyPartition();
  }

  /** Oracle `index` is back in touch with the committee now (it must catch up with the epoch). */
  markRejoined(index: number): void {
    this.rejoinedAt.set(index, this.options.clock.now());
  }

  /** Crash oracles on purpose (an overload step). */
  crash(oracles: readonly number[]): void {
    for (const i of oracles) this.committee.takeDown(i);
  }

  /** Restart oracles crashed by `crash`. */
  restart(oracles: readonly number[]): void {
    for (const i of oracles) this.end({ oracle: i, kind: "crash" });
  }

  private markFaulty(index: number): void {
    this.options.ledger.markFaulty(index, this.options.configDigestHex(), this.committee.oracle(index)?.epoch ?? null);
  }

  private markHonest(index: number): void {
    this.options.ledger.markHonest(index, this.committee.oracle(index)?.epoch ?? null);
  }

  private replaceSource(index: number, source: DataSource): void {
    this.markFaulty(index);
    this.badSource.add(index);
    this.committee.setDataSource(index, source);
  }

  /** The partitioned oracles form one group cut off from the rest (they still reach each other). */
  private applyPartition(): void {
    if (this.partitioned.size === 0) this.committee.network.heal();
    else this.committee.network.isolate([...this.partitioned]);
  }
}
