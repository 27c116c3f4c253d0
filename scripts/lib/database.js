'use strict';
/**
 * Creates the database, one schema and one login role per service. A service's role owns its schema and
 * has no right on any other schema (nor on `public`), so no service can read another's tables.
 */
const { Client } = require('pg');
const { SERVICES } = require('./stack');

function ident(name) {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad identifier ${name}`);
  return `"${name}"`;
}

function literal(value) {
  return `'${String(value).replace(/'/g, "''")}'`;
}

async function withClient(url, fn) {
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 10000 });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * @param adminUrl  a URL of a role that may create roles (and the database, when `database` differs)
 * @param database  the database to use; created when missing
 * @param passwords { [service]: password }
 */
async function bootstrapDatabase(adminUrl, database, passwords) {
  const adminDb = new URL(adminUrl).pathname.slice(1) || 'postgres';
  if (adminDb !== database) {
    await withClient(adminUrl, async (c) => {
      const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (!rowCount) await c.query(`CREATE DATABASE ${ident(database)} ENCODING 'UTF8' TEMPLATE template0`);
    });
  }
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${database}`;
  await withClient(dbUrl.toString(), async (c) => {
    await c.query(`REVOKE ALL ON DATABASE ${ident(database)} FROM PUBLIC`);
    await c.query('REVOKE ALL ON SCHEMA public FROM PUBLIC');
    for (const [service, schema] of Object.entries(SERVICES)) {
      const role = `kam_${schema}`;
      const { rowCount } = await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
      const verb = rowCount ? 'ALTER' : 'CREATE';
      await c.query(
        `${verb} ROLE ${ident(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION ` +
          `CONNECTION LIMIT 200 PASSWORD ${literal(passwords[service])}`,
      );
      await c.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${ident(database)} TO ${ident(role)}`);
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)} AUTHORIZATION ${ident(role)}`);
      await c.query(`ALTER SCHEMA ${ident(schema)} OWNER TO ${ident(role)}`);
      await c.query(`REVOKE ALL ON SCHEMA ${ident(schema)} FROM PUBLIC`);
      await c.query(
        `ALTER ROLE ${ident(role)} IN DATABASE ${ident(database)} SET search_path = ${ident(schema)}`,
      );
    }
  });
}

module.exports = { bootstrapDatabase, withClient };
