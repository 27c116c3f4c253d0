import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 4, points 6 and 7: orders (sales records, credited to a member) and contracts with discount approval.
 * Money is integer minor units plus a currency code. `ordered_on` is the workspace's local date, so monthly
 * sums in the workspace's time zone are plain date ranges.
 */
export class OrdersContracts1732900000200 implements MigrationInterface {
  name = 'OrdersContracts1732900000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE orders (
        id                 uuid PRIMARY KEY,
        workspace_id       uuid NOT NULL,
        account_id         uuid NOT NULL,
        member_id          uuid NOT NULL,
        amount_minor       bigint NOT NULL CHECK (amount_minor > 0),
        currency           char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        ordered_on         date NOT NULL,
        source             text NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'crm_opportunity')),
        crm_opportunity_id text,
        description        text CHECK (char_length(description) <= 2000),
        created_by         uuid NOT NULL,
        created_at         timestamptz(3) NOT NULL DEFAULT now(),
        updated_at         timestamptz(3) NOT NULL DEFAULT now(),
        FOREIGN KEY (workspace_id, account_id) REFERENCES accounts (workspace_id, id),
        FOREIGN KEY (workspace_id, member_id) REFERENCES members (workspace_id, id)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX orders_crm_opportunity ON orders (workspace_id, crm_opportunity_id) WHERE crm_opportunity_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX orders_account ON orders (workspace_id, account_id, ordered_on DESC, id)`);
    // The monthly sums by member and team: a range scan per workspace and month.
    await q.query(`CREATE INDEX orders_by_month ON orders (workspace_id, ordered_on, member_id)`);

    await q.query(`
      CREATE TABLE contracts (
        id             uuid PRIMARY KEY,
        workspace_id   uuid NOT NULL,
        account_id     uuid NOT NULL,
        kind           text NOT NULL CHECK (kind IN ('cooperation_agreement', 'sales_contract', 'government_procurement')),
        title          text NOT NULL CHECK (char_length(title) <= 200),
        amount_minor   bigint NOT NULL CHECK (amount_minor > 0),
        currency       char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        starts_on      date NOT NULL,
        ends_on        date NOT NULL,
        discount_pct   numeric(5,2) NOT NULL DEFAULT 0 CHECK (discount_pct >= 0 AND discount_pct <= 100),
        status         text NOT NULL DEFAULT 'draft'
                       CHECK (status IN ('draft', 'pending_approval', 'active', 'rejected', 'expired', 'terminated')),
        signer_id      uuid NOT NULL,
        approved_by    uuid,
        approved_at    timestamptz(3),
        decision_note  text,
        document_id    uuid,
        created_by     uuid NOT NULL,
        version        integer NOT NULL DEFAULT 1,
        created_at     timestamptz(3) NOT NULL DEFAULT now(),
        updated_at     timestamptz(3) NOT NULL DEFAULT now(),
        CHECK (ends_on >= starts_on),
        FOREIGN KEY (workspace_id, account_id) REFERENCES accounts (workspace_id, id),
        FOREIGN KEY (workspace_id, signer_id) REFERENCES members (workspace_id, id)
      )`);
    await q.query(`CREATE INDEX contracts_account ON contracts (workspace_id, account_id, starts_on DESC)`);
    await q.query(`CREATE INDEX contracts_by_status ON contracts (workspace_id, status, created_at)`);
    // Renewal reminders: active contracts by end date.
    await q.query(
      `CREATE INDEX contracts_ending ON contracts (workspace_id, ends_on) WHERE status = 'active'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE contracts`);
    await q.query(`DROP TABLE orders`);
  }
}
