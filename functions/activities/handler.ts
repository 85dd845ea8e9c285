import { aggregate } from '../shared/aggregates/index.js';
import { enrichEvents } from '../shared/directory/index.js';
import { getEvent } from '../shared/log/index.js';
import { invalid, notFound } from '../shared/model/index.js';
import { dynamoClient } from '../shared/platform/clients/dynamodb.js';
import { secretsClient } from '../shared/platform/clients/secrets-manager.js';
import { dispatch, httpHandler, json, readHandlerEnv, secretKey } from '../shared/platform/index.js';
import { API_PREFIX } from '../shared/routes.js';
import { search } from '../shared/search/index.js';

const env = readHandlerEnv('activities');
const deps = {
  ddb: dynamoClient(),
  eventsTable: env.eventsTable,
  controlTable: env.controlTable,
  // Read on the first search (every page's cursor is sealed with it); Secrets Manager loads then.
  cursorKey: secretKey(secretsClient(), env.cursorKeySecret),
};

/** Search, aggregates and one event's details. */
export const handler = httpHandler(
  dispatch('activities', {
    [`GET ${API_PREFIX}/activities`]: async (event) =>
      json(200, await search(deps, event.queryStringParameters ?? {})),
    [`GET ${API_PREFIX}/activities/aggregate`]: async (event) =>
      json(200, await aggregate(deps, event.queryStringParameters ?? {})),
    [`GET ${API_PREFIX}/activities/{id}`]: async (event) => {
      const id = event.pathParameters?.id ?? '';
      const enrich = event.queryStringParameters?.enrich ?? 'true';
      const extra = Object.keys(event.queryStringParameters ?? {}).filter((k) => k !== 'enrich');
      if (extra.length > 0 || (enrich !== 'true' && enrich !== 'false')) {
        throw invalid('invalid request', [
          ...extra.map((k) => ({ path: k, message: 'is not a known parameter' })),
          ...(enrich !== 'true' && enrich !== 'false'
            ? [{ path: 'enrich', message: "must be 'true' or 'false'" }]
            : []),
        ]);
      }
      const found = await getEvent(deps.ddb, env.eventsTable, id);
      if (!found) throw notFound(`no event with id '${id}' (unknown, not yet stored, or past retention)`);
      // The "Show Details" view: human-readable values from the directory when it knows them (the default).
      if (enrich === 'true') await enrichEvents([found], deps);
      return json(200, found);
    },
  }),
);
