/** Checking that a message codec refuses bytes the way the transports rely on. */
import { expect } from "chai";

import { MessageDecodeError } from "../../plugin/protocol/codec.js";

/**
 * The reason `decode` gives for refusing `bytes`. Fails the test unless it throws a
 * MessageDecodeError (never another exception, never a decoded message).
 */
export function refusalOf(decode: (bytes: Uint8Array) => unknown, bytes: Uint8Array): string {
  try {
    decode(bytes);
  } catch (error) {
    expect(error).to.be.instanceOf(MessageDecodeError);
    return (error as Error).message;
  }
  expect.fail("expected the codec to refuse the message");
}
