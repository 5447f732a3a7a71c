import { createTestDatabase } from "../../../scripts/test/services.ts";
import { openStore, type Store } from "../../src/lib/store/pool.ts";

/** A community store on a fresh database of the tests' PostgreSQL; closed after the file's tests by the caller. */
export async function testStore(): Promise<{ store: Store; url: string; close(): Promise<void> }> {
  const url = await createTestDatabase();
  const store = openStore(url);
  await store.ready;
  return { store, url, close: () => store.pool.end() };
}

/** A clock the test moves by hand. */
export function clock(start = 1_800_000_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}
