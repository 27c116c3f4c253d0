import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, ContactView, CreateContactDto, KamError, Page, UpdateContactDto } from '@app/contracts';
import { KamAbility, redact } from '@app/authz';
import { OutboxRelay } from '@app/messaging';
import { applyOnce, updateReturning } from '@app/persistence';
import { ActorContextService } from '../organisation/actor-context.service';
import { toSubject } from '../accounts/account.mapper';
import { AccountRow } from '../accounts/account.sql';
import { ArchiveAccess } from './archive-access';
import { CONTACT_COLUMNS, ContactRow } from './archive.sql';
import { toContactView } from './archive.mapper';

/** Contact fields as columns, for updates. */
const CONTACT_FIELDS: [keyof UpdateContactDto & keyof ContactView, keyof ContactRow][] = [
  ['name', 'name'],
  ['title', 'title'],
  ['phone', 'phone'],
  ['email', 'email'],
  ['buyingRole', 'buying_role'],
  ['crmPersonId', 'crm_person_id'],
  ['notes', 'notes'],
];

/** The customer's people in the archive: who decides, who influences, who uses, who guards the door. */
@Injectable()
export class ContactsService {
  constructor(
    private readonly ds: DataSource,
    private readonly actors: ActorContextService,
    private readonly access: ArchiveAccess,
    private readonly relay: OutboxRelay,
  ) {}

  /** The account's contacts, the primary one first; phone and e-mail redacted for callers who may not see them. */
  async list(actor: Actor, accountId: string): Promise<Page<ContactView>> {
    const { ability } = await this.actors.resolve(actor);
    const account = await this.access.account(
      this.ds.manager,
      ability,
      actor.workspaceId,
      accountId,
      'Contact',
      'read',
    );
    const access = this.access.where(ability, 'read', 'Contact', 2);
    const rows: ContactRow[] = await this.ds.query(
      `SELECT ${CONTACT_COLUMNS} FROM contacts c JOIN accounts a ON a.id = c.account_id
       WHERE c.workspace_id = $1 AND c.account_id = $2 AND (${access.sql})
       ORDER BY c.is_primary DESC, c.name, c.id`,
      [actor.workspaceId, accountId, ...access.values],
    );
    return { items: rows.map((r) => this.present(ability, r, account)), nextCursor: null };
  }

