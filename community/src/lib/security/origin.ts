/** Methods that change nothing; everything else must come from our own pages. */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export type OriginVerdict = { ok: true } | { ok: false; reason: string };

function originOf(value: string | null): string | null {
  if (!value || value === "null") return null;
  try {
    return new URL(value).origin;
  } catch {
    // Not a URL: no usable origin, so the request is refused as if it had none.
    return null;
  }
}

/**
 * CSRF defence by origin: a state-changing request must carry an `Origin` (or, when a browser leaves it out, a
 * `Referer`) whose origin is the community's own public origin. SameSite=Lax cookies already keep most cross-site
 * POSTs unauthenticated; this also stops forms posted from other sites and login CSRF.
 */
export function checkOrigin(request: Request, publicUrl: string): OriginVerdict {
  if (SAFE_METHODS.has(request.method)) return { ok: true };
  const expected = new URL(publicUrl).origin;
  const origin = request.headers.get("origin");
  const sent = origin && origin !== "null" ? originOf(origin) : originOf(request.headers.get("referer"));
  if (!sent)
    return {
      ok: false,
      reason: "This request did not say which site it came from (no Origin or Referer header), so it was refused.",
    };
  if (sent !== expected) return { ok: false, reason: `Requests from ${sent} cannot change anything here.` };
  return { ok: true };
}
