import type { APIRoute } from "astro";
import { badBody, failed, inputMessage, localeOfNext, readForm, safeNext, signInFirst } from "../../lib/endpoint.ts";
import { Forbidden, generation, RunNotFound } from "../../lib/generation.ts";
import { checkGenerationForm } from "../../lib/generation-form.ts";
import { validRunId } from "../../lib/generation-runs.ts";
import { startRun } from "../../lib/generation-start.ts";
import { t } from "../../lib/i18n/index.ts";
import { failedWith } from "../../lib/request-context.ts";
import { controlIn, utf8 } from "../../lib/security/input.ts";

/**
 * POST /api/generation (multipart: the /write form) — validates, rate-limits, and starts a generation run. A form
 * filled in from an earlier run (`from`) may keep that run's uploaded files (`keepFile`, by name): the member's own
 * runs only.
 */
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
  const uploaded = files.map((file) => ({ name: file.name, content: file.content ?? "" }));
  const kept = await keptFiles(form.get("from"), form.all("keepFile"), session.userId).catch((error: unknown) => error);
  if (kept instanceof Error) {
    if (kept instanceof Forbidden || kept instanceof RunNotFound)
      return failed(context, 404, "not_found", t(locale).generation.form.fromRunMissing, { next, form: "write" });
    failedWith(kept);
    return failed(context, 503, "generation_unavailable", s.unavailable, { next, form: "write" });
  }
  const checked = await checkGenerationForm(form, [...(kept as typeof uploaded), ...uploaded], locale);
  if (!checked.ok)
    return failed(context, 400, "invalid", s.errors.fix, {
      next,
      form: "write",
      fields: checked.fields,
      values: checked.values,
    });
  const typed = { topic: checked.request.topic, idea: checked.request.idea, style: checked.request.style };
  return startRun(context, session, checked.request, s.started, { next, locale, form: "write", values: typed });
};

/** The files of the member's run `from` that the form kept (none without `from`); throws Forbidden or RunNotFound. */
async function keptFiles(
  from: string,
  names: string[],
  memberId: string,
): Promise<{ name: string; content: string }[]> {
  if (!from || names.length === 0) return [];
  if (!validRunId(from)) throw new RunNotFound(`no generation run ${from}`);
  const input = await generation().runInput(from, { actorId: memberId, isEditor: false });
  const wanted = new Set(names);
  return input.files.filter((file) => wanted.has(file.name));
}
