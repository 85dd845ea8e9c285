import { dynamoClient } from '../shared/clients/dynamodb.js';
import { readEnv } from '../shared/env.js';
import { notFound } from '../shared/errors.js';
import { httpHandler, json } from '../shared/http.js';
import { getEvent } from '../shared/store/items.js';

const env = readEnv(['eventsTable']);
const ddb = dynamoClient();

/** GET /activities/v1/activities/{id} */
export const handler = httpHandler(async (event) => {
  const id = event.pathParameters?.id ?? '';
  const found = await getEvent(ddb, env.eventsTable, id);
  if (!found) throw notFound(`no event with id '${id}' (unknown, not yet stored, or past retention)`);
  return json(200, found);
});
