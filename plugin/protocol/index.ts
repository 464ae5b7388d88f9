/**
 * The OCR1 protocol engine: an in-process oracle committee. See `committee.ts` for the entry
 * point; the role modules are exported for tools and tests that drive them directly.
 */
export { type ContractConfig, type OffchainAggregatorChain, type TransmitRequest, type TransmitResult } from "./chain.js";
export { type Clock, type RunLimits, type RunSummary, type Settled, MinHeap, RealClock, VirtualClock } from "./clock.js";
export {
  type CommitteeOptions,
  type ConfigAdmin,
  type ConfigOverrides,
  type RunResult,
  type RunUntilOptions,
  Committee,
} from "./committee.js";
export { type AcceptedTransmission, FakeOffchainAggregator, RevertError } from "./fake-chain.js";
export { FUTURE_MESSAGE_BUFFER, FutureMessageBuffer } from "./message-buffer.js";
export type * from "./messages.js";
export { type AdversaryMemory, type AdversaryView, BYZANTINE_BEHAVIOURS, type ByzantineBehaviour, isByzantineBehaviour, rewriteOutgoing, rewriteTransmission } from "./byzantine.js";
export { type AdversaryControl, adversarialChain, adversarialEndpoint } from "./adversary.js";
export { type LatencyModel, type LinkBehaviour, DEFAULT_LINK, InProcessNetwork, sampleLatency } from "./network.js";
export { type LocalConfig, DEFAULT_LOCAL_CONFIG } from "./local-config.js";
export { ManagedOracle } from "./managed-oracle.js";
export { type OracleStore, InMemoryOracleStore } from "./persistence.js";
export type { Endpoint, MessageHandler } from "./transport.js";
export type * from "./results.js";
export { type PacemakerState, Pacemaker } from "./pacemaker.js";
export { Random, deriveSeedBytes } from "./random.js";
export { ReportGenerationFollower } from "./report-generation-follower.js";
export { ReportGenerationLeader } from "./report-generation-leader.js";
export { type RoundRequest, type ShouldReportDecision, type TransmissionDetails, shouldReport } from "./should-report.js";
export { type TraceBody, type TraceEvent, type TraceEventType, formatTraceEvent } from "./trace.js";
export { type PendingTransmission, Transmission, pendingToRequeue, shouldTransmit } from "./transmission.js";
