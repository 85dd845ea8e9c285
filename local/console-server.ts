import { createReadStream, existsSync, statSync } from 'node:fs';
import type http from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import {
  CONFIG_PATH,
  type ConsoleConfig,
  cacheControl,
  contentSecurityPolicy,
  SECURITY_HEADERS,
} from '../console/runtime.js';
import type { LocalAuth } from './auth.js';
import { CONSOLE_CLIENT_ID, CONSOLE_REQUESTED_SCOPES, type LocalPeople } from './people.js';

/**
 * What `npm start` serves besides the API: the console (its built files, `/config.json` and the single-page
 * app's routes, with the same security headers as CloudFront on AWS), and the hosted sign-in Cognito gives on
 * AWS (`/oauth2/authorize` with a sign-in form, `/logout`). Tokens come from `/oauth2/token` (gateway.ts).
 */
export interface ConsoleSite {
  /** The built console: a folder, or where the newest build is now (a rebuild is served without a restart). */
  dist: string | (() => string);
  people: LocalPeople;
  auth: LocalAuth;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const origin = (req: http.IncomingMessage) => `http://${req.headers.host ?? '127.0.0.1'}`;

/**
 * The console is served only under the names of this machine's loopback: another name resolving here (DNS
 * rebinding) must not get a page whose origin it controls, nor a sign-in form that trusts it.
 */
function loopbackHost(req: http.IncomingMessage): boolean {
  const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}

/**
 * A form post from the console's own pages only (login CSRF, and a foreign page locking an email out with
 * wrong passwords): the browser's Origin, or Sec-Fetch-Site, must say same-origin.
 */
function sameOriginPost(req: http.IncomingMessage): boolean {
  // Under `Referrer-Policy: no-referrer` a browser sends `Origin: null` with a form post; Sec-Fetch-Site decides.
  const o = req.headers.origin;
  if (o !== undefined && o !== 'null') return o === origin(req);
  return req.headers['sec-fetch-site'] === 'same-origin';
}

function securityHeaders(req: http.IncomingMessage): Record<string, string> {
  const o = origin(req);
  const hsts = SECURITY_HEADERS.strictTransportSecurity;
  return {
    'content-security-policy': contentSecurityPolicy({ apiOrigin: o, authOrigin: o }),
    // Browsers ignore HSTS over plain HTTP; sent so the headers are those CloudFront sends.
    'strict-transport-security': `max-age=${hsts.maxAgeSeconds}${hsts.includeSubdomains ? '; includeSubDomains' : ''}`,
    'x-frame-options': SECURITY_HEADERS.frameOptions,
    'x-content-type-options': SECURITY_HEADERS.contentTypeOptions,
    'referrer-policy': SECURITY_HEADERS.referrerPolicy,
  };
}

/** The console's settings for a browser on this origin (127.0.0.1 or localhost alike). */
export function localConsoleConfig(base: string): ConsoleConfig {
  return {
    apiUrl: base,
    authorizeUrl: `${base}/oauth2/authorize`,
    tokenUrl: `${base}/oauth2/token`,
    logoutUrl: `${base}/logout`,
    clientId: CONSOLE_CLIENT_ID,
    scopes: CONSOLE_REQUESTED_SCOPES,
    environment: 'local',
  };
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

const SIGN_IN_CSS = `body{margin:0;font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;background:#f6f7f9;color:#1f2937}
main{max-width:24rem;margin:12vh auto;background:#fff;border:1px solid #d1d5db;border-radius:6px;padding:2rem}
h1{font-size:1.4rem;margin:0 0 1rem}label{display:block;font-weight:600;font-size:.9rem;margin:.75rem 0 .25rem}
input{width:100%;box-sizing:border-box;font:inherit;padding:.45rem .6rem;border:1px solid #9ca3af;border-radius:6px}
button{margin-top:1.25rem;width:100%;font:inherit;padding:.55rem;border-radius:6px;border:1px solid #1d4ed8;background:#1d4ed8;color:#fff;cursor:pointer}
.error{background:#fef2f2;border:1px solid #fca5a5;color:#7f1d1d;border-radius:6px;padding:.6rem .75rem}
.muted{color:#4b5563;font-size:.85rem}:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}`;

function signInPage(params: URLSearchParams, error?: string): string {
  const hidden = [...params]
    .filter(([k]) => k !== 'email' && k !== 'password')
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · Activity Events</title><link rel="stylesheet" href="/oauth2/sign-in.css"></head><body><main>
<h1>Sign in to Activity Events</h1>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/oauth2/authorize">${hidden}
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required value="${escapeHtml(params.get('email') ?? '')}">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form>
<p class="muted">Local sign-in (npm start): the admin's email and password are in .local/credentials.json.</p>
</main></body></html>`;
}

function html(res: http.ServerResponse, req: http.IncomingMessage, status: number, body: string, extra = {}) {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    ...securityHeaders(req),
    ...extra,
  });
  res.end(body);
  return status;
}

/** Which problems make the authorize request unusable (before anything may be sent to its redirect URI). */
function authorizeProblem(req: http.IncomingMessage, p: URLSearchParams): string | undefined {
  if (p.get('client_id') !== CONSOLE_CLIENT_ID) return 'unknown client_id';
  const redirect = p.get('redirect_uri') ?? '';
  let u: URL;
  try {
    u = new URL(redirect);
  } catch {
    return 'redirect_uri is not a URL';
  }
  // Like the app client's callback URLs on AWS: the console's own root, on this origin.
  if (u.origin !== origin(req) || u.pathname !== '/' || u.search !== '') {
    return `redirect_uri must be ${origin(req)}/ (the console)`;
  }
  if (p.get('response_type') !== 'code') return 'response_type must be code';
  if (p.get('code_challenge_method') !== 'S256' || !/^[\w-]{43}$/.test(p.get('code_challenge') ?? '')) {
    return 'a PKCE code_challenge (S256) is required';
  }
  return undefined;
}

/**
 * Serve a console or hosted sign-in request; returns the status sent, or undefined when the request is not
 * one of these (an API route, or a token request).
 */
export async function serveConsole(
  site: ConsoleSite,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  body: Buffer,
): Promise<number | undefined> {
  const method = req.method ?? 'GET';
  const path = url.pathname;
  const ours =
    path === '/oauth2/sign-in.css' ||
    path === '/oauth2/authorize' ||
    path === '/oauth2/revoke' ||
    path === '/logout' ||
    !(
      path.startsWith('/activities/') ||
      path.startsWith('/oauth2/') ||
      (method !== 'GET' && method !== 'HEAD')
    );
  if (ours && !loopbackHost(req)) {
    res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('the console answers on 127.0.0.1, localhost or [::1] only');
    return 421;
  }
  if (path === '/oauth2/revoke' && method === 'POST') {
    // Cognito's revocation endpoint (RFC 7009): the console's sign-out ends its refresh token.
    const form = new URLSearchParams(body.toString('utf8'));
    if (form.get('client_id') !== CONSOLE_CLIENT_ID) {
      res.writeHead(400, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ error: 'invalid_client', error_description: 'unknown client_id' }));
      return 400;
    }
    site.people.revoke(form.get('token') ?? '');
    res.writeHead(200, { 'cache-control': 'no-store' });
    res.end();
    return 200;
  }
  if (path === '/oauth2/sign-in.css' && method === 'GET') {
    res.writeHead(200, {
      'content-type': 'text/css; charset=utf-8',
      'cache-control': 'no-cache',
      ...securityHeaders(req),
    });
    res.end(SIGN_IN_CSS);
    return 200;
  }
  if (path === '/oauth2/authorize' && (method === 'GET' || method === 'POST')) {
    const params = method === 'GET' ? url.searchParams : new URLSearchParams(body.toString('utf8'));
    const problem = authorizeProblem(req, params);
    if (problem)
      return html(
        res,
        req,
        400,
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in error</title></head><body><main><h1>Sign-in error</h1><p>${escapeHtml(problem)}</p></main></body></html>`,
      );
    if (method === 'GET') return html(res, req, 200, signInPage(params));
    if (!sameOriginPost(req)) {
      return html(res, req, 403, signInPage(params, 'This form can only be sent from its own page.'));
    }
    const email = (params.get('email') ?? '').trim();
    const wait = site.auth.signInLimiter.blockedFor(email.toLowerCase());
    if (wait > 0) {
      return html(
        res,
        req,
        429,
        signInPage(params, `Too many failed sign-ins for this email; try again in ${wait} s.`),
        {
          'retry-after': String(wait),
        },
      );
    }
    const person = site.people.authenticate(email, params.get('password') ?? '');
    if (!person) {
      site.auth.signInLimiter.fail(email.toLowerCase());
      return html(res, req, 401, signInPage(params, 'Incorrect email or password.'));
    }
    const code = site.people.issueCode(person, {
      clientId: CONSOLE_CLIENT_ID,
      redirectUri: params.get('redirect_uri') as string,
      challenge: params.get('code_challenge') as string,
      scope: params.get('scope') ?? CONSOLE_REQUESTED_SCOPES.join(' '),
    });
    const back = new URL(params.get('redirect_uri') as string);
    back.searchParams.set('code', code);
    if (params.get('state')) back.searchParams.set('state', params.get('state') as string);
    res.writeHead(302, { location: back.toString(), 'cache-control': 'no-store' });
    res.end();
    return 302;
  }
  if (path === '/logout' && method === 'GET') {
    const to = url.searchParams.get('logout_uri') ?? '';
    let target: URL | undefined;
    try {
      target = new URL(to);
    } catch {
      target = undefined;
    }
    // Like the app client's sign-out URL on AWS: exactly the console's root.
    if (
      url.searchParams.get('client_id') !== CONSOLE_CLIENT_ID ||
      target?.origin !== origin(req) ||
      target.pathname !== '/' ||
      target.search !== ''
    ) {
      return html(
        res,
        req,
        400,
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-out error</title></head><body><main><h1>Sign-out error</h1><p>logout_uri must be the console on this origin, with its client_id.</p></main></body></html>',
      );
    }
    res.writeHead(302, { location: target.toString(), 'cache-control': 'no-store' });
    res.end();
    return 302;
  }
  // Everything else that is not the API, OAuth or a HEAD/GET is not the console's.
  if (
    path.startsWith('/activities/') ||
    path.startsWith('/oauth2/') ||
    (method !== 'GET' && method !== 'HEAD')
  ) {
    return undefined;
  }
  if (path === CONFIG_PATH) {
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': cacheControl(path),
      ...securityHeaders(req),
    });
    res.end(method === 'HEAD' ? undefined : JSON.stringify(localConsoleConfig(origin(req))));
    return 200;
  }
  const dist = typeof site.dist === 'string' ? site.dist : site.dist();
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    decoded = '/';
  }
  let file = normalize(join(dist, decoded));
  if (!file.startsWith(dist + sep) || !existsSync(file) || !statSync(file).isFile()) {
    // Assets that are not there are 404s; any other path is one of the app's routes: index.html.
    if (path.startsWith('/assets/')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...securityHeaders(req) });
      res.end('not found');
      return 404;
    }
    file = join(dist, 'index.html');
  }
  const served = file.slice(dist.length).split(sep).join('/');
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': cacheControl(served),
    ...securityHeaders(req),
  });
  if (method === 'HEAD') {
    res.end();
    return 200;
  }
  // A build removed while it is read (a newer one replaced it) ends the answer, not the runner.
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
  return 200;
}
