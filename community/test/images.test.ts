// Covers and avatars through the community, against the real CMS: an editor's cover on the article page (in view:
// loaded at once, first) and on cards (lazily), each a <picture> with AVIF and WebP sources over the CMS's sizes;
// a member's avatar set, refused and removed through the settings page's own form (multipart, same-origin only),
// shown on their page, their byline and their comments, with the cached pages dropped when it changes.
import pg from "pg";
import type { Browser, Locator } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CmsApi, cmsApi, draft } from "../../cms/test/cms-api.ts";
import {
  formWith,
  hugeFile,
  photoWithGps,
  renamedExecutable,
  svgWithScript,
  type TestFile,
} from "../../cms/test/uploads-support.ts";
import type { StackEnv } from "../../scripts/stack/apps.ts";
import { startTestApps } from "../../scripts/test/services.ts";
import { findChromium, launchChromium } from "./support/browser.ts";
import { type Published, publishArticle } from "./support/content.ts";
import { type Reply, Visitor } from "./support/visitor.ts";

const PASSWORD = "Passw0rd-long";
const ARTICLES = "/content-manager/collection-types/api::article.article";

let env: StackEnv;
let base: string;
let api: CmsApi;
let db: pg.Client;
let writer: { visitor: Visitor; handle: string; userId: string };
let covered: Published;

beforeAll(async () => {
  ({ env } = await startTestApps(["cms", "community"]));
  base = String(env.COMMUNITY_URL);
  api = cmsApi(env);
  db = new pg.Client({ connectionString: String(env.DATABASE_URL) });
  await db.connect();
  writer = await join("pic-writer");
  // An article with a cover an editor chose in the media library, published; and one without.
  const uploaded = await api.call("POST", "/upload", {
    token: await api.editorToken(),
    body: formWith("files", await photoWithGps(1600, 900)),
  });
  expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
  const saved = await api.saveDraft(
    "run-covered",
    draft(writer.userId, "run-covered", { title: "A page with a picture" }),
  );
  const cover = await api.admin("PUT", `${ARTICLES}/${saved.body.data.documentId}?locale=en`, {
    cover: uploaded.body[0].id,
  });
  expect(cover.status, JSON.stringify(cover.body)).toBe(200);
  expect((await api.publish(saved.body.data.documentId, "en")).status).toBe(200);
  const read = await api.call("GET", `/api/articles/${saved.body.data.documentId}?locale=en`);
  covered = { documentId: saved.body.data.documentId, locale: "en", slug: read.body.data.slug, title: "" };
  await publishArticle(api, writer.userId, "run-plain", { title: "A page without a picture" });
});
afterAll(async () => {
  await db?.end();
});

/** A member signed up through the community, signed in in their own visitor. */
async function join(username: string): Promise<{ visitor: Visitor; handle: string; userId: string }> {
  const visitor = new Visitor(base);
  const reply = await visitor.post(
    "/api/auth/signup",
    { username, email: `${username}@example.test`, password: PASSWORD, next: "/en/" },
    { accept: "application/json" },
  );
  expect(reply.status, reply.text).toBe(200);
  const { rows } = await db.query("SELECT document_id FROM up_users WHERE username = $1", [username]);
  return { visitor, handle: JSON.parse(reply.text).data.handle, userId: rows[0].document_id };
}

/** The settings form's post: multipart, from our own page unless `origin` says otherwise. */
const postAvatar = (
  visitor: Visitor,
  file: TestFile,
  { accept = "text/html", next = "/en/settings", origin = base as string | null } = {},
): Promise<Reply> =>
  visitor.request("/api/profile/avatar", {
    method: "POST",
    body: formWith("avatar", file, { next }),
    headers: { accept, ...(origin ? { origin } : {}) },
  });

/** The first element `tag` with `attribute` containing `value`, and its attributes. */
function element(html: string, tag: string, attribute: string, value: string): Record<string, string> | undefined {
  for (const match of html.matchAll(new RegExp(`<${tag}\\b([^>]*)>`, "g"))) {
    const attributes = Object.fromEntries(
      [...(match[1] ?? "").matchAll(/([\w-]+)(?:="([^"]*)")?/g)].map((a) => [
        a[1],
        (a[2] ?? "").replace(/&amp;/g, "&"),
      ]),
    );
    if (attributes[attribute]?.includes(value)) return attributes;
  }
  return undefined;
}

