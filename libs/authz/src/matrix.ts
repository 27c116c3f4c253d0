import { Role } from '@app/contracts';
import {
  Action,
  ACCOUNT_FINANCIAL_FIELDS,
  CONTACT_DETAIL_FIELDS,
  PerformanceSubject,
  RecordSubject,
} from './subjects';

/*
 * The permission matrix of DESIGN §4 as data (issue 6, point 8): for every subject of every service, per role, per
 * action and per relation of the record to the member, what the member gets. The rules in ability.ts and
 * document-rules.ts are checked against this table cell by cell (matrix.spec.ts), and the end-to-end matrices read
 * it, so the table, the rules and the API cannot drift apart unnoticed.
 *
 * Outcomes:
 * - allow:        the member may do it (reads: every field);
 * - { redacted }: the member reads the record with these fields emptied (named in the view's `redacted`);
 * - deny:         refused (403): the member's roles allow nothing of that kind, or they see the record but may not do
 *                 this to it (ADR 0003);
 * - hidden:       the member may not see the record at all: 404 for one record, absent from lists and exports,
 *                 like a record of another workspace (ADR 0003).
 *
 * Where DESIGN §4 is silent (projects and risks, contracts, orders and tenders, the performance set-up) the table
 * writes down how issues 4 and 5 read it; the comments say so.
 */

export type Redacted = { readonly redacted: readonly string[] };
export type MatrixOutcome = 'allow' | 'deny' | 'hidden' | Redacted;

export const isRedacted = (o: MatrixOutcome): o is Redacted => typeof o === 'object';
/** The outcome as a word, for test names and diffs: `redacted(phone, email)`. */
export const outcomeText = (o: MatrixOutcome): string =>
  isRedacted(o) ? `redacted(${o.redacted.join(', ')})` : o;

const A = 'allow' as const;
const D = 'deny' as const;
const H = 'hidden' as const;

// ---------------------------------------------------------------------------------------------------------------
// 1. Records judged by their account's relations (account-management)
// ---------------------------------------------------------------------------------------------------------------

/**
 * How the account relates to the member:
 * - own:            the member owns the account;
 * - team:           a colleague of the member's team owns it (for a group leader: a member of the team they lead);
 * - service:        owned in another sales team and looked after by the service team (customer service's team);
 * - assisted:       owned in another sales team, the member among its assistants;
 * - otherTeam:      owned in another sales team, no service team, no assistants;
 * - otherWorkspace: an account of another workspace (whatever its relations there).
 * For `create` the relation is the account the new record belongs to (for an account: its owner), and new accounts
 * are prospects.
 */
export const ACCOUNT_RELATIONS = [
  'own',
  'team',
  'service',
  'assisted',
  'otherTeam',
  'otherWorkspace',
] as const;
export type AccountRelation = (typeof ACCOUNT_RELATIONS)[number];
export type AccountRow = readonly [
  own: MatrixOutcome,
  team: MatrixOutcome,
  service: MatrixOutcome,
  assisted: MatrixOutcome,
  otherTeam: MatrixOutcome,
  otherWorkspace: MatrixOutcome,
];

export const ACCOUNT_SCOPED_SUBJECTS = [
  'Account',
  'Contact',
  'CommunicationRecord',
  'AccountPlan',
  'Project',
  'Risk',
  'Revisit',
  'Complaint',
  'Survey',
  'Contract',
  'Order',
  'Tender',
] as const satisfies readonly RecordSubject[];
export type AccountScopedSubject = (typeof ACCOUNT_SCOPED_SUBJECTS)[number];

export const ACCOUNT_ACTIONS = [
  'create',
  'read',
  'update',
  'delete',
  'export',
  'changeTier',
  'approveTier',
  'assign',
] as const satisfies readonly Action[];
export const RECORD_ACTIONS = ['create', 'read', 'update', 'delete'] as const satisfies readonly Action[];
export type AccountScopedAction = (typeof ACCOUNT_ACTIONS)[number];

/** The actions the table has per subject: the account's own actions, and CRUD for what hangs off it. */
export const ACTIONS_OF: Record<AccountScopedSubject, readonly AccountScopedAction[]> = Object.fromEntries(
  ACCOUNT_SCOPED_SUBJECTS.map((s) => [s, s === 'Account' ? ACCOUNT_ACTIONS : RECORD_ACTIONS]),
) as unknown as Record<AccountScopedSubject, readonly AccountScopedAction[]>;

