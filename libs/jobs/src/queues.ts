/** Every BullMQ queue of every service, in one place (the job console lists them all). */
export enum QueueName {
  /** account-management: housekeeping per workspace (idempotency records, …). */
  AccountMaintenance = 'account-maintenance',
  /** account-management: revisits falling due, overdue escalation (issue 4). */
  Revisits = 'revisits',
  /** account-management: complaint SLA clocks (issue 4). */
  Complaints = 'complaints',
  /** account-management: daily account health scores and tender deadline reminders (issue 4). */
  AccountHealth = 'account-health',
  /** account-management: quarterly satisfaction surveys (issue 4). */
  Surveys = 'surveys',
  /** performance-evaluation: monthly cycles (issue 5). */
  Performance = 'performance',
  /** document-security: grant expiry, access-log verification (issue 6). */
  Documents = 'documents',
  /** gateway: CRM webhooks and sync (issue 7). */
  CrmSync = 'crm-sync',
}

export const ALL_QUEUES: QueueName[] = Object.values(QueueName);

/** Key prefix of every queue in Redis, so KAM can share a Redis with other apps. */
export const QUEUE_PREFIX = 'kam';
