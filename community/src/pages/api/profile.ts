import type { APIRoute } from "astro";
import { updateMyProfile } from "../../lib/cms/member.ts";
import { cmsFailed, done, failed, memberRequest } from "../../lib/endpoint.ts";
import { t } from "../../lib/i18n/index.ts";

/** POST /api/profile {displayName, bio, links.N.label, links.N.url} — the member's own profile. */
export const POST: APIRoute = async (context) => {
  const opened = await memberRequest(context, "/zh-CN/settings");
  if (opened instanceof Response) return opened;
  const { form, next, locale, session } = opened;
  const displayName = form.get("displayName").trim();
  const bio = form.get("bio");
  const values: Record<string, string> = { displayName, bio };
  const fields: Record<string, string> = {};
  const links: { label: string; url: string }[] = [];
  for (let i = 0; i < 10; i++) {
    const label = form.get(`links.${i}.label`).trim();
    const url = form.get(`links.${i}.url`).trim();
    values[`links.${i}.label`] = label;
    values[`links.${i}.url`] = url;
    if (!label && !url) continue;
    if (!label) fields[`links.${i}.label`] = t(locale).auth.errors.required;
    else if (!/^https?:\/\/\S+$/.test(url) || !URL.canParse(url)) fields[`links.${i}.url`] = "http(s)://…";
    else links.push({ label, url });
  }
  if (!displayName) fields.displayName = t(locale).auth.errors.required;
  if (Object.keys(fields).length)
    return failed(context, 400, "invalid", t(locale).write.errors.fix, { next, form: "profile", fields, values });
  try {
    const profile = await updateMyProfile(session.jwt, { displayName, bio, links });
    return done(context, { next, message: t(locale).settingsPage.saved, data: profile });
  } catch (error) {
    return cmsFailed(context, error, { next, form: "profile", values });
  }
};
