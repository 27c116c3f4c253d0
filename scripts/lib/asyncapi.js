'use strict';
/**
 * Generates the AsyncAPI 3 document of every NATS subject and event from libs/contracts:
 * - the subjects come from SUBJECTS and EVENTS (read from the compiled-free source through the TypeScript
 *   compiler API, so the document never drifts from the constants);
 * - a request's payload is the DTO class its handler passes to parseDto (`parseDto(CreateProjectRequest, data)`),
 *   its reply the handler's return type; an event's payload is the contracts type named after it
 *   (`accountCreated` → `AccountCreatedEvent`) or else what the producer writes to the outbox.
 * Types become JSON Schema (named types as components). No dependency beyond TypeScript itself.
 */
const path = require('node:path');
const ts = require('typescript');
const { toYaml } = require('./yaml');

const ROOT = path.resolve(__dirname, '..', '..');

function loadProgram() {
  const configPath = path.join(ROOT, 'tsconfig.json');
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
  const files = parsed.fileNames.filter(
    (f) => /\/(apps|libs)\//.test(f) && !/\.spec\.ts$|\.e2e-spec\.ts$/.test(f),
  );
  return ts.createProgram(files, { ...parsed.options, noEmit: true });
}

/** Reads `export const NAME = { ... } as const` as a plain object of string leaves, with the doc comments. */
function readConstObject(sf, name) {
  let result;
  const visit = (node) => {
    if (ts.isVariableDeclaration(node) && node.name.getText(sf) === name && node.initializer) {
      let init = node.initializer;
      if (ts.isAsExpression(init)) init = init.expression;
      result = objectOf(init);
    }
    ts.forEachChild(node, visit);
  };
  const objectOf = (lit) => {
    const out = {};
    for (const p of lit.properties) {
      if (!ts.isPropertyAssignment(p)) continue;
      const key = p.name.getText(sf);
      if (ts.isStringLiteral(p.initializer)) {
        const comments = ts.getLeadingCommentRanges(sf.text, p.getFullStart()) ?? [];
        const doc = comments
          .map((c) => sf.text.slice(c.pos, c.end))
          .filter((c) => c.startsWith('/**'))
          .map((c) =>
            c
              .replace(/^\/\*\*|\*\/$/g, '')
              .replace(/^\s*\* ?/gm, '')
              .trim(),
          )
          .join(' ');
        out[key] = { value: p.initializer.text, doc: doc || undefined };
      } else if (ts.isObjectLiteralExpression(p.initializer)) out[key] = objectOf(p.initializer);
    }
    return out;
  };
  visit(sf);
  return result;
}

class SchemaBuilder {
  /** `openapi30`: OpenAPI 3.0's dialect (nullable, no const, no type null) instead of JSON Schema's. */
  constructor(checker, { openapi30 = false } = {}) {
    this.openapi30 = openapi30;
    this.checker = checker;
    this.components = {};
    this.names = new Map(); // type id → component name
  }

