/**
 * Demo data: a realistic week of identity activity for the console (screenshots, browser tests, the console
 * benchmark, or just looking around after `npm start`). Users sign up and log in to four apps of two tenants,
 * go through three journeys (some drop off at a step, with a reason), verify their identity, get risk
 * recommendations; admins change apps and settings. Deterministic for a seed and an end time.
 */

export interface DemoEvent {
  type: string;
  id: string;
  tenant_id: string;
  timestamp: string;
  app_id?: string;
  user_id?: string;
  ip?: string;
  user_agent?: string;
  actor_id?: string;
  actor_type?: string;
  target_resource_id?: string;
  target_resource_type?: string;
  changes?: Record<string, { prev: unknown; current: unknown }>;
  data?: Record<string, unknown>;
}

/** The apps, with the names the directory is given (enrichment shows them). */
export const DEMO_APPS = {
  'app-web': 'Customer web',
  'app-ios': 'MyBank iOS',
  'app-android': 'MyBank Android',
  'app-partner': 'Partner portal',
} as const;
export const DEMO_TENANTS = ['acme', 'globex'] as const;

const FIRST = ['ada', 'grace', 'alan', 'katherine', 'linus', 'margaret', 'tim', 'barbara', 'dennis', 'radia'];
const LAST = [
  'lovelace',
  'hopper',
  'turing',
  'johnson',
  'torvalds',
  'hamilton',
  'lee',
  'liskov',
  'ritchie',
  'perlman',
];
const AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  'MyBank/7.4.1 (iPhone; iOS 18.1; Scale/3.00)',
  'MyBank/7.4.0 (Android 15; Pixel 9)',
];
const ADMINS = [
  { id: 'adm-0001', email: 'dana.admin@acme.example', roles: ['owner'] },
  { id: 'adm-0002', email: 'sam.ops@acme.example', roles: ['security', 'support'] },
];

/** The journeys: steps in order, and why sessions fail at a step. */
export const DEMO_JOURNEYS = [
  {
    id: 'onboarding',
    name: 'Customer onboarding',
    steps: ['collect-email', 'verify-email', 'set-password', 'accept-terms'],
    reasons: ['email_not_verified', 'weak_password', 'user_abandoned'],
  },
  {
    id: 'login-mfa',
    name: 'Login with MFA',
    steps: ['password', 'otp-challenge', 'device-trust'],
    reasons: ['otp_expired', 'otp_invalid', 'user_abandoned'],
  },
  {
    id: 'account-recovery',
    name: 'Account recovery',
    steps: ['identify', 'verify-id-document', 'reset-password'],
    reasons: ['document_rejected', 'user_abandoned'],
  },
] as const;

/** mulberry32: a small seeded PRNG (the benchmarks' events use it too, so every run sees the same). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const demoUserEmail = (n: number) =>
  `${FIRST[n % FIRST.length]}.${LAST[Math.floor(n / FIRST.length) % LAST.length]}${n >= 100 ? n : ''}@example.com`;
export const demoUserId = (n: number) => `usr-${String(n).padStart(5, '0')}`;

/**
 * About `count` events between `end - days` and `end`, oldest first, with more activity in working hours.
 * Users are created (with their emails) before their first other event, so the directory knows them.
 */
