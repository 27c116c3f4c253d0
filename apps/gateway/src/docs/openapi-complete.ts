import type { OpenAPIObject } from '@nestjs/swagger';

/* The OpenAPI document is plain JSON here: walking it with loose types is simpler than with the union types
   of @nestjs/swagger, and every write below is checked by the document tests. */
type Json = Record<string, unknown>;
type ErrorTable = Record<string, { status: number; en: string }>;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** The shared error responses every operation may give, with the code used as their example. */
const COMMON_ERRORS: { status: number; code: string; when: string }[] = [
  {
    status: 400,
    code: 'validation_failed',
    when: 'The request is invalid (each bad field is listed in `errors`)',
  },
  { status: 401, code: 'unauthenticated', when: 'No valid token or API key' },
  { status: 403, code: 'forbidden', when: "The caller's roles do not allow this" },
  { status: 404, code: 'not_found', when: 'The record does not exist or is outside what the caller may see' },
  { status: 409, code: 'conflict', when: 'The record is not in a state that allows this' },
  {
    status: 412,
    code: 'precondition_failed',
    when: 'If-Match is missing or stale (the row version moved on)',
  },
  { status: 503, code: 'service_unavailable', when: 'A service behind the gateway did not answer in time' },
];

function fill(template: string): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) =>
    k === 'fields' ? 'name' : k === 'service' ? 'account-management' : `<${k}>`,
  );
}

function problemExample(status: number, code: string, errors: ErrorTable): Json {
  const known = errors[code] ?? Object.entries(errors).find(([, e]) => e.status === status)?.[1];
  const realCode = errors[code]
    ? code
    : (Object.entries(errors).find(([, e]) => e.status === status)?.[0] ?? code);
  const detail = known ? fill(known.en) : code;
  const example: Json = {
    type: `urn:kam:problem:${realCode}`,
    title: detail.replace(/[:：].*$/, ''),
    status,
    detail,
    code: realCode,
    instance: 'urn:kam:request:4f6c2b1e-8d2a-4c1f-9b7e-2a1d3c4b5e6f',
  };
  if (status === 400) example.errors = [{ field: 'name', message: 'name must be a string' }];
  if (status === 412) example.currentVersion = 3;
  return example;
}

/** A plausible example for a schema property without one, from its type, format, enum and name. */
export function exampleFor(name: string, schema: Json): unknown {
  if (schema.example !== undefined) return schema.example;
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  const type = schema.type;
  const lower = name.toLowerCase();
  if (type === 'array') {
    const items = (schema.items ?? {}) as Json;
    if (items.$ref || items.properties) return undefined;
    const one = exampleFor(name.replace(/s$/, ''), items);
    return one === undefined ? [] : [one];
  }
  if (type === 'integer' || type === 'number') {
    if (schema.minimum !== undefined) return schema.minimum;
    if (/fen|amount|price|base/.test(lower)) return 300000;
    if (/score|percent|rate/.test(lower)) return 88;
    if (/version/.test(lower)) return 1;
    if (/year/.test(lower)) return 2026;
    if (/month/.test(lower)) return 11;
    if (/limit/.test(lower)) return 50;
    return 1;
  }
  if (type === 'boolean') return false;
  // A free-form map (Record<string, …>) or an untyped value declares no properties: an empty object is the honest
  // example.
  if ((type === 'object' || type === undefined) && !schema.properties && !schema.anyOf) return {};
  if (type === 'string') {
    const format = schema.format;
    if (format === 'uuid' || /(^id$|Id$|Ids$)/.test(name)) return '3f2a8c1e-5b7d-4e9a-8c6f-1d2e3f4a5b6c';
    if (format === 'date-time' || /At$/.test(name)) return '2026-11-26T09:30:00+08:00';
    if (format === 'date' || /(date|Date|Until|From|To)$/.test(name)) return '2026-11-26';
    if (format === 'email' || /email/.test(lower)) return 'li.na@example.com';
    if (format === 'uri' || /url$/.test(lower)) return 'https://crm.example.com';
    if (name === 'zh') return '金牌客户';
    if (name === 'en') return 'Gold account';
    if (/currency/.test(lower)) return 'CNY';
    if (/phone|mobile/.test(lower)) return '+86 138 0013 8000';
    if (/cursor/.test(lower)) return 'eyJpZCI6IjNmMmE4YzFlIn0';
    if (/month|period/.test(lower)) return '2026-11';
    if (/timezone|timeZone/.test(name)) return 'Asia/Shanghai';
    if (/reason|note|comment|description|summary|content/.test(lower)) return '客户年度采购额超过 100 万元';
    if (/name|title/.test(lower)) return '华东精密制造有限公司';
    return 'text';
  }
  return undefined;
}

