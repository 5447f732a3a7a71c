import { randomBytes } from "node:crypto";
import type { Locale } from "@inkstone/config";
import { asLocale, t } from "./i18n/index.ts";
import type { PersonalState } from "./personal.ts";
import { xml } from "./xml.ts";

/**
 * Pages for signed-in members are rendered once for every member, as a shell: wherever something is personal, the
 * shell holds both versions between marks (`<Personal fact=…>` in src/components/Personal.astro) and the unread
 * badge is a mark of its own. `personalize` then picks, for one member, the version their state calls for: a string
 * pass over the shell, with no rendering and no CMS call. The shell itself holds nothing of any member, so it is
 * cached and shared (src/middleware/member-pages.ts). The marks carry a random nonce drawn at start-up: text from
 * members or editors cannot forge one.
 */

const NONCE = randomBytes(8).toString("hex");
const PREFIX = `<!--ink:${NONCE}:`;

/** What a version depends on: liking, bookmarking an article; following an author or tag; being that author. */
export type Fact =
  | { like: string }
  | { bookmark: string }
  | { followsAuthor: string }
  | { followsTag: string }
  | { isMe: string }
  /** The member has an address to confirm (the value only has to be a valid one: "me"). */
  | { unconfirmed: string };

/** Ids, handles and slugs as they appear in paths; anything else is never true (and cannot break a mark). */
const VALUE = /^[\p{L}\p{N}_-]{1,200}$/u;

function factText(fact: Fact): string {
  const [kind, value] = Object.entries(fact)[0] as [string, string];
  return `${kind}=${VALUE.test(value) ? value : ""}`;
}

let next = 0;

/** The three marks around the two versions of one personal part: open, between (the else), close. */
export function marks(fact: Fact): { open: string; otherwise: string; close: string } {
  const id = ++next;
  return {
    open: `${PREFIX}if:${id}:${factText(fact)}-->`,
    otherwise: `${PREFIX}else:${id}-->`,
    close: `${PREFIX}end:${id}-->`,
  };
}

/** Where the unread-notifications badge goes, in `locale`. */
export const unreadMark = (locale: Locale): string => `${PREFIX}unread:${locale}-->`;

/** Where the member's e-mail address goes (the banner asking them to confirm it), in `locale`. */
export const addressMark = (locale: Locale): string => `${PREFIX}address:${locale}-->`;

/** Whether `html` holds any mark (a page rendered for a member does; a public one never). */
export const hasMarks = (html: string): boolean => html.includes(PREFIX);

export type Reader = { state: PersonalState; handle: string };

function holds(fact: string, reader: Reader): boolean {
  const eq = fact.indexOf("=");
  const kind = fact.slice(0, eq);
  const value = fact.slice(eq + 1);
  if (!value) return false;
  const { state, handle } = reader;
  switch (kind) {
    case "like":
      return state.likes.has(value);
    case "bookmark":
      return state.bookmarks.has(value);
    case "followsAuthor":
      return state.authors.has(value);
    case "followsTag":
      return state.tags.has(value);
    case "isMe":
      return value === handle;
    case "unconfirmed":
      return state.unconfirmed === true;
    default:
      return false;
  }
}

function badge(unread: number, locale: Locale): string {
  if (!unread) return "";
  const s = t(locale);
  return `<span class="badge" data-testid="unread-badge"><span aria-hidden="true">${unread}</span><span class="visually-hidden">${xml(s.unread(unread))}</span></span>`;
}

const n = NONCE;
/** One if/else/end group; the id ties each mark to its own group, so groups nest (inner ones are picked next pass). */
const GROUP = new RegExp(
  `<!--ink:${n}:if:(\\d+):([^>]*?)-->([\\s\\S]*?)<!--ink:${n}:else:\\1-->([\\s\\S]*?)<!--ink:${n}:end:\\1-->`,
  "g",
);
const UNREAD = new RegExp(`<!--ink:${n}:unread:([A-Za-z-]+)-->`, "g");
const ADDRESS = new RegExp(`<!--ink:${n}:address:([A-Za-z-]+)-->`, "g");

function address(email: string | undefined, locale: Locale): string {
  return email ? `<strong>${xml(email)}</strong>` : xml(t(locale).account.bannerYourAddress);
}

/** The shell made into `reader`'s page: each group replaced by the version their state calls for, the badge filled. */
export function personalize(shell: string, reader: Reader): string {
  let html = shell;
  for (let pass = 0; pass < 5 && html.includes(`${PREFIX}if:`); pass++)
    html = html.replace(GROUP, (_all, _id: string, fact: string, yes: string, no: string) =>
      holds(fact, reader) ? yes : no,
    );
  return html
    .replace(UNREAD, (_all, locale: string) => badge(reader.state.unread, asLocale(locale) ?? "en"))
    .replace(ADDRESS, (_all, locale: string) => address(reader.state.email, asLocale(locale) ?? "en"));
}
