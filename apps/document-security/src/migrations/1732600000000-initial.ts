import { MigrationInterface, QueryRunner } from 'typeorm';
import { createCommonTables, dropCommonTables } from '@app/persistence';

export class DocumentSecurityInitial1732600000000 implements MigrationInterface {
  name = 'DocumentSecurityInitial1732600000000';

  async up(q: QueryRunner): Promise<void> {
    await createCommonTables(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await dropCommonTables(q);
  }
}
