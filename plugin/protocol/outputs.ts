/**
 * What a role may ask of the outside world. Roles never touch the network, the clock, the
 * chain or a data source themselves; they emit these outputs and the oracle carries them out.
 * That keeps each role a plain state machine a unit test can drive with hand-made inputs.
 */
import type { ProtocolMessage } from "./messages.js";
import type { TraceBody } from "./trace.js";

/** Send to one oracle (by config index). `Message` is OCR1's set unless a role says otherwise. */
export interface SendOutput<Message = ProtocolMessage> {
  readonly kind: "send";
  readonly to: number;
  readonly message: Message;
}
/** Send to every oracle, the sender included. */
export interface BroadcastOutput<Message = ProtocolMessage> {
  readonly kind: "broadcast";
  readonly message: Message;
}
/** (Re)arm the role's timer with this name; an armed timer of the same name is replaced. */
export interface SetTimerOutput<Name extends string = string> {
  readonly kind: "set-timer";
  readonly timer: Name;
  readonly delayMs: number;
}
export interface CancelTimerOutput<Name extends string = string> {
  readonly kind: "cancel-timer";
  readonly timer: Name;
}
export interface TraceOutput {
  readonly kind: "trace";
  readonly event: TraceBody;
}

export type CommonOutput<TimerName extends string = string, Message = ProtocolMessage> =
  | SendOutput<Message>
  | BroadcastOutput<Message>
  | SetTimerOutput<TimerName>
  | CancelTimerOutput<TimerName>
  | TraceOutput;

/** Where a role puts its outputs. */
export type Emit<Output> = (output: Output) => void;
