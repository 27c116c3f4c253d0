import { MigrationInterface, QueryRunner } from 'typeorm';
import { createOutboxTables } from '@app/persistence';

/**
 * Issue 14, point 6: the gateway records archive views, refusals and job-console actions for the access log. They go
 * through a transactional outbox like every other event (relayed to JetStream, appended by document-security), so an
 * entry acknowledged here survives a restart of any service. The same tables as a service's (libs/persistence createOutboxTables).
 */
export class GatewayOutbox1734300000100 implements MigrationInterface {
  name = 'GatewayOutbox1734300000100';

  async up(q: QueryRunner): Promise<void> {
    await createOutboxTables(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE inbox`);
    await q.query(`DROP TABLE outbox`);
  }
}