/**
 * Fields emptied when the account's financial fields are not the member's (DESIGN §4 "Account financial fields"):
 * the account's own figures, and the amounts of what hangs off it. Contacts' phone and e-mail are their own row.
 */
export const FINANCIAL_FIELDS_OF: Partial<Record<AccountScopedSubject, readonly string[]>> = {
  Account: ACCOUNT_FINANCIAL_FIELDS,
  AccountPlan: ['budget'],
  Project: ['budget'],
  Contract: ['amount', 'discountPct'],
  Order: ['amount'],
  Tender: ['amount'],
};

const ALL: AccountRow = [A, A, A, A, A, H];
const OWN_AND_TEAM: AccountRow = [A, A, H, H, H, H];
const OWN: AccountRow = [A, H, H, H, H, H];
const ASSISTED: AccountRow = [H, H, H, A, H, H];
const SERVICED: AccountRow = [H, H, A, H, H, H];
const NONE: AccountRow = [D, D, D, D, D, D];
const redactedRow = (fields: readonly string[], where: AccountRow): AccountRow =>
  where.map((o) => (o === A ? { redacted: fields } : o)) as unknown as AccountRow;

type SubjectRoles = Record<Role, Partial<Record<AccountScopedAction, AccountRow>>>;

const crud = (c: AccountRow, r: AccountRow, u: AccountRow, d: AccountRow) => ({
  create: c,
  read: r,
  update: u,
  delete: d,
});
const manage = (row: AccountRow) => crud(row, row, row, row);
const readOnly = (row: AccountRow) => crud(NONE, row, NONE, NONE);
const nothing = readOnly(NONE);

/** Records of the archive, service and commerce: "manage" the records of the accounts one manages. */
function recordTable(
  overrides: Partial<Record<Role, Partial<Record<AccountScopedAction, AccountRow>>>>,
): SubjectRoles {
  return {
    director: manage(ALL),
    deputy_director: manage(ALL),
    group_leader: manage(OWN_AND_TEAM),
    account_manager: manage(OWN),
    assistant_account_manager: crud(ASSISTED, ASSISTED, ASSISTED, NONE),
    customer_service: nothing,
    market_researcher: nothing,
    clerk: readOnly(ALL),
    executive: readOnly(ALL),
    security_officer: nothing,
    admin: nothing,
    ...overrides,
  };
}

/** Contracts, orders and tenders: the director alone deletes; amounts are financial fields. */
const commercial = (fields: readonly string[]): SubjectRoles =>
  recordTable({
    deputy_director: crud(ALL, ALL, ALL, NONE),
    group_leader: crud(OWN_AND_TEAM, OWN_AND_TEAM, OWN_AND_TEAM, NONE),
    account_manager: crud(OWN, OWN, OWN, NONE),
    // DESIGN §4 "Account financial fields": the clerk reads the archive, without amounts.
    clerk: readOnly(redactedRow(fields, ALL)),
  });

const NO_FINANCE = ACCOUNT_FINANCIAL_FIELDS;
const NO_PHONE = CONTACT_DETAIL_FIELDS;

