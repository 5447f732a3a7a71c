import type { Knex } from "knex";

/**
 * Failed sign-ins slow down per (account, address) and are capped per account, in PostgreSQL so every community
 * replica shares them. Built so the throttle cannot be turned against an account's owner:
 *
 * - One address: after PAIR_FREE failures within PAIR_WINDOW that (account, address) pair waits, 1 minute then
 *   doubling up to 15, counted from its last failure. Other addresses are not slowed by it.
 * - All addresses: beyond ACCOUNT_CAP failures within ACCOUNT_WINDOW the account refuses attempts — except from
 *   addresses that signed in to it successfully before (kept KNOWN_FOR), so its owner, at home, still gets in,
 *   while guesses spread over many addresses get no further than the cap.
 *
 * An attempt is counted as a failure before the password is checked (under a per-account lock) and the count is
 * taken back when it succeeds, so concurrent guesses cannot all slip in under the cap at once.
 */
export const FAILURES_TABLE = "inkstone_signin_failures";
export const ADDRESSES_TABLE = "inkstone_signin_addresses";

export const THROTTLE = {
  pairFree: 5,
  pairWindowSeconds: 15 * 60,
  pairBaseDelaySeconds: 60,
  pairMaxDelaySeconds: 15 * 60,
  accountCap: 20,
  accountWindowSeconds: 60 * 60,
  knownForDays: 90,
} as const;

export type Verdict =
  | { ok: true; attemptId: string }
  | { ok: false; reason: "address" | "account"; retryAfterSeconds: number };

const seconds = (value: unknown) => Math.max(1, Math.ceil(Number(value)));

/** Decides whether `account` may try a password from `address` now; if so, counts the attempt as a failure. */
export async function reserveAttempt(db: Knex, account: string, address: string): Promise<Verdict> {
  return db.transaction(async (trx) => {
    // Attempts on one account are decided one at a time; the lock goes with the transaction.
    await trx.raw("SELECT pg_advisory_xact_lock(hashtext(?))", [`signin:${account}`]);
    const pair = (
      await trx.raw(
        `SELECT count(*)::int AS n, extract(epoch FROM max(at) - now()) AS since_last
         FROM ${FAILURES_TABLE} WHERE account = ? AND address = ? AND at > now() - make_interval(secs => ?)`,
        [account, address, THROTTLE.pairWindowSeconds],
      )
    ).rows[0] as { n: number; since_last: string | null };
    if (pair.n >= THROTTLE.pairFree) {
      const delay = Math.min(
        THROTTLE.pairMaxDelaySeconds,
        THROTTLE.pairBaseDelaySeconds * 2 ** (pair.n - THROTTLE.pairFree),
      );
      const wait = delay + Number(pair.since_last ?? 0);
      if (wait > 0) return { ok: false, reason: "address", retryAfterSeconds: seconds(wait) };
    }
    // The failure whose ageing out brings the account back under the cap: the cap-th most recent.
    const capping = (
      await trx.raw(
        `SELECT extract(epoch FROM at + make_interval(secs => ?) - now()) AS frees_in
         FROM ${FAILURES_TABLE} WHERE account = ? AND at > now() - make_interval(secs => ?)
         ORDER BY at DESC OFFSET ? LIMIT 1`,
        [THROTTLE.accountWindowSeconds, account, THROTTLE.accountWindowSeconds, THROTTLE.accountCap - 1],
      )
    ).rows[0] as { frees_in: string } | undefined;
    if (capping && !(await isKnownAddress(trx, account, address)))
      return { ok: false, reason: "account", retryAfterSeconds: seconds(capping.frees_in) };
    const [row] = await trx(FAILURES_TABLE).insert({ account, address }).returning("id");
    return { ok: true, attemptId: String(row.id) };
  });
}

async function isKnownAddress(db: Knex, account: string, address: string): Promise<boolean> {
  const row = await db(ADDRESSES_TABLE)
    .where({ account, address })
    .andWhereRaw("last_success_at > now() - make_interval(days => ?)", [THROTTLE.knownForDays])
    .first("account");
  return row !== undefined;
}

/**
 * What became of a reserved attempt: a wrong password stays counted; a success takes it back, clears the pair's
 * failures and remembers the address; anything else (a blocked account, a malformed request) just takes it back.
 */
export async function settleAttempt(
  db: Knex,
  attemptId: string,
  outcome: "failed" | "signed-in" | "neither",
  account: string,
  address: string,
): Promise<void> {
  if (outcome === "failed") return;
  await db.transaction(async (trx) => {
    await trx(FAILURES_TABLE).where({ id: attemptId }).delete();
    if (outcome !== "signed-in") return;
    await trx(FAILURES_TABLE).where({ account, address }).delete();
    await trx(ADDRESSES_TABLE)
      .insert({ account, address, last_success_at: trx.fn.now() })
      .onConflict(["account", "address"])
      .merge(["last_success_at"]);
  });
}

/** Forgets failures too old to count and addresses not used for KNOWN_FOR; returns how many rows went. */
export async function pruneSigninThrottle(db: Knex): Promise<number> {
  const failures = await db(FAILURES_TABLE)
    .whereRaw("at < now() - make_interval(secs => ?)", [
      Math.max(THROTTLE.accountWindowSeconds, THROTTLE.pairWindowSeconds) * 2,
    ])
    .delete();
  const addresses = await db(ADDRESSES_TABLE)
    .whereRaw("last_success_at < now() - make_interval(days => ?)", [THROTTLE.knownForDays])
    .delete();
  return failures + addresses;
}
