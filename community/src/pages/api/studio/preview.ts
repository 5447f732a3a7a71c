import { LOCALES } from "@inkstone/config";
import type { APIRoute } from "astro";
import { z } from "zod";
import { failed, memberRequest } from "../../../lib/endpoint.ts";
import { t } from "../../../lib/i18n/index.ts";
import { renderArticle } from "../../../lib/markdown.ts";
import { citationMessages } from "../../../lib/studio/draft-form.ts";

const previewInput = z.object({
  body: z.string().max(200_000),
  sources: z.coerce.number().int().min(0).max(50),
  locale: z.enum(LOCALES),
});

/**
 * POST /api/studio/preview {body, sources, locale} (JSON) — the draft editor's live preview: the body rendered as the
 * article page renders it (Markdown, citations linked to `sources` numbered sources, sanitized), and its citation
 * problems in `locale`. Signed-in members only; nothing is read or written in the CMS.
 */
export const POST: APIRoute = async (context) => {
  const opened = await memberRequest(context, "/zh-CN/studio");
  if (opened instanceof Response) return opened;
  const { form, next, locale: pageLocale } = opened;
  const input = previewInput.safeParse({
    body: form.get("body"),
    sources: form.get("sources"),
    locale: form.get("locale"),
  });
  if (!input.success) return failed(context, 400, "invalid", t(pageLocale).studio.editor.previewRefused, { next });
  const { body, sources, locale } = input.data;
  return Response.json(
    { data: { html: renderArticle(body, sources), problems: citationMessages(body, sources, locale) } },
    { headers: { "cache-control": "private, no-store" } },
  );
};
