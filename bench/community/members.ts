import { randomBytes } from "node:crypto";

/** A member signed up through the community's own form: the cookie header their browser would send. */
export type Member = { username: string; cookie: string; address: string };

/** What only a signed-in member's article page holds: the like button's form (anonymous pages link to sign-in). */
export const LIKE_FORM = 'data-testid="like"';
/** What every page holds for a signed-in member: the sign-out form in the header. */
export const SIGN_OUT_FORM = 'action="/api/auth/signout"';

const SESSION_COOKIE = "inkstone_session";

/**
 * The address a trusted proxy would report for the `index`-th member (10.77.0.1, 10.77.0.2, …): the community limits
 * sign-ups per client address, and believes X-Forwarded-For only from TRUSTED_PROXIES (the bench's 127.0.0.1).
 */
const addressOf = (index: number) => `10.77.${Math.floor(index / 250)}.${(index % 250) + 1}`;

/** Signs one member up with POST /api/auth/signup, as the sign-up page's form does (same Origin), answered as JSON. */
async function signUp(base: string, username: string, address: string): Promise<Member> {
  const response = await fetch(`${base}/api/auth/signup`, {
    method: "POST",
    redirect: "manual",
    headers: {
      origin: new URL(base).origin,
      accept: "application/json",
      "content-type": "application/x-www-form-urlencoded",
      "x-forwarded-for": address,
    },
    body: new URLSearchParams({
      username,
      email: `${username}@bench.example`,
      password: `Bench-${randomBytes(9).toString("base64url")}`,
      next: "/en/",
    }),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`signing ${username} up answered ${response.status}: ${text}`);
  const session = response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0] ?? "")
    .find((pair) => pair.startsWith(`${SESSION_COOKIE}=`));
  if (!session || session === `${SESSION_COOKIE}=`) throw new Error(`signing ${username} up set no ${SESSION_COOKIE}`);
  return { username, cookie: session, address };
}

/** Runs `work` over `items`, `concurrency` at a time, keeping their order. */
async function inTurn<T, R>(items: readonly T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let nextIndex = 0;
  const lane = async () => {
    while (nextIndex < items.length) {
      const index = nextIndex++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return results;
}

/** Signs up `count` members named `<prefix>-<n>`, each from its own address, a few at a time. */
export async function signUpMembers(base: string, prefix: string, count: number): Promise<Member[]> {
  const indexes = Array.from({ length: count }, (_, i) => i);
  const members = await inTurn(indexes, 4, (index) => signUp(base, `${prefix}-${index}`, addressOf(index)));
  if (new Set(members.map((member) => member.cookie)).size !== count)
    throw new Error("two members were given the same session cookie");
  return members;
}

/**
 * Fails loudly unless every member is really signed in: their settings page answers 200 (not a redirect to sign in),
 * and `articlePath` comes back rendered for them (the like form, no page-cache header), not the anonymous page.
 */
export async function assertSignedIn(base: string, members: readonly Member[], articlePath: string): Promise<void> {
  const anonymous = await fetch(`${base}${articlePath}`).then((response) => response.text());
  if (anonymous.includes(LIKE_FORM) || anonymous.includes(SIGN_OUT_FORM))
    throw new Error(`the anonymous ${articlePath} holds what only a member's should: no telling them apart`);
  await inTurn(members, 4, async (member) => {
    const headers = { cookie: member.cookie, accept: "text/html" };
    const settings = await fetch(`${base}/en/settings`, { headers, redirect: "manual" });
    await settings.arrayBuffer();
    if (settings.status !== 200)
      throw new Error(`${member.username} is not signed in: /en/settings answered ${settings.status}`);
    const article = await fetch(`${base}${articlePath}`, { headers, redirect: "manual" });
    const html = await article.text();
    const cache = article.headers.get("x-cache");
    if (article.status !== 200 || cache || !html.includes(LIKE_FORM) || !html.includes(SIGN_OUT_FORM))
      throw new Error(
        `${articlePath} did not come back rendered for ${member.username} (HTTP ${article.status}, x-cache ${cache ?? "none"}, like form ${html.includes(LIKE_FORM)})`,
      );
  });
}

/** The like button as a member who likes the article sees it, and as one who does not. */
const LIKED = /class="secondary on"[^>]*data-testid="like"/;
const NOT_LIKED = /class="secondary"[^>]*data-testid="like"/;

/**
 * Fails loudly unless pages carry each member's own state: `liker` likes the article at `articlePath` (through the
 * community's form endpoint), then their page must show it liked, and `other`'s page must show it not liked.
 */
export async function assertOwnState(base: string, liker: Member, other: Member, articlePath: string): Promise<void> {
  const pageFor = async (cookie: string) => {
    const response = await fetch(`${base}${articlePath}`, { headers: { cookie, accept: "text/html" } });
    return response.text();
  };
  const before = await pageFor(liker.cookie);
  const article = /<input type="hidden" name="article" value="([^"]+)"/.exec(before)?.[1];
  if (!article) throw new Error(`${articlePath} shows ${liker.username} no like form`);
  const liked = await fetch(`${base}/api/reactions`, {
    method: "POST",
    redirect: "manual",
    headers: {
      cookie: liker.cookie,
      origin: new URL(base).origin,
      accept: "application/json",
      "content-type": "application/x-www-form-urlencoded",
      "x-forwarded-for": liker.address,
    },
    body: new URLSearchParams({ article, kind: "like", active: "true", next: articlePath }),
  });
  if (liked.status !== 200) throw new Error(`${liker.username} could not like ${articlePath}: ${await liked.text()}`);
  await liked.arrayBuffer();
  // Whatever else the answer set (which change to wait for), sent back as a browser would.
  const cookies = [liker.cookie, ...liked.headers.getSetCookie().map((line) => line.split(";")[0] ?? "")];
  if (!LIKED.test(await pageFor(cookies.filter(Boolean).join("; "))))
    throw new Error(`${articlePath} does not show ${liker.username} the like they just gave`);
  const theirs = await pageFor(other.cookie);
  if (LIKED.test(theirs) || !NOT_LIKED.test(theirs))
    throw new Error(`${articlePath} shows ${other.username} a like that is ${liker.username}'s`);
}
