import { DEFAULT_LOCALE, type Locale } from "@inkstone/config";
import type { Knex } from "knex";
import type { NotificationKind } from "../notify.ts";

/** Which notifications a member may have mailed, and how: one choice per category. */
export const MAIL_CATEGORIES = ["replies", "follows", "reviews", "runs"] as const;
export type MailCategory = (typeof MAIL_CATEGORIES)[number];
export const DELIVERIES = ["immediate", "daily", "never"] as const;
export type Delivery = (typeof DELIVERIES)[number];

export type MailSettings = Record<MailCategory, Delivery> & { locale: Locale };

/** A reply wants an answer soon; a new follower can wait for the digest. */
export const DEFAULT_DELIVERY: Record<MailCategory, Delivery> = {
  replies: "immediate",
  follows: "daily",
  reviews: "immediate",
  runs: "immediate",
};

/** null: never mailed (likes, grouped on the notifications page, are not worth a mail each). */
const CATEGORY_OF: Record<NotificationKind, MailCategory | null> = {
  comment_on_article: "replies",
  reply_to_comment: "replies",
  new_follower: "follows",
  article_published: "reviews",
  review_changes_requested: "reviews",
  review_declined: "reviews",
  review_published: "reviews",
  generation_finished: "runs",
  generation_failed: "runs",
  article_liked: null,
};
export const categoryOf = (kind: NotificationKind): MailCategory | null => CATEGORY_OF[kind];
export const kindsOf = (category: MailCategory): NotificationKind[] =>
  (Object.keys(CATEGORY_OF) as NotificationKind[]).filter((kind) => CATEGORY_OF[kind] === category);

const SETTINGS = "mail_settings";

/** The member's settings; the defaults (in `fallbackLocale`) while they have chosen nothing. */
export async function mailSettingsOf(db: Knex, userId: string, fallbackLocale?: Locale): Promise<MailSettings> {
  const row = (await db(SETTINGS).where({ user_id: userId }).first()) as (MailSettings & object) | undefined;
  if (!row) return { ...DEFAULT_DELIVERY, locale: fallbackLocale ?? DEFAULT_LOCALE };
  return {
    locale: row.locale,
    replies: row.replies,
    follows: row.follows,
    reviews: row.reviews,
    runs: row.runs,
  };
}

/** Writes the member's settings (the given ones over what they had); returns them all. */
export async function saveMailSettings(
  db: Knex,
  userId: string,
  changes: Partial<MailSettings>,
): Promise<MailSettings> {
  const current = await mailSettingsOf(db, userId, changes.locale);
  const next = { ...current, ...changes };
  await db(SETTINGS)
    .insert({ user_id: userId, ...next })
    .onConflict("user_id")
    .merge([...MAIL_CATEGORIES, "locale"]);
  return next;
}
