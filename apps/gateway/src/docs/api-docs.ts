import * as fs from 'node:fs';
import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ERROR_CODES } from '@app/contracts';
import { completeOpenApi } from './openapi-complete';

/** Where the gateway serves the generated AsyncAPI document (docs/asyncapi.yaml). */
export const ASYNCAPI_PATH = '/api/asyncapi.yaml';

export function openApiConfig(): Omit<OpenAPIObject, 'paths'> {
  return new DocumentBuilder()
    .setTitle('KAM — key-account management')
    .setDescription(
      'REST API of the key-account module. Errors are RFC 9457 problem+json with a stable `code`; ' +
        'messages follow Accept-Language (zh-CN or en). Lists use cursor pagination; updates need If-Match. ' +
        `Events and NATS subjects: AsyncAPI at ${ASYNCAPI_PATH}.`,
    )
    .setVersion('1')
    .addBearerAuth()
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }, 'apiKey')
    .build();
}

/**
 * The OpenAPI document of the running gateway (served at /api/docs) and of `npm run docs` (docs/openapi.json):
 * what the controllers declare, completed with the shared problem+json error responses and examples. The running
 * gateway adds the success response schemas of the committed docs/openapi.json, which `npm run docs` reads from
 * the controllers' return types (TypeScript interfaces, invisible at run time).
 */
export function buildOpenApiDocument(
  app: INestApplication,
  opts: { committed?: boolean } = {},
): OpenAPIObject {
  const doc = completeOpenApi(SwaggerModule.createDocument(app, openApiConfig()), ERROR_CODES);
  if (opts.committed === false) return doc;
  const dir = docsDir();
  const file = dir && path.join(dir, 'openapi.json');
  if (file && fs.existsSync(file))
    mergeResponseSchemas(doc, JSON.parse(fs.readFileSync(file, 'utf8')) as OpenAPIObject);
  return doc;
}

/** Copies success response bodies (and the schemas they use) from `from` into operations of `doc` that lack one. */
export function mergeResponseSchemas(doc: OpenAPIObject, from: OpenAPIObject): void {
  type Op = { operationId?: string; responses?: Record<string, { content?: unknown }> };
  const byId = new Map<string, Op>();
  for (const item of Object.values(from.paths ?? {}))
    for (const op of Object.values(item as Record<string, Op>))
      if (op?.operationId) byId.set(op.operationId, op);
  for (const item of Object.values(doc.paths ?? {})) {
    for (const op of Object.values(item as Record<string, Op>)) {
      const source = op?.operationId ? byId.get(op.operationId) : undefined;
      if (!source?.responses || !op.responses) continue;
      for (const [status, res] of Object.entries(op.responses))
        if (/^2/.test(status) && !res.content && source.responses[status]?.content)
          res.content = source.responses[status].content;
    }
  }
  const schemas = (doc.components ??= {}).schemas ?? (doc.components.schemas = {});
  for (const [name, schema] of Object.entries(from.components?.schemas ?? {}))
    if (!schemas[name]) schemas[name] = schema;
}

/** The folder holding docs/asyncapi.yaml: in the working directory, or upwards from the compiled code. */
export function docsDir(from = __dirname): string | undefined {
  const candidates = [path.join(process.cwd(), 'docs')];
  for (let dir = from, i = 0; i < 8 && dir !== path.dirname(dir); i++, dir = path.dirname(dir))
    candidates.push(path.join(dir, 'docs'));
  return candidates.find((c) => fs.existsSync(path.join(c, 'asyncapi.yaml')));
}

/** The committed AsyncAPI document, read once at start-up; undefined when the image lacks docs/. */
export function asyncApiYaml(): string | undefined {
  const dir = docsDir();
  return dir ? fs.readFileSync(path.join(dir, 'asyncapi.yaml'), 'utf8') : undefined;
}
