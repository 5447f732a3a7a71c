import { z } from "zod";

/** A Strapi 5 document id as it appears in URLs and bodies: lowercase letters and digits (cuid2, 24 today). */
export const DOCUMENT_ID_PATTERN = /^[a-z0-9]{10,40}$/;

/** True when `value` can be a document id; anything else is refused before it reaches a query. */
export const isDocumentId = (value: unknown): value is string =>
  typeof value === "string" && DOCUMENT_ID_PATTERN.test(value);

/** A document id in a body or a query, with a message a person can act on. */
export const documentIdSchema = z.string().regex(DOCUMENT_ID_PATTERN, { error: "expected a document id" });
