import type { Shot } from "./load.ts";
import { type Member, SIGN_OUT_FORM } from "./members.ts";

/** The pages a community visitor moves between, with how often each is asked for (out of the total weight). */
export type PageMix = { home: string; articles: readonly string[]; tag: string; search: string };

const WEIGHTS = { home: 25, article: 45, tag: 15, search: 15 } as const;
/** Of all requests, this share come from signed-in members; the rest are anonymous. */
export const SIGNED_IN_SHARE = 0.2;

/** A small fixed-seed generator (mulberry32): the same mix every round and every run, without a pattern to it. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The next request of a mixed community: a page drawn by WEIGHTS; anonymous, or (SIGNED_IN_SHARE of them) from the
 * next of `members` in turn, whose page must then show the sign-out form, so a signed-in request served as anonymous
 * counts as an error. Each request's kind is "<visitor>/<page>": anonymous or signed-in, and home, article, tag or
 * search.
 */
export function mixedRequests(pages: PageMix, members: readonly Member[], seed = 1): () => Shot {
  const random = seeded(seed);
  const total = WEIGHTS.home + WEIGHTS.article + WEIGHTS.tag + WEIGHTS.search;
  let articleTurn = 0;
  let memberTurn = 0;
  const page = (): [name: keyof typeof WEIGHTS, path: string] => {
    const draw = random() * total;
    if (draw < WEIGHTS.home) return ["home", pages.home];
    if (draw < WEIGHTS.home + WEIGHTS.article)
      return ["article", pages.articles[articleTurn++ % pages.articles.length] ?? pages.home];
    if (draw < WEIGHTS.home + WEIGHTS.article + WEIGHTS.tag) return ["tag", pages.tag];
    return ["search", pages.search];
  };
  return () => {
    const [name, path] = page();
    if (random() >= SIGNED_IN_SHARE || members.length === 0) return { path, kind: `anonymous/${name}` };
    const member = members[memberTurn++ % members.length] as Member;
    return { path, kind: `signed-in/${name}`, headers: { cookie: member.cookie }, mustContain: SIGN_OUT_FORM };
  };
}

/** Every member's requests in turn, for the same page: each request carries the next member's session cookie. */
export function rotatingMembers(path: string, members: readonly Member[], mustContain: string): () => Shot {
  let turn = 0;
  return () => {
    const member = members[turn++ % members.length] as Member;
    return { path, headers: { cookie: member.cookie }, mustContain };
  };
}

export const MIX_DESCRIPTION = `${Object.entries(WEIGHTS)
  .map(([name, weight]) => `${name} ${weight}%`)
  .join(", ")}; ${SIGNED_IN_SHARE * 100}% signed in`;
