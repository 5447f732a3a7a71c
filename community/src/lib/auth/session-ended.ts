import type { AstroCookies } from "astro";
import { CmsError } from "../cms/errors.ts";
import { findSessionRecord } from "../cms/sessions.ts";
import { requestLog } from "../request-context.ts";
import { endSession, type Session } from "./session.ts";

/**
 * Whether a member call's failure means the member's session no longer stands: the CMS refused their JWT (401), or
 * refused them (403) and the session store no longer has the session (blocked or signed out meanwhile). A 403 for a
 * session that still stands is an ordinary "not yours".
 */
export async function sessionGone(error: unknown, session: Session | null): Promise<boolean> {
  if (!session || !(error instanceof CmsError)) return false;
  if (error.code === "unauthorized") return true;
  if (error.code !== "forbidden") return false;
  try {
    return (await findSessionRecord(session.tokenHash)) === null;
  } catch (lookup) {
    // The store cannot say: the 403 is answered as it came, and the next request looks the session up again.
    requestLog().warn({ err: lookup }, "could not check the session after the CMS refused a member call");
    return false;
  }
}

/** Ends a session the CMS no longer honours: the cookie goes, and the record too (the CMS may have dropped it already). */
export async function endGoneSession(cookies: AstroCookies, session: Session): Promise<void> {
  try {
    await endSession(cookies, session);
  } catch (error) {
    // The cookie is gone either way; a record left behind is one the CMS refuses, and it expires on its own.
    requestLog().warn({ err: error }, "could not delete a session the CMS refused");
  }
}
