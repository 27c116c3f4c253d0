import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import {
  Actor,
  CreateTrainingDto,
  FieldError,
  KamError,
  ListTrainingsQuery,
  MemberTrainingView,
  RecordAttendanceDto,
  TrainingAttendanceView,
  TrainingView,
  UpdateTrainingDto,
  validationError,
} from '@app/contracts';
import { applyOnce } from '@app/persistence';
import { PerformanceAccess } from '../access/performance-access.service';
import { audit } from '../access/audit';
import { OrganisationClient } from '../organisation/organisation.client';

const COLUMNS = `t.id, t.kind, t.title, to_char(t.held_on, 'YYYY-MM-DD') AS held_on, t.trainer, t.notes, t.version,
  t.created_by, t.created_at,
  coalesce((SELECT jsonb_agg(jsonb_build_object('memberId', a.member_id, 'attended', a.attended,
                   'score', a.score::text) ORDER BY a.member_id)
              FROM training_attendance a WHERE a.training_id = t.id), '[]'::jsonb) AS attendance`;

interface TrainingRow {
  id: string;
  kind: TrainingView['kind'];
  title: string;
  held_on: string;
  trainer: string | null;
  notes: string | null;
  version: number;
  created_by: string | null;
  created_at: Date;
  attendance: TrainingAttendanceView[];
}

const toView = (r: TrainingRow): TrainingView => ({
  id: r.id,
  kind: r.kind,
  title: r.title,
  heldOn: r.held_on,
  trainer: r.trainer,
  notes: r.notes,
  attendance: r.attendance,
  version: r.version,
  createdBy: r.created_by,
  createdAt: r.created_at.toISOString(),
});

/**
 * Each member's average assessment score (0-100, two decimals, as text) over the sessions held in
 * [from, to) — instants, read as dates in the workspace's time zone — that they attended and were scored in;
 * null for a member without any. One query, for the training_score metric of a template.
 */
export async function trainingScores(
  m: EntityManager,
  workspaceId: string,
  memberIds: string[],
  from: Date,
  to: Date,
): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>(memberIds.map((id) => [id, null]));
  if (!memberIds.length) return out;
  const rows: { member_id: string; avg: string }[] = await m.query(
    `WITH tz AS (
       SELECT coalesce((SELECT time_zone FROM workspaces WHERE workspace_id = $1), 'Asia/Shanghai') AS name)
     SELECT a.member_id, round(avg(a.score), 2)::text AS avg
       FROM training_attendance a JOIN trainings t ON t.id = a.training_id, tz
      WHERE a.workspace_id = $1 AND t.workspace_id = $1 AND a.member_id = ANY($2::uuid[])
        AND a.attended AND a.score IS NOT NULL
        AND t.held_on >= timezone(tz.name, $3::timestamptz)::date
        AND t.held_on < timezone(tz.name, $4::timestamptz)::date
      GROUP BY a.member_id`,
    [workspaceId, memberIds, from.toISOString(), to.toISOString()],
  );
  for (const r of rows) out.set(r.member_id, r.avg);
  return out;
}

/** Staff training (试用期培训, 在职培训, 岗位职责考核): sessions, attendance and assessment scores. */
@Injectable()
export class TrainingsService {
  constructor(
    private readonly ds: DataSource,
    private readonly access: PerformanceAccess,
    private readonly org: OrganisationClient,
  ) {}

  async list(actor: Actor, query: ListTrainingsQuery): Promise<TrainingView[]> {
    await this.access.require(actor, 'read', 'Training');
    const rows: TrainingRow[] = await this.ds.query(
      `SELECT ${COLUMNS} FROM trainings t
        WHERE t.workspace_id = $1 AND ($2::text IS NULL OR t.kind = $2)
          AND ($3::date IS NULL OR t.held_on >= $3) AND ($4::date IS NULL OR t.held_on <= $4)
        ORDER BY t.held_on DESC, t.id LIMIT $5`,
      [actor.workspaceId, query.kind ?? null, query.from ?? null, query.to ?? null, query.limit ?? 100],
    );
    return rows.map(toView);
  }

  async get(actor: Actor, id: string): Promise<TrainingView> {
    await this.access.require(actor, 'read', 'Training');
    return toView(await this.load(this.ds.manager, actor.workspaceId, id));
  }

  /** A member's sessions, newest first. */
  async ofMember(actor: Actor, memberId: string): Promise<MemberTrainingView[]> {
    await this.access.require(actor, 'read', 'Training');
    await this.org.requireMember(actor, memberId); // 404 for a member of another workspace
    const rows: {
      training_id: string;
      kind: MemberTrainingView['kind'];
      title: string;
      held_on: string;
      attended: boolean;
      score: string | null;
    }[] = await this.ds.query(
      `SELECT t.id AS training_id, t.kind, t.title, to_char(t.held_on, 'YYYY-MM-DD') AS held_on, a.attended,
              a.score::text AS score
         FROM training_attendance a JOIN trainings t ON t.id = a.training_id
        WHERE a.workspace_id = $1 AND t.workspace_id = $1 AND a.member_id = $2
        ORDER BY t.held_on DESC, t.id LIMIT 1000`,
      [actor.workspaceId, memberId],
    );
    return rows.map((r) => ({
      trainingId: r.training_id,
      kind: r.kind,
      title: r.title,
      heldOn: r.held_on,
      attended: r.attended,
      score: r.score,
    }));
  }

