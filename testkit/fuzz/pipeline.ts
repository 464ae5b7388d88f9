/**
 * From a valid plan to the final (calldata, sender): encode, sign, collate, lay out, with the
 * chosen mutations applied at their stages in stage order (and, within a stage, in the order
 * they were chosen).
 */
import { type LayoutOptions, encodeTransmit } from "./layout.js";
import { type AnyMutator, type Mutator, type MutationContext, type Stage, type StageValues } from "./mutators.js";
import { type ReportPlan, collate, encodePlan, signWith, validPlan } from "./plan.js";
import type { Prng } from "./prng.js";
import type { FuzzTarget } from "./target.js";

export interface BuiltCase {
  readonly calldata: Uint8Array;
  /** Lower-case hex. */
  readonly sender: string;
  /** The plan after the plan stage, for diagnostics. */
  readonly plan: ReportPlan;
}

function runStage<S extends Stage>(
  stage: S,
  value: StageValues[S],
  chosen: readonly AnyMutator[],
  ctx: MutationContext,
): StageValues[S] {
  let current = value;
  for (const m of chosen) if (m.stage === stage) current = (m as unknown as Mutator<S>).apply(current, ctx);
  return current;
}

export function buildCase(rng: Prng, target: FuzzTarget, chosen: readonly AnyMutator[]): BuiltCase {
  const valid = validPlan(rng, target);
  const plan = runStage("plan", valid, chosen, { rng, target, plan: valid, report: new Uint8Array(0) });
  const planned: MutationContext = { rng, target, plan, report: new Uint8Array(0) };
  const signedReport = runStage("report", encodePlan(plan), chosen, planned);

  const signing: MutationContext = { ...planned, report: signedReport };
  const honest = plan.signers.map((i) => signWith(signedReport, target.signerKeys[i]));
  const signatures = runStage("signatures", honest, chosen, signing);
  const collated = runStage("collated", collate(signatures), chosen, signing);
  const sentReport = runStage("tamper", signedReport, chosen, signing);

  const layout = runStage("layout", {} as LayoutOptions, chosen, signing);
  const encoded = encodeTransmit({ report: sentReport, signatures: collated }, layout);
  const calldata = runStage("calldata", encoded, chosen, signing);
  const sender = runStage("sender", target.transmitters[plan.transmitter], chosen, signing);
  return { calldata, sender, plan };
}
