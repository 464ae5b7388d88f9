/**
 * The cryptography floor of one OCR1 round: rounds per second that the
 * signing and verifying alone allow, with the project's own functions, so the committee's
 * reports per second can be read against what no implementation on this machine could beat.
 *
 * Counted per round (n oracles, f faulty):
 * - n Ed25519 observation signatures (every follower signs its observation),
 * - n Ed25519 observation verifications (the leader checks each once),
 * - n secp256k1 report signatures (every follower signs the report),
 * - f+1 secp256k1 report-signature checks against the sender's key (the leader checks the
 *   f+1 signatures it puts in the final; it knows who sent each, and like the committee it
 *   prepares each oracle's key before the timed rounds: a precomputed table with the
 *   JavaScript secp256k1 backend, nothing with libsecp256k1, whose recovery is cheaper).
 * Not counted: the on-chain signature check (the contract pays it in gas), message handling,
 * and keccak outside signing. Building the report bytes is in the loop (a few microseconds).
 */
import { deriveOracleKeys, type OracleKeys } from "../../plugin/core/keys.js";
import { signObservation, verifyObservation } from "../../plugin/core/observation.js";
import {
  type ReportContext,
  encodeReport,
  type PreparedReportSigner,
  isReportSignatureBy,
  prepareReportSigner,
  recoverReportSignerKey,
  reportDigest,
  signReport,
  sortAttributedObservations,
} from "../../plugin/core/report.js";
import { priceObservations } from "../../testkit/markets.js";

/** What one round of the floor counts, for printing next to the figure. */
export function cryptoWorkPerRound(n: number, f: number): string {
  return `${n} Ed25519 sign + ${n} Ed25519 verify + ${n} secp256k1 sign + ${f + 1} secp256k1 signature check (prepared key)`;
}

/** Untimed rounds first: noble builds its precomputed tables on first use. */
const WARMUP_ROUNDS = 5;
/** A fixed config digest: its value does not change the work. */
const CONFIG_DIGEST = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);

/** Milliseconds spent per kind of operation, summed over rounds (to see where the floor is). */
export interface CryptoSpentMs {
  observationSign: number;
  observationVerify: number;
  reportSign: number;
  signerCheck: number;
}

export function noCryptoSpent(): CryptoSpentMs {
  return { observationSign: 0, observationVerify: 0, reportSign: 0, signerCheck: 0 };
}

/** Run `work` and add its duration to `spent[kind]`. */
function charge<T>(spent: CryptoSpentMs, kind: keyof CryptoSpentMs, work: () => T): T {
  const startedAt = performance.now();
  const result = work();
  spent[kind] += performance.now() - startedAt;
  return result;
}

/**
 * One round's worth of cryptography for the given keys. Results are checked, so the work
 * cannot be skipped and a broken primitive fails the benchmark instead of flattering it.
 */
export function cryptoRound(
  keys: readonly OracleKeys[],
  signers: readonly PreparedReportSigner[],
  f: number,
  roundIndex: number,
  spent: CryptoSpentMs = noCryptoSpent(),
): void {
  const n = keys.length;
  // A different (epoch, round) and different values each time, as in a live feed.
  const context: ReportContext = { configDigest: CONFIG_DIGEST, epoch: 1 + Math.floor(roundIndex / 250), round: 1 + (roundIndex % 250) };
  const values = priceObservations(n, roundIndex);

  const signatures = charge(spent, "observationSign", () => keys.map((k, i) => signObservation(context, values[i], k.offchainSigningKey)));
  const verified = charge(spent, "observationVerify", () =>
    keys.map((k, i) => verifyObservation(context, values[i], signatures[i], k.offchainPublicKey)),
  );
  const unverified = verified.indexOf(false);
  if (unverified >= 0) throw new Error(`observation ${unverified} of round ${roundIndex} did not verify`);

  const report = encodeReport(context, sortAttributedObservations(values.map((value, observer) => ({ observer, value }))));
  const reportSignatures = charge(spent, "reportSign", () => keys.map((k) => signReport(report, k.onchainSigningKey)));
  const checked = charge(spent, "signerCheck", () => {
    const digest = reportDigest(report);
    return reportSignatures.slice(0, f + 1).map((signature, i) => isReportSignatureBy(digest, signature, signers[i]));
  });
  const failed = checked.indexOf(false);
  if (failed >= 0) throw new Error(`report signature ${failed} of round ${roundIndex} did not check out against its signer`);
}

export interface CryptoFloorResult {
  readonly n: number;
  readonly f: number;
  readonly rounds: number;
  readonly wallSeconds: number;
  readonly roundsPerSecond: number;
  readonly counted: string;
  /** Mean milliseconds of one operation of each kind. */
  readonly msPerOperation: CryptoSpentMs;
}

/**
 * The floor measured a slice at a time, so a benchmark can interleave it with the committee it is
 * compared with: on a shared machine the load then falls on both alike.
 */
export class CryptoFloorMeter {
  readonly #n: number;
  readonly #f: number;
  readonly #keys: OracleKeys[];
  readonly #signers: PreparedReportSigner[];
  readonly #spent = noCryptoSpent();
  #rounds = 0;
  #wallMs = 0;

  constructor(n: number, f: number) {
    this.#n = n;
    this.#f = f;
    this.#keys = Array.from({ length: n }, (_, i) => deriveOracleKeys(`bench-crypto-${n}-${f}`, i));
    // Learn each signer's key from one signature, as the committee does, and prepare its table.
    const sample = Uint8Array.of(1);
    this.#signers = this.#keys.map((k) => prepareReportSigner(recoverReportSignerKey(reportDigest(sample), signReport(sample, k.onchainSigningKey))));
    for (let r = 0; r < WARMUP_ROUNDS; r++) cryptoRound(this.#keys, this.#signers, f, r);
  }

  /** Time `rounds` more rounds. */
  run(rounds: number): void {
    const startedAt = performance.now();
    for (let r = 0; r < rounds; r++) cryptoRound(this.#keys, this.#signers, this.#f, WARMUP_ROUNDS + this.#rounds + r, this.#spent);
    this.#wallMs += performance.now() - startedAt;
    this.#rounds += rounds;
  }

  result(): CryptoFloorResult {
    const n = this.#n;
    const f = this.#f;
    const rounds = this.#rounds;
    const spent = this.#spent;
    const wallSeconds = this.#wallMs / 1000;
    const msPerOperation: CryptoSpentMs = {
      observationSign: spent.observationSign / (rounds * n),
      observationVerify: spent.observationVerify / (rounds * n),
      reportSign: spent.reportSign / (rounds * n),
      signerCheck: spent.signerCheck / (rounds * (f + 1)),
    };
    return { n, f, rounds, wallSeconds, roundsPerSecond: rounds / wallSeconds, counted: cryptoWorkPerRound(n, f), msPerOperation };
  }
}

/** Time `rounds` rounds of {@link cryptoRound} for an (n, f) committee. */
export function measureCryptoFloor(n: number, f: number, rounds: number): CryptoFloorResult {
  const meter = new CryptoFloorMeter(n, f);
  meter.run(rounds);
  return meter.result();
}
