import type { APIRoute } from "astro";
import {
  badBody,
  clientIp,
  done,
  failed,
  localeOfNext,
  readForm,
  safeNext,
  signInFirst,
  tooMany,
} from "../../lib/endpoint.ts";
import { env } from "../../lib/env.ts";
import { generation, InvalidRequest, QuotaExceeded } from "../../lib/generation.ts";
import { checkGenerationForm } from "../../lib/generation-form.ts";
import { paths, t } from "../../lib/i18n/index.ts";
import { failedWith } from "../../lib/request-context.ts";
import { limit } from "../../lib/security/limits.ts";

/** POST /api/generation (multipart: the /write form) — validates, rate-limits, and starts a generation run. */
export const POST: APIRoute = async (context) => {
  const form = await readForm(context.request);
  if (!("get" in form)) return badBody(context, form);
  const next = safeNext(form.get("next"), "/zh-CN/write");
  const locale = localeOfNext(next);
  const session = context.locals.session;
  if (!session) return signInFirst(context, next);
  const uploads = form.files("files");
  const files = await Promise.all(
    uploads.slice(0, 11).map(async (file) => ({ name: file.name, content: await file.text() })),
  );
  const checked = checkGenerationForm(form, files, locale);
  const s = t(locale).write;
  if (!checked.ok)
    return failed(context, 400, "invalid", s.errors.fix, {
      next,
      form: "write",
      fields: checked.fields,
      values: checked.values,
    });
  // Charged once the form is valid: fixing a typo costs nothing, starting runs does.
  const verdict = limit("generation", clientIp(context), session.userId);
  if (!verdict.ok) return tooMany(context, verdict, locale);
  try {
    const runId = await generation().start(
      { ...checked.request, creatorId: session.userId },
      { quota: env().GENERATION_QUOTA, requestId: context.locals.requestId },
    );
    return done(context, { next: paths.run(locale, runId), message: s.started, data: { runId } });
  } catch (error) {
    if (error instanceof QuotaExceeded) return tooMany(context, { ok: false, retryAfterSeconds: 60 }, locale);
    if (error instanceof InvalidRequest)
      return failed(context, 400, "invalid", (error as Error).message, { next, form: "write" });
    // Temporal unreachable: nothing was started, and the form keeps what was typed.
    failedWith(error);
    return failed(context, 503, "generation_unavailable", s.unavailable, {
      next,
      form: "write",
      values: { topic: checked.request.topic, idea: checked.request.idea, style: checked.request.style },
    });
  }
};