export const ACCOUNT_MATRIX: Record<AccountScopedSubject, SubjectRoles> = {
  Account: {
    // "manage all"; a downgrade from the top two tiers is decided by the director (DESIGN §5).
    director: {
      ...manage(ALL),
      create: [A, A, A, A, A, D],
      export: ALL,
      changeTier: ALL,
      approveTier: ALL,
      assign: ALL,
    },
    deputy_director: {
      ...manage(ALL),
      create: [A, A, A, A, A, D],
      export: ALL,
      changeTier: ALL,
      approveTier: NONE,
      assign: ALL,
    },
    // "manage accounts owned by own team" (their own included); deleting is the directors'.
    group_leader: {
      ...crud([A, A, D, D, D, D], OWN_AND_TEAM, OWN_AND_TEAM, NONE),
      export: OWN_AND_TEAM,
      changeTier: OWN_AND_TEAM,
      approveTier: NONE,
      assign: OWN_AND_TEAM,
    },
    // "manage own (owner = self)": no deleting, no giving accounts to others.
    account_manager: {
      ...crud([A, D, D, D, D, D], OWN, OWN, NONE),
      export: OWN,
      changeTier: OWN,
      approveTier: NONE,
      assign: OWN,
    },
    // "read/update assisted".
    assistant_account_manager: {
      ...crud(NONE, ASSISTED, ASSISTED, NONE),
      export: NONE,
      changeTier: NONE,
      approveTier: NONE,
      assign: NONE,
    },
    // "read accounts of own service team"; financial fields "no".
    customer_service: {
      ...readOnly(redactedRow(NO_FINANCE, SERVICED)),
      export: NONE,
      changeTier: NONE,
      approveTier: NONE,
      assign: NONE,
    },
    // "create prospects; read basic fields of all".
    market_researcher: {
      ...crud([A, A, A, A, A, D], redactedRow(NO_FINANCE, ALL), NONE, NONE),
      export: NONE,
      changeTier: NONE,
      approveTier: NONE,
      assign: NONE,
    },
    // "read archive", financial fields "no"; the clerk exports the archive (without figures).
    clerk: {
      ...readOnly(redactedRow(NO_FINANCE, ALL)),
      export: ALL,
      changeTier: NONE,
      approveTier: NONE,
      assign: NONE,
    },
    // "read all", financial fields "yes".
    executive: { ...readOnly(ALL), export: ALL, changeTier: NONE, approveTier: NONE, assign: NONE },
    // No business data.
    security_officer: { ...nothing, export: NONE, changeTier: NONE, approveTier: NONE, assign: NONE },
    admin: { ...nothing, export: NONE, changeTier: NONE, approveTier: NONE, assign: NONE },
  },
  // Contact phone/e-mail: yes, team, own, assisted, service team, no (researcher), clerk yes, executive yes.
  Contact: recordTable({
    customer_service: readOnly(SERVICED),
    market_researcher: readOnly(redactedRow(NO_PHONE, ALL)),
  }),
  // Records of contact with the account: the service team keeps them too.
  CommunicationRecord: recordTable({ customer_service: crud(SERVICED, SERVICED, SERVICED, NONE) }),
  // Account plans carry a budget (a financial field).
  AccountPlan: recordTable({
    customer_service: readOnly(redactedRow(['budget'], SERVICED)),
    clerk: readOnly(redactedRow(['budget'], ALL)),
  }),
  // DESIGN §4 is silent: projects and risks hang off the account like its archive (issue 4); customer service gets
  // the account, its contacts and plans, not its projects and risks.
  Project: recordTable({ clerk: readOnly(redactedRow(['budget'], ALL)) }),
  Risk: recordTable({}),
  // "Revisit, complaint, survey": manage all, team, own accounts, assisted, service team, no, read, read.
  Revisit: recordTable({ customer_service: crud(SERVICED, SERVICED, SERVICED, NONE) }),
  Complaint: recordTable({ customer_service: crud(SERVICED, SERVICED, SERVICED, NONE) }),
  Survey: recordTable({ customer_service: crud(SERVICED, SERVICED, SERVICED, NONE) }),
  // DESIGN §4 is silent: commercial records carry amounts, seen like the account's financial fields (issue 4).
  Contract: commercial(['amount', 'discountPct']),
  Order: commercial(['amount']),
  Tender: commercial(['amount']),
};

// ---------------------------------------------------------------------------------------------------------------
// 2. Scorecards and commission statements (performance-evaluation)
// ---------------------------------------------------------------------------------------------------------------

/**
 * How the evaluated member relates to the reader; "published" is a scorecard shown to its member (published,
 * acknowledged, appealed, approved) or an approved commission statement:
 * - ownPublished / ownUnpublished: the member's own, shown to them or not yet;
 * - teamPublished / teamUnpublished: a colleague's of the team the member belongs to or leads;
 * - otherTeam: a member's of another team, published;
 * - otherWorkspace: another workspace's.
 */
