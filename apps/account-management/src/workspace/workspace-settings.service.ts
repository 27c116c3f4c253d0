import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, EVENTS, KamError, validationError } from '@app/contracts';
import { addToOutbox, OutboxRelay } from '@app/messaging';
import { ActorContextService } from '../organisation/actor-context.service';
import { CATEGORY_KEYS, normalizeSettings, settingsProblems, WorkspaceSettings } from '../domain/settings';
import { ladderChangeProblems, TIER_PRESETS, TierPreset } from '../domain/tier-ladder';

export interface SettingsView {
  workspaceId: string;
  version: number;
  settings: WorkspaceSettings;
}

const SETTINGS_KEYS = new Set<keyof WorkspaceSettings>([
  'timeZone',
  'tierLadder',
  'categories',
  'qualification',
  'evaluationWeights',
  'protectedTopTiers',
  'revisitAssignee',
  'complaintSla',
  'discountAuthorityPct',
]);

/** Versioned workspace settings: read by everyone, changed by the director or an admin. */
@Injectable()
export class WorkspaceSettingsService {
  constructor(
    private readonly ds: DataSource,
    private readonly actors: ActorContextService,
    private readonly relay: OutboxRelay,
  ) {}

  /** The current settings inside a transaction (or the default manager). */
  async load(m: EntityManager, workspaceId: string, lock = false): Promise<SettingsView> {
    const rows: { settings: Partial<WorkspaceSettings>; settings_version: number }[] = await m.query(
      `SELECT settings, settings_version FROM workspaces WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [workspaceId],
    );
    if (!rows[0]) throw new KamError('not_found', { what: 'workspace' });
    return { workspaceId, version: rows[0].settings_version, settings: normalizeSettings(rows[0].settings) };
  }

  private readonly cache = new Map<string, { at: number; view: SettingsView }>();

  /** The current settings, reused for up to 2 s (changes in this process apply at once). */
  async cached(workspaceId: string): Promise<WorkspaceSettings> {
    const hit = this.cache.get(workspaceId);
    if (hit && Date.now() - hit.at < 2000) return hit.view.settings;
    const view = await this.load(this.ds.manager, workspaceId);
    if (this.cache.size > 1000) this.cache.clear();
    this.cache.set(workspaceId, { at: Date.now(), view });
    return view.settings;
  }

  /** Every workspace and its time zone, for per-workspace schedules in other services. */
  async listWorkspaces(): Promise<{ workspaceId: string; timeZone: string }[]> {
    const rows: { id: string; time_zone: string }[] = await this.ds.query(
      `SELECT id, time_zone FROM workspaces ORDER BY id`,
    );
    return rows.map((r) => ({ workspaceId: r.id, timeZone: r.time_zone }));
  }

  async get(actor: Actor): Promise<SettingsView> {
    const { ability } = await this.actors.resolve(actor);
    if (!ability.can('read', 'Settings')) throw new KamError('forbidden');
    return this.load(this.ds.manager, actor.workspaceId);
  }

  async history(actor: Actor): Promise<
    {
      version: number;
      changedBy: string | null;
      changedAt: string;
      reason: string | null;
      tierMapping: Record<string, string> | null;
    }[]
  > {
    const { ability } = await this.actors.resolve(actor);
    if (!ability.can('read', 'Settings')) throw new KamError('forbidden');
    const rows: {
      version: number;
      changed_by: string | null;
      changed_at: Date;
      reason: string | null;
      tier_mapping: Record<string, string> | null;
    }[] = await this.ds.query(
      `SELECT version, changed_by, changed_at, reason, tier_mapping FROM workspace_settings_history WHERE workspace_id = $1 ORDER BY version DESC`,
      [actor.workspaceId],
    );
    return rows.map((r) => ({
      version: r.version,
      changedBy: r.changed_by,
      changedAt: r.changed_at.toISOString(),
      reason: r.reason,
      tierMapping: r.tier_mapping,
    }));
  }

  /**
   * Applies a partial change. A new tier ladder must map every tier still in use that it drops; the accounts
   * are moved in the same transaction, each with a tier-history entry. Nothing is silently dropped.
   */
  async update(
    actor: Actor,
    expectedVersion: number,
    input: {
      changes: Record<string, unknown>;
      tierLadderPreset?: string;
      tierMapping?: Record<string, string>;
      reason?: string;
    },
  ): Promise<SettingsView> {
    const { ability } = await this.actors.resolve(actor);
    if (!ability.can('update', 'Settings')) throw new KamError('forbidden');
    const unknown = Object.keys(input.changes).filter(
      (k) => !SETTINGS_KEYS.has(k as keyof WorkspaceSettings),
    );
    if (unknown.length)
      throw validationError(
        unknown.map((field) => ({ field: `changes.${field}`, message: `${field} is not a setting` })),
      );
    const view = await this.ds.transaction(async (m) => {
      const current = await this.load(m, actor.workspaceId, true);
      if (current.version !== expectedVersion)
        throw new KamError('precondition_failed', { current: current.version });
      const changes = { ...input.changes } as Partial<WorkspaceSettings>;
      if (input.tierLadderPreset) {
        if (!(input.tierLadderPreset in TIER_PRESETS))
          throw validationError([
            {
              field: 'tierLadderPreset',
              message: `tierLadderPreset must be one of ${Object.keys(TIER_PRESETS).join(', ')}`,
            },
          ]);
        changes.tierLadder = TIER_PRESETS[input.tierLadderPreset as TierPreset];
      }
      let next: WorkspaceSettings;
      try {
        next = normalizeSettings({ ...current.settings, ...changes });
        const problems = settingsProblems(next);
        if (Array.isArray(next.categories) && next.categories.some((c) => !CATEGORY_KEYS.includes(c.key)))
          problems.push({ field: 'categories', message: `category keys are ${CATEGORY_KEYS.join(', ')}` });
        if (problems.length)
          throw validationError(problems.map((p) => ({ field: `changes.${p.field}`, message: p.message })));
      } catch (e) {
        if (e instanceof KamError) throw e;
        throw validationError([{ field: 'changes', message: 'settings do not have the expected shape' }]);
      }
      const mapping = input.tierMapping ?? {};
      const ladderChanged =
        JSON.stringify(next.tierLadder.map((t) => t.key)) !==
        JSON.stringify(current.settings.tierLadder.map((t) => t.key));
      if (ladderChanged || Object.keys(mapping).length) {
        const inUse: { tier: string; n: number }[] = await m.query(
          `SELECT tier, count(*)::int AS n FROM accounts WHERE workspace_id = $1 GROUP BY tier`,
          [actor.workspaceId],
        );
        const { unmapped, badTargets } = ladderChangeProblems(
          inUse.map((r) => r.tier),
          next.tierLadder,
          mapping,
        );
        if (badTargets.length)
          throw validationError(
            badTargets.map((k) => ({
              field: `tierMapping.${k}`,
              message: `tier ${k} is mapped to a tier that is not on the new ladder`,
            })),
          );
        if (unmapped.length)
          throw new KamError('tier_mapping_required', {
            tiers: unmapped.map((k) => `${k} (${inUse.find((r) => r.tier === k)?.n ?? 0})`).join(', '),
          });
        // All mappings at once (so gold→A and A→B cannot chain), each moved account with its tier history and
        // timeline entry, in one statement.
        const pairs = Object.entries(mapping).filter(([from, to]) => from !== to);
        if (pairs.length) {
          await m.query(
            `WITH map AS (SELECT * FROM unnest($2::text[], $3::text[]) AS x(from_tier, to_tier)),
             moved AS (
               UPDATE accounts a SET tier = map.to_tier, version = a.version + 1, updated_at = now()
               FROM map WHERE a.workspace_id = $1 AND a.tier = map.from_tier
               RETURNING a.id, map.from_tier, map.to_tier),
             history AS (
               INSERT INTO tier_changes (id, workspace_id, account_id, from_tier, to_tier, reason, status, requested_by, decided_by, decided_at)
               SELECT gen_random_uuid(), $1, id, from_tier, to_tier, $4, 'applied', $5, $5, now() FROM moved)
             INSERT INTO account_timeline (workspace_id, account_id, actor_id, kind, details)
             SELECT $1, id, $5, 'tier_changed', jsonb_build_object('from', from_tier, 'to', to_tier, 'reason', 'ladder change') FROM moved`,
            [
              actor.workspaceId,
              pairs.map(([from]) => from),
              pairs.map(([, to]) => to),
              `tier ladder changed (settings version ${current.version + 1})`,
              actor.memberId,
            ],
          );
        }
        // Pending changes towards a tier that no longer exists cannot be decided any more.
        await m.query(
          `UPDATE tier_changes SET status = 'superseded', decided_at = now(), decision_note = 'tier ladder changed'
           WHERE workspace_id = $1 AND status = 'pending' AND NOT (to_tier = ANY($2))`,
          [actor.workspaceId, next.tierLadder.map((t) => t.key)],
        );
      }
      const version = current.version + 1;
      await m.query(
        `UPDATE workspaces SET settings = $2, settings_version = $3, time_zone = $4, updated_at = now() WHERE id = $1`,
        [actor.workspaceId, JSON.stringify(next), version, next.timeZone],
      );
      await m.query(
        `INSERT INTO workspace_settings_history (workspace_id, version, settings, changed_by, reason, tier_mapping) VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          actor.workspaceId,
          version,
          JSON.stringify(next),
          actor.memberId,
          input.reason ?? null,
          Object.keys(mapping).length ? JSON.stringify(mapping) : null,
        ],
      );
      await addToOutbox(m, {
        subject: EVENTS.settingsChanged,
        workspaceId: actor.workspaceId,
        requestId: actor.requestId,
        payload: {
          workspaceId: actor.workspaceId,
          version,
          timeZone: next.timeZone,
          changed: Object.keys(changes),
        },
      });
      return { workspaceId: actor.workspaceId, version, settings: next };
    });
    this.cache.delete(actor.workspaceId);
    this.relay.kick();
    return view;
  }
}
