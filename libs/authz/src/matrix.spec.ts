import { subject } from '@casl/ability';
import { Role, ROLES } from '@app/contracts';
import { ActorContext, defineAbilityFor, KamAbility } from './ability';
import { defineDocumentAbilityFor } from './document-rules';
import {
  ACCOUNT_MATRIX,
  ACCOUNT_RELATIONS,
  ACCOUNT_SCOPED_SUBJECTS,
  AccountRelation,
  AccountScopedAction,
  AccountScopedSubject,
  ACTIONS_OF,
  DOCUMENT_CLASSIFICATIONS,
  DOCUMENT_ACTIONS,
  DOCUMENT_CREATE,
  DOCUMENT_MATRIX,
  DOCUMENT_RELATIONS,
  DocumentAction,
  DocumentClassification,
  DocumentRelation,
  FINANCIAL_FIELDS_OF,
  MatrixOutcome,
  outcomeText,
  PERFORMANCE_RECORD_MATRIX,
  PERFORMANCE_RELATIONS,
  PerformanceRelation,
  SCORECARD_ACTIONS,
  SETUP_ACTIONS,
  setupOutcome,
  STATEMENT_ACTIONS,
} from './matrix';
import { redact } from './redact';
import { AccountSubject, Action, ALL_FIELDS_OF, PERFORMANCE_SUBJECTS, RecordSubject } from './subjects';

/*
 * The role table (matrix.ts) against the rules (ability.ts, document-rules.ts), cell by cell. A cell's actual outcome
 * is read from the ability the way the services use it: allowed on the record (reads: which fields), else refused
 * outright when the roles allow nothing of that kind or the record is visible, else hidden (ADR 0003). Another
 * workspace's records never reach the ability (every query is scoped by workspace), so they are hidden unless the
 * roles allow nothing of that kind.
 */

const ME = 'member-me';
const COLLEAGUE = 'member-colleague';
const STRANGER = 'member-of-team-2';
const TEAM_1 = 'team-1';
const TEAM_2 = 'team-2';
const SERVICE_TEAM = 'team-service';
const RESEARCH_TEAM = 'team-research';

/** The teams of the member playing each role (as in test/support/fixtures.ts). */
const TEAM_OF: Record<Role, string | null> = {
  director: null,
  deputy_director: null,
  group_leader: TEAM_1,
  account_manager: TEAM_1,
  assistant_account_manager: TEAM_1,
  customer_service: SERVICE_TEAM,
  market_researcher: RESEARCH_TEAM,
  clerk: null,
  executive: null,
  security_officer: null,
  admin: null,
};

function contextOf(role: Role): ActorContext {
  const team = TEAM_OF[role];
  return {
    actor: { workspaceId: 'w-1', memberId: ME, roles: [role], requestId: 'r-1' },
    teamIds: team ? [team] : [],
    ledTeamIds: role === 'group_leader' ? [TEAM_1] : [],
  };
}

type Check = (ability: KamAbility, action: Action, name: RecordSubject, view: object) => boolean;
const can: Check = (ability, action, name, view) =>
  ability.can(action, subject(name, { ...view }) as Parameters<KamAbility['can']>[1]);

/** The outcome the ability gives for one record (not another workspace's). */
function actualOutcome(
  ability: KamAbility,
  action: Action,
  name: RecordSubject,
  view: AccountSubject,
  fieldsHidden: () => readonly string[],
): MatrixOutcome {
  if (can(ability, action, name, view)) {
    if (action !== 'read') return 'allow';
    const hidden = fieldsHidden();
    return hidden.length ? { redacted: hidden } : 'allow';
  }
  // A new account is refused, not hidden: there is no record yet to hide.
  if (action === 'create' && name === 'Account') return 'deny';
  if (!ability.can(action, name)) return 'deny';
  return can(ability, 'read', name, view) ? 'deny' : 'hidden';
}

/** Another workspace's record: hidden, unless nothing of that kind is allowed at all (or it is a new account). */
function otherWorkspaceOutcome(ability: KamAbility, action: Action, name: RecordSubject): MatrixOutcome {
  if (action === 'create' && name === 'Account') return 'deny';
  return ability.can(action, name) ? 'hidden' : 'deny';
}

// ---------------------------------------------------------------------------------------------------------------