export const PERFORMANCE_RELATIONS = [
  'ownPublished',
  'ownUnpublished',
  'teamPublished',
  'teamUnpublished',
  'otherTeam',
  'otherWorkspace',
] as const;
export type PerformanceRelation = (typeof PERFORMANCE_RELATIONS)[number];
export type PerformanceRow = readonly [
  ownPublished: MatrixOutcome,
  ownUnpublished: MatrixOutcome,
  teamPublished: MatrixOutcome,
  teamUnpublished: MatrixOutcome,
  otherTeam: MatrixOutcome,
  otherWorkspace: MatrixOutcome,
];
export type PerformanceRecordSubject = 'Scorecard' | 'CommissionStatement';
export const SCORECARD_ACTIONS = [
  'read',
  'rate',
  'publish',
  'acknowledge',
  'appeal',
  'approve',
  'export',
] as const satisfies readonly Action[];
export const STATEMENT_ACTIONS = ['read', 'approve', 'export'] as const satisfies readonly Action[];
export type PerformanceRecordAction = (typeof SCORECARD_ACTIONS)[number];

const P_NONE: PerformanceRow = [D, D, D, D, D, D];
const EVERY_CARD: PerformanceRow = [A, A, A, A, A, H];
const OWN_SHOWN: PerformanceRow = [A, H, H, H, H, H];
const OWN_SHOWN_AND_LED_TEAM: PerformanceRow = [A, H, A, A, H, H];

const readsOwn = <T extends string>(actions: readonly T[], own: readonly T[]) =>
  Object.fromEntries(actions.map((a) => [a, own.includes(a) ? OWN_SHOWN : P_NONE])) as Record<
    T,
    PerformanceRow
  >;

/**
 * DESIGN §4 "Scorecard": director and deputy manage (the director approves), the group leader rates their own
 * team, everyone else reads their own, the executive reads all. Issue 5: a member sees their own card once it is
 * published (not while it is being rated), acknowledges or appeals it; a group leader is rated by the director, not
 * by themselves.
 */
export const PERFORMANCE_RECORD_MATRIX: {
  Scorecard: Record<Role, Record<(typeof SCORECARD_ACTIONS)[number], PerformanceRow>>;
  CommissionStatement: Record<Role, Record<(typeof STATEMENT_ACTIONS)[number], PerformanceRow>>;
} = {
  Scorecard: {
    director: {
      read: EVERY_CARD,
      rate: EVERY_CARD,
      publish: EVERY_CARD,
      acknowledge: EVERY_CARD,
      appeal: EVERY_CARD,
      approve: EVERY_CARD,
      export: EVERY_CARD,
    },
    deputy_director: {
      read: EVERY_CARD,
      rate: EVERY_CARD,
      publish: EVERY_CARD,
      acknowledge: P_NONE,
      appeal: P_NONE,
      approve: P_NONE,
      export: EVERY_CARD,
    },
    group_leader: {
      read: OWN_SHOWN_AND_LED_TEAM,
      rate: [D, H, A, A, H, H],
      publish: [D, H, A, A, H, H],
      acknowledge: [A, H, D, D, H, H],
      appeal: [A, H, D, D, H, H],
      approve: P_NONE,
      export: P_NONE,
    },
    account_manager: readsOwn(SCORECARD_ACTIONS, ['read', 'acknowledge', 'appeal']),
    assistant_account_manager: readsOwn(SCORECARD_ACTIONS, ['read', 'acknowledge', 'appeal']),
    customer_service: readsOwn(SCORECARD_ACTIONS, ['read', 'acknowledge', 'appeal']),
    market_researcher: readsOwn(SCORECARD_ACTIONS, ['read', 'acknowledge', 'appeal']),
    clerk: readsOwn(SCORECARD_ACTIONS, ['read', 'acknowledge', 'appeal']),
    executive: { ...readsOwn(SCORECARD_ACTIONS, []), read: EVERY_CARD, export: EVERY_CARD },
    security_officer: readsOwn(SCORECARD_ACTIONS, []),
    admin: readsOwn(SCORECARD_ACTIONS, []),
  },
  CommissionStatement: {
    director: { read: EVERY_CARD, approve: EVERY_CARD, export: EVERY_CARD },
    deputy_director: { read: EVERY_CARD, approve: P_NONE, export: EVERY_CARD },
    group_leader: { read: OWN_SHOWN_AND_LED_TEAM, approve: P_NONE, export: P_NONE },
    account_manager: readsOwn(STATEMENT_ACTIONS, ['read']),
    assistant_account_manager: readsOwn(STATEMENT_ACTIONS, ['read']),
    customer_service: readsOwn(STATEMENT_ACTIONS, ['read']),
    market_researcher: readsOwn(STATEMENT_ACTIONS, ['read']),
    clerk: readsOwn(STATEMENT_ACTIONS, ['read']),
    executive: { read: EVERY_CARD, approve: P_NONE, export: EVERY_CARD },
    security_officer: readsOwn(STATEMENT_ACTIONS, []),
    admin: readsOwn(STATEMENT_ACTIONS, []),
  },
};

