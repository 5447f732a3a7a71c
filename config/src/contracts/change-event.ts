import { z } from "zod";
import { LOCALES } from "../constants.ts";
import { documentIdSchema } from "./document-id.ts";

/**
 * What changed in the CMS, as its webhook tells the community, so that exactly the cached pages showing it are
 * dropped. Signing and verification live in `@inkstone/config/webhook` (server-only: it needs node:crypto).
 */
export const changeEventSchema = z.discriminatedUnion("model", [
  z.object({
    model: z.literal("article"),
    event: z.enum(["publish", "unpublish", "update", "delete"]),
    documentId: documentIdSchema,
    /** `null`: every locale of the document. */
    locale: z.enum(LOCALES).nullable(),
  }),
  z.object({
    model: z.literal("comment"),
    event: z.enum(["create", "update", "delete", "hide"]),
    articleDocumentId: documentIdSchema,
    locale: z.enum(LOCALES),
  }),
  /** A member was blocked or deleted their account: the community forgets their sessions and cancels their runs. */
  z.object({
    model: z.literal("member"),
    event: z.enum(["block", "delete"]),
    /** The member's users-permissions document id: their sessions' `userId` and their runs' creator id. */
    userId: documentIdSchema,
  }),
]);
export type ChangeEvent = z.infer<typeof changeEventSchema>;
