import { enrichEvents } from '../shared/directory/index.js';
import { getEvent } from '../shared/log/index.js';
import { notFound } from '../shared/model/index.js';
import { dynamoClient } from '../shared/platform/clients/dynamodb.js';
import { secretsClient } from '../shared/platform/clients/secrets-manager.js';
import { dispatch, httpHandler, json, readHandlerEnv, secretKey } from '../shared/platform/index.js';

import { API_PREFIX } from '../shared/routes.js';
import { search } from '../shared/search/index.js';

const env = readHandlerEnv('activities');
const ddb = dynamoClient();
// Read on the first search (every page's cursor is sealed with it); Secrets Manager loads then.
const cursorKey = secretKey(secretsClient(), env.cursorKeySecret);

/** GET /activities/v1/activities (search) and GET /activities/v1/activities/{id} (details). */
export const handler = httpHandler(
  dispatch('activities', {
    [`GET ${API_PREFIX}/activities`]: async (event) =>
      json(
        200,
        await search({ ddb, eventsTable: env.eventsTable, cursorKey }, event.queryStringParameters ?? {}),
      ),
    [`GET ${API_PREFIX}/activities/{id}`]: async (event) => {
      const id = event.pathParameters?.id ?? '';
      const found = await getEvent(ddb, env.eventsTable, id);
      if (!found) throw notFound(`no event with id '${id}' (unknown, not yet stored, or past retention)`);
      // The "Show Details" view: human-readable values from the directory when it knows them.
      await enrichEvents([found], { ddb, controlTable: env.controlTable });
      return json(200, found);
    },
  }),
);
