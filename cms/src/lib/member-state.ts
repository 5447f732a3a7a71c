import type { Knex } from "knex";

/** How many entries each list holds at most: the newest ones. */
export const MEMBER_STATE_LIMIT = 5000;

export type MemberState = {
  /** Article documentIds, newest first. */
  likes: string[];
  bookmarks: string[];
  follows: { authors: string[]; tags: string[] };
  unread: number;
  /** Whether any list was cut at MEMBER_STATE_LIMIT. */
  limited: boolean;
};

type Row = { likes: string[]; bookmarks: string[]; authors: string[]; tags: string[]; unread: number };

/**
 * Everything personal the community's pages show for the member with profile id `profileId`, in one statement:
 * one round trip on the signed-in hot path, reading only the columns shown. The `*_lnk` tables are where Strapi
 * keeps relations (`<collection>_<attribute>_lnk`, `<type>_id` columns). Each list asks for one row more than the
 * bound, so a cut list is known without counting. `created_at, id` orders rows created in the same millisecond.
 */
export async function memberState(db: Knex, profileId: number): Promise<MemberState> {
  const { rows } = await db.raw<{ rows: Row[] }>(
    `SELECT
       ARRAY(SELECT r.article_document_id FROM reactions r
             JOIN reactions_member_lnk m ON m.reaction_id = r.id
             WHERE m.profile_id = :profile AND r.kind = 'like'
             ORDER BY r.created_at DESC, r.id DESC LIMIT :take) AS likes,
       ARRAY(SELECT r.article_document_id FROM reactions r
             JOIN reactions_member_lnk m ON m.reaction_id = r.id
             WHERE m.profile_id = :profile AND r.kind = 'bookmark'
             ORDER BY r.created_at DESC, r.id DESC LIMIT :take) AS bookmarks,
       ARRAY(SELECT p.handle FROM follows f
             JOIN follows_follower_lnk fl ON fl.follow_id = f.id
             JOIN follows_author_lnk fa ON fa.follow_id = f.id
             JOIN profiles p ON p.id = fa.profile_id
             WHERE fl.profile_id = :profile
             ORDER BY f.created_at DESC, f.id DESC LIMIT :take) AS authors,
       ARRAY(SELECT t.slug FROM follows f
             JOIN follows_follower_lnk fl ON fl.follow_id = f.id
             JOIN follows_tag_lnk ft ON ft.follow_id = f.id
             JOIN tags t ON t.id = ft.tag_id
             WHERE fl.profile_id = :profile
             ORDER BY f.created_at DESC, f.id DESC LIMIT :take) AS tags,
       (SELECT count(*)::int FROM notifications n
        JOIN notifications_recipient_lnk nr ON nr.notification_id = n.id
        WHERE nr.profile_id = :profile AND n.read = false) AS unread`,
    { profile: profileId, take: MEMBER_STATE_LIMIT + 1 },
  );
  const row = rows[0] as Row;
  const lists = [row.likes, row.bookmarks, row.authors, row.tags];
  const bounded = (list: string[]) => list.slice(0, MEMBER_STATE_LIMIT);
  return {
    likes: bounded(row.likes),
    bookmarks: bounded(row.bookmarks),
    follows: { authors: bounded(row.authors), tags: bounded(row.tags) },
    unread: row.unread,
    limited: lists.some((list) => list.length > MEMBER_STATE_LIMIT),
  };
}
