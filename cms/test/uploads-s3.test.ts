// With UPLOAD_S3_BUCKET set, uploaded images go to the bucket — the original and every size, each with its type —
// and nothing to the CMS's own folder; pages link them at UPLOAD_S3_PUBLIC_URL, and replacing an avatar deletes the
// old objects. The same checks run first: a refused file reaches no bucket.
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StackEnv } from "../../scripts/stack/apps.ts";
import { startTestApps } from "../../scripts/test/services.ts";
import { type CmsApi, cmsApi } from "./cms-api.ts";
import { startFakeS3 } from "./fake-s3.ts";
import { formWith, photoWithGps, svgWithScript } from "./uploads-support.ts";

const BUCKET = "inkstone-media";
let s3: Awaited<ReturnType<typeof startFakeS3>>;
let env: StackEnv;
let api: CmsApi;
let publicUrl: string;

beforeAll(async () => {
  s3 = await startFakeS3();
  publicUrl = `${s3.url}/${BUCKET}`;
  ({ env } = await startTestApps(["cms"], {
    UPLOAD_S3_BUCKET: BUCKET,
    UPLOAD_S3_ENDPOINT: s3.url,
    UPLOAD_S3_REGION: "eu-west-3",
    UPLOAD_S3_ACCESS_KEY_ID: "test-key-id",
    UPLOAD_S3_SECRET_ACCESS_KEY: "test-secret-access-key",
    UPLOAD_S3_PUBLIC_URL: publicUrl,
  }));
  api = cmsApi(env);
});
afterAll(async () => {
  await s3?.close();
});

const localFiles = async () => readdir(join(String(env.CMS_PUBLIC_DIR), "uploads"));

describe("uploads kept in an S3-compatible bucket", () => {
  it("stores an editor's photo and all its sizes in the bucket, linked at the public URL", async () => {
    const reply = await api.call("POST", "/upload", {
      token: await api.editorToken(),
      body: formWith("files", await photoWithGps(1000, 700)),
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    const file = reply.body[0] as { url: string; formats: Record<string, { url: string; mime: string }> };
    expect(file.url.startsWith(`${publicUrl}/`)).toBe(true);
    for (const [key, variant] of Object.entries({ original: { url: file.url, mime: "image/jpeg" }, ...file.formats })) {
      expect(variant.url.startsWith(`${publicUrl}/`), key).toBe(true);
      const stored = s3.objects.get(`${BUCKET}/${variant.url.slice(publicUrl.length + 1)}`);
      expect(stored?.type, key).toBe(variant.mime);
      const meta = await sharp(stored?.bytes).metadata();
      expect(meta.exif, key).toBeUndefined();
    }
    expect(Object.keys(file.formats)).toEqual(expect.arrayContaining(["webp_1000", "avif_1000", "jpeg_640"]));
    expect(await localFiles()).toEqual([]);
  });

  it("lets the admin panel show images from the bucket's origin (its Content-Security-Policy)", async () => {
    const response = await fetch(`${env.CMS_URL}/admin`);
    await response.arrayBuffer();
    const policy = String(response.headers.get("content-security-policy"));
    expect(policy).toMatch(new RegExp(`img-src [^;]*${s3.url.replace(/[.:/]/g, "\\$&")}`));
  });

  it("refuses a bad file before anything reaches the bucket", async () => {
    const before = s3.objects.size;
    const reply = await api.call("POST", "/upload", {
      token: await api.editorToken(),
      body: formWith("files", svgWithScript()),
    });
    expect(reply.status).toBe(400);
    expect(s3.objects.size).toBe(before);
  });

  it("deletes a replaced avatar's objects from the bucket", async () => {
    const member = await api.signUp("s3-member");
    const first = await api.call("POST", "/api/profiles/me/avatar", {
      token: member.jwt,
      body: formWith("avatar", await photoWithGps(600, 600)),
    });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const old = first.body.data.avatar as { url: string; formats: Record<string, { url: string }> };
    const oldKeys = [old.url, ...Object.values(old.formats).map((v) => v.url)].map(
      (url) => `${BUCKET}/${url.slice(publicUrl.length + 1)}`,
    );
    for (const key of oldKeys) expect(s3.objects.has(key), key).toBe(true);
    const second = await api.call("POST", "/api/profiles/me/avatar", {
      token: member.jwt,
      body: formWith("avatar", await photoWithGps(500, 500)),
    });
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    for (const key of oldKeys) expect(s3.objects.has(key), key).toBe(false);
    expect(s3.objects.has(`${BUCKET}/${String(second.body.data.avatar.url).slice(publicUrl.length + 1)}`)).toBe(true);
    expect(await localFiles()).toEqual([]);
  });
});
