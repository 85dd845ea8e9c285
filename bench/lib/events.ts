/**
 * A deterministic, realistic mix of customer-identity (cis) events as an application sends them to
 * POST /activities: logins dominate, a tenth create users (which teaches the enrichment directory), some are
 * journey steps. About 400-600 bytes of JSON each, like the vendor's sample events.
 */
// The demo data's seeded PRNG, so every run benchmarks the same events.
import { rng } from '../../local/demo.js';

export interface InputEvent {
  type: string;
  id?: string;
  tenant_id?: string;
  app_id?: string;
  user_id?: string;
  ip?: string;
  user_agent?: string;
  timestamp?: string;
  data?: Record<string, unknown>;
}

export const USERS = 200;
export const APPS = ['web', 'ios', 'android', 'partner-portal', 'admin-console'] as const;
const AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  'MyBank/7.4.1 (iPhone; iOS 18.1; Scale/3.00)',
];
const METHODS = ['password', 'passkey', 'otp', 'webauthn'];

export const userId = (n: number) => `u-${String(n).padStart(6, '0')}`;
export const userEmail = (n: number) => `user${n}@example.com`;

export interface EventGenerator {
  /** The next `n` events; ids (when `withIds`) are unique across the generator's life. */
  next(n: number): InputEvent[];
}

/**
 * @param withIds share of events that carry a client id (idempotent retries); the rest get a ULID at ingest.
 */
export function eventGenerator(seed = 1, opts: { withIds?: number; idPrefix?: string } = {}): EventGenerator {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)] as T;
  const withIds = opts.withIds ?? 0.5;
  const prefix = opts.idPrefix ?? `b${seed}`;
  let counter = 0;
  const base = Date.UTC(2026, 10, 24, 9, 0, 0);
  const one = (): InputEvent => {
    counter++;
    const u = Math.floor(rand() * USERS);
    const common = {
      tenant_id: 'acme',
      app_id: pick(APPS),
      user_id: userId(u),
      ip: `203.0.113.${Math.floor(rand() * 250) + 1}`,
      user_agent: pick(AGENTS),
      timestamp: new Date(base + counter * 37).toISOString(),
      ...(rand() < withIds ? { id: `${prefix}-${counter.toString(36).padStart(8, '0')}` } : {}),
    };
    const r = rand();
    const session = `s-${Math.floor(rand() * 1e9).toString(36)}`;
    if (r < 0.5)
      return {
        type: 'user_login',
        ...common,
        data: {
          session_id: session,
          username: `user${u}`,
          auth_method: pick(METHODS),
          login_state: 'success',
        },
      };
    if (r < 0.6)
      return {
        type: 'user_failed_login',
        ...common,
        data: { username: `user${u}`, auth_method: pick(METHODS), reason: 'invalid credentials' },
      };
    if (r < 0.7)
      return {
        type: 'create_user',
        ...common,
        data: { email: userEmail(u), username: `user${u}`, first_name: 'Ada', last_name: `Lovelace${u}` },
      };
    if (r < 0.8) return { type: 'user_logout', ...common, data: { session_id: session } };
    if (r < 0.9)
      return {
        type: 'action_start',
        ...common,
        data: {
          journey_id: 'onboarding',
          journey_version: '3',
          session_id: session,
          step_id: 'collect-email',
        },
      };
    return {
      type: 'session_end',
      ...common,
      data: { journey_id: 'onboarding', journey_version: '3', session_id: session, reason: 'completed' },
    };
  };
  return { next: (n) => Array.from({ length: n }, one) };
}

/** The request body of POST /activities. */
export const ingestBody = (events: readonly InputEvent[]) => JSON.stringify({ events });
