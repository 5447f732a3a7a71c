/**
 * What the community refuses to read, wherever it arrives (a path segment, a query parameter, a form field, a JSON
 * body): broken percent-encoding, bytes that are not UTF-8, and control characters. Null bytes and their kin have no
 * place in text a person typed; passed on, they make PostgreSQL, logs and terminals misbehave. Multi-line text keeps
 * tab, line feed and carriage return; a path segment or a query parameter keeps none.
 */

/** C0 controls, DEL and C1 controls; in multi-line text, tab, line feed and carriage return are not counted. */
function isControl(code: number, multiline: boolean): boolean {
  if (multiline && (code === 0x09 || code === 0x0a || code === 0x0d)) return false;
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
}

/** The first control character in `value` as `U+XXXX`, or undefined when there is none. */
export function controlIn(value: string, { multiline }: { multiline: boolean }): string | undefined {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (isControl(code, multiline)) return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  }
  return undefined;
}

/** A percent-encoded component decoded strictly: undefined for a broken escape or bytes that are not UTF-8. */
export function decodeComponent(raw: string, { plusIsSpace }: { plusIsSpace: boolean }): string | undefined {
  try {
    return decodeURIComponent(plusIsSpace ? raw.replaceAll("+", " ") : raw);
  } catch {
    // URIError: a lone `%`, a bad hex pair, or an escape sequence that is not UTF-8. The caller refuses it.
    return undefined;
  }
}

export type InputProblem = {
  /** `encoding`: broken percent-encoding or not UTF-8; `control`: a control character. */
  kind: "encoding" | "control";
  /** Where: `path`, a query parameter's or form field's name, or a JSON path. */
  where: string;
  /** For `control`: which character (U+0000). */
  character?: string;
};

/** The first problem in a URL's path segments or query parameters (as sent: still percent-encoded). */
export function urlProblem(url: URL): InputProblem | undefined {
  for (const segment of url.pathname.split("/")) {
    const decoded = decodeComponent(segment, { plusIsSpace: false });
    if (decoded === undefined) return { kind: "encoding", where: "path" };
    const character = controlIn(decoded, { multiline: false });
    if (character) return { kind: "control", where: "path", character };
  }
  const query = url.search.slice(1);
  if (!query) return undefined;
  const parsed = parseUrlEncoded(query, { multiline: false });
  return "problem" in parsed ? parsed.problem : undefined;
}

/**
 * `application/x-www-form-urlencoded` text parsed strictly (URLSearchParams replaces what it cannot decode without a
 * word): each name and value must decode, and hold no control character (values may be multi-line in a form body).
 */
export function parseUrlEncoded(
  text: string,
  { multiline }: { multiline: boolean },
): { fields: Map<string, string[]> } | { problem: InputProblem } {
  const fields = new Map<string, string[]>();
  for (const pair of text.split("&")) {
    if (!pair) continue;
    const eq = pair.indexOf("=");
    const name = decodeComponent(eq === -1 ? pair : pair.slice(0, eq), { plusIsSpace: true });
    if (name === undefined) return { problem: { kind: "encoding", where: "a parameter name" } };
    const nameControl = controlIn(name, { multiline: false });
    if (nameControl) return { problem: { kind: "control", where: "a parameter name", character: nameControl } };
    const value = eq === -1 ? "" : decodeComponent(pair.slice(eq + 1), { plusIsSpace: true });
    if (value === undefined) return { problem: { kind: "encoding", where: name } };
    const character = controlIn(value, { multiline });
    if (character) return { problem: { kind: "control", where: name, character } };
    fields.set(name, [...(fields.get(name) ?? []), value]);
  }
  return { fields };
}

/** The first control character in any key or string of a parsed JSON value (strings may be multi-line). */
export function jsonProblem(value: unknown, where = "body", depth = 0): InputProblem | undefined {
  if (typeof value === "string") {
    const character = controlIn(value, { multiline: true });
    return character ? { kind: "control", where, character } : undefined;
  }
  // JSON.parse already bounds the depth by the body's size; this only keeps a pathological body from recursing far.
  if (depth > 64 || value === null || typeof value !== "object") return undefined;
  for (const [key, item] of Object.entries(value)) {
    const at = `${where}.${key}`;
    const character = controlIn(key, { multiline: false });
    if (character) return { kind: "control", where: at, character };
    const found = jsonProblem(item, at, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** UTF-8 text, or undefined when `bytes` are not valid UTF-8. */
export function utf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    // Not UTF-8: refused by the caller rather than read with replacement characters.
    return undefined;
  }
}

export type BodyRead = { bytes: Uint8Array<ArrayBuffer> } | { tooLarge: true } | { unreadable: true };

/**
 * Reads a request body of at most `max` bytes, however it is sent (Content-Length or chunked). Past `max`, the rest
 * is read and dropped until the body ends or the adapter cuts it off (its ceiling, astro.config.mjs): nothing past
 * the limit is kept in memory, and the client, whose upload was not cut short, reads its 413.
 */
export async function readBody(request: Request, max: number): Promise<BodyRead> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > max) return { tooLarge: true };
  if (!request.body) return { bytes: new Uint8Array() };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size <= max) chunks.push(value);
    }
  } catch (error) {
    // The adapter's ceiling cut the body off, or the client went away mid-body.
    const cutOff = error instanceof Error && /body size limit/i.test(error.message);
    return cutOff || size > max ? { tooLarge: true } : { unreadable: true };
  }
  if (size > max) return { tooLarge: true };
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return { bytes };
}
