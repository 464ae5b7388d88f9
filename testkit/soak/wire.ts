/**
 * What honest leaders put on the wire, checked independently of the engine: every observation
 * an honest leader forwards in a report-req carries its observer's valid signature, and every
 * final it broadcasts carries more than f valid signatures of distinct configured signers.
 *
 * Followers and the contract check these again, so a leader that skipped its own checks would
 * not change what lands on chain; it would only waste rounds. Watching the wire makes such a
 * lost check a safety violation the soak reports, instead of a slowdown hidden in the bound.
 * The soak taps the in-process network the way one would sniff a real one: the engine does not
 * know it is watched.
 */
import type { Address } from "../../plugin/core/address.js";
import { bytesToHex } from "../../plugin/core/bytes.js";
import { verifyObservation } from "../../plugin/core/observation.js";
import { encodeReport, recoverReportSigner } from "../../plugin/core/report.js";
import type { Committee } from "../../plugin/protocol/committee.js";
import type { ProtocolMessage } from "../../plugin/protocol/messages.js";
import type { InvariantChecker } from "./checker.js";

/**
 * The soak's own wire faults, applied where the tap sits: one-way cuts (an oracle whose messages
 * out, or in, are all lost) and slow senders (every message out delayed).
 */
export class WireFaults {
  readonly cutOut = new Set<number>();
  readonly cutIn = new Set<number>();
  readonly slow = new Map<number, number>();
  readonly stats = { cutOneWay: 0, delayed: 0 };

  clear(oracle: number): void {
    this.cutOut.delete(oracle);
    this.cutIn.delete(oracle);
    this.slow.delete(oracle);
  }
}

export interface WireTapOptions {
  readonly faults: WireFaults;
  readonly committee: Committee;
  readonly checker: InvariantChecker;
  /** The config digest the committee runs now. */
  readonly configDigest: () => Uint8Array | null;
}

/** Watch every message the committee's oracles send, judge those of honest leaders, and apply the wire faults. */
export function tapLeaderMessages(options: WireTapOptions): void {
  const { committee, checker, faults } = options;
  const network = committee.network;
  const offchainKeys = committee.keys.map((k) => k.offchainPublicKey);
  const signers: readonly Address[] = committee.keys.map((k) => k.signerAddress);
  // A broadcast sends one message object to every oracle: judge it once.
  const judged = new WeakSet<object>();
  const send = network.send.bind(network);
  network.send = (from: number, to: number, message: ProtocolMessage) => {
    if ((message.type === "report-req" || message.type === "final") && !judged.has(message)) {
      judged.add(message);
      const digest = options.configDigest();
      if (digest !== null && committee.byzantineBehaviours[from] === null) judge(from, message, digest);
    }
    if (from !== to && (faults.cutOut.has(from) || faults.cutIn.has(to))) {
      faults.stats.cutOneWay++;
      return;
    }
    const delay = from === to ? undefined : faults.slow.get(from);
    if (delay === undefined) return send(from, to, message);
    faults.stats.delayed++;
    committee.clock.setTimer(delay, () => send(from, to, message));
  };

  function judge(leader: number, message: Extract<ProtocolMessage, { type: "report-req" | "final" }>, configDigest: Uint8Array): void {
    const context = { configDigest, epoch: message.epoch, round: message.round };
    const where = { configDigestHex: bytesToHex(configDigest), epoch: message.epoch, round: message.round, leader };
    if (message.type === "report-req") {
      const unsigned = message.observations
        .filter((o) => offchainKeys[o.observer] === undefined || !verifyObservation(context, o.value, o.signature, offchainKeys[o.observer]))
        .map((o) => o.observer);
      checker.checkForwardedObservations({ ...where, unsignedObservers: unsigned });
      return;
    }
    let report: Uint8Array;
    try {
      report = encodeReport(context, message.report.observations);
    } catch {
      checker.checkFinal({ ...where, signerIndices: message.report.signatures.map(() => -1) });
      return;
    }
    const signerIndices = message.report.signatures.map((signature) => {
      try {
        const signer = recoverReportSigner(report, signature).toLowerCase();
        return signers.findIndex((s) => s.toLowerCase() === signer);
      } catch {
        return -1;
      }
    });
    checker.checkFinal({ ...where, signerIndices });
  }
}
