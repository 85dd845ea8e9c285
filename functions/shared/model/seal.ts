import { createHmac, timingSafeEqual } from 'node:crypto';

/** Bytes of HMAC-SHA256 a token carries (128 bits: forging one is guessing a 128-bit value). */
const MAC_BYTES = 16;
/** The longest token accepted (a cursor of a stream over many shards stays far below). */
export const MAX_TOKEN_CHARS = 8192;

const mac = (key: Uint8Array, body: string) =>
  createHmac('sha256', key).update(body).digest().subarray(0, MAC_BYTES);

/**
 * A token the service hands out and takes back (collect and search cursors): the payload as base64url JSON,
 * a dot, and its MAC under the service's cursor key. Clients cannot read anything they could use into it,
 * nor change a byte of it without the MAC failing.
 */
export function seal(key: Uint8Array, payload: unknown): string {
  const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${body}.${mac(key, body).toString('base64url')}`;
}

/** The payload of a token this service sealed with `key`; undefined for anything else (forged, cut, altered). */
export function unseal(key: Uint8Array, token: string): unknown {
  if (token.length > MAX_TOKEN_CHARS || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) return undefined;
  const [body = '', tag = ''] = token.split('.');
  const given = Buffer.from(tag, 'base64url');
  const expected = mac(key, body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}