export function demoEvents(opts: {
  count: number;
  days?: number;
  end?: number;
  seed?: number;
  users?: number;
}): DemoEvent[] {
  const rand = rng(opts.seed ?? 7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const end = opts.end ?? Date.now();
  const span = (opts.days ?? 7) * 86_400_000;
  const users = opts.users ?? Math.max(20, Math.min(2_000, Math.round(opts.count / 25)));
  const out: DemoEvent[] = [];
  let seq = 0;
  const id = (t: number) => `demo-${(opts.seed ?? 7).toString(36)}-${t.toString(36)}-${(seq++).toString(36)}`;
  // A time in the window, weighted towards 08:00-20:00 UTC.
  const when = () => {
    for (;;) {
      const t = end - rand() * span;
      const h = new Date(t).getUTCHours();
      if (rand() < (h >= 8 && h < 20 ? 1 : 0.35)) return Math.floor(t);
    }
  };
  const person = (n: number) => {
    const apps = Object.keys(DEMO_APPS);
    return {
      tenant_id: DEMO_TENANTS[n % 5 === 0 ? 1 : 0],
      app_id: apps[n % apps.length] as string,
      user_id: demoUserId(n),
      ip: `203.0.113.${(n % 250) + 1}`,
      user_agent: AGENTS[n % AGENTS.length] as string,
    };
  };
  // Every user is created first (spread over the first day of the window).
  for (let n = 0; n < users && out.length < opts.count; n++) {
    const t = end - span + Math.floor(rand() * Math.min(span, 86_400_000) * 0.5);
    const p = person(n);
    out.push({
      type: 'create_user',
      id: id(t),
      timestamp: new Date(t).toISOString(),
      ...p,
      data: { email: demoUserEmail(n), username: demoUserEmail(n).split('@')[0] },
    });
  }
  for (const a of ADMINS) {
    const t = end - span + 1000;
    out.push({
      type: 'addAdmin',
      id: id(t),
      tenant_id: 'acme',
      timestamp: new Date(t).toISOString(),
      actor_id: 'adm-0001',
      actor_type: 'admin',
      target_resource_id: a.id,
      target_resource_type: 'admin',
      changes: { roles: { prev: null, current: a.roles } },
      data: { email: a.email, roles: a.roles },
    });
  }
  while (out.length < opts.count) {
    const t = when();
    const n = Math.floor(rand() * users);
    const p = person(n);
    // What follows an event (a logout, a journey's next step) never lands after the window's end.
    const at = (dt = 0) => new Date(Math.min(t + dt, end)).toISOString();
    const username = demoUserEmail(n).split('@')[0];
    const r = rand();
    if (r < 0.38) {
      const session = `ses-${id(t)}`;
      const method = pick(['password', 'passkey', 'otp', 'webauthn']);
      out.push({
        type: 'user_login',
        id: id(t),
        timestamp: at(),
        ...p,
        data: { session_id: session, username, auth_method: method, login_state: 'success' },
      });
      if (rand() < 0.5)
        out.push({
          type: 'user_logout',
          id: id(t),
          timestamp: at(600_000 + Math.floor(rand() * 3_600_000)),
          ...p,
          data: { session_id: session },
        });
    } else if (r < 0.48) {
      out.push({
        type: 'user_failed_login',
        id: id(t),
        timestamp: at(),
        ...p,
        data: {
          username,
          auth_method: 'password',
          reason: pick(['invalid credentials', 'account locked', 'expired password']),
        },
      });
    } else if (r < 0.72) {
      // A journey session: start, steps in order until it ends or fails at a step.
      const j = pick(DEMO_JOURNEYS);
      const session = `jrn-${id(t)}`;
      const base = { journey_id: j.id, journey_name: j.name, journey_version: '3', session_id: session };
      out.push({ type: 'session_start', id: id(t), timestamp: at(), ...p, data: base });
      let dt = 0;
      let failed: string | undefined;
      for (const step of j.steps) {
        dt += 2_000 + Math.floor(rand() * 40_000);
        out.push({
          type: 'action_start',
          id: id(t),
          timestamp: at(dt),
          ...p,
          data: { ...base, step_id: step },
        });
        if (rand() < 0.09) {
          failed = pick(j.reasons);
          break;
        }
        dt += 1_000 + Math.floor(rand() * 20_000);
        out.push({
          type: 'action_complete',
          id: id(t),
          timestamp: at(dt),
          ...p,
          data: { ...base, step_id: step },
        });
      }
      dt += 500;
      out.push(
        failed
          ? { type: 'session_error', id: id(t), timestamp: at(dt), ...p, data: { ...base, reason: failed } }
          : {
              type: 'session_end',
              id: id(t),
              timestamp: at(dt),
              ...p,
              data: { ...base, reason: 'completed' },
            },
      );
    } else if (r < 0.8) {
      out.push({ type: 'sms_sent', id: id(t), timestamp: at(), ...p, data: {} });
    } else if (r < 0.88) {
      const session = `ver-${id(t)}`;
      const rec = rand() < 0.8 ? 'ALLOW' : rand() < 0.5 ? 'CHALLENGE' : 'DENY';
      out.push({
        type: 'session_created',
        id: id(t),
        timestamp: at(),
        ...p,
        data: { session_id: session, document_type: pick(['passport', 'id_card', 'driver_license']) },
      });
      out.push({
        type: 'image_uploaded',
        id: id(t),
        timestamp: at(20_000),
        ...p,
        data: {
          session_id: session,
          image_type: 'document_front',
          processing_time_ms: 300 + Math.floor(rand() * 900),
          quality: 'good',
        },
      });
      out.push({
        type: 'verification_started',
        id: id(t),
        timestamp: at(45_000),
        ...p,
        data: { session_id: session, status: 'completed', recommendation: rec },
      });
    } else if (r < 0.985) {
      const score = Math.floor(rand() * 100);
      out.push({
        type: 'risk_recommendation',
        id: id(t),
        timestamp: at(),
        ...p,
        data: {
          action_type: pick(['login', 'transaction', 'password_reset']),
          recommendation: score > 85 ? 'DENY' : score > 60 ? 'CHALLENGE' : 'ALLOW',
          risk_score: score,
          device_id: `dev-${(n * 7919) % 100_000}`,
          reasons: score > 60 ? ['new_device', 'unusual_location'] : [],
        },
      });
    } else {
      const admin = pick(ADMINS);
      const appIds = Object.keys(DEMO_APPS) as Array<keyof typeof DEMO_APPS>;
      const app = pick(appIds);
      const kind = rand();
      const common = {
        id: id(t),
        tenant_id: 'acme',
        timestamp: at(),
        actor_id: admin.id,
        actor_type: 'admin',
        ip: `198.51.100.${ADMINS.indexOf(admin) + 10}`,
        user_agent: AGENTS[0] as string,
      };
      if (kind < 0.5) {
        out.push({
          type: 'editAuthSettings',
          ...common,
          app_id: app,
          target_resource_id: app,
          target_resource_type: 'app',
          changes: {
            mfa_required: { prev: false, current: true },
            session_lifetime_minutes: { prev: 60, current: 30 },
          },
          data: { app_name: DEMO_APPS[app] },
        });
      } else if (kind < 0.8) {
        out.push({
          type: 'adminUpdateUser',
          ...common,
          target_resource_id: demoUserId(n),
          target_resource_type: 'user',
          changes: { status: { prev: 'active', current: pick(['suspended', 'active']) } },
          data: {},
        });
      } else {
        out.push({
          type: 'updateApp',
          ...common,
          app_id: app,
          target_resource_id: app,
          target_resource_type: 'app',
          changes: {
            redirect_uris: { prev: ['https://old.example/cb'], current: ['https://app.example/cb'] },
          },
          data: { app_name: DEMO_APPS[app] },
        });
      }
    }
  }
  return out
    .slice(0, opts.count)
    .sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
}

export interface SeedOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  count: number;
  days?: number;
  seed?: number;
  /** Concurrent ingest requests (500 events each). */
  concurrency?: number;
  onProgress?: (sent: number, total: number) => void;
}

