import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, LookupFunction } from 'node:net';
import { CrmAllowList, crmTargetVerdict, normalHost, TargetVerdict } from './crm-address-policy';

/** Longest wait for the name of the CRM to resolve. */
const LOOKUP_TIMEOUT_MS = 5_000;
/** Largest answer read from the CRM (a page of 60 records is a few hundred kB). */
const MAX_BODY_BYTES = 20 * 1024 * 1024;

/** The CRM's address is not one the connection may reach: never retried, nothing was sent. */
export class CrmAddressRefused extends Error {
  constructor(readonly verdict: Extract<TargetVerdict, { ok: false }>) {
    super(
      `the CRM connection's address is not allowed: ${verdict.reason} ` +
        '(https to a public address, or a host listed in KAM_CRM_ALLOWED_HOSTS)',
    );
  }
}

/** The CRM answered a redirect: never followed (the API key goes only to baseUrl), never retried. */
export class CrmRedirectRefused extends Error {
  constructor(
    readonly status: number,
    readonly path: string,
    location: string | undefined,
  ) {
    let to = '';
    try {
      to = location ? ` to ${new URL(location, 'https://crm.invalid').host}` : '';
    } catch {
      to = '';
    }
    super(
      `Twenty answered ${status} (a redirect${to}) to ${path}; redirects are not followed: check baseUrl`,
    );
  }
}

export interface CrmResponse {
  status: number;
  header(name: string): string | undefined;
  body: string;
}

export type ResolveAll = (hostname: string) => Promise<LookupAddress[]>;

/** Every address of a name, as the system resolver (and /etc/hosts) gives them, with a time limit. */
export const resolveAll: ResolveAll = (hostname) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the name ${hostname} did not resolve within ${LOOKUP_TIMEOUT_MS} ms`)),
      LOOKUP_TIMEOUT_MS,
    );
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(addresses);
    });
  });

/**
 * HTTP to the CRM, only where the connection may point (issue 14, point 5). The name is resolved inside the
 * socket's own DNS lookup, every address it resolves to is checked there, and the socket connects to the
 * addresses that were checked: a name that points elsewhere between two requests (DNS rebinding) is caught by
 * the next connection, and no connection is ever opened to an address that was not checked. An IP address in
 * the URL is checked before the request (Node opens the socket without a lookup then). Redirects are never
 * followed (node:http does not follow them; a 3xx is an error here).
 */
export class CrmHttp {
  private readonly agents: { 'http:': http.Agent; 'https:': https.Agent };

  constructor(
    readonly allow: CrmAllowList,
    private readonly resolve: ResolveAll = resolveAll,
  ) {
    this.agents = {
      'http:': new http.Agent({ keepAlive: true, maxSockets: 16 }),
      'https:': new https.Agent({ keepAlive: true, maxSockets: 16 }),
    };
  }

  /**
   * The verdict on a URL, its name resolved now (for `PUT admin/crm`). A name that does not resolve yet is
   * judged by its scheme alone: every request checks its addresses again.
   */
  async check(url: URL): Promise<TargetVerdict> {
    const host = normalHost(url.hostname);
    let addresses: string[] = [];
    if (isIP(host)) addresses = [host];
    else {
      try {
        addresses = (await this.resolve(host)).map((a) => a.address);
      } catch {
        addresses = [];
      }
    }
    return crmTargetVerdict({ protocol: url.protocol, hostname: host, addresses }, this.allow);
  }

  /** The socket's DNS lookup: resolve, check every address, hand over only checked ones. */
  private lookupFor(protocol: string): LookupFunction {
    return (hostname, options, callback) => {
      this.resolve(hostname).then(
        (all) => {
          const verdict = crmTargetVerdict(
            { protocol, hostname, addresses: all.map((a) => a.address) },
            this.allow,
          );
          if (!verdict.ok) return callback(new CrmAddressRefused(verdict), '', 0);
          const wanted = options.family === 4 || options.family === 6 ? options.family : 0;
          const usable = all.filter((a) => !wanted || a.family === wanted);
          if (!usable.length)
            return callback(
              Object.assign(new Error(`${hostname} has no IPv${wanted} address`), { code: 'ENOTFOUND' }),
              '',
              0,
            );
          if (options.all)
            return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, usable);
          callback(null, usable[0].address, usable[0].family);
        },
        (err: NodeJS.ErrnoException) => callback(err, '', 0),
      );
    };
  }

  async request(
    url: URL,
    init: { method: string; headers: Record<string, string>; body?: string; timeoutMs: number },
  ): Promise<CrmResponse> {
    const protocol = url.protocol;
    if (protocol !== 'https:' && protocol !== 'http:')
      throw new CrmAddressRefused({ ok: false, reason: `${protocol} is not http or https` });
    const host = normalHost(url.hostname);
    if (isIP(host)) {
      const verdict = crmTargetVerdict({ protocol, hostname: host, addresses: [host] }, this.allow);
      if (!verdict.ok) throw new CrmAddressRefused(verdict);
    }
    const lib = protocol === 'https:' ? https : http;
    return new Promise<CrmResponse>((resolve, reject) => {
      const req = lib.request(
        url,
        {
          method: init.method,
          headers: {
            ...init.headers,
            ...(init.body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(init.body)) }),
          },
          agent: this.agents[protocol],
          lookup: this.lookupFor(protocol),
          timeout: init.timeoutMs,
        },
        (res) => {
          const status = res.statusCode ?? 0;
          const header = (name: string) => {
            const v = res.headers[name.toLowerCase()];
            return Array.isArray(v) ? v[0] : v;
          };
          if (status >= 300 && status < 400) {
            res.resume();
            return reject(new CrmRedirectRefused(status, url.pathname, header('location')));
          }
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_BODY_BYTES) {
              req.destroy(
                new Error(`Twenty's answer to ${url.pathname} is larger than ${MAX_BODY_BYTES} bytes`),
              );
              return;
            }
            chunks.push(c);
          });
          res.on('end', () => resolve({ status, header, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () =>
        req.destroy(new Error(`Twenty did not answer ${url.pathname} in ${init.timeoutMs} ms`)),
      );
      req.on('error', reject);
      req.end(init.body);
    });
  }

  close(): void {
    this.agents['http:'].destroy();
    this.agents['https:'].destroy();
  }
}
