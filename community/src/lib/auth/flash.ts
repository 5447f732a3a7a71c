import type { AstroCookies } from "astro";
import { z } from "zod";
import { env } from "../env.ts";
import { seal, unseal } from "./seal.ts";
import { cookieOptions } from "./session.ts";

/**
 * A one-time message carried across a form's redirect (POST → 303 → GET): what went wrong, per field, and what the
 * member typed, so the form comes back filled in. Sealed with COMMUNITY_SESSION_SECRET, read once, then deleted.
 */
const flashSchema = z.object({
  kind: z.enum(["ok", "error"]),
  message: z.string(),
  /** Which form it is about, so only that form shows the messages. */
  form: z.string().optional(),
  fields: z.record(z.string(), z.string()).optional(),
  values: z.record(z.string(), z.string()).optional(),
  /** An action the message offers (a button beside it): `verify-email` sends a new confirmation link. */
  action: z.enum(["verify-email"]).optional(),
});
export type Flash = z.infer<typeof flashSchema>;

export const FLASH_COOKIE = "inkstone_flash";
const MAX_VALUE = 4000;

export function setFlash(cookies: AstroCookies, flash: Flash): void {
  const values = Object.fromEntries(
    Object.entries(flash.values ?? {}).map(([key, value]) => [key, value.slice(0, MAX_VALUE)]),
  );
  cookies.set(FLASH_COOKIE, seal({ ...flash, values }, env().COMMUNITY_SESSION_SECRET, "flash"), cookieOptions(300));
}

/** The flash in `cookies`, deleted as it is read. */
export function takeFlash(cookies: AstroCookies): Flash | null {
  const flash = peekFlash(cookies);
  if (cookies.get(FLASH_COOKIE)) cookies.delete(FLASH_COOKIE, { path: "/" });
  return flash;
}

/** The flash in `cookies`, left there for the page that will show it. */
export function peekFlash(cookies: AstroCookies): Flash | null {
  const raw = cookies.get(FLASH_COOKIE)?.value;
  if (!raw) return null;
  const parsed = flashSchema.safeParse(unseal(raw, env().COMMUNITY_SESSION_SECRET, "flash"));
  return parsed.success ? parsed.data : null;
}
