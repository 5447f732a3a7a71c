import { Agent, request } from "undici";
import type { UnreadReason } from "../run/log-keys.ts";
import { FetchRefused, guardedLookup, type RefusalReason } from "./address-policy.ts";
import { verifySource } from "./source-check.ts";

export type FetchPolicy = {
  /** FETCH_ALLOW_PRIVATE: private, loopback and unique-local addresses become reachable. */
  allowPrivate: boolean;
  /** FETCH_TIMEOUT_MS: for the whole request, redirects included. */
  timeoutMs: number;
  /** FETCH_MAX_BYTES: larger bodies are abandoned. */
  maxBytes: number;
};

/** A source that could not be read (not a refusal): the message goes to the run log, `reason` words it for creators. */
export class FetchFailed extends Error {
  override name = "FetchFailed";
  readonly reason: Exclude<UnreadReason, RefusalReason>;
  readonly status?: number;
  readonly type?: string;
  constructor(
    message: string,
    reason: Exclude<UnreadReason, RefusalReason>,
    extra: { status?: number; type?: string } = {},
  ) {
    super(message);
    this.reason = reason;
    if (extra.status !== undefined) this.status = extra.status;
    if (extra.type !== undefined) this.type = extra.type;
  }
}

export type FetchedPage = { url: string; contentType: string; body: string };

const MAX_REDIRECTS = 5;
const READABLE_TYPES = ["text/html", "application/xhtml+xml", "text/plain", "text/markdown", "text/x-markdown"];
const HEADERS = {
  "user-agent": "InkstoneBot/0.1 (research for AI-assisted articles)",
  accept: "text/html,application/xhtml+xml,text/plain;q=0.9,text/markdown;q=0.9,*/*;q=0.1",
};

/**
 * Fetches source pages under the SSRF policy: only http(s); every hop of a redirect chain is checked before it is
 * requested (IP literals and DNS answers), and the socket's own lookup checks again at connect time.
 */
export function createPageFetcher(policy: FetchPolicy) {
  const agent = new Agent({
    connect: { lookup: guardedLookup(policy.allowPrivate), timeout: policy.timeoutMs },
    headersTimeout: policy.timeoutMs,
    bodyTimeout: policy.timeoutMs,
  });

  async function check(url: URL): Promise<void> {
    const verdict = await verifySource(url, { allowPrivate: policy.allowPrivate, timeoutMs: policy.timeoutMs });
    if (verdict.ok === true) return;
    // A resolver that does not answer and a name that does not exist both leave the creator's source unread.
    if (verdict.ok === "unknown") throw new FetchFailed(verdict.message, "unresolvable");
    const { reason, message } = verdict.problem;
    if (reason === "unresolvable") throw new FetchFailed(message, "unresolvable");
    throw new FetchRefused(message, reason);
  }

  async function fetchPage(url: string, signal: AbortSignal): Promise<FetchedPage> {
    const deadline = AbortSignal.timeout(policy.timeoutMs);
    const combined = AbortSignal.any([signal, deadline]);
    let current = new URL(url);
    try {
      for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
        await check(current);
        const response = await request(current, {
          dispatcher: agent,
          method: "GET",
          headers: HEADERS,
          signal: combined,
        });
        const { statusCode, headers } = response;
        if (statusCode >= 300 && statusCode < 400 && headers.location) {
          await response.body.dump();
          current = new URL(String(headers.location), current);
          continue;
        }
        if (statusCode >= 400) {
          await response.body.dump();
          throw new FetchFailed(`the server answered ${statusCode}`, "http-status", { status: statusCode });
        }
        const contentType = String(headers["content-type"] ?? "text/html").toLowerCase();
        const mediaType = contentType.split(";")[0]?.trim() ?? "";
        if (!READABLE_TYPES.includes(mediaType)) {
          await response.body.dump();
          throw new FetchFailed(`not a readable page (${mediaType || "no content type"})`, "not-readable", {
            type: mediaType,
          });
        }
        const declared = Number(headers["content-length"] ?? 0);
        if (declared > policy.maxBytes) {
          response.body.destroy();
          throw new FetchFailed(`larger than FETCH_MAX_BYTES (${declared} > ${policy.maxBytes} bytes)`, "too-large");
        }
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of response.body) {
          size += (chunk as Buffer).length;
          if (size > policy.maxBytes) {
            response.body.destroy();
            throw new FetchFailed(`larger than FETCH_MAX_BYTES (over ${policy.maxBytes} bytes)`, "too-large");
          }
          chunks.push(chunk as Buffer);
        }
        return { url: current.href, contentType: mediaType, body: decode(Buffer.concat(chunks), contentType) };
      }
      throw new FetchFailed(`more than ${MAX_REDIRECTS} redirects`, "redirects");
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      const refused = findCause(error, FetchRefused);
      if (refused) throw Object.assign(new FetchRefused(refused.message, refused.reason), { target: current.href });
      if (error instanceof FetchFailed) throw error;
      if (deadline.aborted) throw new FetchFailed(`no complete answer within ${policy.timeoutMs} ms`, "timeout");
      throw new FetchFailed(describeNetworkError(error), "network");
    }
  }

  return { fetchPage, close: () => agent.close() };
}

export type PageFetcher = ReturnType<typeof createPageFetcher>;

function findCause<T extends Error>(error: unknown, type: new (...args: never[]) => T): T | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (current instanceof type) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function describeNetworkError(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  return code ? `${message} (${code})` : message;
}

/** Decodes with the charset from the header, or from a `<meta charset>` near the top, or UTF-8. */
function decode(bytes: Buffer, contentType: string): string {
  const head = bytes.subarray(0, 2048).toString("latin1");
  const charset =
    /charset=["']?([\w-]+)/i.exec(contentType)?.[1] ?? /<meta[^>]+charset=["']?([\w-]+)/i.exec(head)?.[1] ?? "utf-8";
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    // A charset label TextDecoder does not know: UTF-8 is the likeliest truth.
    return new TextDecoder("utf-8").decode(bytes);
  }
}