function fillExamples(schema: Json): number {
  let added = 0;
  const props = (schema.properties ?? {}) as Record<string, Json>;
  for (const [name, prop] of Object.entries(props)) {
    if (prop.example !== undefined || prop.$ref || prop.allOf || prop.oneOf) continue;
    const ex = exampleFor(name, prop);
    if (ex !== undefined) {
      prop.example = ex;
      added++;
    }
    if (prop.type === 'object' && prop.properties) added += fillExamples(prop);
    const items = prop.items as Json | undefined;
    if (prop.type === 'array' && items?.properties) added += fillExamples(items);
  }
  return added;
}

function summaryOf(operationId: string | undefined, method: string, route: string): string {
  const fn = (operationId ?? '').split('_').pop() ?? '';
  const words = fn.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : `${method.toUpperCase()} ${route}`;
}

/**
 * Completes the document the controllers produce: the Problem schema, the shared problem+json error responses
 * (400/401/403/404/409/412/503 where they can happen) with examples, a summary on every operation, and examples
 * on schema properties that declare none. Idempotent; returns the same object.
 */
export function completeOpenApi<T extends OpenAPIObject>(doc: T, errors: ErrorTable): T {
  const d = doc as unknown as Json;
  const components = (d.components ??= {}) as Json;
  const schemas = (components.schemas ??= {}) as Record<string, Json>;
  const responses = (components.responses ??= {}) as Json;
  schemas.Problem = {
    type: 'object',
    description:
      'RFC 9457 problem details with a stable `code` and a message in the language of Accept-Language',
    required: ['type', 'title', 'status', 'detail', 'code'],
    properties: {
      type: { type: 'string', example: 'urn:kam:problem:account_not_found' },
      title: { type: 'string', example: 'Key account not found' },
      status: { type: 'integer', example: 404 },
      detail: { type: 'string', example: 'Key account not found' },
      code: { type: 'string', enum: Object.keys(errors), example: 'account_not_found' },
      instance: { type: 'string', example: 'urn:kam:request:4f6c2b1e-8d2a-4c1f-9b7e-2a1d3c4b5e6f' },
      errors: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            field: { type: 'string', example: 'name' },
            message: { type: 'string', example: 'name must be a string' },
          },
        },
      },
      currentVersion: { type: 'integer', description: 'On 412: the current row version', example: 3 },
    },
  };
  for (const e of COMMON_ERRORS) {
    responses[`Problem${e.status}`] = {
      description: e.when,
      content: {
        'application/problem+json': {
          schema: { $ref: '#/components/schemas/Problem' },
          example: problemExample(e.status, e.code, errors),
        },
      },
    };
  }

  for (const [route, item] of Object.entries((d.paths ?? {}) as Record<string, Json>)) {
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (!op) continue;
      if (!op.summary) op.summary = summaryOf(op.operationId as string | undefined, method, route);
      const res = (op.responses ??= {}) as Json;
      const params = (op.parameters ?? []) as Json[];
      const secured = Array.isArray(op.security) ? op.security.length > 0 : !!d.security;
      const isApi = route.startsWith('/api/v1/');
      const add = (status: number) => {
        if (!res[String(status)]) res[String(status)] = { $ref: `#/components/responses/Problem${status}` };
      };
      // Error responses a controller declared itself (a description only) get the problem+json body too.
      for (const [status, r] of Object.entries(res)) {
        const declared = r as Json;
        if (/^2/.test(status) && !declared.description && !declared.$ref)
          declared.description = status === '201' ? 'Created' : status === '202' ? 'Accepted' : 'OK';
        if (!/^[45]\d\d$/.test(status) || declared.$ref || declared.content) continue;
        const shared = responses[`Problem${status}`] as Json | undefined;
        const code = COMMON_ERRORS.find((e) => e.status === Number(status))?.code ?? '';
        declared.content = {
          'application/problem+json': {
            schema: { $ref: '#/components/schemas/Problem' },
            example: shared
              ? ((shared.content as Json)['application/problem+json'] as Json).example
              : problemExample(Number(status), code, errors),
          },
        };
      }
      if (!isApi && !route.startsWith('/webhooks/')) continue;
      if (op.requestBody || params.some((p) => p.in === 'query' || p.in === 'path')) add(400);
      if (secured || isApi) add(401);
      if (isApi) add(403);
      if (route.includes('{')) add(404);
      if (method !== 'get') add(409);
      if (params.some((p) => p.in === 'header' && String(p.name).toLowerCase() === 'if-match')) add(412);
      if (isApi) add(503);
    }
  }
  for (const schema of Object.values(schemas)) fillExamples(schema);
  return doc;
}
