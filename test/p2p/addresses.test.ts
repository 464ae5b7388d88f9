/** Where oracle processes listen: HOST:PORT as people type it, and the per-feed default. */
import { expect } from "chai";

import { defaultP2PAddress, parseP2PAddress } from "../../plugin/p2p/addresses.js";

describe("oracle process addresses", () => {
  it("turns HOST:PORT into the multiaddr libp2p dials, and passes a multiaddr through", () => {
    expect(parseP2PAddress("127.0.0.1:6690")).to.equal("/ip4/127.0.0.1/tcp/6690");
    expect(parseP2PAddress(" localhost:7000 ")).to.equal("/ip4/127.0.0.1/tcp/7000");
    expect(parseP2PAddress("[::1]:7001")).to.equal("/ip6/::1/tcp/7001");
    expect(parseP2PAddress("oracle-2.internal:6692")).to.equal("/dns4/oracle-2.internal/tcp/6692");
    expect(parseP2PAddress("/ip4/10.0.0.2/tcp/6690")).to.equal("/ip4/10.0.0.2/tcp/6690");
  });

  it("says what is wrong with anything else", () => {
    expect(() => parseP2PAddress("127.0.0.1")).to.throw(/expected HOST:PORT/);
    expect(() => parseP2PAddress("127.0.0.1:70000")).to.throw(/port 70000 is outside 0-65535/);
    expect(() => parseP2PAddress("")).to.throw(/expected HOST:PORT/);
  });

  it("puts oracle i at the feed's base port + i on loopback", () => {
    expect(defaultP2PAddress(6690, 0)).to.equal("/ip4/127.0.0.1/tcp/6690");
    expect(defaultP2PAddress(6690, 30)).to.equal("/ip4/127.0.0.1/tcp/6720");
  });
});
