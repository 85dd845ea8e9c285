import { lookup } from 'node:dns';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { BlockList, isIP } from 'node:net';
import { DeliveryError } from './types.js';

/**
 * Where pushed destinations may not reach: loopback, private (RFC 1918, RFC 4193), link-local (instance
 * metadata at 169.254.169.254 and fd00:ec2::254 included), shared and reserved ranges, unless the deployment
 * allows some of them (the stack's `allowPrivateCidrs`; the local runner allows loopback). Checked when a stream
 * is created or changed, and again on every delivery against the addresses the connection actually uses, so a
 * name that later resolves elsewhere (DNS rebinding) cannot steer a delivery inside.
 */
const BLOCKED: Array<[string, number, 'ipv4' | 'ipv6']> = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['224.0.0.0', 3, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];

const blocked = new BlockList();
for (const [net, prefix, type] of BLOCKED) blocked.addSubnet(net, prefix, type);

/** A list of CIDRs (`10.1.0.0/16`, `::1/128`) as a BlockList; throws on a malformed entry. */
export function cidrList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const c of cidrs) {
    const [net = '', bits = ''] = c.split('/');
    const type = isIP(net);
    const prefix = Number(bits);
    if (!type || !Number.isInteger(prefix) || prefix < 0 || prefix > (type === 4 ? 32 : 128))
      throw new Error(`not a CIDR: '${c}'`);
    list.addSubnet(net, prefix, type === 4 ? 'ipv4' : 'ipv6');
  }
  return list;
}

/** Why a destination may not reach this address, or undefined when it may. */
export function addressProblem(address: string, allow: BlockList): string | undefined {
  let ip = address.replace(/^\[|\]$/g, '');
  // An IPv4 address mapped into IPv6 is the IPv4 address.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) ip = mapped[1];
  const type = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  if (!isIP(ip) || !blocked.check(ip, type) || allow.check(ip, type)) return undefined;
  return `${ip} is a loopback, private, link-local or reserved address, which destinations may not reach (the stack's allowPrivateCidrs setting can allow a range)`;
}

/** Every address a host name resolves to (an IP literal is itself); undefined when it does not resolve. */
export function resolveAll(hostname: string): Promise<string[] | undefined> {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return Promise.resolve([host]);
  return new Promise((resolve) =>
    lookup(host, { all: true }, (err, addresses) =>
      resolve(err ? undefined : addresses.map((a) => a.address)),
    ),
  );
}

/** Problems with where a URL's host leads now (create time): empty when it is allowed or does not resolve yet. */
export async function hostProblems(url: URL, allow: BlockList): Promise<string[]> {
  const addresses = (await resolveAll(url.hostname)) ?? [];
  return addresses.flatMap((a) => {
    const p = addressProblem(a, allow);
    return p ? [`${url.hostname}: ${p}`] : [];
  });
}

/**
 * A DNS lookup for connections to destinations: resolves as node's does, but fails (with the error `refuse`
 * makes of the reason) when any address the name resolves to is one destinations may not reach, so the address
 * connected to is always a checked one.
 */
export function guardedLookup(allow: BlockList, refuse: (why: string) => Error): never {
  return ((
    hostname: string,
    options: { all?: boolean },
    cb: (err: Error | null, address?: unknown, family?: number) => void,
  ) => {
    lookup(hostname, { all: true }, (err, addresses) => {
      if (err) return cb(err);
      for (const a of addresses) {
        const p = addressProblem(a.address, allow);
        if (p) return cb(refuse(`${hostname} resolves to ${p}`));
      }
      const first = addresses[0];
      if (options.all) cb(null, addresses);
      else cb(null, first?.address, first?.family);
    });
  }) as never;
}

/**
 * `fetch` for pushed destinations: node's http(s) client whose every connection goes to an address checked
 * against the rules above, after DNS resolution (the checked address is the one connected to). A refused
 * address is a configuration error of the stream (DeliveryError 'config'), not a transient failure.
 */
export function egressFetch(allow: BlockList, tls: { ca?: string } = {}): typeof fetch {
  // Connections of its own: a pooled socket opened under other rules (or by plain fetch) is never reused.
  // A private CA (a HEC with its own certificate authority) is trusted by this client only.
  const agents = {
    http: new HttpAgent({ keepAlive: true }),
    https: new HttpsAgent({ keepAlive: true, ...(tls.ca ? { ca: tls.ca } : {}) }),
  };
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(literal)) {
      const p = addressProblem(literal, allow);
      if (p) throw new DeliveryError('config', `${url.host}: ${p}`);
    }
    let refused: DeliveryError | undefined;
    const lookupAllowed = guardedLookup(allow, (why) => {
      refused = new DeliveryError('config', why);
      return refused;
    });
    const https = url.protocol === 'https:';
    const send = https ? httpsRequest : httpRequest;
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const body = typeof init.body === 'string' || init.body instanceof Uint8Array ? init.body : undefined;
    return new Promise<Response>((resolve, reject) => {
      const req = send(
        url,
        {
          method: init.method ?? 'GET',
          headers,
          lookup: lookupAllowed,
          agent: https ? agents.https : agents.http,
          ...(init.signal ? { signal: init.signal } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const status = res.statusCode ?? 502;
            const empty = status === 204 || status === 205 || status === 304;
            const headers = new Headers();
            for (const [name, value] of Object.entries(res.headers)) {
              if (value === undefined) continue;
              for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
            }
            resolve(new Response(empty ? null : Buffer.concat(chunks), { status, headers }));
          });
          res.on('error', reject);
        },
      );
      req.on('error', (err) => reject(refused ?? tlsProblem(err, url.host) ?? err));
      req.end(body);
    });
  }) as typeof fetch;
}

/** Certificate checks that failed: the stream's configuration (a private CA it does not name), not an outage. */
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function tlsProblem(err: Error, host: string): DeliveryError | undefined {
  const code = (err as { code?: string }).code ?? '';
  if (!TLS_CODES.has(code)) return undefined;
  return new DeliveryError(
    'config',
    `${host}: the TLS certificate is not trusted (${code}: ${err.message}); a destination with its own certificate authority needs its CA bundle in the destination's ca_secret_arn`,
  );
}