  nameOf(type) {
    const text = this.checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation);
    return text.replace(/<|,\s*/g, '_').replace(/[^A-Za-z0-9_]/g, '');
  }

  isNamed(type) {
    const sym = type.aliasSymbol ?? type.getSymbol();
    if (!sym || sym.getName().startsWith('__')) return false;
    const decl = sym.declarations?.[0];
    if (!decl) return false;
    const file = decl.getSourceFile().fileName;
    return file.includes('/libs/') || file.includes('/apps/');
  }

  /** JSON Schema of a type; `depth` stops runaway recursion through anonymous types. */
  schema(type, depth = 0) {
    const s = this.jsonSchema(type, depth);
    return this.openapi30 ? this.toOpenApi30(s) : s;
  }

  toOpenApi30(s) {
    if (s.const !== undefined) {
      const { const: value, ...rest } = s;
      return { ...rest, enum: [value] };
    }
    if (s.type === 'null') return { nullable: true };
    if (s.contentEncoding) return { type: 'string', format: 'byte' };
    if (Array.isArray(s.oneOf)) {
      const others = s.oneOf.filter(
        (x) => !(x.type === 'null' || (x.nullable && Object.keys(x).length === 1)),
      );
      if (others.length < s.oneOf.length) {
        if (others.length === 1) {
          const only = others[0];
          return only.$ref ? { allOf: [only], nullable: true } : { ...only, nullable: true };
        }
        return { oneOf: others, nullable: true };
      }
    }
    return s;
  }

  jsonSchema(type, depth) {
    const c = this.checker;
    const f = type.flags;
    if (depth > 12) return {};
    if (f & ts.TypeFlags.Any || f & ts.TypeFlags.Unknown) return {};
    if (f & ts.TypeFlags.StringLiteral) return { type: 'string', const: type.value };
    if (f & ts.TypeFlags.NumberLiteral) return { type: 'number', const: type.value };
    if (f & ts.TypeFlags.BooleanLiteral) return { type: 'boolean', const: c.typeToString(type) === 'true' };
    if (f & ts.TypeFlags.String || f & ts.TypeFlags.TemplateLiteral) return { type: 'string' };
    if (f & ts.TypeFlags.Number) return { type: 'number' };
    if (f & ts.TypeFlags.BigInt) return { type: 'string', pattern: '^-?\\d+$' };
    if (f & ts.TypeFlags.Boolean) return { type: 'boolean' };
    if (f & ts.TypeFlags.Null) return { type: 'null' };
    if (f & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)) return { type: 'null' };
    if (f & ts.TypeFlags.Union) return this.union(type, depth);
    if (f & ts.TypeFlags.Intersection) {
      return { allOf: type.types.map((t) => this.schema(t, depth + 1)) };
    }
    if (c.isArrayType(type) || c.isTupleType(type)) {
      const args = c.getTypeArguments(type);
      if (c.isTupleType(type)) return { type: 'array', items: args.map((a) => this.schema(a, depth + 1)) };
      return { type: 'array', items: this.schema(args[0], depth + 1) };
    }
    const symName = type.getSymbol()?.getName();
    if (symName === 'Date') return { type: 'string', format: 'date-time' };
    if (symName === 'Buffer' || symName === 'Uint8Array')
      return { type: 'string', contentEncoding: 'base64' };
    if (symName === 'Promise') return this.schema(c.getTypeArguments(type)[0] ?? type, depth);
    if (f & ts.TypeFlags.Object) {
      if (this.isNamed(type)) return this.ref(type, depth);
      return this.object(type, depth);
    }
    return {};
  }

  union(type, depth) {
    let members = type.types;
    const nullable = members.some((t) => t.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined));
    members = members.filter(
      (t) => !(t.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Void)),
    );
    // boolean is true | false
    const bools = members.filter((t) => t.flags & ts.TypeFlags.BooleanLiteral);
    let out;
    if (members.length > 0 && members.every((t) => t.flags & ts.TypeFlags.StringLiteral)) {
      out = { type: 'string', enum: members.map((t) => t.value) };
    } else if (members.length > 0 && members.every((t) => t.flags & ts.TypeFlags.NumberLiteral)) {
      out = { type: 'number', enum: members.map((t) => t.value) };
    } else if (bools.length === 2 && members.length === 2) {
      out = { type: 'boolean' };
    } else if (members.length === 1) {
      out = this.schema(members[0], depth + 1);
    } else {
      const rest = bools.length === 2 ? members.filter((t) => !bools.includes(t)) : members;
      out = { oneOf: rest.map((t) => this.schema(t, depth + 1)) };
      if (bools.length === 2) out.oneOf.push({ type: 'boolean' });
    }
    return nullable ? { oneOf: [out, { type: 'null' }] } : out;
  }

  ref(type, depth) {
    const id = type.id;
    let name = this.names.get(id);
    if (!name) {
      name = this.nameOf(type);
      let unique = name;
      for (let i = 2; this.components[unique]; i++) unique = `${name}${i}`;
      name = unique;
      this.names.set(id, name);
      this.components[name] = {}; // placeholder first: recursive types refer to it
      this.components[name] = this.object(type, depth);
    }
    return { $ref: `#/components/schemas/${name}` };
  }

  object(type, depth) {
    const c = this.checker;
    const out = { type: 'object' };
    const props = {};
    const required = [];
    for (const prop of c.getPropertiesOfType(type)) {
      const decl = prop.valueDeclaration ?? prop.declarations?.[0];
      if (!decl) continue;
      if (ts.isMethodDeclaration(decl) || ts.isMethodSignature(decl) || ts.isGetAccessor(decl)) continue;
      const modifiers = ts.canHaveModifiers(decl) ? (ts.getModifiers(decl) ?? []) : [];
      if (
        modifiers.some(
          (m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.StaticKeyword,
        )
      )
        continue;
      const propType = c.getTypeOfSymbolAtLocation(prop, decl);
      if (c.getSignaturesOfType(propType, ts.SignatureKind.Call).length) continue;
      const s = this.schema(propType, depth + 1);
      const doc = ts.displayPartsToString(prop.getDocumentationComment(c)).trim();
      props[prop.getName()] = doc ? { description: doc, ...s } : s;
      if (!(prop.flags & ts.SymbolFlags.Optional)) required.push(prop.getName());
    }
    const index = c.getIndexInfoOfType(type, ts.IndexKind.String);
    if (Object.keys(props).length) out.properties = props;
    if (required.length) out.required = required;
    if (index) out.additionalProperties = this.schema(index.type, depth + 1);
    return out;
  }
}

