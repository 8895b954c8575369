import type { Kysely } from 'kysely';

// Frozen: never edit once landed. Add a new timestamped file instead.
// Migrations see the schema as it was then, so they are deliberately untyped.
type AnyDb = Kysely<any>;

/*
 * Each code remembers how /oauth/authorize allowed its redirect URI: `exact` (registered)
 * or `host_pattern` (only a host pattern allowed it), which the token endpoint holds to
 * more (issue 17, H1). The default is the stricter reading, so a row written without it is
 * never the lenient kind.
 *
 * Unspent codes from before this version are judged once, here, against their app's
 * registered URIs: a code whose request named no redirect URI, or named one registered
 * verbatim, is `exact`. A loopback URI registered on another port stays `host_pattern`
 * (stricter) for the few minutes such a code can still be redeemed. Spent codes are never
 * redeemed again, and the clean-up removes them within a day.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .alterTable('authorization_codes')
    .addColumn('redirect_uri_match', 'text', (c) => c.notNull().defaultTo('host_pattern'))
    .execute();

  const unspent = await db
    .selectFrom('authorization_codes as c')
    .innerJoin('apps as a', 'a.client_id', 'c.client_id')
    .select(['c.code_hash', 'c.redirect_uri', 'c.redirect_uri_sent', 'a.redirect_uris'])
    .where('c.used_at', 'is', null)
    .execute();
  const exact = unspent
    .filter(
      (row) =>
        row.redirect_uri_sent === null || (JSON.parse(row.redirect_uris) as unknown[]).includes(row.redirect_uri),
    )
    .map((row) => row.code_hash as string);
  // in batches: both dialects cap the parameters one statement may bind
  for (let i = 0; i < exact.length; i += 500) {
    await db
      .updateTable('authorization_codes')
      .set({ redirect_uri_match: 'exact' })
      .where('code_hash', 'in', exact.slice(i, i + 500))
      .execute();
  }
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('authorization_codes').dropColumn('redirect_uri_match').execute();
}
