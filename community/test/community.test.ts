import { randomUUID } from "node:crypto";
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { webhookHeaders } from "@inkstone/config/webhook";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CmsApi, cmsApi } from "../../cms/test/cms-api.ts";
import type { StackEnv } from "../../scripts/stack/apps.ts";
import { startTestApps } from "../../scripts/test/services.ts";
import { citedBody, editorTaxonomy, type Published, publishArticle, publishBilingual } from "./support/content.ts";
import { jsonLd, meta, Visitor } from "./support/visitor.ts";

// The community against a real CMS (its own database), as processes started the way `npm start` starts them.
let env: StackEnv;
let base: string;
let api: CmsApi;
let db: pg.Client;
let author: Awaited<ReturnType<CmsApi["signUp"]>>;
let article: Published;
let related: Published;
/** A member signed in through the community, shared by the tests below (Strapi allows only a few sign-ins per IP). */
let commenter: Visitor;

beforeAll(async () => {
  ({ env } = await startTestApps(["cms", "community"]));
  base = String(env.COMMUNITY_URL);
  api = cmsApi(env);
  db = new pg.Client({ connectionString: String(env.DATABASE_URL) });
  await db.connect();
  author = await api.signUp("ada-writer");
  article = await publishArticle(api, author.user.documentId, "run-page", {
    title: "Citations keep drafts honest",
    summary: "Why every claim points at what was read.",
    ...citedBody,
  });
  related = await publishArticle(api, author.user.documentId, "run-related", { title: "Notes before prose" });
});
afterAll(async () => {
  await db?.end();
});

describe("the article page", () => {
  it("renders canonical, Open Graph, Twitter card, JSON-LD, reading time, numbered sources and related articles", async () => {
    const reader = new Visitor(base);
    const path = `/en/a/${article.slug}`;
    const page = await reader.get(path);
    expect(page.status).toBe(200);
    const html = page.text;
    expect(html).toContain('<html lang="en"');
    expect(html).toContain(`<link rel="canonical" href="${base}${path}">`);
    expect(meta(html, "og:type")).toBe("article");
    expect(meta(html, "og:title")).toBe("Citations keep drafts honest");
    expect(meta(html, "og:url")).toBe(`${base}${path}`);
    expect(meta(html, "og:description")).toBe("Why every claim points at what was read.");
    expect(meta(html, "twitter:card")).toBe("summary_large_image");
    expect(meta(html, "article:published_time")).toBeTruthy();
    const ld = jsonLd(html);
    expect(ld).toMatchObject({
      "@type": "Article",
      headline: "Citations keep drafts honest",
      inLanguage: "en",
      author: { "@type": "Person", name: "ada-writer" },
      mainEntityOfPage: { "@id": `${base}${path}` },
    });
    expect(ld?.citation).toHaveLength(2);
    expect(html).toMatch(/data-testid="reading-time">\d+ min read</);
    // Citations link to numbered sources, and the sources link back to the first citation.
    expect(html).toContain('<a href="#source-1" id="cite-1">[1]</a>');
    expect(html).toContain('<a href="#source-2" id="cite-2">[2]</a>');
    expect(html).toMatch(/<li id="source-1">\s*<a href="https:\/\/example.org\/first"/);
    expect(html).toContain('href="#cite-2"');
    expect(html).toContain(`href="/en/a/${related.slug}"`);
    expect(html).toContain(`href="/en/authors/ada-writer"`);
  });

  it("is cached for anonymous readers, with CDN headers", async () => {
    const reader = new Visitor(base);
    const path = `/en/a/${related.slug}`;
    const first = await reader.get(path);
    const second = await reader.get(path);
    expect([first.headers.get("x-cache"), second.headers.get("x-cache")]).toEqual(["MISS", "HIT"]);
    expect(second.headers.get("cache-control")).toMatch(/^public, max-age=0, s-maxage=\d+, stale-while-revalidate=\d+/);
    expect(second.headers.get("vary")).toBe("Cookie, Accept-Encoding");
    expect(second.text).toBe(first.text);
  });

  it("answers 404 in the address's language for an unknown slug, path tricks included", async () => {
    const reader = new Visitor(base);
    for (const path of ["/en/a/no-such-article", "/en/a/..%2F..%2Fetc%2Fpasswd", "/en/a/%3Cscript%3E", "/fr/"]) {
      const page = await reader.get(path);
      expect(page.status, path).toBe(404);
      expect(page.headers.get("cache-control"), path).toBe("private, no-store");
    }
    expect((await reader.get("/en/a/no-such-article")).text).toContain("Page not found");
    expect((await reader.get("/zh-CN/a/no-such-article")).text).toContain("页面不存在");
  });
});

