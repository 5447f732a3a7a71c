import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import type { LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";

/** Why a URL is refused before anything is fetched: each has a text for the creator (see run/log-keys.ts). */
export type RefusalReason = "private-address" | "forbidden-address" | "scheme" | "credentials";

/** A source URL the SSRF guard will not fetch; the message goes to the run log, `reason` words it for the creator. */
export class FetchRefused extends Error {
  override name = "FetchRefused";
  readonly reason: RefusalReason;
  /** The URL that was refused, when a redirect led there. */
  target?: string;
  constructor(message: string, reason: RefusalReason) {
    super(message);
    this.reason = reason;
  }
}

/**
 * Whether the guard lets a connection through. `reason` says why not, for a creator (no configuration hints: those
 * are the operator's, see PRIVATE_NETWORKS_HINT); `code` is `private-address` when FETCH_ALLOW_PRIVATE would allow it.
 */
export type AddressVerdict =
  | { allowed: true }
  | { allowed: false; reason: string; code: "private-address" | "forbidden-address" };

/** For the operator's log when a private address was refused: how to allow them (tests, intranets). */
export const PRIVATE_NETWORKS_HINT = "set FETCH_ALLOW_PRIVATE=true to allow private networks";

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
  if (!ipaddr.isValid(address))
    return { allowed: false, reason: `${address} is not an IP address`, code: "forbidden-address" };
  const range = ipaddr.process(address).range();
  if (range === "unicast") return { allowed: true };
  const privateName = PRIVATE_RANGES[range];
  if (privateName && allowPrivate) return { allowed: true };
  const name = privateName ?? ALWAYS_REFUSED[range] ?? `a reserved address (${range})`;
  return {
    allowed: false,
    reason: `${address} is ${name}`,
    code: privateName ? "private-address" : "forbidden-address",
  };
}

/** The first of `addresses` the guard refuses, as a FetchRefused; undefined when every one passes. */
export function refusedAddress(
  host: string,
  addresses: readonly string[],
  allowPrivate: boolean,
): FetchRefused | undefined {
  for (const address of addresses) {
    const verdict = classifyAddress(address, allowPrivate);
    if (!verdict.allowed)
      return new FetchRefused(
        host === address ? verdict.reason : `${host} resolves to ${verdict.reason}`,
        verdict.code,
      );
  }
  return undefined;
}

/** Throws FetchRefused unless every address in `addresses` passes. */
export function assertAddresses(host: string, addresses: readonly string[], allowPrivate: boolean): void {
  const refused = refusedAddress(host, addresses, allowPrivate);
  if (refused) throw refused;
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