/** The <picture> with class `className` in `html`: its sources' types and srcsets, and its <img>'s attributes. */
function picture(html: string, className: string) {
  const block = new RegExp(`<picture class="[^"]*\\b${className}\\b[^"]*"[^>]*>([\\s\\S]*?)</picture>`).exec(html)?.[1];
  if (!block) return undefined;
  const sources = [...block.matchAll(/<source type="([^"]+)" srcset="([^"]+)"/g)].map((m) => ({
    type: m[1],
    srcset: m[2],
  }));
  return { sources, img: element(block, "img", "src", "/") ?? {} };
}

/** Every URL of a srcset, with its width. */
const candidates = (srcset: string | undefined) =>
  (srcset ?? "").split(", ").map((c) => {
    const [url = "", width = ""] = c.split(" ");
    return { url, width: Number(width.replace("w", "")) };
  });

describe("covers", () => {
  it("on the article page: in view on arrival, a <picture> over every size, loaded at once and first", async () => {
    const page = await new Visitor(base).get(`/en/a/${covered.slug}`);
    expect(page.status).toBe(200);
    const cover = picture(page.text, "cover");
    if (!cover) throw new Error("no cover on the article page");
    expect(cover.sources.map((s) => s.type)).toEqual(["image/avif", "image/webp"]);
    for (const source of cover.sources) {
      const widths = candidates(source.srcset).map((c) => c.width);
      expect(widths).toEqual([160, 320, 640, 960, 1280, 1600]);
    }
    expect(cover.img).toMatchObject({ width: "1600", height: "900", loading: "eager", fetchpriority: "high" });
    expect(cover.img.sizes).toContain("50rem");
    expect(candidates(cover.img.srcset).map((c) => c.width)).toEqual([160, 320, 640, 960, 1280, 1600]);
    // Browsers without srcset get the size closest above what the column needs.
    expect(cover.img.src).toMatch(/^\/uploads\/jpeg_960_.+\.jpg$/);
    // The cover comes before the body (above the fold), after the title.
    expect(page.text.indexOf('class="cover"')).toBeGreaterThan(page.text.indexOf("<h1"));
    expect(page.text.indexOf('class="cover"')).toBeLessThan(page.text.indexOf('class="article-body"'));
  });

  it("on cards: lazily, with the small sizes and the image's own width and height", async () => {
    const page = await new Visitor(base).get("/en/");
    const card = picture(page.text, "card-cover");
    if (!card) throw new Error("no cover on the card");
    expect(card.img).toMatchObject({ width: "1600", height: "900", loading: "lazy", decoding: "async" });
    expect(card.img.sizes).toContain("9rem");
    expect(card.img.src).toMatch(/^\/uploads\/jpeg_320_/);
    expect(card.sources.map((s) => s.type)).toEqual(["image/avif", "image/webp"]);
    // An article without a cover has no picture at all.
    const plain = page.text.slice(
      page.text.indexOf("A page without a picture") - 400,
      page.text.indexOf("A page without a picture"),
    );
    expect(plain).not.toContain("<picture");
  });

  it("are served by the community itself (the CMS is not reachable from browsers in a deployment)", async () => {
    const page = await new Visitor(base).get(`/en/a/${covered.slug}`);
    const cover = picture(page.text, "cover");
    for (const { url } of [...candidates(cover?.img.srcset), ...candidates(cover?.sources[0]?.srcset)]) {
      const response = await fetch(`${base}${url}`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      expect(response.status, url).toBe(200);
      expect(response.headers.get("content-type"), url).toMatch(/^image\/(jpeg|avif)$/);
      expect(response.headers.get("cache-control")).toMatch(/^public, max-age=\d+/);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      const direct = new Uint8Array(await (await fetch(`${env.CMS_URL}${url}`)).arrayBuffer());
      expect(bytes).toEqual(direct);
    }
    for (const path of ["/uploads/nope.jpg", "/uploads/..%2F..%2Fpackage.json", "/uploads/x.svg", "/uploads/.env"]) {
      const response = await fetch(`${base}${path}`);
      await response.arrayBuffer();
      expect(response.status, path).toBeGreaterThanOrEqual(400);
      expect(response.status, path).toBeLessThan(500);
    }
  });
});

describe("avatars", () => {
  const settings = () => writer.visitor.get("/en/settings");

  it("the settings page has an upload form that works without JavaScript", async () => {
    const page = await settings();
    expect(page.status).toBe(200);
    expect(element(page.text, "form", "action", "/api/profile/avatar")).toMatchObject({
      method: "post",
      enctype: "multipart/form-data",
    });
    expect(element(page.text, "input", "type", "file")).toMatchObject({
      name: "avatar",
      accept: expect.stringContaining("image/jpeg"),
    });
    expect(page.text).toContain("You have no avatar");
    expect(page.text).not.toContain("/api/profile/avatar/remove");
  });

  it("is refused from another site's page, and from someone not signed in", async () => {
    const photo = await photoWithGps(600, 400);
    const crossSite = await postAvatar(writer.visitor, photo, {
      origin: "https://evil.example",
      accept: "application/json",
    });
    expect(crossSite.status).toBe(403);
    const anonymous = await postAvatar(new Visitor(base), photo, { accept: "application/json" });
    expect(anonymous.status).toBe(401);
    const browser = await postAvatar(new Visitor(base), photo);
    expect(browser.status).toBe(303);
    expect(browser.location).toContain("/en/signin");
    expect(await myAvatarUrl()).toBeNull();
  });

  it("refuses what is not an image, or too large, saying why in the member's language, and changes nothing", async () => {
    const cases: [TestFile, number, string, RegExp][] = [
      [renamedExecutable(), 400, "not_an_image", /not an image/],
      [svgWithScript(), 400, "svg_not_accepted", /SVG/],
      [hugeFile(20), 413, "too_large", /5 MB/],
    ];
    for (const [file, status, code, message] of cases) {
      const reply = await postAvatar(writer.visitor, file, { accept: "application/json" });
      expect(reply.status, reply.text).toBe(status);
      const { error } = JSON.parse(reply.text);
      if (code !== "too_large") expect(error.code).toBe(code);
      expect(error.message).toMatch(message);
    }
    const zh = await postAvatar(writer.visitor, renamedExecutable(), {
      accept: "application/json",
      next: "/zh-CN/settings",
    });
    expect(JSON.parse(zh.text).error.message).toContain("不是图片");
    // A browser is sent back to the form, the reason beside the field.
    const back = await postAvatar(writer.visitor, svgWithScript());
    expect(back.status).toBe(303);
    expect(back.location).toBe("/en/settings");
    const page = await settings();
    expect(page.text).toMatch(/<span class="field-error" id="avatar-avatar-error"[^>]*>SVG images are not accepted/);
    expect(await myAvatarUrl()).toBeNull();
  });

  it("set through the form, shows on the settings page, the member's page, their bylines and their comments", async () => {
    // Pages cached before the change must not keep showing no avatar.
    const [authorBefore, articleBefore] = await Promise.all([
      new Visitor(base).get(`/en/authors/${writer.handle}`),
      new Visitor(base).get(`/en/a/${covered.slug}`),
    ]);
    expect(picture(authorBefore.text, "avatar-96")).toBeUndefined();
    expect(picture(articleBefore.text, "avatar-32")).toBeUndefined();

    const posted = await postAvatar(writer.visitor, await photoWithGps());
    expect(posted.status, posted.text).toBe(303);
    expect(posted.location).toBe("/en/settings");
    const page = await settings();
    expect(page.text).toContain("Your new avatar is up.");
    const own = picture(page.text, "avatar-96");
    expect(own?.img).toMatchObject({ width: "96", height: "96", loading: "lazy", alt: "pic-writer's avatar" });
    expect(own?.sources.map((s) => s.type)).toEqual(["image/avif", "image/webp"]);
    expect(candidates(own?.img.srcset).map((c) => c.width)).toEqual([160, 320, 512]);
    expect(page.text).toContain("/api/profile/avatar/remove");
    const url = await myAvatarUrl();
    expect(own?.img.srcset).toContain(String(url));

    const authorPage = await new Visitor(base).get(`/en/authors/${writer.handle}`);
    expect(picture(authorPage.text, "avatar-96")?.img).toMatchObject({ width: "96", height: "96", loading: "lazy" });
    expect(authorPage.text).toContain(String(url));

    const article = await new Visitor(base).get(`/en/a/${covered.slug}`);
    const byline = picture(article.text, "avatar-32");
    expect(byline?.img).toMatchObject({ width: "32", height: "32", loading: "lazy", alt: "pic-writer's avatar" });
    expect(byline?.img.sizes).toBe("32px");

    const commented = await writer.visitor.post(
      "/api/comments",
      { article: covered.documentId, locale: "en", body: "Now with a face.", next: `/en/a/${covered.slug}` },
      { accept: "application/json" },
    );
    expect(commented.status, commented.text).toBe(200);
    const thread = await new Visitor(base).get(`/en/a/${covered.slug}`);
    const comment = thread.text.slice(thread.text.indexOf('class="comment"'));
    expect(picture(comment, "avatar-32")?.img.srcset).toContain(String(url));
  });

  it("replaced, shows the new one everywhere at once and the old file is gone", async () => {
    const old = String(await myAvatarUrl());
    const posted = await postAvatar(writer.visitor, await photoWithGps(800, 800));
    expect(posted.status).toBe(303);
    const now = String(await myAvatarUrl());
    expect(now).not.toBe(old);
    for (const path of [`/en/authors/${writer.handle}`, `/en/a/${covered.slug}`]) {
      const page = await new Visitor(base).get(path);
      expect(page.text, path).toContain(now);
      expect(page.text, path).not.toContain(old);
    }
    const gone = await fetch(`${base}${old}`);
    await gone.arrayBuffer();
    expect(gone.status).toBe(404);
  });

  it("removed through the form, leaves the member's initial", async () => {
    const old = String(await myAvatarUrl());
    const removed = await writer.visitor.post("/api/profile/avatar/remove", { next: "/en/settings" });
    expect(removed.status).toBe(303);
    const page = await settings();
    expect(page.text).toContain("Your avatar is removed.");
    expect(page.text).toContain("You have no avatar");
    expect(picture(page.text, "avatar-96")).toBeUndefined();
    expect(page.text).toMatch(/<span class="avatar avatar-initial avatar-96"[^>]*aria-hidden="true"[^>]*>P<\/span>/);
    expect(await myAvatarUrl()).toBeNull();
    const authorPage = await new Visitor(base).get(`/en/authors/${writer.handle}`);
    expect(authorPage.text).not.toContain(old);
    expect(picture(authorPage.text, "avatar-96")).toBeUndefined();
  });

  it("a blocked member cannot set one: their session ends", async () => {
    const blocked = await join("pic-blocked");
    const block = await api.setBlocked(blocked.userId, true);
    expect(block.status).toBe(200);
    const reply = await postAvatar(blocked.visitor, await photoWithGps(300, 300), { accept: "application/json" });
    expect(reply.status).toBe(401);
    const { rows } = await db.query(
      "SELECT count(*) FROM files_related_mph WHERE related_type = 'api::profile.profile' AND field = 'avatar'",
    );
    expect(Number(rows[0].count)).toBe(0);
  });
});

const chromiumPath = findChromium();

describe.skipIf(!chromiumPath)("in a real browser", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium(chromiumPath as string);
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** Once `img` has loaded: the file the browser chose among the <picture>'s sources, and its pixel width. */
  const loaded = async (img: Locator) => {
    await expect
      .poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0), { timeout: 10_000 })
      .toBe(true);
    return img.evaluate((el: HTMLImageElement) => ({ src: el.currentSrc, width: el.naturalWidth }));
  };

  it("loads the cover as AVIF through the community, and the avatar form helps before anything is sent", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    await page.goto(`${base}/en/a/${covered.slug}`);
    const cover = await loaded(page.locator("picture.cover img"));
    expect(cover.src).toMatch(new RegExp(`^${base}/uploads/avif_\\d+_.+\\.avif$`));

    const member = await join("pic-browser");
    await context.addCookies([
      { name: "inkstone_session", value: String(member.visitor.cookie("inkstone_session")), url: base },
    ]);
    await page.goto(`${base}/en/settings`);
    const input = page.locator("#avatar-avatar");
    const error = page.locator("#avatar-avatar-error");
    // Too large: said at once, and the browser will not submit the form.
    await input.setInputFiles({ name: "huge.jpg", mimeType: "image/jpeg", buffer: hugeFile(6).bytes });
    expect(await error.textContent()).toContain("5 MB");
    expect(await input.evaluate((el: HTMLInputElement) => el.validity.valid)).toBe(false);
    // A good one: shown before it is sent, the message gone.
    const photo = await photoWithGps(900, 600);
    await input.setInputFiles({ name: "me.jpg", mimeType: "image/jpeg", buffer: photo.bytes });
    await loaded(page.locator("[data-avatar-preview] img"));
    expect(await error.isHidden()).toBe(true);
    await page.getByRole("button", { name: "Upload avatar" }).click();
    await page.waitForURL(`${base}/en/settings`);
    expect(await page.getByRole("status").first().textContent()).toContain("Your new avatar is up.");
    const avatar = await loaded(page.locator("picture.avatar-96 img"));
    expect(avatar.src).toMatch(/\.avif$/);
    expect(problems).toEqual([]);
    await context.close();
  });
});

/** The writer's avatar URL as the CMS has it, or null. */
async function myAvatarUrl(): Promise<string | null> {
  const { rows } = await db.query(
    `SELECT f.url FROM profiles p
       JOIN files_related_mph r ON r.related_id = p.id AND r.related_type = 'api::profile.profile' AND r.field = 'avatar'
       JOIN files f ON f.id = r.file_id
     WHERE p.handle = $1`,
    [writer.handle],
  );
  return rows[0]?.url ?? null;
}