describe("site-wide pages", () => {
  it("sends / to a language, and serves both with a language switch", async () => {
    const reader = new Visitor(base);
    expect((await reader.get("/", { "accept-language": "en-US,en;q=0.9" })).location).toBe("/en/");
    expect((await reader.get("/", { "accept-language": "zh-CN,zh;q=0.9,en;q=0.5" })).location).toBe("/zh-CN/");
    const zh = await reader.get("/zh-CN/");
    expect(zh.text).toContain('<html lang="zh-CN"');
    expect(zh.text).toContain('href="/en/" hreflang="en"');
    expect(zh.text).toContain("最新文章");
    const en = await reader.get("/en/top");
    expect(en.text).toContain("Most liked");
    expect(en.text).toContain(`/en/a/${article.slug}`);
  });

  it("lists articles on tag and author pages, and in the RSS feed", async () => {
    const reader = new Visitor(base);
    const tagSlug = (await api.call("GET", `/api/articles/${article.documentId}?locale=en`)).body.data.tags[0].slug;
    for (const path of [`/en/tags/${tagSlug}`, "/en/authors/ada-writer", "/en/rss.xml"]) {
      const page = await reader.get(path);
      expect(page.status, path).toBe(200);
      expect(page.text, path).toContain(`/en/a/${article.slug}`);
    }
    const rss = await reader.get("/en/rss.xml");
    expect(rss.headers.get("content-type")).toContain("application/rss+xml");
    expect(rss.text).toContain("<title>Citations keep drafts honest</title>");
  });

  it("publishes a sitemap with hreflang alternates and a robots.txt that points at it", async () => {
    const reader = new Visitor(base);
    const sitemap = await reader.get("/sitemap.xml");
    expect(sitemap.status).toBe(200);
    expect(sitemap.text).toContain(`<loc>${base}/en/a/${article.slug}</loc>`);
    expect(sitemap.text).toContain(`<xhtml:link rel="alternate" hreflang="zh-CN" href="${base}/zh-CN/"/>`);
    const robots = await reader.get("/robots.txt");
    expect(robots.text).toContain(`Sitemap: ${base}/sitemap.xml`);
    expect(robots.text).toContain("Disallow: /api/");
  });
});

