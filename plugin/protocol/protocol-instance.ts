/**
 * One run of the OCR1 protocol under one contract config: the pacemaker, report generation (a
 * follower always, a leader in the epochs this oracle leads) and transmission, with the routing
 * of messages between them and the buffer for messages of epochs not reached yet. The config is
 * immutable for the instance's life; a new config means a new instance (see managed-oracle.ts).
 *
 * Role outputs are carried out here: messages through the endpoint, I/O through the effects,
 * timers through one registry per role, state through the store (always before the message
 * that depends on it is sent).
 */
import { bytesEqual, bytesToHex } from "../core/bytes.js";
import type { SharedConfig } from "../core/config/shared-config.js";
import type { OracleKeys } from "../core/keys.js";
import { epochLeaders } from "../core/leader-selection.js";
import { transmissionDelayMs } from "../core/transmission-schedule.js";
import type { TransmissionDetails } from "./chain.js";
import type { OracleEffects } from "./effects.js";
import { type ProtocolMessage, type ReportGenerationMessage, isForLeader } from "./messages.js";
import { FutureMessageBuffer } from "./message-buffer.js";
import type { CommonOutput } from "./outputs.js";
import { Pacemaker, type PacemakerOutput, type PacemakerTimer } from "./pacemaker.js";
import { type OracleStore, markedRound, roundMarkOf } from "./persistence.js";
import { type FollowerOutput, ReportGenerationFollower } from "./report-generation-follower.js";
import { type LeaderTimer, ReportGenerationLeader } from "./report-generation-leader.js";
import type { ReportGenerationConfig } from "./report-generation-config.js";
import type { SignatureChecks } from "./signature-checks.js";
import { RoleTimers } from "./timers.js";
import type { TraceBody } from "./trace.js";
import type { Endpoint } from "./transport.js";
import { type PendingTransmission, Transmission, type TransmissionOutcome, type TransmissionOutput, type TransmissionTimer } from "./transmission.js";

/** What an instance reports to whoever runs the oracle (beyond the trace). */
export interface InstanceListener {
  epochStarted(epoch: number, leader: number): void;
  /** A follower's should-report decision for (epoch, round). */
  decided(epoch: number, round: number, report: boolean, reasons: readonly string[]): void;
  transmission(outcome: TransmissionOutcome): void;
}

export interface ProtocolInstanceArgs {
  readonly shared: SharedConfig;
  /** This oracle's index in the config. */
  readonly ownIndex: number;
  readonly keys: OracleKeys;
  readonly endpoint: Endpoint<ProtocolMessage>;
  readonly effects: OracleEffects;
  readonly store: OracleStore;
  readonly checks: SignatureChecks;
  readonly trace: (event: TraceBody) => void;
  readonly listener: InstanceListener;
}

export class ProtocolInstance {
  readonly shared: SharedConfig;
  readonly #args: ProtocolInstanceArgs;
  readonly #digestHex: string;
  /** What the leader and followers of every epoch share (fixed for the config). */
  readonly #roles: ReportGenerationConfig;
  readonly #pacemaker: Pacemaker;
  readonly #transmission: Transmission;
  readonly #futureMessages: FutureMessageBuffer;
  readonly #pacemakerTimers: RoleTimers<PacemakerTimer>;
  readonly #transmissionTimers: RoleTimers<TransmissionTimer>;
  #leaderTimers: RoleTimers<LeaderTimer> | null = null;
  #follower: ReportGenerationFollower | null = null;
  #leader: ReportGenerationLeader | null = null;
  #epoch = 0;
  #stopped = false;

