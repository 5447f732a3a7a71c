import type { Locale } from "@inkstone/config";
import { z } from "zod";
import { cms } from "./http.ts";
import type { ArticleList } from "./public.ts";
import {
  articleSummarySchema,
  authSchema,
  commentSchema,
  dataOf,
  listOf,
  notificationSchema,
  profileSchema,
} from "./schemas.ts";

/** Actions taken as a member, with the member's own JWT (never the community token). */

const as = (jwt: string) => ({ as: "member", jwt }) as const;
/** Sign-up and sign-in go through the community's door, with the address the CMS throttles failures by. */
const visitor = (clientAddress: string) => ({ as: "visitor", clientAddress }) as const;

/** `locale`: the language the verification mail is written in (the page the member signed up on). */
export const signUp = (
  input: { username: string; email: string; password: string; locale: Locale },
  clientAddress: string,
) => cms("/api/auth/local/register", authSchema, { auth: visitor(clientAddress), method: "POST", body: input });

export const signIn = (input: { identifier: string; password: string }, clientAddress: string) =>
  cms("/api/auth/local", authSchema, { auth: visitor(clientAddress), method: "POST", body: input });

export const myProfile = (jwt: string) => cms("/api/profiles/me", dataOf(profileSchema), { auth: as(jwt) });

export const updateMyProfile = (
  jwt: string,
  data: { displayName?: string; bio?: string; links?: { label: string; url: string }[] },
) => cms("/api/profiles/me", dataOf(profileSchema), { auth: as(jwt), method: "PUT", body: { data } });

/** The member's new avatar, as the CMS's avatar route takes it (one file, `avatar`); the CMS checks the image. */
export const setMyAvatar = (jwt: string, image: Blob, fileName: string) => {
  const form = new FormData();
  form.append("avatar", image, fileName);
  // An upload to check and resize takes longer than a read: AVIF and WebP sizes are made before the answer.
  return cms("/api/profiles/me/avatar", dataOf(profileSchema), {
    auth: as(jwt),
    method: "POST",
    body: form,
    timeoutMs: 60_000,
  });
};

export const removeMyAvatar = (jwt: string) =>
  cms("/api/profiles/me/avatar", dataOf(profileSchema), { auth: as(jwt), method: "DELETE" });

export const postComment = (
  jwt: string,
  data: { article: string; locale: Locale; body: string; parent?: string | undefined },
) => cms("/api/comments", dataOf(commentSchema), { auth: as(jwt), method: "POST", body: { data } });

export const editComment = (jwt: string, id: string, body: string) =>
  cms(`/api/comments/${encodeURIComponent(id)}`, dataOf(commentSchema), {
    auth: as(jwt),
    method: "PUT",
    body: { data: { body } },
  });

export const deleteComment = (jwt: string, id: string) =>
  cms(
    `/api/comments/${encodeURIComponent(id)}`,
    dataOf(z.object({ id: z.string(), article: z.string().optional(), locale: z.string().optional() })),
    { auth: as(jwt), method: "DELETE" },
  );

export const reportComment = (jwt: string, id: string) =>
  cms(`/api/comments/${encodeURIComponent(id)}/report`, z.unknown(), { auth: as(jwt), method: "POST" });

export type ReactionKind = "like" | "bookmark";

export const setReaction = (jwt: string, data: { article: string; kind: ReactionKind; active: boolean }) =>
  cms("/api/reactions", dataOf(z.object({ active: z.boolean(), likes: z.number(), bookmarks: z.number() })), {
    auth: as(jwt),
    method: "PUT",
    body: { data },
  });

/** The member's likes or bookmarks, newest first, as article document ids. */
export const myReactions = (jwt: string, kind: ReactionKind) =>
  cms("/api/reactions/mine", dataOf(z.array(z.object({ article: z.string(), at: z.string() }))), {
    auth: as(jwt),
    query: { kind },
  });

export type FollowTarget = "author" | "tag";

export const setFollow = (jwt: string, data: { targetType: FollowTarget; target: string; active: boolean }) =>
  cms("/api/follows", z.unknown(), { auth: as(jwt), method: "PUT", body: { data } });

export const myFollows = (jwt: string) =>
  cms(
    "/api/follows/mine",
    dataOf(
      z.object({
        authors: z.array(z.object({ handle: z.string(), displayName: z.string() })),
        tags: z.array(z.object({ slug: z.string(), name: z.string() })),
      }),
    ),
    { auth: as(jwt) },
  );

const notificationsSchema = z.object({
  data: z.array(notificationSchema),
  meta: z.object({
    unread: z.number(),
    pagination: z.object({ page: z.number(), pageSize: z.number(), total: z.number() }),
  }),
});

export const myNotifications = (jwt: string, options: { unread?: boolean; page?: number; pageSize?: number } = {}) =>
  cms("/api/notifications/mine", notificationsSchema, {
    auth: as(jwt),
    query: {
      unread: options.unread ? "true" : undefined,
      page: options.page ?? 1,
      pageSize: options.pageSize ?? 20,
    },
    timeoutMs: 3000,
  });

export const markNotificationsRead = (jwt: string, which: { ids: string[] } | { all: true }) =>
  cms("/api/notifications/read", dataOf(z.object({ marked: z.number() })), {
    auth: as(jwt),
    method: "POST",
    body: { data: which },
  });

export async function followingFeed(jwt: string, locale: Locale, page = 1): Promise<ArticleList> {
  const result = await cms("/api/feed/following", listOf(articleSummarySchema), {
    auth: as(jwt),
    query: { locale, page, pageSize: 12 },
  });
  return { articles: result.data, pagination: result.pagination };
}

export const memberStateSchema = z.object({
  likes: z.array(z.string()),
  bookmarks: z.array(z.string()),
  follows: z.object({ authors: z.array(z.string()), tags: z.array(z.string()) }),
  unread: z.number().int().nonnegative(),
  limited: z.boolean().optional(),
  /** Whether the member confirmed their address, and whether this community asks them to before they act. */
  emailVerified: z.boolean().default(true),
  verificationRequired: z.boolean().default(false),
  /** The member's address (masked or not), for the banner asking them to confirm it; a generic phrase without it. */
  email: z.string().nullish(),
});

/** Everything personal a page shows (likes, bookmarks, follows, unread count), in one small request. */
export const myState = (jwt: string) =>
  cms("/api/members/me/state", dataOf(memberStateSchema), { auth: as(jwt), timeoutMs: 3000 });
