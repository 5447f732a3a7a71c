import {
  documentIdSchema,
  type GenerationDraft,
  type GenerationDraftSaved,
  type GenerationFailure,
  LOCALES,
  type Locale,
} from "@inkstone/config";
import { REQUEST_ID_HEADER } from "@inkstone/config/logger";
import { z } from "zod";
import { type AnswerMode, type Citation, citationSchema, type FinalStatus } from "../ask/contract.ts";
import { PipelineError } from "../pipeline/errors.ts";
import { CREATOR_BLOCKED } from "../run/run-state.ts";

export type CmsClientOptions = {
  /** CMS_URL. */
  baseUrl: string;
  /** CMS_WORKER_TOKEN. */
  token: string;
  timeoutMs?: number;
};

/** Per call: aborts it, and names the community request the run came from (sent as `x-request-id`). */
export type CmsCallOptions = { signal?: AbortSignal; requestId?: string };

/** A community article as published: what its page shows, sources included. */
export type PublishedArticle = z.infer<typeof publishedSchema>["data"];

const savedSchema = z.object({
  data: z.object({ documentId: documentIdSchema, locale: z.string(), created: z.boolean() }),
});
const creatorSchema = z.object({ data: z.object({ blocked: z.boolean() }) });
const publishedSchema = z.object({
  data: z.object({
    documentId: documentIdSchema,
    locale: z.enum(LOCALES),
    slug: z.string(),
    title: z.string(),
    summary: z
      .string()
      .nullish()
      .transform((summary) => summary ?? ""),
    body: z
      .string()
      .nullish()
      .transform((body) => body ?? ""),
    sources: z
      .array(z.object({ title: z.string(), url: z.string(), excerpt: z.string().nullish() }))
      .nullish()
      .transform((sources) => sources ?? []),
  }),
});
const answerSchema = z.object({
  documentId: documentIdSchema,
  role: z.literal("answer"),
  text: z
    .string()
    .nullish()
    .transform((text) => text ?? ""),
  status: z.enum(["queued", "streaming", "done", "stopped", "failed"]),
  mode: z.enum(["model", "extractive"]).nullish(),
  model: z.string().nullish(),
  citations: z.array(citationSchema).nullish(),
  error: z.string().nullish(),
});
const answerReplySchema = z.object({ data: answerSchema });
const storedAnswerSchema = z.object({
  data: answerSchema.extend({ conversation: z.object({ documentId: documentIdSchema }) }),
});
const errorSchema = z.object({
  error: z.object({
    status: z.number().optional(),
    name: z.string().optional(),
    code: z.string().optional(),
    message: z.string().optional(),
    // Strapi's own errors put a code under details.
    details: z.object({ code: z.string().optional() }).loose().nullish(),
  }),
});

/** An answer of Ask Inkstone as the CMS holds it. */
export type StoredAnswer = z.infer<typeof answerSchema>;

/** What the worker may change on an answer: its status, and with a final status what it ended with. */
export type AnswerUpdate = {
  status: "streaming" | FinalStatus;
  text?: string;
  mode?: AnswerMode;
  model?: string;
  citations?: Citation[];
  error?: string;
};

/** The run stops for good: the CMS refuses drafts of a blocked member. */
const tagListSchema = z.object({ data: z.array(z.object({ name: z.string() })) });

export function creatorBlocked(): PipelineError {
  return new PipelineError(CREATOR_BLOCKED, "the creator's account is blocked, so this run saves no draft", false);
}

/**
 * The worker's CMS routes: look a creator up, upsert a run's draft, and report a failed run (both notify the
 * creator); read and fill in an answer of Ask Inkstone; and read a published article as any reader does.
 */
