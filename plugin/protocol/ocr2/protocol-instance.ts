/**
 * One run of OCR2 under one contract config, beside OCR1's ../protocol-instance.ts. Shared with
 * OCR1 as is: the pacemaker, the endpoint, the store, the effects, role timers and the future-
 * message buffer. What differs: report generation asks the median plugin (median-calls.ts) at
 * five points instead of reading a data source itself; finalization is its own role that
 * outlives epochs (one valid final-echo suffices); transmission asks ShouldAccept before it
 * schedules and ShouldTransmit before it sends; messages travel tagged as OCR2's.
 */
import { bytesEqual, bytesToHex } from "../../core/bytes.js";
import type { OracleKeys } from "../../core/keys.js";
import { epochLeaders } from "../../core/leader-selection.js";
import { MEDIAN_MAX_OBSERVATION_BYTES } from "../../core/ocr2/median-codec.js";
import { decodeOcr2Report, encodeOcr2ReportContext, ocr2ReportMedian } from "../../core/ocr2/report.js";
import type { Ocr2SharedConfig } from "../../core/ocr2/shared-config.js";
import { collateSignatures } from "../../core/report.js";
import { transmissionDelayMs } from "../../core/transmission-schedule.js";
import type { TransmissionDetails } from "../chain.js";
import type { OracleEffects } from "../effects.js";
import { FutureMessageBuffer } from "../message-buffer.js";
import type { CommonOutput } from "../outputs.js";
import { Pacemaker, type PacemakerOutput, type PacemakerTimer } from "../pacemaker.js";
import { type OracleStore, markedRound, roundMarkOf } from "../persistence.js";
import type { InstanceListener } from "../protocol-instance.js";
import { RoleTimers } from "../timers.js";
import type { TraceBody } from "../trace.js";
import type { Endpoint } from "../transport.js";
import type { PendingTransmission } from "../transmission.js";
import type { MedianCalls } from "./median-calls.js";
import { MEDIAN_QUERY, medianMaxReportLength } from "./median-plugin.js";
import { type Ocr2ProtocolMessage, type Ocr2ReportGenerationMessage, type Ocr2WireMessage, tagOcr2 } from "./messages.js";
import { type Ocr2FinalizationOutput, Ocr2ReportFinalization } from "./report-finalization.js";
import { type Ocr2ReportGenerationConfig, ocr2ReportQuorum } from "./report-generation-config.js";
import { type Ocr2FollowerOutput, type Ocr2FollowerTimer, Ocr2ReportGenerationFollower } from "./report-generation-follower.js";
import { type Ocr2LeaderTimer, Ocr2ReportGenerationLeader } from "./report-generation-leader.js";
import { type Ocr2PendingTransmission, Ocr2Transmission, type Ocr2TransmissionOutput, type Ocr2TransmissionTimer } from "./transmission.js";

export interface Ocr2ProtocolInstanceArgs {
  readonly shared: Ocr2SharedConfig;
  readonly ownIndex: number;
  readonly keys: OracleKeys;
  readonly endpoint: Endpoint<Ocr2WireMessage>;
  readonly effects: OracleEffects;
  readonly store: OracleStore;
  readonly plugin: MedianCalls;
  readonly trace: (event: TraceBody) => void;
  readonly listener: InstanceListener;
}

export class Ocr2ProtocolInstance {
  readonly shared: Ocr2SharedConfig;
  readonly #args: Ocr2ProtocolInstanceArgs;
  readonly #digestHex: string;
  readonly #generation: Ocr2ReportGenerationConfig;
  readonly #pacemaker: Pacemaker;
  readonly #finalization: Ocr2ReportFinalization;
  readonly #transmission: Ocr2Transmission;
  readonly #futureMessages: FutureMessageBuffer<Ocr2ReportGenerationMessage>;
  readonly #pacemakerTimers: RoleTimers<PacemakerTimer>;
  readonly #transmissionTimers: RoleTimers<Ocr2TransmissionTimer>;
  #followerTimers: RoleTimers<Ocr2FollowerTimer> | null = null;
  #leaderTimers: RoleTimers<Ocr2LeaderTimer> | null = null;
  #follower: Ocr2ReportGenerationFollower | null = null;
  #leader: Ocr2ReportGenerationLeader | null = null;
  #epoch = 0;
  #stopped = false;
  readonly #leaderOf: (epoch: number) => number;

