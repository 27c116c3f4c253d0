import { isIP } from 'node:net';
import { ConfigError } from './config';

/**
 * One entry of KAM_CRM_ALLOWED_HOSTS (issue 14, point 5): a host the deployment trusts with the CRM's API key
 * although it is reached over plain http or at a private, loopback or link-local address.
 * - `name`: a DNS name (`twenty.internal`, `localhost`); every address it resolves to is trusted;
 * - `cidr`: an address or a range (`127.0.0.1`, `10.20.0.0/16`, `::1`, `fd00::/8`); trusted whatever name led
 *   to it.
 */
export type CrmAllowedHost =
  { kind: 'name'; name: string } | { kind: 'cidr'; family: 4 | 6; address: string; prefix: number };

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a trailing dotted quad read); undefined if not one. */
export function ipv6Groups(address: string): number[] | undefined {
  const a = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIP(a) !== 6) return undefined;
  let text = a;
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [b0, b1, b2, b3] = quad.slice(1).map(Number);
    text = `${text.slice(0, quad.index)}${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array<string>(tail === undefined ? 0 : 8 - h.length - t.length).fill('0'), ...t];
  return groups.length === 8 ? groups.map((g) => parseInt(g, 16)) : undefined;
}

/** The IPv4 address written inside an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), or undefined. */
export function mappedIpv4(address: string): string | undefined {
  const g = ipv6Groups(address);
  if (!g || g.slice(0, 5).some((x) => x !== 0) || g[5] !== 0xffff) return undefined;
  return [g[6] >> 8, g[6] & 255, g[7] >> 8, g[7] & 255].join('.');
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * `127.0.0.1, twenty.internal, 10.20.0.0/16, fd00::/8` → the entries. Empty or unset: none (only https to
 * public addresses). A malformed entry stops the start with a message naming it.
 */
export function parseCrmAllowedHosts(
  raw: string | undefined,
  name = 'KAM_CRM_ALLOWED_HOSTS',
): CrmAllowedHost[] {
  if (raw === undefined || raw.trim() === '') return [];
  const out: CrmAllowedHost[] = [];
  const problems: string[] = [];
  for (const part of raw
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter(Boolean)) {
    const slash = part.indexOf('/');
    const address = (slash >= 0 ? part.slice(0, slash) : part).replace(/^\[|\]$/g, '');
    const family = isIP(address);
    if (family) {
      const max = family === 4 ? 32 : 128;
      const prefixText = slash >= 0 ? part.slice(slash + 1) : String(max);
      const prefix = Number(prefixText);
      if (!/^\d{1,3}$/.test(prefixText) || prefix > max) {
        problems.push(`${name}: "${part}" has no valid prefix length (0-${max})`);
        continue;
      }
      if (family === 6 && mappedIpv4(address)) {
        problems.push(
          `${name}: "${part}" is IPv4-mapped: write it as an IPv4 address or range (e.g. ${mappedIpv4(address)})`,
        );
        continue;
      }
      out.push({ kind: 'cidr', family: family === 4 ? 4 : 6, address, prefix });
      continue;
    }
    const host = part.replace(/\.$/, '');
    const labels = host.split('.');
    // A last label of digits only is read as an IPv4 address by URL parsers (`https://10.1` is 10.0.0.1).
    if (
      slash < 0 &&
      host.length <= 253 &&
      labels.every((l) => LABEL.test(l)) &&
      !/^\d+$/.test(labels.at(-1)!)
    ) {
      out.push({ kind: 'name', name: host });
      continue;
    }
    problems.push(
      `${name}: "${part}" is neither a host name, an IP address nor a CIDR range ` +
        '(e.g. twenty.internal, 127.0.0.1, 10.20.0.0/16, fd00::/8); no scheme, port or path',
    );
  }
  if (problems.length) throw new ConfigError(problems);
  return out;
}