export function createCmsClient(options: CmsClientOptions) {
  const base = options.baseUrl.replace(/\/$/, "");
  const timeoutMs = options.timeoutMs ?? 30_000;

  async function send(
    method: "GET" | "PUT" | "POST",
    path: string,
    data: unknown,
    {
      signal,
      requestId,
      asReader = false,
      nullIfMissing = false,
    }: CmsCallOptions & { asReader?: boolean; nullIfMissing?: boolean } = {},
  ): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: {
          // A reader sends no token: the public routes answer only what is published, and the worker's token
          // opens nothing but its own routes (the CMS refuses it anywhere else, 403).
          ...(asReader ? {} : { authorization: `Bearer ${options.token}` }),
          ...(method === "GET" ? {} : { "content-type": "application/json" }),
          accept: "application/json",
          ...(requestId ? { [REQUEST_ID_HEADER]: requestId } : {}),
        },
        body: method === "GET" ? undefined : JSON.stringify({ data }),
        signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), ...(signal ? [signal] : [])]),
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw new PipelineError(
        "cms-unavailable",
        `the CMS at ${base} could not be reached (${(error as Error).message})`,
        true,
      );
    }
    // A body that is not JSON is judged by the status alone (and answered with the status text below).
    const body: unknown = await response.json().catch(() => undefined);
    if (response.ok) return body;
    if (response.status === 404 && nullIfMissing) return null;
    const error = errorSchema.safeParse(body).data?.error;
    if (response.status === 403 && (error?.code ?? error?.details?.code) === CREATOR_BLOCKED) throw creatorBlocked();
    const detail = error?.message ?? response.statusText;
    // 4xx means this request will never be accepted; 408/429/5xx may pass later.
    const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
    throw new PipelineError(
      retryable ? "cms-unavailable" : "cms-rejected",
      `the CMS refused ${method} ${path} (${response.status}: ${detail})`,
      retryable,
      response.status,
    );
  }

  return {
    /** Whether the creator may still get drafts; throws a non-retryable PipelineError (cms-rejected) when unknown. */
    async creatorStatus(creatorId: string, options?: CmsCallOptions): Promise<{ blocked: boolean }> {
      const body = await send("GET", `/api/generation/creators/${encodeURIComponent(creatorId)}`, undefined, options);
      const parsed = creatorSchema.safeParse(body);
      if (!parsed.success)
        throw new PipelineError("cms-unavailable", "the CMS answered the creator lookup in an unexpected shape", true);
      return parsed.data.data;
    },
    /** Creates or updates the draft of `runId`; calling it again for the same run updates the same draft. */
    async saveDraft(runId: string, draft: GenerationDraft, options?: CmsCallOptions): Promise<GenerationDraftSaved> {
      const body = await send("PUT", `/api/generation/drafts/${encodeURIComponent(runId)}`, draft, options);
      const parsed = savedSchema.safeParse(body);
      if (!parsed.success)
        throw new PipelineError("cms-unavailable", "the CMS saved the draft but answered in an unexpected shape", true);
      return parsed.data.data;
    },
    /**
     * The article `documentId` in `locale` as published, with its sources; null when it is not published (any
     * more: the index may not have caught up with an unpublish or a delete).
     */
    async publishedArticle(
      documentId: string,
      locale: Locale,
      options?: CmsCallOptions,
    ): Promise<PublishedArticle | null> {
      const path = `/api/articles/${encodeURIComponent(documentId)}?locale=${encodeURIComponent(locale)}`;
      const body = await send("GET", path, undefined, { ...options, asReader: true, nullIfMissing: true });
      if (body === null) return null;
      const parsed = publishedSchema.safeParse(body);
      if (!parsed.success)
        throw new PipelineError("cms-unavailable", "the CMS answered an article read in an unexpected shape", true);
      return parsed.data.data;
    },
    /** The names of the tags the community uses in `locale` (public, at most 100): what the offline writer suggests from. */
    async tagNames(locale: Locale, options?: CmsCallOptions): Promise<string[]> {
      const path = `/api/tags?locale=${encodeURIComponent(locale)}&fields[0]=name&pagination[pageSize]=100`;
      const body = await send("GET", path, undefined, { ...options, asReader: true });
      const parsed = tagListSchema.safeParse(body);
      if (!parsed.success)
        throw new PipelineError("cms-unavailable", "the CMS answered the tag list in an unexpected shape", true);
      return parsed.data.data.map((tag) => tag.name);
    },
    /**
     * Moves an answer on (queued → streaming → done, stopped or failed) and, with a final status, stores what it ended
     * with. Saving the same final status and text again is accepted (a retry); anything else after the end is a 409,
     * a non-retryable `cms-rejected` PipelineError with `status` 409.
     */
    async updateAnswer(answerId: string, update: AnswerUpdate, options?: CmsCallOptions): Promise<StoredAnswer> {
      const body = await send("PUT", `/api/conversation-answers/${encodeURIComponent(answerId)}`, update, options);
      const parsed = answerReplySchema.safeParse(body);
      if (!parsed.success)
        throw new PipelineError(
          "cms-unavailable",
          "the CMS saved the answer but answered in an unexpected shape",
          true,
        );
      return parsed.data.data;
    },
    /** The answer as the CMS holds it, with its conversation; null when it is gone (the conversation was deleted). */
    async answer(
      answerId: string,
      options?: CmsCallOptions,
    ): Promise<(StoredAnswer & { conversation: { documentId: string } }) | null> {
      const path = `/api/conversation-answers/${encodeURIComponent(answerId)}`;
      const body = await send("GET", path, undefined, { ...options, nullIfMissing: true });
      if (body === null) return null;
      const parsed = storedAnswerSchema.safeParse(body);
      if (!parsed.success)
        throw new PipelineError("cms-unavailable", "the CMS answered an answer read in an unexpected shape", true);
      return parsed.data.data;
    },
    /** Tells the creator their run failed. */
    async reportFailure(runId: string, failure: GenerationFailure, options?: CmsCallOptions): Promise<void> {
      await send("POST", `/api/generation/runs/${encodeURIComponent(runId)}/failed`, failure, options);
    },
  };
}

export type CmsClient = ReturnType<typeof createCmsClient>;