/** @RpcHandler(SUBJECTS.x.y) methods: subject path → { request type, reply type, file }. */
function findHandlers(program, checker) {
  const rpc = new Map();
  const eventPayloads = new Map();
  for (const sf of program.getSourceFiles()) {
    if (!sf.fileName.startsWith(path.join(ROOT, 'apps'))) continue;
    const visit = (node) => {
      if (ts.isMethodDeclaration(node)) {
        for (const dec of ts.getDecorators(node) ?? []) {
          const call = dec.expression;
          if (!ts.isCallExpression(call) || call.expression.getText(sf) !== 'RpcHandler') continue;
          const subject = call.arguments[0]?.getText(sf);
          if (!subject) continue;
          let request;
          const findParse = (n) => {
            if (request) return;
            if (
              ts.isCallExpression(n) &&
              /(^|\.)parseDto$/.test(n.expression.getText(sf)) &&
              n.arguments[0]
            ) {
              request = checker.getTypeAtLocation(n.arguments[0]);
              const ctor = checker.getSignaturesOfType(request, ts.SignatureKind.Construct)[0];
              request = ctor ? ctor.getReturnType() : undefined;
            }
            ts.forEachChild(n, findParse);
          };
          if (node.body) findParse(node.body);
          const sig = checker.getSignatureFromDeclaration(node);
          const reply = sig ? checker.getReturnTypeOfSignature(sig) : undefined;
          rpc.set(subject, { request, reply });
        }
      }
      // `{ subject: EVENTS.x, payload: … }` written to the outbox.
      if (ts.isObjectLiteralExpression(node)) {
        const subj = node.properties.find(
          (p) =>
            ts.isPropertyAssignment(p) &&
            p.name.getText(sf) === 'subject' &&
            /^EVENTS\./.test(p.initializer.getText(sf)),
        );
        const payload = node.properties.find((p) => p.name?.getText(sf) === 'payload');
        if (subj && payload) {
          const key = subj.initializer.getText(sf);
          const t = ts.isShorthandPropertyAssignment(payload)
            ? checker.getTypeAtLocation(payload.name)
            : checker.getTypeAtLocation(payload.initializer);
          if (!eventPayloads.has(key)) eventPayloads.set(key, t);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return { rpc, eventPayloads };
}

function contractsTypes(program, checker) {
  const index = program.getSourceFile(path.join(ROOT, 'libs', 'contracts', 'src', 'index.ts'));
  const moduleSym = checker.getSymbolAtLocation(index);
  const out = new Map();
  for (const sym of checker.getExportsOfModule(moduleSym)) {
    const real = sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
    if (real.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias | ts.SymbolFlags.Class))
      out.set(sym.getName(), checker.getDeclaredTypeOfSymbol(real));
  }
  return out;
}

const camel = (s) => s.replace(/[-.]([a-z0-9])/g, (_, ch) => ch.toUpperCase());
const upperFirst = (s) => s.charAt(0).toUpperCase() + s.slice(1);

function generateAsyncApi(program = loadProgram()) {
  const checker = program.getTypeChecker();
  const subjectsFile = program.getSourceFile(path.join(ROOT, 'libs', 'contracts', 'src', 'subjects.ts'));
  const SUBJECTS = readConstObject(subjectsFile, 'SUBJECTS');
  const EVENTS = readConstObject(subjectsFile, 'EVENTS');
  const SERVICES = readConstObject(subjectsFile, 'SERVICES');
  const { rpc, eventPayloads } = findHandlers(program, checker);
  const types = contractsTypes(program, checker);
  const builder = new SchemaBuilder(checker);

  const actor = types.get('Actor');
  const remoteError = types.get('RemoteError');
  const channels = {};
  const operations = {};
  const messages = {};
  const schemas = builder.components;
  schemas.Actor = {};
  schemas.Actor = builder.object(actor, 0);
  builder.names.set(actor.id, 'Actor');
  schemas.RemoteError = {};
  schemas.RemoteError = builder.object(remoteError, 0);
  builder.names.set(remoteError.id, 'RemoteError');

  for (const [service, subjects] of Object.entries(SUBJECTS)) {
    const serviceName = SERVICES[service]?.name?.value ?? service;
    for (const [key, { value: subject, doc }] of Object.entries(subjects)) {
      const id = camel(subject.replace(/^kam\./, ''));
      const handler = rpc.get(`SUBJECTS.${service}.${key}`);
      const requestData = handler?.request
        ? builder.schema(handler.request)
        : { description: 'No payload is read' };
      const replyData = handler?.reply ? builder.schema(handler.reply) : {};
      messages[`${id}Request`] = {
        name: `${id}Request`,
        title: `${subject} request`,
        summary: doc ?? `Request to ${subject}, answered by ${serviceName}`,
        contentType: 'application/json',
        payload: {
          type: 'object',
          required: ['actor', 'data'],
          properties: { actor: { $ref: '#/components/schemas/Actor' }, data: requestData },
        },
      };
      messages[`${id}Reply`] = {
        name: `${id}Reply`,
        title: `${subject} reply`,
        contentType: 'application/json',
        payload: {
          oneOf: [
            {
              type: 'object',
              required: ['ok', 'data'],
              properties: { ok: { const: true }, data: replyData },
            },
            {
              type: 'object',
              required: ['ok', 'error'],
              properties: { ok: { const: false }, error: { $ref: '#/components/schemas/RemoteError' } },
            },
          ],
        },
      };
      channels[id] = {
        address: subject,
        title: subject,
        description: `${doc ? `${doc} ` : ''}Request-reply, queue group \`${SERVICES[service]?.queue?.value ?? ''}\` (one replica answers).`,
        messages: { request: { $ref: `#/components/messages/${id}Request` } },
      };
      channels[`${id}Reply`] = {
        address: null,
        description: `The NATS reply inbox of a ${subject} request`,
        messages: { reply: { $ref: `#/components/messages/${id}Reply` } },
      };
      operations[id] = {
        action: 'receive',
        title: subject,
        summary: `${serviceName} answers ${subject}`,
        channel: { $ref: `#/channels/${id}` },
        messages: [{ $ref: `#/channels/${id}/messages/request` }],
        reply: {
          channel: { $ref: `#/channels/${id}Reply` },
          messages: [{ $ref: `#/channels/${id}Reply/messages/reply` }],
        },
      };
    }
  }

  for (const [key, { value: subject, doc }] of Object.entries(EVENTS)) {
    const id = camel(subject.replace(/^kam\./, ''));
    // `complaintOpened` → ComplaintOpenedEvent, else ComplaintEvent (one type for a resource's events).
    const named =
      types.get(`${upperFirst(key)}Event`) ?? types.get(`${upperFirst(key.split(/(?=[A-Z])/)[0])}Event`);
    const produced = eventPayloads.get(`EVENTS.${key}`);
    const payloadType = named ?? produced;
    // Every event has a payload type: `<Key>Event` in libs/contracts, or the type its producer passes to the outbox.
    if (!payloadType)
      throw new Error(
        `EVENTS.${key} (${subject}) has no payload type: declare ${upperFirst(key)}Event in libs/contracts`,
      );
    const payload = builder.schema(payloadType);
    messages[id] = {
      name: id,
      title: subject,
      summary: doc ?? `Domain event ${subject}`,
      contentType: 'application/json',
      payload: {
        type: 'object',
        required: ['id', 'subject', 'workspaceId', 'occurredAt', 'payload'],
        properties: {
          id: {
            type: 'string',
            format: 'uuid',
            description: 'Event id; consumers keep an inbox of processed ids',
          },
          subject: { type: 'string', const: subject },
          workspaceId: { type: 'string', format: 'uuid' },
          occurredAt: { type: 'string', format: 'date-time' },
          requestId: { oneOf: [{ type: 'string' }, { type: 'null' }] },
          payload,
        },
      },
    };
    channels[id] = {
      address: subject,
      title: subject,
      description: `${doc ? `${doc} ` : ''}Published on the JetStream stream KAM_EVENTS from the producer's transactional outbox; consumers are durable and idempotent.`,
      messages: { event: { $ref: `#/components/messages/${id}` } },
    };
    operations[`publish${upperFirst(id)}`] = {
      action: 'send',
      title: subject,
      channel: { $ref: `#/channels/${id}` },
      messages: [{ $ref: `#/channels/${id}/messages/event` }],
    };
  }

  const sortedSchemas = Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b)));
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'KAM — NATS subjects and events',
      version: '1',
      description:
        'Request-reply subjects `kam.<service>.<resource>.<verb>` (every request carries the actor envelope; ' +
        'every reply is `{ ok: true, data }` or `{ ok: false, error }`) and domain events ' +
        '`kam.events.<service>.<event>` on the JetStream stream KAM_EVENTS. Generated from libs/contracts by ' +
        '`npm run docs`; do not edit by hand.',
    },
    defaultContentType: 'application/json',
    servers: {
      nats: { host: '127.0.0.1:4222', protocol: 'nats', description: 'KAM_NATS_URL (JetStream enabled)' },
    },
    channels,
    operations,
    components: { messages, schemas: sortedSchemas },
  };
}

function asyncApiYaml(program) {
  return toYaml(generateAsyncApi(program));
}

module.exports = { generateAsyncApi, asyncApiYaml, loadProgram, SchemaBuilder };
