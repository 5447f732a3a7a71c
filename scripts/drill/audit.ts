// What the drill's members, articles and authors are, and the audit at its end: every write the load was told is
// done must be in the CMS's database exactly once, and none it was told failed may be there. Read straight from
// PostgreSQL: the audit must not trust the services it is auditing.
import pg from "pg";
import { type CmsApi, cmsApi } from "../../cms/test/cms-api.ts";
import { citedBody, publishArticle } from "../../community/test/support/content.ts";
import { Visitor } from "../../community/test/support/visitor.ts";
import type { Member, Target, Write } from "./load.ts";
import type { DrillStack } from "./stack.ts";

const PASSWORD = "Passw0rd-drill";
const MEMBERS = ["drill-ada", "drill-bo", "drill-cai"];

export type DrillTarget = Target & {
  api: CmsApi;
  /** Publishes an article as an editor would; its title is looked for in search at the end. */
  publish(title: string): Promise<void>;
  published: string[];
};

/** Signs the load's members up through the community, and finds the articles and authors the seed content made. */
export async function prepare(stack: DrillStack): Promise<DrillTarget> {
  const base = stack.communityUrl;
  const members: Member[] = [];
  for (const name of MEMBERS) {
    const visitor = new Visitor(base);
    const joined = await visitor.signUp(name, PASSWORD);
    if (joined.status !== 303 || !visitor.cookieNames.includes("inkstone_session"))
      throw new Error(`could not sign ${name} up: ${joined.status} ${joined.text.slice(0, 200)}`);
    members.push({ name, visitor });
  }
  const api = cmsApi(stack.env);
  const listed = await api.call(
    "GET",
    "/api/articles?locale=en&fields[0]=slug&populate[author][fields][0]=handle&pagination[pageSize]=30",
    { token: String(stack.env.CMS_COMMUNITY_TOKEN) },
  );
  const rows = (listed.body?.data ?? []) as { documentId: string; slug: string; author?: { handle: string } }[];
  if (rows.length < 5) throw new Error(`the seed content has ${rows.length} English articles; the drill needs 5`);
  const author = await api.signUp("drill-editor-pick");
  const published: string[] = [];
  return {
    base,
    members,
    articles: rows.map((row) => ({ path: `/en/a/${row.slug}`, documentId: row.documentId })),
    authors: [...new Set(rows.flatMap((row) => (row.author ? [row.author.handle] : [])))],
    source: `${stack.sourcesUrl}/tides`,
    api,
    published,
    async publish(title) {
      await publishArticle(api, author.user.documentId, `drill-${published.length}`, { title, ...citedBody });
      published.push(title);
    },
  };
}

export type Check = {
  kind: Write["kind"] | "search";
  key: string;
  problem: "lost" | "doubled" | "done though refused";
};

export type Ledger = { checked: Record<string, number>; problems: Check[] };

/** Looks for every write of the ledger in the database, waiting for accepted runs to finish (at most `runWaitMs`). */
export async function verifyWrites(
  stack: DrillStack,
  target: DrillTarget,
  writes: Write[],
  runWaitMs = 180_000,
): Promise<Ledger> {
  const db = new pg.Client({ connectionString: String(stack.env.DATABASE_URL) });
  await db.connect();
  try {
    const problems: Check[] = [];
    const checked: Record<string, number> = {};
    const judge = (write: Write, count: number) => {
      checked[write.kind] = (checked[write.kind] ?? 0) + 1;
      if (count > 1) problems.push({ kind: write.kind, key: write.key, problem: "doubled" });
      else if (write.done === true && count === 0) problems.push({ kind: write.kind, key: write.key, problem: "lost" });
      else if (write.done === false && count === 1)
        problems.push({ kind: write.kind, key: write.key, problem: "done though refused" });
    };

    const comments = await counts(db, "SELECT body AS key, count(*)::int AS n FROM comments GROUP BY body");
    for (const write of writes.filter((w) => w.kind === "comment"))
      judge(write, comments.get(`Noted ${write.key}.`) ?? 0);

    const profiles = await counts(db, "SELECT handle AS key, id AS n FROM profiles");
    const profileOf = (handle: string) => profiles.get(handle) ?? -1;
    const reactions = await counts(db, "SELECT key, count(*)::int AS n FROM reactions GROUP BY key");
    for (const write of writes.filter((w) => w.kind === "like")) {
      const [member = "", article = ""] = write.key.split(":");
      judge(write, reactions.get(`${profileOf(member)}:${article}:like`) ?? 0);
    }
    const follows = await counts(db, "SELECT key, count(*)::int AS n FROM follows GROUP BY key");
    for (const write of writes.filter((w) => w.kind === "follow")) {
      const [member = "", author = ""] = write.key.split(":");
      judge(write, follows.get(`${profileOf(member)}:author:${profileOf(author)}`) ?? 0);
    }

    // Runs take a while: each accepted one must leave exactly one draft.
    const runs = writes.filter((w) => w.kind === "run");
    const drafts = async () =>
      counts(
        db,
        `SELECT g.run_id AS key, count(DISTINCT a.document_id)::int AS n FROM articles a
           JOIN articles_cmps c ON c.entity_id = a.id AND c.field = 'generation'
           JOIN components_article_generations g ON g.id = c.cmp_id
         WHERE a.published_at IS NULL GROUP BY g.run_id`,
      );
    const deadline = Date.now() + runWaitMs;
    let seen = await drafts();
    while (runs.some((run) => !seen.has(run.key)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      seen = await drafts();
    }
    for (const run of runs) judge(run, seen.get(run.key) ?? 0);

    // Published while search was away: found once it is back (the outbox drained).
    for (const title of target.published) {
      checked.search = (checked.search ?? 0) + 1;
      const searched = () => new Visitor(target.base).get(`/en/search?q=${encodeURIComponent(title)}`);
      let found = await searched();
      for (let i = 0; i < 30 && !found.text.includes(title); i++) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        found = await searched();
      }
      if (!found.text.includes(title)) problems.push({ kind: "search", key: title, problem: "lost" });
    }
    return { checked, problems };
  } finally {
    await db.end();
  }
}

async function counts(db: pg.Client, sql: string): Promise<Map<string, number>> {
  const { rows } = await db.query<{ key: string; n: number }>(sql);
  return new Map(rows.map((row) => [row.key, Number(row.n)]));
}
