/**
 * The names of the Byzantine behaviours (what each does: byzantine.ts). Kept apart, with no
 * imports, so the plugin's entry point can list them in task help without loading the crypto.
 */
export type ByzantineBehaviour =
  /** Follower: its observations carry a corrupted Ed25519 signature. */
  | "bad-observation-signature"
  /** Follower: it never answers observe-req. */
  | "withhold-observation"
  /** Follower: its report signature is corrupted. */
  | "bad-report-signature"
  /** Follower: it signs (validly) a different report: one observation moved up by 1 %. */
  | "wrong-report"
  /** Leader: followers with odd indices get a different report-req (one observation fewer, or a tampered one). */
  | "equivocating-leader"
  /** Leader: it asks for observations but never sends a report-req or a final. */
  | "withholding-leader"
  /** Leader: each report-req and final is replaced by the first one it ever sent (a replay). */
  | "replaying-leader"
  /**
   * Leader: it forges one other oracle's observation (one unit up or down, still sorted). In odd
   * rounds the report-req carries the forged value under the real signature; in even rounds the
   * report-req is honest and the final carries the forged value under the followers' signatures.
   */
  | "forging-leader"
  /** Follower: it signs (validly) a report in which another oracle's median observation is moved by one unit. */
  | "forging-follower"
  /** Follower (OCR2 only; honest under OCR1): it answers each report-req with a skip and then a signed report. */
  | "skip-and-report"
  /** Transmitter: it never sends its transmit transaction. */
  | "silent-transmitter"
  /** Transmitter: it sends the first report it ever scheduled instead of the current one (stale on chain). */
  | "stale-transmitter";

export const BYZANTINE_BEHAVIOURS: readonly ByzantineBehaviour[] = [
  "bad-observation-signature",
  "withhold-observation",
  "bad-report-signature",
  "wrong-report",
  "equivocating-leader",
  "withholding-leader",
  "replaying-leader",
  "forging-leader",
  "forging-follower",
  "skip-and-report",
  "silent-transmitter",
  "stale-transmitter",
];

export function isByzantineBehaviour(value: unknown): value is ByzantineBehaviour {
  return typeof value === "string" && (BYZANTINE_BEHAVIOURS as readonly string[]).includes(value);
}

/** Behaviours that only OCR2's message set allows (under OCR1 the oracle stays honest). */
export const OCR2_ONLY_BEHAVIOURS: readonly ByzantineBehaviour[] = ["skip-and-report"];
