import type { Locale } from "@inkstone/config";
import type { Message } from "../cms/conversations.ts";
import { CmsError } from "../cms/errors.ts";
import type { AnswerState } from "../generation.ts";
import { requestLog } from "../request-context.ts";
import { onAnswerEvent } from "../store/answer-wakeups.ts";
import { answerEvents } from "../store/answers.ts";
import { type AnswerEnd, type Cursor, formatCursor, isFinalStatus } from "./events.ts";
import { type FinishedAnswer, finishedAnswerHtml } from "./render.ts";

/**
 * An answer as server-sent events, for the member watching it being written:
 *
 * - `queued` `{"position":n}` while it waits for a slot (asked of Temporal every half second, sent when it changes),
 *   then `active` once it has one;
 * - `text` `{"text":"…"}` with id `attempt.seq`: the characters the worker pushed, in order, read from the shared store
 *   (woken by the change channel when another replica stored them, polled otherwise);
 * - `reset` when a newer attempt of the worker began: what was shown so far is dropped, its text comes again;
 * - `end` `{"status","text","citations","mode","html"}` (from the worker's last push, or from the CMS, whichever says
 *   first that it is over), then the stream closes.
 *
 * A client that reconnects with Last-Event-ID gets what followed that event: nothing lost, nothing twice.
 */

/** A stream closes after this (the browser reconnects where it was): no connection is held for ever. */
const MAX_STREAM_MS = 5 * 60_000;
/** A comment line this often keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;
/** How often the queue position is asked while queued, and the state once writing. */
const QUEUED_POLL_MS = 500;
const ACTIVE_POLL_MS = 2000;
/** How often the CMS is asked whether the answer ended (the worker saves it there before its last push). */
const CMS_CHECK_MS = 5000;

export type AnswerSource = {
  answerId: string;
  /** The page's language: the end's HTML speaks it. */
  locale: Locale;
  /** Where the client is: what it already has (0.0 for nothing). */
  cursor: Cursor;
  /** The answer as the CMS holds it now, read as its member; null when it is gone (its conversation deleted). */
  readAnswer: () => Promise<Message | null>;
  answerState: () => Promise<AnswerState>;
};

const encoder = new TextEncoder();

/** One SSE event: its name, its id when it has one, and its data as one line of JSON. */
export function sseEvent(name: string, data: unknown, id?: string): string {
  return `event: ${name}\n${id ? `id: ${id}\n` : ""}data: ${JSON.stringify(data)}\n\n`;
}

/** The `end` event of a finished answer: the status, text, citations and mode, and the HTML its page shows. */
export function endEvent(answer: FinishedAnswer, locale: Locale): string {
  const { status, text, citations, mode, error } = answer;
  return sseEvent("end", {
    status,
    text,
    citations,
    mode: mode ?? null,
    error: error ?? null,
    html: finishedAnswerHtml(answer, locale),
  });
}

const GONE: FinishedAnswer = { status: "stopped", text: "", citations: [], mode: null, error: null };

const fromPush = (end: AnswerEnd): FinishedAnswer => ({
  status: end.status,
  text: end.text,
  citations: end.citations,
  mode: end.mode,
  error: end.error,
});

/** The headers of every answer stream: never cached, never buffered or compressed on the way. */
export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-store",
  "x-accel-buffering": "no",
};

/** A stream that is only the end: the answer was over before it was asked for. */
export function endedStream(answer: FinishedAnswer, locale: Locale): Response {
  return new Response(endEvent(answer, locale), { headers: SSE_HEADERS });
}

/** The live stream of an answer still queued or being written. */
export function answerStream(source: AnswerSource): Response {
  let closed = false;
  let poked = false;
  let wake: (() => void) | undefined;
  const stopListening = onAnswerEvent(source.answerId, () => {
    poked = true;
    wake?.();
  });
  /** Waits `ms`, or less when an event of the answer was stored (or the client went away). */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      wake = done;
      if (poked || closed) done();
      poked = false;
    });
  const finish = () => {
    closed = true;
    stopListening();
    wake?.();
  };

  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      let lastWrite = Date.now();
      const send = (text: string) => {
        if (closed) return;
        controller.enqueue(encoder.encode(text));
        lastWrite = Date.now();
      };
      try {
        // The reconnection delay, and the first bytes, so the headers go out at once.
        send("retry: 2000\n\n");
        await follow(
          source,
          send,
          pause,
          () => closed,
          () => Date.now() - lastWrite >= HEARTBEAT_MS,
        );
      } catch (error) {
        // The stream ends; the browser reconnects where it was and the next one tries again.
        requestLog().warn({ err: error, answerId: source.answerId }, "an answer stream failed; the client reconnects");
      }
      if (!closed) controller.close();
      finish();
    },
    cancel: finish,
  });
  return new Response(body, { headers: SSE_HEADERS });
}

async function follow(
  source: AnswerSource,
  send: (text: string) => void,
  pause: (ms: number) => Promise<void>,
  isClosed: () => boolean,
  heartbeatDue: () => boolean,
): Promise<void> {
  const { answerId, locale } = source;
  let cursor = source.cursor;
  let position: number | undefined;
  let active = false;
  let lastCmsCheck = Date.now();
  const deadline = Date.now() + MAX_STREAM_MS;
  while (!isClosed() && Date.now() < deadline) {
    // A store that cannot be read right now: the CMS still says when the answer is over.
    const stored = await answerEvents.after(answerId, cursor).catch(() => undefined);
    if (stored) {
      if (stored.attempt !== cursor.attempt) {
        if (cursor.attempt !== 0 || cursor.seq !== 0) send("event: reset\ndata: {}\n\n");
        cursor = { attempt: stored.attempt, seq: 0 };
      }
      for (const { seq, event } of stored.events) {
        if (event.type === "end") return send(endEvent(fromPush(event), locale));
        cursor = { attempt: stored.attempt, seq };
        send(sseEvent("text", { text: event.text }, formatCursor(cursor)));
      }
    }

    // Temporal down or the answer unknown to it: the store and the CMS still tell the rest.
    const state = await source.answerState().catch(() => undefined);
    if (state?.state === "queued" && state.position !== position) {
      position = state.position;
      send(sseEvent("queued", { position }));
    } else if (state?.state === "active" && !active) {
      active = true;
      send(sseEvent("active", {}));
    }
    if (state?.state === "closed" || Date.now() - lastCmsCheck >= CMS_CHECK_MS) {
      lastCmsCheck = Date.now();
      const answer = await source.readAnswer().catch((error: unknown) => {
        // The CMS down for a moment: asked again at the next check. Anything else (the session ended) ends the stream.
        if (error instanceof CmsError && (error.code === "cms_unavailable" || error.code === "bad_response"))
          return undefined;
        throw error;
      });
      // Gone with its conversation (deleted meanwhile): nothing more will be written.
      if (answer === null) return send(endEvent(GONE, locale));
      // The end push may still be on its way, with text this stream has not sent: the CMS's copy is the answer.
      if (answer && isFinalStatus(answer.status)) return send(endEvent(answer, locale));
    }
    if (heartbeatDue()) send(": keep-alive\n\n");
    await pause(state?.state === "queued" ? QUEUED_POLL_MS : ACTIVE_POLL_MS);
  }
}