  constructor(args: Ocr2ProtocolInstanceArgs) {
    this.#args = args;
    const { shared, ownIndex, effects } = args;
    this.shared = shared;
    this.#digestHex = bytesToHex(shared.configDigest);
    const n = shared.oracles.length;
    const o = shared.offchain;
    this.#generation = {
      configDigest: shared.configDigest,
      f: shared.f,
      rMax: shared.rMax,
      offchainPublicKeys: shared.oracles.map((x) => x.offchainPublicKey),
      signerAddresses: shared.oracles.map((x) => x.signerAddress),
      reportQuorum: ocr2ReportQuorum(n, shared.f, false),
      limits: { maxQueryLength: MEDIAN_QUERY.length, maxObservationLength: MEDIAN_MAX_OBSERVATION_BYTES, maxReportLength: medianMaxReportLength(n) },
      deltaRoundMs: shared.deltaRoundMs,
      deltaGraceMs: shared.deltaGraceMs,
      maxDurationQueryMs: o.maxDurationQueryMs,
      maxDurationObservationMs: o.maxDurationObservationMs,
      maxDurationReportMs: o.maxDurationReportMs,
    };
    const g = this.#generation;
    this.#leaderOf = epochLeaders(shared.leaderSelectionKey, n);
    this.#futureMessages = new FutureMessageBuffer(n);
    this.#pacemakerTimers = new RoleTimers(effects.clock, (timer) => this.#pacemaker.onTimer(timer));
    this.#transmissionTimers = new RoleTimers(effects.clock, (timer) => this.#transmission.onTimer(timer));
    this.#pacemaker = new Pacemaker(
      { n, f: shared.f, deltaProgressMs: shared.deltaProgressMs, deltaResendMs: shared.deltaResendMs, leaderOf: this.#leaderOf },
      (output) => this.#onPacemakerOutput(output),
    );
    this.#finalization = new Ocr2ReportFinalization(
      { configDigest: g.configDigest, rMax: g.rMax, deltaRoundMs: g.deltaRoundMs, reportQuorum: g.reportQuorum, signerAddresses: g.signerAddresses, maxReportLength: g.limits.maxReportLength },
      (output) => this.#onFinalizationOutput(output),
    );
    this.#transmission = new Ocr2Transmission(
      {
        configDigest: shared.configDigest,
        deltaStageMs: shared.deltaStageMs,
        maxDurationShouldAcceptFinalizedReportMs: o.maxDurationShouldAcceptFinalizedReportMs,
        maxDurationShouldTransmitAcceptedReportMs: o.maxDurationShouldTransmitAcceptedReportMs,
        transmitterAddress: args.keys.transmitterAddress,
        delayFor: (epoch, round) =>
          transmissionDelayMs({ transmissionOrderKey: shared.transmissionOrderKey, configDigest: shared.configDigest, epoch, round, oracleIndex: ownIndex, n, s: shared.s, deltaStageMs: shared.deltaStageMs }),
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
  get pendingTransmissions(): readonly Ocr2PendingTransmission[] {
    return this.#transmission.pending;
  }

  /** Start from the store, and from the epoch of the contract's latest report if made under this config. */
  start(contract: TransmissionDetails | null): void {
    const { store } = this.#args;
    const restored = store.readPacemakerState(this.#digestHex) ?? undefined;
    const contractEpoch = contract !== null && bytesEqual(contract.configDigest, this.shared.configDigest) ? contract.epoch : undefined;
    const stored = store.readOcr2PendingTransmissions?.() ?? [];
    const kept = new Set(this.#transmission.restore(stored));
    for (const item of stored) if (!kept.has(item)) store.deleteOcr2PendingTransmission?.(item.epoch, item.round);
    this.#pacemaker.start({ restored, contractEpoch });
  }

  stop(): void {
    this.#stopped = true;
    for (const timers of [this.#pacemakerTimers, this.#transmissionTimers, this.#followerTimers, this.#leaderTimers]) timers?.cancelAll();
  }

  onMessage(from: number, message: Ocr2ProtocolMessage): void {
    if (this.#stopped || from >= this.shared.oracles.length) return;
    if (message.type === "newepoch") return this.#pacemaker.onNewEpoch(from, message.epoch);
    if (message.type === "final-echo") return this.#finalization.onFinalEcho(from, message);
    if (this.#futureMessages.admit(from, message, this.#epoch) === "current") this.#dispatch(from, message);
  }

  #startEpoch(epoch: number, leader: number): void {
    const { ownIndex, keys, effects, plugin } = this.#args;
    this.#follower?.stop();
    this.#leader?.stop();
    this.#followerTimers?.cancelAll();
    this.#leaderTimers?.cancelAll();
    this.#epoch = epoch;
    const followerTimers = new RoleTimers<Ocr2FollowerTimer>(effects.clock, (timer) => {
      if (this.#follower === follower) follower.onTimer(timer);
    });
    const follower: Ocr2ReportGenerationFollower = new Ocr2ReportGenerationFollower(
      { ...this.#generation, ownIndex, offchainSigningKey: keys.offchainSigningKey, onchainSigningKey: keys.onchainSigningKey },
      epoch,
      leader,
      (output) => {
        if (!this.#stopped && this.#follower === follower) this.#onFollowerOutput(follower, followerTimers, output);
      },
    );
    this.#follower = follower;
    this.#followerTimers = followerTimers;
    this.#leader = null;
    this.#leaderTimers = null;
    const marks = this.#args.store.readRoundMarks(this.#digestHex);
    follower.resumeAfter(markedRound(marks, "report-signature", epoch));
    if (leader === ownIndex) {
      const timers = new RoleTimers<Ocr2LeaderTimer>(effects.clock, (timer) => {
        if (this.#leader === role) role.onTimer(timer);
      });
      const role: Ocr2ReportGenerationLeader = new Ocr2ReportGenerationLeader(this.#generation, epoch, (output) => {
        if (this.#stopped || this.#leader !== role) return;
        if (output.kind !== "request-query") return this.#apply(output, timers);
        plugin.query((query) => {
          if (this.#leader === role) role.onQuery(output.epoch, output.round, query);
        });
      });
      this.#leaderTimers = timers;
      this.#leader = role;
      role.resumeAfter(markedRound(marks, "report-request", epoch));
      role.start();
    }
    this.#args.listener.epochStarted(epoch, leader);
    for (const { from, message } of this.#futureMessages.takeForEpoch(epoch)) this.#dispatch(from, message);
  }

  #dispatch(from: number, message: Ocr2ReportGenerationMessage): void {
    const follower = this.#follower;
    const leader = this.#leader;
    switch (message.type) {
      case "observe":
        return leader?.onObserve(from, message);
      case "report":
        return leader?.onReport(from, message);
      case "observe-req":
        return follower?.onObserveReq(from, message);
      case "report-req":
        return follower?.onReportReq(from, message);
      case "final":
        return follower?.onFinal(from, message);
    }
  }

  #onPacemakerOutput(output: PacemakerOutput): void {
    if (this.#stopped) return;
    switch (output.kind) {
      case "start-epoch":
        return this.#startEpoch(output.epoch, output.leader);
      case "persist-pacemaker":
        return this.#args.store.writePacemakerState(this.#digestHex, output.state);
      default:
        return this.#apply(output as CommonOutput<PacemakerTimer, Ocr2ProtocolMessage>, this.#pacemakerTimers);
    }
  }

  #onFollowerOutput(follower: Ocr2ReportGenerationFollower, timers: RoleTimers<Ocr2FollowerTimer>, output: Ocr2FollowerOutput): void {
    const { plugin, listener } = this.#args;
    const current = () => !this.#stopped && this.#follower === follower;
    switch (output.kind) {
      case "request-observation":
        return plugin.observation(output.epoch, output.round, output.query, (observation) => {
          if (current()) follower.onObservation(output.epoch, output.round, observation);
        });
      case "request-report":
        return plugin.report(output.query, output.observations, (decision) => {
          if (current()) follower.onReportDecision(output.epoch, output.round, decision);
        });
      case "progress":
        return this.#pacemaker.onProgress();
      case "change-leader":
        return this.#pacemaker.onChangeLeader();
      case "final-checked":
        return this.#finalization.onCheckedFinal(output.final);
      default:
        if (output.kind === "trace" && output.event.type === "should-report") {
          const { epoch, round, report, reasons } = output.event;
          listener.decided(epoch, round, report, reasons);
        }
        return this.#apply(output, timers);
    }
  }

  #onFinalizationOutput(output: Ocr2FinalizationOutput): void {
    if (this.#stopped) return;
    if (output.kind !== "transmit-event") return this.#apply(output, null);
    const { kind: _kind, ...finalized } = output;
    this.#transmission.onTransmitEvent(finalized);
  }

  #onTransmissionOutput(output: Ocr2TransmissionOutput): void {
    const { effects, store, keys, ownIndex, plugin, listener } = this.#args;
    const transmission = this.#transmission;
    switch (output.kind) {
      case "request-should-accept":
        return plugin.shouldAccept(output.epoch, output.round, output.report, (accept) => {
          if (!this.#stopped) transmission.onShouldAccept(output.epoch, output.round, accept);
        });
      case "request-should-transmit":
        return plugin.shouldTransmit(output.item.epoch, output.item.round, (transmit) => {
          if (!this.#stopped) transmission.onShouldTransmit(output.item.epoch, output.item.round, transmit);
        });
      case "transmit": {
        const item = this.#asListenerItem(output.item);
        listener.transmission({ type: "attempted", item });
        const { rs, ss, rawVs, report, reportContext } = item;
        const request = { transmitterIndex: ownIndex, transmitterAddress: keys.transmitterAddress, report, rs, ss, rawVs, reportContext };
        // The transaction's fate is reported even if the oracle switched configs meanwhile.
        return effects.transmit(request, (result) => {
          const transmitter = keys.transmitterAddress;
          transmission.onTransmitResult(output.item, { transmitter, ...result });
          if (result.ok) {
            listener.transmission({
              type: "landed",
              item,
              transmitter,
              ...(result.txHash !== undefined ? { txHash: result.txHash } : {}),
              ...(result.gasUsed !== undefined ? { gasUsed: result.gasUsed } : {}),
              ...(result.receipt !== undefined ? { receipt: result.receipt } : {}),
            });
          }
          else listener.transmission({ type: "failed", item, transmitter, reason: result.error ?? "unknown" });
        });
      }
      case "persist-transmission":
        return store.writeOcr2PendingTransmission?.(output.item);
      case "delete-transmission":
        return store.deleteOcr2PendingTransmission?.(output.epoch, output.round);
      default:
        if (this.#stopped && output.kind !== "trace") return;
        return this.#apply(output, this.#transmissionTimers);
    }
  }

  /** The transmission as results see it: OCR1's fields plus the three reportContext words. */
  #asListenerItem(item: Ocr2PendingTransmission): PendingTransmission & { readonly reportContext: readonly [`0x${string}`, `0x${string}`, `0x${string}`] } {
    const { rs, ss, rawVs } = collateSignatures(item.attributedSignatures.map((s) => s.signature));
    const words = encodeOcr2ReportContext({ configDigest: item.configDigest, epoch: item.epoch, round: item.round, extraHash: item.extraHash }).map(bytesToHex);
    return {
      timeMs: item.timeMs,
      configDigest: item.configDigest,
      epoch: item.epoch,
      round: item.round,
      stage: item.stage,
      median: ocr2ReportMedian(decodeOcr2Report(item.report)),
      leader: this.#leaderOf(item.epoch),
      report: item.report,
      signers: item.attributedSignatures.map((s) => s.signer),
      rs,
      ss,
      rawVs,
      reportContext: [words[0], words[1], words[2]],
    };
  }

  /**
   * Carry out a send/broadcast/timer/trace output; messages leave tagged as OCR2's, and a
   * report-req or report only once its round mark is stored.
   */
  #apply<T extends string>(output: CommonOutput<T, Ocr2ProtocolMessage>, timers: RoleTimers<T> | null): void {
    const { endpoint, trace, store } = this.#args;
    if (output.kind === "send" || output.kind === "broadcast") {
      const mark = roundMarkOf(output.message);
      if (mark !== null) store.writeRoundMark(this.#digestHex, mark.kind, mark);
    }
    switch (output.kind) {
      case "send":
        return endpoint.send(output.to, tagOcr2(output.message));
      case "broadcast":
        return endpoint.broadcast(tagOcr2(output.message));
      case "set-timer":
        return timers?.set(output.timer, output.delayMs);
      case "cancel-timer":
        return timers?.cancel(output.timer);
      case "trace":
        return trace(output.event);
    }
  }
}
