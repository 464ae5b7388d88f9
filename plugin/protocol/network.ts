/**
 * An in-process network between oracles. It is authenticated: the receiver learns the true
 * sender index from the network, never from the message. Everything unreliable about a real
 * network is modelled per link and driven by a seeded PRNG: latency (a distribution), loss,
 * duplication, reordering, and partitions that cut sets of oracles off from each other.
 */
import type { Clock } from "./clock.js";
import type { Random } from "./random.js";
import type { Endpoint } from "./transport.js";

export type LatencyModel =
  | { readonly kind: "constant"; readonly ms: number }
  | { readonly kind: "uniform"; readonly minMs: number; readonly maxMs: number }
  /** minMs plus an exponentially distributed extra with the given mean (a long tail). */
  | { readonly kind: "exponential"; readonly minMs: number; readonly meanExtraMs: number };

export interface LinkBehaviour {
  readonly latency: LatencyModel;
  /** Probability a message is lost. */
  readonly lossRate: number;
  /** Probability a message is delivered twice (the copy with its own latency). */
  readonly duplicateRate: number;
  /** Probability a message is held back by up to `reorderWindowMs` extra, so later ones overtake it. */
  readonly reorderRate: number;
  readonly reorderWindowMs: number;
}

export const DEFAULT_LINK: LinkBehaviour = {
  latency: { kind: "uniform", minMs: 5, maxMs: 50 },
  lossRate: 0,
  duplicateRate: 0,
  reorderRate: 0,
  reorderWindowMs: 0,
};

export type Receiver<M> = (from: number, message: M) => void;

export interface NetworkStats {
  sent: number;
  delivered: number;
  lost: number;
  duplicated: number;
  /** Dropped because sender and receiver were in different partitions. */
  partitioned: number;
  /** Dropped because the receiver was down. */
  undeliverable: number;
}

/** Draw one latency sample in ms (rounded to whole ms so traces print cleanly). */
export function sampleLatency(model: LatencyModel, random: Random): number {
  switch (model.kind) {
    case "constant":
      return model.ms;
    case "uniform":
      return Math.round(model.minMs + random.nextFloat() * (model.maxMs - model.minMs));
    case "exponential":
      return Math.round(model.minMs - Math.log(1 - random.nextFloat()) * model.meanExtraMs);
  }
}

export class InProcessNetwork<M> {
  private readonly receivers: (Receiver<M> | undefined)[];
  private defaults: LinkBehaviour;
  private readonly linkOverrides = new Map<string, Partial<LinkBehaviour>>();
  /**
   * Each directed link's behaviour (index from * size + to), merged on first use and dropped
   * when defaults or overrides change: every message asks, and merging objects per message was
   * a measurable part of a (31,10) round.
   */
  private linkCache: (LinkBehaviour | undefined)[] = [];
  /** Partition group of each oracle; oracles talk only within their group. */
  private groupOf: number[];
  readonly stats: NetworkStats = { sent: 0, delivered: 0, lost: 0, duplicated: 0, partitioned: 0, undeliverable: 0 };

  constructor(
    readonly size: number,
    private readonly clock: Clock,
    private readonly random: Random,
    defaults: Partial<LinkBehaviour> = {},
  ) {
    this.receivers = new Array<Receiver<M> | undefined>(size).fill(undefined);
    this.defaults = { ...DEFAULT_LINK, ...defaults };
    this.groupOf = new Array<number>(size).fill(0);
  }

