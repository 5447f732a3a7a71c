import { errorMessage } from "@inkstone/config/logger";
import type { Core } from "@strapi/strapi";
import { log } from "../log.ts";
import type { Profile } from "../members.ts";
import type { IncomingFile } from "./gate.ts";

const PROFILE = "api::profile.profile";
const FOLDER = "plugin::upload.folder";

/** The media-library folder members' avatars are kept in: editors see them apart from covers. */
export const AVATAR_FOLDER_NAME = "Member avatars";

type StoredFile = { id: number; folder?: { id: number } | null };
type UploadService = {
  upload(input: unknown, options: { purpose: "avatar" }): Promise<StoredFile[]>;
  remove(file: StoredFile): Promise<unknown>;
};

const uploads = (strapi: Core.Strapi) => strapi.plugin("upload").service("upload") as UploadService;

/** The avatars folder's id, creating the folder on first use (bootstrap does, so members never race for it). */
export async function ensureAvatarFolder(strapi: Core.Strapi): Promise<number> {
  const found = await strapi.db
    .query(FOLDER)
    .findOne({ where: { name: AVATAR_FOLDER_NAME, parent: { id: { $null: true } } }, select: ["id"] });
  if (found) return found.id as number;
  const created = await strapi.plugin("upload").service("folder").create({ name: AVATAR_FOLDER_NAME, parent: null });
  return created.id as number;
}

/**
 * Points the member's profile at `avatar` (or at nothing) and returns the file it pointed at before. One change at
 * a time per member: two uploads at once each replace the one before, and no file is left pointed at by no one.
 */
async function swapAvatar(strapi: Core.Strapi, profile: Profile, avatar: number | null): Promise<StoredFile | null> {
  return strapi.db.transaction(async ({ trx }) => {
    await trx.raw("SELECT pg_advisory_xact_lock(hashtext(?))", [`avatar:${profile.documentId}`]);
    const current = await strapi.db.query(PROFILE).findOne({
      where: { id: profile.id },
      populate: { avatar: { populate: { folder: { select: ["id"] } } } },
    });
    await strapi.documents(PROFILE).update({ documentId: profile.documentId, data: { avatar } as never });
    return (current?.avatar as StoredFile | null | undefined) ?? null;
  });
}

/**
 * Deletes `file` and its variants from storage and the database when it is an avatar this route made (in the
 * avatars folder); a library file an editor chose for a member stays in the library.
 */
async function discard(strapi: Core.Strapi, file: StoredFile | null, folder: number): Promise<void> {
  if (!file || file.folder?.id !== folder) return;
  try {
    await uploads(strapi).remove(file);
  } catch (error) {
    // The member's change stands; a file left over is the operator's to find, not the member's error.
    log().warn({ error: errorMessage(error), fileId: file.id }, "Avatars: the replaced avatar could not be deleted.");
  }
}

/** Stores `upload` as the member's avatar (checked and made square by lib/uploads) and deletes the one it replaces. */
export async function setAvatar(strapi: Core.Strapi, profile: Profile, upload: IncomingFile): Promise<void> {
  const folder = await ensureAvatarFolder(strapi);
  const fileInfo = { name: `avatar-${profile.handle}`, alternativeText: profile.displayName, folder };
  const [file] = await uploads(strapi).upload({ data: { fileInfo }, files: upload }, { purpose: "avatar" });
  if (!file) throw new Error("the upload service stored no file");
  let replaced: StoredFile | null;
  try {
    replaced = await swapAvatar(strapi, profile, file.id);
  } catch (error) {
    await discard(strapi, { ...file, folder: { id: folder } }, folder);
    throw error;
  }
  if (replaced?.id !== file.id) await discard(strapi, replaced, folder);
}

/** Removes the member's avatar (pages show their initial instead) and deletes its file. */
export async function removeAvatar(strapi: Core.Strapi, profile: Profile): Promise<void> {
  const folder = await ensureAvatarFolder(strapi);
  await discard(strapi, await swapAvatar(strapi, profile, null), folder);
}
