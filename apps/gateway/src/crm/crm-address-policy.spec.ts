import { ConfigError, parseCrmAllowedHosts } from '@app/config';
import { canonicalAddress, crmTargetVerdict, CrmAllowList, notPublic } from './crm-address-policy';

const NONE = new CrmAllowList([]);

describe('where the CRM connection may point: which addresses are not public', () => {
  it.each([
    ['127.0.0.1', 'a loopback address'],
    ['127.8.9.10', 'a loopback address'],
    ['10.1.2.3', 'a private address'],
    ['172.16.0.1', 'a private address'],
    ['172.31.255.254', 'a private address'],
    ['192.168.1.10', 'a private address'],
    ['169.254.169.254', 'a link-local address'],
    ['100.64.0.1', 'a shared (carrier-grade NAT) address'],
    ['100.127.255.255', 'a shared (carrier-grade NAT) address'],
    ['0.0.0.0', 'an unspecified ("this network") address'],
    ['224.0.0.1', 'a multicast address'],
    ['255.255.255.255', 'a reserved address'],
    ['::1', 'a loopback address'],
    ['::', 'an unspecified address'],
    ['fd12:3456::1', 'a unique-local (private) address'],
    ['fc00::1', 'a unique-local (private) address'],
    ['fe80::1', 'a link-local address'],
    ['febf::1', 'a link-local address'],
    ['::ffff:127.0.0.1', 'a loopback address'],
    ['::ffff:7f00:1', 'a loopback address'],
    ['[::ffff:10.0.0.1]', 'a private address'],
    ['::ffff:a9fe:a9fe', 'a link-local address'],
    ['::127.0.0.1', 'a loopback address'],
    ['64:ff9b::a00:1', 'a private address'],
    ['fe80::1%eth0', 'a link-local address'],
  ])('%s is %s', (address, what) => {
    expect(notPublic(address)).toBe(what);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.15.255.255',
    '172.32.0.1',
    '100.63.255.255',
    '100.128.0.1',
    '169.253.0.1',
    '192.169.0.1',
    '11.0.0.1',
    '2606:4700:4700::1111',
    '2001:4860:4860::8888',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
  ])('%s is public', (address) => {
    expect(notPublic(address)).toBeUndefined();
  });

  it('an IPv6 form of an IPv4 address is checked as that IPv4 address', () => {
    expect(canonicalAddress('::ffff:7f00:1')).toEqual({ address: '127.0.0.1', family: 4 });
    expect(canonicalAddress('[2001:DB8::1]')).toEqual({ address: '2001:db8::1', family: 6 });
  });
});

