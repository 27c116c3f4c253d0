import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { SignJWT } from 'jose';
import { Role } from '@app/contracts';
import { DEFAULT_SETTINGS } from '../../apps/account-management/src/domain/settings';
import { serviceDatabaseUrl, TestEnv } from './env';

export async function withDb<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export interface Fixture {
  workspaceId: string;
  teams: { team1: string; team2: string; service: string; research: string };
  members: Record<
    | 'director'
    | 'deputy'
    | 'leader1'
    | 'am1'
    | 'am2'
    | 'assistant'
    | 'service'
    | 'researcher'
    | 'clerk'
    | 'executive'
    | 'security'
    | 'admin'
    | 'leader2'
    | 'am3'
    | 'departed',
    { id: string; roles: Role[] }
  >;
  accounts: Record<'am1Own' | 'am1Serviced' | 'am2Own' | 'am3Own' | 'leader1Own', string>;
}

/**
 * A workspace of its own for a suite, written as account-management's own role (the way the seed does):
 * two account-manager teams, a service team, a member for every role, and five accounts with known owners.
 */
export async function createWorkspace(env: TestEnv): Promise<Fixture> {
  const ws = randomUUID();
  const teams = { team1: randomUUID(), team2: randomUUID(), service: randomUUID(), research: randomUUID() };
  const mk = (roles: Role[]) => ({ id: randomUUID(), roles });
  const members: Fixture['members'] = {
    director: mk(['director']),
    deputy: mk(['deputy_director']),
    leader1: mk(['group_leader']),
    am1: mk(['account_manager']),
    am2: mk(['account_manager']),
    assistant: mk(['assistant_account_manager']),
    service: mk(['customer_service']),
    researcher: mk(['market_researcher']),
    clerk: mk(['clerk']),
    executive: mk(['executive']),
    security: mk(['security_officer']),
    admin: mk(['admin']),
    leader2: mk(['group_leader']),
    am3: mk(['account_manager']),
    departed: mk(['account_manager']),
  };
  const teamOf: Partial<Record<keyof Fixture['members'], string>> = {
    leader1: teams.team1,
    am1: teams.team1,
    am2: teams.team1,
    assistant: teams.team1,
    departed: teams.team1,
    service: teams.service,
    researcher: teams.research,
    leader2: teams.team2,
    am3: teams.team2,
  };
  const accounts: Fixture['accounts'] = {
    am1Own: randomUUID(),
    am1Serviced: randomUUID(),
    am2Own: randomUUID(),
    am3Own: randomUUID(),
    leader1Own: randomUUID(),
  };
  await withDb(serviceDatabaseUrl(env, 'account-management'), async (c) => {
    await c.query('BEGIN');
    await c.query('SET CONSTRAINTS ALL DEFERRED');
    await c.query(`INSERT INTO workspaces (id, name, settings) VALUES ($1, $2, $3)`, [
      ws,
      `test ${ws}`,
      JSON.stringify(DEFAULT_SETTINGS),
    ]);
    const teamRows: [string, string, string, string | null][] = [
      [teams.team1, '客户经理一组', 'account_managers', members.leader1.id],
      [teams.team2, '客户经理二组', 'account_managers', members.leader2.id],
      [teams.service, '客服组', 'customer_service', null],
      [teams.research, '市场调研组', 'market_research', null],
    ];
    for (const [id, name, kind, leader] of teamRows) {
      await c.query(
        `INSERT INTO teams (id, workspace_id, name, kind, leader_id) VALUES ($1, $2, $3, $4, $5)`,
        [id, ws, name, kind, leader],
      );
    }
    for (const [key, m] of Object.entries(members)) {
      await c.query(
        `INSERT INTO members (id, workspace_id, name, roles, team_id, status) VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          m.id,
          ws,
          key,
          m.roles,
          teamOf[key as keyof Fixture['members']] ?? null,
          key === 'departed' ? 'departed' : 'active',
        ],
      );
    }
    const acc: [string, string, string, string, string | null, string[]][] = [
      [accounts.am1Own, '深圳华为技术有限公司', 'gold', members.am1.id, null, [members.assistant.id]],
      [accounts.am1Serviced, '上海东方通信有限公司', 'diamond', members.am1.id, teams.service, []],
      [accounts.am2Own, '北京中联能源有限公司', 'platinum', members.am2.id, null, []],
      [accounts.am3Own, '广州恒达汽车有限公司', 'silver', members.am3.id, teams.service, []],
      [accounts.leader1Own, '杭州瑞丰医药有限公司', 'white_gold', members.leader1.id, null, []],
    ];
    for (const [id, name, tier, owner, serviceTeam, assistants] of acc) {
      await c.query(
        `INSERT INTO accounts (id, workspace_id, crm_company_id, name, tier, category, status, owner_id, service_team_id,
           assistant_ids, annual_purchase_minor, currency, profit_contribution_pct)
         VALUES ($1, $2, $3, $4, $5, 'industry', 'active', $6, $7, $8, 150000000, 'CNY', 12.5)`,
        [id, ws, `crm-${id}`, name, tier, owner, serviceTeam, assistants],
      );
    }
    await c.query('COMMIT');
  });
  return { workspaceId: ws, teams, members, accounts };
}

export function tokenFor(
  secret: string,
  claims: { sub: string; workspaceId: string; roles: string[] },
  opts: { ttlSeconds?: number; alg?: 'HS256' } = {},
): Promise<string> {
  return new SignJWT({ workspaceId: claims.workspaceId, roles: claims.roles })
    .setProtectedHeader({ alg: opts.alg ?? 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + (opts.ttlSeconds ?? 3600))
    .sign(new TextEncoder().encode(secret));
}

/** A token for a fixture member. */
export function memberToken(secret: string, f: Fixture, who: keyof Fixture['members']): Promise<string> {
  const m = f.members[who];
  return tokenFor(secret, { sub: m.id, workspaceId: f.workspaceId, roles: m.roles });
}

/** The fixture member who plays each role in the permission matrices. */
export const ROLE_PLAYER: Record<Role, keyof Fixture['members']> = {
  director: 'director',
  deputy_director: 'deputy',
  group_leader: 'leader1',
  account_manager: 'am1',
  assistant_account_manager: 'assistant',
  customer_service: 'service',
  market_researcher: 'researcher',
  clerk: 'clerk',
  executive: 'executive',
  security_officer: 'security',
  admin: 'admin',
};