  constructor(args: ProtocolInstanceArgs) {
    this.#args = args;
    const { shared, ownIndex, effects } = args;
    this.shared = shared;
    this.#digestHex = bytesToHex(shared.configDigest);
    const n = shared.oracles.length;
    this.#roles = {
      configDigest: shared.configDigest,
      f: shared.f,
      rMax: shared.rMax,
      offchainPublicKeys: shared.oracles.map((o) => o.offchainPublicKey),
      signerAddresses: shared.oracles.map((o) => o.signerAddress),
      checks: args.checks,
    };
    this.#futureMessages = new FutureMessageBuffer(n);
    this.#pacemakerTimers = new RoleTimers(effects.clock, (timer) => this.#pacemaker.onTimer(timer));
    this.#transmissionTimers = new RoleTimers(effects.clock, (timer) => this.#transmission.onTimer(timer));
    this.#pacemaker = new Pacemaker(
      {
        n,
        f: shared.f,
        deltaProgressMs: shared.deltaProgressMs,
        deltaResendMs: shared.deltaResendMs,
        leaderOf: epochLeaders(shared.leaderSelectionKey, n),
      },
      (output) => this.#onPacemakerOutput(output),
    );
    this.#transmission = new Transmission(
      {
        configDigest: shared.configDigest,
        alphaPPB: shared.alphaPPB,
        deltaStageMs: shared.deltaStageMs,
        transmitterAddress: args.keys.transmitterAddress,
        delayFor: (epoch, round) =>
          transmissionDelayMs({
            transmissionOrderKey: shared.transmissionOrderKey,
            configDigest: shared.configDigest,
            epoch,
            round,
            oracleIndex: ownIndex,
            n,
            s: shared.s,
            deltaStageMs: shared.deltaStageMs,
          }),
      },
      (output) => this.#onTransmissionOutput(output),
      () => effects.clock.now(),
    );
  }

  get epoch(): number {
    return this.#epoch;
  }
  get leader(): number {
    return this.#pacemaker.currentLeader;
  }
  get pendingTransmissions(): readonly PendingTransmission[] {
    return this.#transmission.pending;
  }

  /**
   * Start from the store: the pacemaker state saved under this config, the transmissions still
   * worth sending, and the epoch of the contract's latest report if it was made under this config.
   */
  start(contract: TransmissionDetails | null): void {
    const { store } = this.#args;
    const restored = store.readPacemakerState(this.#digestHex) ?? undefined;
    const contractEpoch = contract !== null && bytesEqual(contract.configDigest, this.shared.configDigest) ? contract.epoch : undefined;
    const stored = store.readPendingTransmissions();
    const kept = new Set(this.#transmission.restore(stored));
    // The restart rule keeps only some items; forget the rest, or every restart leaves garbage behind.
    for (const item of stored) if (!kept.has(item)) store.deletePendingTransmission(item.epoch, item.round);
    this.#pacemaker.start({ restored, contractEpoch });
  }

  /** End this instance: no timer of it fires and no message reaches it any more. */
  stop(): void {
    this.#stopped = true;
    this.#pacemakerTimers.cancelAll();
    this.#transmissionTimers.cancelAll();
    this.#leaderTimers?.cancelAll();
  }

  // ---------------------------------------------------------------------------------------
  // Messages and epochs

  onMessage(from: number, message: ProtocolMessage): void {
    if (this.#stopped || from >= this.shared.oracles.length) return;
    if (message.type === "newepoch") {
      this.#pacemaker.onNewEpoch(from, message.epoch);
      return;
    }
    if (this.#futureMessages.admit(from, message, this.#epoch) === "current") this.#dispatch(from, message);
  }

  #startEpoch(epoch: number, leader: number): void {
    const { shared, ownIndex, keys, effects } = this.#args;
    this.#leader?.stop();
    this.#leaderTimers?.cancelAll();
    this.#epoch = epoch;
    const roles = this.#roles;
    this.#follower = new ReportGenerationFollower(
      {
        ...roles,
        alphaPPB: shared.alphaPPB,
        deltaCMs: shared.deltaCMs,
        ownIndex,
        offchainSigningKey: keys.offchainSigningKey,
        onchainSigningKey: keys.onchainSigningKey,
      },
      epoch,
      leader,
      (output) => this.#onFollowerOutput(output),
    );
    const marks = this.#args.store.readRoundMarks(this.#digestHex);
    this.#follower.resumeAfter(markedRound(marks, "report-signature", epoch));
    if (leader === ownIndex) {
      const timers = new RoleTimers<LeaderTimer>(effects.clock, (timer) => {
        if (this.#leader === leaderRole) leaderRole.onTimer(timer);
      });
      const leaderRole = new ReportGenerationLeader(
        { ...roles, deltaRoundMs: shared.deltaRoundMs, deltaGraceMs: shared.deltaGraceMs },
        epoch,
        (output) => {
          if (this.#leader === leaderRole) this.#applyCommon(output, timers);
        },
      );
      this.#leaderTimers = timers;
      this.#leader = leaderRole;
      leaderRole.resumeAfter(markedRound(marks, "report-request", epoch));
      leaderRole.start();
    } else {
      this.#leaderTimers = null;
      this.#leader = null;
    }
    this.#args.listener.epochStarted(epoch, leader);
    for (const { from, message } of this.#futureMessages.takeForEpoch(epoch)) this.#dispatch(from, message);
  }

  #dispatch(from: number, message: ReportGenerationMessage): void {
    const follower = this.#follower;
    const leader = this.#leader;
    if (isForLeader(message)) {
      if (leader === null) return;
      if (message.type === "observe") leader.onObserve(from, message);
      else leader.onReport(from, message);
      return;
    }
    if (follower === null) return;
    switch (message.type) {
      case "observe-req":
        return follower.onObserveReq(from, message);
      case "report-req":
        return follower.onReportReq(from, message);
      case "final":
        return follower.onFinal(from, message);
      case "final-echo":
        return follower.onFinalEcho(from, message);
    }
  }

  // ---------------------------------------------------------------------------------------
  // Role outputs

  #onPacemakerOutput(output: PacemakerOutput): void {
    if (this.#stopped) return;
    switch (output.kind) {
      case "start-epoch":
        return this.#startEpoch(output.epoch, output.leader);
      case "persist-pacemaker":
        return this.#args.store.writePacemakerState(this.#digestHex, output.state);
      default:
        return this.#applyCommon(output, this.#pacemakerTimers);
    }
  }

  #onFollowerOutput(output: FollowerOutput): void {
    const follower = this.#follower;
    if (this.#stopped || follower === null) return;
    const stillCurrent = () => !this.#stopped && this.#follower === follower;
    const { effects } = this.#args;
    switch (output.kind) {
      case "request-observation": {
        const { epoch, round } = output;
        return effects.observe(epoch, round, (value) => {
          if (stillCurrent()) follower.onObservation(epoch, round, value);
        });
      }
      case "read-chain-for-report": {
        const { epoch, round } = output;
        return effects.readForReport(this.shared.deltaCMs, (readings, chainNowMs) => {
          if (stillCurrent()) follower.onChainReadings(epoch, round, readings, chainNowMs);
        });
      }
      case "progress":
        return this.#pacemaker.onProgress();
      case "change-leader":
        return this.#pacemaker.onChangeLeader();
      case "transmit-event": {
        const { kind: _kind, ...accepted } = output;
        return this.#transmission.onTransmitEvent(accepted);
      }
      default:
        if (output.kind === "trace" && output.event.type === "should-report") {
          const { epoch, round, report, reasons } = output.event;
          this.#args.listener.decided(epoch, round, report, reasons);
        }
        return this.#applyCommon(output, null);
    }
  }

  #onTransmissionOutput(output: TransmissionOutput): void {
    const { effects, store, keys, ownIndex, listener } = this.#args;
    const transmission = this.#transmission;
    switch (output.kind) {
      case "read-chain-for-transmission":
        return effects.readChain(
          (chain) => chain.latestTransmissionDetails(),
          (outcome) => {
            if (!this.#stopped) transmission.onChainRead(output.purpose, outcome.ok ? outcome.value : null);
          },
        );
      case "transmit": {
        const { item } = output;
        const request = { transmitterIndex: ownIndex, transmitterAddress: keys.transmitterAddress, report: item.report, rs: item.rs, ss: item.ss, rawVs: item.rawVs };
        // The transaction's fate is reported even if the oracle switched configs meanwhile.
        return effects.transmit(request, (result) => transmission.onTransmitResult(item, { transmitter: keys.transmitterAddress, ...result }));
      }
      case "persist-transmission":
        return store.writePendingTransmission(output.item);
      case "delete-transmission":
        return store.deletePendingTransmission(output.epoch, output.round);
      case "outcome":
        return listener.transmission(output.outcome);
      default:
        if (this.#stopped && output.kind !== "trace") return;
        return this.#applyCommon(output, this.#transmissionTimers);
    }
  }

  /** Carry out a send/broadcast/timer/trace output with the role's timer registry. */
  #applyCommon<T extends string>(output: CommonOutput<T>, timers: RoleTimers<T> | null): void {
    const { endpoint, trace } = this.#args;
    if (output.kind === "send" || output.kind === "broadcast") {
      const mark = roundMarkOf(output.message);
      if (mark !== null) this.#args.store.writeRoundMark(this.#digestHex, mark.kind, mark);
    }
    switch (output.kind) {
      case "send":
        return endpoint.send(output.to, output.message);
      case "broadcast":
        return endpoint.broadcast(output.message);
      case "set-timer":
        return timers?.set(output.timer, output.delayMs);
      case "cancel-timer":
        return timers?.cancel(output.timer);
      case "trace":
        return trace(output.event);
    }
  }
}
