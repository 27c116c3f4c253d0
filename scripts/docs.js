'use strict';
/**
 * `npm run docs`: regenerates the committed API documents.
 * - docs/openapi.json: the gateway's OpenAPI document, built from the compiled controllers without any server
 *   (compiled into .data/build-docs, never into dist/ which a running `npm start` uses; `--no-build` reuses it);
 * - clients/kam-api.d.ts: TypeScript types of that document;
 * - docs/asyncapi.yaml: the AsyncAPI 3 document of every NATS subject and event, from libs/contracts;
 * - deploy/nats-server.conf: the NATS users of the apps and their permissions, from libs/messaging (ADR 0018).
 * `--check` writes nothing and exits 1 when a committed file is out of date.
 */
const fs = require('node:fs');
const path = require('node:path');
const { build } = require('./build');
const { asyncApiYaml, loadProgram } = require('./lib/asyncapi');
const { addResponseSchemas } = require('./lib/openapi-responses');
const { openApiTypes } = require('./lib/openapi-types');

const ROOT = path.resolve(__dirname, '..');
const FILES = {
  openapi: path.join(ROOT, 'docs', 'openapi.json'),
  types: path.join(ROOT, 'clients', 'kam-api.d.ts'),
  asyncapi: path.join(ROOT, 'docs', 'asyncapi.yaml'),
  natsConfig: path.join(ROOT, 'deploy', 'nats-server.conf'),
};

/**
 * The three documents from the OpenAPI object the controllers give (the caller builds it: compiled here, from
 * source in the test) and the function that completes it (openapi-complete.ts), run again after the response
 * schemas read from the controllers' return types are added.
 */
function renderDocs(openapi, complete) {
  const program = loadProgram();
  addResponseSchemas(openapi, program);
  complete(openapi);
  return {
    openapi: `${JSON.stringify(openapi, null, 2)}\n`,
    types: openApiTypes(openapi),
    asyncapi: asyncApiYaml(program),
  };
}

async function main() {
  const args = process.argv.slice(2);
  const outDir = path.join(ROOT, '.data', 'build-docs');
  if (!args.includes('--no-build')) build(outDir);
  const { openApiSnapshot } = require(
    path.join(outDir, 'apps', 'gateway', 'src', 'docs', 'openapi-snapshot.js'),
  );
  const { completeOpenApi } = require(
    path.join(outDir, 'apps', 'gateway', 'src', 'docs', 'openapi-complete.js'),
  );
  const { ERROR_CODES } = require(path.join(outDir, 'libs', 'contracts', 'src', 'errors.js'));
  const { natsServerConfig } = require(path.join(outDir, 'libs', 'messaging', 'src', 'nats-permissions.js'));
  const docs = {
    ...renderDocs(await openApiSnapshot({ committed: false }), (d) => completeOpenApi(d, ERROR_CODES)),
    natsConfig: natsServerConfig(),
  };
  let stale = 0;
  for (const [k, file] of Object.entries(FILES)) {
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    if (current === docs[k]) continue;
    stale++;
    if (args.includes('--check')) {
      process.stderr.write(`[kam] ${path.relative(ROOT, file)} is out of date: run npm run docs\n`);
    } else {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, docs[k]);
      process.stdout.write(`[kam] wrote ${path.relative(ROOT, file)}\n`);
    }
  }
  if (args.includes('--check') && stale) process.exit(1);
  if (!stale) process.stdout.write('[kam] API documents are up to date\n');
}

module.exports = { renderDocs, FILES };

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`${e.stack ?? e}\n`);
    process.exit(1);
  });
}
