import type { Session } from "./auth/session.ts";
import { myState } from "./cms/member.ts";
import { memberCachesUsable, personalCache } from "./store/replica.ts";

/**
 * What is personal on a page: which articles the member likes and bookmarks, whom and what they follow, how many
 * notifications they have not read. Asked of the CMS in one small request and kept per member for up to 30 seconds
 * (the unread count may lag that much), dropped on every replica the moment the member acts (src/middleware/acted.ts),
 * so their next page shows what they did. Everything else on a page comes from the shared data cache.
 */
export type PersonalState = {
  likes: ReadonlySet<string>;
  bookmarks: ReadonlySet<string>;
  authors: ReadonlySet<string>;
  tags: ReadonlySet<string>;
  unread: number;
  /** The member must still confirm their e-mail address before commenting, asking or generating. */
  unconfirmed?: boolean;
  /** Their address, when the CMS says it, for the banner asking them to confirm it. */
  email?: string;
};

/** Reads of the same member's state under way, so a burst of their requests asks once. */
const reading = new Map<string, Promise<PersonalState>>();

async function read(session: Session): Promise<PersonalState> {
  const data = await myState(session.jwt);
  return {
    likes: new Set(data.likes),
    bookmarks: new Set(data.bookmarks),
    authors: new Set(data.follows.authors),
    tags: new Set(data.follows.tags),
    unread: data.unread,
    unconfirmed: data.verificationRequired && !data.emailVerified,
    ...(data.email ? { email: data.email } : {}),
  };
}

/** The member's personal state; throws CmsError when the CMS cannot say (a page then shows its own fallback). */
export async function personalState(session: Session): Promise<PersonalState> {
  const usable = memberCachesUsable();
  const kept = usable ? (personalCache.get(session.userId) as PersonalState | undefined) : undefined;
  if (kept) return kept;
  // Keyed by session, not member: two sessions of one member may differ in whether the CMS still honours them.
  const pending = reading.get(session.tokenHash);
  if (pending) return pending;
  const epoch = personalCache.epoch;
  const promise = read(session)
    .then((state) => {
      if (usable && memberCachesUsable()) personalCache.set(session.userId, session.userId, state, epoch);
      return state;
    })
    .finally(() => reading.delete(session.tokenHash));
  reading.set(session.tokenHash, promise);
  return promise;
}