describe("search", () => {
  it("finds articles by a word from the body, with highlighted snippets, facets with counts, filters and sort", async () => {
    const reader = new Visitor(base);
    // The CMS indexes published articles through its outbox; wait until this one is searchable.
    await expect
      .poll(async () => (await reader.get("/en/search?q=notes")).text, { timeout: 20_000 })
      .toContain(`/en/a/${article.slug}`);
    const page = await reader.get("/en/search?q=notes");
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("private, no-store");
    expect(page.text).not.toContain('data-testid="search-degraded"');
    expect(page.text).toMatch(/<mark>notes<\/mark>/i);
    const tagSlug = (await api.call("GET", `/api/articles/${article.documentId}?locale=en`)).body.data.tags[0].slug;
    expect(page.text).toContain(`data-facet="tags:${tagSlug}"`);
    expect(page.text).toMatch(/data-facet="language:en"[^>]*>\s*English\s*<\/a>\s*<span class="meta">\(\d+\)<\/span>/);
    // Facet links add a filter (and keep the query); the author filter narrows to ada-writer's articles.
    const filtered = await reader.get(`/en/search?q=notes&author=ada-writer&sort=newest`);
    expect(filtered.text).toContain(`/en/a/${article.slug}`);
    expect(filtered.text).toContain('aria-current="true" data-facet="author:ada-writer"');
    const nobody = await reader.get("/en/search?q=notes&author=nobody-at-all");
    expect(nobody.text).toContain("Nothing matches “notes”.");
  });

  it("answers 400 with the reason for invalid parameters, and keeps a hostile query inert", async () => {
    const reader = new Visitor(base);
    const invalid = await reader.get("/en/search?q=x&sort=sideways&page=0");
    expect(invalid.status).toBe(400);
    expect(invalid.text).toContain("This search cannot be run:");
    expect(invalid.text).toContain("sort:");
    const hostile = await reader.get("/en/search?q=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E&author=%22%20OR%20x%3D1");
    expect(hostile.status).toBe(200);
    // Inside quoted attributes the quote is escaped, so the rest is inert text; nowhere else does it appear raw.
    expect(hostile.text.replace(/&(?:#34|quot);><script>alert\(1\)<\/script>"/g, "")).not.toContain("<script>alert(1)");
    expect(hostile.text).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });
});

describe("tags and categories in the page's language", () => {
  let slugs: { en: string; zh: string };
  beforeAll(async () => {
    const tag = await editorTaxonomy(api, "tag", "okapi-lore", { en: "Okapi lore", "zh-CN": "霍加狓知识" });
    const category = await editorTaxonomy(api, "category", "field-notes", { en: "Field notes", "zh-CN": "野外笔记" });
    slugs = await publishBilingual(api, author.user.documentId, "run-okapi", { tag, category, zhTitle: "霍加狓普查" });
  });

  it("names the article's chips and category in the page's language", async () => {
    const reader = new Visitor(base);
    const en = await reader.get(`/en/a/${slugs.en}`);
    expect(en.text).toMatch(/href="\/en\/tags\/okapi-lore"[^>]*>Okapi lore</);
    expect(en.text).toMatch(/href="\/en\/categories\/field-notes"[^>]*>Field notes</);
    expect(en.text).not.toContain("霍加狓知识");
    const zh = await reader.get(`/zh-CN/a/${slugs.zh}`);
    expect(zh.text).toMatch(/href="\/zh-CN\/tags\/okapi-lore"[^>]*>霍加狓知识</);
    expect(zh.text).toMatch(/href="\/zh-CN\/categories\/field-notes"[^>]*>野外笔记</);
    expect(zh.text).not.toContain("Okapi lore");
  });

  it("titles the tag and category pages in the page's language, under one slug", async () => {
    const reader = new Visitor(base);
    const en = await reader.get("/en/tags/okapi-lore");
    expect(en.status).toBe(200);
    expect(en.text).toMatch(/<h1>[^<]*Okapi lore[^<]*<\/h1>/);
    expect(en.text).toContain(`/en/a/${slugs.en}`);
    const zh = await reader.get("/zh-CN/tags/okapi-lore");
    expect(zh.text).toMatch(/<h1>[^<]*霍加狓知识[^<]*<\/h1>/);
    expect(zh.text).toContain(`/zh-CN/a/${slugs.zh}`);
    expect((await reader.get("/en/categories/field-notes")).text).toMatch(/<h1>[^<]*Field notes[^<]*<\/h1>/);
    expect((await reader.get("/zh-CN/categories/field-notes")).text).toMatch(/<h1>[^<]*野外笔记[^<]*<\/h1>/);
  });

  it("labels the search facets in the page's language, whichever language the articles are in", async () => {
    const reader = new Visitor(base);
    const facet = (text: string) =>
      /data-facet="tags:okapi-lore"[^>]*>\s*(?:✓\s*)?([^<]*?)\s*<\/a>\s*<span class="meta">\((\d+)\)/.exec(text);
    await expect
      .poll(async () => facet((await reader.get("/en/search?tags=okapi-lore")).text)?.[2], { timeout: 20_000 })
      .toBe("2");
    // The index and the search's result cache take a moment to show the newly published articles.
    await expect
      .poll(async () => facet((await reader.get("/en/search?tags=okapi-lore")).text)?.[1], { timeout: 20_000 })
      .toBe("Okapi lore");
    // The Chinese hit's chips lead to English tag pages, so they are named in English too.
    await expect
      .poll(
        async () => {
          const en = (await reader.get("/en/search?tags=okapi-lore")).text;
          return en.includes("霍加狓普查") && !en.includes("霍加狓知识");
        },
        { timeout: 20_000 },
      )
      .toBe(true);
    await expect
      .poll(async () => facet((await reader.get("/zh-CN/search?tags=okapi-lore")).text)?.[1], { timeout: 20_000 })
      .toBe("霍加狓知识");
    const category = await reader.get("/zh-CN/search?category=field-notes");
    expect(category.text).toMatch(/data-facet="category:field-notes"[^>]*>\s*✓\s*野外笔记\s*<\/a>/);
  });
});

describe("comments through the community, as a member", () => {
  it("posts, replies, edits and deletes, with each change on the page at once", async () => {
    const member = new Visitor(base);
    commenter = member;
    const joined = await member.post("/api/auth/signup", {
      username: "commenter",
      email: "commenter@example.test",
      password: "Passw0rd-long",
      next: "/en/",
    });
    expect(joined.status, joined.text).toBe(303);
    expect(member.cookieNames).toContain("inkstone_session");
    const path = `/en/a/${article.slug}`;

    const posted = await member.post("/api/comments", {
      article: article.documentId,
      locale: "en",
      body: "Great point about **sources**.",
      next: path,
    });
    expect(posted.status).toBe(303);
    const commentId = posted.location?.match(/#comment-([a-z0-9]+)$/)?.[1] ?? "";
    expect(commentId).toBeTruthy();
    let page = await member.get(path);
    expect(page.headers.get("cache-control")).toBe("private, no-store");
    expect(page.text).toContain("Your comment is up.");
    expect(page.text).toContain("Great point about <strong>sources</strong>.");

    const replied = await member.post("/api/comments", {
      article: article.documentId,
      locale: "en",
      parent: commentId,
      body: "Replying to myself.",
      next: path,
    });
    const replyId = replied.location?.match(/#comment-([a-z0-9]+)$/)?.[1] ?? "";
    page = await member.get(path);
    // The reply sits in a list inside its parent's item.
    const parentItem = page.text.slice(page.text.indexOf(`id="comment-${commentId}"`));
    expect(parentItem.indexOf(`id="comment-${replyId}"`)).toBeGreaterThan(0);
    expect(parentItem.indexOf(`id="comment-${replyId}"`)).toBeLessThan(parentItem.indexOf("</ol>"));

    const edited = await member.post(`/api/comments/${commentId}/edit`, {
      body: "Edited: sources matter.",
      next: path,
    });
    expect(edited.status).toBe(303);
    page = await member.get(path);
    expect(page.text).toContain("Edited: sources matter.");
    expect(page.text).toMatch(/· edited/);

    expect((await member.post(`/api/comments/${commentId}/delete`, { next: path })).status).toBe(303);
    page = await member.get(path);
    expect(page.text).not.toContain("Edited: sources matter.");
    expect(page.text).toContain("This comment was deleted.");
    expect(page.text).toContain("Replying to myself.");

    const thread = await api.call("GET", `/api/comments?article=${article.documentId}&locale=en`);
    expect(thread.body.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: commentId, visibility: "deleted" }),
        expect.objectContaining({ id: replyId, parent: commentId, body: "Replying to myself." }),
      ]),
    );
    // The anonymous page was refreshed by the CMS's webhook: it shows the reply, not the deleted text.
    await expect
      .poll(async () => (await new Visitor(base).get(path)).text, { timeout: 10_000 })
      .toContain("Replying to myself.");
  });

  it("answers scripts with JSON: field messages for a bad comment, 401 when signed out", async () => {
    const member = commenter;
    const empty = await member.post(
      "/api/comments",
      { article: article.documentId, locale: "en", body: "  ", next: "/en/" },
      { accept: "application/json" },
    );
    expect(empty.status).toBe(400);
    expect(JSON.parse(empty.text)).toMatchObject({ error: { code: "invalid", fields: { body: expect.any(String) } } });
    const anonymous = await new Visitor(base).post(
      "/api/comments",
      { article: article.documentId, locale: "en", body: "hi" },
      { accept: "application/json" },
    );
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.text).error.code).toBe("unauthorized");
  });

  it("lets members report others' comments, and drops a comment an editor hides", async () => {
    const path = `/en/a/${article.slug}`;
    const rude = await api.call("POST", "/api/comments", {
      token: author.jwt,
      body: { data: { article: article.documentId, locale: "en", body: "A rude remark." } },
    });
    expect(rude.status).toBe(201);
    const id = rude.body.data.id as string;
    await expect
      .poll(async () => (await new Visitor(base).get(path)).text, { timeout: 10_000 })
      .toContain("A rude remark.");
    const page = await commenter.get(path);
    expect(page.text).toContain(`action="/api/comments/${id}/report"`);
    const reported = await commenter.submit(`/api/comments/${id}/report`, { next: `${path}#comment-${id}` });
    expect(reported.text).toContain("Thank you — an editor will look at it.");
    const reports = await db.query("SELECT reports_count FROM comments WHERE document_id = $1", [id]);
    expect(reports.rows[0].reports_count).toBe(1);

    const hidden = await api.admin("PUT", `/content-manager/collection-types/api::comment.comment/${id}`, {
      visibility: "hidden",
    });
    expect(hidden.status).toBe(200);
    await expect
      .poll(async () => (await new Visitor(base).get(path)).text, { timeout: 10_000 })
      .not.toContain("A rude remark.");
  });
});

