/**
 * The committee's event trace: typed, timestamped records of what each oracle did. Tools print
 * it, tests assert on it, and two runs with the same seed produce identical traces.
 */

export type TraceBody =
  | { readonly type: "epoch-start"; readonly epoch: number; readonly leader: number }
  | { readonly type: "newepoch-sent"; readonly epoch: number }
  | { readonly type: "progress-timeout"; readonly epoch: number }
  | { readonly type: "change-leader"; readonly epoch: number; readonly round: number }
  | { readonly type: "round-start"; readonly epoch: number; readonly round: number }
  | { readonly type: "observation"; readonly epoch: number; readonly round: number; readonly value: bigint | null; readonly error?: string }
  | { readonly type: "observations"; readonly epoch: number; readonly round: number; readonly observers: readonly number[] }
  | { readonly type: "report-req"; readonly epoch: number; readonly round: number; readonly observers: readonly number[]; readonly median: bigint }
  | { readonly type: "report-req-rejected"; readonly epoch: number; readonly round: number; readonly reason: string }
  | { readonly type: "should-report"; readonly epoch: number; readonly round: number; readonly report: boolean; readonly reasons: readonly string[] }
  | { readonly type: "final"; readonly epoch: number; readonly round: number; readonly signers: readonly number[] }
  /** OCR2: a final or final-echo whose attestation did not check out. */
  | { readonly type: "final-rejected"; readonly epoch: number; readonly round: number; readonly reason: string }
  | { readonly type: "round-complete"; readonly epoch: number; readonly round: number; readonly reported: boolean }
  | { readonly type: "transmission-scheduled"; readonly epoch: number; readonly round: number; readonly stage: number; readonly delayMs: number }
  | { readonly type: "transmission-dropped"; readonly epoch: number; readonly round: number; readonly reason: string }
  | { readonly type: "transmit-skipped"; readonly epoch: number; readonly round: number; readonly stage: number; readonly reason: string }
  | { readonly type: "transmit-attempted"; readonly epoch: number; readonly round: number; readonly stage: number; readonly transmitter: string }
  | { readonly type: "transmit-landed"; readonly epoch: number; readonly round: number; readonly stage: number; readonly transmitter: string; readonly median: bigint; readonly txHash?: string; readonly gasUsed?: bigint }
  | { readonly type: "transmit-reverted"; readonly epoch: number; readonly round: number; readonly stage: number; readonly transmitter: string; readonly reason: string }
  /** A Byzantine oracle's adversary rewrote (or suppressed) what it sent. */
  | { readonly type: "byzantine-act"; readonly behaviour: string; readonly message: string; readonly epoch: number; readonly round: number }
  /** A message the codec refused (malformed or oversized) was dropped instead of delivered. */
  | { readonly type: "message-dropped"; readonly reason: string }
  | { readonly type: "oracle-down" }
  | { readonly type: "oracle-up" }
  | { readonly type: "config-adopted"; readonly configDigest: string; readonly oracleIndex: number }
  | { readonly type: "config-rejected"; readonly configDigest: string; readonly reason: string };

export type TraceEventType = TraceBody["type"];

/** A trace record: which oracle, when (virtual or real ms), what. */
export type TraceEvent = TraceBody & { readonly timeMs: number; readonly oracle: number };

/** A stable one-line rendering (bigints as decimal), used to compare runs and for printing. */
export function formatTraceEvent(event: TraceEvent): string {
  const { timeMs, oracle, type, ...rest } = event;
  const fields = Object.entries(rest)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(",")}]` : String(v)}`)
    .join(" ");
  return `${timeMs} o${oracle} ${type}${fields ? " " + fields : ""}`;
}
