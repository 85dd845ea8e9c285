import { aggregate } from '../shared/aggregates/index.js';
import { searchIndexSet } from '../shared/model/index.js';
import { storeReaderDeps } from '../shared/platform/clients/reader.js';
import { dispatch, httpHandler, json, readHandlerEnv } from '../shared/platform/index.js';
import { API_PREFIX } from '../shared/routes.js';
import { eventDetails, search } from '../shared/search/index.js';

const env = readHandlerEnv('activities');
const deps = {
  ...storeReaderDeps(env),
  searchIndexes: searchIndexSet(env.searchIndexes, env.searchIndexMigration),
};

/** Search, aggregates and one event's details. */
export const handler = httpHandler(
  dispatch('activities', {
    [`GET ${API_PREFIX}/activities`]: async (event) =>
      json(200, await search(deps, event.queryStringParameters ?? {})),
    [`GET ${API_PREFIX}/activities/aggregate`]: async (event) =>
      json(200, await aggregate(deps, event.queryStringParameters ?? {})),
    [`GET ${API_PREFIX}/activities/{id}`]: async (event) =>
      json(200, await eventDetails(deps, event.pathParameters?.id ?? '', event.queryStringParameters ?? {})),
  }),
);
