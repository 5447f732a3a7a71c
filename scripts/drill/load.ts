// The drill's light load: visitors reading pages, members reading their pages, searching, commenting, liking,
// following and launching generation runs, through the community's proxy, for as long as the drill runs. Every answer
// is judged as it comes (honest or not) and every write that was answered is kept in a ledger, checked at the end.
import { type Reply, Visitor } from "../../community/test/support/visitor.ts";

/** What one request of the load was. */
export type Kind = "page" | "member page" | "search" | "comment" | "comment form" | "like" | "follow" | "run";

export type Outcome = {
  kind: Kind;
  at: number;
  /** The HTTP status, or "error" when no answer came (a connection refused or reset). */
  status: number | "error";
  /** Why the answer misled its caller; absent for an honest one. */
  lie?: string;
};

/** A write the load asked for, and what it was told. */
export type Write = {
  kind: "comment" | "like" | "follow" | "run";
  /** The comment's token, `<member>:<article>` for a like, `<member>:<author>` for a follow, the run id. */
  key: string;
  /** Told it was done (true), told it was not (false), or no answer (undefined: either is right). */
  done: boolean | undefined;
};

export type Member = { name: string; visitor: Visitor };

export type Target = {
  /** The community as the public reaches it. */
  base: string;
  members: Member[];
  /** Paths of published articles (`/en/a/<slug>`) with their document ids. */
  articles: { path: string; documentId: string }[];
  /** Author handles the members may follow. */
  authors: string[];
  /** The source URL generation runs read. */
  source: string;
};

const JSON_ACCEPT = { accept: "application/json" };
const READ_EVERY_MS = 150;
const WRITE_EVERY_MS = 2500;
const RUN_EVERY_MS = 35_000;

/** An answer to a read is honest when it is the page (200, 304) or says the service is unavailable (503 + Retry-After). */
function judgeRead(status: number, headers: Headers | undefined): string | undefined {
  if (status === 200 || status === 304) return undefined;
  if (status === 503) return headers?.get("retry-after") ? undefined : "503 without Retry-After";
  return `answered ${status}`;
}

/**
 * An answer to a write from a signed-in member with valid input: done (2xx), not done because something is down
 * (503 + Retry-After), or a limit (429). Anything else — 401 to a member who is signed in, 500, 502 — misleads.
 */
function judgeWrite(status: number, headers: Headers | undefined): { done?: boolean; lie?: string } {
  if (status >= 200 && status < 300) return { done: true };
  if (status === 503)
    return headers?.get("retry-after") ? { done: false } : { done: false, lie: "503 without Retry-After" };
  if (status === 429) return { done: false };
  return { done: false, lie: `answered ${status}` };
}

export class Load {
  readonly outcomes: Outcome[] = [];
  readonly writes: Write[] = [];
  #running = false;
  #loops: Promise<void>[] = [];
  #serial = 0;
  #writes = 0;
  #likeNext = 0;
  #followNext = 0;

  readonly target: Target;
  constructor(target: Target) {
    this.target = target;
  }

