import type { Core } from "@strapi/strapi";
import { mailSettingsOf } from "../mail/settings.ts";
import type { Account } from "./members.ts";
import { type ZipEntry, zip } from "./zip.ts";

/**
 * Everything a member made, as one archive they can keep or take elsewhere: their account and profile, their
 * articles and drafts as Markdown, comments, likes, bookmarks, follows and Ask Inkstone conversations (JSON and
 * Markdown). Other people's data — who liked their articles, replies to their comments — is not theirs to take.
 */

const ARTICLE = "api::article.article";

type Article = {
  documentId: string;
  locale: string;
  title: string;
  slug: string;
  summary: string | null;
  body: string | null;
  publishedAt: string | null;
  updatedAt: string;
  sources?: { title?: string; url?: string }[];
  tags?: { name: string }[];
};

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const yamlString = (value: string) => JSON.stringify(value);

function articleMarkdown(article: Article, published: boolean): string {
  const sources = (article.sources ?? []).map((s, i) => `[${i + 1}] ${s.title ?? ""} ${s.url ?? ""}`.trim());
  return [
    "---",
    `title: ${yamlString(article.title)}`,
    `slug: ${yamlString(article.slug)}`,
    `locale: ${article.locale}`,
    `status: ${published ? "published" : "draft"}`,
    `updated: ${article.updatedAt}`,
    ...(article.tags?.length ? [`tags: [${article.tags.map((t) => yamlString(t.name)).join(", ")}]`] : []),
    ...(article.summary ? [`summary: ${yamlString(article.summary)}`] : []),
    "---",
    "",
    `# ${article.title}`,
    "",
    article.body ?? "",
    ...(sources.length ? ["", "## Sources", "", ...sources] : []),
    "",
  ].join("\n");
}

/** The member's archive (a ZIP) and its file name. */
export async function exportAccount(
  strapi: Core.Strapi,
  account: Account,
): Promise<{ fileName: string; data: Buffer }> {
  const profileId = account.profile?.id ?? -1;
  const db = strapi.db.connection;
  const profile = await strapi.documents("api::profile.profile").findFirst({
    filters: { id: profileId },
    populate: { links: true, avatar: { fields: ["url"] } },
  });
  // Every article has a draft version holding its latest text; the published versions say which are live.
  const drafts = (await strapi.documents(ARTICLE).findMany({
    filters: { author: { id: profileId } },
    locale: "*",
    status: "draft",
    populate: { sources: true, tags: { fields: ["name"] } },
    limit: 10_000,
  } as never)) as unknown as Article[];
  const live = (await strapi.documents(ARTICLE).findMany({
    filters: { author: { id: profileId } },
    locale: "*",
    status: "published",
    fields: ["locale"],
    limit: 10_000,
  } as never)) as unknown as { documentId: string; locale: string }[];
  const isLive = new Set(live.map((a) => `${a.documentId}:${a.locale}`));
  const comments = await strapi.documents("api::comment.comment").findMany({
    filters: { author: { id: profileId }, visibility: { $ne: "deleted" } },
    fields: ["body", "articleDocumentId", "articleLocale", "visibility", "edited", "createdAt", "updatedAt"],
    populate: { parent: { fields: ["documentId"] } },
    sort: ["createdAt:asc"],
    limit: 100_000,
  } as never);
  const { rows: reactions } = await db.raw<{ rows: { kind: string; article: string; at: string }[] }>(
    `SELECT r.kind, r.article_document_id AS article, r.created_at AS at FROM reactions r
       JOIN reactions_member_lnk m ON m.reaction_id = r.id WHERE m.profile_id = ? ORDER BY r.created_at`,
    [profileId],
  );
  const { rows: follows } = await db.raw<{ rows: { author: string | null; tag: string | null; at: string }[] }>(
    `SELECT p.handle AS author, t.slug AS tag, f.created_at AS at FROM follows f
       JOIN follows_follower_lnk fl ON fl.follow_id = f.id
       LEFT JOIN follows_author_lnk fa ON fa.follow_id = f.id LEFT JOIN profiles p ON p.id = fa.profile_id
       LEFT JOIN follows_tag_lnk ft ON ft.follow_id = f.id LEFT JOIN tags t ON t.id = ft.tag_id
     WHERE fl.profile_id = ? ORDER BY f.created_at`,
    [profileId],
  );
  const conversations = (await strapi.documents("api::conversation.conversation").findMany({
    filters: { member: { id: profileId } },
    populate: { messages: { fields: ["role", "text", "status", "citations", "createdAt"], sort: ["createdAt:asc"] } },
    sort: ["createdAt:asc"],
    limit: 10_000,
  } as never)) as unknown as {
    documentId: string;
    title: string;
    language: string;
    createdAt: string;
    messages?: { role: string; text: string | null; status: string; createdAt: string }[];
  }[];

  const handle = account.profile?.handle ?? account.username;
  const entries: ZipEntry[] = [
    {
      name: "README.txt",
      data: [
        `Inkstone: the data of ${handle}, exported ${new Date().toISOString()}.`,
        "",
        "account.json        your account and profile",
        "articles/           your articles and drafts, one Markdown file each (front matter, text, sources)",
        "comments.json       your comments, with the article each is on",
        "reactions.json      the articles you liked and bookmarked",
        "follows.json        the authors and tags you follow",
        "conversations/      your Ask Inkstone conversations, one Markdown file each",
        "mail-settings.json  which mail you asked for",
        "",
      ].join("\n"),
    },
    {
      name: "account.json",
      data: json({
        username: account.username,
        email: account.email,
        emailConfirmed: account.confirmed === true,
        profile,
      }),
    },
    ...drafts.map((article) => ({
      name: `articles/${article.locale}/${article.slug || article.documentId}.md`,
      data: articleMarkdown(article, isLive.has(`${article.documentId}:${article.locale}`)),
    })),
    { name: "comments.json", data: json(comments) },
    {
      name: "reactions.json",
      data: json({
        likes: reactions.filter((r) => r.kind === "like").map(({ article, at }) => ({ article, at })),
        bookmarks: reactions.filter((r) => r.kind === "bookmark").map(({ article, at }) => ({ article, at })),
      }),
    },
    {
      name: "follows.json",
      data: json({
        authors: follows.filter((f) => f.author).map((f) => ({ handle: f.author, at: f.at })),
        tags: follows.filter((f) => f.tag).map((f) => ({ slug: f.tag, at: f.at })),
      }),
    },
    ...conversations.map((c) => ({
      name: `conversations/${c.createdAt.slice(0, 10)}-${c.documentId}.md`,
      data: [
        `# ${c.title}`,
        "",
        ...(c.messages ?? []).flatMap((m) => [
          `## ${m.role === "user" ? "Question" : "Answer"} (${m.createdAt})`,
          "",
          m.text ?? "",
          "",
        ]),
      ].join("\n"),
    })),
    { name: "mail-settings.json", data: json(await mailSettingsOf(db, account.documentId)) },
  ];
  const day = new Date().toISOString().slice(0, 10);
  return { fileName: `inkstone-${handle}-${day}.zip`, data: zip(entries) };
}
