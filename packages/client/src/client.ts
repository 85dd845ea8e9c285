import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './schema.js';
import { staticToken, type TokenSource } from './token.js';

export interface ClientOptions {
  /** The API's base URL: on AWS the stack output `ApiUrl` without its path, under `npm start` http://127.0.0.1:4000. */
  baseUrl: string;
  /** Where bearer tokens come from: `clientCredentials({...})`, or a fixed token. */
  token: TokenSource | string;
  fetch?: typeof fetch;
}

/** The typed API: every operation of the document, `api.GET('/activities/v1/streams')` and so on. */
export type ActivityEventsApi = Client<paths>;

/**
 * A typed client of every operation (openapi-fetch over the generated `paths`): each call sends the current bearer
 * token, and a 401 drops a cached token so the next call fetches a new one.
 */
export function createApiClient(o: ClientOptions): ActivityEventsApi & { token: TokenSource } {
  const token = typeof o.token === 'string' ? staticToken(o.token) : o.token;
  const doFetch = o.fetch ?? fetch;
  const api = createClient<paths>({
    baseUrl: o.baseUrl.replace(/\/+$/, ''),
    fetch: (request: Request) => doFetch(request),
  });
  api.use({
    async onRequest({ request }) {
      request.headers.set('authorization', `Bearer ${await token()}`);
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401) token.invalidate();
      return undefined;
    },
  });
  return Object.assign(api, { token });
}
