import { type AddressInfo } from "node:net";
import { type Server, createServer } from "node:http";

import { expect } from "chai";

import { resolveOcrConfig, validateOcrUserConfig } from "../../plugin/config.js";
import { type ObservationRequest, observeOrUndefined, truncateText } from "../../plugin/data-sources/data-source.js";
import { httpJson, walkJsonPath, parseJsonKeepingNumbers } from "../../plugin/data-sources/http-json.js";

/** Routes of the local test API: path → [status, body, delay ms]. */
const ROUTES: Record<string, [number, string, number]> = {
  "/price": [200, JSON.stringify({ data: { price: "1234.56789" } }), 0],
  "/number": [200, `{"data":{"price":1234.56789}}`, 0],
  "/big-number": [200, `{"v": 123456789012345678901234567890.123}`, 0],
  "/list": [200, JSON.stringify({ prices: [{ value: "1.5" }, { value: "-2.25" }] }), 0],
  "/slow": [200, JSON.stringify({ data: { price: "1" } }), 2_000],
  "/bad-json": [200, `{"data": {"price": 12`, 0],
  "/text": [200, JSON.stringify({ data: { price: "twelve" } }), 0],
  "/null": [200, JSON.stringify({ data: { price: null } }), 0],
  "/huge": [200, JSON.stringify({ data: { price: "1" + "0".repeat(60) } }), 0],
  "/error": [500, "internal error", 0],
};

