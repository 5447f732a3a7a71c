import type { APIRoute } from "astro";
import { reviewAction } from "../../../../../../lib/studio/actions.ts";

/** POST /api/studio/articles/:articleLocale/:documentId/withdraw — the member takes their submission back. */
export const POST: APIRoute = (context) => reviewAction(context, "withdraw");
