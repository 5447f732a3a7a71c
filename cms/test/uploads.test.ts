// Uploaded images against the real CMS. Every refusal — by what the bytes are, never by name or declared type —
// answers a clear 4xx on both ways in (an editor's media library, a member's avatar) and leaves no file on disk and
// no row; a good photo is stored upright, without EXIF or GPS, with WebP and AVIF sizes; a member's avatar is
// theirs alone to set, replace and remove, and replaced files are deleted.
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import pg from "pg";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StackEnv } from "../../scripts/stack/apps.ts";
import { startTestApps } from "../../scripts/test/services.ts";
import { type CmsApi, cmsApi, draft } from "./cms-api.ts";
import {
  formWith,
  hugeFile,
  photoWithGps,
  REFUSED_FILES,
  renamedExecutable,
  sidewaysPhoto,
  type TestFile,
  translucentPng,
} from "./uploads-support.ts";

let env: StackEnv;
let api: CmsApi;
let db: pg.Client;
let uploadsDir: string;
const members = { member: "", other: "", blocked: "" };
const ids = { member: "", other: "" };

beforeAll(async () => {
  ({ env } = await startTestApps(["cms"]));
  api = cmsApi(env);
  db = new pg.Client({ connectionString: String(env.DATABASE_URL) });
  await db.connect();
  uploadsDir = join(String(env.CMS_PUBLIC_DIR), "uploads");
  const [member, other, blocked] = await Promise.all(["up-member", "up-other", "up-blocked"].map((n) => api.signUp(n)));
  if (!member || !other || !blocked) throw new Error("expected three members");
  members.member = member.jwt;
  members.other = other.jwt;
  members.blocked = blocked.jwt;
  ids.member = member.user.documentId;
  ids.other = other.user.documentId;
  expect((await api.setBlocked(blocked.user.documentId, true)).status).toBe(200);
});
afterAll(async () => {
  await db?.end();
});

/** What an upload can leave behind: files in the uploads folder, file rows, and links from entries to files. */
const leftovers = async () => ({
  files: (await readdir(uploadsDir)).sort(),
  rows: Number((await db.query("SELECT count(*) FROM files")).rows[0].count),
  links: Number((await db.query("SELECT count(*) FROM files_related_mph")).rows[0].count),
});

const editorUpload = async (file: TestFile) =>
  api.call("POST", "/upload", { token: await api.editorToken(), body: formWith("files", file) });
const setAvatar = (jwt: string | undefined, file: TestFile, field = "avatar") =>
  api.call("POST", "/api/profiles/me/avatar", { token: jwt, body: formWith(field, file) });
const myProfile = async (jwt: string) => (await api.call("GET", "/api/profiles/me", { token: jwt })).body.data;

/** The stored file at `url` (relative to the CMS), as sharp reads it. */
const storedImage = async (url: string) => {
  const response = await fetch(`${env.CMS_URL}${url}`);
  expect(response.status, url).toBe(200);
  const bytes = Buffer.from(await response.arrayBuffer());
  return { bytes, meta: await sharp(bytes).metadata() };
};

type Variant = { url: string; width: number; height: number; mime: string };

describe("refused uploads", () => {
  const WAYS = ["the media library", "a member's avatar"] as const;
  const upload = (way: (typeof WAYS)[number], file: TestFile) =>
    way === "the media library" ? editorUpload(file) : setAvatar(members.member, file);

  it.each(WAYS.flatMap((way) => REFUSED_FILES.map((refusal) => [way, refusal.label, refusal] as const)))(
    "%s: %s is refused with a clear 4xx and leaves nothing behind",
    async (way, label, { make, status, code }) => {
      const before = await leftovers();
      const reply = await upload(way, await make());
      expect(reply.status, `${label}: ${JSON.stringify(reply.body)}`).toBe(status);
      expect(reply.body.error.details.code, label).toBe(code);
      expect(reply.body.error.message, label).toMatch(
        /not an image|SVG images|megapixels|damaged|Animated|TIFF images/,
      );
      expect(await leftovers(), label).toEqual(before);
    },
  );

  it.each(WAYS)("%s: a 20 MB file is refused with 413 from its length, before it is stored anywhere", async (way) => {
    const before = await leftovers();
    const reply = await upload(way, hugeFile(20));
    expect(reply.status, JSON.stringify(reply.body)).toBe(413);
    expect(reply.body.error.message).toMatch(way === "the media library" ? /10 MB at most/ : /5 MB at most/);
    expect(await leftovers()).toEqual(before);
  });

  it("a chunked body (no length to go by) is cut off at the largest limit with the same message", async () => {
    const before = await leftovers();
    const form = formWith("avatar", hugeFile(20));
    const encoded = new Response(form);
    const response = await fetch(`${env.CMS_URL}/api/profiles/me/avatar`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${members.member}`,
        "content-type": String(encoded.headers.get("content-type")),
      },
      body: encoded.body,
      duplex: "half",
    } as RequestInit);
    const body = (await response.json()) as { error: { message: string; details: { code: string } } };
    expect(response.status, JSON.stringify(body)).toBe(413);
    expect(body.error.message).toMatch(/5 MB at most/);
    expect(await leftovers()).toEqual(before);
  });

  it("an avatar between 5 and 10 MB gets past the body limit but not the avatar's own", async () => {
    const before = await leftovers();
    const form = formWith("avatar", hugeFile(7));
    const encoded = new Response(form);
    const response = await fetch(`${env.CMS_URL}/api/profiles/me/avatar`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${members.member}`,
        "content-type": String(encoded.headers.get("content-type")),
      },
      body: encoded.body,
      duplex: "half",
    } as RequestInit);
    const body = (await response.json()) as { error: { message: string; details: { code: string } } };
    expect(response.status, JSON.stringify(body)).toBe(413);
    expect(body.error.details.code).toBe("file_too_large");
    expect(await leftovers()).toEqual(before);
  });
});

