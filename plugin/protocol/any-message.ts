/**
 * What travels between oracles of either protocol: OCR1's messages as they are, OCR2's tagged
 * with `protocol: "ocr2"` (ocr2/messages.ts). One network or transport carries both, and each
 * oracle keeps only the set of the protocol its contract runs.
 */
import type { ProtocolMessage } from "./messages.js";
import type { Ocr2WireMessage } from "./ocr2/messages.js";

export type AnyProtocolMessage = ProtocolMessage | Ocr2WireMessage;

export { isOcr2Message } from "./ocr2/messages.js";
