#!/usr/bin/env node
'use strict';
/** Container health check of a NATS service: `node scripts/healthcheck.js accounts|performance|documents`. */
const { connect } = require('nats');

const SUBJECTS = {
  accounts: 'kam.accounts.system.ping',
  performance: 'kam.performance.system.ping',
  documents: 'kam.documents.system.ping',
};

async function main() {
  const subject = SUBJECTS[process.argv[2]];
  if (!subject) throw new Error(`usage: healthcheck.js ${Object.keys(SUBJECTS).join('|')}`);
  // As the service's own NATS user (the container's KAM_NATS_USER), which may ask its own ping (ADR 0018).
  const user = process.env.KAM_NATS_USER;
  const nc = await connect({
    servers: process.env.KAM_NATS_URL || 'nats://127.0.0.1:4222',
    timeout: 2000,
    ...(user ? { user, pass: process.env.KAM_NATS_PASSWORD, inboxPrefix: `_INBOX.${user}` } : {}),
  });
  const envelope = {
    actor: {
      workspaceId: '00000000-0000-0000-0000-000000000000',
      memberId: '00000000-0000-0000-0000-000000000000',
      roles: [],
      requestId: 'healthcheck',
      kind: 'system',
    },
    data: {},
  };
  const reply = await nc.request(subject, new TextEncoder().encode(JSON.stringify(envelope)), {
    timeout: 2000,
  });
  const body = JSON.parse(new TextDecoder().decode(reply.data));
  await nc.close();
  if (!body.ok || body.data.status !== 'up') throw new Error(JSON.stringify(body));
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  },
);
