import type { APIRoute } from "astro";
import { authorChanged } from "../../../../lib/changes.ts";
import { CmsError } from "../../../../lib/cms/errors.ts";
import { setMyAvatar } from "../../../../lib/cms/member.ts";
import { cmsFailed, done, failed, memberRequest } from "../../../../lib/endpoint.ts";
import { paths, t } from "../../../../lib/i18n/index.ts";
import { AVATAR_FORM_MAX_BYTES, AVATAR_MAX_BYTES } from "../../../../lib/uploads.ts";

/**
 * POST /api/profile/avatar (multipart/form-data: `avatar`, the image; `next`) — the member's new avatar. The body
 * is held to the avatar's limit as it arrives (413 past it, nothing kept); the CMS decides whether it is an image
 * (lib/uploads in the CMS: decoded, metadata stripped, cropped square) and the answer speaks the member's language.
 */
export const POST: APIRoute = async (context) => {
  const opened = await memberRequest(context, paths.settings("zh-CN"), "avatar", {
    max: AVATAR_FORM_MAX_BYTES,
    tooLarge: (locale) => t(locale).settingsPage.avatarErrors.file_too_large,
  });
  if (opened instanceof Response) return opened;
  const { form, next, locale, session } = opened;
  const s = t(locale).settingsPage;
  const refuse = (status: number, code: string, message: string) =>
    failed(context, status, code, message, { next, form: "avatar", fields: { avatar: message } });

  const files = form.files("avatar");
  const [image] = files;
  if (!image || files.length > 1) return refuse(400, "invalid", s.avatarMissing);
  if (image.size > AVATAR_MAX_BYTES) return refuse(413, "file_too_large", s.avatarErrors.file_too_large);
  try {
    // The member's own file name goes nowhere: the CMS names the stored file after their handle.
    const profile = await setMyAvatar(session.jwt, image, "avatar");
    await authorChanged(profile.handle);
    return done(context, { next, message: s.avatarSaved, data: profile });
  } catch (error) {
    // The CMS says why it refused the image (`details.code`); the member reads it in their language.
    const reasons: Record<string, string | undefined> = s.avatarErrors;
    if (error instanceof CmsError && error.reason && reasons[error.reason])
      return refuse(error.status, error.reason, reasons[error.reason] ?? error.message);
    return cmsFailed(context, error, { next, form: "avatar" });
  }
};
