/**
 * The pacemaker (spec §2.4): agrees on the current epoch and its leader. It asks for a new
 * epoch when the current one stops making progress, joins an epoch change once more than f
 * oracles ask for one (so one faulty oracle cannot force changes), and moves to the new epoch
 * once more than 2f oracles ask (so at least f+1 honest oracles are in it).
 */
import type { CommonOutput, Emit } from "./outputs.js";

export type PacemakerTimer = "progress" | "resend";

/** What the pacemaker persists so a restarted oracle resumes where it left off. */
export interface PacemakerState {
  readonly epoch: number;
  /** Highest epoch this oracle has broadcast in a newepoch message (ne). */
  readonly highestSentEpoch: number;
  /** Highest epoch received from each oracle (newepoch[j]). */
  readonly receivedEpochs: readonly number[];
}

export type PacemakerOutput =
  | CommonOutput<PacemakerTimer>
  /** Report generation must (re)start for this epoch and leader. */
  | { readonly kind: "start-epoch"; readonly epoch: number; readonly leader: number }
  | { readonly kind: "persist-pacemaker"; readonly state: PacemakerState };

export interface PacemakerConfig {
  readonly n: number;
  readonly f: number;
  readonly deltaProgressMs: number;
  readonly deltaResendMs: number;
  /** Leader(e); the oracle passes the keyed leader selection of the current config. */
  readonly leaderOf: (epoch: number) => number;
}

export interface PacemakerStartArgs {
  /** State from this oracle's database, already checked to belong to the current config. */
  readonly restored?: PacemakerState;
  /** The epoch of the latest on-chain report, if it was made under the current config. */
  readonly contractEpoch?: number;
}

/** The k-th largest (1-based) of `values`. */
export function kthLargest(values: readonly number[], k: number): number {
  const sorted = [...values].sort((a, b) => b - a);
  return sorted[k - 1];
}

export class Pacemaker {
  private epoch = 1;
  private leader = 0;
  private highestSentEpoch = 1;
  private receivedEpochs: number[];

  constructor(
    private readonly config: PacemakerConfig,
    private readonly emit: Emit<PacemakerOutput>,
  ) {
    this.receivedEpochs = new Array<number>(config.n).fill(0);
  }

  get currentEpoch(): number {
    return this.epoch;
  }
  get currentLeader(): number {
    return this.leader;
  }
  get state(): PacemakerState {
    return { epoch: this.epoch, highestSentEpoch: this.highestSentEpoch, receivedEpochs: [...this.receivedEpochs] };
  }

  start(args: PacemakerStartArgs = {}): void {
    if (args.restored !== undefined) {
      this.epoch = args.restored.epoch;
      this.highestSentEpoch = Math.max(args.restored.highestSentEpoch, args.restored.epoch);
      this.receivedEpochs = [...args.restored.receivedEpochs];
    }
    if (args.contractEpoch !== undefined) {
      // Epochs must never repeat within a config: a report from epoch x may already be on
      // chain, so ask to move past it even if this oracle's own memory is older.
      this.highestSentEpoch = Math.max(this.highestSentEpoch, args.contractEpoch + 1);
    }
    this.leader = this.config.leaderOf(this.epoch);
    this.persist();
    this.emit({ kind: "start-epoch", epoch: this.epoch, leader: this.leader });
    this.emit({ kind: "trace", event: { type: "epoch-start", epoch: this.epoch, leader: this.leader } });
    this.armProgressTimer();
    this.broadcastNewEpoch(this.highestSentEpoch);
  }

  onTimer(timer: PacemakerTimer): void {
    if (timer === "resend") {
      this.broadcastNewEpoch(this.highestSentEpoch);
    } else {
      this.emit({ kind: "trace", event: { type: "progress-timeout", epoch: this.epoch } });
      this.askForNextEpoch();
    }
  }

  /** Report generation completed a round: the epoch is alive. */
  onProgress(): void {
    this.armProgressTimer();
  }

  /** Report generation gave up on this leader (RMax rounds done, or the leader misbehaved). */
  onChangeLeader(): void {
    this.askForNextEpoch();
  }

  onNewEpoch(sender: number, epoch: number): void {
    if (!Number.isInteger(epoch) || epoch <= this.receivedEpochs[sender] || epoch > 0xffffffff) return;
    this.receivedEpochs[sender] = epoch;
    const { f } = this.config;

    const aboveSent = this.receivedEpochs.filter((x) => x > this.highestSentEpoch);
    if (aboveSent.length > f) {
      // f+1 oracles asked for at least this epoch, so at least one honest oracle did: join.
      this.broadcastNewEpoch(kthLargest(aboveSent, f + 1));
    }

    const aboveCurrent = this.receivedEpochs.filter((x) => x > this.epoch);
    if (aboveCurrent.length > 2 * f) {
      this.enterEpoch(kthLargest(aboveCurrent, 2 * f + 1));
    }
  }

  private enterEpoch(epoch: number): void {
    this.epoch = epoch;
    this.leader = this.config.leaderOf(epoch);
    this.highestSentEpoch = Math.max(this.highestSentEpoch, epoch);
    this.persist();
    this.emit({ kind: "start-epoch", epoch, leader: this.leader });
    this.emit({ kind: "trace", event: { type: "epoch-start", epoch, leader: this.leader } });
    this.armProgressTimer();
  }

  private askForNextEpoch(): void {
    this.broadcastNewEpoch(Math.max(this.highestSentEpoch, this.epoch + 1));
  }

  /** Broadcast newepoch(epoch), remember it as ne, and restart the resend interval. */
  private broadcastNewEpoch(epoch: number): void {
    const raised = epoch > this.highestSentEpoch;
    this.highestSentEpoch = Math.max(this.highestSentEpoch, epoch);
    if (raised) {
      this.persist();
      this.emit({ kind: "trace", event: { type: "newepoch-sent", epoch } });
    }
    this.emit({ kind: "broadcast", message: { type: "newepoch", epoch: this.highestSentEpoch } });
    this.emit({ kind: "set-timer", timer: "resend", delayMs: this.config.deltaResendMs });
  }

  private armProgressTimer(): void {
    this.emit({ kind: "set-timer", timer: "progress", delayMs: this.config.deltaProgressMs });
  }

  private persist(): void {
    this.emit({ kind: "persist-pacemaker", state: this.state });
  }
}
