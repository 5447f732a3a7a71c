import { errors } from "@strapi/utils";

// C0 controls, DEL and C1 controls. Bodies may carry tab, line feed and carriage return (comments have lines);
// nothing else in them, and nothing at all of these in paths and query strings. Lone surrogates are text that
// cannot be stored as UTF-8.
const CONTROL = /\p{Cc}/u;
const BODY_CONTROL = /[^\P{Cc}\t\n\r]/u;
const LONE_SURROGATE = /\p{Cs}/u;

/** Why `text` may not be stored or matched, or undefined when it may. */
export function textProblem(text: string, { lines = false } = {}): string | undefined {
  const control = (lines ? BODY_CONTROL : CONTROL).exec(text);
  if (control)
    return `contains a control character (U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")})`;
  if (LONE_SURROGATE.test(text)) return "is not valid Unicode (a lone surrogate)";
  return undefined;
}

/** A 400 in Strapi's error shape: `{ data: null, error: { status: 400, name: "ValidationError", message } }`. */
export function badInput(where: string, problem: string): errors.ValidationError {
  const message = `${where}: ${problem}`;
  return new errors.ValidationError(message, { errors: [{ path: where.split("."), message: problem }] });
}

/** Decodes one `application/x-www-form-urlencoded` component, or undefined when it is not valid UTF-8. */
export function decodeComponent(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw.replace(/\+/g, " "));
  } catch {
    // URIError: a malformed escape or bytes that are not UTF-8; the caller refuses the request with a reason.
    return undefined;
  }
}

/**
 * Whether `path` is on the content API. Strapi's router matches paths case-insensitively and with or without a
 * trailing slash, so this does too: `/API/articles` reaches the same route as `/api/articles`.
 */
export const isContentApi = (path: string) => /^\/api(?:\/|$)/i.test(path);

const MAX_DEPTH = 64;

/**
 * Every key and string in a parsed body, checked without recursion (a deeply nested body cannot exhaust the
 * stack). Throws a 400 naming the first bad one.
 */
export function checkBody(body: unknown): void {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: body, path: "body", depth: 0 }];
  while (stack.length) {
    const { value, path, depth } = stack.pop() as { value: unknown; path: string; depth: number };
    if (typeof value === "string") {
      const problem = textProblem(value, { lines: true });
      if (problem) throw badInput(path, problem);
      continue;
    }
    if (value === null || typeof value !== "object") continue;
    if (depth >= MAX_DEPTH) throw badInput(path, `nested more than ${MAX_DEPTH} levels deep`);
    for (const [key, item] of Object.entries(value)) {
      const problem = textProblem(key);
      if (problem) throw badInput(path, `a key ${problem}`);
      stack.push({ value: item, path: `${path}.${key}`, depth: depth + 1 });
    }
  }
}
