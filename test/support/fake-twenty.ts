import { EventEmitter } from 'node:events';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

/**
 * An in-process stand-in for a Twenty workspace's REST API, speaking the shapes KAM uses (issue 7):
 * `GET /rest/<plural>?limit&starting_after` → `{ data: { <plural>: [...] }, pageInfo, totalCount }`,
 * `PATCH /rest/companies/:id` → `{ data: { updateCompany } }`, `GET /rest/metadata/objects` and
 * `POST /rest/metadata/fields` → `{ data: { createOneField } }`. Bearer API key. Like Twenty it allows
 * `limitPerWindow` requests per window (100 a minute; tests shorten the window) and answers 429 with
 * Retry-After beyond that; it counts every request per window so a test can prove the client kept under it.
 */
export type Rec = Record<string, unknown>;
type Plural = 'companies' | 'people' | 'opportunities';

export interface FakeTwentyOptions {
  apiKey: string;
  companies: Rec[];
  people: Rec[];
  opportunities: Rec[];
  /** Length of the rate-limit window (Twenty: 60 000 ms). */
  windowMs?: number;
  limitPerWindow?: number;
}

export interface SeenRequest {
  at: number;
  window: number;
  method: string;
  path: string;
  status: number;
}

const MAX_LIMIT = 60;

export function fakeId(kind: number, i: number): string {
  return `${String(kind).padStart(8, '0')}-0000-4000-8000-${String(i).padStart(12, '0')}`;
}

export function twentyCompany(id: string, i: number, name = `测试科技有限公司 ${i}`): Rec {
  const now = new Date(Date.UTC(2025, 0, 1, 0, 0, i % 60)).toISOString();
  return {
    id,
    name,
    domainName: { primaryLinkUrl: `https://c${i}.example.cn`, primaryLinkLabel: '', secondaryLinks: [] },
    employees: (i * 37) % 5000,
    address: {
      addressStreet1: `${i} 科技路`,
      addressStreet2: null,
      addressCity: ['深圳', '上海', '北京', '杭州'][i % 4],
      addressState: null,
      addressPostcode: null,
      addressCountry: 'China',
      addressLat: null,
      addressLng: null,
    },
    annualRecurringRevenue: { amountMicros: null, currencyCode: 'CNY' },
    idealCustomerProfile: false,
    linkedinLink: { primaryLinkUrl: '', primaryLinkLabel: '', secondaryLinks: [] },
    xLink: { primaryLinkUrl: '', primaryLinkLabel: '', secondaryLinks: [] },
    position: i,
    accountOwnerId: null,
    createdBy: { source: 'IMPORT', workspaceMemberId: null, name: 'Import' },
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
  };
}

export function twentyPerson(id: string, i: number, companyId: string | null): Rec {
  return {
    id,
    name: { firstName: `名${i}`, lastName: '张' },
    emails: { primaryEmail: `p${i}@example.cn`, additionalEmails: null },
    phones: {
      primaryPhoneNumber: `1380000${String(i).padStart(4, '0')}`,
      primaryPhoneCountryCode: 'CN',
      primaryPhoneCallingCode: '+86',
      additionalPhones: null,
    },
    jobTitle: '采购经理',
    city: '深圳',
    avatarUrl: '',
    position: i,
    companyId,
    createdBy: { source: 'IMPORT', workspaceMemberId: null, name: 'Import' },
    createdAt: new Date(Date.UTC(2025, 0, 2)).toISOString(),
    updatedAt: new Date(Date.UTC(2025, 0, 2)).toISOString(),
    deletedAt: null,
  };
}

export function twentyOpportunity(
  id: string,
  i: number,
  companyId: string | null,
  stage = 'MEETING',
  amountYuan = 100000,
): Rec {
  return {
    id,
    name: `商机 ${i}`,
    amount: { amountMicros: amountYuan * 1_000_000, currencyCode: 'CNY' },
    closeDate: '2025-06-30T00:00:00.000Z',
    stage,
    position: i,
    companyId,
    pointOfContactId: null,
    createdBy: { source: 'IMPORT', workspaceMemberId: null, name: 'Import' },
    createdAt: new Date(Date.UTC(2025, 0, 3)).toISOString(),
    updatedAt: new Date(Date.UTC(2025, 0, 3)).toISOString(),
    deletedAt: null,
  };
}

