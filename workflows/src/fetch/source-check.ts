// The rule for which source URLs may be read, in one place: the worker applies it before every request (and again
// at connect time, address-policy.ts), and the community applies it when the /write form is sent, so a creator
// hears about a URL that cannot be read while they can still fix it. Exported as @inkstone/workflows/sources.
import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import { type RefusalReason, refusedAddress } from "./address-policy.ts";

/** Why a source URL cannot be read, found before fetching it. */
export type SourceUrlProblem = {
  reason: RefusalReason | "unresolvable";
  /** The host name as given (brackets of an IPv6 literal removed). */
  host: string;
  /** English, for logs: which address was refused, or how resolving failed. */
  message: string;
};

/** Resolves a host name to its addresses (node:dns's `lookup` with `all: true`, the system resolver). */
export type Lookup = (host: string) => Promise<{ address: string }[]>;

export type SourceCheckOptions = {
  /** FETCH_ALLOW_PRIVATE: private, loopback and unique-local addresses pass. */
  allowPrivate: boolean;
  /** How long resolving may take; past it the resolver has failed (not the URL). */
  timeoutMs: number;
  /** Replaces the system resolver (tests). */
  lookup?: Lookup;
};

/** What resolving said: the addresses, or a problem with the URL, or a resolver that did not answer. */
export type SourceVerdict =
  | { ok: true; addresses: string[] }
  | { ok: false; problem: SourceUrlProblem }
  /** The resolver itself failed (timed out, unreachable, SERVFAIL): nothing is known about the URL. */
  | { ok: "unknown"; host: string; message: string };

// getaddrinfo's answers for "no such name" and "no address for it"; everything else is the resolver's own trouble.
const NO_SUCH_NAME = new Set(["ENOTFOUND", "ENODATA", "EAI_NONAME", "EAI_NODATA"]);

const systemLookup: Lookup = (host) => dnsLookup(host, { all: true });

/** The URL's scheme and credentials, before any lookup: only http(s), and no user name or password. */
export function schemeProblem(url: URL): SourceUrlProblem | undefined {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return { reason: "scheme", host, message: `${url.protocol} URLs are not fetched (only http and https)` };
  if (url.username || url.password)
    return { reason: "credentials", host, message: "URLs with credentials are not fetched" };
  return undefined;
}

/** Checks `url` against the rule: scheme, credentials, then every address its host resolves to. */
export async function verifySource(url: URL, options: SourceCheckOptions): Promise<SourceVerdict> {
  const early = schemeProblem(url);
  if (early) return { ok: false, problem: early };
  const host = url.hostname.replace(/^\[|\]$/g, "");
  // An address is its own answer.
  if (isIP(host)) return judge(host, [host], options.allowPrivate);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error("no answer in time"), { code: "ETIMEOUT" })),
      options.timeoutMs,
    );
  });
  let addresses: string[];
  try {
    const answer = await Promise.race([(options.lookup ?? systemLookup)(host), deadline]);
    addresses = answer.map((entry) => entry.address);
  } catch (error) {
    const code = (error as { code?: string }).code ?? "";
    if (NO_SUCH_NAME.has(code))
      return { ok: false, problem: { reason: "unresolvable", host, message: `${host} does not resolve` } };
    return { ok: "unknown", host, message: `${host} could not be looked up (${code || (error as Error).message})` };
  } finally {
    clearTimeout(timer);
  }
  if (addresses.length === 0)
    return { ok: false, problem: { reason: "unresolvable", host, message: `${host} has no address` } };
  return judge(host, addresses, options.allowPrivate);
}

function judge(host: string, addresses: string[], allowPrivate: boolean): SourceVerdict {
  const refused = refusedAddress(host, addresses, allowPrivate);
  if (refused) return { ok: false, problem: { reason: refused.reason, host, message: refused.message } };
  return { ok: true, addresses };
}

/**
 * What stops `raw` from being read, as a form should say it; undefined when it may be read, or when the resolver
 * could not tell (its failure is not the creator's: the run tries again and reports what it finds).
 */
export async function checkSourceUrl(raw: string, options: SourceCheckOptions): Promise<SourceUrlProblem | undefined> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // Not a URL at all: the scheme rule is the one it breaks.
    return { reason: "scheme", host: "", message: "not a URL" };
  }
  const verdict = await verifySource(url, options);
  return verdict.ok === false ? verdict.problem : undefined;
}
