/**
 * Where oracle processes listen and find each other: HOST:PORT as people type it, turned into
 * the multiaddrs libp2p dials, and the default of 127.0.0.1 at a feed's base port + index.
 */

/**
 * `text` as multiaddrs: HOST:PORT (an IPv4 address, `localhost`, a DNS name, or [IPv6]:PORT)
 * or a multiaddr as given. Throws with the reason for anything else.
 */
export function parseP2PAddress(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith("/")) return trimmed;
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:\s]+):(\d+)$/.exec(trimmed);
  if (match === null) throw new Error("expected HOST:PORT");
  const port = Number(match[2]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`port ${match[2]} is outside 0-65535`);
  const host = match[1];
  if (host.startsWith("[")) return `/ip6/${host.slice(1, -1)}/tcp/${port}`;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return `/ip4/${host}/tcp/${port}`;
  if (host === "localhost") return `/ip4/127.0.0.1/tcp/${port}`;
  return `/dns4/${host}/tcp/${port}`;
}

/** Oracle `index`'s default address: 127.0.0.1 at `basePort` + index. */
export function defaultP2PAddress(basePort: number, index: number): string {
  return `/ip4/127.0.0.1/tcp/${basePort + index}`;
}
