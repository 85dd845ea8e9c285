import { readFileSync } from 'node:fs';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { describe, expect, it, vi } from 'vitest';
import { openApiDocument } from '../../functions/shared/openapi/index.js';
import type { HttpEvent, HttpResult } from '../../functions/shared/platform/index.js';
import { API_PREFIX, ROUTES, routeKey } from '../../functions/shared/routes.js';
import { openApiText } from '../../scripts/openapi.js';
import {
  contractProblems,
  documentAjv,
  findOperation,
  OPENAPI,
  OPENAPI_FILE,
  validatorAt,
} from '../support/contract.js';
import { apiEvent, ctx } from '../support/http.js';

type Json = Record<string, unknown>;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const operations = () =>
  Object.entries(OPENAPI.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([m]) => METHODS.includes(m))
      .map(([m, op]) => ({ key: `${m.toUpperCase()} ${path}`, path, method: m, op: op as Json })),
  );

describe('the OpenAPI document (docs/openapi.json)', () => {
  it('is what `npm run openapi` generates from the route table and the schemas (run it after a change)', () => {
    expect(
      readFileSync(OPENAPI_FILE, 'utf8') === openApiText(),
      'docs/openapi.json is stale: npm run openapi',
    ).toBe(true);
  });

  it('has one operation per route of the route table and nothing else, with its scopes as alternatives', () => {
    expect(
      operations()
        .map((o) => o.key)
        .sort(),
    ).toEqual(ROUTES.map(routeKey).sort());
    for (const r of ROUTES) {
      const op = findOperation(r.method, r.path)?.op as Json;
      expect(op.summary, routeKey(r)).toBe(r.summary);
      // Any one scope of the route will do: one security requirement per scope; none for a public route.
      expect(op.security, routeKey(r)).toEqual(r.public ? [] : r.scopes.map((s) => ({ oauth2: [s] })));
      const responses = Object.keys(op.responses as Json);
      expect(responses.includes('401'), routeKey(r)).toBe(!r.public);
      for (const s of ['400', '413', '415', '429', '500']) expect(responses, routeKey(r)).toContain(s);
      // Every path parameter is declared, required, with the edge's limits or a schema of its own.
      const params = (op.parameters ?? []) as Json[];
      for (const [, name] of r.path.matchAll(/\{(\w+)\}/g)) {
        const p = params.find((x) => x.in === 'path' && x.name === name);
        expect(p?.required, `${routeKey(r)} {${name}}`).toBe(true);
        expect(p?.schema, `${routeKey(r)} {${name}}`).toBeDefined();
      }
    }
    const ids = operations().map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('passes the Redocly linter (recommended-strict: every warning is an error)', async () => {
    const config = await createConfig({ extends: ['recommended-strict'] });
    const problems = await lintFromString({
      source: readFileSync(OPENAPI_FILE, 'utf8'),
      absoluteRef: OPENAPI_FILE,
      config,
    });
    expect(problems.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
  });

  it('states the limits: batch sizes, lengths, body sizes', () => {
    const body = (key: string) => {
      const [method, path] = key.split(' ') as [string, string];
      return (findOperation(method, path)?.op.requestBody ?? {}) as Json;
    };
    const ingest = body(`POST ${API_PREFIX}/activities`);
    expect(ingest['x-max-body-bytes']).toBe(1024 * 1024);
    const events = (((ingest.content as Json)['application/json'] as Json).schema as Json).properties as Json;
    expect(events.events).toMatchObject({ minItems: 1, maxItems: 500 });
    expect(OPENAPI.components.schemas.EventInput).toMatchObject({
      properties: { id: { maxLength: 128 }, user_agent: { maxLength: 1024 }, tenant_id: { maxLength: 128 } },
    });
    const collect = findOperation('POST', `${API_PREFIX}/activities/collect`)?.op.parameters as Json[];
    expect(collect.find((p) => p.name === 'batch_size')?.schema).toMatchObject({ minimum: 1, maximum: 1000 });
    expect(body(`POST ${API_PREFIX}/streams`)['x-max-body-bytes']).toBe(64 * 1024);
    expect(body(`PUT ${API_PREFIX}/directory/{kind}/{id}`)['x-max-body-bytes']).toBe(16 * 1024);
  });

  it('has examples that match their schemas (parameters, bodies, components, errors)', () => {
    const ajv = documentAjv();
    const checked: string[] = [];
    const check = (pointer: string, example: unknown, n = 0) => {
      const validate = validatorAt(pointer, ajv);
      expect(validate(example), `${pointer} (${n}): ${JSON.stringify(validate.errors)}`).toBe(true);
      checked.push(pointer);
    };
    const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
    for (const o of operations()) {
      const base = `/paths/${esc(o.path)}/${o.method}`;
      ((o.op.parameters ?? []) as Json[]).forEach((p, i) => {
        if (p.example !== undefined) check(`${base}/parameters/${i}/schema`, p.example);
      });
      const media = ((o.op.requestBody as Json | undefined)?.content as Json | undefined)?.[
        'application/json'
      ] as Json | undefined;
      if (media) {
        expect(media.example, `${o.key} has a request example`).toBeDefined();
        check(`${base}/requestBody/content/application~1json/schema`, media.example);
      }
    }
    for (const [name, s] of Object.entries(OPENAPI.components.schemas)) {
      for (const [i, example] of ((s.examples ?? []) as unknown[]).entries())
        check(`/components/schemas/${esc(name)}`, example, i);
    }
    for (const [name, r] of Object.entries(OPENAPI.components.responses)) {
      const media = (r.content as Json)['application/json'] as Json;
      check(`/components/responses/${name}/content/application~1json/schema`, media.example);
    }
    expect(checked.length).toBeGreaterThan(40);
  });

  it('describes every operation a client needs: summary, operation id, a 2xx response and a tag', () => {
    for (const o of operations()) {
      expect(o.op.operationId, o.key).toMatch(/^[a-z][A-Za-z]+$/);
      expect(
        Object.keys(o.op.responses as Json).some((s) => s.startsWith('2')),
        o.key,
      ).toBe(true);
      expect((o.op.tags as string[]).length, o.key).toBe(1);
    }
    // A required query parameter has an example (the hostile-input test builds a valid request from them).
    for (const o of operations()) {
      for (const p of (o.op.parameters ?? []) as Json[]) {
        if (p.required) expect(p.example, `${o.key} ${String(p.name)}`).toBeDefined();
      }
    }
  });
});

describe('GET /activities/v1/openapi.json', () => {
  const call = async (env: Record<string, string>) => {
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      // The handler reads its environment at cold start: a fresh module for each.
      vi.resetModules();
      const { handler } = (await import('../../functions/openapi/handler.js')) as {
        handler: (e: HttpEvent, c: unknown) => Promise<HttpResult>;
      };
      const res = await handler(
        apiEvent({ method: 'GET', path: `${API_PREFIX}/openapi.json` }),
        ctx('openapi'),
      );
      return {
        status: res.statusCode,
        body: JSON.parse(String(res.body)) as Json,
        headers: res.headers ?? {},
      };
    } finally {
      process.env = saved;
    }
  };
  const tokenUrl = (doc: Json) =>
    (
      ((doc.components as Json).securitySchemes as Json).oauth2 as {
        flows: { clientCredentials: { tokenUrl: string } };
      }
    ).flows.clientCredentials.tokenUrl;

  it("serves the committed document, naming the URL it was asked on and the stack's token endpoint", async () => {
    const res = await call({ TOKEN_URL: 'https://auth.example.com/oauth2/token' });
    expect(res.status).toBe(200);
    expect(res.body.servers).toEqual([{ url: 'https://api.example.test', description: 'This API' }]);
    expect(tokenUrl(res.body)).toBe('https://auth.example.com/oauth2/token');
    expect(res.body.paths).toEqual(openApiDocument().paths);
    expect(res.headers['cache-control']).toMatch(/max-age/);
  });

  it('names its own origin as the token endpoint when the stack names none (npm start serves it there)', async () => {
    const res = await call({ TOKEN_URL: '' });
    expect(tokenUrl(res.body)).toBe('https://api.example.test/oauth2/token');
  });
});

describe('the contract check the integration tests make (test/support/contract.ts)', () => {
  const json = { 'content-type': 'application/json; charset=utf-8' };
  const stream = ((OPENAPI.components.schemas.Stream?.examples ?? []) as unknown[])[0] as Json;
  const check = (method: string, path: string, status: number, body: unknown, headers: Json = json) =>
    contractProblems({
      method,
      path,
      status,
      headers: headers as Record<string, string>,
      body: body === undefined ? '' : JSON.stringify(body),
    });

  it('passes an answer the document describes, on a path with parameters and a query string', () => {
    expect(check('GET', `${API_PREFIX}/streams/01KA6Z3V9Q8R2N4M5P6T7W8X9Y?x=1`, 200, stream)).toEqual([]);
    expect(check('DELETE', `${API_PREFIX}/streams/s-1`, 204, undefined, {})).toEqual([]);
    expect(
      check('GET', `${API_PREFIX}/streams/s-1`, 404, { error: { code: 'not_found', message: 'no stream' } }),
    ).toEqual([]);
    // API Gateway's own refusal.
    expect(check('GET', `${API_PREFIX}/streams`, 401, { message: 'Unauthorized' })).toEqual([]);
  });

  it('refuses a status the operation does not list, a field the schema does not have, a missing Location', () => {
    expect(
      check('GET', `${API_PREFIX}/streams`, 409, { error: { code: 'conflict', message: 'x' } })[0],
    ).toMatch(/lists only/);
    expect(check('GET', `${API_PREFIX}/streams/s-1`, 200, { ...stream, colour: 'red' })[0]).toMatch(
      /does not match/,
    );
    expect(check('GET', `${API_PREFIX}/streams/s-1`, 200, { ...stream, batch_size: '7' })[0]).toMatch(
      /batch_size/,
    );
    expect(check('POST', `${API_PREFIX}/streams`, 201, stream)[0]).toMatch(/no Location header/);
    expect(check('DELETE', `${API_PREFIX}/streams/s-1`, 204, { ok: true })[0]).toMatch(/no body/);
    expect(
      check('GET', `${API_PREFIX}/streams/s-1`, 404, { error: { code: 'nope', message: 'x' } })[0],
    ).toMatch(/does not match/);
  });

  it('leaves alone what the document does not describe (the console, unknown paths)', () => {
    expect(check('GET', '/user-activity', 200, '<html>')).toEqual([]);
    expect(check('GET', `${API_PREFIX}/nothing/here/at/all`, 404, {})).toEqual([]);
  });
});
