'use strict';
/** Floor, part 2: a bare NATS responder doing the same primary-key SELECT with raw clients (no framework). */
const { connect } = require('nats');
const { Pool } = require('pg');

async function main() {
  const pool = new Pool({ connectionString: process.env.FLOOR_DATABASE_URL, max: 10 });
  const nc = await connect({
    servers: process.env.FLOOR_NATS_URL,
    // As the benchmark's NATS user, like KAM's apps with theirs (ADR 0018).
    ...(process.env.KAM_BENCH_NATS_USER
      ? { user: process.env.KAM_BENCH_NATS_USER, pass: process.env.KAM_BENCH_NATS_PASSWORD }
      : {}),
  });
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  nc.subscribe('kam.bench.floor.account.get', {
    queue: 'bench-floor',
    callback: async (err, msg) => {
      if (err) return;
      const { workspaceId, id } = JSON.parse(dec.decode(msg.data));
      const r = await pool.query(
        `SELECT id, workspace_id, crm_company_id, name, tier, category, status, industry, region, owner_id,
                service_team_id, assistant_ids, annual_purchase_minor, currency, profit_contribution_pct, version,
                created_at, updated_at
         FROM account_management.accounts WHERE id = $1 AND workspace_id = $2`,
        [id, workspaceId],
      );
      msg.respond(enc.encode(JSON.stringify(r.rows[0] ?? null)));
    },
  });
  await nc.flush();
  process.stdout.write('ready\n');
  process.on('SIGTERM', async () => {
    await nc.drain();
    await pool.end();
    process.exit(0);
  });
}
main();
