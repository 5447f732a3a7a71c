/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    /** This request's id: in the x-request-id response header, every CMS call and every log line (src/middleware/request.ts). */
    requestId: string;
    /** Whom rate limits charge: the socket's peer, or the client a trusted proxy names (src/lib/security/client-address.ts). */
    clientAddress: string;
    /** The page's language, from the first path segment (zh-CN when there is none). */
    locale: import("@inkstone/config").Locale;
    /** The signed-in member: the session cookie's id, looked up in the CMS's session store (src/lib/auth/session.ts). */
    session: import("./lib/auth/session.ts").Session | null;
    /** A message carried over a form's redirect, read once. */
    flash: import("./lib/auth/flash.ts").Flash | null;
    /** Set by public pages: their anonymous responses may be cached, and are dropped when these tags change. */
    cache?: { tags: string[] };
  }
}
