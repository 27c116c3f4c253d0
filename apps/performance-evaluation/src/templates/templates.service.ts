import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, CreateTemplateDto, KamError, TemplateView, validationError } from '@app/contracts';
import { applyOnce } from '@app/persistence';
import { PerformanceAccess } from '../access/performance-access.service';
import { audit } from '../access/audit';
import { CriterionDef } from '../domain/scorecard';
import { DEFAULT_TEMPLATES, validateTemplate } from '../domain/template';

const TEMPLATE_COLUMNS = `t.id, t.position, t.version, t.name, t.criteria, t.active, t.created_by, t.created_at`;

interface TemplateRow {
  id: string;
  position: string;
  version: number;
  name: { zh: string; en: string };
  criteria: CriterionDef[];
  active: boolean;
  created_by: string | null;
  created_at: Date;
}

function toView(r: TemplateRow): TemplateView {
  return {
    id: r.id,
    position: r.position,
    version: r.version,
    name: r.name,
    criteria: r.criteria,
    active: r.active,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
  };
}

/**
 * Gives a workspace the policy's default templates (sales 60/20/20, clerk 20/30/40/10) as version 1 of every
 * position that has none yet. Idempotent and safe to run concurrently: one INSERT … ON CONFLICT DO NOTHING.
 */
export async function ensureDefaultTemplates(m: EntityManager, workspaceId: string): Promise<void> {
  const defaults = Object.entries(DEFAULT_TEMPLATES).map(([position, t]) => ({
    id: randomUUID(),
    position,
    name: t.name,
    criteria: t.criteria,
  }));
  await m.query(
    `INSERT INTO scorecard_templates (id, workspace_id, position, version, name, criteria, active)
     SELECT d.id, $1, d.position, 1, d.name, d.criteria, true
       FROM jsonb_to_recordset($2::jsonb) AS d(id uuid, position text, name jsonb, criteria jsonb)
      WHERE NOT EXISTS (SELECT 1 FROM scorecard_templates s WHERE s.workspace_id = $1 AND s.position = d.position)
     ON CONFLICT DO NOTHING`,
    [workspaceId, JSON.stringify(defaults)],
  );
}

/** Scorecard templates per position, versioned: a change is a new version, the old one stays (inactive). */
@Injectable()
export class TemplatesService {
  constructor(
    private readonly ds: DataSource,
    private readonly access: PerformanceAccess,
  ) {}

  /** The active template of every position. */
  async list(actor: Actor): Promise<TemplateView[]> {
    await this.access.require(actor, 'read', 'ScorecardTemplate');
    await ensureDefaultTemplates(this.ds.manager, actor.workspaceId);
    const rows: TemplateRow[] = await this.ds.query(
      `SELECT ${TEMPLATE_COLUMNS} FROM scorecard_templates t WHERE t.workspace_id = $1 AND t.active
       ORDER BY t.position`,
      [actor.workspaceId],
    );
    return rows.map(toView);
  }

  /** Every version of a position's template, newest first; 404 when the position has none. */
  async versions(actor: Actor, position: string): Promise<TemplateView[]> {
    await this.access.require(actor, 'read', 'ScorecardTemplate');
    await ensureDefaultTemplates(this.ds.manager, actor.workspaceId);
    const rows: TemplateRow[] = await this.ds.query(
      `SELECT ${TEMPLATE_COLUMNS} FROM scorecard_templates t WHERE t.workspace_id = $1 AND t.position = $2
       ORDER BY t.version DESC`,
      [actor.workspaceId, position],
    );
    if (!rows.length) throw new KamError('not_found', { what: 'template', position });
    return rows.map(toView);
  }

  /** The next version of the position's template; 400 naming the field when it cannot be used, nothing stored. */
  async create(actor: Actor, dto: CreateTemplateDto, idempotencyKey?: string): Promise<TemplateView> {
    await this.access.require(actor, 'create', 'ScorecardTemplate');
    const criteria: CriterionDef[] = dto.criteria.map((c) => ({
      key: c.key,
      name: { zh: c.name.zh, en: c.name.en },
      group: c.group,
      maxPoints: c.maxPoints,
      kind: c.kind,
      ...(c.metric !== undefined ? { metric: c.metric } : {}),
      ...(c.formula !== undefined ? { formula: c.formula } : {}),
    }));
    const problems = validateTemplate(criteria);
    if (problems.length) throw validationError(problems);
    const { id } = await applyOnce(
      this.ds.manager,
      { actor, scope: 'template.create', key: idempotencyKey, body: dto },
      async (m) => {
        await ensureDefaultTemplates(m, actor.workspaceId);
        // One new version at a time per position.
        await m.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
          `scorecard_templates|${actor.workspaceId}|${dto.position}`,
        ]);
        // UPDATE … RETURNING answers [rows, count] through TypeORM.
        const [previous]: [TemplateRow[], number] = await m.query(
          `UPDATE scorecard_templates t SET active = false
            WHERE t.workspace_id = $1 AND t.position = $2 AND t.active RETURNING ${TEMPLATE_COLUMNS}`,
          [actor.workspaceId, dto.position],
        );
        const id = randomUUID();
        await m.query(
          `INSERT INTO scorecard_templates (id, workspace_id, position, version, name, criteria, active, created_by)
           SELECT $1, $2, $3, coalesce(max(version), 0) + 1, $4, $5, true, $6
             FROM scorecard_templates WHERE workspace_id = $2 AND position = $3`,
          [
            id,
            actor.workspaceId,
            dto.position,
            JSON.stringify(dto.name),
            JSON.stringify(criteria),
            actor.kind === 'system' ? null : actor.memberId,
          ],
        );
        const created = await this.load(m, actor.workspaceId, id);
        await audit(m, actor, [
          ...previous.map((p) => ({
            entity: 'scorecard_template',
            entityId: p.id,
            action: 'deactivate',
            reason: `superseded by version ${created.version}`,
            before: { active: true },
            after: { active: false },
          })),
          { entity: 'scorecard_template', entityId: id, action: 'create', after: toView(created) },
        ]);
        return { id };
      },
    );
    return toView(await this.load(this.ds.manager, actor.workspaceId, id));
  }

  private async load(m: EntityManager, workspaceId: string, id: string): Promise<TemplateRow> {
    const rows: TemplateRow[] = await m.query(
      `SELECT ${TEMPLATE_COLUMNS} FROM scorecard_templates t WHERE t.id = $1 AND t.workspace_id = $2`,
      [id, workspaceId],
    );
    if (!rows[0]) throw new KamError('not_found', { what: 'template', id });
    return rows[0];
  }
}