function accountView(role: Role, relation: AccountRelation, action: AccountScopedAction): AccountSubject {
  const status = action === 'create' ? 'prospect' : 'active';
  const base = { serviceTeamId: null, assistantIds: [] as string[], status };
  switch (relation) {
    case 'own':
      return { ...base, ownerId: ME, ownerTeamId: TEAM_OF[role] };
    case 'team':
      return { ...base, ownerId: COLLEAGUE, ownerTeamId: TEAM_OF[role] ?? TEAM_1 };
    case 'service':
      return { ...base, ownerId: STRANGER, ownerTeamId: TEAM_2, serviceTeamId: SERVICE_TEAM };
    case 'assisted':
      return { ...base, ownerId: STRANGER, ownerTeamId: TEAM_2, assistantIds: [ME] };
    default:
      return { ...base, ownerId: STRANGER, ownerTeamId: TEAM_2 };
  }
}

/** Fields the member reads emptied: the field rules of accounts and contacts, the account's figures elsewhere. */
function hiddenFields(
  ability: KamAbility,
  name: AccountScopedSubject,
  view: AccountSubject,
): readonly string[] {
  if (name === 'Account' || name === 'Contact') {
    const record = Object.fromEntries(ALL_FIELDS_OF[name].map((f) => [f, null]));
    return redact(ability, name, record, view).redacted;
  }
  const financial = FINANCIAL_FIELDS_OF[name];
  if (!financial) return [];
  const accountHidden = redact(ability, 'Account', { annualPurchase: null }, view).redacted.includes(
    'annualPurchase',
  );
  return accountHidden ? financial : [];
}

const text = (o: MatrixOutcome) => outcomeText(o);

describe('the permission matrix of DESIGN §4 as written in libs/authz/src/matrix.ts agrees with the rules', () => {
  describe.each(ACCOUNT_SCOPED_SUBJECTS)('%s (judged by the account’s relations)', (name) => {
    const cells = ROLES.length * ACTIONS_OF[name].length * ACCOUNT_RELATIONS.length;
    it(`every role × action × relation (${cells} cells)`, () => {
      const expected: Record<string, string> = {};
      const actual: Record<string, string> = {};
      for (const role of ROLES) {
        const ability = defineAbilityFor(contextOf(role));
        for (const action of ACTIONS_OF[name]) {
          const row = ACCOUNT_MATRIX[name][role][action];
          ACCOUNT_RELATIONS.forEach((relation, i) => {
            const key = `${role} ${action} ${relation}`;
            expected[key] = row ? text(row[i]) : 'missing from the table';
            const view = accountView(role, relation, action);
            actual[key] = text(
              relation === 'otherWorkspace'
                ? otherWorkspaceOutcome(ability, action, name)
                : actualOutcome(ability, action, name, view, () => hiddenFields(ability, name, view)),
            );
          });
        }
      }
      expect(actual).toEqual(expected);
    });
  });

  describe.each(['Scorecard', 'CommissionStatement'] as const)(
    '%s (judged by the evaluated member)',
    (name) => {
      const actions = name === 'Scorecard' ? SCORECARD_ACTIONS : STATEMENT_ACTIONS;
      const cells = ROLES.length * actions.length * PERFORMANCE_RELATIONS.length;
      it(`every role × action × relation (${cells} cells)`, () => {
        const expected: Record<string, string> = {};
        const actual: Record<string, string> = {};
        for (const role of ROLES) {
          const ability = defineAbilityFor(contextOf(role));
          for (const action of actions) {
            const row = (PERFORMANCE_RECORD_MATRIX[name][role] as Record<string, readonly MatrixOutcome[]>)[
              action
            ];
            PERFORMANCE_RELATIONS.forEach((relation, i) => {
              const key = `${role} ${action} ${relation}`;
              expected[key] = row ? text(row[i]) : 'missing from the table';
              actual[key] = text(
                relation === 'otherWorkspace'
                  ? otherWorkspaceOutcome(ability, action, name)
                  : actualOutcome(ability, action, name, performanceView(role, relation), () => []),
              );
            });
          }
        }
        expect(actual).toEqual(expected);
      });
    },
  );

  it(`the performance set-up: every role × subject × action (${ROLES.length * PERFORMANCE_SUBJECTS.length * SETUP_ACTIONS.length} cells)`, () => {
    const expected: Record<string, string> = {};
    const actual: Record<string, string> = {};
    for (const role of ROLES) {
      const ability = defineAbilityFor(contextOf(role));
      for (const s of PERFORMANCE_SUBJECTS)
        for (const action of SETUP_ACTIONS) {
          const key = `${role} ${action} ${s}`;
          expected[key] = outcomeText(setupOutcome(role, s, action));
          actual[key] = ability.can(action, s) ? 'allow' : 'deny';
        }
    }
    expect(actual).toEqual(expected);
  });

  describe.each(DOCUMENT_CLASSIFICATIONS)('%s documents', (classification) => {
    const cells = ROLES.length * DOCUMENT_ACTIONS.length * DOCUMENT_RELATIONS.length;
    it(`every role × action × relation (${cells} cells)`, () => {
      const expected: Record<string, string> = {};
      const actual: Record<string, string> = {};
      for (const role of ROLES) {
        const ability = documentAbility(role);
        for (const action of DOCUMENT_ACTIONS) {
          const row = DOCUMENT_MATRIX[classification][role][action];
          DOCUMENT_RELATIONS.forEach((relation, i) => {
            const key = `${role} ${action} ${relation}`;
            expected[key] = text(row[i]);
            actual[key] = text(
              relation === 'otherWorkspace'
                ? otherWorkspaceOutcome(ability, action, 'Document')
                : actualOutcome(
                    ability,
                    action,
                    'Document',
                    documentView(classification, relation),
                    () => [],
                  ),
            );
          });
        }
      }
      expect(actual).toEqual(expected);
    });
  });

  it(`uploading documents: every role (${ROLES.length} cells)`, () => {
    const actual = Object.fromEntries(
      ROLES.map((r) => [r, documentAbility(r).can('create', 'Document') ? 'allow' : 'deny']),
    );
    expect(actual).toEqual(DOCUMENT_CREATE);
  });

  it('has a row for every role of DESIGN §4 and a relation column for every record', () => {
    for (const name of ACCOUNT_SCOPED_SUBJECTS)
      for (const role of ROLES)
        for (const action of ACTIONS_OF[name]) expect(ACCOUNT_MATRIX[name][role][action]).toHaveLength(6);
    for (const c of DOCUMENT_CLASSIFICATIONS)
      for (const role of ROLES)
        for (const a of DOCUMENT_ACTIONS as readonly DocumentAction[])
          expect(DOCUMENT_MATRIX[c][role][a]).toHaveLength(DOCUMENT_RELATIONS.length);
  });
});

