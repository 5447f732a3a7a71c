import type { APIRoute } from "astro";
import {
  badBody,
  clientIp,
  cmsFailed,
  done,
  failed,
  inputMessage,
  localeOfNext,
  readForm,
  safeNext,
  signInFirst,
  tooMany,
  unverifiedFirst,
} from "../../lib/endpoint.ts";
import { env } from "../../lib/env.ts";
import { generation, InvalidRequest, QuotaExceeded } from "../../lib/generation.ts";
import { checkGenerationForm } from "../../lib/generation-form.ts";
import { paths, t } from "../../lib/i18n/index.ts";
import { personalState } from "../../lib/personal.ts";
import { failedWith } from "../../lib/request-context.ts";
import { controlIn, utf8 } from "../../lib/security/input.ts";
import { limit } from "../../lib/security/limits.ts";

/** POST /api/generation (multipart: the /write form) — validates, rate-limits, and starts a generation run. */
export const POST: APIRoute = async (context) => {
  const form = await readForm(context.request);
  if (!("get" in form)) return badBody(context, form, "/zh-CN/write");
  const next = safeNext(form.get("next"), "/zh-CN/write");
  const locale = localeOfNext(next);
  const session = context.locals.session;
  if (!session) return signInFirst(context, next);
  const s = t(locale).write;
  const uploads = form.files("files");
  const files = await Promise.all(
    uploads.slice(0, 11).map(async (file) => ({ name: file.name, content: utf8(await file.bytes()) })),
  );
  // Uploaded text is read as strictly as typed text: UTF-8, no control characters but tabs and line breaks.
  for (const file of files) {
    const character = file.content === undefined ? undefined : controlIn(file.content, { multiline: true });
    if (file.content !== undefined && !character) continue;
    const problem = { kind: character ? "control" : "encoding", where: file.name, character } as const;
    const message = inputMessage(problem, locale);
    return failed(context, 400, "invalid_input", message, { next, form: "write", fields: { files: message } });
  }
  const checked = checkGenerationForm(
    form,
    files.map((file) => ({ name: file.name, content: file.content ?? "" })),
    locale,
  );
  if (!checked.ok)
    return failed(context, 400, "invalid", s.errors.fix, {
      next,
      form: "write",
      fields: checked.fields,
      values: checked.values,
    });
  // Runs start here, not in the CMS: the community asks the member's state whether their address must be confirmed
  // first, as the CMS's own routes do for comments and questions.
  const typed = { topic: checked.request.topic, idea: checked.request.idea, style: checked.request.style };
  try {
    if ((await personalState(session)).unconfirmed)
      return unverifiedFirst(context, { next, form: "write", values: typed });
  } catch (error) {
    return cmsFailed(context, error, { next, form: "write", values: typed });
  }
  // Charged once the form is valid: fixing a typo costs nothing, starting runs does.
  const verdict = await limit("generation", clientIp(context), session.userId);
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
      values: typed,
    });
  }
};
