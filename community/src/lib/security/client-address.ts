import { BlockList, isIP } from "node:net";

/**
 * Who is asking, for rate limits and for believing forwarded headers. The socket's peer is the only address nobody
 * can forge; X-Forwarded-For is believed only as far as it was written by proxies we trust (TRUSTED_PROXIES).
 */

/** The proxies whose X-Forwarded-For entries are believed: a set of addresses and CIDR ranges. */
export type TrustedProxies = { has(address: string): boolean };

/** Parses TRUSTED_PROXIES entries (`10.0.0.1`, `10.0.0.0/8`, `fd00::/8`); throws naming the first bad one. */
export function trustedProxies(entries: readonly string[]): TrustedProxies {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = "", prefix, ...rest] = entry.split("/");
    const family = isIP(address);
    const bits = family === 4 ? 32 : 128;
    const length = prefix === undefined ? bits : Number(prefix);
    if (!family || rest.length || !/^\d{1,3}$/.test(prefix ?? "0") || length > bits)
      throw new Error(
        `TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range (for example 10.0.0.0/8, 127.0.0.1 or fd00::/8).`,
      );
    list.addSubnet(address, length, family === 4 ? "ipv4" : "ipv6");
  }
  return {
    has: (address) => {
      const family = isIP(address);
      return family !== 0 && list.check(address, family === 4 ? "ipv4" : "ipv6");
    },
  };
}

/**
 * An address as one canonical string, so one client has one rate-limit bucket: no brackets, no port, lower case,
 * and an IPv4 address written as IPv6 (`::ffff:10.0.0.1`, what a dual-stack socket reports) as plain IPv4.
 * Undefined when `value` is not an IP address.
 */
export function normalizeAddress(value: string): string | undefined {
  let text = value.trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed?.[1]) text = bracketed[1];
  else if (/^[\d.]+:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(":"));
  const mapped = /^(?:::|(?:0{1,4}:){5})ffff:(.+)$/.exec(text)?.[1];
  if (mapped) {
    if (isIP(mapped) === 4) return mapped;
    const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(mapped);
    if (hex?.[1] && hex[2]) {
      const high = Number.parseInt(hex[1], 16);
      const low = Number.parseInt(hex[2], 16);
      return [high >> 8, high & 255, low >> 8, low & 255].join(".");
    }
  }
  return isIP(text) ? text : undefined;
}

export type ClientAddress = {
  /** The address to charge rate limits to. */
  address: string;
  /** Whether the socket's peer is a trusted proxy (whose other headers, such as X-Request-Id, may be believed). */
  viaTrustedProxy: boolean;
};

/**
 * The client's address: the socket's peer, unless that peer is a trusted proxy; then X-Forwarded-For is read from
 * the right (each proxy appends the address it received the request from) and the first address that is not a
 * trusted proxy is the client. Entries to its left were written by the client or by proxies we do not know, so they
 * are never read. When every entry is a trusted proxy, the left-most of them is the client (a proxy's own call).
 */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | null,
  trusted: TrustedProxies,
): ClientAddress {
  const socket = peer ? normalizeAddress(peer) : undefined;
  if (!socket) return { address: "unknown", viaTrustedProxy: false };
  if (!trusted.has(socket)) return { address: socket, viaTrustedProxy: false };
  let client = socket;
  const hops = forwardedFor?.split(",") ?? [];
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normalizeAddress(hops[i] ?? "");
    // Not an address: the proxy that appended it said nothing usable, so the last address it vouched for stands.
    if (!hop) break;
    client = hop;
    if (!trusted.has(hop)) break;
  }
  return { address: client, viaTrustedProxy: true };
}
