import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { TestSystem } from '../support/system';
import { createWorkspace, Fixture, memberToken, withDb } from '../support/fixtures';
import { adminUrl } from '../support/env';

/** Settings, tiers with approvals, the pipeline, evaluation, assignment, organisation and staff departure. */
describe('the life of a key account', () => {
  const system = new TestSystem();
  let f: Fixture;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    await system.start();
    f = await createWorkspace(system.env);
    for (const who of Object.keys(f.members) as (keyof Fixture['members'])[])
      tokens[who] = await memberToken(system.jwtSecret, f, who);
  });
  afterAll(() => system.stop());

  const api = () => request(system.baseUrl);
  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const newAccount = async (who: string, over: Record<string, unknown> = {}) =>
    (
      await api()
        .post('/api/v1/accounts')
        .set(as(who))
        .send({
          crmCompanyId: `crm-${randomUUID()}`,
          name: `测试客户${randomUUID().slice(0, 6)}有限公司`,
          tier: 'gold',
          category: 'industry',
          ...over,
        })
        .expect(201)
    ).body as { id: string; version: number; tier: string; status: string };
  const timelineKinds = async (id: string) =>
    (
      (await api().get(`/api/v1/accounts/${id}/timeline`).set(as('director')).expect(200)).body.items as {
        kind: string;
      }[]
    ).map((e) => e.kind);

  describe('tier changes', () => {
    it('an upgrade with a reason is applied at once and kept in the tier history', async () => {
      const a = await newAccount('am1', { tier: 'silver' });
      const res = await api()
        .post(`/api/v1/accounts/${a.id}/tier`)
        .set(as('am1'))
        .set('If-Match', '"1"')
        .send({ tier: 'platinum', reason: '年采购额增长' })
        .expect(200);
      expect(res.body.account.tier).toBe('platinum');
      expect(res.body.change).toMatchObject({
        fromTier: 'silver',
        toTier: 'platinum',
        status: 'applied',
        reason: '年采购额增长',
      });
      const history = await api().get(`/api/v1/tier-changes?accountId=${a.id}`).set(as('am1')).expect(200);
      expect(history.body.map((c: { toTier: string }) => c.toTier)).toEqual(['platinum', 'silver']);
      expect(await timelineKinds(a.id)).toEqual(expect.arrayContaining(['created', 'tier_changed']));
    });

    it('a manual change without a reason is a 400 naming the reason', async () => {
      const a = await newAccount('am1');
      const res = await api()
        .post(`/api/v1/accounts/${a.id}/tier`)
        .set(as('am1'))
        .set('If-Match', '"1"')
        .send({ tier: 'diamond' })
        .expect(400);
      expect(res.body.errors[0].field).toBe('reason');
    });

    it('downgrading a gold account waits for the director, who approves it', async () => {
      const a = await newAccount('am1', { tier: 'gold' });
      const res = await api()
        .post(`/api/v1/accounts/${a.id}/tier`)
        .set(as('am1'))
        .set('If-Match', '"1"')
        .send({ tier: 'silver', reason: '合作减少' })
        .expect(202);
      expect(res.body.change.status).toBe('pending');
      expect(res.body.account.tier).toBe('gold');
      // A second request while one is pending is refused.
      await api()
        .post(`/api/v1/accounts/${a.id}/tier`)
        .set(as('am1'))
        .set('If-Match', `"${res.body.account.version}"`)
        .send({ tier: 'platinum', reason: 'x' })
        .expect(409);
      const queue = await api().get('/api/v1/tier-changes?status=pending').set(as('director')).expect(200);
      expect(queue.body.map((c: { id: string }) => c.id)).toContain(res.body.change.id);
      // The deputy and the account manager cannot decide it.
      await api()
        .post(`/api/v1/tier-changes/${res.body.change.id}/decision`)
        .set(as('deputy'))
        .send({ decision: 'approve' })
        .expect(403);
      await api()
        .post(`/api/v1/tier-changes/${res.body.change.id}/decision`)
        .set(as('am1'))
        .send({ decision: 'approve' })
        .expect(403);
      const decided = await api()
        .post(`/api/v1/tier-changes/${res.body.change.id}/decision`)
        .set(as('director'))
        .send({ decision: 'approve', note: '同意' })
        .expect(200);
      expect(decided.body).toMatchObject({ status: 'approved', decidedBy: f.members.director.id });
      const after = await api().get(`/api/v1/accounts/${a.id}`).set(as('am1')).expect(200);
      expect(after.body.tier).toBe('silver');
      await api()
        .post(`/api/v1/tier-changes/${res.body.change.id}/decision`)
        .set(as('director'))
        .send({ decision: 'reject' })
        .expect(409);
    });

    it('a rejected downgrade leaves the tier as it was', async () => {
      const a = await newAccount('am1', { tier: 'diamond' });
      const res = await api()
        .post(`/api/v1/accounts/${a.id}/tier`)
        .set(as('am1'))
        .set('If-Match', '"1"')
        .send({ tier: 'white_gold', reason: '下调' })
        .expect(202);
      await api()
        .post(`/api/v1/tier-changes/${res.body.change.id}/decision`)
        .set(as('director'))
        .send({ decision: 'reject', note: '维持' })
        .expect(200);
      expect((await api().get(`/api/v1/accounts/${a.id}`).set(as('am1')).expect(200)).body.tier).toBe(
        'diamond',
      );
    });

    it('the director downgrades a top-tier account without waiting', async () => {
      const a = await newAccount('director', { tier: 'gold', ownerId: f.members.am2.id });
      await api()
        .post(`/api/v1/accounts/${a.id}/tier`)
        .set(as('director'))
        .set('If-Match', '"1"')
        .send({ tier: 'silver', reason: '战略调整' })
        .expect(200);
    });

    it('an unknown tier code is a 400 and changes nothing', async () => {
      const a = await newAccount('am1', { tier: 'silver' });
      await api()
        .post(`/api/v1/accounts/${a.id}/tier`)
        .set(as('am1'))
        .set('If-Match', '"1"')
        .send({ tier: 'bronze', reason: 'x' })
        .expect(400);
      expect((await api().get(`/api/v1/accounts/${a.id}`).set(as('am1')).expect(200)).body).toMatchObject({
        tier: 'silver',
        version: 1,
      });
    });
  });

  describe('the pipeline', () => {
    it('an illegal move is a 409 naming the allowed stages', async () => {
      const a = await newAccount('am1');
      const res = await api()
        .post(`/api/v1/accounts/${a.id}/stage`)
        .set(as('am1'))
        .set('If-Match', '"1"')
        .send({ to: 'active' })
        .expect(409);
      expect(res.body.code).toBe('illegal_stage_transition');
      expect(res.body.detail).toContain('qualified');
      expect(res.body.detail).toContain('lost');
    });

    it('prospect → qualified → negotiating → agreement signed → handed over (with 需求、联系人、约定) → active', async () => {
      const a = await newAccount('am1');
      let version = 1;
      for (const to of ['qualified', 'negotiating', 'agreement_signed']) {
        const r = await api()
          .post(`/api/v1/accounts/${a.id}/stage`)
          .set(as('am1'))
          .set('If-Match', `"${version}"`)
          .send({ to })
          .expect(200);
        version = r.body.version;
      }
      await api()
        .post(`/api/v1/accounts/${a.id}/stage`)
        .set(as('am1'))
        .set('If-Match', `"${version}"`)
        .send({ to: 'handed_over' })
        .expect(400);
      const handed = await api()
        .post(`/api/v1/accounts/${a.id}/stage`)
        .set(as('am1'))
        .set('If-Match', `"${version}"`)
        .send({
          to: 'handed_over',
          handover: {
            needs: '年度设备维护',
            contacts: '王经理 138…',
            agreements: '季度回访',
            serviceTeamId: f.teams.service,
          },
        })
        .expect(200);
      expect(handed.body.status).toBe('handed_over');
      expect(handed.body.serviceTeamId).toBe(f.teams.service);
      expect(handed.body.serviceHandover).toMatchObject({
        needs: '年度设备维护',
        handedOverBy: f.members.am1.id,
      });
      await api()
        .post(`/api/v1/accounts/${a.id}/stage`)
        .set(as('am1'))
        .set('If-Match', `"${handed.body.version}"`)
        .send({ to: 'active' })
        .expect(200);
      // Customer service now sees it.
      await api().get(`/api/v1/accounts/${a.id}`).set(as('service')).expect(200);
      expect((await timelineKinds(a.id)).filter((k) => k === 'stage_changed')).toHaveLength(5);
    });
  });

  describe('evaluation and qualification', () => {
    it('five scores and the workspace weights give the score and the recommended tier', async () => {
      const a = await newAccount('am1', { tier: 'silver' });
      const res = await api()
        .put(`/api/v1/accounts/${a.id}/evaluation`)
        .set(as('am1'))
        .set('If-Match', '"1"')
        .send({ scale: 90, brandInfluence: 80, marketShare: 85, paymentCapacity: 70, potential: 95 })
        .expect(200);
      // 90×30 + 80×20 + 85×20 + 70×15 + 95×15 = 8475 → 84.75 → diamond (≥ 80)
      expect(res.body.evaluation.score).toBe(84.75);
      expect(res.body.recommendedTier).toBe('diamond');
      expect(res.body.tier).toBe('silver');
    });

    it('a score above 100 is a 400 naming the dimension', async () => {
      const a = await newAccount('am1');
      const res = await api()
        .put(`/api/v1/accounts/${a.id}/evaluation`)
        .set(as('am1'))
        .set('If-Match', '"1"')
        .send({ scale: 101, brandInfluence: 1, marketShare: 1, paymentCapacity: 1, potential: 1 })
        .expect(400);
      expect(res.body.errors[0].field).toBe('scale');
    });

    it.each([
      [
        'an annual purchase above 1,000,000 CNY',
        { annualPurchase: { amountMinor: 100_000_001, currency: 'CNY' } },
        true,
        ['annual_purchase'],
      ],
      [
        'exactly 1,000,000 CNY (not above)',
        { annualPurchase: { amountMinor: 100_000_000, currency: 'CNY' } },
        false,
        [],
      ],
      ['a profit contribution above 10%', { profitContributionPct: 10.5 }, true, ['profit_contribution']],
      ['a recorded strategic potential', { strategicPotential: true }, true, ['strategic_potential']],
      ['none of these', {}, false, []],
    ])('a customer with %s qualifies: %s', async (_name, extra, qualified, reasons) => {
      const a = await newAccount('am1', extra);
      const got = await api().get(`/api/v1/accounts/${a.id}`).set(as('am1')).expect(200);
      expect(got.body.qualification).toEqual({ qualified, reasons });
    });
  });

  describe('assignment', () => {
    it('a group leader moves an account within their team; not to another team', async () => {
      const a = await newAccount('am1', { tier: 'silver' });
      const moved = await api()
        .post(`/api/v1/accounts/${a.id}/assignment`)
        .set(as('leader1'))
        .set('If-Match', '"1"')
        .send({ ownerId: f.members.am2.id, assistantIds: [f.members.assistant.id], reason: '均衡工作量' })
        .expect(200);
      expect(moved.body).toMatchObject({ ownerId: f.members.am2.id, assistantIds: [f.members.assistant.id] });
      await api()
        .post(`/api/v1/accounts/${a.id}/assignment`)
        .set(as('leader1'))
        .set('If-Match', `"${moved.body.version}"`)
        .send({ ownerId: f.members.am3.id })
        .expect(403);
      expect(await timelineKinds(a.id)).toContain('owner_changed');
    });

    it('an unknown member as owner is a 400 and changes nothing', async () => {
      const a = await newAccount('am1', { tier: 'silver' });
      const res = await api()
        .post(`/api/v1/accounts/${a.id}/assignment`)
        .set(as('director'))
        .set('If-Match', '"1"')
        .send({ ownerId: randomUUID() })
        .expect(400);
      expect(res.body.errors[0].field).toBe('ownerId');
      expect((await api().get(`/api/v1/accounts/${a.id}`).set(as('am1')).expect(200)).body.version).toBe(1);
    });
  });

  describe('workspace settings', () => {
    it('everyone reads them; an account manager cannot change them', async () => {
      const res = await api().get('/api/v1/settings').set(as('am1')).expect(200);
      expect(res.body.settings.tierLadder.map((t: { key: string }) => t.key)).toEqual([
        'gold',
        'diamond',
        'platinum',
        'white_gold',
        'silver',
      ]);
      expect(res.body.settings.qualification).toMatchObject({
        annualPurchaseMinor: 100_000_000,
        profitContributionPct: 10,
      });
      await api()
        .patch('/api/v1/settings')
        .set(as('am1'))
        .set('If-Match', res.headers.etag)
        .send({ changes: { protectedTopTiers: 1 } })
        .expect(403);
    });

    it('an invalid setting is a 400 naming it, and the version does not move', async () => {
      const before = await api().get('/api/v1/settings').set(as('director')).expect(200);
      const res = await api()
        .patch('/api/v1/settings')
        .set(as('director'))
        .set('If-Match', before.headers.etag)
        .send({
          changes: {
            timeZone: 'Mars/Olympus',
            evaluationWeights: {
              scale: 50,
              brandInfluence: 50,
              marketShare: 50,
              paymentCapacity: 0,
              potential: 0,
            },
            colour: 'red',
          },
        })
        .expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['changes.colour']);
      const res2 = await api()
        .patch('/api/v1/settings')
        .set(as('director'))
        .set('If-Match', before.headers.etag)
        .send({
          changes: {
            timeZone: 'Mars/Olympus',
            evaluationWeights: {
              scale: 50,
              brandInfluence: 50,
              marketShare: 50,
              paymentCapacity: 0,
              potential: 0,
            },
          },
        })
        .expect(400);
      expect(res2.body.errors.map((e: { field: string }) => e.field)).toEqual(
        expect.arrayContaining(['changes.timeZone', 'changes.evaluationWeights']),
      );
      expect((await api().get('/api/v1/settings').set(as('director')).expect(200)).body.version).toBe(
        before.body.version,
      );
    });

    it('a new ladder that drops tiers in use needs an explicit mapping; with it, accounts move and keep their history', async () => {
      const ws = await createWorkspace(system.env);
      const director = await memberToken(system.jwtSecret, ws, 'director');
      const admin = await memberToken(system.jwtSecret, ws, 'admin');
      const s = await api().get('/api/v1/settings').set('Authorization', `Bearer ${director}`).expect(200);
      const refused = await api()
        .patch('/api/v1/settings')
        .set('Authorization', `Bearer ${director}`)
        .set('If-Match', s.headers.etag)
        .send({ changes: {}, tierLadderPreset: 'abc' })
        .expect(409);
      expect(refused.body.code).toBe('tier_mapping_required');
      expect(refused.body.detail).toContain('gold (1)');
      // An admin may change settings too.
      const ok = await api()
        .patch('/api/v1/settings')
        .set('Authorization', `Bearer ${admin}`)
        .set('If-Match', s.headers.etag)
        .send({
          changes: {},
          tierLadderPreset: 'abc',
          tierMapping: { gold: 'A', diamond: 'A', platinum: 'B', white_gold: 'B', silver: 'C' },
          reason: '改用 ABC 分级',
        })
        .expect(200);
      expect(ok.body.version).toBe(s.body.version + 1);
      const accounts = await api()
        .get('/api/v1/accounts?limit=200')
        .set('Authorization', `Bearer ${director}`)
        .expect(200);
      expect(accounts.body.items.map((a: { tier: string }) => a.tier).sort()).toEqual([
        'A',
        'A',
        'B',
        'B',
        'C',
      ]);
      const history = await api()
        .get(`/api/v1/tier-changes?accountId=${ws.accounts.am1Own}`)
        .set('Authorization', `Bearer ${director}`)
        .expect(200);
      expect(history.body[0]).toMatchObject({ fromTier: 'gold', toTier: 'A', status: 'applied' });
      const versions = await api()
        .get('/api/v1/settings/history')
        .set('Authorization', `Bearer ${director}`)
        .expect(200);
      expect(versions.body[0]).toMatchObject({ version: ok.body.version, reason: '改用 ABC 分级' });
    });
  });

  describe('organisation and staff departure', () => {
    it('the director adds a member from the CRM and puts them in a team; an account manager cannot', async () => {
      const id = randomUUID();
      await api()
        .put(`/api/v1/members/${id}`)
        .set(as('am1'))
        .send({ name: '新人', roles: ['account_manager'] })
        .expect(403);
      const m = await api()
        .put(`/api/v1/members/${id}`)
        .set(as('director'))
        .send({
          name: '新人',
          roles: ['account_manager'],
          teamId: f.teams.team1,
          managerId: f.members.leader1.id,
        })
        .expect(200);
      expect(m.body).toMatchObject({ id, teamId: f.teams.team1, status: 'active' });
      const team = await api().get(`/api/v1/members?teamId=${f.teams.team1}`).set(as('am1')).expect(200);
      expect(team.body.map((x: { id: string }) => x.id)).toContain(id);
    });

    it('a manager chain that would loop is refused', async () => {
      const res = await api()
        .put(`/api/v1/members/${f.members.leader1.id}`)
        .set(as('director'))
        .send({
          name: 'leader1',
          roles: ['group_leader'],
          teamId: f.teams.team1,
          managerId: f.members.leader1.id,
        })
        .expect(400);
      expect(res.body.errors[0].field).toBe('managerId');
    });

    it('teams: created with a leader, renamed with If-Match', async () => {
      const t = await api()
        .post('/api/v1/teams')
        .set(as('director'))
        .send({ name: '市场拓展二组', kind: 'market_expansion', leaderId: f.members.leader2.id })
        .expect(201);
      const r = await api()
        .patch(`/api/v1/teams/${t.body.id}`)
        .set(as('director'))
        .set('If-Match', `"${t.body.version}"`)
        .send({ name: '市场拓展组(南)' })
        .expect(200);
      expect(r.body.name).toBe('市场拓展组(南)');
      await api()
        .patch(`/api/v1/teams/${t.body.id}`)
        .set(as('director'))
        .set('If-Match', `"${t.body.version}"`)
        .send({ name: 'x' })
        .expect(412);
    });

    it('a departure moves every account the leaver owns or assists in one operation, once', async () => {
      const ws = await createWorkspace(system.env);
      const director = await memberToken(system.jwtSecret, ws, 'director');
      const leaverToken = await memberToken(system.jwtSecret, ws, 'am1');
      const assistantToken = await memberToken(system.jwtSecret, ws, 'assistant');
      // am1 owns am1Own and am1Serviced; the assistant assists am1Own.
      await api().get('/api/v1/accounts').set('Authorization', `Bearer ${leaverToken}`).expect(200);
      const deputy = await memberToken(system.jwtSecret, ws, 'deputy');
      const admin = await memberToken(system.jwtSecret, ws, 'admin');
      // Open work of the leaver: a complaint they handle and a planned revisit assigned to them.
      const complaint = await api()
        .post(`/api/v1/accounts/${ws.accounts.am1Own}/complaints`)
        .set('Authorization', `Bearer ${leaverToken}`)
        .send({
          channel: 'phone',
          category: '交付',
          severity: 'medium',
          description: '延迟交货',
          receivedAt: new Date(Date.now() - 60_000).toISOString(),
        })
        .expect(201);
      await withDb(adminUrl(system.env), (db) =>
        db.query(
          `INSERT INTO account_management.revisits (id, workspace_id, account_id, due_date, assignee_id) VALUES ($1, $2, $3, current_date + 3, $4)`,
          [randomUUID(), ws.workspaceId, ws.accounts.am1Serviced, ws.members.am1.id],
        ),
      );
      await api()
        .post(`/api/v1/members/${ws.members.am1.id}/departure`)
        .set('Authorization', `Bearer ${admin}`)
        .send({ successorId: ws.members.am2.id })
        .expect(403);
      const report = await api()
        .post(`/api/v1/members/${ws.members.am1.id}/departure`)
        .set('Authorization', `Bearer ${deputy}`)
        .send({
          successorId: ws.members.am2.id,
          successorsByAccount: { [ws.accounts.am1Serviced]: ws.members.leader1.id },
          reason: '离职',
        })
        .expect(200);
      expect(report.body.accountsMoved).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ accountId: ws.accounts.am1Own, as: 'owner', to: ws.members.am2.id }),
          expect.objectContaining({
            accountId: ws.accounts.am1Serviced,
            as: 'owner',
            to: ws.members.leader1.id,
          }),
        ]),
      );
      expect(report.body.openItemsMoved).toEqual({ revisits: 1, complaints: 1 });
      const moved = await api()
        .get(`/api/v1/complaints/${complaint.body.id}`)
        .set('Authorization', `Bearer ${director}`)
        .expect(200);
      expect(moved.body.handlerId).toBe(ws.members.am2.id);
      const revisits = await withDb(adminUrl(system.env), (db) =>
        db.query(`SELECT assignee_id FROM account_management.revisits WHERE account_id = $1`, [
          ws.accounts.am1Serviced,
        ]),
      );
      // The serviced account went to leader1 by name, and so did its open revisit.
      expect(revisits.rows).toEqual([{ assignee_id: ws.members.leader1.id }]);
      const owners = await withDb(adminUrl(system.env), (db) =>
        db.query(
          `SELECT id, owner_id FROM account_management.accounts WHERE workspace_id = $1 AND owner_id = $2`,
          [ws.workspaceId, ws.members.am1.id],
        ),
      );
      expect(owners.rowCount).toBe(0);
      // The leaver's token is refused everywhere from now on.
      await api().get('/api/v1/accounts').set('Authorization', `Bearer ${leaverToken}`).expect(401);
      await api().get('/api/v1/settings').set('Authorization', `Bearer ${leaverToken}`).expect(401);
      // Running it again changes nothing and answers the same report.
      const again = await api()
        .post(`/api/v1/members/${ws.members.am1.id}/departure`)
        .set('Authorization', `Bearer ${director}`)
        .send({ successorId: ws.members.am3.id })
        .expect(200);
      expect(again.body).toMatchObject({
        id: report.body.id,
        alreadyDone: true,
        successorId: ws.members.am2.id,
      });
      const stored = await api()
        .get(`/api/v1/members/${ws.members.am1.id}/handover-report`)
        .set('Authorization', `Bearer ${director}`)
        .expect(200);
      expect(stored.body.accountsMoved).toHaveLength(report.body.accountsMoved.length);
      // The assistant still assists the account under its new owner.
      await api()
        .get(`/api/v1/accounts/${ws.accounts.am1Own}`)
        .set('Authorization', `Bearer ${assistantToken}`)
        .expect(200);
      const timeline = await api()
        .get(`/api/v1/accounts/${ws.accounts.am1Own}/timeline`)
        .set('Authorization', `Bearer ${director}`)
        .expect(200);
      expect(timeline.body.items[0]).toMatchObject({
        kind: 'handover',
        details: { from: ws.members.am1.id, to: ws.members.am2.id },
      });
    });

    it('a departing assistant is replaced by the successor on the accounts they assisted', async () => {
      const ws = await createWorkspace(system.env);
      const director = await memberToken(system.jwtSecret, ws, 'director');
      const report = await api()
        .post(`/api/v1/members/${ws.members.assistant.id}/departure`)
        .set('Authorization', `Bearer ${director}`)
        .send({ successorId: ws.members.am2.id })
        .expect(200);
      expect(report.body.accountsMoved).toEqual([
        expect.objectContaining({ accountId: ws.accounts.am1Own, as: 'assistant', to: ws.members.am2.id }),
      ]);
      const a = await api()
        .get(`/api/v1/accounts/${ws.accounts.am1Own}`)
        .set('Authorization', `Bearer ${director}`)
        .expect(200);
      expect(a.body.assistantIds).toEqual([ws.members.am2.id]);
    });

    it('a departed or unknown successor is a 400 and nothing moves', async () => {
      const ws = await createWorkspace(system.env);
      const director = await memberToken(system.jwtSecret, ws, 'director');
      const res = await api()
        .post(`/api/v1/members/${ws.members.am1.id}/departure`)
        .set('Authorization', `Bearer ${director}`)
        .send({ successorId: ws.members.departed.id })
        .expect(400);
      expect(res.body.errors[0].field).toBe('successorId');
      const a = await api()
        .get(`/api/v1/accounts/${ws.accounts.am1Own}`)
        .set('Authorization', `Bearer ${director}`)
        .expect(200);
      expect(a.body.ownerId).toBe(ws.members.am1.id);
    });
  });
});
