import { MigrationInterface, QueryRunner } from 'typeorm';
import { scopeIdempotencyKeysToCallers, unscopeIdempotencyKeys } from '@app/persistence';

/** Issue 14, point 11: an Idempotency-Key belongs to the member (or API key) that sent it. */
export class IdempotencyCallers1734400000000 implements MigrationInterface {
  name = 'IdempotencyCallers1734400000000';

  async up(q: QueryRunner): Promise<void> {
    await scopeIdempotencyKeysToCallers(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await unscopeIdempotencyKeys(q);
  }
}