/**
 * Send demo events through the public API (POST /activities, 500 a request) and name the apps in the
 * directory. Returns what was sent; the events are searchable once the consumer has stored them.
 */
export async function seedDemo(o: SeedOptions): Promise<{ events: DemoEvent[]; token: string }> {
  const tokenRes = await fetch(`${o.baseUrl}/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${o.clientId}:${o.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  if (!tokenRes.ok) throw new Error(`token request failed: HTTP ${tokenRes.status} ${await tokenRes.text()}`);
  const token = ((await tokenRes.json()) as { access_token: string }).access_token;
  const api = (method: string, path: string, body: unknown) =>
    fetch(`${o.baseUrl}/activities/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  for (const [appId, name] of Object.entries(DEMO_APPS)) {
    const res = await api('PUT', `/directory/apps/${appId}`, { name });
    if (!res.ok) throw new Error(`PUT /directory/apps/${appId}: HTTP ${res.status} ${await res.text()}`);
  }
  const events = demoEvents({
    count: o.count,
    ...(o.days ? { days: o.days } : {}),
    ...(o.seed ? { seed: o.seed } : {}),
  });
  const batches: DemoEvent[][] = [];
  for (let i = 0; i < events.length; i += 500) batches.push(events.slice(i, i + 500));
  let sent = 0;
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++] as DemoEvent[];
      for (let attempt = 0; ; attempt++) {
        const res = await api('POST', '/activities', { events: batch });
        if (res.status === 202) break;
        if (attempt >= 5 || (res.status < 500 && res.status !== 429)) {
          throw new Error(`POST /activities: HTTP ${res.status} ${await res.text()}`);
        }
        await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
      }
      sent += batch.length;
      o.onProgress?.(sent, events.length);
    }
  };
  await Promise.all(Array.from({ length: o.concurrency ?? 4 }, worker));
  return { events, token };
}

/**
 * Wait until the consumer has stored all `events` (as the API counts them: an aggregate over their window,
 * read from the counters the consumer keeps), reporting the count so far.
 */
export async function waitUntilStored(o: {
  baseUrl: string;
  token: string;
  events: readonly DemoEvent[];
  timeoutMs?: number;
  onProgress?: (stored: number, total: number) => void;
}): Promise<void> {
  const from = o.events[0]?.timestamp;
  if (!from) return;
  const deadline = Date.now() + (o.timeoutMs ?? 15 * 60_000);
  for (;;) {
    const to = new Date().toISOString();
    const res = await fetch(
      `${o.baseUrl}/activities/v1/activities/aggregate?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
      { headers: { authorization: `Bearer ${o.token}` } },
    );
    const body = (await res.json()) as { total?: number };
    if (!res.ok) throw new Error(`GET /activities/aggregate: HTTP ${res.status} ${JSON.stringify(body)}`);
    const stored = body.total ?? 0;
    o.onProgress?.(stored, o.events.length);
    if (stored >= o.events.length) return;
    if (Date.now() > deadline) throw new Error(`only ${stored} of ${o.events.length} events stored in time`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}
