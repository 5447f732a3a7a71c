import { errors } from "@strapi/utils";
import { AVATAR_ROUTE, MAX_BYTES, megabytes } from "../lib/uploads/limits.ts";

/** Room for the multipart framing and the few small fields sent beside the file. */
const FORM_OVERHEAD_BYTES = 256 * 1024;

/**
 * A body declared too large is still read, and discarded, up to this much: the client gets its 413 once it has
 * sent the body, rather than a connection reset in the middle of sending it. Beyond it the connection is cut.
 */
const DRAIN_LIMIT_BYTES = 4 * MAX_BYTES.media;

type Ctx = {
  path: string;
  status: number;
  body: unknown;
  req: AsyncIterable<unknown> & { headers: Record<string, string | string[] | undefined> };
  is(type: string): string | false | null;
  set(header: string, value: string): void;
};

const limitFor = (path: string) => (path === AVATAR_ROUTE ? MAX_BYTES.avatar : MAX_BYTES.media);
const tooLarge = (path: string) => {
  const what = path === AVATAR_ROUTE ? "an avatar" : "an uploaded image";
  return `The upload is too large: ${what} may be ${megabytes(limitFor(path))} at most.`;
};

/** formidable's own errors (codes 1000-1099, with the HTTP status it means), told apart from everything after it. */
function parserError(error: unknown): { status: number; message: string } | undefined {
  const { code, httpCode, message } = (error ?? {}) as { code?: unknown; httpCode?: unknown; message?: unknown };
  if (typeof code !== "number" || code < 1000 || code > 1099 || typeof httpCode !== "number") return undefined;
  return { status: httpCode, message: typeof message === "string" ? message : "" };
}

/**
 * Multipart bodies (file uploads). Limited before anything is written: strapi::body (formidable) would otherwise
 * store the whole file in a temporary folder first. A declared Content-Length past the limit answers 413 at once;
 * a chunked body is held to the largest limit by strapi::body's own cap (config/middlewares.ts), whose bare
 * "FileTooBig" is replaced with the same message; each route then checks its own limit on the file itself. A body
 * that is not the multipart it says it is (cut off, another boundary) answers 400 or 413 saying so, not 500.
 */
export default () => async (ctx: Ctx, next: () => Promise<void>) => {
  if (!ctx.is("multipart")) return next();
  const declared = Number(ctx.req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limitFor(ctx.path) + FORM_OVERHEAD_BYTES) {
    if (declared > DRAIN_LIMIT_BYTES) ctx.set("Connection", "close");
    else for await (const _chunk of ctx.req);
    throw new errors.PayloadTooLargeError(tooLarge(ctx.path), { code: "file_too_large" });
  }
  try {
    await next();
  } catch (error) {
    const parser = parserError(error);
    if (!parser) throw error;
    if (parser.status === 413) throw new errors.PayloadTooLargeError(`The form is too large: ${parser.message}.`);
    throw new errors.ValidationError(
      `The body is not a complete multipart/form-data form (${parser.message}). Send the whole form, with the boundary its Content-Type names.`,
    );
  }
  const body = ctx.body as { error?: { message?: string } } | undefined;
  if (ctx.status === 413 && body?.error?.message === "FileTooBig")
    ctx.body = {
      data: null,
      error: {
        status: 413,
        name: "PayloadTooLargeError",
        message: tooLarge(ctx.path),
        details: { code: "file_too_large" },
      },
    };
};
