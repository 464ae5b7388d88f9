/**
 * Which bytes an endpoint speaks, by the protocol of the aggregator's config: OCR1's protobuf
 * (protobuf-codec.ts) or OCR2's (ocr2-protobuf-codec.ts), each on a libp2p stream protocol of its
 * own. An aggregator runs one protocol for its whole life, so an oracle process picks its codec
 * once, from the config, and a peer speaking the other protocol never gets a stream opened (the
 * stream protocol ids differ) rather than having its frames misread.
 */
import type { AnyProtocolMessage } from "../protocol/any-message.js";
import type { ProtocolMessage } from "../protocol/messages.js";
import { isOcr2Message } from "../protocol/ocr2/messages.js";
import { OCR2_MAX_WIRE_MESSAGE_BYTES, decodeOcr2WireMessage, encodeOcr2WireMessage } from "./ocr2-protobuf-codec.js";
import { MAX_WIRE_MESSAGE_BYTES, decodeWireMessage, encodeWireMessage } from "./protobuf-codec.js";

export type WireProtocol = "ocr1" | "ocr2";

/** The stream protocol OCR1 messages travel on (one offchainreporting.MessageWrapper per frame). */
export const OCR1_PROTOCOL_ID = "/hardhat-ocr/ocr1/protobuf/1.0.0";
/** The stream protocol OCR2 messages travel on (one offchainreporting2.MessageWrapper per frame). */
export const OCR2_PROTOCOL_ID = "/hardhat-ocr/ocr2/protobuf/1.0.0";

export interface WireCodec {
  readonly protocol: WireProtocol;
  /** The libp2p stream protocol id frames of this codec travel on. */
  readonly streamProtocolId: string;
  /** Larger frames are refused before decoding. */
  readonly maxMessageBytes: number;
  /** Throws if `message` belongs to the other protocol (a programming error, not a peer's). */
  encode(message: AnyProtocolMessage): Uint8Array;
  /** Throws MessageDecodeError naming what is wrong with `bytes`. */
  decode(bytes: Uint8Array): AnyProtocolMessage;
}

const OCR1_CODEC: WireCodec = {
  protocol: "ocr1",
  streamProtocolId: OCR1_PROTOCOL_ID,
  maxMessageBytes: MAX_WIRE_MESSAGE_BYTES,
  encode: (message) => {
    if (isOcr2Message(message)) throw new Error(`an OCR1 endpoint cannot send the OCR2 ${message.type} message`);
    return encodeWireMessage(message as ProtocolMessage);
  },
  decode: decodeWireMessage,
};

const OCR2_CODEC: WireCodec = {
  protocol: "ocr2",
  streamProtocolId: OCR2_PROTOCOL_ID,
  maxMessageBytes: OCR2_MAX_WIRE_MESSAGE_BYTES,
  encode: (message) => {
    if (!isOcr2Message(message)) throw new Error(`an OCR2 endpoint cannot send the OCR1 ${message.type} message`);
    return encodeOcr2WireMessage(message);
  },
  decode: decodeOcr2WireMessage,
};

export function wireCodecFor(protocol: WireProtocol): WireCodec {
  return protocol === "ocr2" ? OCR2_CODEC : OCR1_CODEC;
}
