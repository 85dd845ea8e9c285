import { readFileSync } from 'node:fs';
import type http from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { API_PREFIX } from '../functions/shared/routes.js';

/**
 * `/docs` on `npm start`: the API reference, rendered by Swagger UI (the `swagger-ui-dist` package: its
 * prebuilt bundle, served from node_modules, so the page works offline) from the document the API serves at
 * GET /activities/v1/openapi.json. Its "Authorize" button takes a client's id and secret and gets tokens from
 * the local token endpoint, so "Try it out" calls this API.
 */

export const DOCS_PATH = '/docs';

const dist = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Activity Events API</title>
<link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
<script src="${DOCS_PATH}/init.js"></script>
</body>
</html>
`;

const INIT = `window.ui = SwaggerUIBundle({
  url: ${JSON.stringify(`${API_PREFIX}/openapi.json`)},
  dom_id: '#swagger-ui',
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  validatorUrl: null,
  tryItOutEnabled: false,
  persistAuthorization: false,
});
`;

/** The page, its script and the renderer's two files, read once when first asked for. */
const FILES: Record<string, { type: string; body: () => Buffer }> = {
  '': { type: 'text/html; charset=utf-8', body: () => Buffer.from(PAGE) },
  '/': { type: 'text/html; charset=utf-8', body: () => Buffer.from(PAGE) },
  '/init.js': { type: 'text/javascript; charset=utf-8', body: () => Buffer.from(INIT) },
  '/swagger-ui-bundle.js': {
    type: 'text/javascript; charset=utf-8',
    body: () => readFileSync(join(dist, 'swagger-ui-bundle.js')),
  },
  '/swagger-ui.css': {
    type: 'text/css; charset=utf-8',
    body: () => readFileSync(join(dist, 'swagger-ui.css')),
  },
};
const cache = new Map<string, Buffer>();

/**
 * Serve `/docs` and its files; returns the status sent, or undefined when the request is not for them. Only
 * what the page needs may run or load: its own scripts, its styles (Swagger UI sets some inline), images as
 * data URLs, and calls to this origin.
 */
export function serveApiDocs(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
): number | undefined {
  const method = req.method ?? 'GET';
  if (
    (method !== 'GET' && method !== 'HEAD') ||
    !(url.pathname === DOCS_PATH || url.pathname.startsWith(`${DOCS_PATH}/`))
  )
    return undefined;
  const file = FILES[url.pathname.slice(DOCS_PATH.length)];
  if (!file) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('not found');
    return 404;
  }
  const key = url.pathname;
  let body = cache.get(key);
  if (!body) {
    body = file.body();
    cache.set(key, body);
  }
  res.writeHead(200, {
    'content-type': file.type,
    'content-length': String(body.length),
    'cache-control': 'no-cache',
    'content-security-policy':
      "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  res.end(method === 'HEAD' ? undefined : body);
  return 200;
}
