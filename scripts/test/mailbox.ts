// Reading the mail the CMS sent, in tests: the run's mail catcher (MailDev, started by ./global-setup.ts) keeps every
// message sent to it over SMTP and lists them on its REST API. Test files share the catcher, so each reads only the
// mail of the addresses it made up.
import { testInfra } from "./services.ts";

export type Mail = {
  id: string;
  /** The addresses of the To header, in lower case. */
  to: string[];
  /** The address of the From header, in lower case (the sender's name is in `headers.from`). */
  from: string;
  subject: string;
  text: string;
  /** Empty when the mail has no HTML part. */
  html: string;
  /** Every header as sent, names in lower case, values unfolded and decoded (repeated headers joined by ", "). */
  headers: Record<string, string>;
  /** When the catcher received it, as an ISO 8601 string. */
  date: string;
};

export type Mailbox = {
  /** Every mail sent to `address` (case-insensitive), oldest first. */
  all(address: string): Promise<Mail[]>;
  /** The first mail to `address` matching `subject` (if given) that is not in `except` (ids), waiting up to timeoutMs (default 15000). */
  waitFor(address: string, options?: { subject?: RegExp; except?: string[]; timeoutMs?: number }): Promise<Mail>;
  /** Asserts no mail to `address` (matching subject) arrives within `ms` (default 1500); returns nothing. */
  none(address: string, options?: { subject?: RegExp; ms?: number }): Promise<void>;
};

/** A message as MailDev's GET /api/email/:id gives it (the parts used here). */
type Caught = {
  id: string;
  time?: string;
  subject?: string | null;
  from?: { address?: string }[];
  to?: { address?: string }[];
  cc?: { address?: string }[];
  /** The SMTP envelope's recipients: who it was really sent to, Cc and Bcc included. */
  envelope?: { to?: { address?: string }[] };
  text?: string | null;
  html?: string | false | null;
};

/** A page of MailDev's GET /api/email/summary. */
type Summaries = { items: { id: string }[]; total: number };

const POLL_MS = 200;
/** The most summaries MailDev gives in one page. */
const PAGE = 200;

// A message never changes once caught: each is read once per test file, whichever mailbox asks.
const read = new Map<string, Promise<{ caught: Caught; mail: Mail } | undefined>>();

/**
 * The mail caught by the MailDev at `webUrl` (default: the test run's). Each poll asks MailDev for the short
 * summaries of the mail that mentions the address (its search ignores case), then reads the new ones whole: the
 * message for its fields and recipients, its source for the headers (MailDev's `headers` leaves out every one its
 * parser turns into an object: List-Unsubscribe, From, To, Date…). Mail sent to the address only as Bcc is not found.
 */
export function mailbox(webUrl?: string): Mailbox {
  const base = (webUrl ?? testInfra().mailWebUrl).replace(/\/+$/, "");

  const get = async (path: string): Promise<Response | undefined> => {
    const response = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(10_000) });
    // Deleted since it was listed (someone emptied the catcher): gone, not an error.
    if (response.status === 404 && path.startsWith("/api/email/")) return undefined;
    if (!response.ok) throw new Error(`MailDev at ${base} answered ${response.status} to GET ${path}`);
    return response;
  };

  const readWhole = (id: string) => {
    const key = `${base} ${id}`;
    let whole = read.get(key);
    if (!whole) {
      const path = `/api/email/${encodeURIComponent(id)}`;
      whole = Promise.all([get(path), get(`${path}/source`)]).then(async ([message, source]) => {
        if (!message || !source) return undefined;
        const caught: unknown = await message.json();
        if (!isCaught(caught)) throw new Error(`MailDev at ${base} gave something unexpected for ${path}`);
        return { caught, mail: toMail(caught, parseHeaders(await source.text())) };
      });
      read.set(key, whole);
      // A failed read is tried again next time rather than remembered.
      whole.catch(() => read.delete(key));
    }
    return whole;
  };

  /** The mail to `address`, in the order it arrived. */
  const mailTo = async (address: string): Promise<Mail[]> => {
    const wanted = address.trim().toLowerCase();
    const ids: string[] = [];
    for (let skip = 0; ; ) {
      const query = new URLSearchParams({ search: wanted, sort: "asc", limit: String(PAGE), skip: String(skip) });
      const page = (await (await get(`/api/email/summary?${query}`))?.json()) as Summaries | undefined;
      if (!page || !Array.isArray(page.items))
        throw new Error(`MailDev at ${base} listed something unexpected: ${JSON.stringify(page).slice(0, 300)}`);
      ids.push(...page.items.map((item) => item.id));
      skip += page.items.length;
      if (page.items.length === 0 || skip >= page.total) break;
    }
    // The search also finds mail that only mentions the address (in its subject, text or sender).
    const found = await Promise.all(ids.map(readWhole));
    return found.flatMap((entry) => (entry && recipients(entry.caught).includes(wanted) ? [entry.mail] : []));
  };

  const matching = (mails: Mail[], subject: RegExp | undefined, except: readonly string[] = []) =>
    mails.filter((mail) => !except.includes(mail.id) && (!subject || subject.test(mail.subject)));

  const subjects = (mails: Mail[]) =>
    mails.length ? mails.map((mail) => JSON.stringify(mail.subject)).join(", ") : "none";

  return {
    all: mailTo,

    async waitFor(address, { subject, except, timeoutMs = 15_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const mails = await mailTo(address);
        const [first] = matching(mails, subject, except);
        if (first) return first;
        if (Date.now() >= deadline)
          throw new Error(
            `No mail to ${address}${subject ? ` with a subject matching ${subject}` : ""}` +
              `${except?.length ? ` (besides ${except.length} already seen)` : ""} within ${timeoutMs} ms. ` +
              `Mail to that address: ${subjects(mails)}.`,
          );
        await sleep(POLL_MS);
      }
    },

    // Mail already caught counts too: the request that should not have sent any has usually answered by now.
    async none(address, { subject, ms = 1500 } = {}) {
      const deadline = Date.now() + ms;
      for (;;) {
        const found = matching(await mailTo(address), subject);
        if (found.length)
          throw new Error(
            `Expected no mail to ${address}${subject ? ` with a subject matching ${subject}` : ""}, ` +
              `but it got ${subjects(found)}.`,
          );
        if (Date.now() >= deadline) return;
        await sleep(Math.min(POLL_MS, Math.max(deadline - Date.now(), 0)));
      }
    },
  };
}

