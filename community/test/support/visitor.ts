/** A browser-less visitor of the community: keeps its cookies, sends forms the way a browser does. */

export type Reply = { status: number; headers: Headers; text: string; location: string | null };

export class Visitor {
  readonly #cookies: Map<string, string>;
  readonly base: string;
  /** Sent with every request (an X-Forwarded-For a trusted proxy would add, for example). */
  readonly headers: Record<string, string>;
  constructor(base: string, headers: Record<string, string> = {}, cookies = new Map<string, string>()) {
    this.base = base;
    this.headers = headers;
    this.#cookies = cookies;
  }

  /** The same browser — its headers and its cookies, live — asking `base` instead (another replica, say). */
  at(base: string): Visitor {
    return new Visitor(base, this.headers, this.#cookies);
  }

  get cookieNames(): string[] {
    return [...this.#cookies.keys()];
  }

  cookie(name: string): string | undefined {
    return this.#cookies.get(name);
  }

  /** Sets a cookie as if the server had (a copied cookie, a forged one). */
  setCookie(name: string, value: string): this {
    this.#cookies.set(name, value);
    return this;
  }

  /** Another visitor holding a copy of this one's cookies: a stolen or copied session, from `headers`. */
  copy(headers: Record<string, string> = this.headers): Visitor {
    const other = new Visitor(this.base, headers);
    for (const [name, value] of this.#cookies) other.setCookie(name, value);
    return other;
  }

  #remember(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /max-age=0\b/i.test(a) || /expires=.*1970/i.test(a));
      if (expired || value === "" || value === "deleted") this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  async #send(path: string, init: RequestInit & { headers?: Record<string, string> }): Promise<Reply> {
    const cookie = [...this.#cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const response = await fetch(new URL(path, this.base), {
      ...init,
      redirect: "manual",
      headers: { ...this.headers, ...(cookie ? { cookie } : {}), ...init.headers },
    });
    this.#remember(response);
    return {
      status: response.status,
      headers: response.headers,
      text: await response.text(),
      location: response.headers.get("location"),
    };
  }

  /** Any request, with this visitor's cookies and headers (raw bodies, streams, other methods). */
  request(path: string, init: RequestInit & { headers?: Record<string, string> }): Promise<Reply> {
    return this.#send(path, init);
  }

  /** A page, as a browser asks for it. */
  get(path: string, headers: Record<string, string> = {}): Promise<Reply> {
    return this.#send(path, { headers: { accept: "text/html", ...headers } });
  }

  /** A form post from one of our pages (same-origin Origin header) unless `origin` says otherwise. */
  post(
    path: string,
    fields: Record<string, string | string[]>,
    { origin = this.base as string | null, accept = "text/html", headers = {} as Record<string, string> } = {},
  ): Promise<Reply> {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(fields))
      for (const item of Array.isArray(value) ? value : [value]) body.append(name, item);
    return this.#send(path, {
      method: "POST",
      body,
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        accept,
        ...(origin ? { origin } : {}),
        ...headers,
      },
    });
  }

  /** Signs up as `name` (e-mail `<name>@example.test`) through the sign-up form; the session cookie is kept. */
  signUp(name: string, password: string): Promise<Reply> {
    return this.post("/api/auth/signup", { username: name, email: `${name}@example.test`, password, next: "/en/" });
  }

  /** Posts, then follows the 303 like a browser; returns the page it lands on. */
  async submit(path: string, fields: Record<string, string | string[]>): Promise<Reply> {
    const posted = await this.post(path, fields);
    if (posted.status !== 303 || !posted.location) return posted;
    return this.get(posted.location);
  }
}

/** The value of `<meta property|name=…>` in `html`. */
export function meta(html: string, key: string): string | undefined {
  const tag = html.match(new RegExp(`<meta (?:property|name)="${key}" content="([^"]*)"`));
  return tag?.[1]
    ?.replace(/&amp;/g, "&")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");
}

/** The first JSON-LD block of `html`, parsed. */
export function jsonLd(html: string): Record<string, unknown> | undefined {
  const block = html.match(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/);
  return block?.[1] ? (JSON.parse(block[1]) as Record<string, unknown>) : undefined;
}

let addresses = 0;

/** An address from 198.18.0.0/15 (set aside for tests), a new one at each call. */
export function nextTestAddress(): string {
  addresses++;
  return `198.18.${addresses >> 8}.${addresses & 255}`;
}

/** A visitor of `base` from an address of its own, as a trusted proxy reports it (rate limits count per address). */
export function addressedVisitor(base: string, address = nextTestAddress()): Visitor {
  return new Visitor(base, { "x-forwarded-for": address });
}
