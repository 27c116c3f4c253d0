import type { Request } from 'express';
import { Actor, canonicalId, KamError } from '@app/contracts';
import type { AccessEntryInput } from './access-recorder';

type Entry = AccessEntryInput;

const ID = '([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})';
const ACCOUNT_ROUTE = new RegExp(`^/api/v1/accounts/${ID}(?:/|$)`);
const DOCUMENT_ROUTE = new RegExp(`^/api/v1/documents/${ID}(?:/|$)`);

const ANY_ID = new RegExp(ID, 'g');

/** The path of a request, never its query string (which may carry a token), with every uuid in it canonical. */
export function routeOf(req: Pick<Request, 'path' | 'originalUrl' | 'url'>): string {
  return (req.originalUrl ?? req.url ?? req.path ?? '')
    .split('?')[0]
    .replace(ANY_ID, (id) => id.toLowerCase());
}

/** The account and document a route names, canonical. */
export function idsOfRoute(route: string): { accountId?: string; documentId?: string } {
  const account = canonicalId(ACCOUNT_ROUTE.exec(route)?.[1]);
  const document = canonicalId(DOCUMENT_ROUTE.exec(route)?.[1]);
  return { ...(account ? { accountId: account } : {}), ...(document ? { documentId: document } : {}) };
}

/**
 * The access-log entry of a refusal (DESIGN §4: "every denied attempt"): a 401 or 403 of a member the gateway knows
 * — signed in, or identified and refused as departed. Unknown tokens name nobody and are not entries; refusals the
 * refusing service logged itself (`audited`) are not written twice.
 */
export function refusalEntry(
  req: Request & { actor?: Actor; refusedActor?: Actor },
  e: KamError,
): Entry | undefined {
  if (e.status !== 401 && e.status !== 403) return undefined;
  if (e.audited) return undefined;
  const actor = req.actor ?? req.refusedActor;
  if (!actor || actor.kind === 'system') return undefined;
  const route = routeOf(req);
  const ids = idsOfRoute(route);
  return {
    workspaceId: actor.workspaceId,
    memberId: actor.memberId,
    action: 'denied',
    // What the refused request was after: a document, an account, or (any other route) the request itself.
    subject: ids.documentId ? 'document' : ids.accountId ? 'account' : 'request',
    method: req.method,
    route,
    ...ids,
    reason: e.code,
    status: e.status,
    details: { credential: actor.kind ?? 'user' },
  };
}

/** The access-log entry of a view of an account's archive (account, contacts, records, plans, timeline). */
export function viewEntry(req: Request, actor: Actor, subject: string): Entry {
  const route = routeOf(req);
  return {
    workspaceId: actor.workspaceId,
    memberId: actor.memberId,
    action: 'view',
    subject,
    method: req.method,
    route,
    ...idsOfRoute(route),
    details: { credential: actor.kind ?? 'user' },
  };
}
