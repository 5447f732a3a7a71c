import { describe, expect, it } from "vitest";
import { clientAddress, normalizeAddress, trustedProxies } from "../src/lib/security/client-address.ts";

const none = trustedProxies([]);
const lan = trustedProxies(["10.0.0.0/8", "192.168.1.1", "fd00::/8", "::1"]);

describe("the client's address", () => {
  it.each([
    // [case, trusted proxies, socket peer, X-Forwarded-For, expected client, via a trusted proxy]
    ["no proxy: the socket's peer", none, "203.0.113.7", null, "203.0.113.7", false],
    ["a forged header without a trusted proxy is ignored", none, "203.0.113.7", "1.2.3.4", "203.0.113.7", false],
    ["a forged header from a peer that is not a trusted proxy", lan, "203.0.113.7", "10.0.0.1", "203.0.113.7", false],
    ["IPv6 peer", none, "2001:DB8::1", "1.2.3.4", "2001:db8::1", false],
    [
      "IPv4-mapped IPv6 peer, as a dual-stack socket reports it",
      none,
      "::ffff:203.0.113.7",
      null,
      "203.0.113.7",
      false,
    ],
    ["a trusted proxy: the address it appended", lan, "10.0.0.5", "198.51.100.9", "198.51.100.9", true],
    ["a trusted proxy by exact address", lan, "192.168.1.1", "198.51.100.9", "198.51.100.9", true],
    ["a trusted IPv6 proxy by CIDR", lan, "fd12:3456::1", "2001:db8::42", "2001:db8::42", true],
    ["a trusted IPv4 proxy seen as IPv4-mapped IPv6", lan, "::ffff:10.1.2.3", "198.51.100.9", "198.51.100.9", true],
    ["hex IPv4-mapped entries are IPv4", lan, "10.0.0.5", "::ffff:c633:6409", "198.51.100.9", true],
    ["a chain of trusted proxies", lan, "10.0.0.5", "198.51.100.9, 10.0.0.7, 10.0.0.6", "198.51.100.9", true],
    [
      "what the client wrote left of the right-most untrusted address is never read",
      lan,
      "10.0.0.5",
      "10.0.0.1, 1.2.3.4, 198.51.100.9, 10.0.0.6",
      "198.51.100.9",
      true,
    ],
    ["the address just outside a CIDR is not trusted", lan, "10.0.0.5", "11.0.0.1, 10.0.0.6", "11.0.0.1", true],
    ["entries with ports and brackets", lan, "10.0.0.5", "[2001:db8::9]:4711, 10.0.0.6:80", "2001:db8::9", true],
    ["IPv4-mapped IPv6 in the header", lan, "10.0.0.5", "::FFFF:198.51.100.9", "198.51.100.9", true],
    ["a trusted proxy without the header: the proxy itself", lan, "10.0.0.5", null, "10.0.0.5", true],
    ["only trusted proxies in the chain: the farthest", lan, "::1", "10.0.0.9, 10.0.0.8", "10.0.0.9", true],
    [
      "garbage where an address should be: the proxy that passed it",
      lan,
      "10.0.0.5",
      "1.2.3.4, evil",
      "10.0.0.5",
      true,
    ],
    ["an empty header from a trusted proxy", lan, "10.0.0.5", "", "10.0.0.5", true],
    ["no socket address at all", none, undefined, "1.2.3.4", "unknown", false],
  ] as const)("%s", (_case, trusted, peer, forwardedFor, address, viaTrustedProxy) => {
    expect(clientAddress(peer, forwardedFor, trusted)).toEqual({ address, viaTrustedProxy });
  });
});

describe("addresses", () => {
  it.each([
    ["1.2.3.4", "1.2.3.4"],
    [" 1.2.3.4:8080 ", "1.2.3.4"],
    ["[::1]", "::1"],
    ["[2001:DB8::1]:443", "2001:db8::1"],
    ["::ffff:1.2.3.4", "1.2.3.4"],
    ["0:0:0:0:0:ffff:1.2.3.4", "1.2.3.4"],
    ["::ffff:102:304", "1.2.3.4"],
    ["unknown", undefined],
    ["1.2.3", undefined],
    ["", undefined],
  ])("%j is %j", (input, expected) => {
    expect(normalizeAddress(input)).toBe(expected);
  });
});

describe("TRUSTED_PROXIES", () => {
  it("matches addresses and ranges of both families", () => {
    expect([
      lan.has("10.255.255.255"),
      lan.has("11.0.0.0"),
      lan.has("192.168.1.1"),
      lan.has("192.168.1.2"),
      lan.has("fdff::1"),
      lan.has("fe00::1"),
    ]).toEqual([true, false, true, false, true, false]);
  });

  it.each(["10.0.0.0/33", "fd00::/129", "300.0.0.1", "10.0.0.0/8/8", "10.0.0.0/", "example.org"])(
    "refuses %j, naming it",
    (entry) => {
      expect(() => trustedProxies([entry])).toThrow(`TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range`);
    },
  );
});
