import { randomUUID } from 'node:crypto';
import { connect } from 'nats';
import { Actor, SUBJECTS } from '@app/contracts';
import { TestSystem } from '../support/system';

/**
 * Issue 14, point 13: NATS admits only the four apps, each with its own user, and each app may publish and
 * subscribe only what it needs. Driven with raw NATS clients against the real server of the test stack.
 */
describe('the message bus admits only the apps, each to what it needs', () => {
  const system = new TestSystem();

  beforeAll(() => system.start());
  afterAll(() => system.stop());

  const systemActor = (): Actor => ({
    workspaceId: '00000000-0000-0000-0000-000000000000',
    memberId: 'system:intruder',
    roles: [],
    requestId: randomUUID(),
    kind: 'system',
  });

  it('a client without credentials is turned away, so it cannot ask a service anything as "system"', async () => {
    const attempt = (async () => {
      const nc = await connect({ servers: system.env.natsUrl, name: 'intruder', maxReconnectAttempts: 0 });
      try {
        const msg = await nc.request(
          SUBJECTS.accounts.workspaceList,
          new TextEncoder().encode(JSON.stringify({ actor: systemActor(), data: {} })),
          { timeout: 5000 },
        );
        return JSON.parse(new TextDecoder().decode(msg.data)) as unknown;
      } finally {
        await nc.close();
      }
    })();
    await expect(attempt).rejects.toMatchObject({ code: 'AUTHORIZATION_VIOLATION' });
  });
});
