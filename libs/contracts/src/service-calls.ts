import { SUBJECTS } from './subjects';

/**
 * What each service may ask of another service over NATS (issue 14, ADR 0018): a short list of system subjects.
 * Only the gateway sends requests on behalf of a user or an API key, and it may call every subject; a service's
 * NATS user may publish requests only to the subjects listed here for it, and the handler of every listed subject
 * accepts only `kind: 'system'` actors (checked once, in the RpcServer of libs/messaging). So no service can act
 * as a user on another one, whatever envelope it builds.
 *
 * A new call between services goes here first; the NATS server configuration (libs/messaging
 * nats-permissions.ts, deploy/nats-server.conf) is generated from this list.
 */
export const SERVICE_CALLS = {
  'account-management': [
    // An account CSV export over the threshold uses up the caller's approved export request (ADR 0013).
    SUBJECTS.documents.exportRequestRedeem,
  ],
  'performance-evaluation': [
    SUBJECTS.accounts.workspaceList,
    SUBJECTS.accounts.memberContext,
    SUBJECTS.accounts.memberRoster,
    SUBJECTS.accounts.teamContext,
    SUBJECTS.accounts.metricsMembers,
    SUBJECTS.accounts.metricsTeams,
  ],
  'document-security': [
    SUBJECTS.accounts.workspaceList,
    SUBJECTS.accounts.memberContext,
    SUBJECTS.accounts.memberRoster,
    SUBJECTS.accounts.accountRelations,
  ],
} as const satisfies Record<string, readonly string[]>;

export type CallingService = keyof typeof SERVICE_CALLS;

const SYSTEM_ONLY: ReadonlySet<string> = new Set(Object.values(SERVICE_CALLS).flat());

/** Whether a request subject is one that services call on each other: then it takes only system actors. */
export function isServiceCallSubject(subject: string): boolean {
  return SYSTEM_ONLY.has(subject);
}