function toMail(caught: Caught, headers: Record<string, string>): Mail {
  return {
    id: caught.id,
    to: addresses(caught.to),
    from: addresses(caught.from)[0] ?? "",
    subject: caught.subject ?? "",
    text: caught.text ?? "",
    html: typeof caught.html === "string" ? caught.html : "",
    headers,
    date: caught.time ?? "",
  };
}

/** The first absolute URL in the mail's text whose pathname matches `path`. Throws with the mail's text when none. */
export function linkIn(mail: Mail, path: RegExp): URL {
  for (const [candidate] of mail.text.matchAll(/https?:\/\/[^\s<>"'()[\]]+/g)) {
    // A link at the end of a sentence is followed by its full stop.
    const url = URL.parse(candidate.replace(/[.,;:!?]+$/, ""));
    if (url && path.test(url.pathname)) return url;
  }
  throw new Error(
    `No link whose path matches ${path} in the mail "${mail.subject}" to ${mail.to.join(", ")}:\n${mail.text}`,
  );
}

function isCaught(value: unknown): value is Caught {
  return typeof value === "object" && value !== null && typeof (value as { id?: unknown }).id === "string";
}

function addresses(list: { address?: string }[] | undefined): string[] {
  return (list ?? []).flatMap((entry) => (entry.address ? [entry.address.toLowerCase()] : []));
}

/** Everyone a message went to: its envelope, and its To and Cc in case a catcher left the envelope out. */
function recipients(mail: Caught): string[] {
  return [mail.envelope?.to, mail.to, mail.cc].flatMap(addresses);
}

/** The header section of a raw message (RFC 5322), unfolded, with encoded words (RFC 2047) decoded. */
export function parseHeaders(source: string): Record<string, string> {
  const section = source.split(/\r?\n\r?\n/, 1)[0] ?? "";
  const headers: Record<string, string> = {};
  for (const line of section.replace(/\r?\n(?=[ \t])/g, "").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = decodeWords(line.slice(colon + 1).trim());
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return headers;
}

/** `=?charset?B|Q?text?=` words decoded; the space between two such words is not part of the text. */
function decodeWords(value: string): string {
  return value.replace(
    /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=(?:\s+(?==\?[^?\s]+\?[BbQq]\?))?/g,
    (word, charset: string, encoding: string, text: string) => {
      const bytes =
        encoding.toUpperCase() === "B"
          ? Buffer.from(text, "base64")
          : Buffer.from(
              text
                .replace(/_/g, " ")
                .replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
              "latin1",
            );
      try {
        return new TextDecoder(charset.split("*")[0]).decode(bytes);
      } catch {
        // A charset this Node does not know: leave the word as it came.
        return word;
      }
    },
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