function cursorOf(position: number): string {
  return Buffer.from(JSON.stringify({ position }), 'utf8').toString('base64url');
}

function positionOf(cursor: string): number | undefined {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { position?: unknown };
    return typeof v.position === 'number' ? v.position : undefined;
  } catch {
    return undefined;
  }
}

export class FakeTwenty extends EventEmitter {
  readonly requests: SeenRequest[] = [];
  /** Requests answered 429 because the window was full (not the forced ones). */
  rateLimited = 0;
  readonly patches: { id: string; body: Rec; at: number }[] = [];
  readonly createdFields: Rec[] = [];
  private readonly records: Record<Plural, Rec[]>;
  private readonly objects: { id: string; nameSingular: string; namePlural: Plural; fields: Rec[] }[];
  private readonly perWindow = new Map<number, number>();
  private forced: { left: number; retryAfterSeconds: number } = { left: 0, retryAfterSeconds: 1 };
  private redirect: string | null = null;
  private server?: http.Server;
  private t0 = Date.now();
  readonly windowMs: number;
  readonly limitPerWindow: number;

  constructor(private readonly options: FakeTwentyOptions) {
    super();
    this.setMaxListeners(50);
    this.windowMs = options.windowMs ?? 60_000;
    this.limitPerWindow = options.limitPerWindow ?? 100;
    this.records = {
      companies: options.companies,
      people: options.people,
      opportunities: options.opportunities,
    };
    const field = (name: string, type: string) => ({ id: randomUUID(), name, type, isCustom: false });
    this.objects = [
      {
        id: randomUUID(),
        nameSingular: 'company',
        namePlural: 'companies',
        fields: ['id', 'name', 'domainName', 'employees', 'address', 'position'].map((n) => field(n, 'TEXT')),
      },
      {
        id: randomUUID(),
        nameSingular: 'person',
        namePlural: 'people',
        fields: [field('name', 'FULL_NAME')],
      },
      {
        id: randomUUID(),
        nameSingular: 'opportunity',
        namePlural: 'opportunities',
        fields: [field('name', 'TEXT'), field('stage', 'SELECT')],
      },
    ];
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.t0 = Date.now();
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The next `n` requests are answered 429 with `Retry-After: seconds`, whatever the window says. */
  force429(n: number, retryAfterSeconds = 1): void {
    this.forced = { left: n, retryAfterSeconds };
  }

  /** Every request is answered `302 Location: <location>` until called with null (a CRM that redirects). */
  redirectTo(location: string | null): void {
    this.redirect = location;
  }

  /** The most requests received in one window so far. */
  maxPerWindow(): number {
    return Math.max(0, ...this.perWindow.values());
  }

  companyFields(): string[] {
    return this.objects[0].fields.map((f) => f.name as string);
  }

  company(id: string): Rec | undefined {
    return this.records.companies.find((c) => c.id === id);
  }

  private send(
    res: http.ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const now = Date.now();
    const window = Math.floor((now - this.t0) / this.windowMs);
    const count = (this.perWindow.get(window) ?? 0) + 1;
    this.perWindow.set(window, count);
    const url = new URL(req.url ?? '/', 'http://fake');
    const seen: SeenRequest = { at: now, window, method: req.method ?? 'GET', path: url.pathname, status: 0 };
    this.requests.push(seen);
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      seen.status = status;
      this.send(res, status, body, headers);
      this.emit('request', seen, url);
    };
    if (this.redirect) {
      seen.status = 302;
      res.writeHead(302, { Location: this.redirect, 'Content-Type': 'application/json' });
      res.end('{}');
      this.emit('request', seen, url);
      return;
    }
    if (req.headers.authorization !== `Bearer ${this.options.apiKey}`)
      return reply(401, { statusCode: 401, error: 'Unauthorized', messages: ['Invalid API key'] });
    if (this.forced.left > 0) {
      this.forced.left--;
      return reply(
        429,
        { statusCode: 429, error: 'TooManyRequests', messages: ['Limit reached'] },
        { 'Retry-After': String(this.forced.retryAfterSeconds) },
      );
    }
    if (count > this.limitPerWindow) {
      this.rateLimited++;
      const left = Math.max(1, Math.ceil((this.t0 + (window + 1) * this.windowMs - now) / 1000));
      return reply(
        429,
        { statusCode: 429, error: 'TooManyRequests', messages: ['Limit reached'] },
        { 'Retry-After': String(left) },
      );
    }
    let body: Rec = {};
    if (chunks.length) {
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Rec;
      } catch {
        return reply(400, { statusCode: 400, error: 'BadRequest', messages: ['Invalid JSON'] });
      }
    }
    const parts = url.pathname.split('/').filter(Boolean);
    // GET /rest/metadata/objects
    if (req.method === 'GET' && url.pathname === '/rest/metadata/objects')
      return reply(200, {
        data: { objects: this.objects },
        pageInfo: { hasNextPage: false, startCursor: null, endCursor: null },
        totalCount: this.objects.length,
      });
    // POST /rest/metadata/fields
    if (req.method === 'POST' && url.pathname === '/rest/metadata/fields') {
      const object = this.objects.find((o) => o.id === body.objectMetadataId);
      if (!object || typeof body.name !== 'string' || typeof body.type !== 'string')
        return reply(400, {
          statusCode: 400,
          error: 'BadRequest',
          messages: ['objectMetadataId, name, type'],
        });
      if (object.fields.some((f) => f.name === body.name))
        return reply(400, { statusCode: 400, error: 'BadRequest', messages: ['Field already exists'] });
      const created = { id: randomUUID(), ...body, isCustom: true, isActive: true, isSystem: false };
      object.fields.push(created);
      this.createdFields.push(created);
      return reply(201, { data: { createOneField: created } });
    }
    if (parts[0] !== 'rest' || !['companies', 'people', 'opportunities'].includes(parts[1]))
      return reply(404, {
        statusCode: 404,
        error: 'NotFound',
        messages: [`Cannot ${req.method} ${url.pathname}`],
      });
    const plural = parts[1] as Plural;
    const list = this.records[plural];
    // GET /rest/<plural>?limit=&starting_after=
    if (req.method === 'GET' && parts.length === 2) {
      const limit = Number(url.searchParams.get('limit') ?? 60);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
        return reply(400, {
          statusCode: 400,
          error: 'BadRequest',
          messages: [`limit must be 1-${MAX_LIMIT}`],
        });
      const after = url.searchParams.get('starting_after');
      const from = after === null ? 0 : (positionOf(after) ?? -2) + 1;
      if (from < 0) return reply(400, { statusCode: 400, error: 'BadRequest', messages: ['Invalid cursor'] });
      const items = list.slice(from, from + limit);
      return reply(200, {
        data: { [plural]: items },
        pageInfo: {
          hasNextPage: from + limit < list.length,
          startCursor: items.length ? cursorOf(from) : null,
          endCursor: items.length ? cursorOf(from + items.length - 1) : null,
        },
        totalCount: list.length,
      });
    }
    // PATCH /rest/companies/:id
    if (req.method === 'PATCH' && parts.length === 3 && plural === 'companies') {
      const record = list.find((r) => r.id === decodeURIComponent(parts[2]));
      if (!record) return reply(404, { statusCode: 404, error: 'NotFound', messages: ['Record not found'] });
      const known = new Set(this.companyFields());
      const unknown = Object.keys(body).filter((k) => !known.has(k));
      if (unknown.length)
        return reply(400, {
          statusCode: 400,
          error: 'BadRequest',
          messages: [`Unknown fields ${unknown.join(', ')}`],
        });
      Object.assign(record, body, { updatedAt: new Date().toISOString() });
      this.patches.push({ id: record.id as string, body, at: now });
      return reply(200, { data: { updateCompany: record } });
    }
    return reply(405, { statusCode: 405, error: 'MethodNotAllowed', messages: [] });
  }
}
