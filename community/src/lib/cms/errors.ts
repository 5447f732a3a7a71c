import { z } from "zod";

/** What went wrong talking to the CMS, in terms a page or an endpoint can act on. */
export type CmsErrorCode =
  | "invalid"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "too_large"
  | "rate_limited"
  | "cms_unavailable"
  | "bad_response";

/** A failed CMS call: the HTTP status to answer with, a stable code, a message and per-field messages. */
export class CmsError extends Error {
  override name = "CmsError";
  readonly status: number;
  readonly code: CmsErrorCode;
  readonly fields: Record<string, string>;
  /** The CMS's own code for why it refused, when it gave one (`details.code`: `file_too_large`, `not_an_image`…). */
  reason?: string;
  /** When the CMS refused with 429: the seconds its Retry-After asked for. */
  retryAfterSeconds?: number;
  /** `cause`: what actually failed (a refused connection, a timeout), for the logs; `message` is for the caller. */
  constructor(
    status: number,
    code: CmsErrorCode,
    message: string,
    fields: Record<string, string> = {},
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.status = status;
    this.code = code;
    this.fields = fields;
  }
}

/** Retry-After in whole seconds (1 to a day), from its seconds or HTTP-date form; undefined when absent or unusable. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = /^\d{1,9}$/.test(header.trim()) ? Number(header) : (Date.parse(header) - now) / 1000;
  if (!Number.isFinite(seconds)) return undefined;
  return Math.min(86_400, Math.max(1, Math.ceil(seconds)));
}

/** The JSON body of a failed request, as every Inkstone service answers it. */
export type ErrorBody = { error: { code: string; message: string; fields?: Record<string, string> } };

export function errorBody(code: string, message: string, fields?: Record<string, string>): ErrorBody {
  return { error: { code, message, ...(fields && Object.keys(fields).length ? { fields } : {}) } };
}

/** Strapi's error envelope: `{ error: { status, name, message, details: { errors: [{ path, message }] } } }`. */
const strapiErrorSchema = z.object({
  error: z.object({
    status: z.number().optional(),
    name: z.string().optional(),
    message: z.string().default(""),
    details: z
      .object({
        errors: z
          .array(z.object({ path: z.array(z.union([z.string(), z.number()])).default([]), message: z.string() }))
          .optional(),
        code: z.string().optional(),
      })
      .loose()
      .optional(),
  }),
});

const CODES: Record<number, CmsErrorCode> = {
  400: "invalid",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  413: "too_large",
  429: "rate_limited",
};

/** Maps a CMS error response to a CmsError; 5xx and unknown shapes become `cms_unavailable`. */
export function fromCmsResponse(status: number, body: unknown): CmsError {
  const parsed = strapiErrorSchema.safeParse(body);
  if (status >= 500) {
    const said = parsed.success && parsed.data.error.message ? `: ${parsed.data.error.message}` : "";
    const cause = new Error(`The CMS answered ${status}${said}`);
    return new CmsError(503, "cms_unavailable", "The CMS is not answering; try again shortly.", {}, cause);
  }
  const code = CODES[status] ?? "invalid";
  if (!parsed.success) return new CmsError(status, code, `The CMS answered ${status}.`);
  const fields: Record<string, string> = {};
  for (const issue of parsed.data.error.details?.errors ?? []) {
    const key = issue.path.map(String).join(".") || "_";
    fields[key] ??= issue.message;
  }
  const error = new CmsError(status, code, parsed.data.error.message || `The CMS answered ${status}.`, fields);
  error.reason = parsed.data.error.details?.code;
  return error;
}

/** The error body for anything thrown while handling a request. */
export function toErrorBody(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof CmsError)
    return { status: error.status, body: errorBody(error.code, error.message, error.fields) };
  return { status: 500, body: errorBody("internal", "Something went wrong on our side; try again.") };
}
