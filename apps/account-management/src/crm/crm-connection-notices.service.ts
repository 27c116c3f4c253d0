import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CrmConnectionChangedRequest, CrmConnectionChangedResult, CrmConnectionPart } from '@app/contracts';

const PART_NAMES: Record<CrmConnectionPart, { zh: string; en: string }> = {
  baseUrl: { zh: '地址', en: 'address' },
  apiKey: { zh: 'API 密钥', en: 'API key' },
  webhookSecret: { zh: 'Webhook 密钥', en: 'webhook secret' },
};

/**
 * Issue 14, point 5: the CRM connection decides where the API key goes and whose opportunities become orders
 * that feed pay, so every change of it is told to the directors in their in-app notifications: which host, what
 * changed (never the values), and who changed it. The change id makes a retried request add nothing.
 */
@Injectable()
export class CrmConnectionNotices {
  constructor(private readonly ds: DataSource) {}

  async changed(workspaceId: string, req: CrmConnectionChangedRequest): Promise<CrmConnectionChangedResult> {
    const parts = req.changed.map((p) => PART_NAMES[p]);
    const setUp = !req.previousHost && req.changed.length === 3;
    const zh = setUp
      ? `已设置 CRM 连接:${req.host}`
      : `CRM 连接已更改:${req.host}(${parts.map((p) => p.zh).join('、')})`;
    const en = setUp
      ? `The CRM connection was set up: ${req.host}`
      : `The CRM connection was changed: ${req.host} (${parts.map((p) => p.en).join(', ')})`;
    const moved = req.previousHost && req.previousHost !== req.host ? req.previousHost : null;
    const rows: unknown[] = await this.ds.query(
      `INSERT INTO notifications (id, workspace_id, member_id, kind, title, body, link)
       SELECT gen_random_uuid(), $1, r.id, 'crm_connection_changed', $2,
              '由 ' || coalesce((SELECT x.name FROM members x WHERE x.workspace_id = $1 AND x.id::text = $4), $4)
                || ' 更改' || CASE WHEN $6::text IS NULL THEN '' ELSE ',原地址 ' || $6 END
                || ' / Changed by '
                || coalesce((SELECT x.name FROM members x WHERE x.workspace_id = $1 AND x.id::text = $4), $4)
                || CASE WHEN $6::text IS NULL THEN '' ELSE ', previously ' || $6 END,
              jsonb_build_object('changeId', $3::text, 'host', $5::text, 'previousHost', $6::text,
                                 'changed', $7::text[], 'changedBy', $4::text)
       FROM members r
       WHERE r.workspace_id = $1 AND r.status = 'active' AND 'director' = ANY(r.roles)
         AND NOT EXISTS (SELECT 1 FROM notifications n
                         WHERE n.workspace_id = $1 AND n.member_id = r.id AND n.kind = 'crm_connection_changed'
                           AND n.link ->> 'changeId' = $3)
       RETURNING id`,
      [workspaceId, `${zh} / ${en}`, req.changeId, req.changedBy, req.host, moved, req.changed],
    );
    return { notified: rows.length };
  }
}