describe("a good photo in the media library", () => {
  it("is stored as a JPEG without EXIF or GPS, with JPEG, WebP and AVIF sizes that are what they say", async () => {
    const before = await leftovers();
    const photo = await photoWithGps();
    expect((await sharp(photo.bytes).metadata()).exif).toBeDefined();
    const reply = await editorUpload(photo);
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    const [file] = reply.body as {
      url: string;
      mime: string;
      width: number;
      height: number;
      formats: Record<string, Variant>;
    }[];
    if (!file) throw new Error("no file");
    expect([file.mime, file.width, file.height]).toEqual(["image/jpeg", 1200, 800]);

    const original = await storedImage(file.url);
    expect(original.meta.format).toBe("jpeg");
    expect(original.meta.exif).toBeUndefined();
    expect(original.meta.xmp).toBeUndefined();
    expect(original.bytes.includes("Inkstone Test Phone")).toBe(false);

    const keys = Object.keys(file.formats);
    for (const width of [160, 320, 640, 960])
      for (const f of ["jpeg", "webp", "avif"]) expect(keys).toContain(`${f}_${width}`);
    expect(keys).toEqual(expect.arrayContaining(["webp_1200", "avif_1200"]));
    expect(keys).not.toContain("jpeg_1280");
    for (const [key, variant] of Object.entries(file.formats)) {
      const { meta } = await storedImage(variant.url);
      const expected = { "image/jpeg": "jpeg", "image/webp": "webp", "image/avif": "heif" }[variant.mime];
      expect(meta.format, key).toBe(expected);
      if (variant.mime === "image/avif") expect(meta.compression, key).toBe("av1");
      expect([meta.width, meta.height], key).toEqual([variant.width, variant.height]);
      expect(meta.exif, key).toBeUndefined();
    }
    const after = await leftovers();
    expect(after.rows).toBe(before.rows + 1);
    // The original and every size, each a file of its own.
    expect(after.files.length).toBe(before.files.length + 1 + keys.length);
  });

  it("is turned upright from its EXIF orientation", async () => {
    const reply = await editorUpload(await sidewaysPhoto());
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    expect([reply.body[0].width, reply.body[0].height]).toEqual([600, 800]);
    const { meta } = await storedImage(reply.body[0].url);
    expect([meta.width, meta.height, meta.orientation]).toEqual([600, 800, undefined]);
  });

  it("replaced by an editor, is checked the same way", async () => {
    const token = await api.editorToken();
    const first = await editorUpload(await photoWithGps(700, 500));
    const id = first.body[0].id as number;
    const before = await leftovers();
    const replace = (file: TestFile) =>
      api.call("POST", `/upload/files/${id}/replace`, { token, body: formWith("files", file) });
    const bad = await replace(renamedExecutable());
    expect(bad.status, JSON.stringify(bad.body)).toBe(400);
    expect(bad.body.error.details.code).toBe("not_an_image");
    expect(await leftovers()).toEqual(before);
    const good = await replace(await sidewaysPhoto());
    expect(good.status, JSON.stringify(good.body)).toBe(200);
    expect([good.body.width, good.body.height]).toEqual([600, 800]);
    expect(Object.keys(good.body.formats)).toEqual(expect.arrayContaining(["jpeg_320", "webp_600", "avif_600"]));
    expect(Object.keys(good.body.formats)).not.toContain("jpeg_640");
    const { meta } = await storedImage(good.body.url);
    expect([meta.width, meta.height, meta.exif]).toEqual([600, 800, undefined]);
  });

  it("keeps a transparent image a PNG", async () => {
    const reply = await editorUpload(await translucentPng());
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    expect(reply.body[0].mime).toBe("image/png");
    const { meta } = await storedImage(reply.body[0].url);
    expect([meta.format, meta.hasAlpha]).toEqual(["png", true]);
  });

  it("can be an article's cover, shown with its sizes to every reader", async () => {
    const uploaded = await editorUpload(await photoWithGps(1600, 900));
    const fileId = uploaded.body[0].id as number;
    const saved = await api.saveDraft("run-uploads-cover", draft(ids.member, "run-uploads-cover"));
    const documentId = saved.body.data.documentId as string;
    const articles = "/content-manager/collection-types/api::article.article";
    const cover = await api.admin("PUT", `${articles}/${documentId}?locale=en`, { cover: fileId });
    expect(cover.status, JSON.stringify(cover.body)).toBe(200);
    expect((await api.publish(documentId, "en")).status).toBe(200);
    const read = await api.call("GET", `/api/articles/${documentId}?locale=en`, {
      token: String(env.CMS_COMMUNITY_TOKEN),
    });
    expect(read.status).toBe(200);
    const shown = read.body.data.cover;
    expect([shown.width, shown.height, shown.mime]).toEqual([1600, 900, "image/jpeg"]);
    expect(Object.keys(shown.formats)).toEqual(expect.arrayContaining(["avif_1280", "webp_1280", "jpeg_1280"]));
    const listed = await api.call("GET", `/api/articles?locale=en&filters[documentId][$eq]=${documentId}`);
    expect(listed.body.data[0].cover.formats.webp_640.url).toMatch(/^\/uploads\/webp_640_.+\.webp$/);
  });
});

