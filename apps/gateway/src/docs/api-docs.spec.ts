import * as fs from 'node:fs';
import * as path from 'node:path';
import { ERROR_CODES, EVENTS, SUBJECTS } from '@app/contracts';
import { openApiSnapshot } from './openapi-snapshot';
import { completeOpenApi } from './openapi-complete';

// Plain JS generators shared with `npm run docs` (scripts/docs.js).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { renderDocs, FILES } = require('../../../../scripts/docs.js') as {
  renderDocs(
    openapi: object,
    complete: (doc: Json) => void,
  ): Record<'openapi' | 'types' | 'asyncapi', string>;
  FILES: Record<'openapi' | 'types' | 'asyncapi', string>;
};

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- walking JSON documents

describe('API documents (OpenAPI, client types, AsyncAPI)', () => {
  let docs: Record<'openapi' | 'types' | 'asyncapi', string>;
  let openapi: Json;

  beforeAll(async () => {
    openapi = (await openApiSnapshot({ committed: false })) as unknown as Json;
    docs = renderDocs(openapi, (doc) => completeOpenApi(doc as never, ERROR_CODES));
  }, 120_000);

  it.each(['openapi', 'types', 'asyncapi'] as const)(
    'the committed %s document is what `npm run docs` generates now',
    (kind) => {
      const committed = fs.readFileSync(FILES[kind], 'utf8');
      if (committed !== docs[kind])
        throw new Error(`${path.basename(FILES[kind])} is out of date: run \`npm run docs\` and commit it`);
    },
  );

  it('every operation has a summary, and every error it can give is problem+json with an example', () => {
    const problems = openapi.components.responses as Json;
    for (const [route, item] of Object.entries(openapi.paths as Json)) {
      for (const [method, op] of Object.entries(item as Json)) {
        expect(`${method} ${route}: ${op.summary ?? ''}`).not.toMatch(/: $/);
        for (const [status, res] of Object.entries(op.responses as Json)) {
          if (!/^[45]/.test(status)) continue;
          const resolved = res.$ref ? problems[String(res.$ref).split('/').pop() as string] : res;
          expect(resolved.content?.['application/problem+json']?.example?.status).toBe(Number(status));
        }
      }
    }
  });

  it('every property of every schema has an example (inline objects: every property of theirs)', () => {
    const missing: string[] = [];
    const walk = (where: string, schema: Json) => {
      for (const [prop, s] of Object.entries((schema.properties ?? {}) as Json)) {
        if (s.$ref || s.allOf || s.oneOf) continue;
        if (s.type === 'object' && s.properties) walk(`${where}.${prop}`, s);
        else if (s.type === 'array' && s.items?.properties) walk(`${where}.${prop}[]`, s.items);
        else if (s.example === undefined && !(s.type === 'array' && s.items?.$ref))
          missing.push(`${where}.${prop}`);
      }
    };
    for (const [name, schema] of Object.entries(openapi.components.schemas as Json)) walk(name, schema);
    expect(missing).toEqual([]);
  });

  it('the AsyncAPI document has a channel for every subject and event of the contracts', () => {
    const subjects = [
      ...Object.values(SUBJECTS).flatMap((s) => Object.values(s) as string[]),
      ...(Object.values(EVENTS) as string[]),
    ];
    for (const s of subjects) expect(docs.asyncapi).toContain(`    address: ${s}\n`);
    expect(docs.asyncapi.startsWith('asyncapi: "3.0.0"\n')).toBe(true);
  });
});
