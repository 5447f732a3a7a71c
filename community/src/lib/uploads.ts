/**
 * What a member may upload, as the community holds bodies to it before the CMS sees them. The CMS checks the same
 * limit again (cms/src/lib/uploads/limits.ts) and decides whether the file is an image at all.
 */

/** The largest avatar image. */
export const AVATAR_MAX_BYTES = 5 * 1024 * 1024;

/** The largest avatar form: the image, the multipart framing and the `next` field beside it. */
export const AVATAR_FORM_MAX_BYTES = AVATAR_MAX_BYTES + 64 * 1024;

/** The image types the avatar field offers (the CMS decodes the file whatever it claims to be). */
export const AVATAR_ACCEPT = "image/jpeg,image/png,image/webp,image/avif,image/gif";
