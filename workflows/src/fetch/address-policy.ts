import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import type { LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";

/** A source URL the SSRF guard will not fetch; `reason` is shown to the creator in the run log. */
export class FetchRefused extends Error {
  override name = "FetchRefused";
  /** The URL that was refused, when a redirect led there. */
  target?: string;
}

export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

// Reachable with FETCH_ALLOW_PRIVATE (tests, intranets). Everything else that is not public unicast — link-local
// (169.254.0.0/16 holds cloud metadata endpoints), unspecified, multicast, reserved, and IPv6 ranges that embed an
// IPv4 address (NAT64, 6to4, Teredo) — is refused whatever the configuration.
const PRIVATE_RANGES: Record<string, string> = {
  private: "a private address",
  loopback: "a loopback address",
  uniqueLocal: "a unique-local address",
  carrierGradeNat: "a carrier-grade NAT address",
};
const ALWAYS_REFUSED: Record<string, string> = {
  linkLocal: "a link-local address (where cloud metadata services live)",
  unspecified: "the unspecified address",
};

/** Whether the guard lets a connection to `address` through. */
export function classifyAddress(address: string, allowPrivate: boolean): AddressVerdict {
  if (!ipaddr.isValid(address)) return { allowed: false, reason: `${address} is not an IP address` };
  const range = ipaddr.process(address).range();
  if (range === "unicast") return { allowed: true };
  const privateName = PRIVATE_RANGES[range];
  if (privateName && allowPrivate) return { allowed: true };
  const name = privateName ?? ALWAYS_REFUSED[range] ?? `a reserved address (${range})`;
  const hint = privateName ? "; set FETCH_ALLOW_PRIVATE=true to allow private networks" : "";
  return { allowed: false, reason: `${address} is ${name}${hint}` };
}

/** Throws FetchRefused unless every address in `addresses` passes. */
export function assertAddresses(host: string, addresses: readonly string[], allowPrivate: boolean): void {
  for (const address of addresses) {
    const verdict = classifyAddress(address, allowPrivate);
    if (!verdict.allowed)
      throw new FetchRefused(host === address ? verdict.reason : `${host} resolves to ${verdict.reason}`);
  }
}

/**
 * A `lookup` for sockets that refuses disallowed addresses at connect time, so a DNS answer that changes between the
 * check and the connection (rebinding) or a redirect to another host cannot reach what the check refused.
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, "", 0);
      try {
        assertAddresses(
          hostname,
          addresses.map((entry) => entry.address),
          allowPrivate,
        );
      } catch (refused) {
        return callback(refused as NodeJS.ErrnoException, "", 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), "", 0);
      callback(null, first.address, first.family);
    });
  };
}
