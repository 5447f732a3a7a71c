import type { APIRoute } from "astro";
import { reviewAction } from "../../../../../../lib/studio/actions.ts";

/** POST /api/studio/articles/:articleLocale/:documentId/submit — the member sends their draft to the editors. */
export const POST: APIRoute = (context) => reviewAction(context, "submit");
