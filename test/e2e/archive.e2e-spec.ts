import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { connect, NatsConnection } from 'nats';
import { Reply, SUBJECTS } from '@app/contracts';
import { TestSystem } from '../support/system';
import { createWorkspace, Fixture, memberToken, withDb } from '../support/fixtures';
import { adminUrl, natsOptions } from '../support/env';

type Who = keyof Fixture['members'] | 'otherDirector';
type AccountKey = keyof Fixture['accounts'];
const DUPLICATE = randomUUID();

/** The customer archive (contacts, communication records) and account plans, gateway → NATS → PostgreSQL. */
describe('the customer archive and account plans', () => {
  const system = new TestSystem();
  let f: Fixture;
  let other: Fixture;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    await system.start();
    f = await createWorkspace(system.env);
    other = await createWorkspace(system.env);
    for (const who of Object.keys(f.members) as (keyof Fixture['members'])[])
      tokens[who] = await memberToken(system.jwtSecret, f, who);
    tokens.otherDirector = await memberToken(system.jwtSecret, other, 'director');
  });
  afterAll(() => system.stop());

  const api = () => request(system.baseUrl);
  const as = (who: Who) => ({ Authorization: `Bearer ${tokens[who]}` });
  const db = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    (await withDb(adminUrl(system.env), (c) => c.query(sql, params))).rows as T[];
  const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();

  const contact = (over: Record<string, unknown> = {}) => ({
    name: '李明',
    title: '采购总监',
    phone: '+86 138 0013 8000',
    email: 'liming@example.com',
    buyingRole: 'decision_maker',
    ...over,
  });
  const addContact = async (who: Who, accountId: string, over: Record<string, unknown> = {}) =>
    (await api().post(`/api/v1/accounts/${accountId}/contacts`).set(as(who)).send(contact(over)).expect(201))
      .body as { id: string; version: number; isPrimary: boolean };
  const contactsOf = async (who: Who, accountId: string) =>
    (await api().get(`/api/v1/accounts/${accountId}/contacts`).set(as(who)).expect(200)).body.items as {
      id: string;
      name: string;
      phone: string | null;
      email: string | null;
      isPrimary: boolean;
      version: number;
      redacted: string[];
    }[];
  const record = (over: Record<string, unknown> = {}) => ({
    kind: 'visit',
    occurredAt: hoursAgo(2),
    summary: '拜访采购总监,确认明年框架协议续签意向',
    ...over,
  });
  let year = 2040;
  /** A period no other test uses. */
  const freshPeriod = () => `${year++}-Q4`;
  const plan = (over: Record<string, unknown> = {}) => ({
    period: freshPeriod(),
    objectives: [{ objective: '年采购额提升 20%', measures: ['季度业务回顾', '新品试用'] }],
    strategies: '以技术交流带动高层互访',
    resources: '售前工程师两名',
    budget: { amountMinor: 5_000_000, currency: 'CNY' },
    ...over,
  });
  const timeline = async (accountId: string) =>
    (await api().get(`/api/v1/accounts/${accountId}/timeline?limit=500`).set(as('director')).expect(200)).body
      .items as { kind: string; actorId: string; details: Record<string, unknown> }[];
  const archiveEvents = (id: string) =>
    db<{ payload: Record<string, unknown>; published_at: Date | null }>(
      `SELECT payload, published_at FROM account_management.outbox
       WHERE subject = 'kam.events.accounts.archive.changed' AND payload->>'id' = $1 ORDER BY seq`,
      [id],
    );
  /** Everything a failed request must leave as it was. */
  const archiveState = async (accountId: string) =>
    (
      await db(
        `SELECT (SELECT count(*)::int FROM account_management.contacts WHERE account_id = $1) AS contacts,
                (SELECT count(*)::int FROM account_management.communication_records WHERE account_id = $1) AS records,
                (SELECT count(*)::int FROM account_management.account_plans WHERE account_id = $1) AS plans,
                (SELECT count(*)::int FROM account_management.account_timeline WHERE account_id = $1) AS timeline,
                (SELECT coalesce(sum(version), 0)::int FROM account_management.contacts WHERE account_id = $1) AS contact_versions,
                (SELECT coalesce(sum(version), 0)::int FROM account_management.account_plans WHERE account_id = $1) AS plan_versions`,
        [accountId],
      )
    )[0];
  const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);

  describe('contacts', () => {
    it('an account manager adds a contact to their account: 201, ETag, timeline entry and archive event', async () => {
      const res = await api()
        .post(`/api/v1/accounts/${f.accounts.am1Own}/contacts`)
        .set(as('am1'))
        .send(contact({ crmPersonId: `person-${randomUUID()}`, notes: '喜欢周二上午见面' }))
        .expect(201);
      expect(res.body).toMatchObject({
        accountId: f.accounts.am1Own,
        name: '李明',
        title: '采购总监',
        phone: '+86 138 0013 8000',
        email: 'liming@example.com',
        buyingRole: 'decision_maker',
        isPrimary: false,
        notes: '喜欢周二上午见面',
        version: 1,
        redacted: [],
      });
      expect(res.headers.etag).toBe('"1"');
      const entry = (await timeline(f.accounts.am1Own)).find(
        (e) => e.kind === 'contact_added' && e.details.contactId === res.body.id,
      );
      expect(entry).toMatchObject({ actorId: f.members.am1.id, details: { name: '李明' } });
      // The timeline is read by roles that may not see contact details.
      expect(JSON.stringify(entry)).not.toContain('138');
      expect(JSON.stringify(entry)).not.toContain('liming@');
      const events = await archiveEvents(res.body.id);
      expect(events.map((e) => e.payload)).toEqual([
        { accountId: f.accounts.am1Own, workspaceId: f.workspaceId, kind: 'contact_added', id: res.body.id },
      ]);
    });

    it('the archive event is relayed to the event stream after commit', async () => {
      const c = await addContact('am1', f.accounts.am1Own, { name: '王芳', buyingRole: 'user' });
      const deadline = Date.now() + 10000;
      let published: Date | null = null;
      while (Date.now() < deadline && !published) {
        published = (await archiveEvents(c.id))[0]?.published_at ?? null;
        if (!published) await new Promise((r) => setTimeout(r, 100));
      }
      expect(published).not.toBeNull();
    });

    it('making a contact primary un-primaries the previous one in the same change', async () => {
      const acc = f.accounts.leader1Own;
      const first = await addContact('leader1', acc, { name: '张伟', isPrimary: true });
      expect(first.isPrimary).toBe(true);
      const second = await addContact('leader1', acc, {
        name: '赵强',
        buyingRole: 'influencer',
        isPrimary: true,
      });
      expect(second.isPrimary).toBe(true);
      let list = await contactsOf('leader1', acc);
      expect(list.filter((c) => c.isPrimary).map((c) => c.id)).toEqual([second.id]);
      expect(list[0].id).toBe(second.id);
      // The previous primary changed, so its version moved on.
      expect(list.find((c) => c.id === first.id)).toMatchObject({ isPrimary: false, version: 2 });
      const added = (await timeline(acc)).find((e) => e.details.contactId === second.id);
      expect(added?.details.previousPrimary).toEqual([first.id]);

      // And back, through an update.
      const res = await api()
        .patch(`/api/v1/contacts/${first.id}`)
        .set(as('leader1'))
        .set('If-Match', '"2"')
        .send({ isPrimary: true })
        .expect(200);
      expect(res.body).toMatchObject({ isPrimary: true, version: 3 });
      expect(res.headers.etag).toBe('"3"');
      list = await contactsOf('leader1', acc);
      expect(list.filter((c) => c.isPrimary).map((c) => c.id)).toEqual([first.id]);
      const rows = await db<{ n: number }>(
        `SELECT count(*)::int AS n FROM account_management.contacts WHERE account_id = $1 AND is_primary`,
        [acc],
      );
      expect(rows[0].n).toBe(1);
    });

    it('concurrent "make primary" requests leave exactly one primary contact', async () => {
      const acc = f.accounts.am2Own;
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          api()
            .post(`/api/v1/accounts/${acc}/contacts`)
            .set(as('am2'))
            .send(contact({ name: `联系人${i}`, isPrimary: true })),
        ),
      );
      expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
      const rows = await db<{ n: number }>(
        `SELECT count(*)::int AS n FROM account_management.contacts WHERE account_id = $1 AND is_primary`,
        [acc],
      );
      expect(rows[0].n).toBe(1);
    });

    it('an update with the current version changes the contact and writes contact_updated', async () => {
      const c = await addContact('am1', f.accounts.am1Own, { name: '孙丽' });
      const res = await api()
        .patch(`/api/v1/contacts/${c.id}`)
        .set(as('am1'))
        .set('If-Match', '"1"')
        .send({ title: '副总经理', phone: '010-6552 8888', email: null })
        .expect(200);
      expect(res.body).toMatchObject({ title: '副总经理', phone: '010-6552 8888', email: null, version: 2 });
      const entry = (await timeline(f.accounts.am1Own)).find(
        (e) => e.kind === 'contact_updated' && e.details.contactId === c.id,
      );
      expect(entry?.details.changed).toEqual(['title', 'phone', 'email']);
      expect((await archiveEvents(c.id)).map((e) => e.payload.kind)).toEqual([
        'contact_added',
        'contact_updated',
      ]);
    });

    it('a stale If-Match is 412 and changes nothing; a missing one is 428', async () => {
      const c = await addContact('am1', f.accounts.am1Own, { name: '周杰' });
      await api()
        .patch(`/api/v1/contacts/${c.id}`)
        .set(as('am1'))
        .set('If-Match', '"1"')
        .send({ title: '采购经理' })
        .expect(200);
      const before = await archiveState(f.accounts.am1Own);
      const stale = await api()
        .patch(`/api/v1/contacts/${c.id}`)
        .set(as('am1'))
        .set('If-Match', '"1"')
        .send({ title: '财务经理' })
        .expect(412);
      expect(stale.body).toMatchObject({ code: 'precondition_failed', currentVersion: 2 });
      const missing = await api()
        .patch(`/api/v1/contacts/${c.id}`)
        .set(as('am1'))
        .send({ title: 'x' })
        .expect(428);
      expect(missing.body.code).toBe('precondition_required');
      expect(await archiveState(f.accounts.am1Own)).toEqual(before);
      const now = (await contactsOf('am1', f.accounts.am1Own)).find((x) => x.id === c.id);
      expect(now).toMatchObject({ version: 2 });
    });

    it('removing a contact is 204, gone from the list, kept in the timeline; twice is 404', async () => {
      const c = await addContact('am1', f.accounts.am1Own, { name: '吴磊' });
      await api().delete(`/api/v1/contacts/${c.id}`).set(as('am1')).set('If-Match', '"7"').expect(412);
      await api().delete(`/api/v1/contacts/${c.id}`).set(as('am1')).expect(204);
      expect((await contactsOf('am1', f.accounts.am1Own)).map((x) => x.id)).not.toContain(c.id);
      const entry = (await timeline(f.accounts.am1Own)).find(
        (e) => e.kind === 'contact_removed' && e.details.contactId === c.id,
      );
      expect(entry?.details).toMatchObject({ name: '吴磊', wasPrimary: false });
      expect((await archiveEvents(c.id)).map((e) => e.payload.kind)).toEqual([
        'contact_added',
        'contact_removed',
      ]);
      const again = await api().delete(`/api/v1/contacts/${c.id}`).set(as('am1')).expect(404);
      expect(again.body.code).toBe('contact_not_found');
    });

    it('the same CRM person cannot be a contact of an account twice: 409', async () => {
      const crmPersonId = `person-${randomUUID()}`;
      await addContact('am1', f.accounts.am1Own, { crmPersonId });
      const res = await api()
        .post(`/api/v1/accounts/${f.accounts.am1Own}/contacts`)
        .set(as('am1'))
        .send(contact({ crmPersonId }))
        .expect(409);
      expect(res.body.code).toBe('contact_already_linked');
    });

    it.each([
      ['an e-mail address without a domain', { email: 'liming@' }, 'email'],
      ['a phone number with letters', { phone: '138-CALL-ME' }, 'phone'],
      ['a phone number of three digits', { phone: '110' }, 'phone'],
      ['a name of 101 characters', { name: '李'.repeat(101) }, 'name'],
      ['an empty name', { name: '' }, 'name'],
      ['a buying role that is not one', { buyingRole: 'sponsor' }, 'buyingRole'],
      ['a primary flag that is a string', { isPrimary: 'yes' }, 'isPrimary'],
      ['notes of 2001 characters', { notes: 'x'.repeat(2001) }, 'notes'],
      ['an unknown field', { salary: 1 }, 'salary'],
    ])('%s is a 400 naming the field, and nothing changes', async (_name, over, field) => {
      const before = await archiveState(f.accounts.am1Own);
      const res = await api()
        .post(`/api/v1/accounts/${f.accounts.am1Own}/contacts`)
        .set(as('am1'))
        .send(contact(over))
        .expect(400);
      expect(res.body.code).toBe('validation_failed');
      expect(fieldsOf(res.body)).toContain(field);
      expect(await archiveState(f.accounts.am1Own)).toEqual(before);
    });

    it('an invalid update is a 400 naming the field and leaves the contact as it was', async () => {
      const c = await addContact('am1', f.accounts.am1Own, { name: '郑敏' });
      const res = await api()
        .patch(`/api/v1/contacts/${c.id}`)
        .set(as('am1'))
        .set('If-Match', '"1"')
        .send({ email: 'not-an-email', buyingRole: 'boss' })
        .expect(400);
      expect(fieldsOf(res.body).sort()).toEqual(['buyingRole', 'email']);
      expect((await contactsOf('am1', f.accounts.am1Own)).find((x) => x.id === c.id)).toMatchObject({
        version: 1,
        email: 'liming@example.com',
      });
    });

    it('a contact id that is not a UUID is a 400 naming it', async () => {
      const res = await api()
        .patch('/api/v1/contacts/not-a-uuid')
        .set(as('am1'))
        .set('If-Match', '"1"')
        .send({ title: 'x' })
        .expect(400);
      expect(fieldsOf(res.body)).toEqual(['contactId']);
    });

    it('a market researcher reads contacts without phone or e-mail', async () => {
      await addContact('am1', f.accounts.am1Own, { name: '陈静' });
      const items = await contactsOf('researcher', f.accounts.am1Own);
      expect(items.length).toBeGreaterThan(0);
      for (const c of items) {
        expect(c.phone).toBeNull();
        expect(c.email).toBeNull();
        expect(c.redacted).toEqual(['phone', 'email']);
        expect(c.name.length).toBeGreaterThan(0);
      }
    });

    it.each([
      ['customer service of the service team', 'service' as Who, 'am1Serviced' as AccountKey],
      ['the clerk', 'clerk' as Who, 'am1Serviced' as AccountKey],
      ['an executive', 'executive' as Who, 'am1Serviced' as AccountKey],
      ['the assistant of the account', 'assistant' as Who, 'am1Own' as AccountKey],
    ])('%s sees phone and e-mail', async (_name, who, key) => {
      await addContact('am1', f.accounts[key], { name: '黄磊' });
      const items = await contactsOf(who, f.accounts[key]);
      expect(items.length).toBeGreaterThan(0);
      for (const c of items) expect(c.redacted).toEqual([]);
      expect(items.some((c) => c.phone === '+86 138 0013 8000')).toBe(true);
    });
  });

  describe('communication records', () => {
    it('customer service records a visit on a serviced account, with next steps and contacts', async () => {
      const c = await addContact('am1', f.accounts.am1Serviced, { name: '刘洋' });
      const res = await api()
        .post(`/api/v1/accounts/${f.accounts.am1Serviced}/records`)
        .set(as('service'))
        .send(
          record({
            kind: 'care',
            occurredAt: '2025-06-01T10:30:00+08:00',
            nextSteps: '下周回访',
            nextStepDue: '2025-06-08',
            contactIds: [c.id],
          }),
        )
        .expect(201);
      expect(res.body).toMatchObject({
        accountId: f.accounts.am1Serviced,
        kind: 'care',
        occurredAt: '2025-06-01T02:30:00.000Z',
        nextSteps: '下周回访',
        nextStepDue: '2025-06-08',
        contactIds: [c.id],
        recordedBy: f.members.service.id,
      });
      const entry = (await timeline(f.accounts.am1Serviced)).find(
        (e) => e.kind === 'communication_recorded' && e.details.recordId === res.body.id,
      );
      expect(entry).toMatchObject({
        actorId: f.members.service.id,
        details: { kind: 'care', occurredAt: '2025-06-01T02:30:00.000Z' },
      });
      expect(JSON.stringify(entry)).not.toContain('拜访');
      // A record is a contact with the customer: the event says when and how, for the revisit rules.
      expect((await archiveEvents(res.body.id)).map((e) => e.payload)).toEqual([
        {
          accountId: f.accounts.am1Serviced,
          workspaceId: f.workspaceId,
          kind: 'communication_recorded',
          id: res.body.id,
          occurredAt: '2025-06-01T02:30:00.000Z',
          recordKind: 'care',
        },
      ]);
    });

    it('lists newest first, page by page with the cursor, and filters by kind', async () => {
      // An account of its own, so no other test's records interleave.
      const acc = (
        await api()
          .post('/api/v1/accounts')
          .set(as('am3'))
          .send({
            crmCompanyId: `crm-${randomUUID()}`,
            name: '南京长江电子有限公司',
            tier: 'silver',
            category: 'regional',
          })
          .expect(201)
      ).body.id as string;
      const kinds = ['visit', 'call', 'meeting', 'email', 'training'];
      for (const [i, kind] of kinds.entries())
        await api()
          .post(`/api/v1/accounts/${acc}/records`)
          .set(as('am3'))
          .send(record({ kind, occurredAt: hoursAgo(10 + i), summary: `记录 ${i}` }))
          .expect(201);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url: string = `/api/v1/accounts/${acc}/records?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const res = await api().get(url).set(as('am3')).expect(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.items.map((r: { summary: string }) => r.summary));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(seen).toEqual(['记录 0', '记录 1', '记录 2', '记录 3', '记录 4']);
      expect(pages).toBe(3);
      const calls = await api().get(`/api/v1/accounts/${acc}/records?kind=call`).set(as('am3')).expect(200);
      expect(calls.body.items.map((r: { summary: string }) => r.summary)).toEqual(['记录 1']);
    });

    it('a bad kind, limit or cursor on the list is a 400 naming it', async () => {
      const url = `/api/v1/accounts/${f.accounts.am3Own}/records`;
      expect(fieldsOf((await api().get(`${url}?kind=lunch`).set(as('am3')).expect(400)).body)).toEqual([
        'kind',
      ]);
      expect(fieldsOf((await api().get(`${url}?limit=0`).set(as('am3')).expect(400)).body)).toEqual([
        'limit',
      ]);
      expect(fieldsOf((await api().get(`${url}?cursor=garbage`).set(as('am3')).expect(400)).body)).toEqual([
        'cursor',
      ]);
    });

    it('the same Idempotency-Key records a visit once', async () => {
      const key = randomUUID();
      const body = record({ summary: `幂等 ${key}` });
      const send = () =>
        api()
          .post(`/api/v1/accounts/${f.accounts.am1Own}/records`)
          .set(as('am1'))
          .set('Idempotency-Key', key)
          .send(body);
      const [a, b] = await Promise.all([send(), send()]);
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(a.body.id).toBe(b.body.id);
      const rows = await db<{ n: number }>(
        `SELECT count(*)::int AS n FROM account_management.communication_records WHERE summary = $1`,
        [body.summary],
      );
      expect(rows[0].n).toBe(1);
    });

    it.each([
      ['a time without offset', { occurredAt: '2025-06-01T10:30:00' }, 'occurredAt'],
      ['a date that does not exist', { occurredAt: '2025-02-30T10:30:00+08:00' }, 'occurredAt'],
      [
        'a visit three days ahead',
        { occurredAt: new Date(Date.now() + 3 * 86400_000).toISOString() },
        'occurredAt',
      ],
      ['a due date in another format', { nextSteps: '报价', nextStepDue: '2025/06/08' }, 'nextStepDue'],
      ['a due date without next steps', { nextStepDue: '2025-06-08' }, 'nextStepDue'],
      ['a kind that is not one', { kind: 'lunch' }, 'kind'],
      ['a summary of 5001 characters', { summary: 'x'.repeat(5001) }, 'summary'],
      ['no summary', { summary: undefined }, 'summary'],
      ['a contact id that is not a UUID', { contactIds: ['abc'] }, 'contactIds'],
      ['a contact listed twice', { contactIds: [DUPLICATE, DUPLICATE] }, 'contactIds'],
      ['a contact of nobody', { contactIds: [randomUUID()] }, 'contactIds'],
    ])('%s is a 400 naming the field, and nothing is recorded', async (_name, over, field) => {
      const before = await archiveState(f.accounts.am1Own);
      const res = await api()
        .post(`/api/v1/accounts/${f.accounts.am1Own}/records`)
        .set(as('am1'))
        .send(record(over))
        .expect(400);
      expect(fieldsOf(res.body)).toContain(field);
      expect(await archiveState(f.accounts.am1Own)).toEqual(before);
    });

    it('a contact of another account is refused: 400 naming contactIds', async () => {
      const elsewhere = await addContact('am1', f.accounts.am1Serviced, { name: '他人' });
      const before = await archiveState(f.accounts.am1Own);
      const res = await api()
        .post(`/api/v1/accounts/${f.accounts.am1Own}/records`)
        .set(as('am1'))
        .send(record({ contactIds: [elsewhere.id] }))
        .expect(400);
      expect(fieldsOf(res.body)).toEqual(['contactIds']);
      expect(await archiveState(f.accounts.am1Own)).toEqual(before);
    });
  });

  describe('account plans', () => {
    it('an account manager plans a period: objectives with measures, strategies, resources, budget', async () => {
      const body = plan({ period: '2026-Q4', status: 'active' });
      const res = await api()
        .post(`/api/v1/accounts/${f.accounts.am1Serviced}/plans`)
        .set(as('am1'))
        .send(body)
        .expect(201);
      expect(res.body).toMatchObject({
        accountId: f.accounts.am1Serviced,
        period: '2026-Q4',
        objectives: body.objectives,
        strategies: body.strategies,
        resources: body.resources,
        budget: { amountMinor: 5_000_000, currency: 'CNY' },
        status: 'active',
        createdBy: f.members.am1.id,
        version: 1,
        redacted: [],
      });
      expect(res.headers.etag).toBe('"1"');
      const entry = (await timeline(f.accounts.am1Serviced)).find(
        (e) => e.kind === 'plan_created' && e.details.planId === res.body.id,
      );
      expect(entry?.details).toMatchObject({ period: '2026-Q4', status: 'active' });
      expect(JSON.stringify(entry)).not.toContain('5000000');
      expect((await archiveEvents(res.body.id)).map((e) => e.payload.kind)).toEqual(['plan_created']);
    });

    it.each(['2026', '2026-H1', '2026-11'])('period %s is a valid period', async (period) => {
      await api()
        .post(`/api/v1/accounts/${f.accounts.am1Serviced}/plans`)
        .set(as('am1'))
        .send(plan({ period }))
        .expect(201);
    });

    it('one plan per account and period: a second one is 409 and changes nothing', async () => {
      await api()
        .post(`/api/v1/accounts/${f.accounts.am1Own}/plans`)
        .set(as('am1'))
        .send(plan({ period: '2027' }))
        .expect(201);
      const before = await archiveState(f.accounts.am1Own);
      const res = await api()
        .post(`/api/v1/accounts/${f.accounts.am1Own}/plans`)
        .set(as('am1'))
        .send(plan({ period: '2027' }))
        .expect(409);
      expect(res.body.code).toBe('account_plan_exists');
      expect(await archiveState(f.accounts.am1Own)).toEqual(before);
      // The same period on another account is fine.
      await api()
        .post(`/api/v1/accounts/${f.accounts.am1Serviced}/plans`)
        .set(as('am1'))
        .send(plan({ period: '2027' }))
        .expect(201);
    });

    it('updates with If-Match: 200 and plan_updated; stale 412, missing 428, a taken period 409', async () => {
      const p = (
        await api()
          .post(`/api/v1/accounts/${f.accounts.am1Own}/plans`)
          .set(as('am1'))
          .send(plan({ period: '2028-H1' }))
          .expect(201)
      ).body;
      await api()
        .post(`/api/v1/accounts/${f.accounts.am1Own}/plans`)
        .set(as('am1'))
        .send(plan({ period: '2028-H2' }))
        .expect(201);
      const res = await api()
        .patch(`/api/v1/plans/${p.id}`)
        .set(as('am1'))
        .set('If-Match', '"1"')
        .send({ status: 'active', budget: { amountMinor: 8_000_000, currency: 'CNY' } })
        .expect(200);
      expect(res.body).toMatchObject({
        status: 'active',
        budget: { amountMinor: 8_000_000, currency: 'CNY' },
        version: 2,
      });
      expect(res.headers.etag).toBe('"2"');
      const entry = (await timeline(f.accounts.am1Own)).find(
        (e) => e.kind === 'plan_updated' && e.details.planId === p.id,
      );
      expect(entry?.details).toMatchObject({
        changed: ['budget', 'status'],
        status: { from: 'draft', to: 'active' },
      });
      expect((await archiveEvents(p.id)).map((e) => e.payload.kind)).toEqual([
        'plan_created',
        'plan_updated',
      ]);

      const before = await archiveState(f.accounts.am1Own);
      const stale = await api()
        .patch(`/api/v1/plans/${p.id}`)
        .set(as('am1'))
        .set('If-Match', '"1"')
        .send({ status: 'done' })
        .expect(412);
      expect(stale.body.code).toBe('precondition_failed');
      await api().patch(`/api/v1/plans/${p.id}`).set(as('am1')).send({ status: 'done' }).expect(428);
      const taken = await api()
        .patch(`/api/v1/plans/${p.id}`)
        .set(as('am1'))
        .set('If-Match', '"2"')
        .send({ period: '2028-H2' })
        .expect(409);
      expect(taken.body.code).toBe('account_plan_exists');
      expect(await archiveState(f.accounts.am1Own)).toEqual(before);
    });

    it.each([
      ['a fifth quarter', { period: '2026-Q5' }, 'period'],
      ['a thirteenth month', { period: '2026-13' }, 'period'],
      ['a two-digit year', { period: '26' }, 'period'],
      ['no objectives', { objectives: [] }, 'objectives'],
      ['an objective without measures', { objectives: [{ objective: '增长' }] }, 'objectives.0.measures'],
      ['an objective that is a string', { objectives: ['增长'] }, 'objectives'],
      ['a negative budget', { budget: { amountMinor: -1, currency: 'CNY' } }, 'budget.amountMinor'],
      ['a budget in lower-case currency', { budget: { amountMinor: 1, currency: 'cny' } }, 'budget.currency'],
      ['a budget that is a number', { budget: 5000 }, 'budget'],
      ['a status that is not one', { status: 'paused' }, 'status'],
      ['strategies of 5001 characters', { strategies: 'x'.repeat(5001) }, 'strategies'],
    ])('%s is a 400 naming the field, and nothing changes', async (_name, over, field) => {
      const before = await archiveState(f.accounts.am1Own);
      const res = await api()
        .post(`/api/v1/accounts/${f.accounts.am1Own}/plans`)
        .set(as('am1'))
        .send(plan(over))
        .expect(400);
      expect(fieldsOf(res.body)).toContain(field);
      expect(await archiveState(f.accounts.am1Own)).toEqual(before);
    });

    it.each([
      ['customer service', 'service' as Who, true],
      ['the clerk', 'clerk' as Who, true],
      ['an executive', 'executive' as Who, false],
      ['the director', 'director' as Who, false],
      ['the owner', 'am1' as Who, false],
    ])('%s (%s) reads plans; budget hidden: %s', async (_name, who, hidden) => {
      const items = (
        await api().get(`/api/v1/accounts/${f.accounts.am1Serviced}/plans`).set(as(who)).expect(200)
      ).body.items as { budget: unknown; redacted: string[]; objectives: unknown[] }[];
      expect(items.length).toBeGreaterThan(0);
      for (const p of items) {
        expect(p.objectives.length).toBeGreaterThan(0);
        if (hidden) {
          expect(p.budget).toBeNull();
          expect(p.redacted).toEqual(['budget']);
        } else {
          expect(p.budget).toEqual({ amountMinor: 5_000_000, currency: 'CNY' });
          expect(p.redacted).toEqual([]);
        }
      }
    });
  });

  describe('who may do what (role × relation), enforced by account-management', () => {
    type Op =
      'listContacts' | 'addContact' | 'deleteContact' | 'listRecords' | 'addRecord' | 'listPlans' | 'addPlan';
    const call = async (op: Op, who: Who, accountId: string) => {
      switch (op) {
        case 'listContacts':
          return api().get(`/api/v1/accounts/${accountId}/contacts`).set(as(who));
        case 'addContact':
          return api()
            .post(`/api/v1/accounts/${accountId}/contacts`)
            .set(as(who))
            .send(contact({ name: '权限测试' }));
        case 'deleteContact': {
          // A contact made by the director on that account (or none for another workspace: a random id).
          const id = accountId.startsWith('other:')
            ? randomUUID()
            : (await addContact('director', accountId, { name: '待删除' })).id;
          return api().delete(`/api/v1/contacts/${id}`).set(as(who));
        }
        case 'listRecords':
          return api().get(`/api/v1/accounts/${accountId}/records`).set(as(who));
        case 'addRecord':
          return api().post(`/api/v1/accounts/${accountId}/records`).set(as(who)).send(record());
        case 'listPlans':
          return api().get(`/api/v1/accounts/${accountId}/plans`).set(as(who));
        case 'addPlan':
          return api().post(`/api/v1/accounts/${accountId}/plans`).set(as(who)).send(plan());
      }
    };
    const CASES: [Op, Who, AccountKey | 'otherWorkspace', number][] = [
      // Account manager: own accounts only.
      ['listContacts', 'am1', 'am1Own', 200],
      ['listContacts', 'am1', 'am2Own', 404],
      ['addContact', 'am1', 'am1Own', 201],
      ['addContact', 'am1', 'am2Own', 404],
      ['deleteContact', 'am1', 'am1Own', 204],
      ['deleteContact', 'am1', 'am2Own', 404],
      ['addRecord', 'am1', 'am1Own', 201],
      ['listRecords', 'am1', 'am3Own', 404],
      ['addPlan', 'am1', 'am1Own', 201],
      ['addPlan', 'am1', 'am3Own', 404],
      // Group leader: their team's accounts, not another team's.
      ['addContact', 'leader1', 'am2Own', 201],
      ['addContact', 'leader1', 'am3Own', 404],
      ['addPlan', 'leader1', 'am2Own', 201],
      ['listRecords', 'leader1', 'am3Own', 404],
      // Assistant: the assisted account; no deleting.
      ['addContact', 'assistant', 'am1Own', 201],
      ['addContact', 'assistant', 'am2Own', 404],
      ['deleteContact', 'assistant', 'am1Own', 403],
      ['addPlan', 'assistant', 'am1Own', 201],
      // Customer service: reads contacts and plans, records contacts, for the service team's accounts.
      ['listContacts', 'service', 'am1Serviced', 200],
      ['listContacts', 'service', 'am1Own', 404],
      ['addContact', 'service', 'am1Serviced', 403],
      ['addRecord', 'service', 'am3Own', 201],
      ['addRecord', 'service', 'am2Own', 404],
      ['listRecords', 'service', 'am3Own', 200],
      ['listPlans', 'service', 'am3Own', 200],
      ['addPlan', 'service', 'am3Own', 403],
      // Market researcher: contacts (without details) of every account; no records or plans.
      ['listContacts', 'researcher', 'am3Own', 200],
      ['addContact', 'researcher', 'am3Own', 403],
      ['listRecords', 'researcher', 'am3Own', 403],
      ['addRecord', 'researcher', 'am3Own', 403],
      ['listPlans', 'researcher', 'am3Own', 403],
      ['listContacts', 'researcher', 'otherWorkspace', 404],
      // Clerk and executive: read the archive, write nothing.
      ['listRecords', 'clerk', 'am3Own', 200],
      ['addRecord', 'clerk', 'am3Own', 403],
      ['listPlans', 'executive', 'leader1Own', 200],
      ['addContact', 'executive', 'leader1Own', 403],
      // No business data.
      ['listContacts', 'security', 'am1Own', 403],
      ['listPlans', 'admin', 'am1Own', 403],
      // Another workspace's ids are not found, even for the director.
      ['listContacts', 'director', 'otherWorkspace', 404],
      ['addContact', 'director', 'otherWorkspace', 404],
      ['listRecords', 'director', 'otherWorkspace', 404],
      ['addRecord', 'director', 'otherWorkspace', 404],
      ['listPlans', 'director', 'otherWorkspace', 404],
      ['addPlan', 'director', 'otherWorkspace', 404],
      ['deleteContact', 'director', 'otherWorkspace', 404],
    ];
    it.each(CASES)('%s by %s on %s → %i', async (op, who, key, status) => {
      const accountId = key === 'otherWorkspace' ? other.accounts.am1Own : f.accounts[key];
      const before = key === 'otherWorkspace' ? undefined : await archiveState(accountId);
      const res = await call(
        op,
        who,
        op === 'deleteContact' && key === 'otherWorkspace' ? `other:${accountId}` : accountId,
      );
      expect({ status: res.status, code: res.body?.code }).toMatchObject({ status });
      if (status === 404) expect(['account_not_found', 'contact_not_found']).toContain(res.body.code);
      if (status >= 400 && before && op !== 'deleteContact')
        expect(await archiveState(accountId)).toEqual(before);
    });

    it("another workspace's director cannot change this workspace's contacts or plans: 404", async () => {
      const c = await addContact('am1', f.accounts.am1Own, { name: '跨租户' });
      const p = (
        await api()
          .post(`/api/v1/accounts/${f.accounts.am1Own}/plans`)
          .set(as('am1'))
          .send(plan())
          .expect(201)
      ).body;
      const before = await archiveState(f.accounts.am1Own);
      const a = await api()
        .patch(`/api/v1/contacts/${c.id}`)
        .set(as('otherDirector'))
        .set('If-Match', '"1"')
        .send({ name: '改名' })
        .expect(404);
      expect(a.body.code).toBe('contact_not_found');
      await api().delete(`/api/v1/contacts/${c.id}`).set(as('otherDirector')).expect(404);
      const b = await api()
        .patch(`/api/v1/plans/${p.id}`)
        .set(as('otherDirector'))
        .set('If-Match', '"1"')
        .send({ status: 'done' })
        .expect(404);
      expect(b.body.code).toBe('account_plan_not_found');
      expect(await archiveState(f.accounts.am1Own)).toEqual(before);
    });

    it("an account manager cannot change a colleague's contact (404) and the assistant cannot delete (403)", async () => {
      const c = await addContact('am2', f.accounts.am2Own, { name: '同事的联系人' });
      await api()
        .patch(`/api/v1/contacts/${c.id}`)
        .set(as('am1'))
        .set('If-Match', '"1"')
        .send({ name: 'x' })
        .expect(404);
      const mine = await addContact('am1', f.accounts.am1Own, { name: '助理不能删' });
      await api()
        .patch(`/api/v1/contacts/${mine.id}`)
        .set(as('assistant'))
        .set('If-Match', '"1"')
        .send({ notes: '助理补充' })
        .expect(200);
      await api().delete(`/api/v1/contacts/${mine.id}`).set(as('assistant')).expect(403);
    });
  });
  describe('account-management enforces the role table itself, not only the gateway', () => {
    let nc: NatsConnection;
    beforeAll(async () => {
      nc = await connect({
        servers: system.env.natsUrl,
        ...natsOptions(system.env, 'gateway'),
        name: 'archive-e2e',
      });
    });
    afterAll(() => nc.drain());

    /** A request straight to the service over NATS, as another internal caller would send it. */
    const direct = async (subject: string, who: keyof Fixture['members'], data: unknown) => {
      const m = f.members[who];
      const actor = { workspaceId: f.workspaceId, memberId: m.id, roles: m.roles, requestId: randomUUID() };
      const msg = await nc.request(subject, new TextEncoder().encode(JSON.stringify({ actor, data })), {
        timeout: 5000,
      });
      return JSON.parse(new TextDecoder().decode(msg.data)) as Reply;
    };
    const errorOf = (r: Reply) => (r.ok ? { ok: true } : { code: r.error.code, status: r.error.status });

    it.each([
      [
        'customer service adding a contact',
        SUBJECTS.accounts.contactCreate,
        'service',
        () => ({
          accountId: f.accounts.am1Serviced,
          data: contact(),
        }),
      ],
      [
        'a market researcher listing plans',
        SUBJECTS.accounts.planList,
        'researcher',
        () => ({
          accountId: f.accounts.am1Own,
        }),
      ],
      [
        'a market researcher recording a visit',
        SUBJECTS.accounts.recordCreate,
        'researcher',
        () => ({
          accountId: f.accounts.am1Own,
          data: record(),
        }),
      ],
      [
        'a clerk creating a plan',
        SUBJECTS.accounts.planCreate,
        'clerk',
        () => ({
          accountId: f.accounts.am1Own,
          data: plan(),
        }),
      ],
    ] as const)('%s is refused with 403 and changes nothing', async (_name, subject, who, data) => {
      const body = data();
      const before = await archiveState(body.accountId);
      expect(errorOf(await direct(subject, who, body))).toEqual({ code: 'forbidden', status: 403 });
      expect(await archiveState(body.accountId)).toEqual(before);
    });

    it('the assistant cannot delete a contact, even asking the service directly', async () => {
      const c = await addContact('am1', f.accounts.am1Own, { name: '直连测试' });
      expect(errorOf(await direct(SUBJECTS.accounts.contactDelete, 'assistant', { id: c.id }))).toEqual({
        code: 'forbidden',
        status: 403,
      });
      expect((await contactsOf('am1', f.accounts.am1Own)).map((x) => x.id)).toContain(c.id);
    });

    it('customer service cannot change contacts of the accounts it serves', async () => {
      const c = await addContact('am1', f.accounts.am1Serviced, { name: '客服只读' });
      const r = await direct(SUBJECTS.accounts.contactUpdate, 'service', {
        id: c.id,
        expectedVersion: 1,
        data: { phone: '+86 139 0000 0000' },
      });
      expect(errorOf(r)).toEqual({ code: 'forbidden', status: 403 });
    });

    it('the service validates the request again: an unknown field is a 400 naming it', async () => {
      const r = await direct(SUBJECTS.accounts.recordCreate, 'am1', {
        accountId: f.accounts.am1Own,
        data: { ...record(), mood: 'happy' },
      });
      expect(errorOf(r)).toEqual({ code: 'validation_failed', status: 400 });
      expect(!r.ok && r.error.errors?.map((e) => e.field)).toEqual(['data.mood']);
    });
  });
});
