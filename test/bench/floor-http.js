'use strict';
/** Floor, part 1: a bare Node HTTP server that does the same NATS request as the gateway (no framework). */
const http = require('node:http');
const { connect } = require('nats');

async function main() {
  const nc = await connect({
    servers: process.env.FLOOR_NATS_URL,
    ...(process.env.KAM_BENCH_NATS_USER
      ? { user: process.env.KAM_BENCH_NATS_USER, pass: process.env.KAM_BENCH_NATS_PASSWORD }
      : {}),
  });
  const enc = new TextEncoder();
  const workspaceId = process.env.FLOOR_WORKSPACE_ID;
  const server = http.createServer(async (req, res) => {
    const id = req.url.split('/').pop();
    try {
      const reply = await nc.request(
        'kam.bench.floor.account.get',
        enc.encode(JSON.stringify({ workspaceId, id })),
        { timeout: 3000 },
      );
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(reply.data);
    } catch {
      res.writeHead(503);
      res.end();
    }
  });
  server.keepAliveTimeout = 65000;
  server.listen(Number(process.env.FLOOR_PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
  process.on('SIGTERM', async () => {
    server.close();
    await nc.drain();
    process.exit(0);
  });
}
main();