/**
 * The performance set-up (no record-level conditions): what each role may do; everything not listed is refused.
 * DESIGN §4 is silent; issue 5: every staff member reads targets, templates, cycles and trainings; the directors
 * set them up; the clerk (内勤) and group leaders keep the training records; pay bases, commission plans and
 * elimination warnings are the directors' (and the executive's to read).
 */
export const SETUP_ACTIONS = [
  'read',
  'create',
  'update',
  'delete',
  'approve',
  'lock',
] as const satisfies readonly Action[];
export type SetupAction = (typeof SETUP_ACTIONS)[number];
const READ = ['read'] as const;
const KEEP = ['read', 'create', 'update'] as const;
const EVERYTHING = SETUP_ACTIONS;
const STAFF_READS = { Target: READ, ScorecardTemplate: READ, PerformanceCycle: READ, Training: READ };
export const SETUP_MATRIX: Record<Role, Partial<Record<PerformanceSubject, readonly SetupAction[]>>> = {
  director: {
    Target: EVERYTHING,
    ScorecardTemplate: EVERYTHING,
    PerformanceCycle: EVERYTHING,
    PayBase: EVERYTHING,
    CommissionPlan: EVERYTHING,
    Training: EVERYTHING,
    EliminationWarning: EVERYTHING,
  },
  deputy_director: {
    Target: KEEP,
    ScorecardTemplate: KEEP,
    PerformanceCycle: KEEP,
    CommissionPlan: KEEP,
    Training: KEEP,
    PayBase: READ,
    EliminationWarning: READ,
  },
  group_leader: { ...STAFF_READS, Training: KEEP },
  account_manager: STAFF_READS,
  assistant_account_manager: STAFF_READS,
  customer_service: STAFF_READS,
  market_researcher: STAFF_READS,
  clerk: { ...STAFF_READS, Training: KEEP },
  executive: {
    Target: READ,
    ScorecardTemplate: READ,
    PerformanceCycle: READ,
    PayBase: READ,
    CommissionPlan: READ,
    Training: READ,
    EliminationWarning: READ,
  },
  security_officer: {},
  admin: {},
};

export const setupOutcome = (role: Role, s: PerformanceSubject, action: SetupAction): MatrixOutcome =>
  SETUP_MATRIX[role][s]?.includes(action) ? A : D;

// ---------------------------------------------------------------------------------------------------------------
// 3. Documents (document-security)
// ---------------------------------------------------------------------------------------------------------------

export const DOCUMENT_CLASSIFICATIONS = ['public', 'internal', 'confidential', 'secret'] as const;
export type DocumentClassification = (typeof DOCUMENT_CLASSIFICATIONS)[number];
/**
 * How the document relates to the member:
 * - own:              the member owns it (no related account);
 * - accountOwner:     someone else's, about an account the member owns;
 * - accountAssistant: someone else's, about an account the member assists on;
 * - accountLeader:    someone else's, about an account owned in the team the member leads (group leaders);
 * - team:             a colleague's (no related account);
 * - serviceTeam:      someone else's, about an account the service team looks after;
 * - otherTeam:        another team's member's, about their account;
 * - granted:          like otherTeam, with an explicit, unexpired grant to the member;
 * - otherWorkspace:   another workspace's.
 */
export const DOCUMENT_RELATIONS = [
  'own',
  'accountOwner',
  'accountAssistant',
  'accountLeader',
  'team',
  'serviceTeam',
  'otherTeam',
  'granted',
  'otherWorkspace',
] as const;
export type DocumentRelation = (typeof DOCUMENT_RELATIONS)[number];
export type DocumentRow = readonly [
  own: MatrixOutcome,
  accountOwner: MatrixOutcome,
  accountAssistant: MatrixOutcome,
  accountLeader: MatrixOutcome,
  team: MatrixOutcome,
  serviceTeam: MatrixOutcome,
  otherTeam: MatrixOutcome,
  granted: MatrixOutcome,
  otherWorkspace: MatrixOutcome,
];
/** `read`: view, list, filter, download. `update`: new versions and grants (sharing). */
export const DOCUMENT_ACTIONS = ['read', 'update'] as const satisfies readonly Action[];
export type DocumentAction = (typeof DOCUMENT_ACTIONS)[number];