describe("member forms", () => {
  it("save the profile, and keep the header's name in step", async () => {
    const member = commenter;
    const bad = await member.submit("/api/profile", {
      displayName: "",
      bio: "x",
      "links.0.label": "Site",
      "links.0.url": "javascript:alert(1)",
      next: "/en/settings",
    });
    expect(bad.text).toContain("Please fix the fields marked below.");
    expect(bad.text).toMatch(/id="profile-links\.0\.url-error"/);
    expect(bad.text).toContain('aria-invalid="true"');
    const saved = await member.submit("/api/profile", {
      displayName: "Commenter Prime",
      bio: "I read with sources.",
      "links.0.label": "Site",
      "links.0.url": "https://commenter.example",
      next: "/en/settings",
    });
    expect(saved.text).toContain("Profile saved.");
    expect(saved.text).toContain('value="Commenter Prime"');
    const profile = await new Visitor(base).get("/en/authors/commenter");
    expect(profile.text).toContain("Commenter Prime");
    expect(profile.text).toContain('href="https://commenter.example" rel="nofollow ugc noopener me"');
  });

  it("check the generation form field by field, and start a valid request once however often it is sent", async () => {
    const member = commenter;
    const bad = await member.submit("/api/generation", {
      topic: "",
      urls: "https://ok.example/a\nftp://nope.example/b",
      targetLength: "50",
      model: "bad model!",
      next: "/en/write",
    });
    expect(bad.text).toContain("Enter a topic.");
    expect(bad.text).toContain("“ftp://nope.example/b” is not an http or https URL.");
    expect(bad.text).toContain("Choose a length between 300 and 6,000 words.");
    expect(bad.text).toContain("Not a model name");
    expect(bad.text).toContain("https://ok.example/a");
    const asScript = await member.post(
      "/api/generation",
      { topic: "Tea in Yunnan", targetLength: "1200", next: "/en/write" },
      { accept: "application/json" },
    );
    // No worker runs in this file: the run is accepted and waits in the queue.
    expect(asScript.status, asScript.text).toBe(200);
    const { runId } = JSON.parse(asScript.text).data;
    expect(runId).toMatch(/^[A-Za-z0-9:_.-]+$/);
    const again = await member.post(
      "/api/generation",
      { topic: "Tea in Yunnan", targetLength: "1200", next: "/en/write" },
      { accept: "application/json" },
    );
    expect(JSON.parse(again.text).data.runId).toBe(runId);
    const page = await member.get(`/en/runs/${encodeURIComponent(runId)}`);
    expect(page.text).toContain("Queued");
  });
});

