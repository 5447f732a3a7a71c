import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase, isolationId, testInfra } from "./services.ts";

// Smoke tests: the global setup's real servers answer, and per-file isolation gives separate resources.
describe("shared test infrastructure", () => {
  it("PostgreSQL round-trips a query in this file's own database", async () => {
    const url = await createTestDatabase();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query("CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)");
      await client.query("INSERT INTO notes (body) VALUES ($1), ($2)", ["墨石", "inkstone"]);
      const { rows } = await client.query("SELECT body FROM notes ORDER BY id");
      expect(rows.map((row) => row.body)).toEqual(["墨石", "inkstone"]);
      const { rows: db } = await client.query("SELECT current_database() AS name");
      expect(db[0].name).toBe(new URL(url).pathname.slice(1));
    } finally {
      await client.end();
    }
  });

  describe("Meilisearch", () => {
    const { meiliUrl, meiliMasterKey } = testInfra();
    const index = `${isolationId()}_smoke`;
    type MeiliBody = { taskUid?: number; status?: string; hits?: { id: string }[] };
    const call = async (path: string, init: RequestInit = {}) => {
      const response = await fetch(`${meiliUrl}${path}`, {
        ...init,
        headers: { Authorization: `Bearer ${meiliMasterKey}`, "Content-Type": "application/json" },
      });
      return { status: response.status, body: (await response.json()) as MeiliBody };
    };
    afterAll(() => call(`/indexes/${index}`, { method: "DELETE" }));

    it("indexes a document and then finds it", async () => {
      const { body: task } = await call(`/indexes/${index}/documents?primaryKey=id`, {
        method: "POST",
        body: JSON.stringify([{ id: "a1", title: "The walking skeleton stands" }]),
      });
      // Indexing is asynchronous: wait for Meilisearch's task to finish.
      await expect
        .poll(async () => (await call(`/tasks/${task.taskUid}`)).body.status, { timeout: 10_000, interval: 100 })
        .toBe("succeeded");
      const { body } = await call(`/indexes/${index}/search`, {
        method: "POST",
        body: JSON.stringify({ q: "skeleton" }),
      });
      expect(body.hits?.map((hit) => hit.id)).toEqual(["a1"]);
    });

    it("refuses requests without the key", async () => {
      const response = await fetch(`${meiliUrl}/indexes`);
      expect(response.status).toBe(401);
    });
  });
});