  start(): void {
    this.#running = true;
    const anonymous = new Visitor(this.target.base);
    this.#loops = [
      this.#every(READ_EVERY_MS, () => this.#readPage(anonymous)),
      this.#every(READ_EVERY_MS * 2, () => this.#memberPage()),
      this.#every(READ_EVERY_MS * 4, () => this.#search(anonymous)),
      this.#every(WRITE_EVERY_MS, () => this.#write()),
      this.#every(RUN_EVERY_MS, () => this.launchRun()),
    ];
  }

  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#loops);
  }

  /** The outcomes of requests made in [from, to). */
  between(from: number, to: number): Outcome[] {
    return this.outcomes.filter((o) => o.at >= from && o.at < to);
  }

  async #every(ms: number, step: () => Promise<unknown>): Promise<void> {
    while (this.#running) {
      const started = Date.now();
      await step();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, ms - (Date.now() - started))));
    }
  }

  #member(): Member {
    const { members } = this.target;
    return members[this.#serial++ % members.length] as Member;
  }

  #article(): { path: string; documentId: string } {
    const { articles } = this.target;
    return articles[Math.floor(Math.random() * articles.length)] as { path: string; documentId: string };
  }

  /** Sends one request; a connection that fails is an outcome too ("error"), never an exception. */
  async #record(
    kind: Kind,
    send: () => Promise<Reply>,
    judge: (status: number, headers: Headers, reply: Reply) => string | undefined,
  ): Promise<Reply | undefined> {
    const at = Date.now();
    try {
      const reply = await send();
      const lie = judge(reply.status, reply.headers, reply);
      this.outcomes.push({ kind, at, status: reply.status, ...(lie ? { lie } : {}) });
      return reply;
    } catch (error) {
      this.outcomes.push({ kind, at, status: "error", lie: `no answer: ${(error as Error).message}` });
      return undefined;
    }
  }

  #readPage(visitor: Visitor): Promise<unknown> {
    const pages = ["/en/", "/zh-CN/", "/en/top", this.#article().path];
    const path = pages[Math.floor(Math.random() * pages.length)] as string;
    return this.#record("page", () => visitor.get(path), judgeRead);
  }

  /** A signed-in page must still know its member: a sign-in form instead is a lie (the session was not ended). */
  #memberPage(): Promise<unknown> {
    const { name, visitor } = this.#member();
    return this.#record(
      "member page",
      () => visitor.get(Math.random() < 0.5 ? "/en/" : this.#article().path),
      // Served, the page must still know its member: shown signed out, the session was lost.
      (status, headers, reply) =>
        judgeRead(status, headers) ??
        (status === 200 && !reply.text.includes('action="/api/auth/signout"')
          ? `showed ${name} a signed-out page`
          : undefined),
    );
  }

  #search(visitor: Visitor): Promise<unknown> {
    const words = ["tide", "citations", "写作", "energy", "sources"];
    const q = words[Math.floor(Math.random() * words.length)] as string;
    return this.#record("search", () => visitor.get(`/en/search?q=${encodeURIComponent(q)}`), judgeRead);
  }

  /** One member write, in turn: a comment by script, a comment by form, a like, a follow. */
  async #write(): Promise<void> {
    const turn = this.#writes++ % 4;
    const member = this.#member();
    if (turn === 0) await this.#comment(member, "json");
    else if (turn === 1) await this.#comment(member, "form");
    else if (turn === 2) await this.#like(member);
    else await this.#follow(member);
  }

  async #comment(member: Member, how: "json" | "form"): Promise<void> {
    const article = this.#article();
    const token = `drill-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const fields = { article: article.documentId, locale: "en", body: `Noted ${token}.`, next: article.path };
    const write: Write = { kind: "comment", key: token, done: undefined };
    this.writes.push(write);
    if (how === "json") {
      const reply = await this.#record(
        "comment",
        () => member.visitor.post("/api/comments", fields, JSON_ACCEPT),
        (status, headers) => judgeWrite(status, headers).lie,
      );
      if (reply) write.done = judgeWrite(reply.status, reply.headers).done;
      return;
    }
    // A browser's form: success goes to the new comment; failure goes back to the page with what was typed, or, when
    // that cannot be shown, answers 503 with what was typed on the refusal page itself.
    const reply = await this.#record(
      "comment form",
      () => member.visitor.post("/api/comments", fields),
      (status, headers, answer) => {
        if (status === 303 && headers.get("location")) return undefined;
        if (status !== 503) return `answered ${status}`;
        return judgeRead(status, headers) ?? (answer.text.includes(token) ? undefined : "503 lost what was typed");
      },
    );
    if (!reply) return;
    if (reply.status === 503) {
      write.done = false;
      return;
    }
    if (!reply.location) return;
    if (reply.location.includes("#comment-")) {
      write.done = true;
      return;
    }
    write.done = false;
    await this.#record(
      "page",
      () => member.visitor.get(reply.location as string),
      (status, headers, answer) =>
        judgeRead(status, headers) ??
        (answer.text.includes(token) ? undefined : `the page after a refused comment lost what ${member.name} typed`),
    );
  }

  async #like(member: Member): Promise<void> {
    const { articles } = this.target;
    // Each like is a new (member, article) pair, so the count it must leave behind is known.
    const article = articles[this.#likeNext++ % articles.length] as { documentId: string };
    const write: Write = { kind: "like", key: `${member.name}:${article.documentId}`, done: undefined };
    if (this.writes.some((w) => w.kind === "like" && w.key === write.key)) return;
    this.writes.push(write);
    const fields = { article: article.documentId, kind: "like", active: "true" };
    const reply = await this.#record(
      "like",
      () => member.visitor.post("/api/reactions", fields, JSON_ACCEPT),
      (status, headers) => judgeWrite(status, headers).lie,
    );
    if (reply) write.done = judgeWrite(reply.status, reply.headers).done;
  }

  async #follow(member: Member): Promise<void> {
    const { authors } = this.target;
    const author = authors[this.#followNext++ % authors.length] as string;
    const write: Write = { kind: "follow", key: `${member.name}:${author}`, done: undefined };
    // Following is idempotent: the ledger keeps the pair once, done if any answer said so.
    const known = this.writes.find((w) => w.kind === "follow" && w.key === write.key);
    const fields = { targetType: "author", target: author, active: "true" };
    const reply = await this.#record(
      "follow",
      () => member.visitor.post("/api/follows", fields, JSON_ACCEPT),
      (status, headers) => judgeWrite(status, headers).lie,
    );
    const done = reply ? judgeWrite(reply.status, reply.headers).done : undefined;
    if (known) known.done = known.done || done;
    else this.writes.push({ ...write, done });
  }

  /** Launches one generation run as the next member; returns its id when it was accepted. */
  async launchRun(source = this.target.source): Promise<string | undefined> {
    const member = this.#member();
    const fields = {
      topic: "Tidal power",
      targetLength: "600",
      language: "en",
      urls: source,
      next: "/en/write",
    };
    const reply = await this.#record(
      "run",
      () => member.visitor.post("/api/generation", fields, JSON_ACCEPT),
      (status, headers) => judgeWrite(status, headers).lie,
    );
    if (!reply) return undefined;
    const { done } = judgeWrite(reply.status, reply.headers);
    if (!done) return undefined;
    const runId = (JSON.parse(reply.text) as { data?: { runId?: string } }).data?.runId;
    if (runId) this.writes.push({ kind: "run", key: runId, done: true });
    return runId;
  }
}