describe("CSRF", () => {
  it("refuses a POST without a same-origin Origin or Referer with 403 and a message, and changes nothing", async () => {
    const member = commenter;
    const before = (await api.call("GET", `/api/comments?article=${article.documentId}&locale=en`)).body.data.length;
    const fields = { article: article.documentId, locale: "en", body: "Forged", next: "/en/" };
    const none = await member.post("/api/comments", fields, { origin: null });
    expect(none.status).toBe(403);
    expect(none.text).toContain("did not say which site it came from");
    const evil = await member.post("/api/comments", fields, {
      origin: "https://evil.example",
      accept: "application/json",
    });
    expect(evil.status).toBe(403);
    expect(JSON.parse(evil.text)).toEqual({
      error: { code: "cross_origin", message: "Requests from https://evil.example cannot change anything here." },
    });
    const badReferer = await member.post(
      "/api/auth/signout",
      { next: "/en/" },
      { origin: null, headers: { referer: "https://evil.example/" } },
    );
    expect(badReferer.status).toBe(403);
    expect(member.cookieNames).toContain("inkstone_session");
    const after = (await api.call("GET", `/api/comments?article=${article.documentId}&locale=en`)).body.data.length;
    expect(after).toBe(before);
    // A same-origin Referer alone (a browser that leaves Origin out) is accepted.
    const viaReferer = await member.post(
      "/api/auth/signout",
      { next: "/en/" },
      { origin: null, headers: { referer: `${base}/en/` } },
    );
    expect(viaReferer.status).toBe(303);
  });
});

describe("personal pages", () => {
  const personal = [
    "/en/following",
    "/en/bookmarks",
    "/en/notifications",
    "/en/settings",
    "/en/write",
    "/zh-CN/bookmarks",
  ];

  it("send signed-out visitors to sign in (and back), never cached", async () => {
    const visitor = new Visitor(base);
    for (const path of personal) {
      const page = await visitor.get(path);
      expect(page.status, path).toBe(303);
      expect(page.location, path).toBe(`/${path.split("/")[1]}/signin?next=${encodeURIComponent(path)}`);
      expect(page.headers.get("cache-control"), path).toBe("private, no-store");
    }
  });

  it("show members their own pages, private and uncached, and nothing once signed out", async () => {
    const member = new Visitor(base);
    const signedIn = await member.post("/api/auth/signin", {
      identifier: "commenter",
      password: "Passw0rd-long",
      next: "/en/bookmarks",
    });
    expect(signedIn.location).toBe("/en/bookmarks");
    for (const path of personal) {
      const page = await member.get(path);
      expect(page.status, path).toBe(200);
      expect(page.headers.get("cache-control"), path).toBe("private, no-store");
    }
    // Public pages are rendered for the member too, and not cached either.
    const articlePage = await member.get(`/en/a/${article.slug}`);
    expect(articlePage.headers.get("cache-control")).toBe("private, no-store");
    expect(articlePage.headers.get("x-cache")).toBeNull();
    // The JWT never reaches the browser: not in the page, not in a readable cookie.
    const session = (await member.get("/en/settings")).text;
    expect(session).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    await member.post("/api/auth/signout", { next: "/en/" });
    expect(member.cookieNames).not.toContain("inkstone_session");
    for (const path of personal) expect((await member.get(path)).status, path).toBe(303);
  });

  it("set the session cookie httpOnly and SameSite=Lax", async () => {
    const response = await fetch(`${base}/api/auth/signup`, {
      method: "POST",
      redirect: "manual",
      headers: { origin: base, accept: "text/html", "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        username: "cookie-checker",
        email: "cookie-checker@example.test",
        password: "Passw0rd-long",
        next: "/en/",
      }),
    });
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith("inkstone_session="));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/eyJ/);
  });
});

