import { randomBytes } from 'node:crypto';
import { ConfigError } from '@app/config';
import { validateGatewayConfig } from '../config';

const BASE = { KAM_DATABASE_URL: 'postgres://gateway@127.0.0.1:5432/kam', KAM_JWT_SECRET: 'x'.repeat(32) };

describe('the CRM settings of the gateway', () => {
  it('runs without KAM_CRM_SECRET_KEY (the CRM connection then cannot be stored) and at 100 requests a minute', () => {
    const c = validateGatewayConfig(BASE);
    expect(c.KAM_CRM_SECRET_KEY).toBeUndefined();
    expect([c.KAM_CRM_RATE_LIMIT, c.KAM_CRM_RATE_WINDOW_MS]).toEqual([100, 60000]);
  });

  it('accepts a 32-byte key in base64', () => {
    const key = randomBytes(32).toString('base64');
    expect(validateGatewayConfig({ ...BASE, KAM_CRM_SECRET_KEY: key }).KAM_CRM_SECRET_KEY).toBe(key);
  });

  it.each([
    ['16 bytes', randomBytes(16).toString('base64'), 'got 16 bytes'],
    ['not base64', 'not a key!', 'must be 32 bytes in base64'],
  ])('stops with a message naming KAM_CRM_SECRET_KEY for %s', (_what, key, text) => {
    let problems: string[] = [];
    try {
      validateGatewayConfig({ ...BASE, KAM_CRM_SECRET_KEY: key });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems = e.problems;
    }
    expect(problems.join('\n')).toMatch(
      /KAM_CRM_SECRET_KEY must be 32 bytes in base64, e\.g\. the output of `openssl rand -base64 32`/,
    );
    expect(problems.join('\n')).toContain(text);
  });
});

describe('where the CRM connection may point (KAM_CRM_ALLOWED_HOSTS)', () => {
  it('by default nothing is allow-listed: https to public addresses only', () => {
    expect(validateGatewayConfig(BASE).KAM_CRM_ALLOWED_HOSTS).toEqual([]);
  });

  it('reads the hosts and ranges the deployment trusts', () => {
    expect(
      validateGatewayConfig({ ...BASE, KAM_CRM_ALLOWED_HOSTS: 'twenty.internal,10.20.0.0/16' })
        .KAM_CRM_ALLOWED_HOSTS,
    ).toEqual([
      { kind: 'name', name: 'twenty.internal' },
      { kind: 'cidr', family: 4, address: '10.20.0.0', prefix: 16 },
    ]);
  });

  it('stops the start on an entry that is a URL, naming the variable and the entry', () => {
    let problems: string[] = [];
    try {
      validateGatewayConfig({ ...BASE, KAM_CRM_ALLOWED_HOSTS: 'http://twenty.internal:3000' });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems = e.problems;
    }
    expect(problems.join('\n')).toContain('KAM_CRM_ALLOWED_HOSTS: "http://twenty.internal:3000"');
  });
});