  /** Connect oracle `index`; messages to it go to `receiver` from now on. */
  attach(index: number, receiver: Receiver<M>): void {
    this.receivers[index] = receiver;
  }
  /** Disconnect oracle `index` (it crashed): messages to it are dropped, including in-flight ones. */
  detach(index: number): void {
    this.receivers[index] = undefined;
  }
  /**
   * Oracle `index`'s endpoint on this network. It is attached once `receive` is called and
   * detached by `close` (a crash: messages in flight to it are lost).
   */
  endpoint(index: number): Endpoint<M> {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      throw new RangeError(`oracle index ${index} is outside this network of ${this.size}`);
    }
    let open = true;
    return {
      size: this.size,
      send: (to, message) => {
        if (open) this.send(index, to, message);
      },
      broadcast: (message) => {
        if (open) this.broadcast(index, message);
      },
      receive: (handler) => {
        if (open) this.attach(index, handler);
      },
      close: () => {
        if (!open) return;
        open = false;
        this.detach(index);
      },
    };
  }

  isAttached(index: number): boolean {
    return this.receivers[index] !== undefined;
  }

  /** Change the behaviour of every link without an override. */
  setDefaults(behaviour: Partial<LinkBehaviour>): void {
    this.defaults = { ...this.defaults, ...behaviour };
    this.linkCache = [];
  }
  /** Override the behaviour of the directed link from → to. */
  setLink(from: number, to: number, behaviour: Partial<LinkBehaviour>): void {
    this.linkOverrides.set(`${from}>${to}`, { ...this.linkOverrides.get(`${from}>${to}`), ...behaviour });
    this.linkCache = [];
  }
  linkBehaviour(from: number, to: number): LinkBehaviour {
    return { ...this.#linkBehaviour(from, to) };
  }
  #linkBehaviour(from: number, to: number): LinkBehaviour {
    const index = from * this.size + to;
    let behaviour = this.linkCache[index];
    if (behaviour === undefined) {
      behaviour = { ...this.defaults, ...this.linkOverrides.get(`${from}>${to}`) };
      this.linkCache[index] = behaviour;
    }
    return behaviour;
  }

  /** Split the oracles into groups that cannot reach each other; unlisted oracles form one more group. */
  partition(groups: readonly (readonly number[])[]): void {
    const rest = groups.length + 1;
    this.groupOf = new Array<number>(this.size).fill(rest);
    groups.forEach((group, g) => group.forEach((i) => (this.groupOf[i] = g + 1)));
  }
  /** Cut `oracles` off from everyone else (they still reach each other). */
  isolate(oracles: readonly number[]): void {
    this.partition([oracles]);
  }
  heal(): void {
    this.groupOf.fill(0);
  }
  /** The oracles in groups that can reach each other (one group when not partitioned). */
  connectedGroups(): number[][] {
    const byGroup = new Map<number, number[]>();
    this.groupOf.forEach((g, i) => byGroup.set(g, [...(byGroup.get(g) ?? []), i]));
    return [...byGroup.values()];
  }
  canReach(from: number, to: number): boolean {
    return this.groupOf[from] === this.groupOf[to];
  }

  send(from: number, to: number, message: M): void {
    if (to < 0 || to >= this.size) return;
    this.stats.sent++;
    if (from === to) {
      // Loopback: no wire, so no latency, loss or partition; still asynchronous like a send.
      this.schedule(from, to, message, 0);
      return;
    }
    if (!this.canReach(from, to)) {
      this.stats.partitioned++;
      return;
    }
    const link = this.#linkBehaviour(from, to);
    if (this.random.chance(link.lossRate)) {
      this.stats.lost++;
      return;
    }
    this.schedule(from, to, message, this.delayOn(link));
    if (this.random.chance(link.duplicateRate)) {
      this.stats.duplicated++;
      this.schedule(from, to, message, this.delayOn(link));
    }
  }

  /** Send to every oracle, the sender included. */
  broadcast(from: number, message: M): void {
    for (let to = 0; to < this.size; to++) this.send(from, to, message);
  }

  private delayOn(link: LinkBehaviour): number {
    let delay = sampleLatency(link.latency, this.random);
    if (this.random.chance(link.reorderRate)) delay += Math.round(this.random.nextFloat() * link.reorderWindowMs);
    return Math.max(0, delay);
  }

  private schedule(from: number, to: number, message: M, delayMs: number): void {
    this.clock.setTimer(delayMs, () => {
      const receiver = this.receivers[to];
      if (receiver === undefined) {
        this.stats.undeliverable++;
        return;
      }
      this.stats.delivered++;
      receiver(from, message);
    });
  }
}
