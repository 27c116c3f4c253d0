import { BlockList, isIP } from 'node:net';
import { CrmAllowedHost, ipv6Groups, mappedIpv4 } from '@app/config';

/**
 * Where the CRM connection may point (issue 14, point 5). The sync sends the Twenty API key to `baseUrl`, writes
 * tier and owner names there and turns its won opportunities into orders that feed pay: so by default only https
 * to a public address. Plain http, and addresses that are not public (private, loopback, link-local, shared,
 * reserved), only for what the deployment lists in KAM_CRM_ALLOWED_HOSTS: a host name trusts whatever it
 * resolves to, an address or CIDR range trusts those addresses whatever name led there.
 *
 * Pure: the gateway resolves the name, this decides on the addresses (before the connection is saved, and
 * again inside every connection's DNS lookup, see crm-http.ts).
 */

/** Ranges that are not public (IANA special-purpose registries), each with what it is, for the message. */
const NOT_PUBLIC: [string, number, 4 | 6, string][] = [
  ['0.0.0.0', 8, 4, 'an unspecified ("this network") address'],
  ['10.0.0.0', 8, 4, 'a private address'],
  ['100.64.0.0', 10, 4, 'a shared (carrier-grade NAT) address'],
  ['127.0.0.0', 8, 4, 'a loopback address'],
  ['169.254.0.0', 16, 4, 'a link-local address'],
  ['172.16.0.0', 12, 4, 'a private address'],
  ['192.0.0.0', 24, 4, 'a reserved (IETF protocol) address'],
  ['192.168.0.0', 16, 4, 'a private address'],
  ['198.18.0.0', 15, 4, 'a reserved (benchmarking) address'],
  ['224.0.0.0', 4, 4, 'a multicast address'],
  ['240.0.0.0', 4, 4, 'a reserved address'],
  ['::', 128, 6, 'an unspecified address'],
  ['::1', 128, 6, 'a loopback address'],
  ['fc00::', 7, 6, 'a unique-local (private) address'],
  ['fe80::', 10, 6, 'a link-local address'],
  ['fec0::', 10, 6, 'a site-local address'],
  ['ff00::', 8, 6, 'a multicast address'],
  ['100::', 64, 6, 'a discard-only address'],
];

const RANGES = NOT_PUBLIC.map(([address, prefix, family, what]) => {
  const list = new BlockList();
  list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
  return { list, family, what };
});

/**
 * The IPv4 address an IPv6 address stands for, when it embeds one that a gateway or the kernel would reach:
 * IPv4-mapped (`::ffff:127.0.0.1`), IPv4-compatible (`::127.0.0.1`, deprecated) and NAT64 (`64:ff9b::/96`).
 */
function embeddedIpv4(address: string): string | undefined {
  const mapped = mappedIpv4(address);
  if (mapped) return mapped;
  const g = ipv6Groups(address);
  if (!g) return undefined;
  const v4 = () => [g[6] >> 8, g[6] & 255, g[7] >> 8, g[7] & 255].join('.');
  if (g.slice(0, 6).every((x) => x === 0) && (g[6] !== 0 || g[7] > 1)) return v4();
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return v4();
  return undefined;
}

/** An address as it is checked: IPv4 for an IPv6 form of one, brackets and zone removed. */
export function canonicalAddress(address: string): { address: string; family: 4 | 6 } | undefined {
  const a = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(a);
  if (!family) return undefined;
  if (family === 6) {
    const v4 = embeddedIpv4(a);
    if (v4) return { address: v4, family: 4 };
  }
  return { address: a.toLowerCase(), family: family as 4 | 6 };
}

/** What a non-public address is ("a loopback address"), or undefined for a public one. */
export function notPublic(address: string): string | undefined {
  const c = canonicalAddress(address);
  if (!c) return 'not an IP address';
  return RANGES.find(
    (r) => r.family === c.family && r.list.check(c.address, c.family === 4 ? 'ipv4' : 'ipv6'),
  )?.what;
}

/** The deployment's allow-list, compiled once. */
export class CrmAllowList {
  private readonly names: Set<string>;
  private readonly ranges = new BlockList();

  constructor(entries: CrmAllowedHost[]) {
    this.names = new Set(entries.filter((e) => e.kind === 'name').map((e) => e.name));
    for (const e of entries)
      if (e.kind === 'cidr') this.ranges.addSubnet(e.address, e.prefix, e.family === 4 ? 'ipv4' : 'ipv6');
  }

  hasName(hostname: string): boolean {
    return this.names.has(normalHost(hostname));
  }

  hasAddress(address: string): boolean {
    const c = canonicalAddress(address);
    return !!c && this.ranges.check(c.address, c.family === 4 ? 'ipv4' : 'ipv6');
  }
}

/** A URL's host as compared: lower case, no brackets, no trailing dot. */
export function normalHost(hostname: string): string {
  return hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
}

export type TargetVerdict = { ok: true } | { ok: false; reason: string; address?: string };

/**
 * May a request go to `protocol://hostname` at these addresses (every address the name resolved to)?
 * - https, or http when the host name is listed or every address is in a listed range;
 * - every address public, or in a listed range, or the host name is listed.
 * `addresses` empty (not resolved yet): only the scheme can be decided, and http needs a listed name.
 */
export function crmTargetVerdict(
  target: { protocol: string; hostname: string; addresses: string[] },
  allow: CrmAllowList,
): TargetVerdict {
  const host = normalHost(target.hostname);
  const nameListed = allow.hasName(host);
  if (target.protocol !== 'https:' && target.protocol !== 'http:')
    return { ok: false, reason: `${target.protocol} is not http or https` };
  for (const address of target.addresses) {
    const what = notPublic(address);
    if (what && !nameListed && !allow.hasAddress(address))
      return {
        ok: false,
        address,
        reason: `${host}${normalHost(address) === host ? '' : ` resolves to ${address}, which`} is ${what}`,
      };
  }
  if (target.protocol === 'http:') {
    const listed =
      nameListed || (target.addresses.length > 0 && target.addresses.every((a) => allow.hasAddress(a)));
    if (!listed) return { ok: false, reason: 'plain http sends the API key unencrypted' };
  }
  return { ok: true };
}