describe("a member's avatar", () => {
  const avatarOf = async (jwt: string) =>
    (await myProfile(jwt)).avatar as {
      url: string;
      width: number;
      height: number;
      formats: Record<string, Variant>;
    } | null;
  const onDisk = async (url: string) => (await readdir(uploadsDir)).includes(url.replace(/^\/uploads\//, ""));

  it("is set by the member, cropped square, without EXIF, with its sizes", async () => {
    const reply = await setAvatar(members.member, await photoWithGps());
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const avatar = reply.body.data.avatar;
    expect([avatar.width, avatar.height]).toEqual([512, 512]);
    expect(Object.keys(avatar.formats)).toEqual(
      expect.arrayContaining(["jpeg_160", "webp_160", "avif_160", "jpeg_320", "webp_512", "avif_512"]),
    );
    // Only what a page needs: no storage details.
    expect(Object.keys(avatar).sort()).toEqual(["alternativeText", "formats", "height", "mime", "url", "width"]);
    const { meta } = await storedImage(avatar.url);
    expect([meta.width, meta.height, meta.exif]).toEqual([512, 512, undefined]);
    expect(await avatarOf(members.member)).toEqual(avatar);
  });

  it("shows on the member's public profile and beside their comments", async () => {
    const avatar = await avatarOf(members.member);
    const handle = (await myProfile(members.member)).handle;
    const profiles = await api.call("GET", `/api/profiles?filters[handle][$eq]=${handle}&populate[0]=avatar`);
    expect(profiles.body.data[0].avatar.url).toBe(avatar?.url);
    expect(Object.keys(profiles.body.data[0].avatar.formats)).toContain("webp_160");

    const article = (await api.saveDraft("run-uploads-thread", draft(ids.other, "run-uploads-thread"))).body.data
      .documentId as string;
    expect((await api.publish(article, "en")).status).toBe(200);
    const posted = await api.call("POST", "/api/comments", {
      token: members.member,
      body: { data: { article, locale: "en", body: "With my face on it." } },
    });
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    const thread = await api.call("GET", `/api/comments?article=${article}&locale=en`);
    expect(thread.body.data[0].author.avatar.url).toBe(avatar?.url);
    expect(thread.body.data[0].author.avatar.formats.avif_160.mime).toBe("image/avif");
  });

  it("replaced, leaves the old one's files and row deleted", async () => {
    const old = await avatarOf(members.member);
    if (!old) throw new Error("expected an avatar");
    const before = await leftovers();
    const reply = await setAvatar(members.member, await sidewaysPhoto());
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const now = reply.body.data.avatar;
    expect(now.url).not.toBe(old.url);
    expect(await onDisk(now.url)).toBe(true);
    for (const url of [old.url, ...Object.values(old.formats).map((v) => v.url)])
      expect(await onDisk(url), url).toBe(false);
    expect((await fetch(`${env.CMS_URL}${old.url}`)).status).toBe(404);
    const after = await leftovers();
    expect([after.rows, after.links]).toEqual([before.rows, before.links]);
  });

  it("is the member's alone: another member's upload and every other caller leave it as it is", async () => {
    const mine = await avatarOf(members.member);
    const before = await leftovers();
    const refusals: [string, string | undefined, number][] = [
      ["anonymous", undefined, 403],
      ["a blocked member", members.blocked, 401],
      ["the community's token", String(env.CMS_COMMUNITY_TOKEN), 403],
      ["the worker's token", String(env.CMS_WORKER_TOKEN), 403],
      ["an editor's admin token", await api.editorToken(), 401],
    ];
    for (const [who, token, status] of refusals) {
      const reply = await setAvatar(token, await photoWithGps(300, 300));
      expect(reply.status, `${who}: ${JSON.stringify(reply.body)}`).toBe(status);
      const removal = await api.call("DELETE", "/api/profiles/me/avatar", { token });
      expect(removal.status, `${who} removing`).toBe(status);
    }
    expect(await leftovers()).toEqual(before);

    // Nor through Strapi's own file routes, which answer nobody.
    const fileId = (await db.query("SELECT id FROM files WHERE url = $1", [mine?.url])).rows[0].id;
    for (const token of [members.other, members.member, String(env.CMS_COMMUNITY_TOKEN), undefined]) {
      const reply = await api.call("DELETE", `/api/upload/files/${fileId}`, { token });
      expect(reply.status, JSON.stringify(reply.body)).toBe(403);
    }
    // Another member setting theirs sets theirs.
    const theirs = await setAvatar(members.other, await photoWithGps(400, 300));
    expect(theirs.status, JSON.stringify(theirs.body)).toBe(200);
    expect(theirs.body.data.avatar.width).toBe(300);
    expect(await avatarOf(members.member)).toEqual(mine);
    expect(await onDisk(String(mine?.url))).toBe(true);
  });

  it("takes exactly one image, in `avatar`", async () => {
    const before = await leftovers();
    const photo = await photoWithGps(300, 300);
    const cases: [string, FormData][] = [
      ["no file", new FormData()],
      ["another field name", formWith("files", photo)],
      [
        "two images",
        (() => {
          const form = formWith("avatar", photo);
          form.append("avatar", new Blob([new Uint8Array(photo.bytes)], { type: photo.type }), "second.jpg");
          return form;
        })(),
      ],
      ["a field beside it", formWith("avatar", photo, { userId: ids.other })],
    ];
    for (const [label, form] of cases) {
      const reply = await api.call("POST", "/api/profiles/me/avatar", { token: members.member, body: form });
      expect(reply.status, `${label}: ${JSON.stringify(reply.body)}`).toBe(400);
      expect(reply.body.error.message, label).toMatch(/^avatar: /);
    }
    expect(await leftovers()).toEqual(before);
  });

  it("removed, is gone with its files; removing again changes nothing", async () => {
    const old = await avatarOf(members.member);
    if (!old) throw new Error("expected an avatar");
    const before = await leftovers();
    const reply = await api.call("DELETE", "/api/profiles/me/avatar", { token: members.member });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body.data.avatar).toBeNull();
    expect(await avatarOf(members.member)).toBeNull();
    expect(await onDisk(old.url)).toBe(false);
    const after = await leftovers();
    expect(after.rows).toBe(before.rows - 1);
    expect(after.files.length).toBe(before.files.length - 1 - Object.keys(old.formats).length);
    const again = await api.call("DELETE", "/api/profiles/me/avatar", { token: members.member });
    expect(again.status).toBe(200);
    expect(await leftovers()).toEqual(after);
  });

  it("keeps an editor's library image a member was given when they replace it", async () => {
    const library = await editorUpload(await photoWithGps(500, 500));
    const fileId = library.body[0].id as number;
    const profile = await myProfile(members.other);
    const given = await api.admin(
      "PUT",
      `/content-manager/collection-types/api::profile.profile/${profile.documentId}`,
      {
        avatar: fileId,
      },
    );
    expect(given.status, JSON.stringify(given.body)).toBe(200);
    expect((await setAvatar(members.other, await photoWithGps(300, 300))).status).toBe(200);
    expect(await onDisk(library.body[0].url)).toBe(true);
    expect((await db.query("SELECT count(*) FROM files WHERE id = $1", [fileId])).rows[0].count).toBe("1");
  });
});