describe("httpJson against a local HTTP server", () => {
  let server: Server;
  let base: string;
  const requests: string[] = [];
  const pending = new Set<NodeJS.Timeout>();

  before(async () => {
    server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      const route = ROUTES[req.url ?? ""];
      if (!route) {
        res.writeHead(404).end();
        return;
      }
      const [status, body, delay] = route;
      const timer = setTimeout(() => {
        pending.delete(timer);
        if (!res.destroyed) res.writeHead(status, { "content-type": "application/json" }).end(body);
      }, delay);
      pending.add(timer);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    for (const timer of pending) clearTimeout(timer);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const request = (signal = new AbortController().signal): ObservationRequest => ({ oracleIndex: 0, epoch: 1, round: 1, signal });
  const source = (path: string, jsonPath = "data.price", extra: object = {}) =>
    httpJson({ url: base + path, path: jsonPath, multiplier: 10n ** 8n, timeoutMs: 500, ...extra });

  it("GETs the URL and scales a decimal string exactly", async () => {
    requests.length = 0;
    expect(await source("/price").observe(request())).to.equal(123_456_789_000n);
    expect(requests).to.deep.equal(["GET /price"]);
  });

  it("scales a JSON number from its exact source text", async () => {
    expect(await source("/number").observe(request())).to.equal(123_456_789_000n);
    expect(await httpJson({ url: base + "/big-number", path: "v", multiplier: "1000" }).observe(request())).to.equal(
      123456789012345678901234567890123n,
    );
  });

  it("walks array indices in the path", async () => {
    expect(await source("/list", "prices.0.value").observe(request())).to.equal(150_000_000n);
    expect(await source("/list", "prices[1].value").observe(request())).to.equal(-225_000_000n);
  });

  it("times out on a slow endpoint, and observeOrUndefined turns that into no observation", async () => {
    const started = Date.now();
    let thrown: unknown;
    await source("/slow", "data.price", { timeoutMs: 100 }).observe(request()).catch((e) => (thrown = e));
    expect(thrown).to.be.instanceOf(Error);
    expect((thrown as Error).name).to.equal("TimeoutError");
    expect(Date.now() - started).to.be.below(1500);
    expect(await observeOrUndefined(source("/slow", "data.price", { timeoutMs: 5_000 }), request(), 100)).to.equal(undefined);
  });

  it("aborts when the request's signal does", async () => {
    const controller = new AbortController();
    const observing = source("/slow", "data.price", { timeoutMs: 5_000 }).observe(request(controller.signal));
    setTimeout(() => controller.abort(), 30);
    let thrown: unknown;
    await observing.catch((e) => (thrown = e));
    expect((thrown as Error).name).to.equal("AbortError");
  });

  const failures: [string, string, RegExp][] = [
    ["/bad-json", "data.price", /invalid JSON/],
    ["/price", "data.cost", /JSON path data\.cost does not exist/],
    ["/list", "prices.5.value", /JSON path prices\.5 does not exist/],
    ["/text", "data.price", /not a decimal number: "twelve"/],
    ["/null", "data.price", /is null, not a number/],
    ["/price", "data", /is object, not a number/],
    ["/huge", "data.price", /does not fit in int192/],
    ["/error", "data.price", /HTTP 500/],
  ];
  for (const [path, jsonPath, message] of failures) {
    it(`fails on ${path} at ${jsonPath} (${message.source}) and yields no observation`, async () => {
      let thrown: unknown;
      await source(path, jsonPath).observe(request()).catch((e) => (thrown = e));
      expect(String(thrown)).to.match(message);
      expect(await observeOrUndefined(source(path, jsonPath), request(), 1_000)).to.equal(undefined);
    });
  }

  it("uses an injected fetch and sends the given headers", async () => {
    const seen: { url: string; headers: Headers }[] = [];
    const fakeFetch: typeof fetch = async (input, init) => {
      seen.push({ url: String(input), headers: new Headers(init?.headers) });
      return new Response(`{"p": "2.5"}`);
    };
    const value = await httpJson({ url: "http://example.invalid/x", path: "p", multiplier: 4, fetch: fakeFetch, headers: { "x-api-key": "k" } }).observe(request());
    expect(value).to.equal(10n);
    expect(seen[0].url).to.equal("http://example.invalid/x");
    expect(seen[0].headers.get("x-api-key")).to.equal("k");
  });

  it("rejects an unusable multiplier up front", () => {
    expect(() => httpJson({ url: base, path: "p", multiplier: "ten" })).to.throw(/not a decimal/);
  });
});

describe("JSON path functions", () => {
  it("walks objects and arrays and names the missing segment", () => {
    const doc = parseJsonKeepingNumbers(`{"a": {"b": [10, {"c": "x"}]}}`);
    expect(walkJsonPath(doc, "a.b.1.c")).to.equal("x");
    expect(() => walkJsonPath(doc, "a.z")).to.throw(/a\.z does not exist/);
    expect(() => walkJsonPath(doc, "a.b.x")).to.throw(/a\.b\.x does not exist/);
    expect(() => walkJsonPath(doc, "a.b.0.deeper")).to.throw(/a\.b\.0\.deeper does not exist/);
    expect(() => walkJsonPath(doc, "toString")).to.throw(/does not exist/);
  });
});

describe("httpJson against hostile or careless servers", () => {
  /** Two local origins (ports): a redirect from one to the other leaves the origin. */
  let home: Server;
  let elsewhere: Server;
  let homeBase: string;
  let elsewhereBase: string;
  const seenHeaders: { server: string; url: string; apiKey: string | undefined }[] = [];

  const listen = async (name: string, handler: (url: string) => [number, Record<string, string>, string | Buffer]) => {
    const server = createServer((req, res) => {
      seenHeaders.push({ server: name, url: req.url ?? "", apiKey: req.headers["x-api-key"] as string | undefined });
      const [status, headers, body] = handler(req.url ?? "");
      res.writeHead(status, headers).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  };

  before(async () => {
    ({ server: elsewhere, base: elsewhereBase } = await listen("elsewhere", () => [200, { "content-type": "application/json" }, `{"p": "3"}`]));
    ({ server: home, base: homeBase } = await listen("home", (url) => {
      switch (url) {
        case "/same-origin-redirect":
          return [302, { location: "/price" }, ""];
        case "/cross-origin-redirect":
          return [302, { location: `${elsewhereBase}/price` }, ""];
        case "/loop":
          return [302, { location: "/loop" }, ""];
        case "/price":
          return [200, { "content-type": "application/json" }, `{"p": "2"}`];
        case "/large":
          return [200, { "content-type": "application/json" }, `{"p": "1", "pad": "${"x".repeat(2 * 1024 * 1024)}"}`];
        case "/long-number":
          return [200, { "content-type": "application/json" }, `{"p": ${"9".repeat(10_000)}}`];
        case "/deep":
          return [200, { "content-type": "application/json" }, `${"[".repeat(100_000)}${"]".repeat(100_000)}`];
        case "/echo-price":
          return [200, { "content-type": "application/json" }, `{"p": "${"7".repeat(2_000_000)}x"}`];
        default:
          return [404, {}, ""];
      }
    }));
  });

  after(async () => {
    for (const server of [home, elsewhere]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  const request = (): ObservationRequest => ({ oracleIndex: 0, epoch: 1, round: 1, signal: new AbortController().signal });
  const failureOf = (promise: Promise<unknown>) => promise.then(() => expect.fail("expected a failure"), (e: Error) => e);

  it("sends the configured headers to the URL's origin, also after a same-origin redirect", async () => {
    seenHeaders.length = 0;
    const value = await httpJson({ url: `${homeBase}/same-origin-redirect`, path: "p", headers: { "x-api-key": "secret-key" } }).observe(request());
    expect(value).to.equal(2n);
    expect(seenHeaders.map((s) => s.apiKey)).to.deep.equal(["secret-key", "secret-key"]);
  });

  it("never forwards the configured headers to another origin a redirect points at", async () => {
    seenHeaders.length = 0;
    const value = await httpJson({ url: `${homeBase}/cross-origin-redirect`, path: "p", headers: { "x-api-key": "secret-key" } }).observe(request());
    expect(value).to.equal(3n);
    expect(seenHeaders).to.deep.equal([
      { server: "home", url: "/cross-origin-redirect", apiKey: "secret-key" },
      { server: "elsewhere", url: "/price", apiKey: undefined },
    ]);
  });

  it("stops following a redirect loop", async () => {
    expect((await failureOf(httpJson({ url: `${homeBase}/loop`, path: "p" }).observe(request()))).message).to.match(/redirected more than 5 times/);
  });

  it("refuses a body over maxResponseBytes without reading it all (default 1 MiB)", async () => {
    expect((await failureOf(httpJson({ url: `${homeBase}/large`, path: "p" }).observe(request()))).message).to.match(/at most 1048576 are read/);
    expect(await httpJson({ url: `${homeBase}/large`, path: "p", maxResponseBytes: 4 * 1024 * 1024 }).observe(request())).to.equal(1n);
  });

  it("refuses an absurdly long number and absurdly deep nesting quickly", async () => {
    expect((await failureOf(httpJson({ url: `${homeBase}/long-number`, path: "p" }).observe(request()))).message).to.match(/has 10000 characters; at most 100/);
    expect((await failureOf(httpJson({ url: `${homeBase}/deep`, path: "p" }).observe(request()))).message).to.match(/nested deeper than 64 levels/);
  });

  it("keeps only the start of a huge error text", async () => {
    const error = await failureOf(httpJson({ url: `${homeBase}/echo-price`, path: "p", maxResponseBytes: 4 * 1024 * 1024 }).observe(request()));
    // The decimal parser quotes the bad value; what is traced and shown is cut to a few hundred characters.
    expect(truncateText(error.message).length).to.be.below(400);
  });
});

describe("http data source config", () => {
  it("keeps headers and maxResponseBytes through config resolution, and validates them", () => {
    const resolved = resolveOcrConfig(
      { feeds: { X: { dataSource: { type: "http", url: "https://api.example/p", path: "p", headers: { "x-api-key": "k" }, maxResponseBytes: 2048 } } } },
      (() => {
        throw new Error("no variables here");
      }) as never,
    );
    const source = resolved.feeds.X.dataSources[0];
    expect(source).to.include({ type: "http", maxResponseBytes: 2048 });
    expect((source as { headers?: Record<string, string> }).headers).to.deep.equal({ "x-api-key": "k" });
    const issues = validateOcrUserConfig({ feeds: { X: { dataSource: { type: "http", url: "https://a/p", path: "p", headers: { k: 1 } as never, maxResponseBytes: 0 } } } });
    expect(issues.map((i) => i.path.join("."))).to.include("ocr.feeds.X.dataSource.headers");
  });
});