  async create(actor: Actor, dto: CreateTrainingDto, idempotencyKey?: string): Promise<TrainingView> {
    await this.access.require(actor, 'create', 'Training');
    const { id } = await applyOnce(
      this.ds.manager,
      { actor, scope: 'training.create', key: idempotencyKey, body: dto },
      async (m) => {
        const id = randomUUID();
        await m.query(
          `INSERT INTO trainings (id, workspace_id, kind, title, held_on, trainer, notes, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [
            id,
            actor.workspaceId,
            dto.kind,
            dto.title,
            dto.heldOn,
            dto.trainer ?? null,
            dto.notes ?? null,
            actor.kind === 'system' ? null : actor.memberId,
          ],
        );
        await audit(m, actor, {
          entity: 'training',
          entityId: id,
          action: 'create',
          after: toView(await this.load(m, actor.workspaceId, id)),
        });
        return { id };
      },
    );
    return toView(await this.load(this.ds.manager, actor.workspaceId, id));
  }

  async update(
    actor: Actor,
    id: string,
    expectedVersion: number,
    dto: UpdateTrainingDto,
  ): Promise<TrainingView> {
    await this.access.require(actor, 'update', 'Training');
    return this.ds.transaction(async (m) => {
      const before = await this.load(m, actor.workspaceId, id, true);
      if (before.version !== expectedVersion)
        throw new KamError('precondition_failed', { current: before.version });
      await m.query(
        `UPDATE trainings SET kind = $3, title = $4, held_on = $5, trainer = $6, notes = $7, version = version + 1
          WHERE id = $1 AND workspace_id = $2`,
        [
          id,
          actor.workspaceId,
          dto.kind ?? before.kind,
          dto.title ?? before.title,
          dto.heldOn ?? before.held_on,
          dto.trainer === undefined ? before.trainer : dto.trainer,
          dto.notes === undefined ? before.notes : dto.notes,
        ],
      );
      const after = toView(await this.load(m, actor.workspaceId, id));
      await audit(m, actor, {
        entity: 'training',
        entityId: id,
        action: 'update',
        before: toView(before),
        after,
      });
      return after;
    });
  }

  /** Records attendance and scores at the session's version; every member must belong to the workspace. */
  async recordAttendance(
    actor: Actor,
    id: string,
    expectedVersion: number,
    dto: RecordAttendanceDto,
  ): Promise<TrainingView> {
    await this.access.require(actor, 'update', 'Training');
    const errors: FieldError[] = [];
    const seen = new Set<string>();
    dto.entries.forEach((e, i) => {
      if (seen.has(e.memberId))
        errors.push({ field: `entries[${i}].memberId`, message: 'a member is listed once' });
      seen.add(e.memberId);
      if (e.attended === false && e.score !== undefined && e.score !== null)
        errors.push({ field: `entries[${i}].score`, message: 'a member who did not attend has no score' });
    });
    if (errors.length) throw validationError(errors);
    const roster = new Set(
      (await this.org.roster(actor.workspaceId, actor.requestId, true)).map((r) => r.memberId),
    );
    dto.entries.forEach((e, i) => {
      if (!roster.has(e.memberId))
        errors.push({ field: `entries[${i}].memberId`, message: 'not a member of this workspace' });
    });
    if (errors.length) throw validationError(errors);
    return this.ds.transaction(async (m) => {
      const before = await this.load(m, actor.workspaceId, id, true);
      if (before.version !== expectedVersion)
        throw new KamError('precondition_failed', { current: before.version });
      await m.query(
        `INSERT INTO training_attendance (training_id, workspace_id, member_id, attended, score)
         SELECT $1, $2, e.member_id, e.attended, e.score
           FROM jsonb_to_recordset($3::jsonb) AS e(member_id uuid, attended boolean, score numeric)
         ON CONFLICT (training_id, member_id) DO UPDATE SET attended = EXCLUDED.attended, score = EXCLUDED.score`,
        [
          id,
          actor.workspaceId,
          JSON.stringify(
            dto.entries.map((e) => ({
              member_id: e.memberId,
              attended: e.attended ?? true,
              score: e.score === undefined || e.score === null ? null : String(e.score),
            })),
          ),
        ],
      );
      await m.query(`UPDATE trainings SET version = version + 1 WHERE id = $1 AND workspace_id = $2`, [
        id,
        actor.workspaceId,
      ]);
      const after = toView(await this.load(m, actor.workspaceId, id));
      await audit(m, actor, {
        entity: 'training',
        entityId: id,
        action: 'record_attendance',
        before: { attendance: before.attendance },
        after: { attendance: after.attendance },
      });
      return after;
    });
  }

  private async load(m: EntityManager, workspaceId: string, id: string, lock = false): Promise<TrainingRow> {
    if (lock)
      await m.query(`SELECT 1 FROM trainings WHERE id = $1 AND workspace_id = $2 FOR UPDATE`, [
        id,
        workspaceId,
      ]);
    const rows: TrainingRow[] = await m.query(
      `SELECT ${COLUMNS} FROM trainings t WHERE t.id = $1 AND t.workspace_id = $2`,
      [id, workspaceId],
    );
    if (!rows[0]) throw new KamError('training_not_found', { id });
    return rows[0];
  }
}
