/**
 * Round-id arithmetic of the phase-aware proxies, written out independently of the contracts so
 * tests compare the chain against an expectation rather than against itself.
 *
 * A proxy round id is `(phaseId << 64) | aggregatorRoundId` in 80 bits: the phase in bits 64..79
 * and the aggregator's own round id, cut to 64 bits, below.
 */

/** Bit position of the phase id inside a proxy round id. */
export const PHASE_OFFSET = 64n;
/** The largest proxy round id, 2^80 - 1; V2 getters answer 0 above it. */
export const MAX_PROXY_ROUND_ID = (1n << 80n) - 1n;

const UINT16_MASK = (1n << 16n) - 1n;
const UINT64_MASK = (1n << 64n) - 1n;

/** The proxy round id of aggregator round `aggregatorRoundId` in phase `phaseId`. */
export function proxyRoundId(phaseId: bigint, aggregatorRoundId: bigint): bigint {
  return ((phaseId & UINT16_MASK) << PHASE_OFFSET) | (aggregatorRoundId & UINT64_MASK);
}

/** The (phase, aggregator round) pair a proxy round id stands for. */
export function splitProxyRoundId(roundId: bigint): { phaseId: bigint; aggregatorRoundId: bigint } {
  return { phaseId: (roundId >> PHASE_OFFSET) & UINT16_MASK, aggregatorRoundId: roundId & UINT64_MASK };
}