describe('where the CRM connection may point: https to public addresses, the rest only when allow-listed', () => {
  const allow = new CrmAllowList(parseCrmAllowedHosts('127.0.0.1, twenty.internal, 10.20.0.0/16, fd00::/8'));
  const v = (url: string, addresses: string[], list = allow) => {
    const u = new URL(url);
    return crmTargetVerdict({ protocol: u.protocol, hostname: u.hostname, addresses }, list);
  };

  it.each([
    ['https to a public address', 'https://crm.example.com', ['93.184.216.34'], NONE],
    ['https to a public IPv6 address', 'https://crm.example.com', ['2606:2800:220:1::1'], NONE],
    ['https to a name not resolved yet', 'https://crm.example.com', [], NONE],
    ['http to a listed address', 'http://127.0.0.1:3000', ['127.0.0.1'], allow],
    ['http to a listed name at a private address', 'http://twenty.internal', ['192.168.5.5'], allow],
    ['a listed name, upper case and with a trailing dot', 'http://TWENTY.internal.', ['10.0.0.9'], allow],
    ['https to an address of a listed range', 'https://crm.corp', ['10.20.3.4'], allow],
    ['http to an IPv6 address of a listed range', 'http://[fd00::5]', ['fd00::5'], allow],
  ])('allows %s', (_what, url, addresses, list) => {
    expect(v(url, addresses, list)).toEqual({ ok: true });
  });

  it.each([
    ['plain http to a public host', 'http://crm.example.com', ['93.184.216.34'], NONE, /plain http/],
    ['plain http to a name not resolved yet', 'http://crm.example.com', [], NONE, /plain http/],
    [
      'loopback without the allow-list',
      'http://127.0.0.1:3000',
      ['127.0.0.1'],
      NONE,
      /127\.0\.0\.1 is a loopback/,
    ],
    ['another loopback address than the listed one', 'https://127.0.0.2', ['127.0.0.2'], allow, /loopback/],
    ['IPv6 loopback when only 127.0.0.1 is listed', 'http://[::1]:3000', ['::1'], allow, /::1 is a loopback/],
    [
      'a public name that resolves to loopback',
      'https://evil.example.com',
      ['93.184.216.34', '127.0.0.1'],
      NONE,
      /evil\.example\.com resolves to 127\.0\.0\.1, which is a loopback address/,
    ],
    ['a private address outside the listed range', 'https://10.21.0.1', ['10.21.0.1'], allow, /private/],
    ['the metadata address', 'https://169.254.169.254', ['169.254.169.254'], allow, /link-local/],
    [
      'loopback written as IPv4-mapped IPv6',
      'https://[::ffff:127.0.0.2]',
      ['::ffff:7f00:2'],
      allow,
      /loopback/,
    ],
    [
      'http to a listed range when one address is outside it',
      'http://crm.corp',
      ['10.20.0.1', '93.184.216.34'],
      allow,
      /plain http/,
    ],
    ['another scheme', 'ftp://crm.example.com', ['93.184.216.34'], allow, /ftp: is not http or https/],
  ])('refuses %s', (_what, url, addresses, list, reason) => {
    const r = v(url, addresses, list);
    expect(r.ok).toBe(false);
    expect(r.ok === false && r.reason).toMatch(reason);
  });
});

describe('KAM_CRM_ALLOWED_HOSTS', () => {
  it('reads names, addresses and ranges, IPv4 and IPv6', () => {
    expect(parseCrmAllowedHosts(' 127.0.0.1 ,Twenty.Internal., 10.20.0.0/16,[::1],fd00::/8,,')).toEqual([
      { kind: 'cidr', family: 4, address: '127.0.0.1', prefix: 32 },
      { kind: 'name', name: 'twenty.internal' },
      { kind: 'cidr', family: 4, address: '10.20.0.0', prefix: 16 },
      { kind: 'cidr', family: 6, address: '::1', prefix: 128 },
      { kind: 'cidr', family: 6, address: 'fd00::', prefix: 8 },
    ]);
    expect(parseCrmAllowedHosts('')).toEqual([]);
    expect(parseCrmAllowedHosts(undefined)).toEqual([]);
  });

  it.each([
    ['a URL', 'http://127.0.0.1:3000', 'neither a host name'],
    ['a port', '127.0.0.1:3000', 'neither a host name'],
    ['a prefix too long', '10.0.0.0/33', 'no valid prefix length (0-32)'],
    ['a prefix that is not a number', 'fd00::/x', 'no valid prefix length (0-128)'],
    ['a name with a prefix', 'twenty.internal/8', 'neither a host name'],
    ['an IPv4-mapped IPv6 entry', '::ffff:10.0.0.1', 'write it as an IPv4 address or range (e.g. 10.0.0.1)'],
    ['a name ending in digits', 'crm.10', 'neither a host name'],
    ['a wildcard', '*.internal', 'neither a host name'],
  ])('stops the start on %s, naming the entry', (_what, raw, text) => {
    let problems: string[] = [];
    try {
      parseCrmAllowedHosts(raw);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems = e.problems;
    }
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`KAM_CRM_ALLOWED_HOSTS: "${raw}"`);
    expect(problems[0]).toContain(text);
  });
});
