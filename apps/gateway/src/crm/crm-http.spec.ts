import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { LookupAddress } from 'node:dns';
import { parseCrmAllowedHosts } from '@app/config';
import { CrmAllowList } from './crm-address-policy';
import { CrmAddressRefused, CrmHttp, CrmRedirectRefused } from './crm-http';

/** A local server that records who connected and what they asked. */
async function server(host: string, answer: (res: http.ServerResponse) => void = (res) => res.end('{}')) {
  const seen: { host: string | undefined; authorization: string | undefined }[] = [];
  let connections = 0;
  const srv = http.createServer((req, res) => {
    seen.push({ host: req.headers.host, authorization: req.headers.authorization });
    answer(res);
  });
  srv.on('connection', () => connections++);
  await new Promise<void>((resolve) => srv.listen(0, host, resolve));
  return {
    port: (srv.address() as AddressInfo).port,
    seen,
    connections: () => connections,
    stop: () =>
      new Promise<void>((resolve) => {
        srv.closeAllConnections();
        srv.close(() => resolve());
      }),
  };
}

const GET = { method: 'GET', headers: { Authorization: 'Bearer twenty-key' }, timeoutMs: 5000 };

describe('the CRM is reached only at addresses that were checked (DNS rebinding, redirects)', () => {
  const answers = new Map<string, string[]>();
  const resolve = async (name: string): Promise<LookupAddress[]> => {
    const a = answers.get(name);
    if (!a) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return a.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  const crm = new CrmHttp(new CrmAllowList(parseCrmAllowedHosts('127.0.0.1')), resolve);
  let loopback: Awaited<ReturnType<typeof server>>;
  let inside: Awaited<ReturnType<typeof server>>;

  beforeAll(async () => {
    loopback = await server('127.0.0.1');
    inside = await server('127.0.0.2');
  });
  afterAll(async () => {
    crm.close();
    await loopback.stop();
    await inside.stop();
  });

  it('a name that resolves to an allowed address is reached at that address, under its own name', async () => {
    answers.set('crm.test', ['127.0.0.1']);
    const res = await crm.request(new URL(`http://crm.test:${loopback.port}/rest/companies`), GET);
    expect(res.status).toBe(200);
    expect(loopback.seen.at(-1)).toEqual({
      host: `crm.test:${loopback.port}`,
      authorization: 'Bearer twenty-key',
    });
  });

  it('when the same name later resolves to an address that is not allowed, no connection is made', async () => {
    answers.set('crm.test', ['127.0.0.2']);
    const err = await crm
      .request(new URL(`http://crm.test:${inside.port}/rest/companies`), GET)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CrmAddressRefused);
    expect((err as Error).message).toMatch(/crm\.test resolves to 127\.0\.0\.2, which is a loopback address/);
    expect(inside.connections()).toBe(0);
  });

  it('a name with one address not allowed among allowed ones is refused', async () => {
    answers.set('mixed.test', ['127.0.0.1', '10.0.0.1']);
    const err = await crm
      .request(new URL(`http://mixed.test:${loopback.port}/`), GET)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CrmAddressRefused);
    expect((err as Error).message).toContain('10.0.0.1');
  });

  it('an address in the URL that is not allowed is refused before any connection', async () => {
    const err = await crm.request(new URL(`http://127.0.0.2:${inside.port}/`), GET).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CrmAddressRefused);
    expect(inside.connections()).toBe(0);
  });

  it('a redirect is an error and is never followed: the target gets nothing', async () => {
    const target = await server('127.0.0.1');
    const redirecting = await server('127.0.0.1', (res) => {
      res.writeHead(302, { Location: `http://127.0.0.1:${target.port}/steal` });
      res.end();
    });
    try {
      const err = await crm
        .request(new URL(`http://127.0.0.1:${redirecting.port}/rest/companies`), GET)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CrmRedirectRefused);
      expect((err as Error).message).toMatch(/302 \(a redirect to 127\.0\.0\.1:\d+\).*not followed/);
      expect(target.connections()).toBe(0);
    } finally {
      await target.stop();
      await redirecting.stop();
    }
  });

  it('a name that does not resolve is saved on its scheme alone (https), and checked again when used', async () => {
    expect(await crm.check(new URL('https://not-yet.test'))).toEqual({ ok: true });
    expect((await crm.check(new URL('http://not-yet.test'))).ok).toBe(false);
    answers.set('not-yet.test', ['169.254.169.254']);
    expect(await crm.check(new URL('https://not-yet.test'))).toMatchObject({
      ok: false,
      address: '169.254.169.254',
    });
  });
});
