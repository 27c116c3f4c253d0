import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EVENTS, ScorecardEvent } from '@app/contracts';
import { DomainEvent, EventHandler } from '@app/messaging';

interface RatingDue {
  workspaceId: string;
  month: string;
  /** The group leader who rates these cards, or null: the director(s). */
  raterId: string | null;
  memberIds: string[];
}

interface WarningRaised {
  workspaceId: string;
  warningId: string;
  memberId: string;
  position: string;
  months: string[];
}

/**
 * The in-app notifications of performance evaluation, kept with the revisit and complaint ones so a member has one
 * list: ratings still due (daily), a scorecard published to its member (the 5-day appeal window starts), and a 末位
 * warning for the directors. One INSERT per event; the event id makes a redelivery harmless (inbox).
 */
@Injectable()
export class PerformanceNotificationsListener {
  @EventHandler(EVENTS.scorecardRatingDue, 'notify-scorecard-rating-due')
  async onRatingDue(event: DomainEvent<RatingDue>, m: EntityManager): Promise<void> {
    const p = event.payload;
    await m.query(
      `INSERT INTO notifications (id, workspace_id, member_id, kind, title, body, link)
       SELECT gen_random_uuid(), $1, r.id, 'scorecard_rating_due',
              $2 || ' 考核表待评分:' || $3 || ' 份 / Scorecards of ' || $2 || ' waiting for your ratings: ' || $3,
              NULL, jsonb_build_object('month', $2::text, 'memberIds', $4::uuid[])
       FROM members r
       WHERE r.workspace_id = $1 AND r.status = 'active'
         AND (r.id = $5 OR ($5::uuid IS NULL AND 'director' = ANY(r.roles)))`,
      [p.workspaceId, p.month, p.memberIds.length, p.memberIds, p.raterId],
    );
  }

  @EventHandler(EVENTS.scorecardChanged, 'notify-scorecard-published')
  async onScorecardChanged(event: DomainEvent<ScorecardEvent>, m: EntityManager): Promise<void> {
    const p = event.payload;
    if (p.status !== 'published') return;
    await m.query(
      `INSERT INTO notifications (id, workspace_id, member_id, kind, title, body, link)
       SELECT gen_random_uuid(), $1, r.id, 'scorecard_published',
              $2 || ' 考核结果已发布,请确认;如有异议请在 5 天内申诉 / Your scorecard of ' || $2
                || ' is published: acknowledge it, or appeal within 5 days',
              NULL, jsonb_build_object('scorecardId', $3::text, 'month', $2::text)
       FROM members r WHERE r.workspace_id = $1 AND r.id = $4 AND r.status = 'active'`,
      [p.workspaceId, p.month, p.scorecardId, p.memberId],
    );
  }

  @EventHandler(EVENTS.eliminationWarningRaised, 'notify-elimination-warning')
  async onWarning(event: DomainEvent<WarningRaised>, m: EntityManager): Promise<void> {
    const p = event.payload;
    await m.query(
      `INSERT INTO notifications (id, workspace_id, member_id, kind, title, body, link)
       SELECT gen_random_uuid(), $1, r.id, 'elimination_warning',
              '末位预警:' || COALESCE((SELECT name FROM members x WHERE x.id = $3), '') || ' 连续三个月排名末位,请决定处理方式'
                || ' / Last place three months running: your decision is needed',
              array_to_string($4::text[], ', '), jsonb_build_object('warningId', $2::text, 'memberId', $3::text)
       FROM members r WHERE r.workspace_id = $1 AND r.status = 'active' AND 'director' = ANY(r.roles)`,
      [p.workspaceId, p.warningId, p.memberId, p.months],
    );
  }
}