/** A GET or HEAD as sent on the wire: the body's bytes as they came (fetch would decode them). */
function raw(
  path: string,
  headers: Record<string, string> = {},
  method = "GET",
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, base), { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

const decode = (reply: Awaited<ReturnType<typeof raw>>): string => {
  const encoding = reply.headers["content-encoding"];
  if (encoding === "br") return brotliDecompressSync(reply.body).toString();
  if (encoding === "gzip") return gunzipSync(reply.body).toString();
  expect(encoding).toBeUndefined();
  return reply.body.toString();
};

describe("compressed responses", () => {
  it("serve a cached page as brotli, gzip or identity by Accept-Encoding, all the same HTML, each with its ETag", async () => {
    const path = `/en/a/${related.slug}`;
    await raw(path);
    const replies = {
      br: await raw(path, { "accept-encoding": "gzip, deflate, br, zstd" }),
      gzip: await raw(path, { "accept-encoding": "gzip, br;q=0" }),
      identity: await raw(path),
    };
    const html = decode(replies.identity);
    expect(html).toContain("<html");
    for (const [coding, reply] of Object.entries(replies)) {
      expect(reply.status, coding).toBe(200);
      expect(reply.headers["x-cache"], coding).toBe("HIT");
      expect(reply.headers["content-encoding"], coding).toBe(coding === "identity" ? undefined : coding);
      expect(reply.headers.vary, coding).toBe("Cookie, Accept-Encoding");
      expect(Number(reply.headers["content-length"]), coding).toBe(reply.body.byteLength);
      expect(decode(reply), coding).toBe(html);
    }
    expect(replies.br.body.byteLength).toBeLessThan(html.length / 3);
    expect(new Set(Object.values(replies).map((r) => r.headers.etag)).size).toBe(3);
  });

  it("answer 304 without a body or an encoding when the client holds the variant, and HEAD uncompressed", async () => {
    const path = `/en/a/${related.slug}`;
    const first = await raw(path, { "accept-encoding": "br" });
    const etag = String(first.headers.etag);
    const notModified = await raw(path, { "accept-encoding": "br", "if-none-match": etag });
    expect(notModified.status).toBe(304);
    expect(notModified.body.byteLength).toBe(0);
    expect(notModified.headers["content-encoding"]).toBeUndefined();
    expect(notModified.headers.etag).toBe(etag);
    expect(notModified.headers.vary).toContain("Accept-Encoding");
    // The identity body's ETag is not the brotli one's: a client switching codings gets the body again.
    expect((await raw(path, { "if-none-match": etag })).status).toBe(200);
    const head = await raw(path, { "accept-encoding": "br" }, "HEAD");
    expect(head.status).toBe(200);
    expect(head.headers["content-encoding"]).toBeUndefined();
    expect(head.headers.vary).toContain("Accept-Encoding");
    expect(head.body.byteLength).toBe(0);
  });

  it("compress the RSS feed and the sitemap, and JSON past the threshold only", async () => {
    for (const path of ["/en/rss.xml", "/sitemap.xml"]) {
      const identity = await raw(path);
      const br = await raw(path, { "accept-encoding": "br" });
      expect(br.headers["content-encoding"], path).toBe("br");
      expect(br.headers.vary, path).toContain("Accept-Encoding");
      expect(decode(br), path).toBe(decode(identity));
    }
    const health = await raw("/health", { "accept-encoding": "gzip" });
    const json = decode(health);
    expect(JSON.parse(json)).toHaveProperty("status");
    expect(health.headers["content-type"]).toContain("application/json");
    expect(health.headers.vary).toBe("Accept-Encoding");
    expect(health.headers["content-encoding"]).toBe(Buffer.byteLength(json) >= 1024 ? "gzip" : undefined);
    const refusal = await raw("/api/comments?x=%00", { "accept-encoding": "br", accept: "application/json" });
    expect(refusal.status).toBe(400);
    expect(JSON.parse(decode(refusal)).error.code).toBeTruthy();
  });

  it("stream a signed-in member's page compressed, private, and correct", async () => {
    const member = new Visitor(base);
    const joined = await member.post("/api/auth/signup", {
      username: "compressed-reader",
      email: "compressed-reader@example.test",
      password: "Passw0rd-long",
      next: "/en/",
    });
    expect(joined.status, joined.text).toBe(303);
    const cookie = `inkstone_session=${member.cookie("inkstone_session")}`;
    for (const path of [`/en/a/${article.slug}`, "/en/settings"]) {
      const br = await raw(path, { cookie, accept: "text/html", "accept-encoding": "br" });
      const gzip = await raw(path, { cookie, accept: "text/html", "accept-encoding": "gzip" });
      for (const reply of [br, gzip]) {
        expect(reply.status, path).toBe(200);
        expect(reply.headers["cache-control"], path).toBe("private, no-store");
        expect(reply.headers["x-cache"], path).toBeUndefined();
        expect(reply.headers.vary, path).toContain("Accept-Encoding");
      }
      expect([br.headers["content-encoding"], gzip.headers["content-encoding"]], path).toEqual(["br", "gzip"]);
      for (const html of [decode(br), decode(gzip)]) {
        expect(html, path).toContain("</html>");
        expect(html, path).toContain(path === "/en/settings" ? "compressed-reader" : "Citations keep drafts honest");
      }
    }
  });
});

describe("the CMS's webhook", () => {
  const signed = (body: string, now = Date.now(), secret = String(env.COMMUNITY_WEBHOOK_SECRET)) =>
    fetch(`${base}/api/revalidate`, {
      method: "POST",
      headers: { "content-type": "application/json", ...webhookHeaders(secret, body, randomUUID(), now) },
      body,
    });

  it("drops a cached page when told, and only when the call is signed and recent", async () => {
    const reader = new Visitor(base);
    const path = `/en/a/${related.slug}`;
    await reader.get(path);
    expect((await reader.get(path)).headers.get("x-cache")).toBe("HIT");
    // Change the published row behind the CMS's back: no webhook fires, so the cached page stays as it was.
    await db.query(
      "UPDATE articles SET title = $1 WHERE document_id = $2 AND locale = 'en' AND published_at IS NOT NULL",
      ["Notes before prose, revised", related.documentId],
    );
    expect((await reader.get(path)).text).not.toContain("Notes before prose, revised");

    const body = JSON.stringify({ model: "article", event: "update", documentId: related.documentId, locale: "en" });
    expect((await fetch(`${base}/api/revalidate`, { method: "POST", body })).status).toBe(401);
    expect((await signed(body, Date.now(), "not-the-secret-at-all")).status).toBe(401);
    expect((await signed(body, Date.now() - 6 * 60 * 1000)).status).toBe(401);
    expect((await reader.get(path)).headers.get("x-cache")).toBe("HIT");

    const ok = await signed(body);
    expect(ok.status).toBe(200);
    expect((await ok.json()).data.invalidated).toBeGreaterThanOrEqual(1);
    const fresh = await reader.get(path);
    expect(fresh.headers.get("x-cache")).toBe("MISS");
    expect(fresh.text).toContain("Notes before prose, revised");
  });

  it("is called by the CMS when an editor publishes a change, so readers see it", async () => {
    const reader = new Visitor(base);
    const path = `/en/a/${article.slug}`;
    await reader.get(path);
    const saved = await api.saveDraft("run-page", {
      ...(await import("../../cms/test/cms-api.ts")).draft(author.user.documentId, "run-page", {
        title: "Citations keep drafts honest, second edition",
        ...citedBody,
      }),
    });
    expect(saved.status).toBe(200);
    expect((await api.publish(article.documentId, "en")).status).toBe(200);
    await expect.poll(async () => (await reader.get(path)).text, { timeout: 10_000 }).toContain("second edition");
  });

  it("refreshes the author's and tags' lists when a new article is published", async () => {
    const reader = new Visitor(base);
    await reader.get("/en/authors/ada-writer");
    expect((await reader.get("/en/authors/ada-writer")).headers.get("x-cache")).toBe("HIT");
    await publishArticle(api, author.user.documentId, "run-list", { title: "A third piece on sources" });
    await expect
      .poll(async () => (await reader.get("/en/authors/ada-writer")).text, { timeout: 10_000 })
      .toContain("A third piece on sources");
  });

  it("refuses malformed events", async () => {
    expect((await signed("not json")).status).toBe(400);
    expect((await signed(JSON.stringify({ model: "user", documentId: "x" }))).status).toBe(400);
    const unknownEvent = { model: "article", event: "explode", documentId: related.documentId, locale: "en" };
    const refused = await signed(JSON.stringify(unknownEvent));
    expect(refused.status).toBe(400);
    expect((await refused.json()).error.message).toMatch(/^Not a change event: event: /);
  });
});

describe("when the CMS is down", () => {
  let proxy: Server;
  let down = false;

  beforeAll(async () => {
    // A switchable link to the CMS: while `down`, every connection is dropped, as if the CMS had died.
    proxy = createServer(async (req, res) => {
      if (down) {
        req.socket.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const upstream = await fetch(`${env.CMS_URL}${req.url}`, {
        method: req.method,
        headers: Object.fromEntries(
          Object.entries(req.headers).filter(([k]) => !["host", "connection"].includes(k)),
        ) as Record<string, string>,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      });
      res.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "application/json" });
      res.end(Buffer.from(await upstream.arrayBuffer()));
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  });
  afterAll(() => {
    proxy?.closeAllConnections();
    proxy?.close();
  });

  it("keeps serving the last good pages, and says so plainly for pages it never had", async () => {
    const { env: outage } = await startTestApps(["community"], {
      CMS_URL: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
      CMS_COMMUNITY_TOKEN: String(env.CMS_COMMUNITY_TOKEN),
    });
    const other = String(outage.COMMUNITY_URL);
    const reader = new Visitor(other);
    const member = new Visitor(other);
    const joined = await member.post("/api/auth/signup", {
      username: "outage-writer",
      email: "outage-writer@example.test",
      password: "Passw0rd-long",
      next: "/en/",
    });
    expect(joined.status, joined.text).toBe(303);
    const path = `/en/a/${article.slug}`;
    expect((await reader.get(path)).headers.get("x-cache")).toBe("MISS");
    down = true;
    // Even after being told the article changed, the community keeps the page it has rather than failing.
    const body = JSON.stringify({ model: "article", event: "update", documentId: article.documentId, locale: "en" });
    const told = await fetch(`${other}/api/revalidate`, {
      method: "POST",
      headers: webhookHeaders(String(outage.COMMUNITY_WEBHOOK_SECRET), body, randomUUID()),
      body,
    });
    expect(told.status).toBe(200);
    const stale = await reader.get(path);
    expect(stale.status).toBe(200);
    expect(stale.headers.get("x-cache")).toBe("STALE-IF-ERROR");
    expect(stale.text).toContain("Citations keep drafts honest");
    const never = await reader.get(`/en/a/${related.slug}`);
    expect(never.status).toBe(503);
    expect(never.text).toContain("The content service is not answering right now.");
    expect(Number(never.headers.get("retry-after"))).toBeGreaterThan(0);

    // A member's action cannot be done: a script is told 503 with Retry-After; a browser's form comes back with what
    // was typed, on its page or, when that cannot be shown either, on the 503 page.
    const typed = "A thought I do not want to lose while the CMS is away.";
    const comment = { article: article.documentId, locale: "en", body: typed, next: path };
    const script = await member.post("/api/comments", comment, { accept: "application/json" });
    expect(script.status).toBe(503);
    expect(Number(script.headers.get("retry-after"))).toBeGreaterThan(0);
    const form = await member.submit("/api/comments", comment);
    expect([200, 503]).toContain(form.status);
    expect(form.text).toContain(typed);
    down = false;
    const back = await reader.get(path);
    expect([back.status, back.headers.get("x-cache")]).toEqual([200, "MISS"]);
  });

  it("searches titles and summaries through the CMS while Meilisearch is down, and says search is degraded", async () => {
    const { env: noSearch } = await startTestApps(["community"], {
      CMS_URL: String(env.CMS_URL),
      CMS_COMMUNITY_TOKEN: String(env.CMS_COMMUNITY_TOKEN),
      MEILI_URL: "http://127.0.0.1:9",
    });
    const page = await new Visitor(String(noSearch.COMMUNITY_URL)).get(
      `/en/search?q=${encodeURIComponent("drafts honest")}`,
    );
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-testid="search-degraded"');
    expect(page.text).toContain("Search is degraded");
    expect(page.text).toContain(`/en/a/${article.slug}`);
  });
});

describe("rate limits", () => {
  it("answer 429 with Retry-After after too many sign-in attempts", async () => {
    const attacker = new Visitor(base);
    const attempt = () =>
      attacker.post("/api/auth/signin", { identifier: "ada-writer", password: "wrong-password", next: "/en/" });
    // Wrong passwords come back to the form with a message, until the CMS's throttle of failed sign-ins per (account,
    // address) answers 429 with its Retry-After, which the community passes on; within six attempts.
    const replies = [];
    for (let i = 0; i < 6; i++) {
      const reply = await attempt();
      replies.push(reply);
      if (reply.status === 429) break;
    }
    const limited = replies.at(-1);
    expect(replies.slice(0, -1).every((r) => r.status === 303 && r.location?.startsWith("/en/signin"))).toBe(true);
    expect(limited?.status).toBe(429);
    expect(Number(limited?.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited?.text).toContain("Too many attempts");
    const asScript = await attacker.post(
      "/api/auth/signin",
      { identifier: "ada-writer", password: "x" },
      { accept: "application/json" },
    );
    expect(asScript.status).toBe(429);
    expect(asScript.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(JSON.parse(asScript.text).error.code).toBe("rate_limited");
  });
});
