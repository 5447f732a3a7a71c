import { isIP } from "node:net";
import { CLIENT_ADDRESS_HEADER, COMMUNITY_HEADER } from "@inkstone/config";
import { REQUEST_ID_HEADER } from "@inkstone/config/logger";
import type { z } from "zod";
import { env } from "../env.ts";
import { currentRequest } from "../request-context.ts";
import { Semaphore } from "../semaphore.ts";
import { CmsError, fromCmsResponse, retryAfterSeconds } from "./errors.ts";

/**
 * Calls in flight to the CMS from this process, at most. A burst of uncached renders then queues here instead of
 * piling onto Strapi (and its database pool) until every call times out; the timeout counts from the call itself.
 */
const inFlight = new Semaphore(24);
const QUEUE_WAIT_MS = 30_000;

/**
 * Who a CMS call is made as: the community itself (its API token: public reads, the session store), a member (their
 * own JWT), or a visitor signing up or in — through the community's door, from `clientAddress` (the address
 * src/lib/security/client-address.ts decided), which the CMS throttles failed sign-ins by.
 */
export type CmsAuth = { as: "community" } | { as: "member"; jwt: string } | { as: "visitor"; clientAddress: string };

export type CmsRequest = {
  auth: CmsAuth;
  method?: "GET" | "POST" | "PUT" | "DELETE";
  query?: Query;
  /** Sent as JSON; a FormData (a file upload) goes as multipart/form-data. */
  body?: unknown;
  timeoutMs?: number;
};

/** Query values; arrays become Strapi's `key[0]=…&key[1]=…`. */
export type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

/** Encodes a query the way Strapi's qs parser reads it; values are always encoded, never spliced. */
export function encodeQuery(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const [i, item] of value.entries()) params.append(`${key}[${i}]`, item);
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** The id of the request this call is made for, so the CMS's logs can be matched with ours. */
function requestIdHeader(): Record<string, string> {
  const requestId = currentRequest()?.requestId;
  return requestId ? { [REQUEST_ID_HEADER]: requestId } : {};
}

function authorization(auth: CmsAuth): Record<string, string> {
  const token = env().CMS_COMMUNITY_TOKEN;
  if (auth.as === "community") return { authorization: `Bearer ${token}`, [COMMUNITY_HEADER]: token };
  if (auth.as === "member") return { authorization: `Bearer ${auth.jwt}` };
  // "unknown" (no socket address) is not sent: the CMS then throttles by its own view of the caller, the community.
  return {
    [COMMUNITY_HEADER]: token,
    ...(isIP(auth.clientAddress) ? { [CLIENT_ADDRESS_HEADER]: auth.clientAddress } : {}),
  };
}

/**
 * Calls the CMS's REST API (server-side only: it carries the community token or a member's JWT) and parses the
 * answer with `schema`. Throws CmsError: the CMS's own 4xx with its field messages, `cms_unavailable` when it is
 * down or slow, `bad_response` when it answers something unexpected.
 */
export async function cms<S extends z.ZodType>(path: string, schema: S, request: CmsRequest): Promise<z.infer<S>> {
  const url = `${env().CMS_URL}${path}${encodeQuery(request.query)}`;
  const release = await inFlight.acquire(QUEUE_WAIT_MS).catch((error: unknown) => {
    throw new CmsError(503, "cms_unavailable", "The CMS is busy; try again shortly.", {}, error);
  });
  try {
    return await call(url, path, schema, request);
  } finally {
    release();
  }
}

/** Sends `request` to `url`; a CMS that cannot be reached (refused, timed out) is CmsError `cms_unavailable`. */
async function send(url: string, request: CmsRequest, accept = "application/json"): Promise<Response> {
  try {
    return await fetch(url, {
      method: request.method ?? "GET",
      headers: {
        accept,
        ...(request.body === undefined || request.body instanceof FormData
          ? {}
          : { "content-type": "application/json" }),
        ...authorization(request.auth),
        ...requestIdHeader(),
      },
      body:
        request.body === undefined || request.body instanceof FormData ? request.body : JSON.stringify(request.body),
      signal: AbortSignal.timeout(request.timeoutMs ?? 8000),
    });
  } catch (error) {
    throw new CmsError(503, "cms_unavailable", "The CMS is not answering; try again shortly.", {}, error);
  }
}

/** The CMS's refusal as a CmsError, from its JSON error body (or its status alone). */
async function refusedBy(response: Response): Promise<CmsError> {
  const text = await response.text().catch(() => "");
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // An error page that is not JSON (a proxy's, say): the status alone decides.
  }
  const error = fromCmsResponse(response.status, json);
  if (response.status === 429) error.retryAfterSeconds = retryAfterSeconds(response.headers.get("retry-after"));
  return error;
}

/**
 * A file the CMS answers with (an archive), not JSON: the response as it arrives, its body still to be read, for the
 * caller to stream on. Its timeout covers the whole transfer. Throws CmsError as `cms` does.
 */
export async function cmsDownload(path: string, request: CmsRequest): Promise<Response> {
  const url = `${env().CMS_URL}${path}${encodeQuery(request.query)}`;
  const release = await inFlight.acquire(QUEUE_WAIT_MS).catch((error: unknown) => {
    throw new CmsError(503, "cms_unavailable", "The CMS is busy; try again shortly.", {}, error);
  });
  // Held until the answer starts, not while it streams: a slow download must not take a slot from pages.
  try {
    const response = await send(url, request, "*/*");
    if (!response.ok) throw await refusedBy(response);
    return response;
  } finally {
    release();
  }
}

async function call<S extends z.ZodType>(
  url: string,
  path: string,
  schema: S,
  request: CmsRequest,
): Promise<z.infer<S>> {
  const response = await send(url, request);
  // A body cut off mid-way reads as empty: a success then fails the schema (bad_response), an error keeps its status.
  // A body cut off mid-read is judged by the status alone, as an empty one would be.
  const text = await response.text().catch(() => "");
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (error) {
    if (response.ok)
      throw new CmsError(502, "bad_response", `The CMS answered ${path} with something not JSON.`, {}, error);
    // An error page that is not JSON (a proxy's, say): the status alone decides below.
  }
  if (!response.ok) {
    const error = fromCmsResponse(response.status, json);
    if (response.status === 429) error.retryAfterSeconds = retryAfterSeconds(response.headers.get("retry-after"));
    throw error;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new CmsError(502, "bad_response", `The CMS answered ${path} in an unexpected shape: ${parsed.error.message}`);
  return parsed.data;
}
