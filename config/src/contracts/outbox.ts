import { z } from "zod";
import { LOCALES } from "../constants.ts";

/**
 * What happened to an article, as written to the CMS outbox in the same transaction as the change.
 * `upsert`: the published version (re)enters the index; `remove`: it leaves (unpublish or delete).
 */
export const outboxEventSchema = z.object({
  id: z.number().int().positive(),
  action: z.enum(["upsert", "remove"]),
  documentId: z.string().min(1),
  /** `null` means every locale of the document (a delete without a locale). */
  locale: z.enum(LOCALES).nullable(),
  createdAt: z.string(),
  attempts: z.number().int().nonnegative(),
});
export type OutboxEvent = z.infer<typeof outboxEventSchema>;
