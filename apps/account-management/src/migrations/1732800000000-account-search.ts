import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Substring search scoped to the workspace. The bigram index of the previous migration held bare bigrams
 * for every workspace together: a search for 华为 in one workspace read the posting lists of all of them
 * (with 100 workspaces, 99 % of the entries it read were thrown away by the workspace filter). Here each
 * bigram is prefixed with the workspace id, so one index lookup finds only the workspace's own candidates.
 * ILIKE still confirms every candidate; a one-character query has no bigram and is filtered by ILIKE alone.
 * Also drops an index that another one's prefix makes redundant (bulk import writes every index per row).
 */
export class AccountSearch1732800000000 implements MigrationInterface {
  name = 'AccountSearch1732800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX accounts_name_bigrams`);
    await q.query(`ALTER TABLE accounts DROP COLUMN name_bigrams`);
    await q.query(`DROP FUNCTION name_bigrams(text)`);
    // A loop rather than array_agg(DISTINCT …): a third of the cost on every insert (GIN drops repeated keys).
    await q.query(`
      CREATE FUNCTION account_search_grams(ws uuid, t text) RETURNS text[]
      LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
      DECLARE
        l text := lower(t);
        prefix text := ws::text || ':';
        grams text[] := '{}';
      BEGIN
        FOR i IN 1 .. char_length(l) - 1 LOOP
          grams := grams || (prefix || substr(l, i, 2));
        END LOOP;
        RETURN grams;
      END
      $$`);
    await q.query(
      `ALTER TABLE accounts ADD COLUMN search_grams text[]
         GENERATED ALWAYS AS (account_search_grams(workspace_id, name)) STORED`,
    );
    await q.query(`CREATE INDEX accounts_search_grams ON accounts USING gin (search_grams)`);
    // (workspace_id, owner_id) is the prefix of accounts_by_owner_name: one index less to write on every insert.
    await q.query(`DROP INDEX accounts_by_owner`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX accounts_by_owner ON accounts (workspace_id, owner_id)`);
    await q.query(`DROP INDEX accounts_search_grams`);
    await q.query(`ALTER TABLE accounts DROP COLUMN search_grams`);
    await q.query(`DROP FUNCTION account_search_grams(uuid, text)`);
    await q.query(`
      CREATE FUNCTION name_bigrams(t text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(DISTINCT substr(lower(t), i, 2)), '{}')
        FROM generate_series(1, greatest(char_length(t) - 1, 0)) AS i
      $$`);
    await q.query(
      `ALTER TABLE accounts ADD COLUMN name_bigrams text[] GENERATED ALWAYS AS (name_bigrams(name)) STORED`,
    );
    await q.query(`CREATE INDEX accounts_name_bigrams ON accounts USING gin (name_bigrams)`);
  }
}