  async create(
    actor: Actor,
    accountId: string,
    dto: CreateContactDto,
    idempotencyKey?: string,
  ): Promise<ContactView> {
    const { ability } = await this.actors.resolve(actor);
    const { id } = await applyOnce(
      this.ds.manager,
      {
        actor,
        scope: 'contact.create',
        key: idempotencyKey,
        body: { accountId, ...dto },
      },
      async (m) => {
        await this.access.account(m, ability, actor.workspaceId, accountId, 'Contact', 'create', {
          lock: true,
        });
        const contactId = randomUUID();
        const previousPrimary = dto.isPrimary ? await this.unsetPrimary(m, accountId, contactId) : [];
        await this.guardCrmPerson(() =>
          m.query(
            `INSERT INTO contacts (id, workspace_id, account_id, crm_person_id, name, title, phone, email, buying_role,
               is_primary, notes)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
            [
              contactId,
              actor.workspaceId,
              accountId,
              dto.crmPersonId ?? null,
              dto.name,
              dto.title ?? null,
              dto.phone ?? null,
              dto.email ?? null,
              dto.buyingRole,
              dto.isPrimary ?? false,
              dto.notes ?? null,
            ],
          ),
        );
        await this.access.changed(m, actor, {
          accountId,
          kind: 'contact_added',
          id: contactId,
          // Never phone or e-mail: the timeline is read by roles that may not see them.
          details: {
            contactId,
            name: dto.name,
            buyingRole: dto.buyingRole,
            isPrimary: dto.isPrimary ?? false,
            previousPrimary,
          },
        });
        return { id: contactId };
      },
    );
    this.relay.kick();
    return this.view(ability, actor.workspaceId, id);
  }

  /** Changes a contact at the version the caller saw; making it primary un-primaries the account's other one. */
  async update(
    actor: Actor,
    id: string,
    expectedVersion: number,
    dto: UpdateContactDto,
  ): Promise<ContactView> {
    const { ability } = await this.actors.resolve(actor);
    await this.ds.transaction(async (m) => {
      const { account, current } = await this.loadForChange(m, ability, actor.workspaceId, id, 'update');
      if (current.version !== expectedVersion)
        throw new KamError('precondition_failed', { current: current.version });
      // Phone and e-mail the caller cannot read, they cannot write either.
      const hidden = redact(ability, 'Contact', { phone: 1, email: 1 }, toSubject(account)).redacted;
      for (const f of hidden)
        if ((dto as Record<string, unknown>)[f] !== undefined) throw new KamError('forbidden', { field: f });

      const params: unknown[] = [id];
      const sets: string[] = [];
      const changed: string[] = [];
      for (const [field, col] of CONTACT_FIELDS) {
        const value = dto[field];
        if (value === undefined || value === current[col]) continue;
        params.push(value);
        sets.push(`${col} = $${params.length}`);
        changed.push(field);
      }
      let previousPrimary: string[] = [];
      if (dto.isPrimary !== undefined && dto.isPrimary !== current.is_primary) {
        if (dto.isPrimary) previousPrimary = await this.unsetPrimary(m, account.id, id);
        params.push(dto.isPrimary);
        sets.push(`is_primary = $${params.length}`);
        changed.push('isPrimary');
      }
      if (!changed.length) return;
      await this.guardCrmPerson(() =>
        m.query(
          `UPDATE contacts SET ${sets.join(', ')}, version = version + 1, updated_at = now() WHERE id = $1`,
          params,
        ),
      );
      await this.access.changed(m, actor, {
        accountId: account.id,
        kind: 'contact_updated',
        id,
        details: {
          contactId: id,
          name: dto.name ?? current.name,
          changed,
          ...(changed.includes('isPrimary') ? { isPrimary: dto.isPrimary, previousPrimary } : {}),
        },
      });
    });
    this.relay.kick();
    return this.view(ability, actor.workspaceId, id);
  }

  /** Removes a contact from the archive; the timeline keeps that it was there. */
  async remove(actor: Actor, id: string, expectedVersion?: number): Promise<{ id: string }> {
    const { ability } = await this.actors.resolve(actor);
    await this.ds.transaction(async (m) => {
      const { account, current } = await this.loadForChange(m, ability, actor.workspaceId, id, 'delete');
      if (expectedVersion !== undefined && current.version !== expectedVersion)
        throw new KamError('precondition_failed', { current: current.version });
      await m.query(`DELETE FROM contacts WHERE id = $1`, [id]);
      await this.access.changed(m, actor, {
        accountId: account.id,
        kind: 'contact_removed',
        id,
        details: { contactId: id, name: current.name, wasPrimary: current.is_primary },
      });
    });
    this.relay.kick();
    return { id };
  }

  private present(ability: KamAbility, row: ContactRow, account: AccountRow): ContactView {
    return redact(ability, 'Contact', toContactView(row), toSubject(account));
  }

  /** One contact as the caller may see it (also for a replayed create: the caller's own access decides). */
  private async view(ability: KamAbility, workspaceId: string, id: string): Promise<ContactView> {
    const rows: ContactRow[] = await this.ds.query(
      `SELECT ${CONTACT_COLUMNS} FROM contacts c WHERE c.id = $1 AND c.workspace_id = $2`,
      [id, workspaceId],
    );
    if (!rows[0]) throw new KamError('contact_not_found', { id });
    const account = await this.access.account(
      this.ds.manager,
      ability,
      workspaceId,
      rows[0].account_id,
      'Contact',
      'read',
    );
    return this.present(ability, rows[0], account);
  }

  /** The contact and its account, both locked (account first, the order every archive change takes). */
  private async loadForChange(
    m: EntityManager,
    ability: KamAbility,
    workspaceId: string,
    id: string,
    action: 'update' | 'delete',
  ): Promise<{ account: AccountRow; current: ContactRow }> {
    const accountId = await this.access.parentOf(m, ability, workspaceId, 'contacts', id, 'Contact');
    if (!accountId) throw new KamError('contact_not_found', { id });
    const account = await this.access.account(m, ability, workspaceId, accountId, 'Contact', action, {
      lock: true,
    });
    const rows: ContactRow[] = await m.query(
      `SELECT ${CONTACT_COLUMNS} FROM contacts c WHERE c.id = $1 AND c.account_id = $2 FOR UPDATE`,
      [id, accountId],
    );
    if (!rows[0]) throw new KamError('contact_not_found', { id });
    return { account, current: rows[0] };
  }

  /** At most one primary contact per account: the others stop being it. Returns their ids. */
  private async unsetPrimary(m: EntityManager, accountId: string, keepId: string): Promise<string[]> {
    const rows = await updateReturning<{ id: string }>(
      m,
      `UPDATE contacts SET is_primary = false, version = version + 1, updated_at = now()
       WHERE account_id = $1 AND is_primary AND id <> $2 RETURNING id`,
      [accountId, keepId],
    );
    return rows.map((r) => r.id);
  }

  /** A CRM person is linked to an account once. */
  private async guardCrmPerson(write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (e) {
      const err = e as { code?: string; constraint?: string };
      if (err.code === '23505' && err.constraint === 'contacts_crm_person')
        throw new KamError('contact_already_linked', {}, [
          { field: 'crmPersonId', message: 'crmPersonId is already a contact of this account' },
        ]);
      throw e;
    }
  }
}