const D_ALL: DocumentRow = [A, A, A, A, A, A, A, A, H];
const D_NONE: DocumentRow = [D, D, D, D, D, D, D, D, D];
const D_OWN_ONLY: DocumentRow = [A, D, D, D, D, D, D, D, H];
const D_GRANTED_ONLY: DocumentRow = [H, H, H, H, H, H, H, A, H];
const D_SEE_GRANTED: DocumentRow = [H, H, H, H, H, H, H, D, H];

type DocumentRoles = Record<Role, Record<DocumentAction, DocumentRow>>;
const byRole = (
  all: Record<DocumentAction, DocumentRow>,
  overrides: Partial<Record<Role, Record<DocumentAction, DocumentRow>>>,
): DocumentRoles =>
  Object.fromEntries(
    (
      [
        'director',
        'deputy_director',
        'group_leader',
        'account_manager',
        'assistant_account_manager',
        'customer_service',
        'market_researcher',
        'clerk',
        'executive',
        'security_officer',
        'admin',
      ] as const
    ).map((r) => [r, overrides[r] ?? all]),
  ) as DocumentRoles;

/**
 * DESIGN §4 documents: `public` everyone; `internal` all staff roles; `confidential` director, deputy, executive,
 * clerk, and the account's owner, assistants and owner's group leader (issue 6: and the document's owner);
 * `secret` director, executive and explicit time-limited grants. The security officer and the admin are not staff.
 * Sharing and new versions: the director and deputy on what they read (secret: the director), the owner on their own
 * non-secret documents.
 */
export const DOCUMENT_MATRIX: Record<DocumentClassification, DocumentRoles> = {
  public: byRole(
    { read: D_ALL, update: D_OWN_ONLY },
    {
      director: { read: D_ALL, update: D_ALL },
      deputy_director: { read: D_ALL, update: D_ALL },
      security_officer: { read: D_ALL, update: D_NONE },
      admin: { read: D_ALL, update: D_NONE },
    },
  ),
  internal: byRole(
    { read: D_ALL, update: D_OWN_ONLY },
    {
      director: { read: D_ALL, update: D_ALL },
      deputy_director: { read: D_ALL, update: D_ALL },
      security_officer: { read: D_GRANTED_ONLY, update: D_NONE },
      admin: { read: D_GRANTED_ONLY, update: D_NONE },
    },
  ),
  confidential: byRole(
    // Staff who serve the account: own, the account's owner and assistants (and the group leader, below).
    { read: [A, A, A, H, H, H, H, A, H], update: [A, D, D, H, H, H, H, D, H] },
    {
      director: { read: D_ALL, update: D_ALL },
      deputy_director: { read: D_ALL, update: D_ALL },
      group_leader: { read: [A, A, A, A, H, H, H, A, H], update: [A, D, D, D, H, H, H, D, H] },
      clerk: { read: D_ALL, update: D_OWN_ONLY },
      executive: { read: D_ALL, update: D_OWN_ONLY },
      security_officer: { read: D_GRANTED_ONLY, update: D_NONE },
      admin: { read: D_GRANTED_ONLY, update: D_NONE },
    },
  ),
  secret: byRole(
    // Not even their own: a secret document is read by the director, the executive and grantees only.
    { read: D_GRANTED_ONLY, update: D_SEE_GRANTED },
    {
      director: { read: D_ALL, update: D_ALL },
      executive: { read: D_ALL, update: [D, D, D, D, D, D, D, D, H] },
      security_officer: { read: D_GRANTED_ONLY, update: D_NONE },
      admin: { read: D_GRANTED_ONLY, update: D_NONE },
    },
  ),
};

/** Who uploads documents: every staff role but the executive (read-only). */
export const DOCUMENT_CREATE: Record<Role, MatrixOutcome> = {
  director: A,
  deputy_director: A,
  group_leader: A,
  account_manager: A,
  assistant_account_manager: A,
  customer_service: A,
  market_researcher: A,
  clerk: A,
  executive: D,
  security_officer: D,
  admin: D,
};