function performanceView(role: Role, relation: PerformanceRelation): AccountSubject {
  const own = { ownerId: '', memberId: ME, teamId: TEAM_OF[role] };
  const team = { ownerId: '', memberId: COLLEAGUE, teamId: TEAM_1 };
  switch (relation) {
    case 'ownPublished':
      return { ...own, published: true };
    case 'ownUnpublished':
      return { ...own, published: false };
    case 'teamPublished':
      return { ...team, published: true };
    case 'teamUnpublished':
      return { ...team, published: false };
    default:
      return { ownerId: '', memberId: STRANGER, teamId: TEAM_2, published: true };
  }
}

const ACCOUNT_OWNED = 'account-owned-by-me';
const ACCOUNT_ASSISTED = 'account-i-assist';
const ACCOUNT_OF_LED_TEAM = 'account-of-team-1';
const ACCOUNT_SERVICED = 'account-serviced';
const ACCOUNT_OTHER = 'account-of-team-2';

/** The document ability as document-security builds it: the accounts the member owns, assists or leads. */
function documentAbility(role: Role): KamAbility {
  return defineDocumentAbilityFor({
    ...contextOf(role),
    relatedAccountIds: [
      ACCOUNT_OWNED,
      ACCOUNT_ASSISTED,
      ...(role === 'group_leader' ? [ACCOUNT_OF_LED_TEAM] : []),
    ],
  });
}

function documentView(classification: DocumentClassification, relation: DocumentRelation): AccountSubject {
  const doc = (ownerId: string, accountId: string | null, grantMemberIds: string[] = []) => ({
    classification,
    ownerId,
    accountId,
    grantMemberIds,
    grantTeamIds: [],
    grantRoles: [],
  });
  switch (relation) {
    case 'own':
      return doc(ME, null);
    case 'accountOwner':
      return doc(STRANGER, ACCOUNT_OWNED);
    case 'accountAssistant':
      return doc(STRANGER, ACCOUNT_ASSISTED);
    case 'accountLeader':
      return doc(STRANGER, ACCOUNT_OF_LED_TEAM);
    case 'team':
      return doc(COLLEAGUE, null);
    case 'serviceTeam':
      return doc(STRANGER, ACCOUNT_SERVICED);
    case 'otherTeam':
      return doc(STRANGER, ACCOUNT_OTHER);
    default:
      return doc(STRANGER, ACCOUNT_OTHER, [ME]);
  }
}
